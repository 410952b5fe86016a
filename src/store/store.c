/*
 * store — backend dispatch, the migration runner and query helpers.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"
#include "util/clock.h"
#include "util/log.h"

enum svc_code
store_open(struct store **out, const char *dsn, const struct store_config *cfg,
    struct svc_err *err)
{
	const struct store_ops *ops = &store_sqlite_ops;

	if (strncmp(dsn, "postgresql://", 13) == 0 ||
	    strncmp(dsn, "postgres://", 11) == 0)
		ops = &store_pg_ops;
	return ops->open(out, dsn, cfg, err);
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

enum store_kind
store_kind(const struct store *s)
{
	return s->ops->kind;
}

enum svc_code
store_acquire(struct store *s, struct db **out, struct svc_err *err)
{
	return s->ops->acquire(s, out, err);
}

void
store_release(struct store *s, struct db *db)
{
	if (db != NULL)
		s->ops->release(s, db);
}

enum svc_code
store_write(struct store *s, struct db *db, store_write_fn fn, void *ctx,
    struct svc_err *err)
{
	return s->ops->write(s, db, fn, ctx, err);
}

bool
store_can_write_async(const struct store *s)
{
	return s->ops->write_async != NULL;
}

enum svc_code
store_write_async(struct store *s, store_write_fn fn, void *ctx,
    struct svc_err *err, store_done_fn done, void *arg)
{
	if (s->ops->write_async == NULL)
		return svc_fail(err, SVC_EINVAL, NULL, "no asynchronous writes");
	return s->ops->write_async(s, fn, ctx, err, done, arg);
}

uint64_t
store_db_errors(struct store *s)
{
	return __atomic_load_n(&s->db_errors, __ATOMIC_RELAXED);
}

void
store_count_error(struct store *s)
{
	__atomic_fetch_add(&s->db_errors, 1, __ATOMIC_RELAXED);
}

uint64_t
store_checkpoints(struct store *s, bool by_writer)
{
	return __atomic_load_n(&s->checkpoints[by_writer], __ATOMIC_RELAXED);
}

/* ----- queries ----- */

static uint64_t watch_gen[WATCH_N];

/* Which watched groups sql writes (a bit per enum store_watch). */
static unsigned
writes_watched(const char *sql)
{
	static const struct {
		const char *table;
		enum store_watch w;
	} tables[] = {
		{ "auth_tokens", WATCH_AUTH }, { "users", WATCH_AUTH },
		{ "user_roles", WATCH_AUTH }, { "role_permissions", WATCH_AUTH },
		{ "calendar", WATCH_CALENDAR },	/* calendars, calendar_* */
	};
	unsigned bits = 0;

	while (*sql == ' ' || *sql == '\t' || *sql == '\n')
		sql++;
	if (strncasecmp(sql, "INSERT", 6) != 0 &&
	    strncasecmp(sql, "UPDATE", 6) != 0 &&
	    strncasecmp(sql, "DELETE", 6) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strstr(sql, tables[i].table) != NULL)
			bits |= 1u << tables[i].w;
	return bits;
}

uint64_t
store_watch_gen(enum store_watch w)
{
	return __atomic_load_n(&watch_gen[w], __ATOMIC_ACQUIRE);
}

void
store_settle(struct db *db)
{
	for (int w = 0; w < WATCH_N; w++)
		if (db->dirty & (1u << w))
			__atomic_add_fetch(&watch_gen[w], 1, __ATOMIC_RELEASE);
	db->dirty = 0;
}

enum svc_code
db_query(struct db *db, const char *sql, const struct dbv *args, size_t n,
    struct dbq **out, struct svc_err *err)
{
	db->dirty |= writes_watched(sql);
	return db->store->ops->query(db, sql, args, n, out, err);
}

/*
 * A dbq begins with a pointer to its ops so the helpers can dispatch
 * without knowing the backend.
 */
struct dbq_head {
	const struct store_ops *ops;
};

#define OPS(q) (((struct dbq_head *)(void *)(q))->ops)

int db_next(struct dbq *q) { return OPS(q)->next(q); }
bool db_null(struct dbq *q, int c) { return OPS(q)->col_null(q, c); }
int64_t db_i64(struct dbq *q, int c) { return OPS(q)->col_i64(q, c); }

const char *
db_strn(struct dbq *q, int c, size_t *len)
{
	const char *s = OPS(q)->col_text(q, c, len);

	if (s == NULL) {
		*len = 0;
		return "";
	}
	return s;
}

const char *
db_str(struct dbq *q, int c)
{
	size_t len;

	return db_strn(q, c, &len);
}

char *
db_dup(struct dbq *q, int c, struct arena *a)
{
	const char *s;
	size_t len;

	if (OPS(q)->col_null(q, c))
		return NULL;
	s = db_strn(q, c, &len);
	return arena_strndup(a, s, len);
}

void
db_blob(struct dbq *q, int c, struct buf *out)
{
	OPS(q)->col_blob(q, c, out);
}

enum svc_code
db_done(struct dbq *q, struct svc_err *err)
{
	if (q == NULL)
		return SVC_OK;
	return OPS(q)->done(q, err);
}

