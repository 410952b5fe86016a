/*
 * guard — what one client may hold of the server's connections
 * (docs/operations.md, "Connections"):
 *
 *   - at most conn_per_addr open connections per client address
 *     (libmicrohttpd's own per-address limit, set by server.c);
 *   - of conn_max connections, the last conn_reserve are kept for the
 *     addresses of reserve_addrs (health checks) and for addresses that
 *     made an authenticated request in the last hour (logged-in users):
 *     past conn_max - conn_reserve open, other addresses are refused at
 *     accept;
 *   - a deadline for each request, not only an idle timeout: its headers
 *     must all have arrived header_timeout_s after the connection opened
 *     (or its previous request ended), its body request_timeout_s after
 *     that.  A thread looks twice a second and shuts down the socket of a
 *     connection past its deadline; libmicrohttpd then closes it;
 *   - once the server drains (SIGTERM), no new connection at all.
 *
 * A connection's record lives from libmicrohttpd's STARTED notification
 * to its CLOSED one, which comes before libmicrohttpd closes the socket:
 * under `mu`, the sweep never shuts down a socket number reused since.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/guard.h"
#include "util/clock.h"
#include "util/log.h"

#define RESERVE_ADDRS_MAX 16
#define KNOWN_SLOTS 4096
#define KNOWN_TTL_S 3600
#define SWEEP_MS 500

enum phase { PH_HEADERS, PH_BODY, PH_BUSY };

struct conn {
	struct conn *prev, *next;	/* under g.mu */
	int fd;
	int phase;		/* enum phase; atomic */
	/* atomic: the opening or the last request's end */
	int64_t began_us;
	bool cut;		/* under g.mu */
};

/* An address as 16 bytes (IPv4 mapped into IPv6). */
struct addr {
	unsigned char b[16];
};

struct known {
	struct addr a;
	int64_t seen;		/* 0: empty */
};

static struct {
	pthread_mutex_t mu;
	struct conn *head;
	unsigned open;
	unsigned limit;		/* conn_max - conn_reserve */
	int64_t header_us, request_us;
	struct addr reserve[RESERVE_ADDRS_MAX];
	size_t nreserve;
	struct known *known;	/* KNOWN_SLOTS, under mu */
	pthread_t sweeper;
	bool started;
	bool stop;
	bool draining;		/* refuse every new connection */
	pthread_cond_t cv;
} g = { .mu = PTHREAD_MUTEX_INITIALIZER };

static bool
addr_of(const struct sockaddr *sa, struct addr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		out->b[10] = out->b[11] = 0xff;
		memcpy(out->b + 12, &((const struct sockaddr_in *)sa)->sin_addr,
		    4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		memcpy(out->b, &s6->sin6_addr, 16);
		return true;
	}
	return false;
}

static unsigned
addr_slot(const struct addr *a)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return h % KNOWN_SLOTS;
}

bool
guard_start(const struct config *cfg, char *msg, size_t msglen)
{
	char list[sizeof(cfg->reserve_addrs)];
	pthread_condattr_t ca;

	if (cfg->conn_reserve >= cfg->conn_max) {
		snprintf(msg, msglen,
		    "conn_reserve (%d) must be below conn_max (%d)",
		    cfg->conn_reserve, cfg->conn_max);
		return false;
	}
	g.limit = (unsigned)(cfg->conn_max - cfg->conn_reserve);
	g.header_us = (int64_t)cfg->header_timeout_s * 1000000;
	g.request_us = (int64_t)cfg->request_timeout_s * 1000000;
	g.nreserve = 0;
	snprintf(list, sizeof(list), "%s", cfg->reserve_addrs);
	for (char *tok = list, *end; *tok != '\0'; tok = end) {
		struct addr *a;

		end = tok + strcspn(tok, ", ");
		if (*end != '\0')
			*end++ = '\0';
		if (*tok == '\0')
			continue;	/* "a, b": the space after the comma */
		if (g.nreserve == RESERVE_ADDRS_MAX) {
			snprintf(msg, msglen, "reserve_addrs: at most %d "
			    "addresses", RESERVE_ADDRS_MAX);
			return false;
		}
		a = &g.reserve[g.nreserve];
		memset(a, 0, sizeof(*a));
		if (inet_pton(AF_INET, tok, a->b + 12) == 1)
			a->b[10] = a->b[11] = 0xff;	/* as addr_of maps it */
		else if (inet_pton(AF_INET6, tok, a->b) != 1) {
			snprintf(msg, msglen,
			    "reserve_addrs: '%s' is not an IP address", tok);
			return false;
		}
		g.nreserve++;
	}
	g.known = xcalloc(KNOWN_SLOTS, sizeof(*g.known));
	g.stop = false;
	g.draining = false;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&g.cv, &ca);
	pthread_condattr_destroy(&ca);
	g.started = pthread_create(&g.sweeper, NULL, guard_sweep_main,
	    NULL) == 0;
	if (!g.started) {
		pthread_cond_destroy(&g.cv);
		free(g.known);
		g.known = NULL;
		snprintf(msg, msglen, "cannot start the connection sweeper");
		return false;
	}
	return true;
}

