/*
 * record — a record type declared once, as data (Redis's command table,
 * kcgi's declared validators): its table, its fields with their types,
 * limits, flags and labels.  Everything that handles records of the type
 * reads the one declaration: the SELECT column list and the row mapping,
 * the JSON writer, the validation of a whole record, INSERT and UPDATE with
 * their version and audit, the list's filters and sort keys; in api/ the
 * request-body decoding and its errors, the OpenAPI schemas and the
 * metadata the web forms and list columns are built from; exports read the
 * typed columns.
 *
 * A declaration is a `static const struct record` describing the module's
 * own C struct (fields found by offsetof); see docs/architecture.md for a
 * complete example.  The special rules of a module (a unique code, warranty
 * recomputation, a primary contact) stay hand-written in it and are called
 * from the generic path at two declared points: `check` (before anything is
 * written: validation that needs the database) and `after` (after the row
 * is written, in the same transaction: derived rows, search index).
 *
 * Conventions the generic path relies on: the first field is the id; a
 * record read through joins (from) qualifies its columns ("s.amount_fen"),
 * which are written without the qualifier; the fields named "version",
 * "created_at" and "updated_at", when declared, are kept by rec_create()
 * and rec_update() (version 1, then + 1; the times now); dates are integers
 * YYYYMMDD (util/date.h); money is integer fen.
 *
 * Also here, for every list and every validation of the domain: keyset
 * paging (rec_query_*) and the field validators (rec_*_ok).
 *
 * Everything returned is arena-owned.  Functions that write run inside a
 * store_write() callback.
 */
#ifndef AS_RECORD_H
#define AS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "store/store.h"
#include "util/json.h"
#include "util/mem.h"

/* An optional integer's "none" (JSON null). */
#define REC_NULL (-1)

/* ===== declarations ===== */

enum rtype {
	RT_TEXT,	/* const char *: min..max characters */
	RT_ENUM,	/* const char *: one of enums */
	RT_INT,		/* int64_t: min..max (RF_NULLABLE: REC_NULL is null) */
	RT_MONEY,	/* int64_t fen: min..max */
	RT_ID,		/* int64_t: a row of ref (0: none, JSON null) */
	RT_BOOL,	/* bool */
	RT_DATE,	/* int YYYYMMDD (0: none, JSON null) */
	RT_TIME,	/* int64_t UTC seconds, written in the company zone */
	RT_LIST,	/* struct rec_list of nested records of `of` */
	RT_IDS,		/* struct rec_ids: ids of other rows (filled by fill) */
};

enum rflag {
	RF_REQUIRED = 1u << 0,	/* must be given when created */
	RF_FIXED = 1u << 1,	/* given when created, never changed */
	RF_OUT = 1u << 2,	/* answered, never taken from a body */
	RF_AUTO = 1u << 3,	/* kept by the store or computed: not written */
	RF_NULLABLE = 1u << 4,	/* may be null: "", REC_NULL, 0 */
	RF_INTERNAL = 1u << 5,	/* staff only: never shown to a customer */
	RF_FILTER = 1u << 6,	/* lists filter on it: ?key=value */
	RF_SORT = 1u << 7,	/* lists sort on it: ?sort=key or -key */
	RF_MULTI = 1u << 8,	/* text: line breaks and tabs allowed */
	RF_CODE = 1u << 9,	/* text: no spaces */
	RF_COLUMN = 1u << 10,	/* shown as a column of the list screen */
	RF_UNIQUE = 1u << 11,	/* no two records hold one value (a code) */
	RF_NOW = 1u << 12,	/* computed for an answer (fill): not audited */
};

/* A nested list (RT_LIST): n records of `of->size` bytes each. */
struct rec_list {
	void *v;
	size_t n;
};

/* A list of ids (RT_IDS): a maintenance contract's units. */
struct rec_ids {
	int64_t *v;
	size_t n;
};

struct record;

struct rfield {
	const char *key;	/* JSON key and query parameter */
	const char *col;	/* SQL column or expression; NULL: none */
	enum rtype type;
	size_t off;		/* of the value in the C struct */
	unsigned flags;		/* enum rflag */
	int64_t min, max;	/* characters, values or list items */
	const char *const *enums;	/* RT_ENUM: NULL-ended */
	const char *ref;	/* RT_ID: the table it refers to */
	const struct record *of;	/* RT_LIST: the nested record */
	const char *def;	/* when absent: text, enum, integer or "true" */
	const char *zh, *en;	/* its label */
	const char *doc;	/* one line for the API documentation */
};

/* The id, first field of every stored record. */
#define REC_ID_FIELD(T) \
	{ "id", "id", RT_ID, offsetof(T, id), RF_OUT | RF_AUTO, .zh = "编号", \
	    .en = "ID" }
