/*
 * api_auth — log in and out, one's own account, password and API tokens.
 *
 * Checking a password (a login, a password change) is throttled per account
 * name and per client address: failed checks (login_max_user/_addr per
 * login_window_s) and every attempt (login_rate_user/_addr per
 * login_rate_window_s); the counts live in the database, so several servers
 * share them.  A check over a limit answers 429 with Retry-After before any
 * hashing.  Password hashing runs outside any write transaction: it takes
 * ~90 ms and at most two run at once; at most hash_queue_max requests hash
 * or wait to, one more answers 503 with Retry-After at once.  A login's
 * check runs on a thread of its own while its connection is suspended (see
 * login_finish); a password change's runs on its HTTP thread.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/user/user.h"
#include "util/clock.h"

struct session_in {
	const char *username;
	const char *password;
};

const struct field session_fields[] = {
	{ "username", F_TEXT, offsetof(struct session_in, username), F_REQUIRED,
	    1, USERNAME_MAX, 0, NULL, "login name" },
	{ "password", F_TEXT, offsetof(struct session_in, password),
	    F_REQUIRED | F_SECRET, 1, PASSWORD_MAX, 0, NULL, "password" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

/*
 * Secure when cookie_secure says so, or, when it is not set, whenever the
 * server is told that its clients reach it over TLS (behind_tls).
 */
static const char *
cookie_flags(const struct config *cfg)
{
	bool secure = cfg->cookie_secure_set ? cfg->cookie_secure :
	    cfg->behind_tls;

	return secure ? "; Secure" : "";
}

static struct login_limits
limits_of(const struct config *cfg)
{
	return (struct login_limits){ cfg->login_max_user, cfg->login_max_addr,
		cfg->login_window_s, cfg->login_rate_user, cfg->login_rate_addr,
		cfg->login_rate_window_s };
}

/* May the name try a password from this address now?  429 when not. */
static enum svc_code
gate(struct req *rq, const char *username)
{
	struct login_limits l = limits_of(&rq->app->cfg);
	const char *field;
	enum svc_code rc;
	int retry;

	rc = login_gate(rq->db, &l, username, rq->ip, clock_now(), &retry,
	    &field, &rq->err);
	if (rc != SVC_OK || retry == 0)
		return rc;
	svc_fail(&rq->err, SVC_ERATE, field, "too many password attempts; "
	    "try again in %d seconds", retry);
	rq->err.retry_after = retry;
	return SVC_ERATE;
}

/* Requests hashing a password or waiting for a hash slot. */
static unsigned hashing;

/* A place among the hashing requests, or 503 with Retry-After. */
static enum svc_code
hash_enter(struct req *rq, struct resp *rs)
{
	unsigned max = (unsigned)rq->app->cfg.hash_queue_max;

	if (__atomic_add_fetch(&hashing, 1, __ATOMIC_ACQ_REL) <= max)
		return SVC_OK;
	__atomic_sub_fetch(&hashing, 1, __ATOMIC_ACQ_REL);
	resp_header(rs, "Retry-After", "1");
	return svc_fail(&rq->err, SVC_EUNAVAILABLE, NULL,
	    "too many password checks at once; try again in a second");
}

static void
hash_leave(void)
{
	__atomic_sub_fetch(&hashing, 1, __ATOMIC_ACQ_REL);
}

struct login_ctx {
	struct req *rq;
	const char *username;
	const char *password;
	char *hash;		/* the account's, NULL when there is none */
	struct user *u;
	bool ok;
	char *token;
	char *csrf;
	int64_t token_id;
	int64_t ttl;
};

