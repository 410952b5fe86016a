/*
 * customer — customer companies (客户档案) and their contacts.
 *
 * Invariants: a customer's code never changes (imports and other systems
 * refer to it); a customer has at most one primary contact.
 */
#include "domain/master/internal.h"

#include <stddef.h>
#include <string.h>

#include "util/clock.h"

const char *const customer_types[] = { "dealer", "distributor", "enterprise",
	"consumer", NULL };
const char *const region_classes[] = { "urban", "suburban", "remote",
	NULL };

#define F(m) offsetof(struct customer, m)

static const struct rfield customer_fields[] = {
	{ "id", "id", RT_ID, F(id), RF_OUT | RF_AUTO, .zh = "编号",
	    .en = "ID" },
	{ "code", "code", RT_TEXT, F(code), RF_REQUIRED | RF_FIXED | RF_CODE |
	    RF_SORT | RF_COLUMN, 1, 32, .zh = "客户编码", .en = "Code",
	    .doc = "unique customer code, e.g. C0001 (never changes)" },
	{ "name", "name", RT_TEXT, F(name), RF_REQUIRED | RF_SORT | RF_COLUMN,
	    1, 200, .zh = "客户名称", .en = "Name", .doc = "company name" },
	{ "type", "type", RT_ENUM, F(type), RF_FILTER | RF_COLUMN,
	    .enums = customer_types, .def = "dealer", .zh = "客户类型",
	    .en = "Type" },
	{ "region", "region", RT_TEXT, F(region), RF_NULLABLE | RF_FILTER |
	    RF_SORT | RF_COLUMN, 0, 50, .zh = "区域", .en = "Region",
	    .doc = "sales region, e.g. 华北" },
	{ "address", "address", RT_TEXT, F(address), RF_NULLABLE | RF_MULTI,
	    0, 300, .zh = "地址", .en = "Address" },
	{ "phone", "phone", RT_TEXT, F(phone), RF_NULLABLE | RF_COLUMN, 0, 40,
	    .zh = "电话", .en = "Phone", .doc = "main phone number" },
	{ "distance_km", "distance_km", RT_INT, F(distance_km), RF_SORT, 0,
	    100000, .zh = "距离(公里)", .en = "Distance (km)",
	    .doc = "distance from the service centre (arrival targets)" },
	{ "region_class", "region_class", RT_ENUM, F(region_class),
	    RF_FILTER | RF_COLUMN, .enums = region_classes, .def = "urban",
	    .zh = "地区类别", .en = "Region class",
	    .doc = "urban, suburban or remote (arrival targets)" },
	{ "credit_notes", "credit_notes", RT_TEXT, F(credit_notes),
	    RF_NULLABLE | RF_MULTI | RF_INTERNAL, 0, 2000, .zh = "信用备注",
	    .en = "Credit notes" },
	{ "relationship_notes", "relationship_notes", RT_TEXT,
	    F(relationship_notes), RF_NULLABLE | RF_MULTI | RF_INTERNAL, 0,
	    2000, .zh = "关系备注", .en = "Relationship notes" },
	{ "active", "active", RT_BOOL, F(active), RF_FILTER | RF_COLUMN,
	    .def = "true", .zh = "启用", .en = "Active",
	    .doc = "false marks the customer inactive" },
	{ "version", "version", RT_INT, F(version), RF_OUT | RF_AUTO,
	    .zh = "版本", .en = "Version" },
	{ "created_at", "created_at", RT_TIME, F(created_at),
	    RF_OUT | RF_AUTO, .zh = "创建时间", .en = "Created" },
	{ "updated_at", "updated_at", RT_TIME, F(updated_at),
	    RF_OUT | RF_AUTO, .zh = "修改时间", .en = "Updated" },
	{ NULL },
};

#undef F

/* A new customer's code is free (codes never change). */
static enum svc_code
cust_check(struct db *db, struct arena *a, const void *item,
    const void *before, struct svc_err *err)
{
	const struct customer *c = item;

	(void)a;
	if (before != NULL)
		return SVC_OK;
	return rec_unique_ok(db, err, "code", "SELECT count(*) FROM customers"
	    " WHERE code = ?", c->code, "customer code");
}

static enum svc_code
cust_after(struct db *db, struct arena *a, const struct actor *who,
    const void *item, const void *before, struct svc_err *err)
{
	const struct customer *c = item;

	(void)who;
	(void)before;
	return master_index_customer(db, a, c->id, err);
}

const struct record customer_rec = {
	.name = "customer",
	.what = "customer",
	.table = "customers",
	.size = sizeof(struct customer),
	.fields = customer_fields,
	.zh = "客户",
	.en = "Customer",
	.check = cust_check,
	.after = cust_after,
};

