/*
 * pg — the PostgreSQL backend, through libpq.
 *
 * A pool of connections; each request borrows one.  SQL arrives in the
 * portable dialect with "?" placeholders and is renumbered to $1..$n here.
 * Integers are sent typed (int8), text untyped so the server infers the type
 * from the context.  A write runs in a transaction on the caller's own
 * connection (PostgreSQL does its own group commit).  Several servers may
 * share one database: nothing here assumes it is alone.
 *
 * Each connection prepares a statement the first time it runs it and keeps
 * it (named "asN", keyed by the SQL text and the parameter types sent), so
 * that the server parses and plans it once per connection, not per call.
 *
 * PostgreSQL may go away and come back (a crash, a restart, a failover):
 * a pooled connection is checked before it is lent and reset when broken
 * (pg_conn_alive, pg_revive), and a request that meets a database that is
 * down gets SVC_EUNAVAILABLE (503).  A write succeeds only when its COMMIT
 * did; a COMMIT whose answer was lost is reported as failed, though it may
 * have been applied.
 */
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"

#define INT8OID 20
#define BYTEAOID 17
#define MAX_PARAMS 256
#define PG_STMTS 1024		/* prepared statements kept per connection */
#define PG_WAYS 8		/* slots one statement may occupy */

struct pg_stmt {
	char *key;		/* SQL text, '\n', one letter per parameter type */
	uint32_t hash;
	unsigned id;		/* prepared as "as<id>" */
};

struct pg_db {
	struct db base;
	PGconn *conn;
	struct pg_db *next;
	int tx_depth;
	bool broken;		/* reset before lending it again */
	struct pg_stmt *stmts;	/* PG_STMTS slots */
	unsigned next_id;
};

struct pg_q {
	const struct store_ops *ops;
	struct pg_db *db;
	PGresult *res;
	int row;		/* current row, -1 before the first */
	int nrows;
	int64_t changes;
	bool failed;
	char errmsg[160];
	enum svc_code code;
};

struct pg_store {
	struct store base;
	char *dsn;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pg_db *free_list;
	int nconns;
	int max_conns;
};

static enum svc_code
pg_fail_res(struct store *s, PGconn *c, PGresult *res, struct svc_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);

	if (state != NULL && strncmp(state, "23", 2) == 0) {
		if (strcmp(state, "23505") == 0)
			return svc_fail(err, SVC_ECONFLICT, NULL,
			    "already exists");
		if (strcmp(state, "23503") == 0)
			return svc_fail(err, SVC_EINVAL, NULL,
			    "refers to a record that does not exist");
		return svc_fail(err, SVC_EINVAL, NULL, "constraint failed");
	}
	store_count_error(s);
	log_error("postgresql: %s (%s)", msg ? msg : "", state ? state : "-");
	if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0))
		return svc_fail(err, SVC_EUNAVAILABLE, NULL,
		    "database is busy, try again");
	/* the connection is gone, or the server is going away or starting
	 * (08: connection exception; 57P01-57P03: shutdown, crash, startup) */
	if (PQstatus(c) == CONNECTION_BAD || (state != NULL &&
	    (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0)))
		return svc_fail(err, SVC_EUNAVAILABLE, NULL,
		    "database unavailable");
	return svc_fail(err, SVC_ESTORE, NULL, "database error");
}

static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Forget the prepared statements (the server forgot them: a new session). */
static void
pg_stmts_clear(struct pg_db *d)
{
	for (int i = 0; i < PG_STMTS; i++) {
		free(d->stmts[i].key);
		d->stmts[i].key = NULL;
	}
}

static void
pg_disconnect(struct pg_db *d)
{
	pg_stmts_clear(d);
	free(d->stmts);
	PQfinish(d->conn);
	free(d);
}

/*
 * Set up a new session: after a connect and after every reset (a reset
 * opens a new session, which has forgotten the settings of the old one).
 */
