/*
 * router — the front line: every request passes here once, in this order,
 * before any handler runs (kcgi's "front line of defence"):
 *
 *   path -> 404, method -> 405, query size -> 413, UTF-8 of the path and
 *   the query -> 400, authentication (bearer token or
 *   session cookie) -> 401, CSRF header on cookie writes -> 403, permission
 *   from the matrix (and never a staff-only one for a customer user) -> 403,
 *   Content-Type -> 415, body (UTF-8, JSON object)
 *   -> 400, then the handler: directly for reads, inside one write
 *   transaction for R_WRITE (with Idempotency-Key replay for creates).
 *
 * Afterwards: metrics and one access-log line.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/user/user.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"

#define CSRF_HEADER "X-CSRF-Token"
#define IDEM_KEY_MAX 200

/*
 * Permissions a user bound to a customer company never holds, whatever the
 * matrix says: their routes read every company's records (other users, the
 * audit log's before/after of every record, company-wide report counts)
 * and cannot be narrowed to one company.  Every other read route scopes a
 * customer user to its own company in its handler (SPEC §2).
 */
static const char *const staff_only_perms[] = { "user.read", "audit.read",
	"report.read", NULL };

static bool
staff_only_perm(const char *perm)
{
	for (size_t i = 0; perm != NULL && staff_only_perms[i] != NULL; i++)
		if (strcmp(staff_only_perms[i], perm) == 0)
			return true;
	return false;
}

/* ----- path matching ----- */

static bool
match_route(const char *pattern, const char *path, struct req *rq,
    bool capture)
{
	const char *p = pattern, *s = path;
	int np = 0;

	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = s;

			if (pe == NULL)
				return false;
			while (*se != '\0' && *se != '/')
				se++;
			if (se == s || np >= REQ_MAX_PARAMS)
				return false;
			if (capture)
				rq->params[np] = arena_strndup(&rq->arena, s,
				    (size_t)(se - s));
			np++;
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

/* ----- helpers shared by handlers ----- */

enum svc_code
req_param_id(struct req *rq, int i, int64_t *out)
{
	const char *s = rq->params[i];

	if (s == NULL || !str_to_i64(s, strlen(s), 1, INT64_MAX, out))
		return svc_fail(&rq->err, SVC_ENOTFOUND, "id",
		    "'%.40s' is not a valid id", s ? s : "");
	return SVC_OK;
}

struct actor
req_actor(struct req *rq)
{
	struct actor a = {
		.user_id = rq->who.user_id,
		.username = rq->who.username,
		.ip = rq->ip,
		.request_id = rq->id,
	};

	return a;
}

struct allow_ctx {
	struct req *rq;
	const char *const *allowed;
};

static enum svc_code
allow_one(void *arg, const char *k, const char *v)
{
	struct allow_ctx *c = arg;

	(void)v;
	for (size_t i = 0; c->allowed != NULL && c->allowed[i] != NULL; i++)
		if (strcmp(c->allowed[i], k) == 0)
			return SVC_OK;
	return svc_fail_field(&c->rq->err, SVC_EINVAL, k, "unknown",
	    "unknown query parameter '%.60s'", k);
}

enum svc_code
query_allow(struct req *rq, const char *const *allowed)
{
	struct allow_ctx c = { rq, allowed };

	return req_query_each(rq, allow_one, &c);
}

enum svc_code
query_i64(struct req *rq, const char *name, int64_t min, int64_t max,
    int64_t dflt, int64_t *out)
{
	const char *s = req_query(rq, name);

	if (s == NULL || s[0] == '\0') {
		*out = dflt;
		return SVC_OK;
	}
	if (!str_to_i64(s, strlen(s), min, max, out))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "out_of_range",
		    "'%s' must be an integer between %lld and %lld", name,
		    (long long)min, (long long)max);
	return SVC_OK;
}

/* An id parameter that may also be "me". */
enum svc_code
query_id_or_me(struct req *rq, const char *name, int64_t *out)
{
	const char *v = req_query(rq, name);

	if (v != NULL && strcmp(v, "me") == 0) {
		*out = rq->who.user_id;
		return SVC_OK;
	}
	return query_i64(rq, name, 1, INT64_MAX, 0, out);
}

