/*
 * metrics — request counts by route and status, a latency histogram and
 * database errors, rendered as Prometheus text at /metrics.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "util/mem.h"

static const int statuses[METRIC_STATUSES] = {
	200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429,
	500, 503,
};

/* Upper bounds in microseconds; the last bucket is +Inf. */
static const int64_t bounds_us[METRIC_BUCKETS - 1] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
	500000, 1000000,
};

void
metrics_init(struct metrics *m, size_t nroutes)
{
	m->nroutes = nroutes + 1;
	m->by_route = xcalloc(m->nroutes, sizeof(*m->by_route));
}

void
metrics_release(struct metrics *m)
{
	free(m->by_route);
	m->by_route = NULL;
}

static int
status_slot(int status)
{
	for (int i = 0; i < METRIC_STATUSES; i++)
		if (statuses[i] == status)
			return i;
	return status >= 500 ? 14 : 4;
}

void
metrics_observe(struct metrics *m, size_t route, int status, int64_t dur_us)
{
	int b = METRIC_BUCKETS - 1;

	if (route >= m->nroutes)
		route = m->nroutes - 1;
	__atomic_fetch_add(&m->by_route[route][status_slot(status)], 1,
	    __ATOMIC_RELAXED);
	for (int i = 0; i < METRIC_BUCKETS - 1; i++) {
		if (dur_us <= bounds_us[i]) {
			b = i;
			break;
		}
	}
	__atomic_fetch_add(&m->latency[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->latency_sum_us, (uint64_t)dur_us,
	    __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->latency_count, 1, __ATOMIC_RELAXED);
}

void
metrics_render(struct app *app, struct buf *b)
{
	struct metrics *m = &app->metrics;
	uint64_t cum = 0;

	buf_adds(b, "# HELP aftersales_requests_total HTTP requests by route "
	    "and status.\n# TYPE aftersales_requests_total counter\n");
	for (size_t r = 0; r < m->nroutes; r++) {
		const char *method = "", *path = "unmatched";

		if (r < api_nroutes) {
			unsigned mm = api_routes[r].method;

			method = mm & HTTP_GET ? "GET" : mm & HTTP_POST ? "POST" :
			    mm & HTTP_PUT ? "PUT" : mm & HTTP_PATCH ? "PATCH" :
			    "DELETE";
			path = api_routes[r].pattern;
		}
		for (int s = 0; s < METRIC_STATUSES; s++) {
			uint64_t v = __atomic_load_n(&m->by_route[r][s],
			    __ATOMIC_RELAXED);

			if (v == 0)
				continue;
			buf_addf(b, "aftersales_requests_total{method=\"%s\","
			    "route=\"%s\",status=\"%d\"} %llu\n", method, path,
			    statuses[s], (unsigned long long)v);
		}
	}
	buf_adds(b, "# HELP aftersales_request_duration_seconds Time to answer."
	    "\n# TYPE aftersales_request_duration_seconds histogram\n");
	for (int i = 0; i < METRIC_BUCKETS; i++) {
		cum += __atomic_load_n(&m->latency[i], __ATOMIC_RELAXED);
		if (i < METRIC_BUCKETS - 1)
			buf_addf(b, "aftersales_request_duration_seconds_bucket"
			    "{le=\"%g\"} %llu\n", (double)bounds_us[i] / 1e6,
			    (unsigned long long)cum);
		else
			buf_addf(b, "aftersales_request_duration_seconds_bucket"
			    "{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	buf_addf(b, "aftersales_request_duration_seconds_sum %.6f\n",
	    (double)__atomic_load_n(&m->latency_sum_us, __ATOMIC_RELAXED) / 1e6);
	buf_addf(b, "aftersales_request_duration_seconds_count %llu\n",
	    (unsigned long long)__atomic_load_n(&m->latency_count,
	    __ATOMIC_RELAXED));
	buf_addf(b, "# HELP aftersales_db_errors_total Failed database "
	    "statements.\n# TYPE aftersales_db_errors_total counter\n"
	    "aftersales_db_errors_total %llu\n",
	    (unsigned long long)store_db_errors(app->store));
	buf_addf(b, "# HELP aftersales_db_checkpoints_total WAL checkpoints "
	    "(SQLite): by the checkpointer thread, or by the writer when the "
	    "WAL outgrew it.\n# TYPE aftersales_db_checkpoints_total counter\n"
	    "aftersales_db_checkpoints_total{by=\"checkpointer\"} %llu\n"
	    "aftersales_db_checkpoints_total{by=\"writer\"} %llu\n",
	    (unsigned long long)store_checkpoints(app->store, false),
	    (unsigned long long)store_checkpoints(app->store, true));
	buf_addf(b, "# HELP aftersales_requests_in_flight Requests being "
	    "answered.\n# TYPE aftersales_requests_in_flight gauge\n"
	    "aftersales_requests_in_flight %llu\n",
	    (unsigned long long)__atomic_load_n(&m->in_flight,
	    __ATOMIC_RELAXED));
}