/* version, created_at and updated_at: kept by rec_create()/rec_update(). */
#define REC_KEPT_FIELDS(T) \
	{ "version", "version", RT_INT, offsetof(T, version), \
	    RF_OUT | RF_AUTO, .zh = "版本", .en = "Version" }, \
	{ "created_at", "created_at", RT_TIME, offsetof(T, created_at), \
	    RF_OUT | RF_AUTO, .zh = "创建时间", .en = "Created" }, \
	{ "updated_at", "updated_at", RT_TIME, offsetof(T, updated_at), \
	    RF_OUT | RF_AUTO, .zh = "修改时间", .en = "Updated" }

/* The value of field f of record item. */
#define REC_AT(item, f) ((char *)(item) + (f)->off)

struct record {
	const char *name;	/* "customer": audit entity, schema name */
	const char *what;	/* "customer": the word in messages */
	const char *table;	/* written to */
	const char *from;	/* read from (joins); NULL: table */
	size_t size;		/* of the C struct */
	const struct rfield *fields;	/* {NULL}-ended, at most 64 */
	const char *zh, *en;	/* its name for people */
	/*
	 * Special rules (NULL: none).  check: before anything is written
	 * (before is NULL on create), may complete what is derived (a unit's
	 * warranty_end); after: once the row is written, in the same
	 * transaction.
	 */
	enum svc_code (*check)(struct db *, struct arena *, void *item,
	    const void *before, struct svc_err *);
	enum svc_code (*after)(struct db *, struct arena *,
	    const struct actor *, const void *item, const void *before,
	    struct svc_err *);
	/* What is not a column (RT_IDS), filled after each read (NULL). */
	enum svc_code (*fill)(struct db *, struct arena *, void *item,
	    struct svc_err *);
};

/* Fields given in a body, a bit per field (1 << index in the record). */
typedef uint64_t rec_mask;

/* The index of field key, or -1. */
int rec_field(const struct record *, const char *key);
#define REC_BIT(i) ((rec_mask)1 << (i))

/* A draft with every default: def, else nullable integers REC_NULL. */
void rec_init(const struct record *, void *item);
/*
 * Texts left NULL become their default or "", and so do empty texts that
 * have a default (a CSV cell left empty): a complete record.
 */
