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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/print/print.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/export.h"
#include "util/pdf.h"
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
		if (!isfinite(c->d)) {
			jw_null(w);
			return;
		}
		/* the shortest text that reads back as the same double, so
		 * that the JSON, the CSV and the Excel cell agree */
		snprintf(tmp, sizeof(tmp), "%.15g", c->d);
		if (strtod(tmp, NULL) != c->d)
			snprintf(tmp, sizeof(tmp), "%.17g", c->d);
		jw_raw(w, tmp);
		return;
	case COL_BOOL:
		jw_bool(w, c->i != 0);
		return;
	}
	jw_null(w);
}

void
tcols_json(struct jw *w, const struct tcol *cols, size_t n)
{
	jw_key(w, "columns");
	jw_arr_open(w);
	for (size_t c = 0; c < n; c++) {
		jw_obj_open(w);
		jw_kstr(w, "key", cols[c].key);
		jw_kstr(w, "type", col_words[cols[c].type]);
		jw_kstr(w, "zh", cols[c].zh);
		jw_kstr(w, "en", cols[c].en);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

void
table_json(struct jw *w, const struct table *t)
{
	tcols_json(w, t->cols, t->ncols);
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

/* The table as a PDF: the report template, title, note, chart, table. */
static enum svc_code
send_pdf(struct req *rq, struct resp *rs, const struct table *t,
    const struct chart *chart, const char *title, const char *note,
    const char *name)
{
	struct pdf_template tpl;
	enum svc_code rc;
	size_t len = 0;
	int fd;

	rc = print_template(rq->db, &rq->arena, "report", &tpl, &rq->err);
	if (rc)
		return rc;
	fd = pdf_tmpfd(NULL, &rq->err);
	if (fd < 0)
		return rq->err.code;
	rc = pdf_report(&tpl, title, note, t, chart, fd, &len, &rq->err);
	if (rc == SVC_OK && lseek(fd, 0, SEEK_SET) != 0)
		rc = svc_fail(&rq->err, SVC_ESTORE, NULL, "pdf: cannot rewind "
		    "the file");
	if (rc) {
		close(fd);
		return rc;
	}
	rs->status = 200;
	rs->fd = fd;
	rs->fd_len = len;
	rs->content_type = "application/pdf";
	resp_header(rs, "Content-Disposition", arena_printf(&rq->arena,
	    "inline; filename=\"%s-%d.pdf\"", name,
	    clock_local_ymd(clock_now())));
	return SVC_OK;
}

enum svc_code
api_send_table(struct req *rq, struct resp *rs, enum out_fmt fmt,
    const struct table *t, const struct chart *chart, const char *title,
    const char *note, const char *name)
{
	enum export_fmt f = fmt == OUT_XLSX ? EXPORT_XLSX : EXPORT_CSV;
	struct exporter *x;
	enum svc_code rc;

	if (fmt == OUT_PDF)
		return send_pdf(rq, rs, t, chart, title, note, name);
	if (fmt != OUT_CSV && fmt != OUT_XLSX)
		return svc_fail_field(&rq->err, SVC_EINVAL, "format",
		    "invalid", "this answer is not available as json here");
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

/*
 * The tap on a page's writer: the items' top-level values become cells of
 * the columns of their keys, each item a row written at its closing; the
 * answer's next_cursor is kept.  Texts are copied into text (each cell
 * holds its offset until the row is written), as the handler's strings
 * may not outlive the call that writes them.
 */
struct page_tap {
	struct jw_tap tap;
	const struct tcol *cols;
	size_t ncols;
	struct tcell *cells;
	size_t *off;		/* a text cell's offset in text, or SIZE_MAX */
	struct buf text;
	struct exporter *x;
	struct svc_err *err;
	enum svc_code rc;
	/* where the writer is */
	bool in_items;		/* inside "items": [ ... ] */
	bool key_items, key_cursor;	/* the last key at depth 1 */
	int col;		/* the column of the last key at depth 3 */
	size_t pos;		/* the key's place in its item */
	const char *seen[64];	/* the key at each place, and its column */
	int seen_col[64];
	char cursor[256];
	bool more;
};

static int
tap_column(struct page_tap *p, const char *key, size_t len)
{
	size_t pos = p->pos++;

	if (pos < 64 && p->seen[pos] == key && (p->seen_col[pos] < 0 ||
	    (strncmp(p->cols[p->seen_col[pos]].key, key, len) == 0 &&
	    p->cols[p->seen_col[pos]].key[len] == '\0')))
		return p->seen_col[pos];
	for (size_t c = 0; c < p->ncols; c++)
		if (strncmp(p->cols[c].key, key, len) == 0 &&
		    p->cols[c].key[len] == '\0') {
			if (pos < 64) {
				p->seen[pos] = key;
				p->seen_col[pos] = (int)c;
			}
			return (int)c;
		}
	if (pos < 64) {
		p->seen[pos] = key;
		p->seen_col[pos] = -1;
	}
	return -1;
}

/* Keep s as the text of cell c (NUL-terminated in p->text). */
static void
tap_text(struct page_tap *p, int c, const char *s, size_t len)
{
	p->off[c] = p->text.len;
	buf_add(&p->text, s, len);
	buf_addc(&p->text, '\0');
	p->cells[c].null = false;
}

static void
tap_value(struct page_tap *p, enum jw_token t, const char *s, size_t len,
    int64_t i)
{
	int c = p->col;
	struct tcell *cell;
	enum col_type type;
	char tmp[32];
	int ymd;

	p->col = -1;
	if (c < 0 || t == JW_NULL || (t == JW_TIME && i == 0))
		return;
	cell = &p->cells[c];
	type = p->cols[c].type;
	if (t == JW_RAW && len == 4 && memcmp(s, "null", 4) == 0)
		return;
	switch (type) {
	case COL_TEXT:
		if (t == JW_STR || t == JW_RAW) {
			tap_text(p, c, s, len);
		} else if (t == JW_INT) {
			snprintf(tmp, sizeof(tmp), "%lld", (long long)i);
			tap_text(p, c, tmp, strlen(tmp));
		} else if (t == JW_BOOL) {
			tap_text(p, c, i ? "true" : "false", i ? 4 : 5);
		} else if (t == JW_TIME) {
			clock_format_local(i, tmp, sizeof(tmp));
			tap_text(p, c, tmp, strlen(tmp));
		}
		return;
	case COL_INT:
	case COL_MONEY:
	case COL_BOOL:
		if (t != JW_INT && t != JW_BOOL)
			return;
		cell->i = i;
		break;
	case COL_TIME:
		if (t == JW_TIME) {
			cell->i = i;
		} else if (t != JW_STR || len >= sizeof(tmp)) {
			return;
		} else {
			memcpy(tmp, s, len);
			tmp[len] = '\0';
			if (!clock_parse(tmp, &cell->i))
				return;
		}
		break;
	case COL_DATE:
		if (t != JW_STR || len >= sizeof(tmp))
			return;
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		if (!ymd_parse(tmp, &ymd))
			return;
		cell->i = ymd;
		break;
	case COL_RATIO:
	case COL_NUM:
		if (t == JW_INT) {
			cell->d = (double)i;
		} else if (t == JW_RAW && len < sizeof(tmp)) {
			memcpy(tmp, s, len);
			tmp[len] = '\0';
			cell->d = strtod(tmp, NULL);
		} else {
			return;
		}
		break;
	}
	cell->null = false;
}

/* An item is done: its row to the file. */
static void
tap_row(struct page_tap *p)
{
	for (size_t c = 0; c < p->ncols; c++)
		if (p->off[c] != SIZE_MAX)
			p->cells[c].s = p->text.p + p->off[c];
	if (p->rc == SVC_OK && p->text.failed)
		p->rc = svc_fail(p->err, SVC_ETOOBIG, NULL, "a row of the "
		    "export is too large");
	if (p->rc == SVC_OK && export_rows(p->x) >= EXPORT_MAX_ROWS)
		p->rc = svc_fail_field(p->err, SVC_ETOOBIG, "format",
		    "too_many", "more than %d rows: narrow the filters",
		    EXPORT_MAX_ROWS);
	if (p->rc == SVC_OK)
		p->rc = export_row(p->x, p->cells, p->err);
}

static void
tap_fn(struct jw_tap *tap, enum jw_token t, int depth, const char *s,
    size_t len, int64_t i)
{
	struct page_tap *p = (struct page_tap *)tap;

	if (depth == 1) {
		if (t == JW_KEY) {
			p->key_items = len == 5 && memcmp(s, "items", 5) == 0;
			p->key_cursor = len == 11 &&
			    memcmp(s, "next_cursor", 11) == 0;
		} else if (t == JW_ARR_OPEN && p->key_items) {
			p->in_items = true;
		} else if (t == JW_CLOSE) {
			p->in_items = false;
		} else if (t == JW_STR && p->key_cursor &&
		    len < sizeof(p->cursor)) {
			memcpy(p->cursor, s, len);
			p->cursor[len] = '\0';
			p->more = true;
		}
		return;
	}
	if (!p->in_items)
		return;
	if (depth == 2 && t == JW_OBJ_OPEN) {
		for (size_t c = 0; c < p->ncols; c++) {
			memset(&p->cells[c], 0, sizeof(p->cells[c]));
			p->cells[c].null = true;
			p->off[c] = SIZE_MAX;
		}
		buf_reset(&p->text);
		p->pos = 0;
		p->col = -1;
	} else if (depth == 2 && t == JW_CLOSE) {
		tap_row(p);
	} else if (depth == 3) {
		if (t == JW_KEY)
			p->col = tap_column(p, s, len);
		else if (t == JW_OBJ_OPEN || t == JW_ARR_OPEN)
			p->col = -1;	/* nested: not a column */
		else if (t != JW_CLOSE)
			tap_value(p, t, s, len, i);
	}
}

/* Run the list handler for one page; its items go to the file. */
static enum svc_code
export_page(struct req *rq, struct page_tap *p)
{
	char cursor[sizeof(p->cursor)];
	const char *const over[][2] = {
		{ "format", NULL }, { "lang", NULL }, { "total", NULL },
		{ "limit", PAGE_LIMIT },
		{ "cursor", p->more ? cursor : NULL },
	};
	struct arena saved = rq->arena;
	struct resp page;
	enum svc_code rc;

	memcpy(cursor, p->cursor, sizeof(cursor));
	p->more = false;
	p->in_items = false;
	p->key_items = p->key_cursor = false;
	rq->qover = over;
	rq->nqover = sizeof(over) / sizeof(over[0]);
	arena_init(&rq->arena, saved.max);
	resp_init(&page);
	page.tap = &p->tap;
	rc = rq->route->fn(rq, &page);
	if (rc == SVC_OK && rq->arena.oom)
		rc = svc_fail(&rq->err, SVC_ETOOBIG, NULL, "a page of the "
		    "export is too large for the request's memory");
	if (rc == SVC_OK)
		rc = p->rc;
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
	struct page_tap p;
	const char *name, *label;
	const char *lang = api_lang(rq);
	enum svc_code rc;

	memset(&p, 0, sizeof(p));
	p.tap.fn = tap_fn;
	p.err = &rq->err;
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
	p.off = arena_alloc(&rq->arena, (p.ncols + 1) * sizeof(*p.off));
	if (p.cols == NULL || p.cells == NULL || p.off == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = export_open(&p.x, f, p.cols, p.ncols, lang, label, NULL,
	    &rq->err);
	if (rc)
		return rc;
	buf_init(&p.text, 16u << 20);
	do {
		rc = export_page(rq, &p);
	} while (rc == SVC_OK && p.more);
	buf_release(&p.text);
	if (rc) {
		export_abort(p.x);
		return rc;
	}
	return send_spool(rq, rs, p.x, f, name, label);
}