enum svc_code
query_enum(struct req *rq, const char *name, const char *const *set,
    const char **out)
{
	const char *v = req_query(rq, name);

	*out = NULL;
	if (v == NULL || v[0] == '\0')
		return SVC_OK;
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcmp(set[i], v) == 0) {
			*out = set[i];
			return SVC_OK;
		}
	return svc_fail_field(&rq->err, SVC_EINVAL, name, "not_allowed",
	    "'%s' has a value that is not allowed", name);
}

enum svc_code
query_enum_mask(struct req *rq, const char *name, const char *const *names,
    int n, unsigned *out)
{
	const char *v = req_query(rq, name), *p, *e;

	*out = 0;
	if (v == NULL || v[0] == '\0')
		return SVC_OK;
	for (p = v; ; p = e + 1) {
		int i;

		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		for (i = 0; i < n && i < 32; i++)
			if (strlen(names[i]) == (size_t)(e - p) &&
			    memcmp(names[i], p, (size_t)(e - p)) == 0)
				break;
		if (i == n || i == 32 || (*out & (1u << i)))
			return svc_fail_field(&rq->err, SVC_EINVAL, name,
			    "not_allowed", "'%s' has a value that is not "
			    "allowed: '%.*s'", name, (int)(e - p > 40 ? 40 :
			    e - p), p);
		*out |= 1u << i;
		if (*e == '\0')
			return SVC_OK;
	}
}

enum svc_code
query_bool(struct req *rq, const char *name, bool *out)
{
	const char *v = req_query(rq, name);

	*out = false;
	if (v == NULL || v[0] == '\0' || strcmp(v, "false") == 0)
		return SVC_OK;
	if (strcmp(v, "true") == 0) {
		*out = true;
		return SVC_OK;
	}
	return svc_fail_field(&rq->err, SVC_EINVAL, name, "not_allowed",
	    "'%s' must be true or false", name);
}

enum svc_code
query_time(struct req *rq, const char *name, int64_t *out)
{
	const char *v = req_query(rq, name);

	*out = 0;
	if (v == NULL || v[0] == '\0')
		return SVC_OK;
	if (strlen(v) > 40 || !clock_parse(v, out))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be a date or an ISO-8601 time", name);
	return SVC_OK;
}

enum svc_code
list_params(struct req *rq, int64_t *cursor_id, int *limit)
{
	const char *c = req_query(rq, "cursor");
	enum svc_code rc;
	int64_t l;

	rc = query_i64(rq, "limit", 1, 200, 25, &l);
	if (rc)
		return rc;
	*limit = (int)l;
	*cursor_id = 0;
	if (c != NULL && c[0] != '\0') {
		if (strncmp(c, "id.", 3) != 0 ||
		    !str_to_i64(c + 3, strlen(c + 3), 0, INT64_MAX, cursor_id))
			return svc_fail_field(&rq->err, SVC_EINVAL, "cursor",
			    "invalid", "'cursor' is not a cursor this server "
			    "gave out");
	}
	return SVC_OK;
}

void
list_next_cursor(struct jw *w, bool more, int64_t last_id)
{
	char tmp[32];

	jw_key(w, "next_cursor");
	if (!more) {
		jw_null(w);
		return;
	}
	snprintf(tmp, sizeof(tmp), "id.%lld", (long long)last_id);
	jw_str(w, tmp);
}

enum svc_code
req_version(struct req *rq, int64_t body_version, int64_t *out)
{
	const char *im = req_header(rq, "If-Match");
	int64_t v;

	if (body_version > 0) {
		*out = body_version;
		return SVC_OK;
	}
	if (im != NULL) {
		size_t len = strlen(im);

		if (len >= 2 && im[0] == '"' && im[len - 1] == '"') {
			im++;
			len -= 2;
		}
		if (str_to_i64(im, len, 1, INT64_MAX, &v)) {
			*out = v;
			return SVC_OK;
		}
	}
	return svc_fail_field(&rq->err, SVC_EINVAL, "version", "required",
	    "'version' (or an If-Match header) is required to change a record");
}

