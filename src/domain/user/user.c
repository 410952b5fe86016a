/*
 * user — accounts, the permission matrix and departments.
 *
 * Every change runs inside a store_write() callback and audits itself with
 * the record before and after.  Updates are optimistic: "UPDATE ... WHERE id
 * = ? AND version = ?"; no row changed means the caller's copy is stale.
 */
#include "domain/user/user.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

#define USER_COLS "id, username, display_name, phone, email, department_id," \
	" customer_id, active, version, created_at, updated_at"

/* An allocation failed: the request's memory, never "not found". */
static enum svc_code
oom(struct svc_err *err)
{
	return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
}

static void
user_from_row(struct dbq *q, struct arena *a, struct user *u)
{
	u->id = db_i64(q, 0);
	u->username = db_dup(q, 1, a);
	u->display_name = db_dup(q, 2, a);
	u->phone = db_dup(q, 3, a);
	u->email = db_dup(q, 4, a);
	u->department_id = db_i64(q, 5);
	u->customer_id = db_i64(q, 6);
	u->active = db_i64(q, 7) != 0;
	u->version = db_i64(q, 8);
	u->created_at = db_i64(q, 9);
	u->updated_at = db_i64(q, 10);
}

static enum svc_code
user_load_roles(struct db *db, struct arena *a, struct user *u,
    struct svc_err *err)
{
	const char *tmp[ROLES_MAX];
	struct dbq *q;
	enum svc_code rc;
	size_t n = 0;

