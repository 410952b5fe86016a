/*
 * customer — customer companies (客户档案) and their contacts.
 *
 * Invariants: a customer's code never changes (imports and other systems
 * refer to it); a customer has at most one primary contact.
 */
#include "domain/master/internal.h"

#include <string.h>

#include "util/clock.h"

const char *const customer_types[] = { "dealer", "distributor", "enterprise",
	"consumer", NULL };
const char *const region_classes[] = { "urban", "suburban", "remote",
	NULL };

#define CUST_COLS "id, code, name, type, region, address, phone," \
	" distance_km, region_class, credit_notes, relationship_notes," \
	" active, version, created_at, updated_at"
#define CUST_NCOLS 15

static void
cust_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct customer *c = item;

	c->id = db_i64(q, 0);
	c->code = db_dup(q, 1, a);
	c->name = db_dup(q, 2, a);
	c->type = db_dup(q, 3, a);
	c->region = db_dup(q, 4, a);
	c->address = db_dup(q, 5, a);
	c->phone = db_dup(q, 6, a);
	c->distance_km = db_i64(q, 7);
	c->region_class = db_dup(q, 8, a);
	c->credit_notes = db_dup(q, 9, a);
	c->relationship_notes = db_dup(q, 10, a);
	c->active = db_i64(q, 11) != 0;
	c->version = db_i64(q, 12);
	c->created_at = db_i64(q, 13);
	c->updated_at = db_i64(q, 14);
}

void
customer_to_json(struct jw *w, const struct customer *c)
{
	jw_obj_open(w);
	jw_ki64(w, "id", c->id);
	jw_kstr(w, "code", c->code);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "type", c->type);
	jw_kstr(w, "region", c->region);
	jw_kstr(w, "address", c->address);
	jw_kstr(w, "phone", c->phone);
	jw_ki64(w, "distance_km", c->distance_km);
	jw_kstr(w, "region_class", c->region_class);
	if (c->credit_notes != NULL)
		jw_kstr(w, "credit_notes", c->credit_notes);
	if (c->relationship_notes != NULL)
		jw_kstr(w, "relationship_notes", c->relationship_notes);
	jw_kbool(w, "active", c->active);
	jw_ki64(w, "version", c->version);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_obj_close(w);
}

void
customer_hide_internal(struct customer *c)
{
	c->credit_notes = NULL;
	c->relationship_notes = NULL;
}

static void
cust_json(struct jw *w, const void *c)
{
	customer_to_json(w, c);
}

static enum svc_code
cust_one(struct db *db, struct arena *a, const char *sql, struct dbv arg,
    struct customer **out, struct svc_err *err)
{
	struct customer *c;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, sql, &arg, 1, &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	c = arena_alloc(a, sizeof(*c));
	if (r == 1 && c != NULL)
		cust_from_row(q, a, c);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (c == NULL)
		return rec_oom(err);
	if (r != 1)
		return SVC_ENOTFOUND;
	*out = c;
	return SVC_OK;
}

enum svc_code
customer_get(struct db *db, struct arena *a, int64_t id,
    struct customer **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = cust_one(db, a, "SELECT " CUST_COLS " FROM customers WHERE id = ?",
	    DB_I(id), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "customer %lld not found", (long long)id);
	return rc;
}

enum svc_code
customer_get_by_code(struct db *db, struct arena *a, const char *code,
    struct customer **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = cust_one(db, a, "SELECT " CUST_COLS " FROM customers"
	    " WHERE code = ?", DB_S(code), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_ENOTFOUND, "code", "not_found",
		    "customer '%s' not found", code);
	return rc;
}

static const struct rec_sort cust_sorts[] = {
	{ "id", "id", false },
	{ "code", "code", true },
	{ "name", "name", true },
	{ "region", "region", true },
	{ "distance_km", "distance_km", false },
	{ NULL, NULL, false },
};

enum svc_code
customer_list(struct db *db, struct arena *a, const struct customer_filter *f,
    const struct rec_page *pg, struct customer ***items, size_t *n,
    char **next, struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, CUST_COLS, "customers", "id", cust_sorts,
	    pg, err);
	if (rc)
		return rc;
	if (f->only_id != 0) {
		rec_cond(&q, " AND id = ?");
		rec_arg(&q, DB_I(f->only_id));
	}
	if (f->q != NULL && f->q[0] != '\0') {
		const char *like = rec_like(a, f->q, false);

		rec_cond(&q, " AND (lower(code) LIKE lower(?)" REC_ESC
		    " OR lower(name) LIKE lower(?)" REC_ESC
		    " OR phone LIKE ?" REC_ESC
		    " OR id IN (SELECT customer_id FROM customer_contacts"
		    " WHERE phone LIKE ?" REC_ESC "))");
		for (int i = 0; i < 4; i++)
			rec_arg(&q, DB_S(like));
	}
	if (f->region != NULL) {
		rec_cond(&q, " AND region = ?");
		rec_arg(&q, DB_S(f->region));
	}
	if (f->type != NULL) {
		rec_cond(&q, " AND type = ?");
		rec_arg(&q, DB_S(f->type));
	}
	if (f->region_class != NULL) {
		rec_cond(&q, " AND region_class = ?");
		rec_arg(&q, DB_S(f->region_class));
	}
	if (f->active >= 0) {
		rec_cond(&q, " AND active = ?");
		rec_arg(&q, DB_I(f->active));
	}
	return rec_query_run(&q, db, a, CUST_NCOLS, sizeof(struct customer),
	    cust_from_row, (void ***)items, n, next, err);
}