/* ----- authentication ----- */

static enum svc_code
need_db(struct req *rq)
{
	if (rq->db != NULL)
		return SVC_OK;
	return store_acquire(rq->app->store, &rq->db, &rq->err);
}

/* The caller, and in the same query whether its roles grant *perm_ok. */
static enum svc_code
authenticate(struct req *rq, bool *perm_ok)
{
	const char *h = req_header(rq, "Authorization");
	const char *token = NULL;
	struct token_info t;
	struct user *u;
	char *csrf_hash = NULL;
	enum svc_code rc;

	if (h != NULL) {
		if (strncasecmp(h, "Bearer ", 7) != 0)
			return svc_fail(&rq->err, SVC_EAUTH, "Authorization",
			    "the Authorization header must be 'Bearer TOKEN'");
		token = h + 7;
	} else {
		token = req_cookie(rq, "as_session");
		rq->who.via_cookie = token != NULL;
	}
	if (token == NULL || token[0] == '\0')
		return svc_fail(&rq->err, SVC_EAUTH, NULL,
		    "log in first: POST /api/v1/session, then send the cookie "
		    "or 'Authorization: Bearer TOKEN'");
	rc = need_db(rq);
	if (rc)
		return rc;
	rc = auth_principal(rq->db, &rq->arena, token, rq->route->perm, &u, &t,
	    &csrf_hash, perm_ok, &rq->err);
	if (rc == SVC_ENOTFOUND)
		rc = svc_fail(&rq->err, SVC_EAUTH, NULL, "unknown user");
	if (rc)
		return rc;
	rq->who.user_id = u->id;
	rq->who.username = u->username;
	rq->who.display_name = u->display_name;
	rq->who.customer_id = u->customer_id;
	rq->who.token_id = t.id;
	rq->who.roles = u->roles;
	rq->who.nroles = u->nroles;
	rq->authed = true;
	if (rq->who.via_cookie && !(rq->method & (HTTP_GET | HTTP_HEAD |
	    HTTP_OPTIONS))) {
		const char *hdr = req_header(rq, CSRF_HEADER);
		char hh[65];

		if (hdr == NULL || csrf_hash == NULL)
			return svc_fail(&rq->err, SVC_EPERM, CSRF_HEADER,
			    "a write with the session cookie needs the "
			    "'" CSRF_HEADER "' header");
		auth_hash_hex(hdr, strlen(hdr), hh);
		if (strcmp(hh, csrf_hash) != 0)
			return svc_fail(&rq->err, SVC_EPERM, CSRF_HEADER,
			    "the '" CSRF_HEADER "' header does not match the "
			    "session");
	}
	return SVC_OK;
}

/* ----- body ----- */

static enum svc_code
parse_body(struct req *rq)
{
	const char *ct = req_header(rq, "Content-Type");
	json_error_t jerr;

	if (ct == NULL || (strncasecmp(ct, "application/json", 16) != 0) ||
	    (ct[16] != '\0' && ct[16] != ';'))
		return svc_fail(&rq->err, SVC_EMEDIA, "Content-Type",
		    "the body must be sent as 'Content-Type: application/json'");
	if (!utf8_valid(rq->body.p, rq->body.len))
		return svc_fail(&rq->err, SVC_EINVAL, "body",
		    "the body is not valid UTF-8");
	rq->json = json_loadb(rq->body.p, rq->body.len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (rq->json == NULL)
		return svc_fail_field(&rq->err, SVC_EINVAL, "body", "invalid_json",
		    "invalid JSON at line %d column %d: %.100s", jerr.line,
		    jerr.column, jerr.text);
	if (!json_is_object(rq->json))
		return svc_fail(&rq->err, SVC_EINVAL, "body",
		    "the body must be a JSON object");
	return SVC_OK;
}

/* ----- writes ----- */

struct write_ctx {
	struct req *rq;
	struct resp *rs;
	const char *idem_key;
	char body_hash[65];
	bool replayed;
};

static const char *
resp_location(const struct resp *rs)
{
	for (int i = 0; i < rs->nheaders; i++)
		if (strcmp(rs->headers[i].name, "Location") == 0)
			return rs->headers[i].value;
	return "";
}

/*
 * Secrets an answer may carry: an API token (shown once), a session's
 * tokens, a password.  Their values never reach idempotency_keys, so that
 * no table (nor a backup) holds one in plain text and a replay never shows
 * one again.
 */
static const char *const secret_keys[] = {
	"token", "csrf_token", "password", "secret", NULL
};

static bool
is_secret_key(const char *k)
{
	for (int i = 0; secret_keys[i] != NULL; i++)
		if (strcmp(k, secret_keys[i]) == 0)
			return true;
	return false;
}

/* Set every secret of v (at any depth) to null; true when one was found. */
static bool
redact_secrets(json_t *v)
{
	bool any = false;
	size_t i;
	json_t *m;
	void *it;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			if (redact_secrets(m))
				any = true;
		return any;
	}
	if (!json_is_object(v))
		return false;
	for (it = json_object_iter(v); it != NULL;
	    it = json_object_iter_next(v, it)) {
		m = json_object_iter_value(it);
		if (is_secret_key(json_object_iter_key(it))) {
			if (!json_is_null(m)) {
				json_object_iter_set_new(v, it, json_null());
				any = true;
			}
		} else if (redact_secrets(m)) {
			any = true;
		}
	}
	return any;
}

