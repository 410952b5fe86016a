/*
 * config — defaults, then a KEY=VALUE file, then AFTERSALES_* variables, then
 * command-line flags (applied by the caller).  Keys (file: lower case, env:
 * AFTERSALES_ + upper case): db, listen, timezone, web_dir, threads,
 * db_conns, body_max, query_max, session_hours, login_max_user,
 * login_max_addr, login_window_s, access_log, cookie_secure, sla_tick_s,
 * behind_tls, login_rate_user, login_rate_addr, login_rate_window_s,
 * hash_queue_max, shutdown_grace_s, conn_max, conn_per_addr, conn_reserve,
 * reserve_addrs, header_timeout_s, request_timeout_s (docs/operations.md).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->db, sizeof(c->db), "./aftersales.db");
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	snprintf(c->timezone, sizeof(c->timezone), "Asia/Shanghai");
	snprintf(c->web_dir, sizeof(c->web_dir), "./web/dist");
	/*
	 * Two HTTP threads per core (at least 4, at most 16): handlers are
	 * CPU-bound, and a write waiting for its commit gives its thread back
	 * (server.c suspends the connection); more threads than that only
	 * switch more (bench/README.md: 8 threads on 2 cores gave 1/3 less GET
	 * throughput and 2x the p99 of 4).
	 */
	c->threads = (int)sysconf(_SC_NPROCESSORS_ONLN) * 2;
	if (c->threads < 4)
		c->threads = 4;
	if (c->threads > 16)
		c->threads = 16;
	c->db_conns = 32;
	c->body_max = 1u << 20;
	c->query_max = 8192;
	c->arena_max = 64u << 20;
	c->session_hours = 12;
	c->login_max_user = 5;
	c->login_max_addr = 50;
	c->login_window_s = 900;
	c->sla_tick_s = 60;
	c->access_log = true;
	c->cookie_secure = false;
	c->behind_tls = false;
	c->login_rate_user = 30;
	c->login_rate_addr = 300;
	c->login_rate_window_s = 60;
	c->hash_queue_max = 16;
	c->shutdown_grace_s = 10;
	c->conn_max = 4000;
	c->conn_per_addr = 256;
	c->conn_reserve = 200;
	snprintf(c->reserve_addrs, sizeof(c->reserve_addrs), "127.0.0.1");
	c->header_timeout_s = 10;
	c->request_timeout_s = 120;
}

static bool
set_int(int *dst, const char *v, long min, long max)
{
	int64_t n;

	if (!str_to_i64(v, strlen(v), min, max, &n))
		return false;
	*dst = (int)n;
	return true;
}

static bool
set_bool(bool *dst, const char *v)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "yes") == 0)
		*dst = true;
	else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "no") == 0)
		*dst = false;
	else
		return false;
	return true;
}

static bool
set_str(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return false;
	snprintf(dst, len, "%s", v);
	return true;
}