/* In code, name or phone, or a contact's phone (?q=). */
enum svc_code
customer_match(struct rec_query *q, struct arena *a, const char *text)
{
	const char *like = rec_like(a, text, false);

	rec_cond(q, " AND (lower(code) LIKE lower(?)" REC_ESC
	    " OR lower(name) LIKE lower(?)" REC_ESC
	    " OR phone LIKE ?" REC_ESC
	    " OR id IN (SELECT customer_id FROM customer_contacts"
	    " WHERE phone LIKE ?" REC_ESC "))");
	for (int i = 0; i < 4; i++)
		rec_arg(q, DB_S(like));
	return SVC_OK;
}

enum svc_code
match_code_name(struct rec_query *q, struct arena *a, const char *code_col,
    const char *text)
{
	const char *like = rec_like(a, text, false);

	rec_cond(q, " AND (lower(");
	rec_cond(q, code_col);
	rec_cond(q, ") LIKE lower(?)" REC_ESC " OR lower(name) LIKE lower(?)"
	    REC_ESC ")");
	rec_arg(q, DB_S(like));
	rec_arg(q, DB_S(like));
	return SVC_OK;
}

void
customer_to_json(struct jw *w, const struct customer *c, bool internal)
{
	rec_to_json(w, &customer_rec, c, internal ? REC_STAFF : REC_CUSTOMER);
}

enum svc_code
customer_get(struct db *db, struct arena *a, int64_t id,
    struct customer **out, struct svc_err *err)
{
	return rec_get(db, a, &customer_rec, id, (void **)out, err);
}

enum svc_code
customer_get_by_code(struct db *db, struct arena *a, const char *code,
    struct customer **out, struct svc_err *err)
{
	return rec_get_by(db, a, &customer_rec, "code", code, (void **)out,
	    err);
}

enum svc_code
customer_create(struct db *db, struct arena *a, const struct actor *who,
    const struct customer *d, struct customer **out, struct svc_err *err)
{
	return rec_create(db, a, who, &customer_rec, d, (void **)out, err);
}

enum svc_code
customer_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct customer *d, rec_mask mask,
    struct customer **out, struct svc_err *err)
{
	return rec_update(db, a, who, &customer_rec, id, expected, d, mask,
	    (void **)out, err);
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* ----- contacts ----- */

#define CONTACT_COLS "id, customer_id, name, title, phone, email, is_primary," \
	" version, created_at, updated_at"

static void
contact_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct contact *c = item;

	c->id = db_i64(q, 0);
	c->customer_id = db_i64(q, 1);
	c->name = db_dup(q, 2, a);
	c->title = db_dup(q, 3, a);
	c->phone = db_dup(q, 4, a);
	c->email = db_dup(q, 5, a);
	c->is_primary = db_i64(q, 6) != 0;
	c->version = db_i64(q, 7);
	c->created_at = db_i64(q, 8);
	c->updated_at = db_i64(q, 9);
}

void
contact_to_json(struct jw *w, const struct contact *c)
{
	jw_obj_open(w);
	jw_ki64(w, "id", c->id);
	jw_ki64(w, "customer_id", c->customer_id);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "title", c->title);
	jw_kstr(w, "phone", c->phone);
	jw_kstr(w, "email", c->email);
	jw_kbool(w, "is_primary", c->is_primary);
	jw_ki64(w, "version", c->version);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_obj_close(w);
}

static void
contact_json(struct jw *w, const void *c)
{
	contact_to_json(w, c);
}

enum svc_code
contact_list(struct db *db, struct arena *a, int64_t customer_id,
    struct contact ***out, size_t *n, struct svc_err *err)
{
	struct contact **items;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0;