/*
 * The answer as kept for a replay: body itself when it holds no secret,
 * else a copy (arena-owned) with each secret set to null.  NULL when the
 * copy cannot be made (then nothing is kept: the write fails).
 */
static const char *
idem_kept_body(struct arena *a, const char *body)
{
	json_t *root;
	size_t len;
	char *out;

	if (strstr(body, "\"token\"") == NULL &&
	    strstr(body, "\"csrf_token\"") == NULL &&
	    strstr(body, "\"password\"") == NULL &&
	    strstr(body, "\"secret\"") == NULL)
		return body;
	root = json_loads(body, JSON_DECODE_ANY, NULL);
	if (root == NULL)
		return NULL;
	if (!redact_secrets(root)) {
		json_decref(root);
		return body;
	}
	/* the size first, then the text straight into the arena */
	len = json_dumpb(root, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
	out = len > 0 && len < SIZE_MAX ? arena_alloc(a, len + 1) : NULL;
	if (out != NULL && json_dumpb(root, out, len, JSON_COMPACT |
	    JSON_ENCODE_ANY) != len)
		out = NULL;
	json_decref(root);
	return out;
}

static enum svc_code
run_write(struct db *db, void *arg, struct svc_err *err)
{
	struct write_ctx *w = arg;
	struct req *rq = w->rq;
	struct db *saved = rq->db;
	enum idem_state st;
	enum svc_code rc;
	int status = 0;
	char *body = NULL, *location = NULL;

	rq->db = db;
	if (w->idem_key != NULL) {
		rc = idem_claim(db, &rq->arena, rq->who.user_id, w->idem_key,
		    rq->method_name, rq->path, w->body_hash, clock_now(), &st,
		    &status, &body, &location, err);
		if (rc)
			goto out;
		if (st == IDEM_MISMATCH) {
			rc = svc_fail(err, SVC_EUNPROCESSABLE,
			    "Idempotency-Key", "this Idempotency-Key was "
			    "already used for a different request");
			goto out;
		}
		if (st == IDEM_REPLAY) {
			w->rs->status = status;
			buf_reset(&w->rs->body);
			buf_adds(&w->rs->body, body);
			if (location != NULL && location[0] != '\0')
				resp_header(w->rs, "Location", location);
			w->replayed = true;
			rc = SVC_OK;
			goto out;
		}
	}
	rc = rq->route->fn(rq, w->rs);
	if (rc == SVC_OK && (rq->arena.oom || w->rs->body.failed))
		rc = svc_fail(err, SVC_ETOOBIG, NULL,
		    "the answer is too large for this request's memory");
	if (rc == SVC_OK && w->idem_key != NULL && w->rs->status < 300) {
		const char *kept = idem_kept_body(&rq->arena, w->rs->body.p);

		if (kept == NULL)
			rc = svc_fail(err, SVC_ETOOBIG, NULL, "the answer is "
			    "too large for this request's memory");
		else
			rc = idem_finish(db, rq->who.user_id, w->idem_key,
			    w->rs->status, kept, resp_location(w->rs), err);
	}
out:
	rq->db = saved;
	return rc;
}

/*
 * A list: as a file when ?format= (or Accept) asks for one, else its JSON
 * with format=json and lang accepted.
 */
static enum svc_code
list_or_export(struct req *rq, struct resp *rs)
{
	static const char *const hidden[][2] = {
		{ "format", NULL }, { "lang", NULL },
	};
	enum out_fmt fmt;
	enum svc_code rc;

	rc = api_out_format(rq, false, &fmt);
	if (rc)
		return rc;
	if (fmt != OUT_JSON)
		return api_export_list(rq, rs, fmt);
	rq->qover = hidden;
	rq->nqover = sizeof(hidden) / sizeof(hidden[0]);
	rc = rq->route->fn(rq, rs);
	rq->qover = NULL;
	rq->nqover = 0;
	return rc;
}

static enum svc_code
execute(struct req *rq, struct resp *rs)
{
	const struct route *r = rq->route;
	struct write_ctx w = { rq, rs, NULL, "", false };
	enum svc_code rc;

	if (!(r->flags & R_WRITE)) {
		if (rq->db == NULL) {
			rc = need_db(rq);
			if (rc != SVC_OK)
				return rc;
		}
		if (api_can_export(r))
			return list_or_export(rq, rs);
		return r->fn(rq, rs);
	}
	if (r->flags & R_IDEMPOTENT) {
		w.idem_key = req_header(rq, "Idempotency-Key");
		if (w.idem_key != NULL) {
			size_t len = strlen(w.idem_key);

			if (len == 0 || len > IDEM_KEY_MAX ||
			    !utf8_valid(w.idem_key, len))
				return svc_fail(&rq->err, SVC_EINVAL,
				    "Idempotency-Key", "Idempotency-Key must "
				    "be 1-%d characters", IDEM_KEY_MAX);
			auth_hash_hex(rq->body.p, rq->body.len, w.body_hash);
		}
	}
	rc = need_db(rq);
	if (rc)
		return rc;
	if (r->prepare != NULL) {
		rc = r->prepare(rq, rs);
		if (rc)
			return rc;
	}
	if (rq->can_suspend && store_can_write_async(rq->app->store)) {
		/* answered after the commit, by api_finish */
		rq->write = arena_alloc(&rq->arena, sizeof(*rq->write));
		if (rq->write == NULL)
			return svc_fail(&rq->err, SVC_ETOOBIG, NULL,
			    "out of request memory");
		*rq->write = w;
		return SVC_OK;
	}
	rc = store_write(rq->app->store, rq->db, run_write, &w, &rq->err);
	if (rc == SVC_OK && w.replayed)
		resp_header(rs, "Idempotent-Replayed", "true");
	return rc;
}

/* ----- dispatch ----- */

static void
access_log(struct req *rq, int status, int64_t dur_us)
{
	struct buf b;
	struct jw w;

	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_ktime(&w, "ts", clock_now());
	jw_kstr(&w, "level", "info");
	jw_kstr(&w, "msg", "request");
	jw_kstr(&w, "id", rq->id);
	jw_kstr(&w, "ip", rq->ip);
	jw_kstr(&w, "method", rq->method_name);
	jw_kstr(&w, "path", utf8_valid(rq->path, strlen(rq->path)) ?
	    rq->path : "(invalid utf-8)");
	jw_ki64(&w, "status", status);
	jw_ki64(&w, "dur_us", dur_us);
	if (rq->authed)
		jw_kstr(&w, "user", rq->who.username);
	if (status >= 400)
		jw_kstr(&w, "error", svc_slug(rq->err.code));
	jw_obj_close(&w);
	buf_addc(&b, '\n');
	log_line(b.p, b.len);
	buf_release(&b);
}

/*
 * The query string's length as sent ("k=v&k=v", decoded), and the first
 * parameter that is not UTF-8 ("query" when its name is not).
 */
struct query_scan {
	size_t len;
	const char *bad;
	bool nul;		/* bad holds a NUL (%00) */
};

static enum svc_code
scan_query(void *arg, const char *k, const char *v)
{
	struct query_scan *q = arg;
	size_t kl = strlen(k), vl = strlen(v);

	q->len += (q->len > 0 ? 1 : 0) + kl + 1 + vl;
	if (q->bad == NULL && text_has_nul(k, kl)) {
		q->bad = "query";
		q->nul = true;
	} else if (q->bad == NULL && text_has_nul(v, vl)) {
		q->bad = k;
		q->nul = true;
	} else if (q->bad == NULL && !utf8_valid(k, kl)) {
		q->bad = "query";
	} else if (q->bad == NULL && !utf8_valid(v, vl)) {
		q->bad = k;
	}
	return SVC_OK;
}

/* "GET, HEAD, POST" for the Allow header. */
static const char *
allow_list(struct arena *a, unsigned allowed)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {
		{ HTTP_GET, "GET, HEAD" }, { HTTP_POST, "POST" },
		{ HTTP_PUT, "PUT" }, { HTTP_PATCH, "PATCH" },
		{ HTTP_DELETE, "DELETE" },
	};
	struct buf b;
	char *s;

	buf_init(&b, 256);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(allowed & names[i].m))
			continue;
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, names[i].name);
	}
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

