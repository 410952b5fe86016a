/*
 * core — audit, document numbers, idempotency keys.
 */
#include "domain/core/core.h"

#include <stdio.h>

#include "util/clock.h"

enum svc_code
audit_write(struct db *db, const struct actor *who, const char *action,
    const char *entity, int64_t entity_id, const char *before_json,
    const char *after_json, struct svc_err *err)
{
	return db_exec(db,
	    "INSERT INTO audit_log (at, user_id, username, ip, request_id,"
	    " action, entity, entity_id, before_json, after_json)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    DB_ARGS(DB_I(clock_now()), DB_ID(who->user_id),
	    DB_S(who->username ? who->username : "system"),
	    DB_S(who->ip ? who->ip : ""),
	    DB_S(who->request_id ? who->request_id : ""), DB_S(action),
	    DB_S(entity), DB_ID(entity_id), DB_S(before_json),
	    DB_S(after_json)), NULL, err);
}

enum svc_code
audit_list_json(struct db *db, struct jw *w, const struct audit_filter *f,
    bool *more, int64_t *last, struct svc_err *err)
{
	struct dbv args[10];
	struct dbq *q;
	struct buf sql;
	enum svc_code rc;
	size_t na = 0;
	int n = 0;

	*more = false;
	*last = 0;
	buf_init(&sql, 4096);
	/* the page first, then its names and document numbers: one query */
	buf_adds(&sql, "SELECT a.id, a.at, a.user_id, a.username, a.ip,"
	    " a.request_id, a.action, a.entity, a.entity_id, a.before_json,"
	    " a.after_json, u.display_name,"
	    " coalesce(sr.number, rt.number, sc.doc_ref),"
	    " CASE WHEN sr.id IS NOT NULL THEN 'request'"
	    " WHEN rt.id IS NOT NULL THEN 'return' ELSE sc.doc_kind END,"
	    " coalesce(sr.id, rt.id, sc.doc_id)"
	    " FROM (SELECT * FROM audit_log WHERE 1 = 1");
	if (f->before > 0) {
		buf_adds(&sql, " AND id < ?");
		args[na++] = DB_I(f->before);
	}
	if (f->entity != NULL) {
		buf_adds(&sql, " AND entity = ?");
		args[na++] = DB_S(f->entity);
	}
	if (f->action != NULL) {
		buf_adds(&sql, " AND action = ?");
		args[na++] = DB_S(f->action);
	}
	if (f->entity_id > 0) {
		buf_adds(&sql, " AND entity_id = ?");
		args[na++] = DB_I(f->entity_id);
	}
	if (f->user_id > 0) {
		buf_adds(&sql, " AND user_id = ?");
		args[na++] = DB_I(f->user_id);
	}
	if (f->has_from) {
		buf_adds(&sql, " AND at >= ?");
		args[na++] = DB_I(f->from);
	}
	if (f->has_to) {
		buf_adds(&sql, " AND at < ?");
		args[na++] = DB_I(f->to);
	}
	buf_adds(&sql, " ORDER BY id DESC LIMIT ?) a"
	    " LEFT JOIN users u ON u.id = a.user_id"
	    " LEFT JOIN request_events re ON a.entity = 'request_event'"
	    " AND re.id = a.entity_id"
	    " LEFT JOIN attachments af ON a.entity = 'attachment'"
	    " AND af.id = a.entity_id AND af.owner_kind = 'request'"
	    " LEFT JOIN service_requests sr ON sr.id = CASE a.entity"
	    " WHEN 'request' THEN a.entity_id WHEN 'request_event'"
	    " THEN re.request_id WHEN 'attachment' THEN af.owner_id END"
	    " LEFT JOIN return_signatures rs ON a.entity = 'return_signature'"
	    " AND rs.id = a.entity_id"
	    " LEFT JOIN return_events rv ON a.entity = 'return_event'"
	    " AND rv.id = a.entity_id"
	    " LEFT JOIN transport_orders tr ON a.entity = 'transport_order'"
	    " AND tr.id = a.entity_id"
	    " LEFT JOIN returns rt ON rt.id = CASE a.entity"
	    " WHEN 'return' THEN a.entity_id WHEN 'return_signature'"
	    " THEN rs.return_id WHEN 'return_event' THEN rv.return_id"
	    " WHEN 'transport_order' THEN tr.return_id END"
	    " LEFT JOIN sla_clocks sc ON a.entity = 'sla_clock'"
	    " AND sc.id = a.entity_id"
	    " ORDER BY a.id DESC");
	args[na++] = DB_I((int64_t)f->limit + 1);
	if (sql.failed) {
		buf_release(&sql);
		return svc_fail(err, SVC_ETOOBIG, NULL, "the audit query is "
		    "too long");
	}
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		if (n == f->limit) {
			*more = true;
			break;
		}
		*last = db_i64(q, 0);
		jw_obj_open(w);
		jw_ki64(w, "id", *last);
		jw_ktime(w, "at", db_i64(q, 1));
		jw_kid(w, "user_id", db_i64(q, 2));
		jw_kstr(w, "username", db_str(q, 3));
		jw_kstr(w, "ip", db_str(q, 4));
		jw_kstr(w, "request_id", db_str(q, 5));
		jw_kstr(w, "action", db_str(q, 6));
		jw_kstr(w, "entity", db_str(q, 7));
		jw_kid(w, "entity_id", db_i64(q, 8));
		jw_kraw(w, "before", db_null(q, 9) ? "null" : db_str(q, 9));
		jw_kraw(w, "after", db_null(q, 10) ? "null" : db_str(q, 10));
		/* who by name, and the document the row belongs to */
		if (db_null(q, 11))
			jw_knull(w, "display_name");
		else
			jw_kstr(w, "display_name", db_str(q, 11));
		if (db_null(q, 12) || db_null(q, 13)) {
			jw_knull(w, "doc_number");
			jw_knull(w, "doc_kind");
		} else {
			jw_kstr(w, "doc_number", db_str(q, 12));
			jw_kstr(w, "doc_kind", db_str(q, 13));
		}
		jw_kid(w, "doc_id", db_null(q, 14) ? 0 : db_i64(q, 14));
		jw_obj_close(w);
		n++;
	}
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
docno_next(struct db *db, struct arena *a, const char *prefix, int64_t now,
    char **out, struct svc_err *err)
{
	int day = clock_local_ymd(now);
	enum svc_code rc;
	int64_t n;

	rc = db_one_i64(db,
	    "INSERT INTO doc_counters (prefix, day, last) VALUES (?, ?, 1)"
	    " ON CONFLICT (prefix, day) DO UPDATE SET last = doc_counters.last + 1"
	    " RETURNING last",
	    DB_ARGS(DB_S(prefix), DB_I(day)), &n, err);
	if (rc)
		return rc;
	*out = arena_printf(a, "%s-%08d-%04lld", prefix, day, (long long)n);
	return SVC_OK;
}

