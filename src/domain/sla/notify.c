/*
 * notify — in-app notifications (SPEC §4.14): a row per user and message,
 * written in the transaction of the event that causes it, so a message is
 * never lost nor sent for an event that was rolled back.  Users read their
 * own and mark them read; nobody else sees them.
 *
 * Email, SMS and webhooks go through a durable outbox (a later module); this
 * file is only the in-app channel.
 */
#include "domain/sla/sla.h"

#include <string.h>

#include "util/clock.h"

/* At most max code points of s (valid UTF-8); arena copy when cut. */
static const char *
cut_chars(struct arena *a, const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	if (s == NULL)
		return "";
	while (s[i] != '\0') {
		if (chars == max)
			return arena_strndup(a, s, i);
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	return s;
}

enum svc_code
notify_user(struct db *db, int64_t user_id, const char *kind,
    const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, struct svc_err *err)
{
	struct arena a;
	enum svc_code rc;

	if (user_id < 1 || kind == NULL || kind[0] == '\0')
		return svc_fail(err, SVC_EINVAL, "user_id",
		    "a notification needs a user and a kind");
	arena_init(&a, 1u << 16);
	rc = db_exec(db, "INSERT INTO notifications (user_id, kind, title, body,"
	    " args, ref_kind, ref_id, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    DB_ARGS(DB_I(user_id), DB_S(kind), DB_S(cut_chars(&a, title,
	    NOTIFY_TITLE_MAX)), DB_S(body ? body : ""), DB_S(args ? args :
	    "{}"), DB_S(ref_kind),
	    DB_ID(ref_id), DB_I(clock_now())), NULL, err);
	arena_release(&a);
	return rc;
}

enum svc_code
notify_role_except(struct db *db, const char *role, const char *kind,
    const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id,
    int64_t except_user_id, int64_t *n, struct svc_err *err)
{
	struct arena a;
	enum svc_code rc;
	int64_t changes = 0;

	arena_init(&a, 1u << 16);
	rc = db_exec(db, "INSERT INTO notifications (user_id, kind, title, body,"
	    " args, ref_kind, ref_id, created_at)"
	    " SELECT u.id, ?, ?, ?, ?, ?, ?, ? FROM users u"
	    " JOIN user_roles r ON r.user_id = u.id"
	    " WHERE r.role = ? AND u.active = 1 AND u.id <> ? ORDER BY u.id",
	    DB_ARGS(DB_S(kind), DB_S(cut_chars(&a, title, NOTIFY_TITLE_MAX)),
	    DB_S(body ? body : ""), DB_S(args ? args : "{}"), DB_S(ref_kind),
	    DB_ID(ref_id),
	    DB_I(clock_now()), DB_S(role), DB_I(except_user_id)), &changes, err);
	arena_release(&a);
	if (n != NULL)
		*n = rc == SVC_OK ? changes : 0;
	return rc;
}

enum svc_code
notify_role(struct db *db, const char *role, const char *kind,
    const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, struct svc_err *err)
{
	return notify_role_except(db, role, kind, title, body, args, ref_kind,
	    ref_id, 0, NULL, err);
}

enum svc_code
notify_customer(struct db *db, int64_t customer_id, const char *kind,
    const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, struct svc_err *err)
{
	struct arena a;
	enum svc_code rc;

	if (customer_id < 1)
		return SVC_OK;
	arena_init(&a, 1u << 16);
	rc = db_exec(db, "INSERT INTO notifications (user_id, kind, title,"
	    " body, args, ref_kind, ref_id, created_at)"
	    " SELECT u.id, ?, ?, ?, ?, ?, ?, ? FROM users u"
	    " WHERE u.customer_id = ? AND u.active = 1 ORDER BY u.id",
	    DB_ARGS(DB_S(kind), DB_S(cut_chars(&a, title, NOTIFY_TITLE_MAX)),
	    DB_S(body ? body : ""), DB_S(args ? args : "{}"), DB_S(ref_kind),
	    DB_ID(ref_id), DB_I(clock_now()), DB_I(customer_id)), NULL, err);
	arena_release(&a);
	return rc;
}

char *
notify_args(struct arena *a, const char *const *kv, const char *time_key,
    int64_t t)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	jw_obj_open(&w);
	for (size_t i = 0; kv != NULL && kv[i] != NULL && kv[i + 1] != NULL;
	    i += 2)
		jw_kstr(&w, kv[i], kv[i + 1]);
	if (time_key != NULL)
		jw_ktime(&w, time_key, t);
	jw_obj_close(&w);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
