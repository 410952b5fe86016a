/*
 * intake — serial-first intake (SPEC §4.1): find the unit or the customer
 * by serial, phone or name, then show the customer, the unit with today's
 * warranty verdict and its rule, the customer's contacts and sold units
 * (to pick one without re-typing), and the open and past requests.  A
 * customer user finds only its own company: another company's serial,
 * phone or name is "nothing found", as one that does not exist.
 */
#include "domain/request/request.h"

#include <string.h>

#include "domain/master/master.h"

enum svc_code
request_intake_find(struct db *db, const struct request_caller *c,
    const struct request_intake_key *k, int64_t *unit_id,
    int64_t *customer_id, struct svc_err *err)
{
	int64_t own = c->customer_id;
	const char *field;
	struct dbq *q;
	enum svc_code rc;

	*unit_id = *customer_id = 0;
	if (k->serial != NULL && k->serial[0] != '\0') {
		field = "serial";
		rc = db_query(db, "SELECT id, customer_id FROM sold_units"
		    " WHERE serial = ? AND (? = 0 OR customer_id = ?)",
		    DB_ARGS(DB_S(k->serial), DB_I(own), DB_I(own)), &q, err);
	} else if (k->phone != NULL && k->phone[0] != '\0') {
		field = "phone";
		rc = db_query(db, "SELECT 0, min(id) FROM (SELECT c.id FROM"
		    " customers c WHERE c.phone = ? UNION SELECT k.customer_id"
		    " FROM customer_contacts k WHERE k.phone = ?) m"
		    " WHERE ? = 0 OR id = ? HAVING min(id) IS NOT NULL",
		    DB_ARGS(DB_S(k->phone), DB_S(k->phone), DB_I(own),
		    DB_I(own)), &q, err);
	} else if (k->customer != NULL && k->customer[0] != '\0') {
		field = "customer";
		rc = db_query(db, "SELECT 0, id FROM customers WHERE (name = ?"
		    " OR code = ?) AND (? = 0 OR id = ?) ORDER BY id LIMIT 1",
		    DB_ARGS(DB_S(k->customer), DB_S(k->customer), DB_I(own),
		    DB_I(own)), &q, err);
	} else {
		return svc_fail_field(err, SVC_EINVAL, "serial", "required",
		    "give a serial, a phone or a customer name");
	}
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		*unit_id = db_i64(q, 0);
		*customer_id = db_i64(q, 1);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (*customer_id == 0)
		return svc_fail(err, SVC_ENOTFOUND, field, "nothing found");
	return SVC_OK;
}

static enum svc_code
customer_json(struct db *db, struct jw *w, int64_t customer_id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT id, code, name, phone, region,"
	    " region_class, distance_km FROM customers WHERE id = ?",
	    DB_ARGS(DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "code", db_str(q, 1));
		jw_kstr(w, "name", db_str(q, 2));
		jw_kstr(w, "phone", db_str(q, 3));
		jw_kstr(w, "region", db_str(q, 4));
		jw_kstr(w, "region_class", db_str(q, 5));
		jw_ki64(w, "distance_km", db_i64(q, 6));
		jw_obj_close(w);
	} else {
		jw_null(w);
	}
	return db_done(q, err);
}

static enum svc_code
unit_json(struct db *db, struct arena *a, struct jw *w, int64_t unit_id,
    struct svc_err *err)
{
	struct warranty_verdict v;
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT u.id, u.serial, u.model_id, m.name,"
	    " m.model_no, u.customer_id, c.name"
	    " FROM sold_units u JOIN product_models m ON m.id = u.model_id"
	    " JOIN customers c ON c.id = u.customer_id WHERE u.id = ?",
	    DB_ARGS(DB_I(unit_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "serial", db_str(q, 1));
		jw_ki64(w, "model_id", db_i64(q, 2));
		jw_kstr(w, "model_name", db_str(q, 3));
		jw_kstr(w, "model_no", db_str(q, 4));
		jw_ki64(w, "customer_id", db_i64(q, 5));
		jw_kstr(w, "customer_name", db_str(q, 6));
		rc = unit_warranty_verdict(db, a, unit_id, ymd_today(), &v,
		    err);
		jw_key(w, "warranty");
		if (rc == SVC_OK)
			warranty_verdict_to_json(w, &v);
		else
			jw_null(w);
		jw_obj_close(w);
	} else {
		jw_null(w);
	}
	if (rc) {
		(void)db_done(q, NULL);
		return rc;
	}
	return db_done(q, err);
}

