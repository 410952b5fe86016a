/*
 * user — accounts, roles and the permission matrix, departments, and the
 * authentication primitives (password hashes, tokens, login throttling).
 *
 * Invariants:
 *  - a password is stored only as a libsodium argon2id string; a token only as
 *    a BLAKE2b hash;
 *  - a user with the role "customer" is bound to exactly one customer company
 *    (customer_id), and only such users have one;
 *  - a disabled user has no live tokens: user_update() revokes them in the
 *    same transaction, and token lookup also checks users.active;
 *  - the permission matrix is data (role_permissions); nothing is allowed
 *    unless a row allows it.
 */
#ifndef AS_USER_H
#define AS_USER_H

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "store/store.h"
#include "util/json.h"
#include "util/mem.h"

#define USERNAME_MAX 64
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
#define ROLES_MAX 16

struct user {
	int64_t id;
	char *username;
	char *display_name;
	char *phone;
	char *email;
	int64_t department_id;
	int64_t customer_id;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
	const char **roles;
	size_t nroles;
};

enum user_fields {
	UF_DISPLAY_NAME = 1 << 0,
	UF_PHONE = 1 << 1,
	UF_EMAIL = 1 << 2,
	UF_DEPARTMENT = 1 << 3,
	UF_CUSTOMER = 1 << 4,
	UF_ROLES = 1 << 5,
	UF_ACTIVE = 1 << 6,
};

/* Input for user_create()/user_update(); strings borrowed. */
struct user_draft {
	const char *username;
	const char *display_name;
	const char *phone;
	const char *email;
	int64_t department_id;
	int64_t customer_id;
	const char **roles;
	size_t nroles;
	bool active;
	const char *password_hash;	/* from auth_hash_password() */
};

/* Lookups; *out arena-owned.  SVC_ENOTFOUND when absent. */
enum svc_code user_get(struct db *, struct arena *, int64_t id,
    struct user **out, struct svc_err *) WARN_UNUSED_RESULT;
