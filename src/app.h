/*
 * app — the long-lived state of one running aftersales process: its
 * configuration, its store, its metrics.  Created in main() and passed
 * explicitly; there are no other globals (the process time zone aside, see
 * util/clock.h).
 */
#ifndef AS_APP_H
#define AS_APP_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct config {
	char db[1024];		/* SQLite path or postgresql:// URL */
	char listen[128];	/* HOST:PORT */
	char timezone[64];
	char web_dir[1024];	/* built web assets; "" = none */
	int threads;		/* HTTP worker threads */
	int db_conns;		/* connection pool size */
	size_t body_max;	/* request body limit, bytes */
	size_t query_max;	/* query string limit, bytes */
	size_t arena_max;	/* per-request memory cap */
	int session_hours;	/* session lifetime */
	int login_max_user;	/* failures per username per window */
	int login_max_addr;	/* failures per address per window */
	int login_window_s;
	int sla_tick_s;		/* SLA scheduler period, seconds */
	bool access_log;
	bool cookie_secure;
	bool cookie_secure_set;	/* cookie_secure given, not from behind_tls */
	bool behind_tls;	/* clients reach us over TLS (a proxy's) */
	/* every login attempt, successful or not, per window */
	int login_rate_user;
	int login_rate_addr;
	int login_rate_window_s;
	int hash_queue_max;	/* password checks running or waiting */
	int shutdown_grace_s;	/* SIGTERM: wait for in-flight requests */
	/* connections (src/http/server.c) */
	int conn_max;		/* open connections in all */
	int conn_per_addr;	/* open connections per address; 0: any */
	int conn_reserve;	/* of conn_max, for reserve_addrs and users */
	char reserve_addrs[256];	/* IPv4 addresses, comma-separated */
	int header_timeout_s;	/* to a request's last header */
	int request_timeout_s;	/* to a request's last body byte */
};

#define METRIC_STATUSES 16
#define METRIC_BUCKETS 14

struct metrics {
	size_t nroutes;			/* routes + 1 for "unmatched" */
	uint64_t (*by_route)[METRIC_STATUSES];
	uint64_t latency[METRIC_BUCKETS];	/* cumulative at render */
	uint64_t latency_sum_us;
	uint64_t latency_count;
	uint64_t in_flight;
};

struct app {
	struct config cfg;
	struct store *store;
	struct metrics metrics;
	sem_t hash_slots;	/* at most 2 password hashes at once */
	uint64_t request_seq;
	char instance[12];	/* random prefix of request ids */
	volatile int stopping;
};

/* Defaults, then the file named by AFTERSALES_CONFIG, then the environment. */
void config_defaults(struct config *);
/* Read KEY=VALUE lines; false with a message on a bad line. */
bool config_load_file(struct config *, const char *path, char *msg,
    size_t msglen);
bool config_load_env(struct config *, char *msg, size_t msglen);

#endif