/* The customer's contacts, the primary first. */
static enum svc_code
contacts_json(struct db *db, struct jw *w, int64_t customer_id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT id, name, title, phone, is_primary"
	    " FROM customer_contacts WHERE customer_id = ?"
	    " ORDER BY is_primary DESC, id LIMIT 50",
	    DB_ARGS(DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "name", db_str(q, 1));
		jw_kstr(w, "title", db_str(q, 2));
		jw_kstr(w, "phone", db_str(q, 3));
		jw_kbool(w, "is_primary", db_i64(q, 4) != 0);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

/* The customer's sold units to pick from, the newest sale first. */
static enum svc_code
units_json(struct db *db, struct jw *w, int64_t customer_id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	char day[16];

	rc = db_query(db, "SELECT u.id, u.serial, m.name, m.model_no,"
	    " u.purchase_date, u.warranty_end"
	    " FROM sold_units u JOIN product_models m ON m.id = u.model_id"
	    " WHERE u.customer_id = ?"
	    " ORDER BY u.purchase_date DESC, u.id DESC LIMIT 100",
	    DB_ARGS(DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "serial", db_str(q, 1));
		jw_kstr(w, "model_name", db_str(q, 2));
		jw_kstr(w, "model_no", db_str(q, 3));
		ymd_format((int)db_i64(q, 4), day, sizeof(day));
		jw_kstr(w, "purchase_date", day);
		ymd_format((int)db_i64(q, 5), day, sizeof(day));
		jw_kstr(w, "warranty_end", day);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
request_intake_json(struct db *db, struct arena *a,
    const struct request_caller *c, int64_t unit_id, int64_t customer_id,
    struct jw *w, struct svc_err *err)
{
	struct request_filter f;
	struct request **items;
	enum svc_code rc;
	size_t n;
	bool more;

	if (c->customer_id != 0 && customer_id != c->customer_id)
		return svc_fail(err, SVC_ENOTFOUND, "customer",
		    "nothing found");
	jw_obj_open(w);
	jw_key(w, "customer");
	rc = customer_json(db, w, customer_id, err);
	if (rc)
		return rc;
	jw_key(w, "contacts");
	rc = contacts_json(db, w, customer_id, err);
	if (rc)
		return rc;
	jw_key(w, "units");
	rc = units_json(db, w, customer_id, err);
	if (rc)
		return rc;
	jw_key(w, "unit");
	if (unit_id != 0)
		rc = unit_json(db, a, w, unit_id, err);
	else
		jw_null(w);
	if (rc)
		return rc;
	memset(&f, 0, sizeof(f));
	f.customer_id = customer_id;
	f.unit_id = unit_id;
	rc = request_list(db, a, c, &f, 0, 50, &items, &n, &more, err);
	if (rc)
		return rc;
	jw_key(w, "open_requests");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		if (items[i]->state != RQ_CLOSED &&
		    items[i]->state != RQ_CANCELLED)
			request_to_json(w, items[i]);
	jw_arr_close(w);
	jw_key(w, "past_requests");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		if (items[i]->state == RQ_CLOSED ||
		    items[i]->state == RQ_CANCELLED)
			request_to_json(w, items[i]);
	jw_arr_close(w);
	jw_obj_close(w);
	return SVC_OK;
}
