/*
 * export — answers as files: every list as CSV or Excel with the filters
 * of its JSON, and the tables of the reports as CSV, Excel or PDF.
 *
 * A list is exported by running its own handler page after page, as a
 * client paging it would (limit 200, the cursor each page gives back), with
 * the caller's other query arguments: the filters, the permission checks
 * and a customer user's isolation are the list's own, never a copy.  Each
 * page runs on an arena of its own, released before the next, and its rows
 * go to the spool file (util/export.h) at once: memory stays that of one
 * page, whatever the number of rows.
 *
 * The columns: a declared record's from its declaration (the fields a
 * customer user may see, nested lists left out); a hand-written list's from
 * the route's export table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/export.h"
#include "util/text.h"

/* More rows than this are refused: narrow the filters. */
#define EXPORT_MAX_ROWS 5000000
#define PAGE_LIMIT "200"

static const char xlsx_type[] = "application/vnd.openxmlformats-"
    "officedocument.spreadsheetml.sheet";

enum svc_code
api_out_format(struct req *rq, bool pdf_ok, enum out_fmt *out)
{
	const char *f = req_query(rq, "format");

	*out = OUT_JSON;
	if (f == NULL) {
		const char *a = req_header(rq, "Accept");

		if (a == NULL)
			return SVC_OK;
		if (strcmp(a, "text/csv") == 0)
			*out = OUT_CSV;
		else if (strcmp(a, xlsx_type) == 0)
			*out = OUT_XLSX;
		else if (pdf_ok && strcmp(a, "application/pdf") == 0)
			*out = OUT_PDF;
		return SVC_OK;
	}
	if (strcmp(f, "json") == 0)
		return SVC_OK;
	if (strcmp(f, "csv") == 0) {
		*out = OUT_CSV;
		return SVC_OK;
	}
	if (strcmp(f, "xlsx") == 0) {
		*out = OUT_XLSX;
		return SVC_OK;
	}
	if (pdf_ok && strcmp(f, "pdf") == 0) {
		*out = OUT_PDF;
		return SVC_OK;
	}
	return svc_fail_field(&rq->err, SVC_EINVAL, "format", "invalid",
	    pdf_ok ? "'format' must be json, csv, xlsx or pdf" :
	    "'format' must be json, csv or xlsx");
}

const char *
api_lang(struct req *rq)
{
	const char *l = req_query(rq, "lang");

	if (l == NULL)
		l = req_header(rq, "Accept-Language");
	return l != NULL && strncmp(l, "en", 2) == 0 ? "en" : "zh-CN";
}

/* ----- JSON of a table ----- */

static const char *const col_words[] = {
	[COL_TEXT] = "text", [COL_INT] = "integer", [COL_MONEY] = "money",
	[COL_DATE] = "date", [COL_TIME] = "time", [COL_RATIO] = "ratio",
	[COL_NUM] = "number", [COL_BOOL] = "boolean",
};

static void
cell_json(struct jw *w, enum col_type t, const struct tcell *c)
{
	char tmp[48];

	if (c->null) {
		jw_null(w);
		return;
	}
	switch (t) {
	case COL_TEXT:
		jw_str(w, c->s);
		return;
	case COL_INT:
	case COL_MONEY:
		jw_i64(w, c->i);
		return;
	case COL_DATE:
		ymd_format((int)c->i, tmp, sizeof(tmp));
		jw_str(w, tmp);
		return;
	case COL_TIME:
		jw_time(w, c->i);
		return;
	case COL_RATIO:
	case COL_NUM:
		snprintf(tmp, sizeof(tmp), "%.6g", c->d);
		jw_raw(w, tmp);
		return;
	case COL_BOOL:
		jw_bool(w, c->i != 0);
		return;
	}
	jw_null(w);
}

