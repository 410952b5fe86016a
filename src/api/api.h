/*
 * api — the JSON REST API: the route table, the router that checks every
 * request once before any handler, input decoding by field tables, and the
 * handlers (api_<module>.c), which call the domain.
 *
 * Handler contract: read rq (path params, decoded JSON, rq->db, rq->who),
 * call the domain, and either fill rs and return SVC_OK or return a code with
 * rq->err filled.  Handlers never choose error statuses and never free.
 * A route flagged R_WRITE runs its handler inside store_write(): everything
 * it writes commits together, or not at all.
 */
#ifndef AS_API_H
#define AS_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "domain/core/settings.h"
#include "domain/record/record.h"
#include "http/http.h"
#include "util/table.h"

enum route_flags {
	R_PUBLIC = 1 << 0,	/* no authentication */
	R_WRITE = 1 << 1,	/* runs in one write transaction */
	R_JSON = 1 << 2,	/* takes a JSON object body */
	R_IDEMPOTENT = 1 << 3,	/* honours Idempotency-Key (creates) */
	R_RAW = 1 << 4,		/* takes a raw body (uploads), see body_max */
};

typedef enum svc_code (*route_fn)(struct req *, struct resp *);

struct field;
struct resource;
struct export_cols;

struct route {
	unsigned method;	/* enum http_method */
	const char *pattern;	/* "/api/v1/users/{id}" */
	route_fn fn;
	/*
	 * Optional: runs before the write transaction, outside it (decoding,
	 * password hashing), so slow work never holds the writer.
	 */
	route_fn prepare;
	const char *perm;	/* permission key; NULL only with R_PUBLIC */
	unsigned flags;
	const char *tag;
	const char *summary;
	const struct field *body;	/* request body fields, for docs */
	const char *const *query;	/* allowed query parameters, for docs */
	size_t body_max;	/* 0: the configured default (1 MiB) */
	const struct resource *res;	/* a declared record's route */
	const struct record *body_rec;	/* a body decoded by a declaration */
	/*
	 * A list that can be had as CSV or Excel (?format=csv|xlsx): the
	 * columns taken from each item of its answer.  A declared record's
	 * list (api_rec_list) takes them from the declaration instead.
	 */
	const struct export_cols *export;
};

/*
 * The route table: each module's table (api_<module>.c defines
 * <module>_routes[] and <module>_nroutes), joined by api_routes_init() in
 * the order routes.c lists them.  Immutable after init.
 */
extern const struct route *api_routes;
extern size_t api_nroutes;
void api_routes_init(void);
void api_routes_release(void);

#define ROUTE_TABLE(m) \
	extern const struct route m##_routes[]; \
	extern const size_t m##_nroutes

/* ----- input decoding ----- */

enum ftype {
	F_TEXT,		/* const char * (arena), max = code points */
	F_I64,		/* int64_t, min..max */
	F_ID,		/* int64_t >= 1, null -> 0 */
	F_BOOL,		/* bool */
	F_STRARR,	/* struct strarr, max = items */
	F_ENUM,		/* const char *, one of enums[] */
	F_DATE,		/* int YYYYMMDD from "YYYY-MM-DD", null -> 0 */
};

enum field_flags {
	F_REQUIRED = 1 << 0,
	F_NULLABLE = 1 << 1,
	F_SECRET = 1 << 2,	/* never echoed (passwords) */
};

struct strarr {
	const char **v;
	size_t n;
};

struct field {
	const char *name;
	enum ftype type;
	size_t off;
	unsigned flags;
	int64_t min;
	int64_t max;
	unsigned mask;		/* ORed into *present when given */
	const char *const *enums;
	const char *doc;
};

/*
 * Decode rq->json into out by the table (ended by a {NULL} entry).  Unknown
 * fields, wrong types, out-of-range values and missing required fields give
 * SVC_EINVAL naming the field.  *present (may be NULL) gets the masks of the
 * fields given.
 */
enum svc_code decode_json(struct req *, const struct field *, void *out,
    unsigned *present) WARN_UNUSED_RESULT;

enum rec_mode {
	REC_CREATE,	/* every field not RF_OUT; RF_REQUIRED ones needed */
	REC_UPDATE,	/* neither RF_OUT nor RF_FIXED, and "version" */
};

/*
 * Decode rq->json into the record draft out (which rec_init() has filled
 * with the defaults) by the record's declaration, as decode_json() does by
 * a field table: errors name the field, "lines[0].quantity" inside nested
 * lists.  *mask gets the bit (REC_BIT(index)) of each field given.
 */
enum svc_code decode_record(struct req *, const struct record *,
    enum rec_mode, void *out, rec_mask *mask) WARN_UNUSED_RESULT;