static enum svc_code
route_request(struct req *rq, struct resp *rs)
{
	unsigned allowed = 0;
	struct query_scan qs = { 0, NULL, false };
	enum svc_code rc;
	bool ok;

	rq->route_index = api_nroutes;
	for (size_t i = 0; i < api_nroutes; i++) {
		if (!match_route(api_routes[i].pattern, rq->path, rq, false))
			continue;
		allowed |= api_routes[i].method;
		if (api_routes[i].method & rq->method ||
		    (rq->method == HTTP_HEAD && api_routes[i].method == HTTP_GET)) {
			rq->route = &api_routes[i];
			rq->route_index = i;
			match_route(api_routes[i].pattern, rq->path, rq, true);
			break;
		}
	}
	if (rq->route == NULL) {
		if (allowed == 0 && strncmp(rq->path, "/api/", 5) != 0)
			return http_static(rq, rs);
		if (allowed == 0)
			return svc_fail(&rq->err, SVC_ENOTFOUND, "path",
			    "no such endpoint");
		resp_header(rs, "Allow", allow_list(&rq->arena, allowed));
		return svc_fail(&rq->err, SVC_EMETHOD, "method",
		    "method %s is not allowed here", rq->method_name);
	}
	req_query_each(rq, scan_query, &qs);
	if (qs.len > rq->app->cfg.query_max)
		return svc_fail(&rq->err, SVC_ETOOBIG, "query",
		    "the query string is longer than %zu bytes",
		    rq->app->cfg.query_max);
	if (qs.bad != NULL && qs.nul)
		return svc_fail_field(&rq->err, SVC_EINVAL, qs.bad, "invalid",
		    "'%s' holds a NUL (%%00)", qs.bad);
	if (qs.bad != NULL)
		return svc_fail_field(&rq->err, SVC_EINVAL, qs.bad, "invalid",
		    "'%s' is not valid UTF-8", qs.bad);
	if (!utf8_valid(rq->path, strlen(rq->path)))
		return svc_fail_field(&rq->err, SVC_EINVAL, "path", "invalid",
		    "the path is not valid UTF-8");
	if (!(rq->route->flags & R_PUBLIC)) {
		rc = authenticate(rq, &ok);
		if (rc)
			return rc;
		if (!ok)
			return svc_fail(&rq->err, SVC_EPERM, NULL,
			    "your roles do not grant '%s'", rq->route->perm);
		if (rq->who.customer_id != 0 &&
		    staff_only_perm(rq->route->perm))
			return svc_fail(&rq->err, SVC_EPERM, NULL,
			    "'%s' is for staff: customer users cannot hold it",
			    rq->route->perm);
	}
	if (rq->route->flags & R_JSON) {
		rc = parse_body(rq);
		if (rc)
			return rc;
	} else if (rq->body.len > 0 && !(rq->route->flags & R_RAW)) {
		return svc_fail(&rq->err, SVC_EINVAL, "body",
		    "this endpoint takes no body");
	}
	return execute(rq, rs);
}

