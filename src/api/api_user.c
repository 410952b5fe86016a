/*
 * api_user — users, the roles x permissions matrix, departments, the audit
 * log (read only: no route changes or deletes it).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/user/user.h"
#include "util/clock.h"

/* ----- users ----- */

struct user_in {
	const char *username;
	const char *display_name;
	const char *phone;
	const char *email;
	int64_t department_id;
	int64_t customer_id;
	struct strarr roles;
	bool active;
	const char *password;
	int64_t version;
	char hash[crypto_pwhash_STRBYTES];
	unsigned present;
};

#define USER_COMMON_FIELDS \
	{ "display_name", F_TEXT, offsetof(struct user_in, display_name), 0, \
	    1, 100, UF_DISPLAY_NAME, NULL, "name shown to others" }, \
	{ "phone", F_TEXT, offsetof(struct user_in, phone), F_NULLABLE, 0, 40, \
	    UF_PHONE, NULL, "phone number" }, \
	{ "email", F_TEXT, offsetof(struct user_in, email), F_NULLABLE, 0, 200, \
	    UF_EMAIL, NULL, "email address" }, \
	{ "department_id", F_ID, offsetof(struct user_in, department_id), \
	    F_NULLABLE, 0, 0, UF_DEPARTMENT, NULL, "department" }, \
	{ "customer_id", F_ID, offsetof(struct user_in, customer_id), \
	    F_NULLABLE, 0, 0, UF_CUSTOMER, NULL, \
	    "customer company (customer users only)" }, \
	{ "roles", F_STRARR, offsetof(struct user_in, roles), 0, 0, ROLES_MAX, \
	    UF_ROLES, NULL, "role keys" }, \
	{ "active", F_BOOL, offsetof(struct user_in, active), 0, 0, 0, \
	    UF_ACTIVE, NULL, "false disables the account and ends its sessions" }

