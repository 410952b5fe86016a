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
	REC_ID_FIELD(struct customer),
	{ "code", "code", RT_TEXT, F(code), RF_REQUIRED | RF_FIXED | RF_UNIQUE |
	    RF_CODE | RF_SORT | RF_COLUMN, 1, 32, .zh = "客户编码", .en = "Code",
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
	REC_KEPT_FIELDS(struct customer),
	{ NULL },
};

#undef F

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

/* ----- contacts ----- */

#define F(m) offsetof(struct contact, m)

static const struct rfield contact_fields[] = {
	REC_ID_FIELD(struct contact),
	{ "customer_id", "customer_id", RT_ID, F(customer_id), RF_OUT,
	    .zh = "客户", .en = "Customer" },
	{ "name", "name", RT_TEXT, F(name), RF_REQUIRED | RF_COLUMN, 1, 100,
	    .zh = "姓名", .en = "Name", .doc = "contact's name" },
	{ "title", "title", RT_TEXT, F(title), RF_NULLABLE | RF_COLUMN, 0, 100,
	    .zh = "职务", .en = "Title", .doc = "job title" },
	{ "phone", "phone", RT_TEXT, F(phone), RF_NULLABLE | RF_COLUMN, 0, 40,
	    .zh = "电话", .en = "Phone" },
	{ "email", "email", RT_TEXT, F(email), RF_NULLABLE | RF_COLUMN, 0, 200,
	    .zh = "邮箱", .en = "Email" },
	{ "is_primary", "is_primary", RT_BOOL, F(is_primary), RF_COLUMN,
	    .zh = "主要联系人", .en = "Primary",
	    .doc = "the main contact (one per customer)" },
	REC_KEPT_FIELDS(struct contact),
	{ NULL },
};

#undef F

/* An email address; a customer has at most CONTACTS_MAX contacts. */
static enum svc_code
contact_check(struct db *db, struct arena *a, void *item,
    const void *before, struct svc_err *err)
{
	const struct contact *c = item;
	enum svc_code rc;
	int64_t n;

	(void)a;
	rc = rec_email_ok(err, "email", c->email);
	if (rc || before != NULL)
		return rc;
	rc = db_one_i64(db, "SELECT count(*) FROM customer_contacts"
	    " WHERE customer_id = ?", DB_ARGS(DB_I(c->customer_id)), &n, err);
	if (rc == SVC_OK && n >= CONTACTS_MAX)
		rc = svc_fail_field(err, SVC_EUNPROCESSABLE, "customer_id",
		    "too_many", "a customer has at most %d contacts",
		    CONTACTS_MAX);
	return rc;
}

/* Clear is_primary on the customer's other contacts, auditing each. */
static enum svc_code
clear_primary(struct db *db, struct arena *a, const struct actor *who,
    int64_t customer_id, int64_t keep_id, struct svc_err *err)
{
	struct contact **items, d;
	enum svc_code rc;
	size_t n;
	void *out;

	rc = contact_list(db, a, customer_id, &items, &n, err);
	for (size_t i = 0; rc == SVC_OK && i < n; i++) {
		if (!items[i]->is_primary || items[i]->id == keep_id)
			continue;
		d.is_primary = false;
		rc = rec_update(db, a, who, &contact_rec, items[i]->id,
		    items[i]->version, &d,
		    REC_BIT(rec_field(&contact_rec, "is_primary")), &out, err);
	}
	return rc;
}

/* One primary contact; the customer's search entry holds its contacts. */
static enum svc_code
contact_after(struct db *db, struct arena *a, const struct actor *who,
    const void *item, const void *before, struct svc_err *err)
{
	const struct contact *c = item, *old = before;
	enum svc_code rc = SVC_OK;

	if (c != NULL && c->is_primary && (old == NULL || !old->is_primary))
		rc = clear_primary(db, a, who, c->customer_id, c->id, err);
	if (rc == SVC_OK)
		rc = master_index_customer(db, a, c != NULL ? c->customer_id :
		    old->customer_id, err);
	return rc;
}

const struct record contact_rec = {
	.name = "customer_contact",
	.what = "contact",
	.table = "customer_contacts",
	.size = sizeof(struct contact),
	.fields = contact_fields,
	.zh = "联系人",
	.en = "Contact",
	.check = contact_check,
	.after = contact_after,
};

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
	rc = db_query(db, arena_printf(a, "%s WHERE customer_id = ?"
	    " ORDER BY is_primary DESC, id LIMIT ?", rec_select(a,
	    &contact_rec)), DB_ARGS(DB_I(customer_id), DB_I(CONTACTS_MAX)),
	    &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < CONTACTS_MAX) {
		items[cnt] = arena_alloc(a, sizeof(struct contact));
		if (items[cnt] == NULL)
			break;
		rec_from_row(&contact_rec, q, a, items[cnt++]);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && a->oom)
		rc = rec_oom(err);
	*out = items;
	*n = cnt;
	return rc;
}

enum svc_code
contact_create(struct db *db, struct arena *a, const struct actor *who,
    int64_t customer_id, const struct contact *d, struct contact **out,
    struct svc_err *err)
{
	struct contact c = *d;

	c.customer_id = customer_id;
	return rec_create(db, a, who, &contact_rec, &c, (void **)out, err);
}