static enum svc_code
login_record(struct db *db, void *arg, struct svc_err *err)
{
	struct login_ctx *c = arg;
	struct req *rq = c->rq;
	struct login_limits l = limits_of(&rq->app->cfg);
	struct actor who = req_actor(rq);
	enum svc_code rc;

	rc = login_count(db, &l, c->username, rq->ip, c->ok, clock_now(), err);
	if (rc)
		return rc;
	if (!c->ok) {
		struct buf b;

		/* the actor is unknown; the name tried is part of the record */
		who.username = "anonymous";
		if (c->u != NULL)
			who.user_id = c->u->id;
		buf_init(&b, 1024);
		buf_adds(&b, "{\"username\":");
		json_escape(&b, c->username, strlen(c->username));
		buf_addf(&b, ",\"ip\":\"%s\"}", rq->ip);
		rc = audit_write(db, &who, "login_failed", "session", 0, NULL,
		    b.p, err);
		buf_release(&b);
		return rc;
	}
	who.user_id = c->u->id;
	who.username = c->u->username;
	rc = auth_token_create(db, &rq->arena, c->u->id, TOKEN_SESSION,
	    "session", rq->ip, c->ttl, &c->token, &c->csrf, &c->token_id, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &who, "login", "session", c->token_id, NULL,
		    arena_printf(&rq->arena, "{\"ip\":\"%s\"}", rq->ip), err);
	return rc;
}

/*
 * The slow half of a login, off the HTTP threads where the request can
 * wait (a libmicrohttpd thread serves every connection it accepted, so a
 * hash on it would hold them all): check the password, record the attempt,
 * answer.
 */
static enum svc_code
login_finish(struct req *rq, struct resp *rs)
{
	struct login_ctx *c = rq->ctx;
	struct config *cfg = &rq->app->cfg;
	enum svc_code rc;
	struct jw w;

	c->ok = auth_verify_password(&rq->app->hash_slots, c->hash,
	    c->password) && c->u != NULL && c->u->active;
	hash_leave();
	c->ttl = (int64_t)cfg->session_hours * 3600;
	if (rq->db == NULL) {
		rc = store_acquire(rq->app->store, &rq->db, &rq->err);
		if (rc != SVC_OK)
			return rc;
	}
	rc = store_write(rq->app->store, rq->db, login_record, c, &rq->err);
	if (rc)
		return rc;
	if (!c->ok)
		return svc_fail(&rq->err, SVC_EAUTH, "password",
		    "wrong username or password, or the account is disabled");
	resp_header(rs, "Set-Cookie", arena_printf(&rq->arena,
	    "as_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
	    c->token, (long long)c->ttl, cookie_flags(cfg)));
	resp_header(rs, "Set-Cookie", arena_printf(&rq->arena,
	    "as_csrf=%s; Path=/; SameSite=Strict; Max-Age=%lld%s",
	    c->csrf, (long long)c->ttl, cookie_flags(cfg)));
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_kstr(&w, "token", c->token);
	jw_kstr(&w, "csrf_token", c->csrf);
	jw_ktime(&w, "expires_at", clock_now() + c->ttl);
	jw_key(&w, "user");
	user_to_json(&w, c->u);
	jw_obj_close(&w);
	return SVC_OK;
}

