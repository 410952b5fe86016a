/*
 * store — the backend-neutral storage interface (SQLite and PostgreSQL).
 *
 * Domain code writes its SQL once, in the portable subset both engines
 * share: "?" placeholders (the PostgreSQL driver numbers them), integers for
 * booleans, times and money, RETURNING, ON CONFLICT.  Each backend supplies a
 * struct store_ops; what truly differs (search, the write path, backup) lives
 * behind it.
 *
 * Connections: store_acquire() lends a connection (struct db) to one thread
 * for one request; store_release() gives it back.  Reads run on it directly.
 *
 * Writes: store_write() runs a callback inside a transaction and returns only
 * after the transaction is durable.  On SQLite the callback runs on the one
 * writer connection, in a batch with other requests' callbacks (each under its
 * own SAVEPOINT), and the batch is committed once: group commit.  On
 * PostgreSQL it runs in a transaction on the caller's own connection.
 * A callback that fails has its changes rolled back and nothing else.
 *
 * Queries: db_query() starts a statement, db_next() steps it, db_done() ends
 * it (always call it).  Column values are borrowed until the next db_next().
 */
#ifndef AS_STORE_H
#define AS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "util/mem.h"

struct store;
struct db;
struct dbq;

enum dbv_type { DBV_NULL, DBV_I64, DBV_TEXT, DBV_BLOB };

/* One bound parameter. */
struct dbv {
	enum dbv_type t;
	int64_t i;
	const char *s;
	size_t len;
};

#define DB_I(x) ((struct dbv){ .t = DBV_I64, .i = (int64_t)(x) })
#define DB_S(x) db_text(x)
#define DB_NULL ((struct dbv){ .t = DBV_NULL })
/* An optional id: 0 binds NULL. */
#define DB_ID(x) ((x) ? DB_I(x) : DB_NULL)
#define DB_BLOB(p, n) ((struct dbv){ .t = DBV_BLOB, .s = (p), .len = (n) })
/* Parameter list literal: db_exec(db, sql, DB_ARGS(DB_I(1), DB_S("x"))). */
#define DB_ARGS(...) (const struct dbv[]){ __VA_ARGS__ }, \
	(sizeof((const struct dbv[]){ __VA_ARGS__ }) / sizeof(struct dbv))
#define DB_NOARGS NULL, 0

static inline struct dbv
db_text(const char *s)
{
	struct dbv v = { .t = DBV_NULL };

	if (s != NULL) {
		v.t = DBV_TEXT;
		v.s = s;
		v.len = strlen(s);
	}
	return v;
}

enum store_kind { STORE_SQLITE, STORE_PG };

struct store_config {
	int max_conns;		/* reader / pool connections */
};

/* Callback run inside a write transaction; see store_write(). */
typedef enum svc_code (*store_write_fn)(struct db *, void *ctx,
    struct svc_err *);

/* Called once an asynchronous write has committed (SVC_OK) or failed. */
typedef void (*store_done_fn)(void *arg, enum svc_code rc);

struct store_ops {
	const char *scheme;
	enum store_kind kind;
	enum svc_code (*open)(struct store **, const char *dsn,
	    const struct store_config *, struct svc_err *);
	void (*close)(struct store *);
	enum svc_code (*acquire)(struct store *, struct db **,
	    struct svc_err *);
	void (*release)(struct store *, struct db *);
	enum svc_code (*write)(struct store *, struct db *, store_write_fn,
	    void *, struct svc_err *);
	/* NULL when the engine has none (PostgreSQL: writes block). */
	enum svc_code (*write_async)(struct store *, store_write_fn, void *,
	    struct svc_err *, store_done_fn, void *);
	/* Multi-statement script without parameters (migrations). */
	enum svc_code (*exec_script)(struct db *, const char *sql,
	    struct svc_err *);
	enum svc_code (*query)(struct db *, const char *sql,
	    const struct dbv *, size_t n, struct dbq **, struct svc_err *);
	int (*next)(struct dbq *);	/* 1 row, 0 end, -1 error */
	bool (*col_null)(struct dbq *, int col);
	int64_t (*col_i64)(struct dbq *, int col);
	const char *(*col_text)(struct dbq *, int col, size_t *len);
	/* A BLOB/BYTEA column's bytes, appended to out. */
	void (*col_blob)(struct dbq *, int col, struct buf *out);
	int64_t (*changes)(struct dbq *);
	enum svc_code (*done)(struct dbq *, struct svc_err *);
	/* Write an online copy of the database to a file. */
	enum svc_code (*backup)(struct store *, const char *path,
	    struct svc_err *);
	enum svc_code (*restore)(struct store *, const char *path,
	    struct svc_err *);
};