/* As user_get(), by name, also returning the password hash (may be NULL). */
enum svc_code user_get_by_name(struct db *, struct arena *, const char *name,
    struct user **out, char **password_hash,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Create (write transaction); audits. */
enum svc_code user_create(struct db *, struct arena *, const struct actor *,
    const struct user_draft *, struct user **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Change the fields named in mask (enum user_fields) if the stored version is
 * expected_version; a stale version gives SVC_ECONFLICT with the current
 * record.  Disabling revokes every token of the user.
 */
enum svc_code user_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct user_draft *,
    unsigned mask, struct user **out, struct svc_err *) WARN_UNUSED_RESULT;
/* Set a new password hash; revokes every token but keep_token_id. */
enum svc_code user_set_password(struct db *, struct arena *,
    const struct actor *, int64_t id, const char *password_hash,
    int64_t keep_token_id, struct svc_err *) WARN_UNUSED_RESULT;

void user_to_json(struct jw *, const struct user *);
/* The record as a JSON text (for audit and 409 bodies); arena-owned. */
char *user_json_text(struct arena *, const struct user *);

/* Filters for user_list(); NULL/0 means no filter. */
struct user_filter {
	const char *q;		/* substring of username or display name */
	const char *role;
	int64_t department_id;
	int active;		/* -1 any, 0, 1 */
};

/*
 * A page of users ordered by id, after after_id; up to limit.  *more tells
 * whether another page follows.
 */
enum svc_code user_list(struct db *, struct arena *, const struct user_filter *,
    int64_t after_id, int limit, struct user ***out, size_t *n, bool *more,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ----- roles and permissions ----- */

/* Is perm granted to any role of user_id? */
enum svc_code perm_allowed(struct db *, int64_t user_id, const char *perm,
    bool *ok, struct svc_err *) WARN_UNUSED_RESULT;
/* Does role exist? */
enum svc_code role_exists(struct db *, const char *role, bool *ok,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Write the whole matrix {roles:[{key,name_zh,name_en,permissions:[]}],
 * permissions:[{key,description}]} */
enum svc_code role_matrix_json(struct db *, struct jw *,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Replace the permissions of one role; audits before/after. */
enum svc_code role_set_permissions(struct db *, struct arena *,
    const struct actor *, const char *role, const char **perms, size_t n,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ----- departments ----- */

struct department {
	int64_t id;
	char *code;
	char *name;
	int64_t parent_id;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

enum dept_fields {
	DF_NAME = 1 << 0,
	DF_PARENT = 1 << 1,
	DF_ACTIVE = 1 << 2,
};

enum svc_code dept_get(struct db *, struct arena *, int64_t id,
    struct department **, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code dept_list(struct db *, struct arena *, int64_t after_id,
    int limit, struct department ***, size_t *n, bool *more,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code dept_create(struct db *, struct arena *, const struct actor *,
    const struct department *draft, struct department **,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code dept_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct department *draft,
    unsigned mask, struct department **, struct svc_err *) WARN_UNUSED_RESULT;
void dept_to_json(struct jw *, const struct department *);

/* ----- saved views (view.c) ----- */

/*
 * A user's named filter of a list screen.  page is the screen's key
 * ("requests", [a-z_], 1..40), name 1..60 characters, query the screen's
 * query string (at most VIEW_QUERY_MAX bytes, kept as given).  A user keeps
 * at most VIEW_MAX views per page.
 */
#define VIEW_QUERY_MAX 2000
#define VIEW_MAX 50

struct saved_view {
	int64_t id;
	char *page;
	char *name;
	char *query;
	int64_t created_at;
};

/* The user's views of page (NULL = every page), by name. */
enum svc_code view_list(struct db *, struct arena *, int64_t user_id,
    const char *page, struct saved_view **out, size_t *n,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Save a view, replacing the user's view of the same page and name (so
 * "save" twice updates).  SVC_EINVAL naming the field; SVC_ECONFLICT (field
 * "name") at VIEW_MAX views of the page.  Audits.
 */
enum svc_code view_save(struct db *, struct arena *, const struct actor *,
    const struct saved_view *draft, struct saved_view **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Delete one of the user's views; SVC_ENOTFOUND for another's.  Audits. */
enum svc_code view_delete(struct db *, const struct actor *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
void view_to_json(struct jw *, const struct saved_view *);

/* ----- authentication ----- */

/*
 * Hash a password with argon2id at libsodium's interactive limits into out
 * (crypto_pwhash_STRBYTES).  slots bounds how many run at once.
 */
bool auth_hash_password(sem_t *slots, const char *password, char *out);
/* Verify; with a NULL hash it spends the same time and fails. */
bool auth_verify_password(sem_t *slots, const char *hash, const char *password);
/* Hex BLAKE2b-256 of data into out[65]. */
void auth_hash_hex(const void *data, size_t len, char *out);

enum token_kind { TOKEN_SESSION, TOKEN_API };

struct token_info {
	int64_t id;
	int64_t user_id;
	enum token_kind kind;
	char *name;
	int64_t created_at;
	int64_t expires_at;
	int64_t last_used_at;
};

/*
 * Create a token for user_id valid for ttl_s.  *token (and for sessions
 * *csrf) are arena-owned plain texts, shown to the caller once.
 */
enum svc_code auth_token_create(struct db *, struct arena *, int64_t user_id,
    enum token_kind, const char *name, const char *ip, int64_t ttl_s,
    char **token, char **csrf, int64_t *id, struct svc_err *) WARN_UNUSED_RESULT;

/* Who holds this token?  SVC_EAUTH when unknown, expired or disabled. */
enum svc_code auth_token_lookup(struct db *, struct arena *, const char *token,
    struct user **u, struct token_info *t, char **csrf_hash,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * The same, in one query, with whether the holder's roles grant perm
 * (*perm_ok; false for a NULL perm): what the router asks of every request.
 */
enum svc_code auth_principal(struct db *, struct arena *, const char *token,
    const char *perm, struct user **u, struct token_info *t,
    char **csrf_hash, bool *perm_ok, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code auth_token_revoke(struct db *, const struct actor *,
    int64_t user_id, int64_t token_id, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code auth_token_list(struct db *, struct arena *, int64_t user_id,
    struct token_info **out, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Login throttling.  throttle_check() gives *retry_after > 0 when key has
 * max or more failures inside the window.
 */
enum svc_code throttle_check(struct db *, const char *scope, const char *key,
    int max, int window_s, int64_t now, int *retry_after,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code throttle_fail(struct db *, const char *scope, const char *key,
    int window_s, int64_t now, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code throttle_reset(struct db *, const char *scope, const char *key,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The limits on checking a password (a login, a password change), per
 * account name and per client address: failures in window_s, and every
 * attempt, successful or not, in rate_window_s.
 */
struct login_limits {
	int max_user;
	int max_addr;
	int window_s;
	int rate_user;
	int rate_addr;
	int rate_window_s;
};

/*
 * May username from ip try a password now?  *retry_after > 0 (the seconds
 * until the first limit reached frees) when not; *field is then "username"
 * when the account's limit is the one reached, else NULL.
 */
enum svc_code login_gate(struct db *, const struct login_limits *,
    const char *username, const char *ip, int64_t now, int *retry_after,
    const char **field, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Count one attempt (in a write transaction); a failed one counts toward
 * the failure limits too, a successful one clears the account's failures.
 */
enum svc_code login_count(struct db *, const struct login_limits *,
    const char *username, const char *ip, bool ok, int64_t now,
    struct svc_err *) WARN_UNUSED_RESULT;

/* The permissions the roles of user_id grant, sorted, arena-owned. */
enum svc_code auth_permissions(struct db *, struct arena *, int64_t user_id,
    char ***out, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;

#endif