void
table_json(struct jw *w, const struct table *t)
{
	jw_key(w, "columns");
	jw_arr_open(w);
	for (size_t c = 0; c < t->ncols; c++) {
		jw_obj_open(w);
		jw_kstr(w, "key", t->cols[c].key);
		jw_kstr(w, "type", col_words[t->cols[c].type]);
		jw_kstr(w, "zh", t->cols[c].zh);
		jw_kstr(w, "en", t->cols[c].en);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_key(w, "rows");
	jw_arr_open(w);
	for (size_t r = 0; r < t->nrows; r++) {
		jw_obj_open(w);
		for (size_t c = 0; c < t->ncols; c++) {
			jw_key(w, t->cols[c].key);
			cell_json(w, t->cols[c].type, table_cell(t, r, c));
		}
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

/* ----- the file's answer ----- */

/* name-YYYYMMDD.ext, and the same in UTF-8 (RFC 5987) from the label. */
static void
disposition(struct req *rq, struct resp *rs, const char *name,
    const char *label, const char *ext)
{
	int ymd = clock_local_ymd(clock_now());
	struct buf b;
	const char *h;

	buf_init(&b, 1024);
	buf_addf(&b, "attachment; filename=\"%s-%d.%s\"", name, ymd, ext);
	if (label != NULL && label[0] != '\0') {
		buf_adds(&b, "; filename*=UTF-8''");
		for (const unsigned char *p = (const unsigned char *)label;
		    *p != '\0'; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    *p == '-' || *p == '_' || *p == '.')
				buf_add(&b, p, 1);
			else
				buf_addf(&b, "%%%02X", *p);
		}
		buf_addf(&b, "-%d.%s", ymd, ext);
	}
	h = arena_strdup(&rq->arena, b.p);
	buf_release(&b);
	resp_header(rs, "Content-Disposition", h);
}

static enum svc_code
send_spool(struct req *rq, struct resp *rs, struct exporter *x,
    enum export_fmt f, const char *name, const char *label)
{
	enum svc_code rc;
	size_t len;
	int fd;

	rc = export_finish(x, &fd, &len, &rq->err);
	if (rc)
		return rc;
	rs->status = 200;
	rs->fd = fd;
	rs->fd_len = len;
	rs->content_type = export_media_type(f);
	disposition(rq, rs, name, label, export_ext(f));
	return SVC_OK;
}

enum svc_code
api_send_table(struct req *rq, struct resp *rs, enum out_fmt fmt,
    const struct table *t, const struct chart *chart, const char *title,
    const char *name)
{
	enum export_fmt f = fmt == OUT_XLSX ? EXPORT_XLSX : EXPORT_CSV;
	struct exporter *x;
	enum svc_code rc;

	(void)chart;
	if (fmt != OUT_CSV && fmt != OUT_XLSX)
		return svc_fail_field(&rq->err, SVC_EINVAL, "format",
		    "invalid", "this answer is not available as %s",
		    fmt == OUT_PDF ? "pdf" : "json");
	rc = export_open(&x, f, t->cols, t->ncols, api_lang(rq), title,
	    NULL, &rq->err);
	if (rc)
		return rc;
	for (size_t r = 0; r < t->nrows; r++) {
		rc = export_row(x, &t->cells[r * t->ncols], &rq->err);
		if (rc) {
			export_abort(x);
			return rc;
		}
	}
	return send_spool(rq, rs, x, f, name, title);
}

/* ----- lists ----- */

bool
api_can_export(const struct route *r)
{
	return r->export != NULL || (r->res != NULL && r->fn == api_rec_list);
}

static enum col_type
rtype_col(enum rtype t)
{
	switch (t) {
	case RT_INT:
	case RT_ID:
		return COL_INT;
	case RT_MONEY:
		return COL_MONEY;
	case RT_DATE:
		return COL_DATE;
	case RT_TIME:
		return COL_TIME;
	case RT_BOOL:
		return COL_BOOL;
	default:
		return COL_TEXT;
	}
}

/* The columns of a declared record a caller may see. */
static struct tcol *
record_cols(struct req *rq, const struct record *rec, size_t *n)
{
	bool customer = own_customer(rq) != 0;
	size_t k = 0, all = 0;
	struct tcol *cols;

	while (rec->fields[all].key != NULL)
		all++;
	cols = arena_alloc(&rq->arena, (all + 1) * sizeof(*cols));
	if (cols == NULL)
		return NULL;
	for (const struct rfield *f = rec->fields; f->key != NULL; f++) {
		if (f->type == RT_LIST || f->type == RT_IDS ||
		    (customer && (f->flags & RF_INTERNAL)))
			continue;
		cols[k].key = f->key;
		cols[k].zh = f->zh != NULL ? f->zh : f->key;
		cols[k].en = f->en != NULL ? f->en : f->key;
		cols[k].type = rtype_col(f->type);
		k++;
	}
	*n = k;
	return cols;
}

/* The value at key, a path "a.b" into nested objects; NULL: none. */
static json_t *
item_value(json_t *item, const char *key)
{
	const char *dot = strchr(key, '.');
	char head[64];

	if (dot == NULL)
		return json_object_get(item, key);
	if ((size_t)(dot - key) >= sizeof(head))
		return NULL;
	memcpy(head, key, (size_t)(dot - key));
	head[dot - key] = '\0';
	item = json_object_get(item, head);
	return json_is_object(item) ? item_value(item, dot + 1) : NULL;
}

/* The cell of a column from the item's JSON value; tmp holds a number
 * written as text. */
static void
json_cell(enum col_type t, json_t *v, struct tcell *c, char *tmp,
    size_t len)
{
	int ymd;

	memset(c, 0, sizeof(*c));
	c->null = true;
	if (v == NULL || json_is_null(v))
		return;
	switch (t) {
	case COL_TEXT:
		if (json_is_string(v)) {
			c->s = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(tmp, len, "%lld",
			    (long long)json_integer_value(v));
			c->s = tmp;
		} else if (json_is_boolean(v)) {
			c->s = json_is_true(v) ? "true" : "false";
		} else if (json_is_real(v)) {
			snprintf(tmp, len, "%g", json_real_value(v));
			c->s = tmp;
		} else {
			return;
		}
		break;
	case COL_INT:
	case COL_MONEY:
		if (!json_is_integer(v))
			return;
		c->i = json_integer_value(v);
		break;
	case COL_DATE:
		if (!json_is_string(v) || !ymd_parse(json_string_value(v),
		    &ymd))
			return;
		c->i = ymd;
		break;
	case COL_TIME:
		if (!json_is_string(v) || !clock_parse(json_string_value(v),
		    &c->i))
			return;
		break;
	case COL_RATIO:
	case COL_NUM:
		if (!json_is_number(v))
			return;
		c->d = json_number_value(v);
		break;
	case COL_BOOL:
		if (!json_is_boolean(v))
			return;
		c->i = json_is_true(v);
		break;
	}
	c->null = false;
}

struct page_run {
	const struct tcol *cols;
	size_t ncols;
	struct tcell *cells;
	char (*tmp)[32];
	struct exporter *x;
	char cursor[256];
	bool more;
};

/* Run the list handler for one page and write its items as rows. */
static enum svc_code
export_page(struct req *rq, struct page_run *p)
{
	const char *const over[][2] = {
		{ "format", NULL }, { "lang", NULL }, { "total", NULL },
		{ "limit", PAGE_LIMIT },
		{ "cursor", p->cursor[0] != '\0' ? p->cursor : NULL },
	};
	struct arena saved = rq->arena;
	json_t *root = NULL, *items, *item, *next;
	json_error_t jerr;
	struct resp page;
	enum svc_code rc;
	size_t i;

	rq->qover = over;
	rq->nqover = sizeof(over) / sizeof(over[0]);
	arena_init(&rq->arena, saved.max);
	resp_init(&page);
	rc = rq->route->fn(rq, &page);
	if (rc == SVC_OK && (rq->arena.oom || page.body.failed))
		rc = svc_fail(&rq->err, SVC_ETOOBIG, NULL, "a page of the "
		    "export is too large for the request's memory");
	if (rc == SVC_OK) {
		root = json_loadb(page.body.p, page.body.len, 0, &jerr);
		items = json_object_get(root, "items");
		if (!json_is_array(items))
			rc = svc_fail(&rq->err, SVC_EINTERNAL, NULL, "export: "
			    "the list's answer has no items");
	}
	p->more = false;
	if (rc == SVC_OK) {
		json_array_foreach(items, i, item) {
			if (export_rows(p->x) >= EXPORT_MAX_ROWS) {
				rc = svc_fail_field(&rq->err, SVC_ETOOBIG,
				    "format", "too_many", "more than %d rows: "
				    "narrow the filters", EXPORT_MAX_ROWS);
				break;
			}
			for (size_t c = 0; c < p->ncols; c++)
				json_cell(p->cols[c].type, item_value(item,
				    p->cols[c].key), &p->cells[c], p->tmp[c],
				    sizeof(p->tmp[c]));
			rc = export_row(p->x, p->cells, &rq->err);
			if (rc)
				break;
		}
		next = json_object_get(root, "next_cursor");
		if (rc == SVC_OK && json_is_string(next) &&
		    json_string_length(next) < sizeof(p->cursor)) {
			snprintf(p->cursor, sizeof(p->cursor), "%s",
			    json_string_value(next));
			p->more = true;
		}
	}
	json_decref(root);
	resp_release(&page);
	arena_release(&rq->arena);
	rq->arena = saved;
	rq->qover = NULL;
	rq->nqover = 0;
	return rc;
}

enum svc_code
api_export_list(struct req *rq, struct resp *rs, enum out_fmt fmt)
{
	const struct route *r = rq->route;
	const struct export_cols *ec = r->export;
	enum export_fmt f = fmt == OUT_XLSX ? EXPORT_XLSX : EXPORT_CSV;
	struct page_run p;
	const char *name, *label;
	const char *lang = api_lang(rq);
	enum svc_code rc;

	memset(&p, 0, sizeof(p));
	if (fmt != OUT_CSV && fmt != OUT_XLSX)
		return svc_fail_field(&rq->err, SVC_EINVAL, "format",
		    "invalid", "a list is exported as csv or xlsx");
	if (ec != NULL) {
		p.cols = ec->cols;
		p.ncols = ec->n;
		name = ec->name;
		label = lang[0] == 'e' ? ec->en : ec->zh;
	} else {
		const struct record *rec = r->res->rec;

		p.cols = record_cols(rq, rec, &p.ncols);
		name = strrchr(r->pattern, '/') + 1;
		label = lang[0] == 'e' ? rec->en : rec->zh;
	}
	p.cells = arena_alloc(&rq->arena, (p.ncols + 1) * sizeof(*p.cells));
	p.tmp = arena_alloc(&rq->arena, (p.ncols + 1) * sizeof(*p.tmp));
	if (p.cols == NULL || p.cells == NULL || p.tmp == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = export_open(&p.x, f, p.cols, p.ncols, lang, label, NULL,
	    &rq->err);
	if (rc)
		return rc;
	do {
		rc = export_page(rq, &p);
	} while (rc == SVC_OK && p.more);
	if (rc) {
		export_abort(p.x);
		return rc;
	}
	return send_spool(rq, rs, p.x, f, name, label);
}
