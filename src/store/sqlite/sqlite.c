/*
 * sqlite — the SQLite backend.
 *
 * One file in WAL mode with synchronous=FULL, foreign keys on and a busy
 * timeout.  Readers: a pool of connections, one lent to each worker thread
 * per request.  Writers: one connection owned by one writer thread, which
 * takes every queued write job, runs each under its own SAVEPOINT inside a
 * single transaction, commits once (one fsync for the batch) and only then
 * wakes the callers.  That is group commit: a caller's write is durable when
 * store_write() returns SVC_OK.
 *
 * Before it commits, the writer indexes the search documents the batch wrote
 * (sq_search_flush in sqlite_fts.c): the triggers on search_docs only record
 * a written row in search_pending, so FTS5 takes the whole batch's documents
 * in one go instead of writing a segment at each job's savepoint.  It is a
 * fixed step of this backend rather than a hook that callers register, so
 * that no path that writes (server, CLI commands, migrations, tests) can
 * commit documents without their index.  It runs once the table exists
 * (migration 11); a failure fails the batch as a failed COMMIT does.
 *
 * Each connection caches prepared statements by SQL text: a table of
 * STMT_CACHE slots where a statement may sit in any of the STMT_WAYS slots
 * after its hash's home (so hot statements whose hashes collide do not evict
 * each other), found by hash and then the full text.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/log.h"

#define STMT_CACHE 512		/* slots per connection, a power of two */
#define STMT_WAYS 8		/* slots a statement may occupy */
#define BATCH_MAX 256
/*
 * A reader's page cache (KiB): the server has one reader per HTTP thread;
 * pages beyond it come from the OS page cache (a pread each).  The writer
 * keeps the 16 MB it sets for all.
 */
#define SQ_READER_CACHE_KB "4000"
/*
 * WAL frames at which the checkpointer thread copies them into the database
 * (SQLite's own default threshold), and at which the writer finishes the
 * copy itself so that the WAL starts over (see sq_wal_hook).
 */
#define SQ_CKPT_FRAMES 1000
#define SQ_CKPT_FRAMES_MAX 2000

/*
 * sqlite_fts.c: the full-text tokenizer, registered on every connection;
 * the index of the batch's documents, brought up to date before a commit.
 */
enum svc_code sq_fts_register(sqlite3 *, struct svc_err *);
enum svc_code sq_search_flush(struct db *, struct svc_err *);

struct sq_slot {
	char *sql;
	uint32_t hash;
	sqlite3_stmt *st;
	bool busy;
};

struct sq_db {
	struct db base;
	sqlite3 *h;
	struct sq_db *next;
	struct sq_slot cache[STMT_CACHE];
	unsigned evict;		/* round-robin victim among the ways */
	/*
	 * Readers: one read transaction from the first query of a loan to its
	 * release (or a write), so that a request's queries share one snapshot
	 * and one WAL read lock instead of taking one each.
	 */
	sqlite3_stmt *begin, *end;
	bool in_read;
};

struct sq_q {
	const struct store_ops *ops;
	struct sq_db *db;
	sqlite3_stmt *st;
	struct sq_slot *slot;	/* NULL when not cached */
	int rc;
	int64_t changes;
};

struct sq_job {
	store_write_fn fn;
	void *ctx;
	struct svc_err *err;
	enum svc_code rc;
	bool done;
	struct sq_job *next;
	/* asynchronous: called once committed, and the job freed */
	store_done_fn on_done;
	void *done_arg;
};

struct sq_store {
	struct store base;
	char *path;
	pthread_mutex_t mu;
	pthread_cond_t pool_cv;
	struct sq_db *free_list;
	int nconns;
	int max_conns;
	/* writer */
	struct sq_db *wdb;
	pthread_t writer;
	bool writer_started;
	pthread_cond_t job_cv;
	pthread_cond_t done_cv;
	struct sq_job *jobs_head, *jobs_tail;
	bool stopping;
	bool has_search_pending;	/* the table exists (writer; restore) */
	/* checkpointer */
	pthread_t ckpt;
	bool ckpt_started;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	bool ckpt_wanted, ckpt_stopping;
};