/* Every field of a complete customer record. */
static enum svc_code
cust_check(const struct customer *c, struct svc_err *err)
{
	enum svc_code rc;

	rc = rec_text_ok(err, "name", c->name, 1, 200, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_enum_ok(err, "type", c->type, customer_types);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "region", c->region, 0, 50, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "address", c->address, 0, 300, REC_MULTI);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "phone", c->phone, 0, 40, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "distance_km", c->distance_km, 0,
		    100000);
	if (rc == SVC_OK)
		rc = rec_enum_ok(err, "region_class", c->region_class,
		    region_classes);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "credit_notes", c->credit_notes, 0, 2000,
		    REC_MULTI);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "relationship_notes",
		    c->relationship_notes, 0, 2000, REC_MULTI);
	return rc;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

enum svc_code
customer_create(struct db *db, struct arena *a, const struct actor *who,
    const struct customer *d, struct customer **out, struct svc_err *err)
{
	struct customer c = *d;
	enum svc_code rc;
	int64_t id, now = clock_now();

	c.type = c.type != NULL ? c.type : "dealer";
	c.region_class = c.region_class != NULL ? c.region_class : "urban";
	c.region = or_empty(c.region);
	c.address = or_empty(c.address);
	c.phone = or_empty(c.phone);
	c.credit_notes = or_empty(c.credit_notes);
	c.relationship_notes = or_empty(c.relationship_notes);
	rc = rec_text_ok(err, "code", c.code, 1, 32, REC_CODE);
	if (rc == SVC_OK)
		rc = cust_check(&c, err);
	if (rc == SVC_OK)
		rc = rec_unique_ok(db, err, "code", "SELECT count(*) FROM"
		    " customers WHERE code = ?", c.code, "customer code");
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO customers (code, name, type, region,"
	    " address, phone, distance_km, region_class, credit_notes,"
	    " relationship_notes, active, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(c.code), DB_S(c.name), DB_S(c.type), DB_S(c.region),
	    DB_S(c.address), DB_S(c.phone), DB_I(c.distance_km),
	    DB_S(c.region_class), DB_S(c.credit_notes),
	    DB_S(c.relationship_notes), DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = customer_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "customer", id, NULL,
		    rec_json_text(a, cust_json, *out), err);
	if (rc == SVC_OK)
		rc = master_index_customer(db, a, id, err);
	return rc;
}

enum svc_code
customer_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct customer *d, unsigned mask,
    struct customer **out, struct svc_err *err)
{
	struct customer *cur, m;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = customer_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, cust_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "customer", expected, before);
	m = *cur;
	if (mask & CUF_NAME)
		m.name = d->name;
	if (mask & CUF_TYPE)
		m.type = d->type;
	if (mask & CUF_REGION)
		m.region = or_empty(d->region);
	if (mask & CUF_ADDRESS)
		m.address = or_empty(d->address);
	if (mask & CUF_PHONE)
		m.phone = or_empty(d->phone);
	if (mask & CUF_DISTANCE)
		m.distance_km = d->distance_km;
	if (mask & CUF_REGION_CLASS)
		m.region_class = d->region_class;
	if (mask & CUF_CREDIT)
		m.credit_notes = or_empty(d->credit_notes);
	if (mask & CUF_RELATION)
		m.relationship_notes = or_empty(d->relationship_notes);
	if (mask & CUF_ACTIVE)
		m.active = d->active;
	rc = cust_check(&m, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE customers SET name = ?, type = ?, region = ?,"
	    " address = ?, phone = ?, distance_km = ?, region_class = ?,"
	    " credit_notes = ?, relationship_notes = ?, active = ?,"
	    " version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(m.name), DB_S(m.type), DB_S(m.region),
	    DB_S(m.address), DB_S(m.phone), DB_I(m.distance_km),
	    DB_S(m.region_class), DB_S(m.credit_notes),
	    DB_S(m.relationship_notes), DB_I(m.active), DB_I(clock_now()),
	    DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "customer", expected, before);
	rc = customer_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "customer", id, before,
		    rec_json_text(a, cust_json, *out), err);
	if (rc == SVC_OK)
		rc = master_index_customer(db, a, id, err);
	return rc;
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
