/*
 * serve — run the HTTP server until SIGTERM or SIGINT, then drain in-flight
 * requests and exit 0.  A scheduler thread sweeps expired idempotency keys
 * and tokens (safe with several servers: each sweep is an idempotent DELETE)
 * and merges a little of the search index every minute, and runs the SLA
 * step every sla_tick_s seconds (warnings and breaches, each claimed once
 * across servers: see domain/sla/sla.h).
 */
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "cli/cli.h"
#include "domain/core/core.h"
#include "domain/search/search.h"
#include "domain/sla/sla.h"
#include "http/http.h"
#include "util/clock.h"
#include "util/log.h"

/* pages of the search index merged per minute (search_compact) */
#define SWEEP_MERGE_PAGES 500

struct sched {
	struct app *app;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

static enum svc_code
sweep_tx(struct db *db, void *arg, struct svc_err *err)
{
	int64_t now = clock_now(), n = 0;
	enum svc_code rc;

	(void)arg;
	rc = idem_sweep(db, now, &n, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "DELETE FROM auth_tokens WHERE expires_at < ?",
		    DB_ARGS(DB_I(now)), NULL, err);
	/* a little of the search index's merging each minute (~2 MB) */
	if (rc == SVC_OK)
		rc = search_compact(db, SWEEP_MERGE_PAGES, err);
	return rc;
}

static enum svc_code
sla_tx(struct db *db, void *arg, struct svc_err *err)
{
	(void)arg;
	return sla_tick(db, clock_now(), NULL, err);
}

static void *
sched_main(void *arg)
{
	struct sched *s = arg;
	struct timespec until;
	struct svc_err err;
	struct db *db;
	int64_t swept = clock_now();

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += s->app->cfg.sla_tick_s;
		pthread_cond_timedwait(&s->cv, &s->mu, &until);
		if (s->stop)
			break;
		pthread_mutex_unlock(&s->mu);
		if (store_acquire(s->app->store, &db, &err) == SVC_OK) {
			if (clock_now() - swept >= 60) {
				swept = clock_now();
				if (store_write(s->app->store, db, sweep_tx,
				    NULL, &err))
					log_warn("sweep failed: %s", err.msg);
			}
			if (store_write(s->app->store, db, sla_tx, NULL, &err))
				log_warn("sla tick failed: %s", err.msg);
			store_release(s->app->store, db);
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
cmd_serve(struct cli_args *a)
{
	static const char *const flags[] = { "db", "listen", NULL };
	struct sched sched = { 0 };
	struct app *app;
	pthread_t sched_thread;
	sigset_t set;
	char msg[256];
	int sig = 0;
	int64_t t0 = clock_mono_us();

	if (!cli_check_flags(a, flags, "serve"))
		return 1;
	app = xcalloc(1, sizeof(*app));
	app->cfg = a->cfg;
	/* every thread inherits this mask; only sigwait() below sees them */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	app->store = cli_open_store(&app->cfg, true);
	if (app->store == NULL) {
		free(app);
		return 1;
	}
	sem_init(&app->hash_slots, 0, 2);
	{
		unsigned char r[4];

		randombytes_buf(r, sizeof(r));
		snprintf(app->instance, sizeof(app->instance), "%02x%02x%02x%02x",
		    r[0], r[1], r[2], r[3]);
	}
	api_routes_init();
	metrics_init(&app->metrics, api_nroutes);
	if (!http_start(app, msg, sizeof(msg))) {
		store_close(app->store);
		metrics_release(&app->metrics);
		free(app);
		return cli_fail("serve: %s", msg);
	}
	sched.app = app;
	pthread_mutex_init(&sched.mu, NULL);
	pthread_cond_init(&sched.cv, NULL);
	pthread_create(&sched_thread, NULL, sched_main, &sched);
	log_info("aftersales listening on http://%s (db %s, %d threads, "
	    "started in %lld ms)", app->cfg.listen, store_kind(app->store) ==
	    STORE_PG ? "postgresql" : app->cfg.db, app->cfg.threads,
	    (long long)((clock_mono_us() - t0) / 1000));
	printf("Aftersales is running at http://%s/ (Ctrl-C stops it)\n",
	    app->cfg.listen);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	log_info("signal %d: draining", sig);
	app->stopping = 1;
	http_stop(app, app->cfg.shutdown_grace_s * 1000);
	pthread_mutex_lock(&sched.mu);
	sched.stop = true;
	pthread_cond_signal(&sched.cv);
	pthread_mutex_unlock(&sched.mu);
	pthread_join(sched_thread, NULL);
	pthread_mutex_destroy(&sched.mu);
	pthread_cond_destroy(&sched.cv);
	store_close(app->store);
	metrics_release(&app->metrics);
	sem_destroy(&app->hash_slots);
	api_routes_release();
	free(app);
	log_info("stopped");
	return 0;
}

int
cmd_openapi(struct cli_args *a)
{
	static const char *const flags[] = { NULL };
	struct buf b;

	if (!cli_check_flags(a, flags, "openapi"))
		return 1;
	api_routes_init();
	buf_init(&b, 16u << 20);
	openapi_render(&b);
	fwrite(b.p, 1, b.len, stdout);
	fputc('\n', stdout);
	buf_release(&b);
	return 0;
}

/* The route table as a Markdown table (docs/api.md is generated from it). */
int
cmd_routes(struct cli_args *a)
{
	static const char *const flags[] = { NULL };

	if (!cli_check_flags(a, flags, "routes"))
		return 1;
	api_routes_init();
	printf("| method | path | permission | summary |\n");
	printf("|---|---|---|---|\n");
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *r = &api_routes[i];
		unsigned m = r->method;

		printf("| %s | `%s` | %s | %s%s%s |\n", m & HTTP_GET ? "GET" :
		    m & HTTP_POST ? "POST" : m & HTTP_PUT ? "PUT" :
		    m & HTTP_PATCH ? "PATCH" : "DELETE", r->pattern,
		    r->flags & R_PUBLIC ? "public" : r->perm, r->summary,
		    r->flags & R_IDEMPOTENT ? " (Idempotency-Key)" : "",
		    api_can_export(r) ? " (?format=csv or xlsx)" : "");
	}
	return 0;
}
