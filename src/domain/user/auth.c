/*
 * auth — password hashes (argon2id), tokens (random, stored as BLAKE2b
 * hashes) and login throttling (counted in the database, so that several
 * servers share the count).  The table login_failures keeps one row per
 * (scope, key): "user" and "addr" count failed password checks, "user_try"
 * and "addr_try" every attempt.
 */
#include "domain/user/user.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

bool
auth_hash_password(sem_t *slots, const char *password, char *out)
{
	int rc;

	while (sem_wait(slots) != 0)
		;
	rc = crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sem_post(slots);
	return rc == 0;
}

bool
auth_verify_password(sem_t *slots, const char *hash, const char *password)
{
	static const char dummy_pw[] = "not the password";
	char dummy[crypto_pwhash_STRBYTES];
	int rc;

	while (sem_wait(slots) != 0)
		;
	if (hash == NULL || hash[0] == '\0') {
		/* spend the same time, so unknown names cannot be told apart */
		rc = crypto_pwhash_str(dummy, dummy_pw, sizeof(dummy_pw) - 1,
		    crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE);
		sem_post(slots);
		(void)rc;
		return false;
	}
	rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	sem_post(slots);
	return rc == 0;
}

void
auth_hash_hex(const void *data, size_t len, char *out)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static char *
random_token(struct arena *a, const char *prefix, size_t nbytes)
{
	unsigned char raw[48];
	char enc[80];

	if (nbytes > sizeof(raw))
		nbytes = sizeof(raw);
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(enc, sizeof(enc), raw, nbytes,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return arena_printf(a, "%s%s", prefix, enc);
}

enum svc_code
auth_token_create(struct db *db, struct arena *a, int64_t user_id,
    enum token_kind kind, const char *name, const char *ip, int64_t ttl_s,
    char **token, char **csrf, int64_t *id, struct svc_err *err)
{
	char th[65], ch[65];
	int64_t now = clock_now();

	*token = random_token(a, kind == TOKEN_API ? "asa_" : "ass_", 32);
	auth_hash_hex(*token, strlen(*token), th);
	if (kind == TOKEN_SESSION) {
		*csrf = random_token(a, "", 24);
		auth_hash_hex(*csrf, strlen(*csrf), ch);
	} else if (csrf != NULL)
		*csrf = NULL;
	return db_one_i64(db, "INSERT INTO auth_tokens (user_id, kind, name,"
	    " token_hash, csrf_hash, created_at, expires_at, ip)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    DB_ARGS(DB_I(user_id), DB_S(kind == TOKEN_API ? "api" : "session"),
	    DB_S(name ? name : ""), DB_S(th),
	    kind == TOKEN_SESSION ? DB_S(ch) : DB_NULL, DB_I(now),
	    DB_I(now + ttl_s), DB_S(ip ? ip : "")), id, err);
}

enum svc_code
auth_token_lookup(struct db *db, struct arena *a, const char *token,
    struct user **u, struct token_info *t, char **csrf_hash,
    struct svc_err *err)
{
	bool ok;

	return auth_principal(db, a, token, NULL, u, t, csrf_hash, &ok, err);
}

/*
 * One row per role of the token's user (one with a NULL role when it has
 * none), each saying whether that role grants perm.
 */
