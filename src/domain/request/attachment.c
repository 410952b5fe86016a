/*
 * attachment — the files attached to service requests: reading one as its
 * caller may see it, and the quotas every upload is held to (settings
 * table, SPEC §6 "size limits on every input"):
 *
 *   attachments.max_per_document        files on one request      (20)
 *   attachments.max_bytes_per_document  bytes on one request  (50 MiB)
 *   attachments.max_bytes_per_customer  bytes of one customer  (1 GiB)
 *
 * A missing or unreadable row counts as its default.  Exactly at a limit
 * is within it; the upload that would pass it is refused, naming the
 * setting with the figures (a count: 422, bytes: 413).
 */
#include "domain/request/request.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

#define Q_COUNT_KEY "attachments.max_per_document"
#define Q_DOC_KEY "attachments.max_bytes_per_document"
#define Q_CUST_KEY "attachments.max_bytes_per_customer"

/* ----- reading ----- */

enum svc_code
request_attachment_read(struct db *db, const struct request_caller *c,
    int64_t id, struct arena *a, const char **content_type, struct buf *data,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT content_type, data FROM attachments"
	    " WHERE id = ? AND (? = 0 OR customer_id = ?)",
	    DB_ARGS(DB_I(id), DB_I(c->customer_id), DB_I(c->customer_id)), &q,
	    err);
	if (rc)
		return rc;
	got = db_next(q);
	if (got == 1) {
		*content_type = db_dup(q, 0, a);
		db_blob(q, 1, data);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1 || *content_type == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "attachment %lld not found", (long long)id);
	return SVC_OK;
}

/* ----- quotas ----- */

static enum svc_code
setting(struct db *db, const char *key, int64_t dflt, int64_t *val,
    int64_t *ver, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	const char *s;

	*val = dflt;
	*ver = 0;
	rc = db_query(db, "SELECT value, version FROM settings WHERE key = ?",
	    DB_ARGS(DB_S(key)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		s = db_str(q, 0);
		if (!str_to_i64(s, strlen(s), 1, INT64_MAX, val))
			*val = dflt;
		*ver = db_i64(q, 1);
	}
	return db_done(q, err);
}

enum svc_code
attach_settings_get(struct db *db, struct attach_settings *s,
    struct svc_err *err)
{
	int64_t v1, v2, v3;
	enum svc_code rc;

	rc = setting(db, Q_COUNT_KEY, ATTACH_DEFAULT_COUNT,
	    &s->max_per_document, &v1, err);
	if (rc == SVC_OK)
		rc = setting(db, Q_DOC_KEY, ATTACH_DEFAULT_DOC_BYTES,
		    &s->max_bytes_per_document, &v2, err);
	if (rc == SVC_OK)
		rc = setting(db, Q_CUST_KEY, ATTACH_DEFAULT_CUSTOMER_BYTES,
		    &s->max_bytes_per_customer, &v3, err);
	s->version = rc == SVC_OK ? 1 + v1 + v2 + v3 : 0;
	return rc;
}

void
attach_settings_to_json(struct jw *w, const struct attach_settings *s)
{
	jw_obj_open(w);
	jw_ki64(w, "max_per_document", s->max_per_document);
	jw_ki64(w, "max_bytes_per_document", s->max_bytes_per_document);
	jw_ki64(w, "max_bytes_per_customer", s->max_bytes_per_customer);
	jw_ki64(w, "version", s->version);
	jw_obj_close(w);
}

static char *
settings_text(struct arena *a, const struct attach_settings *s)
{
	return arena_printf(a, "{\"max_per_document\":%lld,"
	    "\"max_bytes_per_document\":%lld,\"max_bytes_per_customer\":%lld,"
	    "\"version\":%lld}", (long long)s->max_per_document,
	    (long long)s->max_bytes_per_document,
	    (long long)s->max_bytes_per_customer, (long long)s->version);
}

static enum svc_code
put_setting(struct db *db, const char *key, int64_t v, int64_t now,
    struct svc_err *err)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	return db_exec(db, "INSERT INTO settings (key, value, version,"
	    " updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (key) DO UPDATE"
	    " SET value = excluded.value, version = settings.version + 1,"
	    " updated_at = excluded.updated_at",
	    DB_ARGS(DB_S(key), DB_S(tmp), DB_I(now)), NULL, err);
}

static enum svc_code
check_range(const char *field, int64_t v, int64_t max, struct svc_err *err)
{
	if (v >= 1 && v <= max)
		return SVC_OK;
	return svc_fail_field(err, SVC_EINVAL, field, "out_of_range",
	    "'%s' must be between 1 and %lld", field, (long long)max);
}