/* ----- helpers for handlers ----- */

/* Path parameter i as a positive id; SVC_ENOTFOUND otherwise. */
enum svc_code req_param_id(struct req *, int i, int64_t *out) WARN_UNUSED_RESULT;
/* The caller as a domain actor. */
struct actor req_actor(struct req *);
/* Reject query parameters not in allowed (NULL-ended). */
enum svc_code query_allow(struct req *, const char *const *allowed)
    WARN_UNUSED_RESULT;
/* An integer query parameter (absent: *out = dflt). */
enum svc_code query_i64(struct req *, const char *name, int64_t min,
    int64_t max, int64_t dflt, int64_t *out) WARN_UNUSED_RESULT;
/* A query parameter from a NULL-ended set (absent: NULL), interned. */
enum svc_code query_enum(struct req *, const char *name,
    const char *const *set, const char **out) WARN_UNUSED_RESULT;
/*
 * A comma-separated list of names[0..n) as a bit mask (bit i = names[i]);
 * absent: 0.  An unknown or repeated name is refused naming the parameter.
 */
enum svc_code query_enum_mask(struct req *, const char *name,
    const char *const *names, int n, unsigned *out) WARN_UNUSED_RESULT;
/* true|false (absent: false). */
enum svc_code query_bool(struct req *, const char *name, bool *out)
    WARN_UNUSED_RESULT;
/* A date or ISO-8601 time (absent: 0). */
enum svc_code query_time(struct req *, const char *name, int64_t *out)
    WARN_UNUSED_RESULT;
/*
 * A group of settings kept as data (domain/core/settings.h, api_settings.c):
 * GET answers it; PUT decodes the body by fields (each setting's mask is
 * 1 << its index in the group, "version" has none) and changes the ones
 * given.
 */
enum svc_code api_settings_get(struct req *, struct resp *,
    const struct setting_group *) WARN_UNUSED_RESULT;
enum svc_code api_settings_put(struct req *, struct resp *,
    const struct setting_group *, const struct field *) WARN_UNUSED_RESULT;
/* An id that may also be "me" (the caller). */
enum svc_code query_id_or_me(struct req *, const char *name, int64_t *out)
    WARN_UNUSED_RESULT;
/* limit (1..200, default 25) and cursor (an id) of a list. */
enum svc_code list_params(struct req *, int64_t *cursor_id, int *limit)
    WARN_UNUSED_RESULT;
/* Write "next_cursor" for a list page. */
void list_next_cursor(struct jw *, bool more, int64_t last_id);
/* The version a write expects: body "version" or If-Match. */
enum svc_code req_version(struct req *, int64_t body_version,
    int64_t *out) WARN_UNUSED_RESULT;

/* ----- declared records served as resources (resource.c) ----- */

/*
 * A record type served at a path: the generic handlers api_rec_list,
 * api_rec_get, api_rec_create and api_rec_update read the route's res.
 * Lists take limit, cursor, sort (the RF_SORT keys), the RF_FILTER fields
 * and the hook's own parameters.
 *
 * Customer isolation: owner names the field that holds the customer
 * company a record belongs to ("id" for the customers themselves): a
 * customer user lists only its own, and another company's record answers
 * 404 as one that does not exist.  Records of no owner (models, parts)
 * are read by whoever holds the permission and written by staff only.
 * RF_INTERNAL fields are left out of customer users' answers, and a
 * customer user giving one is refused (403 naming it).
 */
struct resource {
	const struct record *rec;
	const char *path;	/* "/api/v1/customers": Location of a new one */
	const char *owner;	/* the customer's field; NULL: staff only */
	bool customer_creates;	/* may a customer user create one? */
	/*
	 * A sub-resource (a customer's contacts): the path's first {id} is
	 * its parent's, a record of parent_rec, held in the field parent;
	 * path is then a format with one %lld for it.
	 */
	const char *parent;
	const struct record *parent_rec;
	/* Customer users are refused whatever their role holds. */
	bool staff_only;
	/* Extra list parameters, read by filter (after the page's). */
	const char *const *query;
	enum svc_code (*filter)(struct req *, struct rec_query *);
};

#define H(name) enum svc_code name(struct req *, struct resp *)
H(api_rec_list); H(api_rec_get); H(api_rec_create); H(api_rec_update);
H(api_rec_delete);
H(api_records);
/* "text", "money", "date", ... (GET /api/v1/records, the OpenAPI x-type) */
const char *rec_type_word(enum rtype);
#undef H

/* limit (1..200, default 25), cursor and sort of a declared list. */
enum svc_code page_params(struct req *, struct rec_page *) WARN_UNUSED_RESULT;
/* A text query parameter: valid UTF-8 of at most max bytes, or NULL. */
enum svc_code query_text(struct req *, const char *name, size_t max,
    const char **out) WARN_UNUSED_RESULT;