size_t
api_body_limit(struct app *app, const char *method, const char *path)
{
	bool post = strcmp(method, "POST") == 0,
	    put = strcmp(method, "PUT") == 0;

	for (size_t i = 0; (post || put) && i < api_nroutes; i++) {
		const struct route *r = &api_routes[i];

		if (r->body_max == 0 || !((post && (r->method & HTTP_POST)) ||
		    (put && (r->method & HTTP_PUT))))
			continue;
		if (match_route(r->pattern, path, NULL, false))
			return r->body_max;
	}
	return app->cfg.body_max;
}

/* The answer's last steps: an error body, the connection back, the logs. */
static void
finish(struct req *rq, struct resp *rs, enum svc_code rc)
{
	int64_t dur;

	if (rc == SVC_OK && (rq->arena.oom || rs->body.failed))
		rc = svc_fail(&rq->err, SVC_ETOOBIG, NULL,
		    "the answer is too large for this request's memory");
	if (rc != SVC_OK) {
		if (rq->err.code == SVC_OK)
			svc_fail(&rq->err, rc, NULL, "%s", svc_slug(rc));
		rq->err.code = rc;
		if (rc == SVC_ERATE && rq->err.retry_after > 0)
			resp_header(rs, "Retry-After", arena_printf(&rq->arena,
			    "%d", rq->err.retry_after));
		resp_error(rs, &rq->err);
	}
	if (rq->db != NULL) {
		store_release(rq->app->store, rq->db);
		rq->db = NULL;
	}
	dur = clock_mono_us() - rq->started_us;
	metrics_observe(&rq->app->metrics, rq->route_index, rs->status, dur);
	if (rq->app->cfg.access_log)
		access_log(rq, rs->status, dur);
}