void
guard_drain(void)
{
	pthread_mutex_lock(&g.mu);
	g.draining = true;
	pthread_mutex_unlock(&g.mu);
}

void
guard_stop(void)
{
	if (!g.started)
		return;
	pthread_mutex_lock(&g.mu);
	g.stop = true;
	pthread_cond_signal(&g.cv);
	pthread_mutex_unlock(&g.mu);
	pthread_join(g.sweeper, NULL);
	pthread_cond_destroy(&g.cv);
	g.started = false;
	free(g.known);
	g.known = NULL;
}

/* Is a (under mu) a reserve address, or one seen logged in lately? */
static bool
privileged(const struct addr *a)
{
	const struct known *k;

	for (size_t i = 0; i < g.nreserve; i++)
		if (memcmp(&g.reserve[i], a, sizeof(*a)) == 0)
			return true;
	k = &g.known[addr_slot(a)];
	return k->seen != 0 && clock_now() - k->seen < KNOWN_TTL_S &&
	    memcmp(&k->a, a, sizeof(*a)) == 0;
}

enum MHD_Result
guard_accept(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct addr a;
	bool ok;

	(void)cls;
	(void)len;
	pthread_mutex_lock(&g.mu);
	ok = !g.draining && (g.open < g.limit || (addr_of(sa, &a) &&
	    privileged(&a)));
	pthread_mutex_unlock(&g.mu);
	return ok ? MHD_YES : MHD_NO;
}

void
guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct conn *k = *socket_context;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci;

		k = xcalloc(1, sizeof(*k));
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		k->fd = ci != NULL ? ci->connect_fd : -1;
		k->phase = PH_HEADERS;
		/* published by the lock below */
		k->began_us = clock_mono_us();
		pthread_mutex_lock(&g.mu);
		k->next = g.head;
		if (g.head != NULL)
			g.head->prev = k;
		g.head = k;
		g.open++;
		pthread_mutex_unlock(&g.mu);
		*socket_context = k;
		return;
	}
	if (k == NULL)
		return;
	pthread_mutex_lock(&g.mu);
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		g.head = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	g.open--;
	pthread_mutex_unlock(&g.mu);
	free(k);
	*socket_context = NULL;
}

static struct conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

/*
 * On the connection's own libmicrohttpd thread, which is also the one that
 * frees the record (CLOSED): no lock, only atomic stores for the sweep.
 */
void
guard_phase(struct MHD_Connection *c, int phase)
{
	struct conn *k = conn_of(c);

	if (k == NULL)
		return;
	if (phase == GUARD_HEADERS)
		__atomic_store_n(&k->began_us, clock_mono_us(),
		    __ATOMIC_RELAXED);
	__atomic_store_n(&k->phase, phase, __ATOMIC_RELEASE);
}

void
guard_seen(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	static _Thread_local struct addr last;
	static _Thread_local int64_t last_at;
	struct known *k;
	struct addr a;
	int64_t now = clock_now();

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || !addr_of(ci->client_addr, &a) || g.known == NULL)
		return;
	/* this thread noted it within the minute: no lock taken */
	if (now - last_at < 60 && memcmp(&last, &a, sizeof(a)) == 0)
		return;
	last = a;
	last_at = now;
	pthread_mutex_lock(&g.mu);
	k = &g.known[addr_slot(&a)];
	k->a = a;
	k->seen = now;
	pthread_mutex_unlock(&g.mu);
}

void *
guard_sweep_main(void *arg)
{
	struct timespec until;

	(void)arg;
	pthread_mutex_lock(&g.mu);
	while (!g.stop) {
		int64_t now = clock_mono_us();

		for (struct conn *k = g.head; k != NULL; k = k->next) {
			int ph = __atomic_load_n(&k->phase, __ATOMIC_ACQUIRE);
			int64_t limit = ph == PH_HEADERS ? g.header_us :
			    ph == PH_BODY ? g.request_us : 0;

			if (limit == 0 || k->cut || k->fd < 0 || now -
			    __atomic_load_n(&k->began_us, __ATOMIC_RELAXED) <=
			    limit)
				continue;
			/* libmicrohttpd sees the end and closes it */
			shutdown(k->fd, SHUT_RDWR);
			k->cut = true;
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += SWEEP_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g.cv, &g.mu, &until);
	}
	pthread_mutex_unlock(&g.mu);
	return NULL;
}
