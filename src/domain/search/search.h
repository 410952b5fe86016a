/*
 * search — full-text search over documents of every module (SPEC §5.7:
 * Chinese search finds 2-character words; §4.11 knowledge base).
 *
 * Each module that wants its records found calls search_put() with a
 * struct search_doc in the same write transaction as the change, and
 * search_delete() when the record goes.  search_query() answers a user's
 * text.  Both engines give the same answers: the text is split by one C
 * function, tok_split() (util/tokenize.h), into one token per CJK character
 * and one per run of ASCII letters and digits; each pair of neighbouring
 * characters is indexed too, so that a 2-character word is one lookup.
 *
 * Query language (never engine syntax: user text cannot reach FTS5 or
 * tsquery operators):
 *  - the text is split into words at spaces and at punctuation other than
 *    - _ . / : # @ + (which join the parts of "SR-20261122-0001",
 *    "KFR-35GW/A1", "2026/11/22");
 *  - each word is a phrase of its tokens: 漏水 matches 漏 followed directly
 *    by 水, never 水漏 nor 漏了水;
 *  - a word ending in ASCII letters or digits matches that last part as a
 *    prefix: "KT35" finds serial KT35GW0012, "1380013" finds 13800138000;
 *  - the last 4 digits of a long number (phone, serial) match by themselves;
 *  - all words must match (AND), each within one field (number, title or
 *    body), in any field.
 *
 * Invariants:
 *  - one row per (kind, ref_id); search_put() replaces the whole row;
 *  - hits come newest-indexed first (a changed document moves to the top),
 *    the same order on both engines, so cursors page the same way;
 *  - a customer filter returns only documents of that customer.
 *
 * Limits: a query of at most SEARCH_Q_MAX characters and SEARCH_TERMS_MAX
 * words, SEARCH_LIMIT_MAX hits a page.  Document fields longer than their
 * maximum are indexed up to it.  PostgreSQL keeps at most 255 positions of
 * one token per document, so in a very long body a phrase made only of very
 * frequent characters may be missed after their 255th occurrence.
 */
#ifndef AS_SEARCH_H
#define AS_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"
#include "util/mem.h"

#define SEARCH_Q_MAX 100		/* characters of a query */
#define SEARCH_TERMS_MAX 10		/* words of a query */
#define SEARCH_TERM_TOKENS_MAX 64	/* tokens of one word */
#define SEARCH_LIMIT_MAX 50		/* hits per page */
#define SEARCH_KINDS_MAX 8		/* kinds in a filter */
#define SEARCH_KIND_MAX 32		/* bytes of a kind */
#define SEARCH_NUMBER_MAX 100		/* characters indexed of number */
#define SEARCH_TITLE_MAX 300		/* ... of title */
#define SEARCH_BODY_MAX 15000		/* ... of body */
#define SEARCH_HL_MAX 8			/* highlights per hit */

/* A document to index; strings borrowed (NULL counts as ""). */
struct search_doc {
	const char *kind;	/* "request", "customer", "unit", "article" */
	int64_t ref_id;		/* the record's id in its own table, >= 1 */
	int64_t customer_id;	/* its customer company; 0 for none */
	const char *number;	/* document number, serial, code, phone */
	const char *title;
	const char *body;	/* the rest of the searchable text */
	int64_t updated_at;	/* UTC seconds; 0 means now */
};

/* A highlighted stretch of a snippet, in characters (code points). */
struct search_span {
	int off;
	int len;
};

/* One hit; strings arena-owned. */
struct search_hit {
	int64_t id;		/* index row: the cursor for the next page */
	char *kind;
	int64_t ref_id;
	int64_t customer_id;	/* 0 for none */
	char *number;
	char *title;
	/*
	 * Up to ~64 characters around the first match in the body (else in
	 * the title, else the number); "…" marks a cut.
	 */
	char *snippet;
	const char *field;	/* where the snippet comes from */
	struct search_span hl[SEARCH_HL_MAX];	/* matches in the snippet */
	size_t nhl;
	/*
	 * Where the words matched: 4 for the number, 2 for the title, 1 for the
	 * body, added up (7 = all three).  Hits are not ordered by it.
	 */
	int rank;
	int64_t updated_at;
};

struct search_filter {
	const char *const *kinds;	/* NULL or nkinds kinds (any of) */
	size_t nkinds;
	int64_t customer_id;		/* 0: every customer's documents */
	int64_t cursor;			/* 0, or the id of the last hit seen */
	int limit;			/* 1..SEARCH_LIMIT_MAX */
};

/*
 * Index d, replacing any row of (kind, ref_id).  Call inside the caller's
 * write transaction (a store_write callback).  SVC_EINVAL naming the field
 * for a bad kind, ref_id or invalid UTF-8.
 */
enum svc_code search_put(struct db *, const struct search_doc *d,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Remove (kind, ref_id) from the index; no row is not an error. */
enum svc_code search_delete(struct db *, const char *kind, int64_t ref_id,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Index n documents in write transactions of up to 1,000 documents each
 * (for imports, tests and benchmarks).  Stops at the first failure.
 */
enum svc_code search_put_many(struct store *, struct db *,
    const struct search_doc *docs, size_t n,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Merge the SQLite full-text index's segments (a search probes every
 * segment, so a fragmented index answers 2-3 times slower): pages > 0 does
 * at most that many pages of an incremental merge towards one segment (the
 * server's minute sweep); pages == 0 merges everything at once (after a
 * bulk load: `aftersales optimize`).  Call inside a write transaction.
 * Nothing to do on PostgreSQL (its GIN index needs no such step).
 */
enum svc_code search_compact(struct db *, int pages,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Search for q.  *out gets *n arena-owned hits, newest first; *more says
 * whether another page follows (pass out[*n - 1]->id as the next cursor).
 * SVC_EINVAL naming "q" for an empty, too long or invalid query, naming
 * "kind" for a bad kind, "limit" for a bad limit.
 */
enum svc_code search_query(struct db *, struct arena *, const char *q,
    const struct search_filter *, struct search_hit ***out, size_t *n,
    bool *more, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The engine query text for q (for tests and diagnostics): an FTS5 MATCH
 * expression for STORE_SQLITE, a tsquery for STORE_PG.  *out arena-owned.
 */
enum svc_code search_compile(struct arena *, const char *q, enum store_kind,
    char **out, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * A list's filter by the index: the ids of the kind's documents that match
 * q, as " IN (SELECT ...)" to follow a column of ids ("l.part_id"), with
 * its arguments in placeholder order (the same query language and errors,
 * naming "q", as search_query).  sql is static; args arena-owned.
 */
struct search_cond {
	const char *sql;
	struct dbv args[2];
	size_t nargs;
};
enum svc_code search_ids_cond(struct db *, struct arena *, const char *q,
    const char *kind, struct search_cond *out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Is kind a valid kind name (a-z, then a-z 0-9 _; SEARCH_KIND_MAX)? */
bool search_kind_valid(const char *kind);

#endif
