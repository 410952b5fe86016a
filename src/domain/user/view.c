/*
 * view — saved views: a user's named filters of a list screen, on the
 * server so they follow the user between devices.
 */
#include "domain/user/user.h"

#include <string.h>

#include "util/clock.h"

#define VIEW_COLS "id, page, name, query, created_at"

static void
view_from_row(struct dbq *q, struct arena *a, struct saved_view *v)
{
	v->id = db_i64(q, 0);
	v->page = db_dup(q, 1, a);
	v->name = db_dup(q, 2, a);
	v->query = db_dup(q, 3, a);
	v->created_at = db_i64(q, 4);
}

void
view_to_json(struct jw *w, const struct saved_view *v)
{
	jw_obj_open(w);
	jw_ki64(w, "id", v->id);
	jw_kstr(w, "page", v->page);
	jw_kstr(w, "name", v->name);
	jw_kstr(w, "query", v->query);
	jw_ktime(w, "created_at", v->created_at);
	jw_obj_close(w);
}

static bool
page_valid(const char *p)
{
	size_t n = p != NULL ? strlen(p) : 0;

	if (n == 0 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || p[i] == '_'))
			return false;
	return true;
}

enum svc_code
view_list(struct db *db, struct arena *a, int64_t user_id, const char *page,
    struct saved_view **out, size_t *n, struct svc_err *err)
{
	struct saved_view *items;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0, max = page != NULL ? VIEW_MAX : 20 * VIEW_MAX;

	items = arena_alloc(a, max * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT " VIEW_COLS " FROM saved_views"
	    " WHERE user_id = ? AND (? = '' OR page = ?)"
	    " ORDER BY page, name, id LIMIT ?",
	    DB_ARGS(DB_I(user_id), DB_S(page != NULL ? page : ""),
	    DB_S(page != NULL ? page : ""), DB_I((int64_t)max)), &q, err);
	if (rc)
		return rc;
	while (cnt < max && db_next(q) == 1)
		view_from_row(q, a, &items[cnt++]);
	rc = db_done(q, err);
	*out = items;
	*n = cnt;
	return rc;
}

static enum svc_code
view_get(struct db *db, struct arena *a, int64_t user_id, int64_t id,
    struct saved_view **out, struct svc_err *err)
{
	struct saved_view *v;
	struct dbq *q;
	enum svc_code rc;
	int r;

	v = arena_alloc(a, sizeof(*v));
	if (v == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT " VIEW_COLS " FROM saved_views"
	    " WHERE id = ? AND user_id = ?", DB_ARGS(DB_I(id), DB_I(user_id)),
	    &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	if (r == 1)
		view_from_row(q, a, v);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "saved view %lld not found", (long long)id);
	*out = v;
	return SVC_OK;
}

static char *
view_json_text(struct arena *a, const struct saved_view *v)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 14);
	jw_init(&w, &b);
	view_to_json(&w, v);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
view_save(struct db *db, struct arena *a, const struct actor *who,
    const struct saved_view *d, struct saved_view **out, struct svc_err *err)
{
	enum svc_code rc;
	int64_t id = 0, n, now = clock_now();
	size_t nlen = d->name != NULL ? strlen(d->name) : 0;
	size_t qlen = d->query != NULL ? strlen(d->query) : 0;

	if (!page_valid(d->page))
		return svc_fail_field(err, SVC_EINVAL, "page", "invalid",
		    "'page' is a screen key: 1-40 of a-z and _");
	if (nlen == 0 || utf8_len(d->name, nlen) > 60 ||
	    !utf8_valid(d->name, nlen))
		return svc_fail_field(err, SVC_EINVAL, "name", "length",
		    "'name' must be 1-60 characters");
	if (d->query == NULL || qlen > VIEW_QUERY_MAX ||
	    !utf8_valid(d->query, qlen))
		return svc_fail_field(err, SVC_EINVAL, "query", "length",
		    "'query' must be at most %d bytes", VIEW_QUERY_MAX);
	rc = db_one_i64(db, "SELECT id FROM saved_views"
	    " WHERE user_id = ? AND page = ? AND name = ?",
	    DB_ARGS(DB_I(who->user_id), DB_S(d->page), DB_S(d->name)), &id,
	    err);
	if (rc == SVC_ENOTFOUND) {
		svc_err_clear(err);
		id = 0;
	} else if (rc) {
		return rc;
	}
	if (id != 0) {
		rc = db_exec(db, "UPDATE saved_views SET query = ?"
		    " WHERE id = ?", DB_ARGS(DB_S(d->query), DB_I(id)), NULL,
		    err);
	} else {
		rc = db_one_i64(db, "SELECT count(*) FROM saved_views"
		    " WHERE user_id = ? AND page = ?",
		    DB_ARGS(DB_I(who->user_id), DB_S(d->page)), &n, err);
		if (rc)
			return rc;
		if (n >= VIEW_MAX)
			return svc_fail_field(err, SVC_ECONFLICT, "name",
			    "too_many", "at most %d saved views per screen; "
			    "delete one first", VIEW_MAX);
		rc = db_one_i64(db, "INSERT INTO saved_views (user_id, page,"
		    " name, query, created_at) VALUES (?, ?, ?, ?, ?)"
		    " RETURNING id", DB_ARGS(DB_I(who->user_id), DB_S(d->page),
		    DB_S(d->name), DB_S(d->query), DB_I(now)), &id, err);
	}
	if (rc == SVC_OK)
		rc = view_get(db, a, who->user_id, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "save", "saved_view", id, NULL,
		    view_json_text(a, *out), err);
	return rc;
}

enum svc_code
view_delete(struct db *db, const struct actor *who, int64_t id,
    struct svc_err *err)
{
	enum svc_code rc;
	int64_t n;

	rc = db_exec(db, "DELETE FROM saved_views WHERE id = ? AND user_id = ?",
	    DB_ARGS(DB_I(id), DB_I(who->user_id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "saved view %lld not found", (long long)id);
	return audit_write(db, who, "delete", "saved_view", id, NULL, NULL, err);
}