enum svc_code
idem_claim(struct db *db, struct arena *a, int64_t user_id, const char *key,
    const char *method, const char *path, const char *body_hash, int64_t now,
    enum idem_state *state, int *status, char **body, char **location,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int64_t changes = 0;
	bool same = false;

	/* an expired key is free again */
	rc = db_exec(db, "DELETE FROM idempotency_keys"
	    " WHERE user_id = ? AND key = ? AND created_at < ?",
	    DB_ARGS(DB_I(user_id), DB_S(key), DB_I(now - IDEM_TTL_S)), NULL,
	    err);
	if (rc)
		return rc;
	rc = db_exec(db, "INSERT INTO idempotency_keys (user_id, key, method,"
	    " path, body_hash, status, response, created_at)"
	    " VALUES (?, ?, ?, ?, ?, 0, '', ?) ON CONFLICT DO NOTHING",
	    DB_ARGS(DB_I(user_id), DB_S(key), DB_S(method), DB_S(path),
	    DB_S(body_hash), DB_I(now)), &changes, err);
	if (rc)
		return rc;
	if (changes == 1) {
		*state = IDEM_CLAIMED;
		return SVC_OK;
	}
	rc = db_query(db, "SELECT method, path, body_hash, status, response,"
	    " location FROM idempotency_keys WHERE user_id = ? AND key = ?",
	    DB_ARGS(DB_I(user_id), DB_S(key)), &q, err);
	if (rc)
		return rc;
	*state = IDEM_MISMATCH;
	if (db_next(q) == 1) {
		same = strcmp(db_str(q, 0), method) == 0 &&
		    strcmp(db_str(q, 1), path) == 0 &&
		    strcmp(db_str(q, 2), body_hash) == 0;
		if (same) {
			*state = IDEM_REPLAY;
			*status = (int)db_i64(q, 3);
			*body = db_dup(q, 4, a);
			*location = db_dup(q, 5, a);
		}
	}
	return db_done(q, err);
}

enum svc_code
idem_finish(struct db *db, int64_t user_id, const char *key, int status,
    const char *body, const char *location, struct svc_err *err)
{
	return db_exec(db, "UPDATE idempotency_keys SET status = ?, response = ?,"
	    " location = ? WHERE user_id = ? AND key = ?",
	    DB_ARGS(DB_I(status), DB_S(body), DB_S(location ? location : ""),
	    DB_I(user_id), DB_S(key)), NULL, err);
}

enum svc_code
idem_sweep(struct db *db, int64_t now, int64_t *n, struct svc_err *err)
{
	return db_exec(db, "DELETE FROM idempotency_keys WHERE created_at < ?",
	    DB_ARGS(DB_I(now - IDEM_TTL_S)), n, err);
}

enum svc_code
stale_version(struct svc_err *err, struct arena *a, const char *entity,
    int64_t expected, const char *current_json)
{
	svc_fail(err, SVC_ECONFLICT, "version",
	    "%s was changed by someone else (your version %lld is stale)",
	    entity, (long long)expected);
	if (err != NULL)
		err->details = arena_printf(a,
		    "{\"field\":\"version\",\"expected_version\":%lld,"
		    "\"current\":%s}", (long long)expected,
		    current_json ? current_json : "null");
	return SVC_ECONFLICT;
}

enum svc_code
timeline_json(struct db *db, struct jw *w, const char *sql, int64_t doc_id,
    bool customer_only, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, sql, DB_ARGS(DB_I(doc_id), DB_I(customer_only)), &q,
	    err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_ktime(w, "at", db_i64(q, 1));
		jw_kid(w, "user_id", db_i64(q, 2));
		jw_kstr(w, "user_name", db_null(q, 3) ? NULL : db_str(q, 3));
		jw_kstr(w, "kind", db_str(q, 4));
		jw_kstr(w, "visibility", db_str(q, 5));
		jw_kstr(w, "body", db_str(q, 6));
		jw_kraw(w, "data", db_null(q, 7) ? "null" : db_str(q, 7));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}