static bool
pg_session_init(struct pg_db *d)
{
	PGresult *res;
	bool ok;

	res = PQexec(d->conn, "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	return ok;
}

static enum svc_code
pg_connect(struct pg_store *s, struct pg_db **out, struct svc_err *err)
{
	struct pg_db *d;

	d = xcalloc(1, sizeof(*d));
	d->base.store = &s->base;
	d->conn = PQconnectdb(s->dsn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		svc_fail(err, SVC_EUNAVAILABLE, "db",
		    "cannot connect to postgresql: %s",
		    PQerrorMessage(d->conn));
		PQfinish(d->conn);
		free(d);
		store_count_error(&s->base);
		return SVC_EUNAVAILABLE;
	}
	PQsetNoticeProcessor(d->conn, pg_notice, NULL);
	d->stmts = xcalloc(PG_STMTS, sizeof(*d->stmts));
	if (!pg_session_init(d)) {
		svc_fail(err, SVC_EUNAVAILABLE, "db",
		    "cannot set up the postgresql session: %s",
		    PQerrorMessage(d->conn));
		pg_disconnect(d);
		store_count_error(&s->base);
		return SVC_EUNAVAILABLE;
	}
	*out = d;
	return SVC_OK;
}

/*
 * Whether an idle pooled connection can still be used.  libpq notices that
 * the server went away only when it next reads, and a backend that ended
 * while its connection sat in the pool (PostgreSQL restarted, or
 * pg_terminate_backend) has left its last message and the end of the stream
 * in the socket: read what is waiting, without blocking, a few times (the
 * message first, then the end).  Not alive: reset it before use.
 */
static bool
pg_conn_alive(struct pg_db *d)
{
	struct pollfd p;

	if (d->broken)
		return false;
	for (int i = 0; i < 4; i++) {
		if (PQstatus(d->conn) != CONNECTION_OK ||
		    PQtransactionStatus(d->conn) != PQTRANS_IDLE)
			return false;
		p.fd = PQsocket(d->conn);
		p.events = POLLIN;
		p.revents = 0;
		if (p.fd < 0)
			return false;
		if (poll(&p, 1, 0) <= 0)
			return true;	/* nothing waiting */
		if (!PQconsumeInput(d->conn))
			return false;
	}
	return PQstatus(d->conn) == CONNECTION_OK;
}

/* Reset a broken connection: a new session, nothing prepared on it yet. */
static enum svc_code
pg_revive(struct pg_db *d, struct svc_err *err)
{
	PQreset(d->conn);
	pg_stmts_clear(d);
	d->tx_depth = 0;
	d->broken = !(PQstatus(d->conn) == CONNECTION_OK &&
	    pg_session_init(d));
	if (!d->broken)
		return SVC_OK;
	store_count_error(d->base.store);
	log_error("postgresql: cannot reconnect: %s", PQerrorMessage(d->conn));
	return svc_fail(err, SVC_EUNAVAILABLE, NULL, "database unavailable");
}

static void pg_close(struct store *);

static enum svc_code
pg_open(struct store **out, const char *dsn, const struct store_config *cfg,
    struct svc_err *err)
{
	struct pg_store *s;
	struct pg_db *d;
	enum svc_code rc;

	s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_pg_ops;
	s->dsn = xstrdup(dsn);
	s->max_conns = cfg && cfg->max_conns > 0 ? cfg->max_conns : 16;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	/* connect once now so a bad DSN fails at open */
	rc = pg_connect(s, &d, err);
	if (rc) {
		pg_close(&s->base);
		return rc;
	}
	d->next = NULL;
	s->free_list = d;
	s->nconns = 1;
	*out = &s->base;
	return SVC_OK;
}

static void
pg_close(struct store *base)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_db *d, *next;

	for (d = s->free_list; d != NULL; d = next) {
		next = d->next;
		pg_disconnect(d);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->dsn);
	free(s);
}

