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

#include <stddef.h>
#include <stdio.h>
#include <string.h>


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

static const struct setting_field attach_setting_fields[] = {
	{ Q_COUNT_KEY, "max_per_document",
	    offsetof(struct attach_settings, max_per_document),
	    ATTACH_DEFAULT_COUNT, 1, ATTACH_MAX_COUNT },
	{ Q_DOC_KEY, "max_bytes_per_document",
	    offsetof(struct attach_settings, max_bytes_per_document),
	    ATTACH_DEFAULT_DOC_BYTES, 1, ATTACH_MAX_BYTES },
	{ Q_CUST_KEY, "max_bytes_per_customer",
	    offsetof(struct attach_settings, max_bytes_per_customer),
	    ATTACH_DEFAULT_CUSTOMER_BYTES, 1, ATTACH_MAX_BYTES },
	{ NULL },
};

const struct setting_group attach_settings_group = {
	attach_setting_fields, sizeof(struct attach_settings),
	offsetof(struct attach_settings, version),
};

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
		rc = settings_get(db, &attach_settings_group, &s, err);
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