static _Thread_local bool on_writer_thread;

static enum svc_code
sq_fail(struct store *s, sqlite3 *h, int rc, struct svc_err *err,
    const char *what)
{
	int ext = h ? sqlite3_extended_errcode(h) : rc;
	const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);

	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		if (ext == SQLITE_CONSTRAINT_UNIQUE ||
		    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return svc_fail(err, SVC_ECONFLICT, NULL,
			    "already exists: %s", msg);
		if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
			return svc_fail(err, SVC_EINVAL, NULL,
			    "refers to a record that does not exist");
		return svc_fail(err, SVC_EINVAL, NULL, "constraint failed: %s",
		    msg);
	}
	store_count_error(s);
	log_error("sqlite %s: %s (%d)", what, msg, ext);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return svc_fail(err, SVC_EUNAVAILABLE, NULL, "database is busy");
	return svc_fail(err, SVC_ESTORE, NULL, "database error");
}

static enum svc_code
sq_exec_simple(struct sq_store *s, sqlite3 *h, const char *sql,
    struct svc_err *err)
{
	char *msg = NULL;
	int rc;

	rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		enum svc_code c = sq_fail(&s->base, h, rc, err, "exec");

		if (msg != NULL && err != NULL && c == SVC_ESTORE)
			snprintf(err->msg, sizeof(err->msg), "%s", msg);
		sqlite3_free(msg);
		return c;
	}
	return SVC_OK;
}

static enum svc_code
sq_connect(struct sq_store *s, bool writer, struct sq_db **out,
    struct svc_err *err)
{
	struct sq_db *d;
	int rc;

