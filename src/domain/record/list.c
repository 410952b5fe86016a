/*
 * list — keyset-paged list queries.
 *
 * Keyset paging: a list ordered by (sort column, id) continues after the
 * last row of the previous page, "WHERE (col > ? OR (col = ? AND id > ?))",
 * so a page costs the same wherever it is, and rows inserted meanwhile do
 * not shift it.  Cursors: "id.N" (by id, ascending, as every other list of
 * the API), "id.d.N" (by id, descending), "<sort>.<a|d>.<id>.<value>" with
 * the value in decimal (integers) or hex (text).
 */
#include "domain/record/record.h"

#include <stdio.h>
#include <string.h>


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
parse_cursor(struct arena *a, const char *c, const struct rec_sort *s,
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
rec_query_begin(struct rec_query *q, struct arena *a, const char *cols,
    const char *from, const char *idcol, const struct rec_sort *sorts,
    const struct rec_page *pg, struct svc_err *err)
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
		rec_arg(q, DB_I(id));
		return SVC_OK;
	}
	buf_addf(&q->sql, " AND (%s %s ? OR (%s = ? AND %s %s ?))",
	    q->sort->col, q->desc ? "<" : ">", q->sort->col, idcol,
	    q->desc ? "<" : ">");
	if (q->sort->text) {
		rec_arg(q, DB_S(tv));
		rec_arg(q, DB_S(tv));
	} else {
		rec_arg(q, DB_I(iv));
		rec_arg(q, DB_I(iv));
	}
	rec_arg(q, DB_I(id));
	return SVC_OK;
}

void
rec_cond(struct rec_query *q, const char *sql)
{
	buf_adds(&q->sql, sql);
}

void
rec_arg(struct rec_query *q, struct dbv v)
{
	if (q->na < REC_ARGS_MAX)
		q->args[q->na++] = v;
	else
		q->sql.failed = true;
}

void
rec_query_release(struct rec_query *q)
{
	buf_release(&q->sql);
}

static char *
make_cursor(struct arena *a, const struct rec_query *q, bool is_id,
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

/* Rows into items by fn, or by the declaration r when fn is NULL. */
static enum svc_code
run(struct rec_query *q, struct db *db, struct arena *a, int ncols,
    size_t item_size, rec_row_fn fn, const struct record *r,
    void ***items_out, size_t *n, char **next_cursor, struct svc_err *err)
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
	rec_arg(q, DB_I(q->limit + 1));
	if (q->sql.failed) {
		rec_query_release(q);
		return svc_fail(err, SVC_EINTERNAL, NULL,
		    "list query too long");
	}
	items = arena_alloc(a, (size_t)(q->limit + 1) * sizeof(*items));
	if (items == NULL) {
		rec_query_release(q);
		return rec_oom(err);
	}
	rc = db_query(db, q->sql.p, q->args, q->na, &dq, err);
	rec_query_release(q);
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
		if (fn != NULL)
			fn(dq, a, items[cnt]);
		else
			rec_from_row(r, dq, a, items[cnt]);
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
		return rec_oom(err);
	if (more)
		*next_cursor = make_cursor(a, q, is_id, last_id, last_iv,
		    last_tv ? last_tv : "");
	*items_out = items;
	*n = cnt;
	return SVC_OK;
}

enum svc_code
rec_query_run(struct rec_query *q, struct db *db, struct arena *a, int ncols,
    size_t item_size, rec_row_fn fn, void ***items, size_t *n,
    char **next_cursor, struct svc_err *err)
{
	return run(q, db, a, ncols, item_size, fn, NULL, items, n,
	    next_cursor, err);
}

enum svc_code
rec_list_run(struct rec_query *q, struct db *db, struct arena *a,
    const struct record *r, void ***items, size_t *n, char **next_cursor,
    struct svc_err *err)
{
	enum svc_code rc;
	int ncols = 0;

	for (const struct rfield *f = r->fields; f->key != NULL; f++)
		ncols += f->col != NULL;
	rc = run(q, db, a, ncols, r->size, NULL, r, items, n, next_cursor,
	    err);
	for (size_t i = 0; rc == SVC_OK && r->fill != NULL && i < *n; i++)
		rc = r->fill(db, a, (*items)[i], err);
	return rc;
}