/* name=true|false -> 1|0, absent -> -1. */
enum svc_code query_tristate(struct req *, const char *name, int *out)
    WARN_UNUSED_RESULT;
/* The customer company of a customer user; 0 for staff. */
int64_t own_customer(struct req *);

/* ----- printed documents (api_print.c) ----- */

struct print_out;
/* Send the PDF in fd (closed by the server) as number.pdf, inline. */
void api_send_pdf(struct req *, struct resp *, int fd,
    const struct print_out *);

/* ----- answers as files: CSV, Excel, PDF (export.c) ----- */

enum out_fmt {
	OUT_JSON,
	OUT_CSV,
	OUT_XLSX,
	OUT_PDF,
};

/*
 * The columns of a hand-written list's export: each column's key is the
 * item's JSON key, or a path into it ("customer.name"); money items are
 * integers of fen, days "YYYY-MM-DD", times ISO-8601.
 */
struct export_cols {
	const struct tcol *cols;
	size_t n;
	const char *name;	/* file name: "requests" */
	const char *zh, *en;	/* sheet name: 服务工单 */
};

/*
 * The format the caller asked for: ?format=json|csv|xlsx|pdf, else an
 * Accept header of exactly text/csv, the xlsx type or application/pdf;
 * JSON when neither.  SVC_EINVAL naming "format" for another value, or
 * pdf where pdf_ok is false.
 */
enum svc_code api_out_format(struct req *, bool pdf_ok, enum out_fmt *out)
    WARN_UNUSED_RESULT;
/* The labels' language: ?lang=en|zh-CN, else Accept-Language, else "zh-CN". */
const char *api_lang(struct req *);
/*
 * Answer the table as a file of fmt (OUT_CSV, OUT_XLSX or OUT_PDF: the
 * "report" document template's header, title, the line note (its filters;
 * NULL: none), the chart when there is one, the table), titled title,
 * downloaded as name-YYYYMMDD.ext (name: ASCII; a PDF is shown inline).
 * The caller answers JSON itself.
 */
enum svc_code api_send_table(struct req *, struct resp *, enum out_fmt,
    const struct table *, const struct chart *, const char *title,
    const char *note, const char *name) WARN_UNUSED_RESULT;
/* "columns": [{key, type, zh, en}] and "rows": [{key: value}] of a table:
 * money as fen, days "YYYY-MM-DD", times ISO-8601, ratios as numbers. */
void table_json(struct jw *, const struct table *);
/* Only the "columns" of table_json(). */
void tcols_json(struct jw *, const struct tcol *, size_t n);
/* true when the route's list can be exported (its export or res). */
bool api_can_export(const struct route *);
/*
 * The route's list as CSV or Excel: its handler run page after page
 * (limit 200, the cursor each page gives) with the caller's other query
 * arguments, each item written as a row; called by the router.
 */
enum svc_code api_export_list(struct req *, struct resp *, enum out_fmt)
    WARN_UNUSED_RESULT;

/* Free the decoded JSON (called by the http layer at completion). */
void api_req_cleanup(struct req *);

/* ----- metrics ----- */
void metrics_init(struct metrics *, size_t nroutes);
void metrics_release(struct metrics *);
void metrics_observe(struct metrics *, size_t route, int status,
    int64_t dur_us);
void metrics_render(struct app *, struct buf *);

/* ----- OpenAPI ----- */
void openapi_render(struct buf *);

/* Body field tables, shared by handlers and the OpenAPI document. */
extern const struct field session_fields[], password_fields[],
    token_fields[], user_create_fields[], user_update_fields[],
    user_password_fields[], role_set_fields[], dept_create_fields[],
    dept_update_fields[], view_fields[];
extern const char *const user_list_query[];
extern const char *const view_list_query[];
extern const char *const audit_list_query[];
extern const char *const list_query[];

/* ----- handlers ----- */
#define H(name) enum svc_code name(struct req *, struct resp *)
H(api_healthz); H(api_metrics); H(api_openapi);
H(api_session_create); H(api_session_delete); H(api_session_get);
H(api_password_change);
H(api_token_list); H(api_token_create); H(api_token_delete);
H(api_view_list); H(api_view_save); H(api_view_delete);
H(api_user_list); H(api_user_get); H(api_user_create); H(api_user_update);
H(api_user_create_prepare); H(api_user_reset_password);
H(api_user_password_prepare); H(api_password_prepare);
H(api_role_matrix); H(api_role_set);
H(api_dept_list); H(api_dept_get); H(api_dept_create); H(api_dept_update);
H(api_audit_list);
#undef H

#endif
