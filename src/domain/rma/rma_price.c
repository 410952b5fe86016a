/*
 * rma_price — the unit price a return line is valued at: what the customer
 * paid for the goods.  The price list (收费标准) holds labour, fees and
 * parts, no product prices; a product's price is the customer's own
 * purchase: the sold unit's amount when the line names a unit of the
 * customer, else the customer's last sales record of the model on or
 * before the day asked (amount / quantity, rounded to the fen).
 *
 * Invariants: a customer caller asks only of its own company; a unit of
 * another customer is "not found", never shown.
 */
#include "domain/rma/rma.h"

#include <stdio.h>
#include <string.h>

#include "domain/rma/rma_int.h"

static void
jw_kday(struct jw *w, const char *k, int ymd)
{
	char tmp[16];

	if (ymd == 0) {
		jw_knull(w, k);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	jw_kstr(w, k, tmp);
}

/* amount / quantity rounded half up (both positive) */
static int64_t
per_unit(int64_t amount, int64_t quantity)
{
	return (amount + quantity / 2) / quantity;
}

/* The customer's unit by id or serial into p->unit_*; 0 rows: none. */
static enum svc_code
find_unit(struct db *db, struct arena *a, int64_t customer_id,
    int64_t unit_id, const char *serial, struct rma_price *p,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	if (unit_id != 0)
		rc = db_query(db, "SELECT id, serial, model_id, purchase_date,"
		    " coalesce(delivery_date, 0), sale_order_no, quantity,"
		    " amount_fen FROM sold_units WHERE id = ?"
		    " AND customer_id = ?", DB_ARGS(DB_I(unit_id),
		    DB_I(customer_id)), &q, err);
	else
		rc = db_query(db, "SELECT id, serial, model_id, purchase_date,"
		    " coalesce(delivery_date, 0), sale_order_no, quantity,"
		    " amount_fen FROM sold_units WHERE serial = ?"
		    " AND customer_id = ?", DB_ARGS(DB_S(serial),
		    DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		p->unit_id = db_i64(q, 0);
		p->serial = db_dup(q, 1, a);
		p->unit_model_id = db_i64(q, 2);
		p->purchase_date = (int)db_i64(q, 3);
		p->delivery_date = (int)db_i64(q, 4);
		p->sale_order_no = db_dup(q, 5, a);
		p->unit_quantity = db_i64(q, 6);
		p->unit_amount_fen = db_i64(q, 7);
	}
	return db_done(q, err);
}

/* The customer's last sale of model_id on or before day into p->sale_*. */
static enum svc_code
find_sale(struct db *db, struct arena *a, int64_t customer_id,
    int64_t model_id, int day, struct rma_price *p, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT id, sale_date, quantity, amount_fen,"
	    " reference FROM sales_records WHERE customer_id = ?"
	    " AND model_id = ? AND sale_date <= ? AND quantity > 0"
	    " AND amount_fen > 0 ORDER BY sale_date DESC, id DESC LIMIT 1",
	    DB_ARGS(DB_I(customer_id), DB_I(model_id), DB_I(day)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		p->sale_id = db_i64(q, 0);
		p->sale_date = (int)db_i64(q, 1);
		p->sale_quantity = db_i64(q, 2);
		p->sale_amount_fen = db_i64(q, 3);
		p->sale_reference = db_dup(q, 4, a);
	}
	return db_done(q, err);
}

enum svc_code
rma_line_price(struct db *db, struct arena *a, const struct rma_caller *c,
    const struct rma_price_ask *ask, struct rma_price *p,
    struct svc_err *err)
{
	int64_t customer_id = ask->customer_id, model_id = ask->model_id, n;
	bool by_unit = ask->unit_id != 0 ||
	    (ask->serial != NULL && ask->serial[0] != '\0');
	enum svc_code rc;

	memset(p, 0, sizeof(*p));
	p->day = ask->day;
	if (c->customer_id != 0) {
		/* a customer user: its own company only */
		if (customer_id != 0 && customer_id != c->customer_id)
			return svc_fail_field(err, SVC_ENOTFOUND,
			    "customer_id", "not_found", "no such customer");
		customer_id = c->customer_id;
	}
	if (customer_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id",
		    "required", "give 'customer_id'");
	if (!by_unit && model_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "model_id", "required",
		    "give the product model or the sold unit (unit_id or "
		    "serial)");
	rc = db_one_i64(db, "SELECT count(*) FROM customers WHERE id = ?",
	    DB_ARGS(DB_I(customer_id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail_field(err, SVC_ENOTFOUND, "customer_id",
		    "not_found", "no such customer");
	p->customer_id = customer_id;
	if (model_id != 0) {
		rc = db_one_i64(db, "SELECT count(*) FROM product_models"
		    " WHERE id = ?", DB_ARGS(DB_I(model_id)), &n, err);
		if (rc)
			return rc;
		if (n == 0)
			return svc_fail_field(err, SVC_ENOTFOUND, "model_id",
			    "not_found", "no such product model");
	}
	if (by_unit) {
		rc = find_unit(db, a, customer_id, ask->unit_id, ask->serial,
		    p, err);
		if (rc)
			return rc;
		if (p->unit_id != 0 && model_id != 0 &&
		    model_id != p->unit_model_id)
			return svc_fail_field(err, SVC_EINVAL, "model_id",
			    "mismatch", "the unit is of another model");
		if (p->unit_id != 0)
			model_id = p->unit_model_id;
		if (p->unit_id != 0 && p->unit_quantity > 0 &&
		    p->unit_amount_fen > 0) {
			p->source = "unit";
			p->unit_price_fen = per_unit(p->unit_amount_fen,
			    p->unit_quantity);
		}
	}
	p->model_id = model_id;
	if (p->source == NULL && model_id != 0) {
		rc = find_sale(db, a, customer_id, model_id, ask->day, p, err);
		if (rc)
			return rc;
		if (p->sale_id != 0) {
			p->source = "sales";
			p->unit_price_fen = per_unit(p->sale_amount_fen,
			    p->sale_quantity);
		}
	}
	return SVC_OK;
}

void
rma_price_json(struct jw *w, const struct rma_price *p)
{
	jw_obj_open(w);
	jw_kbool(w, "found", p->source != NULL);
	if (p->source != NULL) {
		jw_kstr(w, "source", p->source);
		jw_ki64(w, "unit_price_fen", p->unit_price_fen);
	} else {
		jw_knull(w, "source");
		jw_knull(w, "unit_price_fen");
	}
	jw_ki64(w, "customer_id", p->customer_id);
	jw_kid(w, "model_id", p->model_id);
	jw_kday(w, "date", p->day);
	jw_key(w, "unit");
	if (p->unit_id != 0) {
		jw_obj_open(w);
		jw_ki64(w, "id", p->unit_id);
		jw_kstr(w, "serial", p->serial);
		jw_ki64(w, "model_id", p->unit_model_id);
		jw_kday(w, "purchase_date", p->purchase_date);
		jw_kday(w, "delivery_date", p->delivery_date);
		jw_kstr(w, "sale_order_no", p->sale_order_no);
		jw_ki64(w, "quantity", p->unit_quantity);
		jw_ki64(w, "amount_fen", p->unit_amount_fen);
		jw_obj_close(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "sale");
	if (p->sale_id != 0) {
		jw_obj_open(w);
		jw_ki64(w, "id", p->sale_id);
		jw_kday(w, "sale_date", p->sale_date);
		jw_kstr(w, "reference", p->sale_reference);
		jw_ki64(w, "quantity", p->sale_quantity);
		jw_ki64(w, "amount_fen", p->sale_amount_fen);
		jw_obj_close(w);
	} else {
		jw_null(w);
	}
	jw_obj_close(w);
}