	d = xcalloc(1, sizeof(*d));
	d->base.store = &s->base;
	rc = sqlite3_open_v2(s->path, &d->h, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		svc_fail(err, SVC_ESTORE, NULL, "cannot open '%s': %s", s->path,
		    d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		sqlite3_close(d->h);
		free(d);
		return SVC_ESTORE;
	}
	sqlite3_busy_timeout(d->h, 10000);
	sqlite3_extended_result_codes(d->h, 1);
	if (sq_exec_simple(s, d->h, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;"
	    "PRAGMA temp_store=MEMORY;PRAGMA cache_size=-16000", err) ||
	    (!writer && sq_exec_simple(s, d->h, "PRAGMA query_only=1;"
	    "PRAGMA cache_size=-" SQ_READER_CACHE_KB, err)) ||
	    (!writer && (sqlite3_prepare_v3(d->h, "BEGIN", -1,
	    SQLITE_PREPARE_PERSISTENT, &d->begin, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(d->h, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT,
	    &d->end, NULL) != SQLITE_OK) &&
	    sq_fail(&s->base, d->h, SQLITE_ERROR, err, "prepare")) ||
	    sq_fts_register(d->h, err)) {
		sqlite3_finalize(d->begin);
		sqlite3_finalize(d->end);
		sqlite3_close(d->h);
		free(d);
		return SVC_ESTORE;
	}
	*out = d;
	return SVC_OK;
}

static void
sq_disconnect(struct sq_db *d)
{
	for (int i = 0; i < STMT_CACHE; i++) {
		if (d->cache[i].st != NULL)
			sqlite3_finalize(d->cache[i].st);
		free(d->cache[i].sql);
	}
	sqlite3_finalize(d->begin);
	sqlite3_finalize(d->end);
	sqlite3_close(d->h);
	free(d);
}

/* A reader's read transaction (see struct sq_db): begin, end. */
static void
sq_read_begin(struct sq_db *d)
{
	if (d->begin == NULL || d->in_read)
		return;
	d->in_read = sqlite3_step(d->begin) == SQLITE_DONE;
	sqlite3_reset(d->begin);
}

static void
sq_read_end(struct sq_db *d)
{
	int rc;

	if (!d->in_read)
		return;
	rc = sqlite3_step(d->end);
	sqlite3_reset(d->end);
	if (rc != SQLITE_DONE) {
		log_error("sqlite: ending a read transaction: %s",
		    sqlite3_errmsg(d->h));
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
	}
	d->in_read = false;
}

/* ----- the writer ----- */

static enum svc_code
sq_run_job(struct sq_store *s, struct sq_job *j)
{
	sqlite3 *h = s->wdb->h;
	enum svc_code rc;

	if (sq_exec_simple(s, h, "SAVEPOINT job", j->err))
		return SVC_ESTORE;
	rc = j->fn(&s->wdb->base, j->ctx, j->err);
	if (rc != SVC_OK) {
		sq_exec_simple(s, h, "ROLLBACK TO job", NULL);
	}
	sq_exec_simple(s, h, "RELEASE job", NULL);
	return rc;
}

/*
 * The last step of a batch before COMMIT, outside any job's savepoint: index
 * the search documents the batch wrote.  Until migration 11 has made
 * search_pending there is nothing to do; once it exists it stays.
 */
static enum svc_code
sq_before_commit(struct sq_store *s)
{
	struct db *db = &s->wdb->base;
	enum svc_code rc;
	int64_t n = 0;

	if (!s->has_search_pending) {
		rc = db_one_i64(db, "SELECT count(*) FROM sqlite_master"
		    " WHERE type = 'table' AND name = 'search_pending'",
		    DB_NOARGS, &n, NULL);
		if (rc)
			return rc;
		if (n == 0)
			return SVC_OK;
		s->has_search_pending = true;
	}
	return sq_search_flush(db, NULL);
}

static void *
sq_writer_main(void *arg)
{
	struct sq_store *s = arg;
	struct sq_job *batch, *j, *prev, *next;
	enum svc_code crc;
	int n;

	on_writer_thread = true;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->jobs_head == NULL && !s->stopping)
			pthread_cond_wait(&s->job_cv, &s->mu);
		if (s->jobs_head == NULL && s->stopping)
			break;
		/* take up to BATCH_MAX jobs */
		batch = s->jobs_head;
		j = batch;
		for (n = 1; n < BATCH_MAX && j->next != NULL; n++)
			j = j->next;
		s->jobs_head = j->next;
		if (s->jobs_head == NULL)
			s->jobs_tail = NULL;
		j->next = NULL;
		pthread_mutex_unlock(&s->mu);

		crc = sq_exec_simple(s, s->wdb->h, "BEGIN IMMEDIATE", NULL);
		if (crc == SVC_OK && batch->next == NULL) {
			/*
			 * A batch of one needs no SAVEPOINT: a failure rolls
			 * back the transaction, which is that job alone.  (A
			 * savepoint held over a large job makes every statement
			 * journal release walk the whole in-memory sub-journal:
			 * quadratic for imports and the generator.)
			 */
			batch->rc = batch->fn(&s->wdb->base, batch->ctx,
			    batch->err);
			crc = batch->rc;	/* a failure rolls back, below */
		} else {
			for (j = batch; j != NULL; j = j->next)
				j->rc = crc ? crc : sq_run_job(s, j);
		}
		if (crc == SVC_OK)
			crc = sq_before_commit(s);
		if (crc == SVC_OK)
			crc = sq_exec_simple(s, s->wdb->h, "COMMIT", NULL);
		if (crc != SVC_OK) {
			sq_exec_simple(s, s->wdb->h, "ROLLBACK", NULL);
			for (j = batch; j != NULL; j = j->next)
				if (j->rc == SVC_OK)
					j->rc = svc_fail(j->err, SVC_ESTORE,
					    NULL, "commit failed");
		}
		store_settle(&s->wdb->base);	/* before any answer */

		/* the asynchronous ones first, outside the lock */
		for (j = batch, prev = NULL; j != NULL; j = next) {
			next = j->next;
			if (j->on_done == NULL) {
				prev = j;
				continue;
			}
			if (prev != NULL)
				prev->next = next;
			else
				batch = next;
			j->on_done(j->done_arg, j->rc);
			free(j);
		}
		pthread_mutex_lock(&s->mu);
		for (j = batch; j != NULL; j = j->next)
			j->done = true;
		pthread_cond_broadcast(&s->done_cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static enum svc_code
sq_write(struct store *base, struct db *db, store_write_fn fn, void *ctx,
    struct svc_err *err)
{
	struct sq_store *s = (struct sq_store *)base;
	struct sq_job job = { fn, ctx, err, SVC_OK, false, NULL, NULL, NULL };

	if (db != NULL)		/* no snapshot held while the write waits */
		sq_read_end((struct sq_db *)db);
	if (on_writer_thread) {
		/* a write inside a write: run it in place */
		return sq_run_job(s, &job);
	}
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		return svc_fail(err, SVC_EUNAVAILABLE, NULL, "shutting down");
	}
	if (s->jobs_tail != NULL)
		s->jobs_tail->next = &job;
	else
		s->jobs_head = &job;
	s->jobs_tail = &job;
	pthread_cond_signal(&s->job_cv);
	while (!job.done)
		pthread_cond_wait(&s->done_cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	return job.rc;
}

/*
 * The same, without waiting: the job joins the queue and on_done(arg, rc)
 * runs on the writer thread once its batch has committed (or failed), so an
 * HTTP thread can serve other connections meanwhile (src/http/server.c
 * suspends the connection).  err must stay valid until then.
 */
static enum svc_code
sq_write_async(struct store *base, store_write_fn fn, void *ctx,
    struct svc_err *err, store_done_fn on_done, void *arg)
{
	struct sq_store *s = (struct sq_store *)base;
	struct sq_job *job;

	if (on_writer_thread)
		return svc_fail(err, SVC_EINVAL, NULL,
		    "an asynchronous write inside a write");
	job = xcalloc(1, sizeof(*job));
	*job = (struct sq_job){ fn, ctx, err, SVC_OK, false, NULL, on_done,
		arg };
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		free(job);
		return svc_fail(err, SVC_EUNAVAILABLE, NULL, "shutting down");
	}
	if (s->jobs_tail != NULL)
		s->jobs_tail->next = job;
	else
		s->jobs_head = job;
	s->jobs_tail = job;
	pthread_cond_signal(&s->job_cv);
	pthread_mutex_unlock(&s->mu);
	return SVC_OK;
}

/*
 * ----- checkpoints -----
 *
 * SQLite's automatic checkpoint runs in the COMMIT that finds the WAL over
 * its threshold: it copies the frames into the database file and fsyncs it
 * on the thread every write waits for (a sixth of the writer's time under
 * create load).  Here, at SQ_CKPT_FRAMES, the writer's WAL hook only asks: a
 * thread with its own connection runs a PASSIVE checkpoint (it copies what
 * no reader still needs and never waits for a lock) beside the next batches,
 * on the other core.
 *
 * The WAL starts over from its beginning only when a write transaction
 * begins with every frame already copied.  Under steady load the writer
 * begins its next batch right after each commit, so the checkpointer, always
 * one batch behind, would never see that happen and the WAL would grow.  So
 * at SQ_CKPT_FRAMES_MAX the writer checkpoints too, as SQLite would: by then
 * only the frames since the checkpointer's last pass are left to copy.
 *
 * Durability is unchanged: a commit is durable once its frames are synced in
 * the WAL, which COMMIT still does.
 */
static int
sq_wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct sq_store *s = arg;

	if (frames >= SQ_CKPT_FRAMES_MAX) {
		/* copy the rest, so that the next write starts the WAL over */
		if (sqlite3_wal_checkpoint_v2(h, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
			__atomic_fetch_add(&s->base.checkpoints[1], 1,
			    __ATOMIC_RELAXED);
	} else if (frames >= SQ_CKPT_FRAMES && s->ckpt_started) {
		pthread_mutex_lock(&s->ckpt_mu);
		s->ckpt_wanted = true;
		pthread_cond_signal(&s->ckpt_cv);
		pthread_mutex_unlock(&s->ckpt_mu);
	}
	return SQLITE_OK;
}

static void *
sq_ckpt_main(void *arg)
{
	struct sq_store *s = arg;
	sqlite3 *h = NULL;
	int rc;

	pthread_mutex_lock(&s->ckpt_mu);
	for (;;) {
		while (!s->ckpt_wanted && !s->ckpt_stopping)
			pthread_cond_wait(&s->ckpt_cv, &s->ckpt_mu);
		if (s->ckpt_stopping)
			break;
		s->ckpt_wanted = false;
		pthread_mutex_unlock(&s->ckpt_mu);
		/* a connection checkpoints once it has opened the WAL */
		if (h == NULL && (sqlite3_open_v2(s->path, &h,
		    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK || sqlite3_exec(h, "PRAGMA journal_mode=WAL",
		    NULL, NULL, NULL) != SQLITE_OK)) {
			log_error("sqlite: checkpointer: cannot open '%s': %s",
			    s->path, h ? sqlite3_errmsg(h) : "no memory");
			sqlite3_close(h);
			h = NULL;
		}
		if (h != NULL) {
			int copied = 0;

			rc = sqlite3_wal_checkpoint_v2(h, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, &copied);
			if (rc == SQLITE_OK && copied > 0)
				__atomic_fetch_add(&s->base.checkpoints[0], 1,
				    __ATOMIC_RELAXED);
			else if (rc != SQLITE_BUSY)
				log_error("sqlite: checkpoint: %s (%d)",
				    sqlite3_errmsg(h), rc);
		}
		pthread_mutex_lock(&s->ckpt_mu);
	}
	pthread_mutex_unlock(&s->ckpt_mu);
	sqlite3_close(h);
	return NULL;
}

/* ----- open / close / pool ----- */

static void sq_close(struct store *);

/*
 * SQLite counts every allocation in its memory statistics under one
 * process-wide mutex: the readers' threads queued on it (FTS5 allocates
 * for every doclist; a tenth of a search's time was that lock).  Nothing
 * here reads the statistics.  It must be set before SQLite initialises,
 * hence before the first open; a later call answers SQLITE_MISUSE and
 * changes nothing.
 */
static pthread_once_t sq_config_done = PTHREAD_ONCE_INIT;

static void
sq_config_once(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static enum svc_code
sq_open(struct store **out, const char *dsn, const struct store_config *cfg,
    struct svc_err *err)
{
	struct sq_store *s;
	enum svc_code rc;

	if (strncmp(dsn, "sqlite://", 9) == 0)
		dsn += 9;
	if (dsn[0] == '\0')
		return svc_fail(err, SVC_EINVAL, "db", "empty database path");
	pthread_once(&sq_config_done, sq_config_once);
	s = xcalloc(1, sizeof(*s));
	s->base.ops = &store_sqlite_ops;
	s->path = xstrdup(dsn);
	s->max_conns = cfg && cfg->max_conns > 0 ? cfg->max_conns : 32;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->pool_cv, NULL);
	pthread_cond_init(&s->job_cv, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	pthread_mutex_init(&s->ckpt_mu, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	rc = sq_connect(s, true, &s->wdb, err);
	if (rc) {
		sq_close(&s->base);
		return rc;
	}
	s->ckpt_started = pthread_create(&s->ckpt, NULL, sq_ckpt_main, s) == 0;
	if (!s->ckpt_started)
		log_error("sqlite: no checkpointer thread; the writer checkpoints");
	/* replaces SQLite's automatic checkpoint on this connection */
	sqlite3_wal_hook(s->wdb->h, sq_wal_hook, s);
	if (pthread_create(&s->writer, NULL, sq_writer_main, s) != 0) {
		sq_close(&s->base);
		return svc_fail(err, SVC_EINTERNAL, NULL, "cannot start writer");
	}
	s->writer_started = true;
	*out = &s->base;
	return SVC_OK;
}

static void
sq_close(struct store *base)
{
	struct sq_store *s = (struct sq_store *)base;
	struct sq_db *d, *next;

	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_broadcast(&s->job_cv);
	pthread_mutex_unlock(&s->mu);
	if (s->writer_started)
		pthread_join(s->writer, NULL);
	if (s->ckpt_started) {
		pthread_mutex_lock(&s->ckpt_mu);
		s->ckpt_stopping = true;
		pthread_cond_signal(&s->ckpt_cv);
		pthread_mutex_unlock(&s->ckpt_mu);
		pthread_join(s->ckpt, NULL);
	}
	for (d = s->free_list; d != NULL; d = next) {
		next = d->next;
		sq_disconnect(d);
	}
	if (s->wdb != NULL)
		sq_disconnect(s->wdb);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->pool_cv);
	pthread_cond_destroy(&s->job_cv);
	pthread_cond_destroy(&s->done_cv);
	pthread_mutex_destroy(&s->ckpt_mu);
	pthread_cond_destroy(&s->ckpt_cv);
	free(s->path);
	free(s);
}

static enum svc_code
sq_acquire(struct store *base, struct db **out, struct svc_err *err)
{
	struct sq_store *s = (struct sq_store *)base;
	struct sq_db *d;
	enum svc_code rc;

	pthread_mutex_lock(&s->mu);
	while (s->free_list == NULL && s->nconns >= s->max_conns)
		pthread_cond_wait(&s->pool_cv, &s->mu);
	d = s->free_list;
	if (d != NULL) {
		s->free_list = d->next;
		pthread_mutex_unlock(&s->mu);
		*out = &d->base;
		return SVC_OK;
	}
	s->nconns++;
	pthread_mutex_unlock(&s->mu);
	rc = sq_connect(s, false, &d, err);
	if (rc) {
		pthread_mutex_lock(&s->mu);
		s->nconns--;
		pthread_cond_signal(&s->pool_cv);
		pthread_mutex_unlock(&s->mu);
		return rc;
	}
	*out = &d->base;
	return SVC_OK;
}

static void
sq_release(struct store *base, struct db *db)
{
	struct sq_store *s = (struct sq_store *)base;
	struct sq_db *d = (struct sq_db *)db;

	sq_read_end(d);
	pthread_mutex_lock(&s->mu);
	d->next = s->free_list;
	s->free_list = d;
	pthread_cond_signal(&s->pool_cv);
	pthread_mutex_unlock(&s->mu);
}

/* ----- statements ----- */

/*
 * The statement cache's key: SQL texts are long (up to a few KB) and hashed
 * on every query, so eight bytes at a time (a multiply-rotate mix; the
 * full-text compare in sq_cache_find settles collisions).
 */
static uint32_t
hash_sql(const char *s)
{
	const uint64_t k = 0x9e3779b97f4a7c15u;
	size_t len = strlen(s), i;
	uint64_t h = len * k, w;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	h = (h ^ w) * k;
	h ^= h >> 32;
	return (uint32_t)h;
}

/*
 * The cached statement for sql, not in use, or NULL; *room gets the slot to
 * cache a new one in (an empty way, else an idle one to evict; NULL when
 * every way is busy).
 */
static struct sq_slot *
sq_cache_find(struct sq_db *d, const char *sql, uint32_t h,
    struct sq_slot **room)
{
	struct sq_slot *empty = NULL, *idle[STMT_WAYS];
	int nidle = 0;

	for (unsigned i = 0; i < STMT_WAYS; i++) {
		struct sq_slot *s = &d->cache[(h + i) & (STMT_CACHE - 1)];

		if (s->st == NULL) {
			if (empty == NULL)
				empty = s;
			continue;
		}
		if (s->busy)
			continue;
		if (s->hash == h && strcmp(s->sql, sql) == 0)
			return s;
		idle[nidle++] = s;
	}
	*room = empty != NULL ? empty : nidle > 0 ?
	    idle[d->evict++ % (unsigned)nidle] : NULL;
	return NULL;
}

static enum svc_code
sq_query(struct db *db, const char *sql, const struct dbv *args, size_t n,
    struct dbq **out, struct svc_err *err)
{
	struct sq_db *d = (struct sq_db *)db;
	uint32_t h = hash_sql(sql);
	struct sq_slot *slot, *room = NULL;
	sqlite3_stmt *st = NULL;
	struct sq_q *q;
	int rc;

	sq_read_begin(d);
	slot = sq_cache_find(d, sql, h, &room);
	if (slot != NULL) {
		st = slot->st;
	} else {
		rc = sqlite3_prepare_v3(d->h, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK)
			return sq_fail(db->store, d->h, rc, err, "prepare");
		slot = room;
		if (slot != NULL) {
			if (slot->st != NULL)
				sqlite3_finalize(slot->st);
			free(slot->sql);
			slot->sql = xstrdup(sql);
			slot->hash = h;
			slot->st = st;
		}
	}
	if (slot != NULL)
		slot->busy = true;
	for (size_t i = 0; i < n; i++) {
		int col = (int)i + 1;

		switch (args[i].t) {
		case DBV_NULL:
			rc = sqlite3_bind_null(st, col);
			break;
		case DBV_I64:
			rc = sqlite3_bind_int64(st, col, args[i].i);
			break;
		case DBV_TEXT:
			rc = sqlite3_bind_text(st, col, args[i].s,
			    (int)args[i].len, SQLITE_STATIC);
			break;
		case DBV_BLOB:
			rc = sqlite3_bind_blob(st, col, args[i].s,
			    (int)args[i].len, SQLITE_STATIC);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
		if (rc != SQLITE_OK) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			if (slot != NULL)
				slot->busy = false;
			else
				sqlite3_finalize(st);
			return sq_fail(db->store, d->h, rc, err, "bind");
		}
	}
	q = xcalloc(1, sizeof(*q));
	q->ops = &store_sqlite_ops;
	q->db = d;
	q->st = st;
	q->slot = slot;
	q->rc = SQLITE_OK;
	*out = (struct dbq *)q;
	return SVC_OK;
}

static int
sq_next(struct dbq *qq)
{
	struct sq_q *q = (struct sq_q *)qq;
	int rc;

	if (q->rc != SQLITE_OK && q->rc != SQLITE_ROW)
		return q->rc == SQLITE_DONE ? 0 : -1;
	rc = sqlite3_step(q->st);
	q->rc = rc;
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE) {
		q->changes = sqlite3_changes64(q->db->h);
		return 0;
	}
	return -1;
}

static bool
sq_col_null(struct dbq *qq, int col)
{
	return sqlite3_column_type(((struct sq_q *)qq)->st, col) == SQLITE_NULL;
}

static int64_t
sq_col_i64(struct dbq *qq, int col)
{
	return sqlite3_column_int64(((struct sq_q *)qq)->st, col);
}

static const char *
sq_col_text(struct dbq *qq, int col, size_t *len)
{
	struct sq_q *q = (struct sq_q *)qq;
	const char *s;

	if (sqlite3_column_type(q->st, col) == SQLITE_BLOB) {
		s = sqlite3_column_blob(q->st, col);
	} else
		s = (const char *)sqlite3_column_text(q->st, col);
	*len = (size_t)sqlite3_column_bytes(q->st, col);
	return s;
}

static void
sq_col_blob(struct dbq *qq, int col, struct buf *out)
{
	struct sq_q *q = (struct sq_q *)qq;
	const void *p = sqlite3_column_blob(q->st, col);

	if (p != NULL)
		buf_add(out, p, (size_t)sqlite3_column_bytes(q->st, col));
}

static int64_t
sq_changes(struct dbq *qq)
{
	return ((struct sq_q *)qq)->changes;
}

static enum svc_code
sq_done(struct dbq *qq, struct svc_err *err)
{
	struct sq_q *q = (struct sq_q *)qq;
	enum svc_code rc = SVC_OK;
	int r = q->rc;

	if (r != SQLITE_OK && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = sq_fail(q->db->base.store, q->db->h, r, err, "step");
	sqlite3_reset(q->st);
	sqlite3_clear_bindings(q->st);
	if (q->slot != NULL)
		q->slot->busy = false;
	else
		sqlite3_finalize(q->st);
	free(q);
	return rc;
}

static enum svc_code
sq_exec_script(struct db *db, const char *sql, struct svc_err *err)
{
	struct sq_db *d = (struct sq_db *)db;

	return sq_exec_simple((struct sq_store *)db->store, d->h, sql, err);
}

/* ----- backup / restore ----- */

static enum svc_code
sq_copy(struct sq_store *s, sqlite3 *from, sqlite3 *to, struct svc_err *err)
{
	sqlite3_backup *bk;
	int rc;

	bk = sqlite3_backup_init(to, "main", from, "main");
	if (bk == NULL)
		return sq_fail(&s->base, to, sqlite3_errcode(to), err, "backup");
	do {
		rc = sqlite3_backup_step(bk, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE)
		return sq_fail(&s->base, to, rc, err, "backup");
	return SVC_OK;
}

static enum svc_code
sq_backup(struct store *base, const char *path, struct svc_err *err)
{
	struct sq_store *s = (struct sq_store *)base;
	struct db *rd;
	sqlite3 *out = NULL;
	enum svc_code rc;
	int r;

	r = sqlite3_open_v2(path, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (r != SQLITE_OK) {
		sqlite3_close(out);
		return svc_fail(err, SVC_EINVAL, "out", "cannot open '%s'",
		    path);
	}
	rc = sq_acquire(base, &rd, err);
	if (rc == SVC_OK) {
		rc = sq_copy(s, ((struct sq_db *)rd)->h, out, err);
		sq_release(base, rd);
	}
	sqlite3_close(out);
	return rc;
}

static enum svc_code
sq_restore(struct store *base, const char *path, struct svc_err *err)
{
	struct sq_store *s = (struct sq_store *)base;
	sqlite3 *in = NULL;
	sqlite3_stmt *st;
	enum svc_code rc;
	bool ok = false;
	int r;

	r = sqlite3_open_v2(path, &in, SQLITE_OPEN_READONLY, NULL);
	if (r != SQLITE_OK) {
		sqlite3_close(in);
		return svc_fail(err, SVC_EINVAL, "in", "cannot open '%s'", path);
	}
	r = sqlite3_prepare_v2(in, "PRAGMA integrity_check", -1, &st, NULL);
	if (r == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	if (!ok) {
		sqlite3_close(in);
		return svc_fail(err, SVC_EINVAL, "in",
		    "'%s' is not a sound Aftersales backup", path);
	}
	pthread_mutex_lock(&s->mu);	/* no batch starts meanwhile */
	rc = sq_copy(s, in, s->wdb->h, err);
	s->has_search_pending = false;	/* the copy may predate migration 11 */
	pthread_mutex_unlock(&s->mu);
	sqlite3_close(in);
	return rc;
}

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.kind = STORE_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.acquire = sq_acquire,
	.release = sq_release,
	.write = sq_write,
	.write_async = sq_write_async,
	.exec_script = sq_exec_script,
	.query = sq_query,
	.next = sq_next,
	.col_null = sq_col_null,
	.col_i64 = sq_col_i64,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.changes = sq_changes,
	.done = sq_done,
	.backup = sq_backup,
	.restore = sq_restore,
};