enum svc_code
db_exec(struct db *db, const char *sql, const struct dbv *args, size_t n,
    int64_t *changes, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, sql, args, n, &q, err);
	if (rc)
		return rc;
	do
		r = db_next(q);
	while (r == 1);
	if (changes != NULL)
		*changes = OPS(q)->changes(q);
	return db_done(q, err);
}

enum svc_code
db_one_i64(struct db *db, const char *sql, const struct dbv *args, size_t n,
    int64_t *out, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, sql, args, n, &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	if (r == 1)
		*out = db_i64(q, 0);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, NULL, "no row");
	return SVC_OK;
}

/* ----- migrations ----- */

int
store_latest_version(void)
{
	int v = 0;

	for (unsigned i = 0; i < migration_files_n; i++)
		if (migration_files[i].version > v)
			v = migration_files[i].version;
	return v;
}

static const struct {
	const char *token;
	const char *sqlite;
	const char *pg;
} tokens[] = {
	{ "{{ID}}", "INTEGER PRIMARY KEY",
	    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
	{ "{{I64}}", "INTEGER", "BIGINT" },
	{ "{{BLOB}}", "BLOB", "BYTEA" },
};

/* The migration text with its tokens replaced; caller-owned. */
static char *
expand_tokens(const char *sql, enum store_kind kind)
{
	struct buf b;
	const char *p = sql;

	buf_init(&b, 16u << 20);
	while (*p != '\0') {
		bool hit = false;

		if (p[0] == '{' && p[1] == '{') {
			for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]);
			    i++) {
				size_t tl = strlen(tokens[i].token);

				if (strncmp(p, tokens[i].token, tl) == 0) {
					buf_adds(&b, kind == STORE_SQLITE ?
					    tokens[i].sqlite : tokens[i].pg);
					p += tl;
					hit = true;
					break;
				}
			}
		}
		if (!hit)
			buf_addc(&b, *p++);
	}
	return buf_detach(&b, NULL);
}

static const char schema_version_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

struct migrate_ctx {
	int version;
	int applied;
};

/* Apply one version (all its files) if it is not applied yet. */
static enum svc_code
migrate_one(struct db *db, void *arg, struct svc_err *err)
{
	struct migrate_ctx *m = arg;
	enum store_kind kind = db->store->ops->kind;
	const char *bname = kind == STORE_SQLITE ? "sqlite" : "pg";
	const char *name = "";
	enum svc_code rc;
	int64_t have;

	if (kind == STORE_PG) {
		/* several servers may start at once on one database */
		rc = db_exec(db, "SELECT pg_advisory_xact_lock(7405400)",
		    DB_NOARGS, NULL, err);
		if (rc)
			return rc;
	}
	rc = db_exec(db, schema_version_sql, DB_NOARGS, NULL, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT count(*) FROM schema_version WHERE version = ?",
	    DB_ARGS(DB_I(m->version)), &have, err);
	if (rc)
		return rc;
	if (have > 0)
		return SVC_OK;
	/* pass 0: the portable file; pass 1: this engine's own file */
	for (unsigned k = 0; k < 2 * migration_files_n; k++) {
		const struct migration_file *f = &migration_files[k %
		    migration_files_n];
		bool first_pass = k < migration_files_n;
		char *sql;

		if (f->version != m->version)
			continue;
		if (first_pass != (f->backend == NULL))
			continue;
		if (f->backend != NULL && strcmp(f->backend, bname) != 0)
			continue;
		if (f->backend == NULL || name[0] == '\0')
			name = f->name;
		sql = expand_tokens(f->sql, kind);
		rc = db->store->ops->exec_script(db, sql, err);
		free(sql);
		if (rc) {
			log_error("migration '%s' failed: %s", f->name,
			    err ? err->msg : "");
			return rc;
		}
	}
	if (name[0] == '\0')
		return SVC_OK;	/* no such version (a gap): nothing to record */
	rc = db_exec(db, "INSERT INTO schema_version (version, name, applied_at)"
	    " VALUES (?, ?, ?)",
	    DB_ARGS(DB_I(m->version), DB_S(name), DB_I(clock_now())), NULL, err);
	if (rc)
		return rc;
	m->applied++;
	return SVC_OK;
}

enum svc_code
store_migrate(struct store *s, int *applied, struct svc_err *err)
{
	struct migrate_ctx m = { 0, 0 };
	enum svc_code rc = SVC_OK;
	struct db *db;
	int latest = store_latest_version();

	rc = store_acquire(s, &db, err);
	if (rc)
		return rc;
	for (int v = 1; v <= latest; v++) {
		m.version = v;
		rc = store_write(s, db, migrate_one, &m, err);
		if (rc)
			break;
	}
	store_release(s, db);
	if (applied != NULL)
		*applied = m.applied;
	return rc;
}

enum svc_code
store_schema_version(struct store *s, int *out, struct svc_err *err)
{
	struct db *db;
	enum svc_code rc;
	int64_t v = 0;

	rc = store_acquire(s, &db, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT coalesce(max(version), 0) FROM schema_version",
	    DB_NOARGS, &v, err);
	store_release(s, db);
	*out = (int)v;
	return rc;
}