static enum svc_code
principal_query(struct db *db, struct arena *a, const char *th,
    const char *perm, struct user **out, struct token_info *t,
    char **csrf_hash, bool *perm_ok, struct svc_err *err)
{
	const char *roles[ROLES_MAX];
	struct user *u;
	struct dbq *q;
	enum svc_code rc;
	size_t nroles = 0;
	int r, rows = 0;

	*perm_ok = false;
	u = arena_alloc(a, sizeof(*u));
	if (u == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = db_query(db, "SELECT t.id, t.user_id, t.kind, t.name, t.created_at,"
	    " t.expires_at, t.csrf_hash, u.username, u.display_name, u.phone,"
	    " u.email, u.department_id, u.customer_id, u.active, u.version,"
	    " u.created_at, u.updated_at, ur.role,"
	    " (SELECT 1 FROM role_permissions rp WHERE rp.role = ur.role"
	    " AND rp.permission = ?)"
	    " FROM auth_tokens t JOIN users u ON u.id = t.user_id"
	    " LEFT JOIN user_roles ur ON ur.user_id = u.id"
	    " WHERE t.token_hash = ? AND t.expires_at > ? AND u.active = 1"
	    " ORDER BY ur.role",
	    DB_ARGS(DB_S(perm ? perm : ""), DB_S(th), DB_I(clock_now())), &q,
	    err);
	if (rc)
		return rc;
	while ((r = db_next(q)) == 1) {
		if (rows++ == 0) {
			t->id = db_i64(q, 0);
			t->user_id = db_i64(q, 1);
			t->kind = strcmp(db_str(q, 2), "api") == 0 ? TOKEN_API :
			    TOKEN_SESSION;
			t->name = db_dup(q, 3, a);
			t->created_at = db_i64(q, 4);
			t->expires_at = db_i64(q, 5);
			*csrf_hash = db_null(q, 6) ? NULL : db_dup(q, 6, a);
			u->id = t->user_id;
			u->username = db_dup(q, 7, a);
			u->display_name = db_dup(q, 8, a);
			u->phone = db_dup(q, 9, a);
			u->email = db_dup(q, 10, a);
			u->department_id = db_i64(q, 11);
			u->customer_id = db_i64(q, 12);
			u->active = db_i64(q, 13) != 0;
			u->version = db_i64(q, 14);
			u->created_at = db_i64(q, 15);
			u->updated_at = db_i64(q, 16);
		}
		if (!db_null(q, 17) && nroles < ROLES_MAX)
			roles[nroles++] = db_dup(q, 17, a);
		if (perm != NULL && db_i64(q, 18) == 1)
			*perm_ok = true;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (rows == 0) {
		*perm_ok = false;
		return svc_fail(err, SVC_EAUTH, NULL,
		    "the session or token is not valid (expired, revoked or "
		    "the user is disabled)");
	}
	u->roles = arena_alloc(a, (nroles + 1) * sizeof(*u->roles));
	if (u->roles == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	memcpy(u->roles, roles, nroles * sizeof(*roles));
	u->nroles = nroles;
	*out = u;
	return SVC_OK;
}


/*
 * The principal cache: every request authenticates, and the query above is
 * a tenth of a GET.  A slot keeps one (token, permission) answer while
 * store_watch_gen(WATCH_AUTH) has not moved (no commit in this process
 * wrote tokens, users, roles or permissions since it was read), for at most
 * a second (what another server sharing a PostgreSQL database may take to
 * be seen), and never past the token's expiry.  A busy slot is skipped,
 * not waited for.
 */
#define PC_SLOTS 256
#define PC_TTL_S 1
#define PC_TEXT 1536

enum { PC_NAME, PC_CSRF, PC_USERNAME, PC_DISPLAY, PC_PHONE, PC_EMAIL,
	PC_ROLE0 };

struct pc_slot {
	bool busy;		/* atomic test-and-set */
	bool valid;
	bool perm_ok;
	uint64_t gen;
	int64_t until;
	char th[65];
	char perm[48];		/* "" for none */
	struct token_info t;	/* strings below */
	struct user u;
	int off[PC_ROLE0 + ROLES_MAX];	/* into text; -1: NULL */
	char text[PC_TEXT];
};

static struct pc_slot pc[PC_SLOTS];

static struct pc_slot *
pc_lock(const char *th)
{
	unsigned i = 0;
	struct pc_slot *sl;

	for (int k = 0; k < 4; k++)
		i = i * 16 + (unsigned)(th[k] <= '9' ? th[k] - '0' :
		    th[k] - 'a' + 10);
	sl = &pc[i % PC_SLOTS];
	if (__atomic_test_and_set(&sl->busy, __ATOMIC_ACQUIRE))
		return NULL;
	return sl;
}

static void
pc_unlock(struct pc_slot *sl)
{
	__atomic_clear(&sl->busy, __ATOMIC_RELEASE);
}

static const char *
pc_str(struct pc_slot *sl, int k, struct arena *a)
{
	return sl->off[k] < 0 ? NULL : arena_strdup(a, sl->text + sl->off[k]);
}

static bool
pc_get(const char *th, const char *perm, struct arena *a, struct user **out,
    struct token_info *t, char **csrf_hash, bool *perm_ok)
{
	struct pc_slot *sl = pc_lock(th);
	struct user *u;
	bool hit;

	if (sl == NULL)
		return false;
	hit = sl->valid && sl->gen == store_watch_gen(WATCH_AUTH) &&
	    clock_now() < sl->until && strcmp(sl->th, th) == 0 &&
	    strcmp(sl->perm, perm ? perm : "") == 0;
	u = hit ? arena_alloc(a, sizeof(*u)) : NULL;
	if (u != NULL)
		u->roles = arena_alloc(a, (sl->u.nroles + 1) *
		    sizeof(*u->roles));
	if (u == NULL || u->roles == NULL) {
		pc_unlock(sl);
		return false;
	}
	*t = sl->t;
	t->name = (char *)pc_str(sl, PC_NAME, a);
	*csrf_hash = (char *)pc_str(sl, PC_CSRF, a);
	*u = (struct user){ .id = sl->u.id,
		.username = (char *)pc_str(sl, PC_USERNAME, a),
		.display_name = (char *)pc_str(sl, PC_DISPLAY, a),
		.phone = (char *)pc_str(sl, PC_PHONE, a),
		.email = (char *)pc_str(sl, PC_EMAIL, a),
		.department_id = sl->u.department_id,
		.customer_id = sl->u.customer_id, .active = sl->u.active,
		.version = sl->u.version, .created_at = sl->u.created_at,
		.updated_at = sl->u.updated_at, .roles = u->roles,
		.nroles = sl->u.nroles };
	for (size_t i = 0; i < sl->u.nroles; i++)
		u->roles[i] = pc_str(sl, PC_ROLE0 + (int)i, a);
	*perm_ok = sl->perm_ok;
	pc_unlock(sl);
	*out = u;
	return true;
}

static void
pc_put(const char *th, const char *perm, uint64_t gen, const struct user *u,
    const struct token_info *t, const char *csrf_hash, bool perm_ok)
{
	const char *strs[PC_ROLE0 + ROLES_MAX] = { t->name, csrf_hash,
		u->username, u->display_name, u->phone, u->email };
	int n = PC_ROLE0 + (int)u->nroles;
	struct pc_slot *sl;
	size_t used = 0;

	if (perm != NULL && strlen(perm) >= sizeof(sl->perm))
		return;
	for (size_t i = 0; i < u->nroles; i++)
		strs[PC_ROLE0 + i] = u->roles[i];
	sl = pc_lock(th);
	if (sl == NULL)
		return;
	sl->valid = false;
	for (int k = 0; k < n; k++) {
		size_t len;

		if (strs[k] == NULL) {
			sl->off[k] = -1;
			continue;
		}
		len = strlen(strs[k]) + 1;
		if (len > sizeof(sl->text) - used) {
			pc_unlock(sl);
			return;		/* too long to keep: not kept */
		}
		memcpy(sl->text + used, strs[k], len);
		sl->off[k] = (int)used;
		used += len;
	}
	memcpy(sl->th, th, sizeof(sl->th));
	snprintf(sl->perm, sizeof(sl->perm), "%s", perm ? perm : "");
	sl->t = *t;
	sl->t.name = NULL;
	sl->u = *u;
	sl->u.username = sl->u.display_name = sl->u.phone = sl->u.email = NULL;
	sl->u.roles = NULL;
	sl->perm_ok = perm_ok;
	sl->gen = gen;
	sl->until = clock_now() + PC_TTL_S;
	if (sl->until > t->expires_at)
		sl->until = t->expires_at;
	sl->valid = true;
	pc_unlock(sl);
}

enum svc_code
auth_principal(struct db *db, struct arena *a, const char *token,
    const char *perm, struct user **out, struct token_info *t,
    char **csrf_hash, bool *perm_ok, struct svc_err *err)
{
	char th[65], *csrf = NULL;
	enum svc_code rc;
	uint64_t gen;

	*perm_ok = false;
	if (strlen(token) > 200)
		return svc_fail(err, SVC_EAUTH, NULL, "invalid token");
	auth_hash_hex(token, strlen(token), th);
	if (!(db->dirty & (1u << WATCH_AUTH)) &&
	    pc_get(th, perm, a, out, t, &csrf, perm_ok)) {
		if (csrf_hash != NULL)
			*csrf_hash = csrf;
		return SVC_OK;
	}
	gen = store_watch_gen(WATCH_AUTH);	/* before the read it vouches for */
	rc = principal_query(db, a, th, perm, out, t, &csrf, perm_ok, err);
	if (rc == SVC_OK)
		pc_put(th, perm, gen, *out, t, csrf, *perm_ok);
	if (csrf_hash != NULL)
		*csrf_hash = csrf;
	return rc;
}

enum svc_code
auth_token_revoke(struct db *db, const struct actor *who, int64_t user_id,
    int64_t token_id, struct svc_err *err)
{
	enum svc_code rc;
	int64_t changed;

	rc = db_exec(db, "DELETE FROM auth_tokens WHERE id = ? AND user_id = ?",
	    DB_ARGS(DB_I(token_id), DB_I(user_id)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return svc_fail(err, SVC_ENOTFOUND, "id", "token %lld not found",
		    (long long)token_id);
	{
		char before[64];

		snprintf(before, sizeof(before), "{\"id\":%lld,\"user_id\":%lld}",
		    (long long)token_id, (long long)user_id);
		return audit_write(db, who, "delete", "auth_token", token_id,
		    before, NULL, err);
	}
}

enum svc_code
auth_token_list(struct db *db, struct arena *a, int64_t user_id,
    struct token_info **out, size_t *n, struct svc_err *err)
{
	struct token_info *items;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0, cap = 200;

	items = arena_alloc(a, cap * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = db_query(db, "SELECT id, name, created_at, expires_at FROM"
	    " auth_tokens WHERE user_id = ? AND kind = 'api' AND expires_at > ?"
	    " ORDER BY id LIMIT 200",
	    DB_ARGS(DB_I(user_id), DB_I(clock_now())), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < cap) {
		items[cnt].id = db_i64(q, 0);
		items[cnt].user_id = user_id;
		items[cnt].kind = TOKEN_API;
		items[cnt].name = db_dup(q, 1, a);
		items[cnt].created_at = db_i64(q, 2);
		items[cnt].expires_at = db_i64(q, 3);
		cnt++;
	}
	*out = items;
	*n = cnt;
	return db_done(q, err);
}

enum svc_code
throttle_check(struct db *db, const char *scope, const char *key, int max,
    int window_s, int64_t now, int *retry_after, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	*retry_after = 0;
	rc = db_query(db, "SELECT count, first_at FROM login_failures"
	    " WHERE scope = ? AND key = ?", DB_ARGS(DB_S(scope), DB_S(key)),
	    &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		int64_t count = db_i64(q, 0), first = db_i64(q, 1);

		if (first + window_s > now && count >= max)
			*retry_after = (int)(first + window_s - now);
	}
	return db_done(q, err);
}

enum svc_code
throttle_fail(struct db *db, const char *scope, const char *key, int window_s,
    int64_t now, struct svc_err *err)
{
	int64_t expired = now - window_s;

	return db_exec(db, "INSERT INTO login_failures (scope, key, count,"
	    " first_at) VALUES (?, ?, 1, ?) ON CONFLICT (scope, key) DO UPDATE"
	    " SET count = CASE WHEN login_failures.first_at <= ? THEN 1"
	    " ELSE login_failures.count + 1 END,"
	    " first_at = CASE WHEN login_failures.first_at <= ? THEN ?"
	    " ELSE login_failures.first_at END",
	    DB_ARGS(DB_S(scope), DB_S(key), DB_I(now), DB_I(expired),
	    DB_I(expired), DB_I(now)), NULL, err);
}

enum svc_code
throttle_reset(struct db *db, const char *scope, const char *key,
    struct svc_err *err)
{
	return db_exec(db, "DELETE FROM login_failures WHERE scope = ? AND key = ?",
	    DB_ARGS(DB_S(scope), DB_S(key)), NULL, err);
}

enum svc_code
login_gate(struct db *db, const struct login_limits *l, const char *username,
    const char *ip, int64_t now, int *retry_after, const char **field,
    struct svc_err *err)
{
	const struct {
		const char *scope;
		const char *key;
		int max;
		int window_s;
		bool user;
	} limits[] = {
		{ "user", username, l->max_user, l->window_s, true },
		{ "addr", ip, l->max_addr, l->window_s, false },
		{ "user_try", username, l->rate_user, l->rate_window_s, true },
		{ "addr_try", ip, l->rate_addr, l->rate_window_s, false },
	};
	enum svc_code rc;
	int retry;

	*retry_after = 0;
	*field = NULL;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		rc = throttle_check(db, limits[i].scope, limits[i].key,
		    limits[i].max, limits[i].window_s, now, &retry, err);
		if (rc)
			return rc;
		if (retry > *retry_after) {
			*retry_after = retry;
			*field = limits[i].user ? "username" : NULL;
		}
	}
	return SVC_OK;
}

enum svc_code
login_count(struct db *db, const struct login_limits *l, const char *username,
    const char *ip, bool ok, int64_t now, struct svc_err *err)
{
	enum svc_code rc;

	int win = l->rate_window_s;

	rc = throttle_fail(db, "user_try", username, win, now, err);
	if (rc == SVC_OK)
		rc = throttle_fail(db, "addr_try", ip, win, now, err);
	if (rc == SVC_OK && ok)
		rc = throttle_reset(db, "user", username, err);
	if (rc == SVC_OK && !ok)
		rc = throttle_fail(db, "user", username, l->window_s, now, err);
	if (rc == SVC_OK && !ok)
		rc = throttle_fail(db, "addr", ip, l->window_s, now, err);
	return rc;
}

enum svc_code
auth_permissions(struct db *db, struct arena *a, int64_t user_id, char ***out,
    size_t *n, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0, cap = 16;
	char **items, **grown;

	*out = NULL;
	*n = 0;
	items = arena_alloc(a, cap * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = db_query(db, "SELECT DISTINCT rp.permission FROM user_roles ur"
	    " JOIN role_permissions rp ON rp.role = ur.role"
	    " WHERE ur.user_id = ? ORDER BY rp.permission",
	    DB_ARGS(DB_I(user_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		if (cnt == cap) {
			grown = arena_alloc(a, 2 * cap * sizeof(*items));
			if (grown == NULL)
				break;	/* a.oom: the request fails */
			memcpy(grown, items, cnt * sizeof(*items));
			items = grown;
			cap *= 2;
		}
		items[cnt++] = db_dup(q, 0, a);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (a->oom)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	*out = items;
	*n = cnt;
	return SVC_OK;
}