	items = arena_alloc(a, CONTACTS_MAX * sizeof(*items));
	if (items == NULL)
		return rec_oom(err);
	rc = db_query(db, "SELECT " CONTACT_COLS " FROM customer_contacts"
	    " WHERE customer_id = ? ORDER BY is_primary DESC, id LIMIT ?",
	    DB_ARGS(DB_I(customer_id), DB_I(CONTACTS_MAX)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < CONTACTS_MAX) {
		items[cnt] = arena_alloc(a, sizeof(struct contact));
		if (items[cnt] == NULL)
			break;
		contact_from_row(q, a, items[cnt++]);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && a->oom)
		rc = rec_oom(err);
	*out = items;
	*n = cnt;
	return rc;
}

enum svc_code
contact_get(struct db *db, struct arena *a, int64_t customer_id, int64_t id,
    struct contact **out, struct svc_err *err)
{
	struct contact *c;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " CONTACT_COLS " FROM customer_contacts"
	    " WHERE id = ? AND customer_id = ?",
	    DB_ARGS(DB_I(id), DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	c = arena_alloc(a, sizeof(*c));
	if (r == 1 && c != NULL)
		contact_from_row(q, a, c);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (c == NULL)
		return rec_oom(err);
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "contact %lld of customer %lld not found", (long long)id,
		    (long long)customer_id);
	*out = c;
	return SVC_OK;
}

static enum svc_code
contact_check(const struct contact *c, struct svc_err *err)
{
	enum svc_code rc;

	rc = rec_text_ok(err, "name", c->name, 1, 100, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "title", c->title, 0, 100, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "phone", c->phone, 0, 40, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "email", c->email, 0, 200, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_email_ok(err, "email", c->email);
	return rc;
}

/* Clear is_primary on the customer's other contacts, auditing each. */
static enum svc_code
clear_primary(struct db *db, struct arena *a, const struct actor *who,
    int64_t customer_id, int64_t keep_id, struct svc_err *err)
{
	struct contact **items, *after;
	enum svc_code rc;
	size_t n;

	rc = contact_list(db, a, customer_id, &items, &n, err);
	for (size_t i = 0; rc == SVC_OK && i < n; i++) {
		if (!items[i]->is_primary || items[i]->id == keep_id)
			continue;
		rc = db_exec(db, "UPDATE customer_contacts SET is_primary = 0,"
		    " version = version + 1, updated_at = ? WHERE id = ?",
		    DB_ARGS(DB_I(clock_now()), DB_I(items[i]->id)), NULL, err);
		if (rc == SVC_OK)
			rc = contact_get(db, a, customer_id, items[i]->id,
			    &after, err);
		if (rc == SVC_OK)
			rc = audit_write(db, who, "update", "customer_contact",
			    items[i]->id, rec_json_text(a, contact_json,
			    items[i]), rec_json_text(a, contact_json, after),
			    err);
	}
	return rc;
}

enum svc_code
contact_create(struct db *db, struct arena *a, const struct actor *who,
    int64_t customer_id, const struct contact *d, struct contact **out,
    struct svc_err *err)
{
	struct contact c = *d;
	struct customer *cust;
	enum svc_code rc;
	int64_t id, n, now = clock_now();

	rc = customer_get(db, a, customer_id, &cust, err);
	if (rc)
		return rc;
	c.title = or_empty(c.title);
	c.phone = or_empty(c.phone);
	c.email = or_empty(c.email);
	rc = contact_check(&c, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT count(*) FROM customer_contacts"
	    " WHERE customer_id = ?", DB_ARGS(DB_I(customer_id)), &n, err);
	if (rc)
		return rc;
	if (n >= CONTACTS_MAX)
		return svc_fail_field(err, SVC_EUNPROCESSABLE, "customer_id",
		    "too_many", "a customer has at most %d contacts",
		    CONTACTS_MAX);
	if (c.is_primary) {
		rc = clear_primary(db, a, who, customer_id, 0, err);
		if (rc)
			return rc;
	}
	rc = db_one_i64(db, "INSERT INTO customer_contacts (customer_id, name,"
	    " title, phone, email, is_primary, version, created_at,"
	    " updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_I(customer_id), DB_S(c.name), DB_S(c.title),
	    DB_S(c.phone), DB_S(c.email), DB_I(c.is_primary), DB_I(now),
	    DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = contact_get(db, a, customer_id, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "customer_contact", id,
		    NULL, rec_json_text(a, contact_json, *out), err);
	if (rc == SVC_OK)
		rc = master_index_customer(db, a, customer_id, err);
	if (rc == SVC_OK)
		rc = master_index_customer(db, a, customer_id, err);
	return rc;
}

enum svc_code
contact_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t customer_id, int64_t id, int64_t expected,
    const struct contact *d, unsigned mask, struct contact **out,
    struct svc_err *err)
{
	struct contact *cur, m;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = contact_get(db, a, customer_id, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, contact_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "contact", expected, before);
	m = *cur;
	if (mask & CTF_NAME)
		m.name = d->name;
	if (mask & CTF_TITLE)
		m.title = or_empty(d->title);
	if (mask & CTF_PHONE)
		m.phone = or_empty(d->phone);
	if (mask & CTF_EMAIL)
		m.email = or_empty(d->email);
	if (mask & CTF_PRIMARY)
		m.is_primary = d->is_primary;
	rc = contact_check(&m, err);
	if (rc == SVC_OK && m.is_primary && !cur->is_primary)
		rc = clear_primary(db, a, who, customer_id, id, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE customer_contacts SET name = ?, title = ?,"
	    " phone = ?, email = ?, is_primary = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(m.name), DB_S(m.title), DB_S(m.phone), DB_S(m.email),
	    DB_I(m.is_primary), DB_I(clock_now()), DB_I(id), DB_I(expected)),
	    &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "contact", expected, before);
	rc = contact_get(db, a, customer_id, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "customer_contact", id,
		    before, rec_json_text(a, contact_json, *out), err);
	return rc;
}

enum svc_code
contact_delete(struct db *db, struct arena *a, const struct actor *who,
    int64_t customer_id, int64_t id, struct svc_err *err)
{
	struct contact *cur;
	enum svc_code rc;

	rc = contact_get(db, a, customer_id, id, &cur, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "DELETE FROM customer_contacts WHERE id = ?",
		    DB_ARGS(DB_I(id)), NULL, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "delete", "customer_contact", id,
		    rec_json_text(a, contact_json, cur), NULL, err);
	if (rc == SVC_OK)
		rc = master_index_customer(db, a, customer_id, err);
	return rc;
}