bool
api_dispatch(struct req *rq, struct resp *rs)
{
	enum svc_code rc;

	if (rq->app->stopping) {
		resp_header(rs, "Connection", "close");
		rc = svc_fail(&rq->err, SVC_EUNAVAILABLE, NULL,
		    "the server is shutting down");
	} else if (rq->arena.oom) {
		/* the path or method could not be copied: not a 404 */
		rc = svc_fail(&rq->err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	} else {
		rc = route_request(rq, rs);
	}
	if (rc == SVC_OK && (rq->write != NULL || rq->offload != NULL)) {
		/* no read connection held while the write waits */
		store_release(rq->app->store, rq->db);
		rq->db = NULL;
		return true;
	}
	finish(rq, rs, rc);
	return false;
}

static void
write_done(void *arg, enum svc_code rc)
{
	struct req *rq = arg;

	rq->write_rc = rc;
	__atomic_store_n(&rq->write_done, true, __ATOMIC_RELEASE);
	rq->write_cb(rq);
}

/* The thread of one offloaded request: its work, then the resume. */
static void *
offload_main(void *arg)
{
	struct req *rq = arg;

	write_done(rq, rq->offload(rq, rq->resp));
	return NULL;
}

void
api_write_start(struct req *rq, void (*done)(struct req *))
{
	enum svc_code rc;

	rq->write_cb = done;
	if (rq->offload != NULL) {
		pthread_attr_t attr;
		pthread_t t;
		int started;

		/* as many at once as hash_queue_max lets handlers offload */
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		started = pthread_create(&t, &attr, offload_main, rq) == 0;
		pthread_attr_destroy(&attr);
		if (!started)
			offload_main(rq);	/* no thread: here, then */
		return;
	}
	rc = store_write_async(rq->app->store, run_write, rq->write,
	    &rq->err, write_done, rq);
	if (rc != SVC_OK)
		write_done(rq, rc);	/* not queued: answer at once */
}

void
api_finish(struct req *rq, struct resp *rs)
{
	enum svc_code rc = rq->write_rc;

	if (rc == SVC_OK && rq->write != NULL && rq->write->replayed)
		resp_header(rs, "Idempotent-Replayed", "true");
	finish(rq, rs, rc);
}