static enum svc_code
pg_acquire(struct store *base, struct db **out, struct svc_err *err)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_db *d;
	struct svc_err why = { .code = SVC_OK };
	enum svc_code rc;

	pthread_mutex_lock(&s->mu);
	while (s->free_list == NULL && s->nconns >= s->max_conns)
		pthread_cond_wait(&s->cv, &s->mu);
	d = s->free_list;
	if (d != NULL) {
		s->free_list = d->next;
		pthread_mutex_unlock(&s->mu);
		if (!pg_conn_alive(d)) {
			rc = pg_revive(d, err);
			if (rc) {
				pthread_mutex_lock(&s->mu);
				d->next = s->free_list;
				s->free_list = d;
				pthread_cond_signal(&s->cv);
				pthread_mutex_unlock(&s->mu);
				return rc;
			}
		}
		*out = &d->base;
		return SVC_OK;
	}
	s->nconns++;
	pthread_mutex_unlock(&s->mu);
	rc = pg_connect(s, &d, &why);
	if (rc) {
		pthread_mutex_lock(&s->mu);
		s->nconns--;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		/* the details are for the log, not for the client */
		log_error("postgresql: %s", why.msg);
		return svc_fail(err, SVC_EUNAVAILABLE, NULL,
		    "database unavailable");
	}
	*out = &d->base;
	return SVC_OK;
}

static void
pg_release(struct store *base, struct db *db)
{
	struct pg_store *s = (struct pg_store *)base;
	struct pg_db *d = (struct pg_db *)db;

	if (d->tx_depth > 0) {
		PQclear(PQexec(d->conn, "ROLLBACK"));
		d->tx_depth = 0;
	}
	if (PQstatus(d->conn) != CONNECTION_OK)
		d->broken = true;
	pthread_mutex_lock(&s->mu);
	d->next = s->free_list;
	s->free_list = d;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static enum svc_code
pg_simple(struct pg_db *d, const char *sql, struct svc_err *err)
{
	PGresult *res = PQexec(d->conn, sql);
	enum svc_code rc = SVC_OK;
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_fail_res(d->base.store, d->conn, res, err);
	PQclear(res);
	return rc;
}

/*
 * COMMIT, and make sure it committed: a transaction in which a statement
 * failed answers COMMIT with "ROLLBACK" and no error.
 */
static enum svc_code
pg_commit(struct pg_db *d, struct svc_err *err)
{
	PGresult *res = PQexec(d->conn, "COMMIT");
	enum svc_code rc = SVC_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail_res(d->base.store, d->conn, res, err);
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		store_count_error(d->base.store);
		log_error("postgresql: COMMIT answered '%s'", PQcmdStatus(res));
		rc = svc_fail(err, SVC_ESTORE, NULL, "database error");
	}
	PQclear(res);
	return rc;
}

static enum svc_code
pg_write(struct store *base, struct db *db, store_write_fn fn, void *ctx,
    struct svc_err *err)
{
	struct pg_db *d = (struct pg_db *)db;
	enum svc_code rc;

	(void)base;
	if (d->tx_depth > 0) {
		rc = pg_simple(d, "SAVEPOINT job", err);
		if (rc)
			return rc;
		d->tx_depth++;
		rc = fn(db, ctx, err);
		d->tx_depth--;
		pg_simple(d, rc ? "ROLLBACK TO SAVEPOINT job" :
		    "RELEASE SAVEPOINT job", NULL);
		return rc;
	}
	rc = pg_simple(d, "BEGIN", err);
	if (rc)
		return rc;
	d->tx_depth = 1;
	rc = fn(db, ctx, err);
	if (rc == SVC_OK)
		rc = pg_commit(d, err);
	else
		pg_simple(d, "ROLLBACK", NULL);
	d->tx_depth = 0;
	store_settle(db);
	return rc;
}

static enum svc_code
pg_exec_script(struct db *db, const char *sql, struct svc_err *err)
{
	return pg_simple((struct pg_db *)db, sql, err);
}

