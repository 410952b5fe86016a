/*
 * resource — the list, get, create and update of a declared record type
 * (struct resource in api.h, domain/record/record.h): one handler each for
 * every record type, reading the route's declaration.  The query
 * parameters, the body's fields and their errors, customer isolation and
 * the internal fields all follow from the declaration; a module's special
 * rules run inside rec_create()/rec_update() at their declared points.
 */
#include <string.h>

#include "api/api.h"
#include "domain/user/user.h"
#include "util/date.h"

/* ----- query parameters ----- */

int64_t
own_customer(struct req *rq)
{
	return rq->who.customer_id;
}

enum svc_code
page_params(struct req *rq, struct rec_page *pg)
{
	enum svc_code rc;
	int64_t limit;

	rc = query_i64(rq, "limit", 1, 200, 25, &limit);
	if (rc)
		return rc;
	pg->limit = (int)limit;
	pg->cursor = req_query(rq, "cursor");
	pg->sort = req_query(rq, "sort");
	if (pg->cursor != NULL && strlen(pg->cursor) > 2048)
		return svc_fail_field(&rq->err, SVC_EINVAL, "cursor", "invalid",
		    "'cursor' is not a cursor this list gave out");
	return SVC_OK;
}

enum svc_code
query_text(struct req *rq, const char *name, size_t max, const char **out)
{
	const char *s = req_query(rq, name);

	*out = NULL;
	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	if (strlen(s) > max || !utf8_valid(s, strlen(s)))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be valid UTF-8 of at most %zu bytes", name, max);
	*out = s;
	return SVC_OK;
}

enum svc_code
query_tristate(struct req *rq, const char *name, int *out)
{
	const char *s = req_query(rq, name);

	*out = -1;
	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	if (strcmp(s, "true") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0)
		*out = 0;
	else
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be true or false", name);
	return SVC_OK;
}

/* limit, cursor, sort, the declared filters and the hook's parameters. */
static const char *const *
declared_query(struct req *rq, const struct resource *res)
{
	const struct rfield *f;
	const char **q;
	size_t n = 3;

	for (f = res->rec->fields; f->key != NULL; f++)
		n += (f->flags & RF_FILTER) != 0;
	for (size_t i = 0; res->query != NULL && res->query[i] != NULL; i++)
		n++;
	q = arena_alloc(&rq->arena, (n + 1) * sizeof(*q));
	if (q == NULL)
		return NULL;
	n = 0;
	q[n++] = "limit";
	q[n++] = "cursor";
	q[n++] = "sort";
	for (f = res->rec->fields; f->key != NULL; f++)
		if (f->flags & RF_FILTER)
			q[n++] = f->key;
	for (size_t i = 0; res->query != NULL && res->query[i] != NULL; i++)
		q[n++] = res->query[i];
	q[n] = NULL;
	return q;
}

/* A declared filter's value; *given false when absent. */
static enum svc_code
filter_value(struct req *rq, const struct rfield *f, struct dbv *v,
    bool *given)
{
	const char *s = req_query(rq, f->key);
	enum svc_code rc = SVC_OK;
	int64_t n = 0;
	int t, ymd;

	*given = s != NULL && s[0] != '\0';
	if (!*given)
		return SVC_OK;
	switch (f->type) {
	case RT_ENUM:
		rc = query_enum(rq, f->key, f->enums, &s);
		*v = DB_S(s);
		break;
	case RT_BOOL:
		rc = query_tristate(rq, f->key, &t);
		*v = DB_I(t);
		break;
	case RT_ID:
		rc = query_i64(rq, f->key, 1, INT64_MAX, 0, &n);
		*v = DB_I(n);
		break;
	case RT_INT:
	case RT_MONEY:
		rc = query_i64(rq, f->key, f->min, f->max, 0, &n);
		*v = DB_I(n);
		break;
	case RT_DATE:
		if (!ymd_parse(s, &ymd))
			return svc_fail_field(&rq->err, SVC_EINVAL, f->key,
			    "invalid", "'%s' must be a date YYYY-MM-DD",
			    f->key);
		*v = DB_I(ymd);
		break;
	default:
		rc = query_text(rq, f->key, 200, &s);
		*v = DB_S(s);
		break;
	}
	return rc;
}

/* ----- customer isolation ----- */

static enum svc_code
staff_only(struct req *rq)
{
	return svc_fail(&rq->err, SVC_EPERM, NULL,
	    "customer users cannot do this");
}

/* May the caller see item? */
static bool
visible(struct req *rq, const struct resource *res, const void *item)
{
	int i;

	if (own_customer(rq) == 0 || res->owner == NULL)
		return true;
	i = rec_field(res->rec, res->owner);
	return *(const int64_t *)(const void *)REC_AT(item,
	    &res->rec->fields[i]) == own_customer(rq);
}