notify_mark_all_read(struct db *db, const struct actor *who, int64_t user_id,
    int64_t *n, struct svc_err *err)
{
	struct arena a;
	enum svc_code rc;
	int64_t now = clock_now();

	*n = 0;
	rc = db_exec(db, "UPDATE notifications SET read_at = ?"
	    " WHERE user_id = ? AND read_at IS NULL", DB_ARGS(DB_I(now),
	    DB_I(user_id)), n, err);
	if (rc || *n == 0)
		return rc;
	arena_init(&a, 1u << 12);
	rc = audit_write(db, who, "read_all", "notification", user_id, NULL,
	    arena_printf(&a, "{\"read_at\":%lld,\"count\":%lld}",
	    (long long)now, (long long)*n), err);
	arena_release(&a);
	return rc;
}

#define NOTE_COLS "id, user_id, kind, title, body, ref_kind, ref_id," \
	" created_at, read_at, args"

static void
note_from_row(struct dbq *q, struct arena *a, struct notification *n)
{
	n->id = db_i64(q, 0);
	n->user_id = db_i64(q, 1);
	n->kind = db_dup(q, 2, a);
	n->title = db_dup(q, 3, a);
	n->body = db_dup(q, 4, a);
	n->ref_kind = db_dup(q, 5, a);
	n->ref_id = db_i64(q, 6);
	n->created_at = db_i64(q, 7);
	n->read_at = db_i64(q, 8);
	n->args = db_dup(q, 9, a);
}

void
notification_to_json(struct jw *w, const struct notification *n)
{
	jw_obj_open(w);
	jw_ki64(w, "id", n->id);
	jw_kstr(w, "kind", n->kind);
	jw_kstr(w, "code", n->kind);
	jw_kraw(w, "args", n->args != NULL && n->args[0] == '{' ? n->args :
	    "{}");
	jw_kstr(w, "title", n->title);
	jw_kstr(w, "body", n->body);
	jw_kstr(w, "ref_kind", n->ref_kind);
	jw_kid(w, "ref_id", n->ref_id);
	jw_ktime(w, "created_at", n->created_at);
	jw_ktime(w, "read_at", n->read_at);
	jw_kbool(w, "read", n->read_at != 0);
	jw_obj_close(w);
}

enum svc_code
notify_list(struct db *db, struct arena *a, int64_t user_id, bool unread_only,
    int64_t before_id, int limit, struct notification **out, size_t *n,
    bool *more, int64_t *unread, struct svc_err *err)
{
	struct notification *items;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0;

	if (unread != NULL) {
		rc = db_one_i64(db, "SELECT count(*) FROM notifications"
		    " WHERE user_id = ? AND read_at IS NULL",
		    DB_ARGS(DB_I(user_id)), unread, err);
		if (rc)
			return rc;
	}
	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	if (unread_only)
		rc = db_query(db, "SELECT " NOTE_COLS " FROM notifications"
		    " WHERE user_id = ? AND id < ? AND read_at IS NULL"
		    " ORDER BY id DESC LIMIT ?", DB_ARGS(DB_I(user_id),
		    DB_I(before_id > 0 ? before_id : INT64_MAX), DB_I(limit + 1)),
		    &q, err);
	else
		rc = db_query(db, "SELECT " NOTE_COLS " FROM notifications"
		    " WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
		    DB_ARGS(DB_I(user_id), DB_I(before_id > 0 ? before_id :
		    INT64_MAX), DB_I(limit + 1)), &q, err);
	if (rc)
		return rc;
	while (cnt < (size_t)limit + 1 && db_next(q) == 1)
		note_from_row(q, a, &items[cnt++]);
	rc = db_done(q, err);
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	return rc;
}

static enum svc_code
note_get(struct db *db, struct arena *a, int64_t user_id, int64_t id,
    struct notification **out, struct svc_err *err)
{
	struct notification *n;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " NOTE_COLS " FROM notifications"
	    " WHERE id = ? AND user_id = ?", DB_ARGS(DB_I(id), DB_I(user_id)),
	    &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	n = arena_alloc(a, sizeof(*n));
	if (r == 1 && n != NULL)
		note_from_row(q, a, n);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (r != 1 || n == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "notification %lld not found", (long long)id);
	*out = n;
	return SVC_OK;
}

enum svc_code
notify_mark_read(struct db *db, struct arena *a, const struct actor *who,
    int64_t user_id, int64_t id, struct notification **out,
    struct svc_err *err)
{
	struct notification *n;
	enum svc_code rc;
	int64_t changed, now = clock_now();

	rc = note_get(db, a, user_id, id, &n, err);
	if (rc)
		return rc;
	if (n->read_at == 0) {
		rc = db_exec(db, "UPDATE notifications SET read_at = ?"
		    " WHERE id = ? AND read_at IS NULL", DB_ARGS(DB_I(now),
		    DB_I(id)), &changed, err);
		if (rc == SVC_OK && changed == 1)
			rc = audit_write(db, who, "read", "notification", id,
			    NULL, arena_printf(a, "{\"read_at\":%lld}",
			    (long long)now), err);
		if (rc == SVC_OK)
			rc = note_get(db, a, user_id, id, &n, err);
		if (rc)
			return rc;
	}
	*out = n;
	return SVC_OK;
}