	rc = db_query(db, "SELECT role FROM user_roles WHERE user_id = ?"
	    " ORDER BY role", DB_ARGS(DB_I(u->id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && n < ROLES_MAX)
		tmp[n++] = db_dup(q, 0, a);
	rc = db_done(q, err);
	u->roles = arena_alloc(a, (n + 1) * sizeof(*u->roles));
	/* a role copied as "" would grant less than it should: refuse */
	if (u->roles == NULL || a->oom)
		return oom(err);
	memcpy(u->roles, tmp, n * sizeof(*tmp));
	u->nroles = n;
	return rc;
}

enum svc_code
user_get(struct db *db, struct arena *a, int64_t id, struct user **out,
    struct svc_err *err)
{
	struct user *u;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " USER_COLS " FROM users WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	u = arena_alloc(a, sizeof(*u));
	if (r == 1 && u != NULL)
		user_from_row(q, a, u);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (u == NULL || a->oom)
		return oom(err);
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id", "user %lld not found",
		    (long long)id);
	rc = user_load_roles(db, a, u, err);
	*out = u;
	return rc;
}

enum svc_code
user_get_by_name(struct db *db, struct arena *a, const char *name,
    struct user **out, char **password_hash, struct svc_err *err)
{
	struct user *u;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " USER_COLS ", password_hash FROM users"
	    " WHERE username = ?", DB_ARGS(DB_S(name)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	u = arena_alloc(a, sizeof(*u));
	if (r == 1 && u != NULL) {
		user_from_row(q, a, u);
		if (password_hash != NULL)
			*password_hash = db_dup(q, 11, a);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	/* a password hash copied as "" would turn the right password away */
	if (u == NULL || a->oom)
		return oom(err);
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "username",
		    "user '%s' not found", name);
	rc = user_load_roles(db, a, u, err);
	*out = u;
	return rc;
}

void
user_to_json(struct jw *w, const struct user *u)
{
	jw_obj_open(w);
	jw_ki64(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "display_name", u->display_name);
	jw_kstr(w, "phone", u->phone);
	jw_kstr(w, "email", u->email);
	jw_kid(w, "department_id", u->department_id);
	jw_kid(w, "customer_id", u->customer_id);
	jw_key(w, "roles");
	jw_arr_open(w);
	for (size_t i = 0; i < u->nroles; i++)
		jw_str(w, u->roles[i]);
	jw_arr_close(w);
	jw_kbool(w, "active", u->active);
	jw_ki64(w, "version", u->version);
	jw_ktime(w, "created_at", u->created_at);
	jw_ktime(w, "updated_at", u->updated_at);
	jw_obj_close(w);
}

char *
user_json_text(struct arena *a, const struct user *u)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	user_to_json(&w, u);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

static bool
username_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > USERNAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* Roles exist, no duplicates; customer role <=> customer_id. */
static enum svc_code
check_roles(struct db *db, const struct user_draft *d, struct svc_err *err)
{
	bool is_customer = false, ok;
	enum svc_code rc;
	int64_t n;

	if (d->nroles == 0)
		return svc_fail_field(err, SVC_EINVAL, "roles", "required",
		    "a user needs at least one role");
	if (d->nroles > ROLES_MAX)
		return svc_fail_field(err, SVC_EINVAL, "roles", "too_many",
		    "at most %d roles", ROLES_MAX);
	for (size_t i = 0; i < d->nroles; i++) {
		rc = role_exists(db, d->roles[i], &ok, err);
		if (rc)
			return rc;
		if (!ok)
			return svc_fail_field(err, SVC_EINVAL, "roles",
			    "unknown", "unknown role '%s'", d->roles[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(d->roles[i], d->roles[j]) == 0)
				return svc_fail_field(err, SVC_EINVAL, "roles",
				    "duplicate", "role '%s' given twice",
				    d->roles[i]);
		if (strcmp(d->roles[i], "customer") == 0)
			is_customer = true;
	}
	if (is_customer && d->customer_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id", "required",
		    "a customer user must be bound to a customer company");
	if (!is_customer && d->customer_id != 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id",
		    "not_allowed", "only customer users belong to a customer");
	if (d->customer_id != 0) {
		rc = db_one_i64(db, "SELECT count(*) FROM customers WHERE id = ?",
		    DB_ARGS(DB_I(d->customer_id)), &n, err);
		if (rc)
			return rc;
		if (n == 0)
			return svc_fail_field(err, SVC_EINVAL, "customer_id",
			    "not_found", "customer %lld not found",
			    (long long)d->customer_id);
	}
	return SVC_OK;
}

static enum svc_code
check_department(struct db *db, int64_t id, struct svc_err *err)
{
	enum svc_code rc;
	int64_t n;

	if (id == 0)
		return SVC_OK;
	rc = db_one_i64(db, "SELECT count(*) FROM departments WHERE id = ?",
	    DB_ARGS(DB_I(id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail_field(err, SVC_EINVAL, "department_id",
		    "not_found", "department %lld not found", (long long)id);
	return SVC_OK;
}

static enum svc_code
write_roles(struct db *db, int64_t user_id, const struct user_draft *d,
    struct svc_err *err)
{
	enum svc_code rc;

	rc = db_exec(db, "DELETE FROM user_roles WHERE user_id = ?",
	    DB_ARGS(DB_I(user_id)), NULL, err);
	for (size_t i = 0; rc == SVC_OK && i < d->nroles; i++)
		rc = db_exec(db, "INSERT INTO user_roles (user_id, role)"
		    " VALUES (?, ?)", DB_ARGS(DB_I(user_id), DB_S(d->roles[i])),
		    NULL, err);
	return rc;
}

enum svc_code
user_create(struct db *db, struct arena *a, const struct actor *who,
    const struct user_draft *d, struct user **out, struct svc_err *err)
{
	enum svc_code rc;
	int64_t id, now = clock_now(), n;

	if (d->username == NULL || !username_ok(d->username))
		return svc_fail_field(err, SVC_EINVAL, "username", "invalid",
		    "username must be 2-%d characters of a-z, 0-9, '_', '.', '-'",
		    USERNAME_MAX);
	if (d->password_hash == NULL)
		return svc_fail_field(err, SVC_EINVAL, "password", "required",
		    "a password is required");
	rc = check_roles(db, d, err);
	if (rc == SVC_OK)
		rc = check_department(db, d->department_id, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT count(*) FROM users WHERE username = ?",
	    DB_ARGS(DB_S(d->username)), &n, err);
	if (rc)
		return rc;
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, "username", "taken",
		    "username '%s' is taken", d->username);
	rc = db_one_i64(db, "INSERT INTO users (username, display_name, phone,"
	    " email, department_id, customer_id, password_hash, active,"
	    " version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(d->username),
	    DB_S(d->display_name ? d->display_name : d->username),
	    DB_S(d->phone), DB_S(d->email), DB_ID(d->department_id),
	    DB_ID(d->customer_id), DB_S(d->password_hash), DB_I(d->active),
	    DB_I(now), DB_I(now)), &id, err);
	if (rc)
		return rc;
	rc = write_roles(db, id, d, err);
	if (rc == SVC_OK)
		rc = user_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "user", id, NULL,
		    user_json_text(a, *out), err);
	return rc;
}

enum svc_code
user_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct user_draft *d, unsigned mask,
    struct user **out, struct svc_err *err)
{
	struct user *cur, *after;
	struct user_draft merged;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = user_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = user_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "user", expected, before);
	merged = (struct user_draft){
		.display_name = mask & UF_DISPLAY_NAME ? d->display_name :
		    cur->display_name,
		.phone = mask & UF_PHONE ? d->phone : cur->phone,
		.email = mask & UF_EMAIL ? d->email : cur->email,
		.department_id = mask & UF_DEPARTMENT ? d->department_id :
		    cur->department_id,
		.customer_id = mask & UF_CUSTOMER ? d->customer_id :
		    cur->customer_id,
		.roles = mask & UF_ROLES ? d->roles : cur->roles,
		.nroles = mask & UF_ROLES ? d->nroles : cur->nroles,
		.active = mask & UF_ACTIVE ? d->active : cur->active,
	};
	if (merged.display_name == NULL || merged.display_name[0] == '\0')
		return svc_fail_field(err, SVC_EINVAL, "display_name",
		    "required", "display_name cannot be empty");
	if (id == who->user_id && !merged.active)
		return svc_fail_field(err, SVC_EUNPROCESSABLE, "active",
		    "self", "you cannot disable your own account");
	rc = check_roles(db, &merged, err);
	if (rc == SVC_OK && (mask & UF_DEPARTMENT))
		rc = check_department(db, merged.department_id, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE users SET display_name = ?, phone = ?,"
	    " email = ?, department_id = ?, customer_id = ?, active = ?,"
	    " version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(merged.display_name), DB_S(merged.phone),
	    DB_S(merged.email), DB_ID(merged.department_id),
	    DB_ID(merged.customer_id), DB_I(merged.active), DB_I(clock_now()),
	    DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "user", expected, before);
	if (mask & UF_ROLES) {
		rc = write_roles(db, id, &merged, err);
		if (rc)
			return rc;
	}
	if (!merged.active) {
		/* disabling ends every session and token at once */
		rc = db_exec(db, "DELETE FROM auth_tokens WHERE user_id = ?",
		    DB_ARGS(DB_I(id)), NULL, err);
		if (rc)
			return rc;
	}
	rc = user_get(db, a, id, &after, err);
	if (rc)
		return rc;
	rc = audit_write(db, who, "update", "user", id, before,
	    user_json_text(a, after), err);
	*out = after;
	return rc;
}

enum svc_code
user_set_password(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, const char *hash, int64_t keep_token_id, struct svc_err *err)
{
	enum svc_code rc;
	int64_t changed;

	(void)a;
	rc = db_exec(db, "UPDATE users SET password_hash = ?,"
	    " version = version + 1, updated_at = ? WHERE id = ?",
	    DB_ARGS(DB_S(hash), DB_I(clock_now()), DB_I(id)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return svc_fail(err, SVC_ENOTFOUND, "id", "user %lld not found",
		    (long long)id);
	rc = db_exec(db, "DELETE FROM auth_tokens WHERE user_id = ? AND id <> ?",
	    DB_ARGS(DB_I(id), DB_I(keep_token_id)), NULL, err);
	if (rc)
		return rc;
	return audit_write(db, who, "password_change", "user", id, NULL,
	    "{\"password\":\"changed\"}", err);
}

enum svc_code
user_list(struct db *db, struct arena *a, const struct user_filter *f,
    int64_t after_id, int limit, struct user ***out, size_t *n, bool *more,
    struct svc_err *err)
{
	struct dbv args[8];
	size_t na = 0, cnt = 0;
	struct buf sql;
	struct user **items;
	struct dbq *q;
	enum svc_code rc;
	char *like = NULL;

	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " USER_COLS " FROM users WHERE id > ?");
	args[na++] = DB_I(after_id);
	if (f->q != NULL && f->q[0] != '\0') {
		like = arena_printf(a, "%%%s%%", f->q);
		buf_adds(&sql, " AND (username LIKE ? OR display_name LIKE ?)");
		args[na++] = DB_S(like);
		args[na++] = DB_S(like);
	}
	if (f->role != NULL) {
		buf_adds(&sql, " AND id IN (SELECT user_id FROM user_roles"
		    " WHERE role = ?)");
		args[na++] = DB_S(f->role);
	}
	if (f->department_id != 0) {
		buf_adds(&sql, " AND department_id = ?");
		args[na++] = DB_I(f->department_id);
	}
	if (f->active >= 0) {
		buf_adds(&sql, " AND active = ?");
		args[na++] = DB_I(f->active);
	}
	buf_adds(&sql, " ORDER BY id LIMIT ?");
	args[na++] = DB_I(limit + 1);
	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL) {
		buf_release(&sql);
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	}
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < (size_t)limit + 1) {
		items[cnt] = arena_alloc(a, sizeof(struct user));
		if (items[cnt] == NULL)
			break;
		user_from_row(q, a, items[cnt]);
		cnt++;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	*more = cnt > (size_t)limit;
	if (*more)
		cnt = (size_t)limit;
	for (size_t i = 0; i < cnt && rc == SVC_OK; i++)
		rc = user_load_roles(db, a, items[i], err);
	*out = items;
	*n = cnt;
	return rc;
}

/* ----- roles and permissions ----- */

enum svc_code
perm_allowed(struct db *db, int64_t user_id, const char *perm, bool *ok,
    struct svc_err *err)
{
	enum svc_code rc;
	int64_t n = 0;

	rc = db_one_i64(db, "SELECT count(*) FROM user_roles ur"
	    " JOIN role_permissions rp ON rp.role = ur.role"
	    " WHERE ur.user_id = ? AND rp.permission = ?",
	    DB_ARGS(DB_I(user_id), DB_S(perm)), &n, err);
	*ok = rc == SVC_OK && n > 0;
	return rc;
}

enum svc_code
role_exists(struct db *db, const char *role, bool *ok, struct svc_err *err)
{
	enum svc_code rc;
	int64_t n = 0;

	rc = db_one_i64(db, "SELECT count(*) FROM roles WHERE key = ?",
	    DB_ARGS(DB_S(role)), &n, err);
	*ok = n > 0;
	return rc;
}

static enum svc_code
role_perms_json(struct db *db, struct jw *w, const char *role,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT permission FROM role_permissions"
	    " WHERE role = ? ORDER BY permission", DB_ARGS(DB_S(role)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1)
		jw_str(w, db_str(q, 0));
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
role_matrix_json(struct db *db, struct jw *w, struct svc_err *err)
{
	struct arena a;
	struct dbq *q;
	enum svc_code rc;
	char *keys[64];
	size_t n = 0;

	arena_init(&a, 1u << 20);
	jw_obj_open(w);
	jw_key(w, "roles");
	jw_arr_open(w);
	rc = db_query(db, "SELECT key, name_zh, name_en, description FROM roles"
	    " ORDER BY key", DB_NOARGS, &q, err);
	if (rc)
		goto out;
	while (db_next(q) == 1 && n < 64) {
		keys[n++] = db_dup(q, 0, &a);
		jw_obj_open(w);
		jw_kstr(w, "key", db_str(q, 0));
		jw_kstr(w, "name_zh", db_str(q, 1));
		jw_kstr(w, "name_en", db_str(q, 2));
		jw_kstr(w, "description", db_str(q, 3));
		jw_obj_close(w);
	}
	rc = db_done(q, err);
	if (rc)
		goto out;
	jw_arr_close(w);
	/* the matrix proper, role -> permissions */
	jw_key(w, "matrix");
	jw_obj_open(w);
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		jw_key(w, keys[i]);
		rc = role_perms_json(db, w, keys[i], err);
	}
	jw_obj_close(w);
	jw_key(w, "permissions");
	jw_arr_open(w);
	rc = rc ? rc : db_query(db, "SELECT key, description FROM permissions"
	    " ORDER BY key", DB_NOARGS, &q, err);
	if (rc)
		goto out;
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_kstr(w, "key", db_str(q, 0));
		jw_kstr(w, "description", db_str(q, 1));
		jw_obj_close(w);
	}
	rc = db_done(q, err);
	jw_arr_close(w);
	jw_obj_close(w);
out:
	arena_release(&a);
	return rc;
}

static char *
role_perms_text(struct db *db, struct arena *a, const char *role,
    struct svc_err *err)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	if (role_perms_json(db, &w, role, err) != SVC_OK) {
		buf_release(&b);
		return NULL;
	}
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
role_set_permissions(struct db *db, struct arena *a, const struct actor *who,
    const char *role, const char **perms, size_t n, struct svc_err *err)
{
	enum svc_code rc;
	char *before, *after;
	bool ok;
	int64_t cnt;

	rc = role_exists(db, role, &ok, err);
	if (rc)
		return rc;
	if (!ok)
		return svc_fail(err, SVC_ENOTFOUND, "role", "role '%s' not found",
		    role);
	for (size_t i = 0; i < n; i++) {
		rc = db_one_i64(db, "SELECT count(*) FROM permissions"
		    " WHERE key = ?", DB_ARGS(DB_S(perms[i])), &cnt, err);
		if (rc)
			return rc;
		if (cnt == 0)
			return svc_fail_field(err, SVC_EINVAL, "permissions",
			    "unknown", "unknown permission '%s'", perms[i]);
	}
	if (strcmp(role, "admin") == 0) {
		bool keeps = false;

		for (size_t i = 0; i < n; i++)
			if (strcmp(perms[i], "role.manage") == 0)
				keeps = true;
		if (!keeps)
			return svc_fail_field(err, SVC_EUNPROCESSABLE,
			    "permissions", "lockout",
			    "admin must keep 'role.manage', or nobody could "
			    "edit the matrix again");
	}
	before = role_perms_text(db, a, role, err);
	if (before == NULL)
		return err ? err->code : SVC_ESTORE;
	rc = db_exec(db, "DELETE FROM role_permissions WHERE role = ?",
	    DB_ARGS(DB_S(role)), NULL, err);
	for (size_t i = 0; rc == SVC_OK && i < n; i++)
		rc = db_exec(db, "INSERT INTO role_permissions (role, permission)"
		    " VALUES (?, ?) ON CONFLICT DO NOTHING",
		    DB_ARGS(DB_S(role), DB_S(perms[i])), NULL, err);
	if (rc)
		return rc;
	after = role_perms_text(db, a, role, err);
	if (after == NULL)
		return err ? err->code : SVC_ESTORE;
	return audit_write(db, who, "update", "role_permissions", 0,
	    arena_printf(a, "{\"role\":\"%s\",\"permissions\":%s}", role, before),
	    arena_printf(a, "{\"role\":\"%s\",\"permissions\":%s}", role, after),
	    err);
}