/* Record id as the caller may see it: another company's is not found. */
static enum svc_code
load(struct req *rq, const struct resource *res, int64_t id, void **out)
{
	enum svc_code rc;

	rc = rec_get(rq->db, &rq->arena, res->rec, id, out, &rq->err);
	if (rc == SVC_OK && !visible(rq, res, *out))
		rc = svc_fail(&rq->err, SVC_ENOTFOUND, "id",
		    "%s %lld not found", res->rec->what, (long long)id);
	return rc;
}

static int64_t *
id_field(const struct record *r, void *item, const char *key)
{
	return (int64_t *)(void *)REC_AT(item, &r->fields[rec_field(r, key)]);
}

/*
 * The ids a route's path names: the record's (its last {id}) and, for a
 * sub-resource, its parent's, which must exist and be the caller's to see.
 */
static enum svc_code
path_ids(struct req *rq, const struct resource *res, bool item,
    int64_t *parent, int64_t *id)
{
	enum svc_code rc;
	void *p;

	*parent = 0;
	*id = 0;
	if (res->parent == NULL)
		return item ? req_param_id(rq, 0, id) : SVC_OK;
	rc = req_param_id(rq, 0, parent);
	if (rc == SVC_OK && item)
		rc = req_param_id(rq, 1, id);
	if (rc == SVC_OK && own_customer(rq) != 0 && res->owner != NULL &&
	    strcmp(res->owner, res->parent) == 0 && *parent != own_customer(rq))
		rc = SVC_ENOTFOUND;
	if (rc == SVC_OK)
		rc = rec_get(rq->db, &rq->arena, res->parent_rec, *parent, &p,
		    &rq->err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(&rq->err, SVC_ENOTFOUND, "id",
		    "%s %lld not found", res->parent_rec->what,
		    (long long)*parent);
	return rc;
}

/* The record the path names, as the caller may see it. */
static enum svc_code
load_named(struct req *rq, const struct resource *res, int64_t *id,
    void **out)
{
	enum svc_code rc;
	int64_t parent;

	rc = path_ids(rq, res, true, &parent, id);
	if (rc == SVC_OK)
		rc = load(rq, res, *id, out);
	if (rc == SVC_OK && res->parent != NULL &&
	    *id_field(res->rec, *out, res->parent) != parent)
		rc = svc_fail(&rq->err, SVC_ENOTFOUND, "id",
		    "%s %lld not found", res->rec->what, (long long)*id);
	return rc;
}

static enum rec_view
view_of(struct req *rq)
{
	return own_customer(rq) != 0 ? REC_CUSTOMER : REC_STAFF;
}

/* A customer user may not give an internal field. */
static enum svc_code
no_internal(struct req *rq, const struct record *r, rec_mask mask)
{
	if (own_customer(rq) == 0)
		return SVC_OK;
	for (int i = 0; r->fields[i].key != NULL; i++)
		if ((mask & REC_BIT(i)) && (r->fields[i].flags & RF_INTERNAL))
			return svc_fail_field(&rq->err, SVC_EPERM,
			    r->fields[i].key, "not_allowed",
			    "'%s' is kept by staff", r->fields[i].key);
	return SVC_OK;
}

static enum svc_code
respond(struct req *rq, struct resp *rs, int status, const struct record *r,
    const void *item)
{
	struct jw w;

	resp_json(rs, status, &w);
	rec_to_json(&w, r, item, view_of(rq));
	return SVC_OK;
}

/* ----- the handlers ----- */

enum svc_code
api_rec_list(struct req *rq, struct resp *rs)
{
	const struct resource *res = rq->route->res;
	const struct record *r = res->rec;
	struct dbv vals[64];
	bool given[64] = { false };
	struct rec_query q;
	struct rec_page pg;
	enum svc_code rc;
	void **items;
	char *next;
	size_t n;
	struct jw w;

	int64_t parent, none;

	rc = res->staff_only && own_customer(rq) != 0 ? staff_only(rq) :
	    query_allow(rq, declared_query(rq, res));
	if (rc == SVC_OK)
		rc = path_ids(rq, res, false, &parent, &none);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	for (int i = 0; rc == SVC_OK && r->fields[i].key != NULL; i++)
		if (r->fields[i].flags & RF_FILTER)
			rc = filter_value(rq, &r->fields[i], &vals[i],
			    &given[i]);
	if (rc == SVC_OK)
		rc = rec_list_begin(&q, &rq->arena, r, &pg, &rq->err);
	if (rc)
		return rc;
	if (own_customer(rq) != 0 && res->owner != NULL)
		rec_filter(&q, r, rec_field(r, res->owner),
		    DB_I(own_customer(rq)));
	if (res->parent != NULL)
		rec_filter(&q, r, rec_field(r, res->parent), DB_I(parent));
	if (res->filter != NULL) {
		rc = res->filter(rq, &q);
		if (rc) {
			rec_query_release(&q);
			return rc;
		}
	}
	for (int i = 0; r->fields[i].key != NULL; i++)
		if (given[i])
			rec_filter(&q, r, i, vals[i]);
	rc = rec_list_run(&q, rq->db, &rq->arena, r, &items, &n, &next,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		rec_to_json(&w, r, items[i], view_of(rq));
	jw_arr_close(&w);
	jw_kstr(&w, "next_cursor", next);
	jw_obj_close(&w);
	return SVC_OK;
}

enum svc_code
api_rec_get(struct req *rq, struct resp *rs)
{
	const struct resource *res = rq->route->res;
	enum svc_code rc;
	void *item;
	int64_t id;

	rc = res->staff_only && own_customer(rq) != 0 ? staff_only(rq) :
	    load_named(rq, res, &id, &item);
	if (rc)
		return rc;
	return respond(rq, rs, 200, res->rec, item);
}

enum svc_code
api_rec_create(struct req *rq, struct resp *rs)
{
	const struct resource *res = rq->route->res;
	const struct record *r = res->rec;
	struct actor who = req_actor(rq);
	void *draft = arena_alloc(&rq->arena, r->size), *item;
	enum svc_code rc;
	rec_mask mask;
	int64_t parent, id;

	if (draft == NULL)
		return rec_oom(&rq->err);
	if (own_customer(rq) != 0 && !res->customer_creates)
		return staff_only(rq);
	rec_init(r, draft);
	rc = path_ids(rq, res, false, &parent, &id);
	if (rc == SVC_OK)
		rc = decode_record(rq, r, REC_CREATE, draft, &mask);
	if (rc == SVC_OK)
		rc = no_internal(rq, r, mask);
	if (rc)
		return rc;
	if (res->parent != NULL)
		*id_field(r, draft, res->parent) = parent;
	else if (own_customer(rq) != 0 && res->owner != NULL)
		*id_field(r, draft, res->owner) = own_customer(rq);
	rc = rec_create(rq->db, &rq->arena, &who, r, draft, &item, &rq->err);
	if (rc)
		return rc;
	id = *id_field(r, item, r->fields[0].key);
	resp_header(rs, "Location", res->parent != NULL ?
	    arena_printf(&rq->arena, "%s/%lld", arena_printf(&rq->arena,
	    res->path, (long long)parent), (long long)id) :
	    arena_printf(&rq->arena, "%s/%lld", res->path, (long long)id));
	return respond(rq, rs, 201, r, item);
}

enum svc_code
api_rec_delete(struct req *rq, struct resp *rs)
{
	const struct resource *res = rq->route->res;
	struct actor who = req_actor(rq);
	enum svc_code rc;
	void *item;
	int64_t id;

	rc = own_customer(rq) != 0 && res->owner == NULL ? staff_only(rq) :
	    load_named(rq, res, &id, &item);
	if (rc == SVC_OK)
		rc = rec_delete(rq->db, &rq->arena, &who, res->rec, id,
		    &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/*
 * A stale write by a customer user: the same 409 as staff get, its current
 * record without the internal fields.
 */
static enum svc_code
conflict_seen_by_customer(struct req *rq, const struct record *r,
    int64_t id, int64_t version)
{
	enum svc_code rc;
	void *cur;

	rc = rec_get(rq->db, &rq->arena, r, id, &cur, &rq->err);
	if (rc)
		return rc;
	return stale_version(&rq->err, &rq->arena, r->what, version,
	    rec_text(&rq->arena, r, cur, REC_CUSTOMER));
}

enum svc_code
api_rec_update(struct req *rq, struct resp *rs)
{
	const struct resource *res = rq->route->res;
	const struct record *r = res->rec;
	struct actor who = req_actor(rq);
	void *draft = arena_alloc(&rq->arena, r->size), *item;
	int vi = rec_field(r, "version");
	enum svc_code rc;
	rec_mask mask;
	int64_t id, version;

	if (draft == NULL)
		return rec_oom(&rq->err);
	rec_init(r, draft);
	/* staff changing a record of no parent: rec_update() reads it */
	if (own_customer(rq) != 0 && res->owner == NULL)
		rc = staff_only(rq);
	else if (own_customer(rq) == 0 && res->parent == NULL)
		rc = req_param_id(rq, 0, &id);
	else
		rc = load_named(rq, res, &id, &item);
	if (rc == SVC_OK)
		rc = decode_record(rq, r, REC_UPDATE, draft, &mask);
	if (rc == SVC_OK)
		rc = req_version(rq, vi < 0 ? 0 : *(const int64_t *)
		    (const void *)REC_AT(draft, &r->fields[vi]), &version);
	if (rc == SVC_OK)
		rc = no_internal(rq, r, mask);
	if (rc)
		return rc;
	rc = rec_update(rq->db, &rq->arena, &who, r, id, version, draft, mask,
	    &item, &rq->err);
	if (rc == SVC_ECONFLICT && own_customer(rq) != 0 &&
	    strcmp(rq->err.field, "version") == 0)
		return conflict_seen_by_customer(rq, r, id, version);
	if (rc)
		return rc;
	return respond(rq, rs, 200, r, item);
}

/* ----- the declarations, for the web forms and list columns ----- */

const char *
rec_type_word(enum rtype t)
{
	static const char *const words[] = {
		[RT_TEXT] = "text", [RT_ENUM] = "enum", [RT_INT] = "integer",
		[RT_MONEY] = "money", [RT_ID] = "id", [RT_BOOL] = "boolean",
		[RT_DATE] = "date", [RT_TIME] = "time", [RT_LIST] = "list",
		[RT_IDS] = "ids",
	};

	return words[t];
}

static void
record_json(struct jw *w, const struct record *r, enum rec_view view)
{
	jw_obj_open(w);
	jw_kstr(w, "name", r->name);
	jw_kstr(w, "zh", r->zh);
	jw_kstr(w, "en", r->en);
	jw_key(w, "fields");
	jw_arr_open(w);
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		if ((f->flags & RF_INTERNAL) && view != REC_STAFF)
			continue;
		jw_obj_open(w);
		jw_kstr(w, "key", f->key);
		jw_kstr(w, "type", rec_type_word(f->type));
		jw_kstr(w, "zh", f->zh);
		jw_kstr(w, "en", f->en);
		jw_kbool(w, "required", (f->flags & RF_REQUIRED) != 0);
		jw_kbool(w, "fixed", (f->flags & RF_FIXED) != 0);
		jw_kbool(w, "read_only", (f->flags & RF_OUT) != 0);
		jw_kbool(w, "nullable", (f->flags & RF_NULLABLE) != 0);
		jw_kbool(w, "filter", (f->flags & RF_FILTER) != 0);
		jw_kbool(w, "sort", (f->flags & RF_SORT) != 0);
		jw_kbool(w, "column", (f->flags & RF_COLUMN) != 0);
		jw_kbool(w, "multiline", (f->flags & RF_MULTI) != 0);
		if (f->flags & RF_INTERNAL)
			jw_kbool(w, "internal", true);
		if (f->type == RT_TEXT || f->type == RT_INT ||
		    f->type == RT_MONEY || f->type == RT_LIST) {
			jw_ki64(w, "min", f->min);
			jw_ki64(w, "max", f->max);
		}
		if (f->enums != NULL) {
			jw_key(w, "values");
			jw_arr_open(w);
			for (int i = 0; f->enums[i] != NULL; i++)
				jw_str(w, f->enums[i]);
			jw_arr_close(w);
		}
		if (f->def != NULL)
			jw_kstr(w, "default", f->def);
		if (f->ref != NULL)
			jw_kstr(w, "ref", f->ref);
		if (f->of != NULL) {
			jw_key(w, "of");
			record_json(w, f->of, view);
		}
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

/* GET /api/v1/records: every declared record type the caller may read. */
enum svc_code
api_records(struct req *rq, struct resp *rs)
{
	enum svc_code rc;
	struct jw w;
	char **perms;
	size_t np;

	rc = query_allow(rq, NULL);
	if (rc == SVC_OK)
		rc = auth_permissions(rq->db, &rq->arena, rq->who.user_id,
		    &perms, &np, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *r = &api_routes[i];
		bool list = (r->method & HTTP_GET) &&
		    strchr(r->pattern, '{') == NULL;

		bool granted = false;

		for (size_t k = 0; r->res != NULL && list && k < np; k++)
			granted |= strcmp(perms[k], r->perm) == 0;
		if (!granted)
			continue;
		jw_obj_open(&w);
		jw_kstr(&w, "path", r->res->path);
		jw_kstr(&w, "read", r->perm);
		for (size_t k = 0; k < api_nroutes; k++)
			if (api_routes[k].res == r->res &&
			    (api_routes[k].method & HTTP_POST))
				jw_kstr(&w, "write", api_routes[k].perm);
		jw_key(&w, "record");
		record_json(&w, r->res->rec, view_of(rq));
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return SVC_OK;
}