/* POST /api/v1/session {username, password} */
enum svc_code
api_session_create(struct req *rq, struct resp *rs)
{
	struct session_in in = { 0 };
	struct login_ctx *c;
	enum svc_code rc;

	rc = decode_json(rq, session_fields, &in, NULL);
	if (rc)
		return rc;
	c = arena_alloc(&rq->arena, sizeof(*c));
	if (c == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	*c = (struct login_ctx){ .rq = rq, .username = in.username,
		.password = in.password };
	rc = gate(rq, in.username);
	if (rc)
		return rc;
	rc = user_get_by_name(rq->db, &rq->arena, in.username, &c->u,
	    &c->hash, &rq->err);
	if (rc != SVC_OK && rc != SVC_ENOTFOUND)
		return rc;
	rc = hash_enter(rq, rs);
	if (rc)
		return rc;
	rq->ctx = c;
	if (rq->can_suspend) {
		rq->offload = login_finish;
		return SVC_OK;
	}
	return login_finish(rq, rs);
}

/* DELETE /api/v1/session */
enum svc_code
api_session_delete(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;

	rc = auth_token_revoke(rq->db, &who, rq->who.user_id, rq->who.token_id,
	    &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	resp_header(rs, "Set-Cookie", arena_printf(&rq->arena,
	    "as_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	    cookie_flags(&rq->app->cfg)));
	resp_header(rs, "Set-Cookie", arena_printf(&rq->arena,
	    "as_csrf=; Path=/; SameSite=Strict; Max-Age=0%s",
	    cookie_flags(&rq->app->cfg)));
	return SVC_OK;
}

/* GET /api/v1/session: who am I, with my permissions */
enum svc_code
api_session_get(struct req *rq, struct resp *rs)
{
	struct user *u;
	enum svc_code rc;
	struct jw w;
	char **perms;
	size_t n;

	rc = user_get(rq->db, &rq->arena, rq->who.user_id, &u, &rq->err);
	if (rc == SVC_OK)
		rc = auth_permissions(rq->db, &rq->arena, u->id, &perms, &n,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "user");
	user_to_json(&w, u);
	jw_key(&w, "permissions");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		jw_str(&w, perms[i]);
	jw_arr_close(&w);
	jw_obj_close(&w);
	return SVC_OK;
}

/* ----- password ----- */

struct password_in {
	const char *current_password;
	const char *new_password;
	char hash[crypto_pwhash_STRBYTES];
};

const struct field password_fields[] = {
	{ "current_password", F_TEXT, offsetof(struct password_in,
	    current_password), F_REQUIRED | F_SECRET, 1, PASSWORD_MAX, 0, NULL,
	    "the password now" },
	{ "new_password", F_TEXT, offsetof(struct password_in, new_password),
	    F_REQUIRED | F_SECRET, PASSWORD_MIN, PASSWORD_MAX, 0, NULL,
	    "the new password, at least 8 characters" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

struct check_ctx {
	struct req *rq;
	bool ok;
};

/* A password change's check of the current password counts as a login's. */
static enum svc_code
check_record(struct db *db, void *arg, struct svc_err *err)
{
	struct check_ctx *c = arg;
	struct login_limits l = limits_of(&c->rq->app->cfg);

	return login_count(db, &l, c->rq->who.username, c->rq->ip, c->ok,
	    clock_now(), err);
}

/*
 * Runs before the transaction: check the old password (throttled and
 * counted as a login is), hash the new one.
 */
enum svc_code
api_password_prepare(struct req *rq, struct resp *rs)
{
	struct password_in *in;
	struct check_ctx c = { rq, false };
	struct user *u;
	char *hash = NULL;
	enum svc_code rc;
	bool hashed;

	in = arena_alloc(&rq->arena, sizeof(*in));
	if (in == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	rc = decode_json(rq, password_fields, in, NULL);
	if (rc)
		return rc;
	rc = gate(rq, rq->who.username);
	if (rc)
		return rc;
	rc = user_get_by_name(rq->db, &rq->arena, rq->who.username, &u, &hash,
	    &rq->err);
	if (rc)
		return rc;
	rc = hash_enter(rq, rs);
	if (rc)
		return rc;
	c.ok = auth_verify_password(&rq->app->hash_slots, hash,
	    in->current_password);
	hashed = c.ok && auth_hash_password(&rq->app->hash_slots,
	    in->new_password, in->hash);
	hash_leave();
	rc = store_write(rq->app->store, rq->db, check_record, &c, &rq->err);
	if (rc)
		return rc;
	if (!c.ok)
		return svc_fail_field(&rq->err, SVC_EUNPROCESSABLE,
		    "current_password", "wrong", "the current password is wrong");
	if (!hashed)
		return svc_fail(&rq->err, SVC_EINTERNAL, NULL,
		    "cannot hash the password");
	rq->ctx = in;
	return SVC_OK;
}

/* POST /api/v1/session/password {current_password, new_password} */
enum svc_code
api_password_change(struct req *rq, struct resp *rs)
{
	struct password_in *in = rq->ctx;
	struct actor who = req_actor(rq);
	enum svc_code rc;

	rc = user_set_password(rq->db, &rq->arena, &who, rq->who.user_id,
	    in->hash, rq->who.token_id, &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/* ----- API tokens ----- */

struct token_in {
	const char *name;
	int64_t days;
};

const struct field token_fields[] = {
	{ "name", F_TEXT, offsetof(struct token_in, name), F_REQUIRED, 1, 100,
	    0, NULL, "what the token is for" },
	{ "expires_in_days", F_I64, offsetof(struct token_in, days), 0, 1, 3650,
	    0, NULL, "lifetime in days (default 365)" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static void
token_to_json(struct jw *w, const struct token_info *t)
{
	jw_obj_open(w);
	jw_ki64(w, "id", t->id);
	jw_kstr(w, "name", t->name);
	jw_ktime(w, "created_at", t->created_at);
	jw_ktime(w, "expires_at", t->expires_at);
	jw_obj_close(w);
}

/* GET /api/v1/tokens */
enum svc_code
api_token_list(struct req *rq, struct resp *rs)
{
	struct token_info *items;
	enum svc_code rc;
	struct jw w;
	size_t n;

	rc = auth_token_list(rq->db, &rq->arena, rq->who.user_id, &items, &n,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		token_to_json(&w, &items[i]);
	jw_arr_close(&w);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return SVC_OK;
}

/* POST /api/v1/tokens {name, expires_in_days} */
enum svc_code
api_token_create(struct req *rq, struct resp *rs)
{
	struct token_in in = { NULL, 365 };
	struct actor who = req_actor(rq);
	struct token_info t = { 0 };
	enum svc_code rc;
	struct jw w;
	char *token;

	rc = decode_json(rq, token_fields, &in, NULL);
	if (rc)
		return rc;
	rc = auth_token_create(rq->db, &rq->arena, rq->who.user_id, TOKEN_API,
	    in.name, rq->ip, in.days * 86400, &token, NULL, &t.id, &rq->err);
	if (rc)
		return rc;
	rc = audit_write(rq->db, &who, "create", "auth_token", t.id, NULL,
	    arena_printf(&rq->arena, "{\"name\":\"api token\",\"days\":%lld}",
	    (long long)in.days), &rq->err);
	if (rc)
		return rc;
	t.name = (char *)in.name;
	t.created_at = clock_now();
	t.expires_at = t.created_at + in.days * 86400;
	resp_json(rs, 201, &w);
	jw_obj_open(&w);
	jw_kstr(&w, "token", token);
	jw_key(&w, "info");
	token_to_json(&w, &t);
	jw_obj_close(&w);
	return SVC_OK;
}

/* DELETE /api/v1/tokens/{id} */
enum svc_code
api_token_delete(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	rc = auth_token_revoke(rq->db, &who, rq->who.user_id, id, &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/* ----- saved views ----- */

struct view_in {
	const char *page;
	const char *name;
	const char *query;
};

const struct field view_fields[] = {
	{ "page", F_TEXT, offsetof(struct view_in, page), F_REQUIRED, 1, 40,
	    0, NULL, "the list screen (requests, returns ...): a-z and _" },
	{ "name", F_TEXT, offsetof(struct view_in, name), F_REQUIRED, 1, 60,
	    0, NULL, "the view's name, unique per screen" },
	{ "query", F_TEXT, offsetof(struct view_in, query), F_REQUIRED, 0,
	    VIEW_QUERY_MAX, 0, NULL, "the screen's query string "
	    "(state=new,dispatched&type=repair); at most 2000 bytes" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

const char *const view_list_query[] = { "page", NULL };

/* GET /api/v1/views?page=requests */
enum svc_code
api_view_list(struct req *rq, struct resp *rs)
{
	const char *page = req_query(rq, "page");
	struct saved_view *items;
	enum svc_code rc;
	struct jw w;
	size_t n;

	rc = query_allow(rq, view_list_query);
	if (rc == SVC_OK)
		rc = view_list(rq->db, &rq->arena, rq->who.user_id,
		    page != NULL && page[0] != '\0' ? page : NULL, &items, &n,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		view_to_json(&w, &items[i]);
	jw_arr_close(&w);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return SVC_OK;
}

/* POST /api/v1/views {page, name, query} */
enum svc_code
api_view_save(struct req *rq, struct resp *rs)
{
	struct view_in in = { NULL, NULL, NULL };
	struct actor who = req_actor(rq);
	struct saved_view d, *v;
	enum svc_code rc;
	struct jw w;

	rc = decode_json(rq, view_fields, &in, NULL);
	if (rc)
		return rc;
	d.id = 0;
	d.page = (char *)in.page;
	d.name = (char *)in.name;
	d.query = (char *)in.query;
	d.created_at = 0;
	rc = view_save(rq->db, &rq->arena, &who, &d, &v, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	view_to_json(&w, v);
	return SVC_OK;
}

/* DELETE /api/v1/views/{id} */
enum svc_code
api_view_delete(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	rc = view_delete(rq->db, &who, id, &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}
