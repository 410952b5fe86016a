/*
 * department — departments as records (售后部, 质管部, 仓库 ...), so that
 * work can be routed to a department and then to a person.
 */
#include "domain/user/user.h"

#include <string.h>

#include "util/clock.h"

#define DEPT_COLS "id, code, name, parent_id, active, version, created_at," \
	" updated_at"

static void
dept_from_row(struct dbq *q, struct arena *a, struct department *d)
{
	d->id = db_i64(q, 0);
	d->code = db_dup(q, 1, a);
	d->name = db_dup(q, 2, a);
	d->parent_id = db_i64(q, 3);
	d->active = db_i64(q, 4) != 0;
	d->version = db_i64(q, 5);
	d->created_at = db_i64(q, 6);
	d->updated_at = db_i64(q, 7);
}

void
dept_to_json(struct jw *w, const struct department *d)
{
	jw_obj_open(w);
	jw_ki64(w, "id", d->id);
	jw_kstr(w, "code", d->code);
	jw_kstr(w, "name", d->name);
	jw_kid(w, "parent_id", d->parent_id);
	jw_kbool(w, "active", d->active);
	jw_ki64(w, "version", d->version);
	jw_ktime(w, "created_at", d->created_at);
	jw_ktime(w, "updated_at", d->updated_at);
	jw_obj_close(w);
}

static char *
dept_json_text(struct arena *a, const struct department *d)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	dept_to_json(&w, d);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
dept_get(struct db *db, struct arena *a, int64_t id, struct department **out,
    struct svc_err *err)
{
	struct department *d;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " DEPT_COLS " FROM departments WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	d = arena_alloc(a, sizeof(*d));
	if (r == 1 && d != NULL)
		dept_from_row(q, a, d);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (d == NULL || a->oom)	/* out of memory is not "not found" */
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "department %lld not found", (long long)id);
	*out = d;
	return SVC_OK;
}

enum svc_code
dept_list(struct db *db, struct arena *a, int64_t after_id, int limit,
    struct department ***out, size_t *n, bool *more, struct svc_err *err)
{
	struct department **items;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0;

	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT " DEPT_COLS " FROM departments WHERE id > ?"
	    " ORDER BY id LIMIT ?", DB_ARGS(DB_I(after_id), DB_I(limit + 1)),
	    &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		items[cnt] = arena_alloc(a, sizeof(struct department));
		if (items[cnt] == NULL)
			break;
		dept_from_row(q, a, items[cnt++]);
	}
	rc = db_done(q, err);
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	return rc;
}

static enum svc_code
check_parent(struct db *db, int64_t id, int64_t parent, struct svc_err *err)
{
	enum svc_code rc;
	int64_t n, cur = parent;

	if (parent == 0)
		return SVC_OK;
	/* the parent exists and the chain up from it never meets id */
	for (int depth = 0; cur != 0; depth++) {
		if (cur == id || depth > 32)
			return svc_fail_field(err, SVC_EINVAL, "parent_id",
			    "cycle", "a department cannot be its own ancestor");
		rc = db_one_i64(db, "SELECT coalesce(parent_id, 0)"
		    " FROM departments WHERE id = ?", DB_ARGS(DB_I(cur)), &n, err);
		if (rc == SVC_ENOTFOUND)
			return svc_fail_field(err, SVC_EINVAL, "parent_id",
			    "not_found", "department %lld not found",
			    (long long)cur);
		if (rc)
			return rc;
		cur = n;
	}
	return SVC_OK;
}

enum svc_code
dept_create(struct db *db, struct arena *a, const struct actor *who,
    const struct department *d, struct department **out, struct svc_err *err)
{
	enum svc_code rc;
	int64_t id, n, now = clock_now();

	rc = check_parent(db, 0, d->parent_id, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT count(*) FROM departments WHERE code = ?",
	    DB_ARGS(DB_S(d->code)), &n, err);
	if (rc)
		return rc;
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, "code", "taken",
		    "department code '%s' is taken", d->code);
	rc = db_one_i64(db, "INSERT INTO departments (code, name, parent_id,"
	    " active, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, 1, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(d->code), DB_S(d->name), DB_ID(d->parent_id),
	    DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = dept_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "department", id, NULL,
		    dept_json_text(a, *out), err);
	return rc;
}

enum svc_code
dept_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct department *d, unsigned mask,
    struct department **out, struct svc_err *err)
{
	struct department *cur;
	enum svc_code rc;
	int64_t changed, parent;
	const char *name;
	bool active;
	char *before;

	rc = dept_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = dept_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "department", expected, before);
	name = mask & DF_NAME ? d->name : cur->name;
	parent = mask & DF_PARENT ? d->parent_id : cur->parent_id;
	active = mask & DF_ACTIVE ? d->active : cur->active;
	if (mask & DF_PARENT) {
		rc = check_parent(db, id, parent, err);
		if (rc)
			return rc;
	}
	rc = db_exec(db, "UPDATE departments SET name = ?, parent_id = ?,"
	    " active = ?, version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(name), DB_ID(parent), DB_I(active), DB_I(clock_now()),
	    DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "department", expected, before);
	rc = dept_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "department", id, before,
		    dept_json_text(a, *out), err);
	return rc;
}