void rec_normalize(const struct record *, void *item);
/* Each field of a complete record within its type and limits. */
enum svc_code rec_check(struct db *, const struct record *, const void *item,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ----- reading ----- */

/*
 * Compute once what every read of the record builds (its SELECT texts and
 * sort keys), before the threads start; a record not prepared builds them
 * per call.  At most REC_PREPARED_MAX records.
 */
#define REC_PREPARED_MAX 64
void rec_prepare(const struct record *);

/* "SELECT <cols> FROM <from>", arena-owned. */
const char *rec_select(struct arena *, const struct record *);
/* The columns of one row (in declaration order) into item. */
void rec_from_row(const struct record *, struct dbq *, struct arena *,
    void *item);
/*
 * The record whose id is id (*out arena-owned); SVC_ENOTFOUND naming "id"
 * ("customer 7 not found").
 */
enum svc_code rec_get(struct db *, struct arena *, const struct record *,
    int64_t id, void **out, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The record whose field key (a unique text column) holds value;
 * SVC_ENOTFOUND naming key ("customer 'C9' not found").
 */
enum svc_code rec_get_by(struct db *, struct arena *, const struct record *,
    const char *key, const char *value, void **out,
    struct svc_err *) WARN_UNUSED_RESULT;

enum rec_view {
	REC_STAFF,	/* every field */
	REC_CUSTOMER,	/* without the RF_INTERNAL fields */
	REC_AUDIT,	/* every field but RF_NOW (audit rows, 409 bodies) */
};
void rec_to_json(struct jw *, const struct record *, const void *item,
    enum rec_view);
/* The members without the braces (an object that adds its own). */
void rec_json_members(struct jw *, const struct record *, const void *item,
    enum rec_view);
/* The record as an arena-owned JSON text (audit rows, 409 bodies). */
char *rec_text(struct arena *, const struct record *, const void *item,
    enum rec_view);

/* ----- writing (each audited, in the caller's transaction) ----- */

/*
 * Complete the draft (rec_normalize), validate it (rec_check, the
 * RF_UNIQUE fields free, then rec->check), insert it, read it back into
 * *out, write the audit row, then rec->after.
 */
enum svc_code rec_create(struct db *, struct arena *, const struct actor *,
    const struct record *, const void *draft, void **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Change the fields of mask to draft's values in record id at version
 * expected (else SVC_ECONFLICT with the current record), validated as on
 * create; RF_FIXED fields never change.
 */
enum svc_code rec_update(struct db *, struct arena *, const struct actor *,
    const struct record *, int64_t id, int64_t expected,
    const void *draft, rec_mask mask, void **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Delete record id, audited with the record as it was; then rec->after
 * with item NULL.
 */
enum svc_code rec_delete(struct db *, struct arena *, const struct actor *,
    const struct record *, int64_t id, struct svc_err *) WARN_UNUSED_RESULT;

/* ===== paging (every list) ===== */

/*
 * A page request.  sort is a key the list allows, "-key" for descending
 * (NULL: by id); cursor is what the previous page gave as next_cursor
 * (NULL: the first page); limit 1..200.
 */
struct rec_page {
	const char *sort;
	const char *cursor;
	int limit;
};

struct rec_sort {
	const char *name;	/* as in ?sort= */
	const char *col;	/* SQL expression */
	bool text;
};

#define REC_ARGS_MAX 24

struct rec_query {
	struct buf sql;
	struct dbv args[REC_ARGS_MAX];
	size_t na;
	const struct rec_sort *sort;
	const char *idcol;
	bool desc;
	int limit;
};

/*
 * Start "SELECT <cols>, <sort col> FROM <from> WHERE 1 = 1" with the
 * keyset condition of the page's cursor.  sorts ends with {NULL}; the first
 * entry must be the id.  Errors name "sort", "cursor" or "limit".
 */
enum svc_code rec_query_begin(struct rec_query *, struct arena *,
    const char *cols, const char *from, const char *idcol,
    const struct rec_sort *sorts, const struct rec_page *,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Append a condition and its arguments (in placeholder order). */
void rec_cond(struct rec_query *, const char *sql);
void rec_arg(struct rec_query *, struct dbv);
typedef void (*rec_row_fn)(struct dbq *, struct arena *, void *item);
/*
 * Order, limit and run; ncols is the number of columns before the sort
 * column, the first of which is the id.  *items holds up to limit
 * arena-owned items of item_size bytes; *next_cursor is NULL on the last
 * page.  Releases the query's buffer.
 */
enum svc_code rec_query_run(struct rec_query *, struct db *, struct arena *,
    int ncols, size_t item_size, rec_row_fn, void ***items, size_t *n,
    char **next_cursor, struct svc_err *) WARN_UNUSED_RESULT;
void rec_query_release(struct rec_query *);

/*
 * A list of records by the declaration: its sort keys are the id and the
 * RF_SORT fields.  Between begin and run the caller adds its filters
 * (rec_cond, rec_arg, rec_filter).
 */
enum svc_code rec_list_begin(struct rec_query *, struct arena *,
    const struct record *, const struct rec_page *,
    struct svc_err *) WARN_UNUSED_RESULT;
/* " AND <col of field i> = ?" with its value (text or integer). */
void rec_filter(struct rec_query *, const struct record *, int i,
    struct dbv value);
enum svc_code rec_list_run(struct rec_query *, struct db *, struct arena *,
    const struct record *, void ***items, size_t *n, char **next_cursor,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===== validators (SVC_EINVAL naming the field) ===== */

enum rec_text {
	REC_LINE,	/* one line: no control characters */
	REC_MULTI,	/* notes: line breaks and tabs allowed */
	REC_CODE,	/* a code: no spaces or control characters */
};

/* s (NULL counts as "") has min..max characters of the kind. */
enum svc_code rec_text_ok(struct svc_err *, const char *field, const char *s,
    size_t min, size_t max, enum rec_text kind) WARN_UNUSED_RESULT;
/* s is one of values (NULL-ended). */
enum svc_code rec_enum_ok(struct svc_err *, const char *field, const char *s,
    const char *const *values) WARN_UNUSED_RESULT;
/* min <= v <= max. */
enum svc_code rec_range_ok(struct svc_err *, const char *field, int64_t v,
    int64_t min, int64_t max) WARN_UNUSED_RESULT;
/* A real calendar day (required, or 0 allowed when optional). */
enum svc_code rec_date_ok(struct svc_err *, const char *field, int ymd,
    bool optional) WARN_UNUSED_RESULT;
/* An email address or "". */
enum svc_code rec_email_ok(struct svc_err *, const char *field,
    const char *s) WARN_UNUSED_RESULT;
/*
 * The row "SELECT count(*) FROM <table> WHERE id = ?" exists, else
 * SVC_EINVAL field/not_found "<what> N not found".  table is a constant.
 */
enum svc_code rec_ref_ok(struct db *, struct svc_err *, const char *field,
    const char *table, const char *what, int64_t id) WARN_UNUSED_RESULT;
/* A unique value is free: sql counts rows holding it (one text param). */
enum svc_code rec_unique_ok(struct db *, struct svc_err *, const char *field,
    const char *sql, const char *value, const char *what) WARN_UNUSED_RESULT;
/* SVC_ETOOBIG for a full arena. */
enum svc_code rec_oom(struct svc_err *);

/* ----- JSON helpers ----- */

typedef void (*rec_json_fn)(struct jw *, const void *);
/* The object fn writes as an arena-owned JSON text. */
char *rec_json_text(struct arena *, rec_json_fn, const void *);
/* "k": "YYYY-MM-DD", or null for 0. */
void rec_kdate(struct jw *, const char *k, int ymd);
/* "k": v, or null for REC_NULL. */
void rec_knull(struct jw *, const char *k, int64_t v);

/* "%q%" with %, _ and \ escaped, for "LIKE ? ESCAPE '\'"; arena-owned. */
char *rec_like(struct arena *, const char *q, bool prefix_only);
#define REC_ESC " ESCAPE '\\'"

#endif
