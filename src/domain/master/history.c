/*
 * history — a customer's whole record in one answer (the 病史档案 of seed
 * 001 篇四): the customer, contacts, units with their warranty, contracts,
 * sales totals, and whatever other modules add through
 * master_history_extra().
 */
#include "domain/master/internal.h"

#include <string.h>

/*
 * The weak default: no requests module linked in yet.  The requests module
 * defines master_history_extra() (without "weak") and writes its sections
 * ("requests", "returns", "complaints" ...) instead.
 */
__attribute__((weak)) enum svc_code
master_history_extra(struct db *db, struct arena *a, int64_t customer_id,
    unsigned show, struct jw *w, struct svc_err *err)
{
	(void)show;
	(void)db;
	(void)a;
	(void)customer_id;
	(void)err;
	jw_key(w, "requests");
	jw_arr_open(w);
	jw_arr_close(w);
	return SVC_OK;
}

static enum svc_code
history_units(struct db *db, struct arena *a, int64_t customer_id, int today,
    struct jw *w, struct svc_err *err)
{
	struct rec_page pg = { .sort = NULL, .cursor = NULL, .limit = 200 };
	struct warranty_verdict v;
	struct rec_query q;
	struct unit **items;
	enum svc_code rc;
	size_t n, total = 0;
	char *next = NULL;
	int64_t count = 0;

	jw_key(w, "units");
	jw_arr_open(w);
	do {
		rc = rec_list_begin(&q, a, &unit_rec, &pg, err);
		if (rc)
			break;
		rec_filter(&q, &unit_rec, rec_field(&unit_rec, "customer_id"),
		    DB_I(customer_id));
		rc = rec_list_run(&q, db, a, &unit_rec, (void ***)&items, &n,
		    &next, err);
		for (size_t i = 0; rc == SVC_OK && i < n &&
		    total < HISTORY_UNITS_MAX; i++, total++) {
			rc = unit_warranty_verdict(db, a, items[i]->id, today,
			    &v, err);
			if (rc)
				break;
			unit_on(items[i], today);
			jw_obj_open(w);
			rec_json_members(w, &unit_rec, items[i], REC_STAFF);
			jw_key(w, "warranty");
			warranty_verdict_to_json(w, &v);
			jw_obj_close(w);
		}
		pg.cursor = next;
	} while (rc == SVC_OK && next != NULL && total < HISTORY_UNITS_MAX);
	jw_arr_close(w);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT count(*) FROM sold_units WHERE"
	    " customer_id = ?", DB_ARGS(DB_I(customer_id)), &count, err);
	jw_ki64(w, "units_total", count);
	return rc;
}

static enum svc_code
history_sales(struct db *db, int64_t customer_id, struct jw *w,
    struct svc_err *err)
{
	struct sales_total t;
	struct dbq *q;
	enum svc_code rc;

	rc = sales_totals(db, customer_id, 0, 0, &t, err);
	if (rc)
		return rc;
	jw_key(w, "sales");
	jw_obj_open(w);
	jw_ki64(w, "count", t.count);
	jw_ki64(w, "quantity", t.quantity);
	jw_ki64(w, "amount_fen", t.amount_fen);
	rec_kdate(w, "first_date", t.first_date);
	rec_kdate(w, "last_date", t.last_date);
	jw_key(w, "by_year");
	jw_arr_open(w);
	rc = db_query(db, "SELECT sale_date / 10000, count(*),"
	    " coalesce(sum(quantity), 0), coalesce(sum(amount_fen), 0)"
	    " FROM sales_records WHERE customer_id = ?"
	    " GROUP BY sale_date / 10000 ORDER BY 1",
	    DB_ARGS(DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "year", db_i64(q, 0));
		jw_ki64(w, "count", db_i64(q, 1));
		jw_ki64(w, "quantity", db_i64(q, 2));
		jw_ki64(w, "amount_fen", db_i64(q, 3));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	return db_done(q, err);
}

enum svc_code
customer_history_json(struct db *db, struct arena *a, int64_t customer_id,
    int today, bool internal, unsigned show, struct jw *w,
    struct svc_err *err)
{
	struct customer *c;
	struct contact **contacts;
	struct contract **contracts;
	enum svc_code rc;
	size_t n;

	if (today == 0)
		today = ymd_today();
	rc = customer_get(db, a, customer_id, &c, err);
	if (rc)
		return rc;
	jw_obj_open(w);
	rec_kdate(w, "as_of", today);
	jw_key(w, "customer");
	customer_to_json(w, c, internal);
	rc = contact_list(db, a, customer_id, &contacts, &n, err);
	if (rc)
		return rc;
	jw_key(w, "contacts");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		rec_to_json(w, &contact_rec, contacts[i], REC_STAFF);
	jw_arr_close(w);
	rc = history_units(db, a, customer_id, today, w, err);
	if (rc)
		return rc;
	if (show & HISTORY_CONTRACTS) {
		rc = contract_of_customer(db, a, customer_id, &contracts, &n,
		    err);
		if (rc)
			return rc;
		jw_key(w, "contracts");
		jw_arr_open(w);
		for (size_t i = 0; i < n; i++)
			rec_to_json(w, &contract_rec, contracts[i],
			    REC_STAFF);
		jw_arr_close(w);
	}
	if (show & HISTORY_SALES) {
		rc = history_sales(db, customer_id, w, err);
		if (rc)
			return rc;
	}
	/* ----- other modules' documents (requests, returns ...) ----- */
	rc = master_history_extra(db, a, customer_id, show, w, err);
	if (rc)
		return rc;
	jw_obj_close(w);
	return SVC_OK;
}