/* Every struct store begins with this. */
struct store {
	const struct store_ops *ops;
	uint64_t db_errors;	/* atomic: failed statements, for /metrics */
	/* atomic: WAL checkpoints (SQLite), by the checkpointer, by the writer */
	uint64_t checkpoints[2];
};

/*
 * Tables whose contents processes cache (see store_watch_gen): writes to
 * them are noticed per transaction.
 */
enum store_watch {
	WATCH_AUTH,	/* auth_tokens, users, user_roles, role_permissions */
	WATCH_CALENDAR,	/* calendars, calendar_hours, calendar_days */
	WATCH_N
};

/* Every struct db begins with this. */
struct db {
	struct store *store;
	unsigned dirty;		/* 1 << enum store_watch: written, not settled */
};

/*
 * A counter per group of watched tables that moves after every commit (or
 * rollback) of a transaction that wrote one of them in this process: a
 * cache of them (auth.c, calendar_db.c) holds while it stays put.  db_query
 * notes such writes (by the statement's text) on the db; each store calls
 * store_settle on the db once its transaction has ended, before answering.
 * A cache must also not serve a transaction that wrote the tables itself
 * (db->dirty): it reads its own changes.
 */
uint64_t store_watch_gen(enum store_watch);
void store_settle(struct db *);

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/*
 * Open by DSN: "postgresql://..." or "postgres://..." selects PostgreSQL,
 * anything else is a SQLite file path.  Does not migrate.
 */
enum svc_code store_open(struct store **, const char *dsn,
    const struct store_config *, struct svc_err *) WARN_UNUSED_RESULT;
void store_close(struct store *);
enum store_kind store_kind(const struct store *);

enum svc_code store_acquire(struct store *, struct db **,
    struct svc_err *) WARN_UNUSED_RESULT;
void store_release(struct store *, struct db *);
enum svc_code store_write(struct store *, struct db *, store_write_fn,
    void *ctx, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * store_write without waiting, where the engine can (store_can_write_async):
 * on SVC_OK, done(arg, rc) is called later on another thread with the
 * write's result, after its commit; err must outlive that.  A failure to
 * queue is returned at once and done is not called.
 */
bool store_can_write_async(const struct store *);
enum svc_code store_write_async(struct store *, store_write_fn, void *ctx,
    struct svc_err *, store_done_fn done, void *arg) WARN_UNUSED_RESULT;

/* Apply every embedded migration not yet recorded in schema_version. */
enum svc_code store_migrate(struct store *, int *applied,
    struct svc_err *) WARN_UNUSED_RESULT;
/* The highest applied migration (0 when none). */
enum svc_code store_schema_version(struct store *, int *out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* The highest migration this binary carries. */
int store_latest_version(void);

enum svc_code db_query(struct db *, const char *sql, const struct dbv *,
    size_t n, struct dbq **, struct svc_err *) WARN_UNUSED_RESULT;
int db_next(struct dbq *);
bool db_null(struct dbq *, int col);
int64_t db_i64(struct dbq *, int col);
/* Borrowed until db_next()/db_done(); "" for NULL. */
const char *db_str(struct dbq *, int col);
const char *db_strn(struct dbq *, int col, size_t *len);
/* Append a BLOB column's bytes to out. */
void db_blob(struct dbq *, int col, struct buf *out);
/* Arena copy, NULL for NULL. */
char *db_dup(struct dbq *, int col, struct arena *);
enum svc_code db_done(struct dbq *, struct svc_err *);

/* Run a statement to completion; *changes (may be NULL) gets rows changed. */
enum svc_code db_exec(struct db *, const char *sql, const struct dbv *,
    size_t n, int64_t *changes, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Run a query expected to return at most one row with one integer column.
 * SVC_ENOTFOUND when there is no row.
 */
enum svc_code db_one_i64(struct db *, const char *sql, const struct dbv *,
    size_t n, int64_t *out, struct svc_err *) WARN_UNUSED_RESULT;

/* Count of failed statements since start (for /metrics). */
uint64_t store_db_errors(struct store *);
void store_count_error(struct store *);
/* WAL checkpoints run by SQLite's checkpointer thread, or by its writer. */
uint64_t store_checkpoints(struct store *, bool by_writer);

#endif