enum svc_code
attach_settings_set(struct db *db, struct arena *a, const struct actor *who,
    int64_t expected, const struct attach_settings *in,
    struct attach_settings *out, struct svc_err *err)
{
	struct attach_settings cur;
	enum svc_code rc;
	int64_t now = clock_now();
	char *before;

	rc = attach_settings_get(db, &cur, err);
	if (rc)
		return rc;
	before = settings_text(a, &cur);
	if (cur.version != expected)
		return stale_version(err, a, "settings", expected, before);
	rc = check_range("max_per_document", in->max_per_document,
	    ATTACH_MAX_COUNT, err);
	if (rc == SVC_OK)
		rc = check_range("max_bytes_per_document",
		    in->max_bytes_per_document, ATTACH_MAX_BYTES, err);
	if (rc == SVC_OK)
		rc = check_range("max_bytes_per_customer",
		    in->max_bytes_per_customer, ATTACH_MAX_BYTES, err);
	if (rc == SVC_OK && in->max_per_document != cur.max_per_document)
		rc = put_setting(db, Q_COUNT_KEY, in->max_per_document, now,
		    err);
	if (rc == SVC_OK &&
	    in->max_bytes_per_document != cur.max_bytes_per_document)
		rc = put_setting(db, Q_DOC_KEY, in->max_bytes_per_document, now,
		    err);
	if (rc == SVC_OK &&
	    in->max_bytes_per_customer != cur.max_bytes_per_customer)
		rc = put_setting(db, Q_CUST_KEY, in->max_bytes_per_customer,
		    now, err);
	if (rc == SVC_OK)
		rc = attach_settings_get(db, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "settings", 0, before,
		    settings_text(a, out), err);
	return rc;
}

/* Refuse with code, naming the setting and the figures. */
static enum svc_code
over(struct svc_err *err, struct arena *a, enum svc_code code,
    const char *key, int64_t limit, int64_t used, int64_t adding,
    const char *what)
{
	svc_fail(err, code, "body", "%s (%s: %lld of %lld%s used)", what, key,
	    (long long)used, (long long)limit,
	    code == SVC_ETOOBIG ? " bytes" : "");
	if (err != NULL)
		err->details = arena_printf(a, "{\"field\":\"body\",\"reason\":"
		    "\"quota\",\"limit\":\"%s\",\"max\":%lld,\"used\":%lld,"
		    "\"adding\":%lld}", key, (long long)limit, (long long)used,
		    (long long)adding);
	return code;
}

enum svc_code
attach_quota_check(struct db *db, struct arena *a, int64_t request_id,
    int64_t customer_id, size_t len, struct svc_err *err)
{
	struct attach_settings s;
	struct dbq *q;
	enum svc_code rc;
	int64_t files = 0, doc_bytes = 0, cust_bytes = 0;

	/*
	 * The customer's row is the lock: two uploads of one customer (on two
	 * servers sharing PostgreSQL) cannot both pass against the same sums.
	 */
	rc = db_exec(db, "UPDATE customers SET version = version WHERE id = ?",
	    DB_ARGS(DB_I(customer_id)), NULL, err);
	if (rc == SVC_OK)
		rc = attach_settings_get(db, &s, err);
	if (rc == SVC_OK)
		rc = db_query(db, "SELECT count(*), CAST(coalesce(sum(size), 0)"
		    " AS BIGINT) FROM attachments WHERE owner_kind = 'request'"
		    " AND owner_id = ?", DB_ARGS(DB_I(request_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		files = db_i64(q, 0);
		doc_bytes = db_i64(q, 1);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT CAST(coalesce(sum(size), 0) AS"
		    " BIGINT) FROM attachments WHERE customer_id = ?",
		    DB_ARGS(DB_I(customer_id)), &cust_bytes, err);
	if (rc)
		return rc;
	if (files + 1 > s.max_per_document)
		return over(err, a, SVC_EUNPROCESSABLE, Q_COUNT_KEY,
		    s.max_per_document, files, 1,
		    "the request has as many attachments as allowed");
	if (doc_bytes + (int64_t)len > s.max_bytes_per_document)
		return over(err, a, SVC_ETOOBIG, Q_DOC_KEY,
		    s.max_bytes_per_document, doc_bytes, (int64_t)len,
		    arena_printf(a, "a file of %zu bytes would pass the "
		    "request's attachment quota", len));
	if (cust_bytes + (int64_t)len > s.max_bytes_per_customer)
		return over(err, a, SVC_ETOOBIG, Q_CUST_KEY,
		    s.max_bytes_per_customer, cust_bytes, (int64_t)len,
		    arena_printf(a, "a file of %zu bytes would pass the "
		    "customer's attachment quota", len));
	return SVC_OK;
}