/* "?" -> "$n", outside string literals and quoted identifiers. */
static char *
pg_number_params(const char *sql)
{
	struct buf b;
	char quote = 0;
	int n = 0;

	buf_init(&b, 1u << 20);
	for (const char *p = sql; *p != '\0'; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			buf_addc(&b, *p);
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_addc(&b, *p);
		} else if (*p == '?') {
			buf_addf(&b, "$%d", ++n);
		} else
			buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

/* Statements worth preparing: queries and DML (not utility commands). */
static bool
pg_preparable(const char *sql)
{
	static const char *const verbs[] = { "SELECT", "INSERT", "UPDATE",
		"DELETE", "WITH" };

	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		size_t len = strlen(verbs[i]);

		if (strncasecmp(sql, verbs[i], len) == 0 &&
		    (sql[len] == ' ' || sql[len] == '\n' || sql[len] == '\t' ||
		    sql[len] == '\0'))
			return true;
	}
	return false;
}

/*
 * Run sql with the parameters, prepared once per connection when it can be
 * (see the top of this file); otherwise as before, parsed each time.
 */
static PGresult *
pg_exec_cached(struct pg_db *d, const char *sql, int n, const Oid *types,
    const char *const *values, const int *lengths, const int *formats)
{
	struct pg_stmt *slot = NULL, *room = NULL;
	char name[24], *key, *text;
	size_t sl = strlen(sql);
	uint32_t h = 2166136261u;
	PGresult *res;

	if (!pg_preparable(sql)) {
		text = pg_number_params(sql);
		res = PQexecParams(d->conn, text, n, types, values, lengths,
		    formats, 0);
		free(text);
		return res;
	}
	key = xmalloc(sl + (size_t)n + 2);
	memcpy(key, sql, sl);
	key[sl] = '\n';
	for (int i = 0; i < n; i++)
		key[sl + 1 + (size_t)i] = types[i] == INT8OID ? 'i' :
		    types[i] == BYTEAOID ? 'b' : 'u';
	key[sl + 1 + (size_t)n] = '\0';
	for (const char *p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (unsigned i = 0; i < PG_WAYS; i++) {
		struct pg_stmt *s = &d->stmts[(h + i) & (PG_STMTS - 1)];

		if (s->key == NULL) {
			if (room == NULL)
				room = s;
		} else if (s->hash == h && strcmp(s->key, key) == 0) {
			slot = s;
			break;
		}
	}
	if (slot == NULL && room == NULL) {	/* full: run it unprepared */
		free(key);
		text = pg_number_params(sql);
		res = PQexecParams(d->conn, text, n, types, values, lengths,
		    formats, 0);
		free(text);
		return res;
	}
	if (slot == NULL) {
		unsigned id = d->next_id++;

		snprintf(name, sizeof(name), "as%u", id);
		text = pg_number_params(sql);
		res = PQprepare(d->conn, name, text, n, types);
		free(text);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			free(key);
			return res;	/* the error, as the query would give */
		}
		PQclear(res);
		slot = room;
		slot->key = key;
		slot->hash = h;
		slot->id = id;
	} else
		free(key);
	snprintf(name, sizeof(name), "as%u", slot->id);
	return PQexecPrepared(d->conn, name, n, values, lengths, formats, 0);
}

static enum svc_code
pg_query(struct db *db, const char *sql, const struct dbv *args, size_t n,
    struct dbq **out, struct svc_err *err)
{
	struct pg_db *d = (struct pg_db *)db;
	Oid types[MAX_PARAMS];
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	char nums[MAX_PARAMS][24];
	struct pg_q *q;
	PGresult *res;
	ExecStatusType st;
	enum svc_code rc;