/* Apply one key; false when the key is unknown or the value bad. */
static bool
config_set(struct config *c, const char *k, const char *v)
{
	int n;

	if (strcmp(k, "db") == 0)
		return set_str(c->db, sizeof(c->db), v);
	if (strcmp(k, "listen") == 0)
		return set_str(c->listen, sizeof(c->listen), v);
	if (strcmp(k, "timezone") == 0)
		return set_str(c->timezone, sizeof(c->timezone), v);
	if (strcmp(k, "web_dir") == 0)
		return set_str(c->web_dir, sizeof(c->web_dir), v);
	if (strcmp(k, "threads") == 0)
		return set_int(&c->threads, v, 1, 256);
	if (strcmp(k, "db_conns") == 0)
		return set_int(&c->db_conns, v, 1, 1024);
	if (strcmp(k, "body_max") == 0) {
		if (!set_int(&n, v, 1024, 256 << 20))
			return false;
		c->body_max = (size_t)n;
		return true;
	}
	if (strcmp(k, "query_max") == 0) {
		if (!set_int(&n, v, 256, 1 << 20))
			return false;
		c->query_max = (size_t)n;
		return true;
	}
	if (strcmp(k, "session_hours") == 0)
		return set_int(&c->session_hours, v, 1, 24 * 90);
	if (strcmp(k, "login_max_user") == 0)
		return set_int(&c->login_max_user, v, 1, 1000);
	if (strcmp(k, "login_max_addr") == 0)
		return set_int(&c->login_max_addr, v, 1, 100000);
	if (strcmp(k, "login_window_s") == 0)
		return set_int(&c->login_window_s, v, 1, 86400);
	if (strcmp(k, "sla_tick_s") == 0)
		return set_int(&c->sla_tick_s, v, 1, 3600);
	if (strcmp(k, "access_log") == 0)
		return set_bool(&c->access_log, v);
	if (strcmp(k, "cookie_secure") == 0) {
		c->cookie_secure_set = true;
		return set_bool(&c->cookie_secure, v);
	}
	if (strcmp(k, "behind_tls") == 0)
		return set_bool(&c->behind_tls, v);
	if (strcmp(k, "login_rate_user") == 0)
		return set_int(&c->login_rate_user, v, 1, 100000);
	if (strcmp(k, "login_rate_addr") == 0)
		return set_int(&c->login_rate_addr, v, 1, 1000000);
	if (strcmp(k, "login_rate_window_s") == 0)
		return set_int(&c->login_rate_window_s, v, 1, 86400);
	if (strcmp(k, "hash_queue_max") == 0)
		return set_int(&c->hash_queue_max, v, 1, 1024);
	if (strcmp(k, "shutdown_grace_s") == 0)
		return set_int(&c->shutdown_grace_s, v, 0, 600);
	if (strcmp(k, "conn_max") == 0)
		return set_int(&c->conn_max, v, 16, 1000000);
	if (strcmp(k, "conn_per_addr") == 0)
		return set_int(&c->conn_per_addr, v, 0, 1000000);
	if (strcmp(k, "conn_reserve") == 0)
		return set_int(&c->conn_reserve, v, 0, 1000000);
	if (strcmp(k, "reserve_addrs") == 0)
		return set_str(c->reserve_addrs, sizeof(c->reserve_addrs), v);
	if (strcmp(k, "header_timeout_s") == 0)
		return set_int(&c->header_timeout_s, v, 1, 3600);
	if (strcmp(k, "request_timeout_s") == 0)
		return set_int(&c->request_timeout_s, v, 1, 86400);
	return false;
}

static const char *const keys[] = { "db", "listen", "timezone", "web_dir",
	"threads", "db_conns", "body_max", "query_max", "session_hours",
	"login_max_user", "login_max_addr", "login_window_s", "access_log",
	"cookie_secure", "sla_tick_s", "behind_tls", "login_rate_user",
	"login_rate_addr", "login_rate_window_s", "hash_queue_max",
	"shutdown_grace_s", "conn_max", "conn_per_addr", "conn_reserve",
	"reserve_addrs", "header_timeout_s", "request_timeout_s", NULL };

bool
config_load_file(struct config *c, const char *path, char *msg, size_t msglen)
{
	char line[2048];
	FILE *f;
	int lineno = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(msg, msglen, "cannot open config file '%s'", path);
		return false;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *k = line, *v, *end;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(msg, msglen, "%s:%d: line longer than %zu "
			    "bytes", path, lineno, sizeof(line) - 2);
			fclose(f);
			return false;
		}
		while (isspace((unsigned char)*k))
			k++;
		if (*k == '#' || *k == '\0')
			continue;
		v = strchr(k, '=');
		if (v == NULL || v == k) {
			snprintf(msg, msglen, "%s:%d: expected KEY=VALUE", path,
			    lineno);
			fclose(f);
			return false;
		}
		/* the key ends before '=' (never reads before k: v > k) */
		*v++ = '\0';
		end = k + strlen(k);
		while (end > k && isspace((unsigned char)end[-1]))
			*--end = '\0';
		while (isspace((unsigned char)*v))
			v++;
		end = v + strlen(v);
		while (end > v && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!config_set(c, k, v)) {
			snprintf(msg, msglen, "%s:%d: bad setting '%s'", path,
			    lineno, k);
			fclose(f);
			return false;
		}
	}
	fclose(f);
	return true;
}

bool
config_load_env(struct config *c, char *msg, size_t msglen)
{
	char name[64];

	for (size_t i = 0; keys[i] != NULL; i++) {
		const char *v;
		size_t j;

		snprintf(name, sizeof(name), "AFTERSALES_");
		for (j = 0; keys[i][j] != '\0'; j++)
			name[11 + j] = (char)toupper((unsigned char)keys[i][j]);
		name[11 + j] = '\0';
		v = getenv(name);
		if (v == NULL)
			continue;
		if (!config_set(c, keys[i], v)) {
			snprintf(msg, msglen, "bad value in %s", name);
			return false;
		}
	}
	return true;
}