const struct field user_create_fields[] = {
	{ "username", F_TEXT, offsetof(struct user_in, username), F_REQUIRED,
	    2, USERNAME_MAX, 0, NULL, "login name: a-z 0-9 _ . -" },
	{ "password", F_TEXT, offsetof(struct user_in, password),
	    F_REQUIRED | F_SECRET, PASSWORD_MIN, PASSWORD_MAX, 0, NULL,
	    "initial password, at least 8 characters" },
	USER_COMMON_FIELDS,
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

const struct field user_update_fields[] = {
	{ "version", F_I64, offsetof(struct user_in, version), 0, 1, INT64_MAX,
	    0, NULL, "the version you read (or send If-Match)" },
	USER_COMMON_FIELDS,
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

const struct field user_password_fields[] = {
	{ "password", F_TEXT, offsetof(struct user_in, password),
	    F_REQUIRED | F_SECRET, PASSWORD_MIN, PASSWORD_MAX, 0, NULL,
	    "the new password" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

const char *const list_query[] = { "limit", "cursor", NULL };
const char *const user_list_query[] = { "limit", "cursor", "q", "role",
	"department_id", "active", NULL };

static void
user_in_draft(const struct user_in *in, struct user_draft *d)
{
	memset(d, 0, sizeof(*d));
	d->username = in->username;
	d->display_name = in->display_name;
	d->phone = in->phone;
	d->email = in->email;
	d->department_id = in->department_id;
	d->customer_id = in->customer_id;
	d->roles = in->roles.v;
	d->nroles = in->roles.n;
	d->active = in->active;
}

static enum svc_code
respond_user(struct resp *rs, int status, const struct user *u)
{
	struct jw w;

	resp_json(rs, status, &w);
	user_to_json(&w, u);
	return SVC_OK;
}

/* GET /api/v1/users?q=&role=&department_id=&active=&limit=&cursor= */
enum svc_code
api_user_list(struct req *rq, struct resp *rs)
{
	struct user_filter f = { .active = -1 };
	struct user **items;
	const char *active;
	enum svc_code rc;
	struct jw w;
	int64_t after, dept;
	int limit;
	size_t n;
	bool more;

	rc = query_allow(rq, user_list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc == SVC_OK)
		rc = query_i64(rq, "department_id", 1, INT64_MAX, 0, &dept);
	if (rc)
		return rc;
	f.department_id = dept;
	f.q = req_query(rq, "q");
	f.role = req_query(rq, "role");
	if (f.q != NULL && (strlen(f.q) > 100 || !utf8_valid(f.q, strlen(f.q))))
		return svc_fail_field(&rq->err, SVC_EINVAL, "q", "invalid",
		    "'q' must be valid UTF-8 of at most 100 bytes");
	active = req_query(rq, "active");
	if (active != NULL) {
		if (strcmp(active, "true") == 0)
			f.active = 1;
		else if (strcmp(active, "false") == 0)
			f.active = 0;
		else
			return svc_fail_field(&rq->err, SVC_EINVAL, "active",
			    "invalid", "'active' must be true or false");
	}
	rc = user_list(rq->db, &rq->arena, &f, after, limit, &items, &n, &more,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		user_to_json(&w, items[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, more, n ? items[n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/users/{id} */
enum svc_code
api_user_get(struct req *rq, struct resp *rs)
{
	struct user *u;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = user_get(rq->db, &rq->arena, id, &u, &rq->err);
	if (rc)
		return rc;
	return respond_user(rs, 200, u);
}

/* Before the transaction: decode and hash the password. */
enum svc_code
api_user_create_prepare(struct req *rq, struct resp *rs)
{
	struct user_in *in;
	enum svc_code rc;

	(void)rs;
	in = arena_alloc(&rq->arena, sizeof(*in));
	if (in == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	in->active = true;
	rc = decode_json(rq, user_create_fields, in, &in->present);
	if (rc)
		return rc;
	if (!auth_hash_password(&rq->app->hash_slots, in->password, in->hash))
		return svc_fail(&rq->err, SVC_EINTERNAL, NULL,
		    "cannot hash the password");
	rq->ctx = in;
	return SVC_OK;
}

/* POST /api/v1/users {username, password, display_name, roles, ...} */
enum svc_code
api_user_create(struct req *rq, struct resp *rs)
{
	struct user_in *in = rq->ctx;
	struct actor who = req_actor(rq);
	struct user_draft d;
	struct user *u;
	enum svc_code rc;

	user_in_draft(in, &d);
	d.password_hash = in->hash;
	rc = user_create(rq->db, &rq->arena, &who, &d, &u, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/users/%lld", (long long)u->id));
	return respond_user(rs, 201, u);
}

/* PATCH /api/v1/users/{id} {version, display_name?, roles?, active? ...} */
enum svc_code
api_user_update(struct req *rq, struct resp *rs)
{
	struct user_in in;
	struct actor who = req_actor(rq);
	struct user_draft d;
	struct user *u;
	enum svc_code rc;
	int64_t id, version;

	memset(&in, 0, sizeof(in));
	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, user_update_fields, &in, &in.present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	user_in_draft(&in, &d);
	rc = user_update(rq->db, &rq->arena, &who, id, version, &d, in.present,
	    &u, &rq->err);
	if (rc)
		return rc;
	return respond_user(rs, 200, u);
}

/* Before the transaction: decode and hash. */
enum svc_code
api_user_password_prepare(struct req *rq, struct resp *rs)
{
	struct user_in *in;
	enum svc_code rc;

	(void)rs;
	in = arena_alloc(&rq->arena, sizeof(*in));
	if (in == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	rc = decode_json(rq, user_password_fields, in, NULL);
	if (rc)
		return rc;
	if (!auth_hash_password(&rq->app->hash_slots, in->password, in->hash))
		return svc_fail(&rq->err, SVC_EINTERNAL, NULL,
		    "cannot hash the password");
	rq->ctx = in;
	return SVC_OK;
}

/* POST /api/v1/users/{id}/password {password}: an admin sets a password */
enum svc_code
api_user_reset_password(struct req *rq, struct resp *rs)
{
	struct user_in *in = rq->ctx;
	struct actor who = req_actor(rq);
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = user_set_password(rq->db, &rq->arena, &who, id, in->hash, 0,
		    &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/* ----- roles ----- */

struct role_in {
	struct strarr perms;
};

const struct field role_set_fields[] = {
	{ "permissions", F_STRARR, offsetof(struct role_in, perms), F_REQUIRED,
	    0, 200, 0, NULL, "every permission key the role holds" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

/* GET /api/v1/roles */
enum svc_code
api_role_matrix(struct req *rq, struct resp *rs)
{
	struct jw w;

	resp_json(rs, 200, &w);
	return role_matrix_json(rq->db, &w, &rq->err);
}

/* PUT /api/v1/roles/{key}/permissions {permissions: [...]} */
enum svc_code
api_role_set(struct req *rq, struct resp *rs)
{
	struct role_in in = { { NULL, 0 } };
	struct actor who = req_actor(rq);
	enum svc_code rc;
	struct jw w;

	rc = decode_json(rq, role_set_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = role_set_permissions(rq->db, &rq->arena, &who,
		    rq->params[0], in.perms.v, in.perms.n, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	return role_matrix_json(rq->db, &w, &rq->err);
}

/* ----- departments ----- */

struct dept_in {
	const char *code;
	const char *name;
	int64_t parent_id;
	bool active;
	int64_t version;
};

const struct field dept_create_fields[] = {
	{ "code", F_TEXT, offsetof(struct dept_in, code), F_REQUIRED, 1, 32, 0,
	    NULL, "short unique code, e.g. AS" },
	{ "name", F_TEXT, offsetof(struct dept_in, name), F_REQUIRED, 1, 100, 0,
	    NULL, "name, e.g. 售后部" },
	{ "parent_id", F_ID, offsetof(struct dept_in, parent_id), F_NULLABLE,
	    0, 0, 0, NULL, "parent department" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

const struct field dept_update_fields[] = {
	{ "version", F_I64, offsetof(struct dept_in, version), 0, 1, INT64_MAX,
	    0, NULL, "the version you read (or send If-Match)" },
	{ "name", F_TEXT, offsetof(struct dept_in, name), 0, 1, 100, DF_NAME,
	    NULL, "name" },
	{ "parent_id", F_ID, offsetof(struct dept_in, parent_id), F_NULLABLE,
	    0, 0, DF_PARENT, NULL, "parent department" },
	{ "active", F_BOOL, offsetof(struct dept_in, active), 0, 0, 0,
	    DF_ACTIVE, NULL, "false retires the department" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static void
dept_in_draft(const struct dept_in *in, struct department *d)
{
	memset(d, 0, sizeof(*d));
	d->code = (char *)in->code;
	d->name = (char *)in->name;
	d->parent_id = in->parent_id;
	d->active = in->active;
}

/* GET /api/v1/departments?limit=&cursor= */
enum svc_code
api_dept_list(struct req *rq, struct resp *rs)
{
	struct department **items;
	enum svc_code rc;
	struct jw w;
	int64_t after;
	int limit;
	size_t n;
	bool more;

	rc = query_allow(rq, list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc == SVC_OK)
		rc = dept_list(rq->db, &rq->arena, after, limit, &items, &n,
		    &more, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		dept_to_json(&w, items[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, more, n ? items[n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/departments/{id} */
enum svc_code
api_dept_get(struct req *rq, struct resp *rs)
{
	struct department *d;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = dept_get(rq->db, &rq->arena, id, &d, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	dept_to_json(&w, d);
	return SVC_OK;
}

/* POST /api/v1/departments {code, name, parent_id?} */
enum svc_code
api_dept_create(struct req *rq, struct resp *rs)
{
	struct dept_in in = { 0 };
	struct actor who = req_actor(rq);
	struct department draft, *d;
	enum svc_code rc;
	struct jw w;

	rc = decode_json(rq, dept_create_fields, &in, NULL);
	if (rc)
		return rc;
	dept_in_draft(&in, &draft);
	rc = dept_create(rq->db, &rq->arena, &who, &draft, &d, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/departments/%lld", (long long)d->id));
	resp_json(rs, 201, &w);
	dept_to_json(&w, d);
	return SVC_OK;
}

/* PATCH /api/v1/departments/{id} {version, name?, parent_id?, active?} */
enum svc_code
api_dept_update(struct req *rq, struct resp *rs)
{
	struct dept_in in = { 0 };
	struct actor who = req_actor(rq);
	struct department draft, *d;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;
	struct jw w;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, dept_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	dept_in_draft(&in, &draft);
	rc = dept_update(rq->db, &rq->arena, &who, id, version, &draft, present,
	    &d, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	dept_to_json(&w, d);
	return SVC_OK;
}

/* ----- audit ----- */

const char *const audit_list_query[] = { "limit", "cursor", "entity",
	"entity_id", "user_id", "action", "from", "to", NULL };

/*
 * GET /api/v1/audit?entity=&entity_id=&user_id=&action=&from=&to=
 * Newest first; the cursor is the last id seen.
 */
enum svc_code
api_audit_list(struct req *rq, struct resp *rs)
{
	struct audit_filter f = { 0 };
	const char *from, *to;
	enum svc_code rc;
	struct jw w;
	int64_t last = 0;
	bool more = false;

	rc = query_allow(rq, audit_list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &f.before, &f.limit);
	if (rc == SVC_OK)
		rc = query_i64(rq, "entity_id", 1, INT64_MAX, 0, &f.entity_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "user_id", 1, INT64_MAX, 0, &f.user_id);
	if (rc)
		return rc;
	f.entity = req_query(rq, "entity");
	f.action = req_query(rq, "action");
	from = req_query(rq, "from");
	to = req_query(rq, "to");
	if (from != NULL && !clock_parse(from, &f.from))
		return svc_fail_field(&rq->err, SVC_EINVAL, "from", "invalid",
		    "'from' must be a date or ISO-8601 time");
	if (to != NULL && !clock_parse(to, &f.to))
		return svc_fail_field(&rq->err, SVC_EINVAL, "to", "invalid",
		    "'to' must be a date or ISO-8601 time");
	f.has_from = from != NULL;
	f.has_to = to != NULL;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	rc = audit_list_json(rq->db, &w, &f, &more, &last, &rq->err);
	if (rc)
		return rc;
	list_next_cursor(&w, more, last);
	jw_obj_close(&w);
	return SVC_OK;
}
