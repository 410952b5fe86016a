/*
 * internal — helpers shared by the files of the master module only (other
 * modules include master.h): validation of text and references, JSON texts
 * for audit rows, LIKE patterns, and keyset-paged list queries.
 */
#ifndef AS_MASTER_INTERNAL_H
#define AS_MASTER_INTERNAL_H

#include "domain/master/master.h"

/* ----- validation (SVC_EINVAL naming the field) ----- */

enum md_text {
	MD_LINE,	/* one line: no control characters */
	MD_MULTI,	/* notes: line breaks and tabs allowed */
	MD_CODE,	/* a code: no spaces or control characters */
};

/* s (NULL counts as "") has min..max characters of the kind. */
enum svc_code md_text_ok(struct svc_err *, const char *field, const char *s,
    size_t min, size_t max, enum md_text kind) WARN_UNUSED_RESULT;
/* s is one of values (NULL-ended). */
enum svc_code md_enum_ok(struct svc_err *, const char *field, const char *s,
    const char *const *values) WARN_UNUSED_RESULT;
/* min <= v <= max. */
enum svc_code md_range_ok(struct svc_err *, const char *field, int64_t v,
    int64_t min, int64_t max) WARN_UNUSED_RESULT;
/* A real calendar day (required, or 0 allowed when optional). */
enum svc_code md_date_ok(struct svc_err *, const char *field, int ymd,
    bool optional) WARN_UNUSED_RESULT;
/* An email address or "". */
enum svc_code md_email_ok(struct svc_err *, const char *field,
    const char *s) WARN_UNUSED_RESULT;
/*
 * The row "SELECT count(*) FROM <table> WHERE id = ?" exists, else
 * SVC_EINVAL field/not_found "<what> N not found".  table is a constant.
 */
enum svc_code md_ref_ok(struct db *, struct svc_err *, const char *field,
    const char *table, const char *what, int64_t id) WARN_UNUSED_RESULT;
/* A unique value is free: sql counts rows holding it (one text param). */
enum svc_code md_unique_ok(struct db *, struct svc_err *, const char *field,
    const char *sql, const char *value, const char *what) WARN_UNUSED_RESULT;

/* ----- JSON ----- */

typedef void (*md_json_fn)(struct jw *, const void *);
/* The record as an arena-owned JSON text (for audit and 409 bodies). */
char *md_json_text(struct arena *, md_json_fn, const void *);
/* "k": "YYYY-MM-DD", or null for 0. */
void md_kdate(struct jw *, const char *k, int ymd);
/* "k": v, or null for MD_NULL. */
void md_knull(struct jw *, const char *k, int64_t v);

/* The members of unit_to_json() without the braces (history adds more). */
void unit_json_members(struct jw *, const struct unit *, int today);

/* "%q%" with %, _ and \ escaped, for "LIKE ? ESCAPE '\'"; arena-owned. */
char *md_like(struct arena *, const char *q, bool prefix_only);
#define MD_ESC " ESCAPE '\\'"

/* ----- keyset-paged lists ----- */

struct md_sort {
	const char *name;	/* as in ?sort= */
	const char *col;	/* SQL expression */
	bool text;
};

#define MD_ARGS_MAX 24

struct md_query {
	struct buf sql;
	struct dbv args[MD_ARGS_MAX];
	size_t na;
	const struct md_sort *sort;
	const char *idcol;
	bool desc;
	int limit;
};

/*
 * Start "SELECT <cols>, <sort col> FROM <from> WHERE 1 = 1" with the
 * keyset condition of the page's cursor.  sorts ends with {NULL}; the first
 * entry must be the id.  Errors name "sort", "cursor" or "limit".
 */
enum svc_code md_query_begin(struct md_query *, struct arena *,
    const char *cols, const char *from, const char *idcol,
    const struct md_sort *sorts, const struct md_page *,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Append a condition and its arguments (in placeholder order). */
void md_cond(struct md_query *, const char *sql);
void md_arg(struct md_query *, struct dbv);
typedef void (*md_row_fn)(struct dbq *, struct arena *, void *item);
/*
 * Order, limit and run; ncols is the number of columns before the sort
 * column, the first of which is the id.  *items holds up to limit
 * arena-owned items of item_size bytes; *next_cursor is NULL on the last
 * page.  Releases the query's buffer.
 */
enum svc_code md_query_run(struct md_query *, struct db *, struct arena *,
    int ncols, size_t item_size, md_row_fn, void ***items, size_t *n,
    char **next_cursor, struct svc_err *) WARN_UNUSED_RESULT;
void md_query_release(struct md_query *);

/* SVC_ETOOBIG for a full arena. */
enum svc_code md_oom(struct svc_err *);

#endif