	if (n > MAX_PARAMS)
		return svc_fail(err, SVC_EINTERNAL, NULL, "too many parameters");
	for (size_t i = 0; i < n; i++) {
		types[i] = 0;
		formats[i] = 0;
		lengths[i] = 0;
		switch (args[i].t) {
		case DBV_NULL:
			values[i] = NULL;
			break;
		case DBV_I64:
			types[i] = INT8OID;
			snprintf(nums[i], sizeof(nums[i]), "%lld",
			    (long long)args[i].i);
			values[i] = nums[i];
			break;
		case DBV_TEXT:
			values[i] = args[i].s;
			lengths[i] = (int)args[i].len;
			break;
		case DBV_BLOB:
			types[i] = BYTEAOID;
			values[i] = args[i].s;
			lengths[i] = (int)args[i].len;
			formats[i] = 1;
			break;
		}
	}
	res = pg_exec_cached(d, sql, (int)n, types, values, lengths, formats);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_fail_res(db->store, d->conn, res, err);
		PQclear(res);
		return rc;
	}
	q = xcalloc(1, sizeof(*q));
	q->ops = &store_pg_ops;
	q->db = d;
	q->res = res;
	q->row = -1;
	q->nrows = PQntuples(res);
	q->changes = 0;
	if (PQcmdTuples(res)[0] != '\0')
		q->changes = strtoll(PQcmdTuples(res), NULL, 10);
	*out = (struct dbq *)q;
	return SVC_OK;
}

static int
pg_next(struct dbq *qq)
{
	struct pg_q *q = (struct pg_q *)qq;

	if (q->row + 1 >= q->nrows) {
		q->row = q->nrows;
		return 0;
	}
	q->row++;
	return 1;
}

static bool
pg_col_null(struct dbq *qq, int col)
{
	struct pg_q *q = (struct pg_q *)qq;

	return PQgetisnull(q->res, q->row, col);
}

static int64_t
pg_col_i64(struct dbq *qq, int col)
{
	struct pg_q *q = (struct pg_q *)qq;
	const char *s;

	if (PQgetisnull(q->res, q->row, col))
		return 0;
	s = PQgetvalue(q->res, q->row, col);
	if (s[0] == 't' && s[1] == '\0')
		return 1;
	if (s[0] == 'f' && s[1] == '\0')
		return 0;
	return strtoll(s, NULL, 10);
}

static const char *
pg_col_text(struct dbq *qq, int col, size_t *len)
{
	struct pg_q *q = (struct pg_q *)qq;

	if (PQgetisnull(q->res, q->row, col)) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)PQgetlength(q->res, q->row, col);
	return PQgetvalue(q->res, q->row, col);
}

static void
pg_col_blob(struct dbq *qq, int col, struct buf *out)
{
	struct pg_q *q = (struct pg_q *)qq;
	unsigned char *p;
	size_t n = 0;

	if (PQgetisnull(q->res, q->row, col))
		return;
	/* text-format bytea arrives hex-escaped */
	p = PQunescapeBytea((const unsigned char *)PQgetvalue(q->res, q->row,
	    col), &n);
	if (p != NULL) {
		buf_add(out, p, n);
		PQfreemem(p);
	}
}

static int64_t
pg_changes(struct dbq *qq)
{
	return ((struct pg_q *)qq)->changes;
}

static enum svc_code
pg_done(struct dbq *qq, struct svc_err *err)
{
	struct pg_q *q = (struct pg_q *)qq;

	(void)err;
	PQclear(q->res);
	free(q);
	return SVC_OK;
}

static enum svc_code
pg_backup(struct store *s, const char *path, struct svc_err *err)
{
	(void)s;
	(void)path;
	return svc_fail(err, SVC_EINVAL, "db",
	    "backup of a postgresql database is done with pg_dump "
	    "(see docs/operations.md)");
}

static enum svc_code
pg_restore(struct store *s, const char *path, struct svc_err *err)
{
	(void)s;
	(void)path;
	return svc_fail(err, SVC_EINVAL, "db",
	    "restore of a postgresql database is done with pg_restore "
	    "(see docs/operations.md)");
}

const struct store_ops store_pg_ops = {
	.scheme = "postgresql",
	.kind = STORE_PG,
	.open = pg_open,
	.close = pg_close,
	.acquire = pg_acquire,
	.release = pg_release,
	.write = pg_write,
	.exec_script = pg_exec_script,
	.query = pg_query,
	.next = pg_next,
	.col_null = pg_col_null,
	.col_i64 = pg_col_i64,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.changes = pg_changes,
	.done = pg_done,
	.backup = pg_backup,
	.restore = pg_restore,
};
