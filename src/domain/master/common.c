/*
 * common — validation, JSON texts, LIKE patterns and keyset-paged list
 * queries shared by the master data files (internal.h).
 *
 * Keyset paging: a list ordered by (sort column, id) continues after the
 * last row of the previous page, "WHERE (col > ? OR (col = ? AND id > ?))",
 * so a page costs the same wherever it is, and rows inserted meanwhile do
 * not shift it.  Cursors: "id.N" (by id, ascending, as every other list of
 * the API), "id.d.N" (by id, descending), "<sort>.<a|d>.<id>.<value>" with
 * the value in decimal (integers) or hex (text).
 */
#include "domain/master/internal.h"

#include <stdio.h>
#include <string.h>

enum svc_code
md_oom(struct svc_err *err)
{
	return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
}

/* ----- validation ----- */

enum svc_code
md_text_ok(struct svc_err *err, const char *field, const char *s, size_t min,
    size_t max, enum md_text kind)
{
	size_t len, chars;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (!utf8_valid(s, len))
		return svc_fail_field(err, SVC_EINVAL, field, "invalid",
		    "'%s' is not valid UTF-8", field);
	chars = utf8_len(s, len);
	if (chars < min)
		return svc_fail_field(err, SVC_EINVAL, field,
		    min == 1 ? "required" : "too_short",
		    min == 1 ? "'%s' is required" :
		    "'%s' must have at least %zu characters", field, min);
	if (chars > max)
		return svc_fail_field(err, SVC_EINVAL, field, "too_long",
		    "'%s' must have at most %zu characters", field, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (kind == MD_MULTI && (c == '\n' || c == '\t' || c == '\r'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return svc_fail_field(err, SVC_EINVAL, field, "invalid",
			    "'%s' must not contain control characters", field);
		if (kind == MD_CODE && c == ' ')
			return svc_fail_field(err, SVC_EINVAL, field, "invalid",
			    "'%s' must not contain spaces", field);
	}
	return SVC_OK;
}

enum svc_code
md_enum_ok(struct svc_err *err, const char *field, const char *s,
    const char *const *values)
{
	char list[200];
	size_t off = 0;

	for (size_t i = 0; s != NULL && values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0)
			return SVC_OK;
	list[0] = '\0';
	for (size_t i = 0; values[i] != NULL && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? ", " : "", values[i]);
	return svc_fail_field(err, SVC_EINVAL, field, "not_allowed",
	    "'%s' must be one of: %s", field, list);
}

enum svc_code
md_range_ok(struct svc_err *err, const char *field, int64_t v, int64_t min,
    int64_t max)
{
	if (v < min || v > max)
		return svc_fail_field(err, SVC_EINVAL, field, "out_of_range",
		    "'%s' must be between %lld and %lld", field,
		    (long long)min, (long long)max);
	return SVC_OK;
}

enum svc_code
md_date_ok(struct svc_err *err, const char *field, int ymd, bool optional)
{
	if (ymd == 0 && optional)
		return SVC_OK;
	if (ymd == 0)
		return svc_fail_field(err, SVC_EINVAL, field, "required",
		    "'%s' is required", field);
	if (!ymd_valid(ymd))
		return svc_fail_field(err, SVC_EINVAL, field, "invalid",
		    "'%s' must be a date YYYY-MM-DD", field);
	return SVC_OK;
}

enum svc_code
md_email_ok(struct svc_err *err, const char *field, const char *s)
{
	const char *at;

	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	at = strchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    strchr(s, ' ') != NULL || strchr(at, '.') == NULL)
		return svc_fail_field(err, SVC_EINVAL, field, "invalid",
		    "'%s' is not an email address", field);
	return SVC_OK;
}

enum svc_code
md_ref_ok(struct db *db, struct svc_err *err, const char *field,
    const char *table, const char *what, int64_t id)
{
	char sql[128];
	enum svc_code rc;
	int64_t n = 0;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = ?",
	    table);
	rc = db_one_i64(db, sql, DB_ARGS(DB_I(id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail_field(err, SVC_EINVAL, field, "not_found",
		    "%s %lld not found", what, (long long)id);
	return SVC_OK;
}

enum svc_code
md_unique_ok(struct db *db, struct svc_err *err, const char *field,
    const char *sql, const char *value, const char *what)
{
	enum svc_code rc;
	int64_t n = 0;

	rc = db_one_i64(db, sql, DB_ARGS(DB_S(value)), &n, err);
	if (rc)
		return rc;
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, field, "taken",
		    "%s '%s' is taken", what, value);
	return SVC_OK;
}

/* ----- JSON ----- */

char *
md_json_text(struct arena *a, md_json_fn fn, const void *obj)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	fn(&w, obj);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

void
md_kdate(struct jw *w, const char *k, int ymd)
{
	char tmp[16];

	if (ymd == 0) {
		jw_knull(w, k);
		return;
	}
	ymd_format(ymd, tmp, sizeof(tmp));
	jw_kstr(w, k, tmp);
}

void
md_knull(struct jw *w, const char *k, int64_t v)
{
	if (v == MD_NULL)
		jw_knull(w, k);
	else
		jw_ki64(w, k, v);
}

char *
md_like(struct arena *a, const char *q, bool prefix_only)
{
	size_t len = strlen(q), n = 0;
	char *p = arena_alloc(a, len * 2 + 3);

	if (p == NULL)
		return (char *)"";
	if (!prefix_only)
		p[n++] = '%';
	for (size_t i = 0; i < len; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[n++] = '\\';
		p[n++] = q[i];
	}
	p[n++] = '%';
	p[n] = '\0';
	return p;
}

/* ----- keyset-paged lists ----- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static enum svc_code
bad_cursor(struct svc_err *err)
{
	return svc_fail_field(err, SVC_EINVAL, "cursor", "invalid",
	    "'cursor' is not a cursor this list gave out");
}

/* Split the cursor into its parts; false when malformed. */
static bool
parse_cursor(struct arena *a, const char *c, const struct md_sort *s,
    bool is_id, bool desc, int64_t *id, int64_t *iv, char **tv)
{
	const char *p = c, *dot;
	size_t nlen = strlen(s->name), len;
	char *out;

	if (is_id && !desc)
		return strncmp(c, "id.", 3) == 0 &&
		    str_to_i64(c + 3, strlen(c + 3), 0, INT64_MAX, id);
	if (is_id)
		return strncmp(c, "id.d.", 5) == 0 &&
		    str_to_i64(c + 5, strlen(c + 5), 0, INT64_MAX, id);
	if (strncmp(p, s->name, nlen) != 0 || p[nlen] != '.')
		return false;
	p += nlen + 1;
	if (p[0] != (desc ? 'd' : 'a') || p[1] != '.')
		return false;
	p += 2;
	dot = strchr(p, '.');
	if (dot == NULL || !str_to_i64(p, (size_t)(dot - p), 0, INT64_MAX, id))
		return false;
	p = dot + 1;
	len = strlen(p);
	if (!s->text)
		return str_to_i64(p, len, INT64_MIN, INT64_MAX, iv);
	if (len % 2 != 0)
		return false;
	out = arena_alloc(a, len / 2 + 1);
	if (out == NULL)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(p[i]), lo = hexval(p[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (char)(hi * 16 + lo);
	}
	out[len / 2] = '\0';
	*tv = out;
	return utf8_valid(out, len / 2);
}

enum svc_code
md_query_begin(struct md_query *q, struct arena *a, const char *cols,
    const char *from, const char *idcol, const struct md_sort *sorts,
    const struct md_page *pg, struct svc_err *err)
{
	const char *want = pg->sort;
	int64_t id = 0, iv = 0;
	char *tv = NULL;
	bool is_id;

	memset(q, 0, sizeof(*q));
	q->idcol = idcol;
	q->limit = pg->limit;
	if (q->limit < 1 || q->limit > 200)
		return svc_fail_field(err, SVC_EINVAL, "limit", "out_of_range",
		    "'limit' must be between 1 and 200");
	q->sort = &sorts[0];
	if (want != NULL && want[0] != '\0') {
		if (want[0] == '-') {
			q->desc = true;
			want++;
		}
		q->sort = NULL;
		for (size_t i = 0; sorts[i].name != NULL; i++)
			if (strcmp(sorts[i].name, want) == 0)
				q->sort = &sorts[i];
		if (q->sort == NULL) {
			char list[200];
			size_t off = 0;

			list[0] = '\0';
			for (size_t i = 0; sorts[i].name != NULL &&
			    off < sizeof(list); i++)
				off += (size_t)snprintf(list + off,
				    sizeof(list) - off, "%s%s", i ? ", " : "",
				    sorts[i].name);
			return svc_fail_field(err, SVC_EINVAL, "sort",
			    "not_allowed", "'sort' must be one of %s "
			    "(prefix '-' for descending)", list);
		}
	}
	is_id = q->sort == &sorts[0];
	buf_init(&q->sql, 16384);
	buf_addf(&q->sql, "SELECT %s, %s FROM %s WHERE 1 = 1", cols,
	    q->sort->col, from);
	if (pg->cursor == NULL || pg->cursor[0] == '\0')
		return SVC_OK;
	if (!parse_cursor(a, pg->cursor, q->sort, is_id, q->desc, &id, &iv,
	    &tv)) {
		buf_release(&q->sql);
		return bad_cursor(err);
	}
	if (is_id) {
		buf_addf(&q->sql, " AND %s %s ?", idcol, q->desc ? "<" : ">");
		md_arg(q, DB_I(id));
		return SVC_OK;
	}
	buf_addf(&q->sql, " AND (%s %s ? OR (%s = ? AND %s %s ?))",
	    q->sort->col, q->desc ? "<" : ">", q->sort->col, idcol,
	    q->desc ? "<" : ">");
	if (q->sort->text) {
		md_arg(q, DB_S(tv));
		md_arg(q, DB_S(tv));
	} else {
		md_arg(q, DB_I(iv));
		md_arg(q, DB_I(iv));
	}
	md_arg(q, DB_I(id));
	return SVC_OK;
}

void
md_cond(struct md_query *q, const char *sql)
{
	buf_adds(&q->sql, sql);
}

void
md_arg(struct md_query *q, struct dbv v)
{
	if (q->na < MD_ARGS_MAX)
		q->args[q->na++] = v;
	else
		q->sql.failed = true;
}

void
md_query_release(struct md_query *q)
{
	buf_release(&q->sql);
}

static char *
make_cursor(struct arena *a, const struct md_query *q, bool is_id,
    int64_t id, int64_t iv, const char *tv)
{
	struct buf b;
	char *s;

	if (is_id)
		return arena_printf(a, q->desc ? "id.d.%lld" : "id.%lld",
		    (long long)id);
	if (!q->sort->text)
		return arena_printf(a, "%s.%c.%lld.%lld", q->sort->name,
		    q->desc ? 'd' : 'a', (long long)id, (long long)iv);
	buf_init(&b, 8192);
	buf_addf(&b, "%s.%c.%lld.", q->sort->name, q->desc ? 'd' : 'a',
	    (long long)id);
	for (const char *p = tv; *p != '\0'; p++)
		buf_addf(&b, "%02x", (unsigned char)*p);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
md_query_run(struct md_query *q, struct db *db, struct arena *a, int ncols,
    size_t item_size, md_row_fn fn, void ***items_out, size_t *n,
    char **next_cursor, struct svc_err *err)
{
	void **items;
	struct dbq *dq;
	enum svc_code rc;
	size_t cnt = 0;
	int64_t last_id = 0, last_iv = 0;
	const char *last_tv = "";
	bool is_id = q->sort == NULL || strcmp(q->sort->col, q->idcol) == 0;
	bool more = false;

	*next_cursor = NULL;
	*n = 0;
	buf_addf(&q->sql, " ORDER BY %s %s", q->sort->col,
	    q->desc ? "DESC" : "ASC");
	if (!is_id)
		buf_addf(&q->sql, ", %s %s", q->idcol,
		    q->desc ? "DESC" : "ASC");
	buf_adds(&q->sql, " LIMIT ?");
	md_arg(q, DB_I(q->limit + 1));
	if (q->sql.failed) {
		md_query_release(q);
		return svc_fail(err, SVC_EINTERNAL, NULL,
		    "list query too long");
	}
	items = arena_alloc(a, (size_t)(q->limit + 1) * sizeof(*items));
	if (items == NULL) {
		md_query_release(q);
		return md_oom(err);
	}
	rc = db_query(db, q->sql.p, q->args, q->na, &dq, err);
	md_query_release(q);
	if (rc)
		return rc;
	while (db_next(dq) == 1) {
		if (cnt == (size_t)q->limit) {
			more = true;
			break;
		}
		items[cnt] = arena_alloc(a, item_size);
		if (items[cnt] == NULL)
			break;
		fn(dq, a, items[cnt]);
		last_id = db_i64(dq, 0);
		if (q->sort->text)
			last_tv = db_dup(dq, ncols, a);
		else
			last_iv = db_i64(dq, ncols);
		cnt++;
	}
	rc = db_done(dq, err);
	if (rc)
		return rc;
	if (a->oom)
		return md_oom(err);
	if (more)
		*next_cursor = make_cursor(a, q, is_id, last_id, last_iv,
		    last_tv ? last_tv : "");
	*items_out = items;
	*n = cnt;
	return SVC_OK;
}
