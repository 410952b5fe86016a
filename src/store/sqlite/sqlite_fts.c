/*
 * sqlite_fts — the SQLite side of full-text search: the FTS5 tokenizer
 * "as_chars", registered on every SQLite connection (sq_connect) before any
 * statement can touch a full-text table, and sq_search_flush(), which the
 * writer runs before each commit to index the documents the batch wrote.
 *
 * It hands the text to tok_split() (util/tokenize.h), the same splitter the
 * search module uses to build PostgreSQL tsvectors and both engines' queries,
 * so that the two engines see the same tokens: one token per CJK character,
 * one per run of ASCII letters and digits (lower-cased); when indexing, also
 * each pair of neighbouring characters and the last 4 digits of long numbers
 * at the same position; when querying, pairs in place of characters (so 漏水
 * is one lookup).  The search module writes FTS5 queries as phrases of
 * single characters ("漏 水") and this tokenizer turns them into pairs.
 *
 * Why not the built-in "trigram" tokenizer: it cannot match terms shorter
 * than three characters, and most Chinese words (漏水, 异响, 退货) have two.
 * Why not "unicode61": it treats a run of CJK characters as one token, so a
 * word inside a sentence is never found.
 */
#include <sqlite3.h>

#include "store/store.h"
#include "util/err.h"
#include "util/tokenize.h"

#define FTS_TOKENIZER "as_chars"

/* Our tokenizer has no state: every instance is this one object. */
static int fts_instance;

struct fts_emit_ctx {
	void *pctx;
	int (*xtoken)(void *, int, const char *, int, int, int);
};

static int
fts_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	if (argc != 0)
		return SQLITE_ERROR;	/* no options */
	*out = (Fts5Tokenizer *)(void *)&fts_instance;
	return SQLITE_OK;
}

static void
fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int
fts_emit(void *arg, const struct tok *t)
{
	struct fts_emit_ctx *c = arg;

	return c->xtoken(c->pctx, t->colocated ? FTS5_TOKEN_COLOCATED : 0,
	    t->p, (int)t->len, (int)t->start, (int)t->end);
}

static int
fts_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text,
    int len, int (*xtoken)(void *, int, const char *, int, int, int))
{
	struct fts_emit_ctx c = { pctx, xtoken };
	unsigned tf;

	(void)t;
	/* the index gets colocated pairs; a query looks pairs up */
	tf = flags & FTS5_TOKENIZE_QUERY ? TOK_QUERY : TOK_DOCUMENT;
	if (text == NULL || len <= 0)
		return SQLITE_OK;
	return tok_split(text, (size_t)len, tf, fts_emit, &c);
}

static fts5_tokenizer fts_tokenizer = {
	fts_create,
	fts_delete,
	fts_tokenize,
};

/*
 * Register the tokenizer on h.  The fts5_api pointer comes from
 * "SELECT fts5(?1)" with a bound pointer, as the FTS5 documentation says.
 */
enum svc_code
sq_fts_register(sqlite3 *h, struct svc_err *err)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (api == NULL || api->iVersion < 2)
		return svc_fail(err, SVC_ESTORE, NULL,
		    "this SQLite has no FTS5 (full-text search)");
	rc = api->xCreateTokenizer(api, FTS_TOKENIZER, NULL, &fts_tokenizer,
	    NULL);
	if (rc != SQLITE_OK)
		return svc_fail(err, SVC_ESTORE, NULL,
		    "cannot register the '%s' tokenizer: %s", FTS_TOKENIZER,
		    sqlite3_errstr(rc));
	return SVC_OK;
}

/*
 * Index the search documents written since the last flush: the rows named in
 * search_pending (0011_search_pending.sqlite.sql) go into search_fts, in id
 * order (FTS5 writes its pending terms out early when a rowid goes down), and
 * search_pending is emptied.  Run on the writer connection inside the batch's
 * transaction, outside any job's savepoint; the table must exist.
 */
enum svc_code
sq_search_flush(struct db *db, struct svc_err *err)
{
	enum svc_code rc;

	rc = db_exec(db, "INSERT INTO search_fts (rowid, kind, customer_id,"
	    " number, title, body)"
	    " SELECT d.id, d.kind, d.customer_id, d.number, d.title, d.body"
	    " FROM search_pending p JOIN search_docs d ON d.id = p.id"
	    " ORDER BY p.id", DB_NOARGS, NULL, err);
	if (rc)
		return rc;
	return db_exec(db, "DELETE FROM search_pending", DB_NOARGS, NULL, err);
}
