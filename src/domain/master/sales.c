/*
 * sales — sales records per customer (from the ERP, by CSV or the API):
 * the base of the exchange ratio (SPEC §4.3).
 *
 * Invariants: a record is a fact and is never changed; it may be deleted
 * (audited with the record as it was); a non-empty reference is unique per
 * customer, so importing the same ERP file twice does not count twice.
 */
#include "domain/master/internal.h"

#include <stddef.h>
#include <string.h>


#define F(m) offsetof(struct sales_record, m)

static const struct rfield sales_fields[] = {
	{ "id", "s.id", RT_ID, F(id), RF_OUT | RF_AUTO, .zh = "编号",
	    .en = "ID" },
	{ "customer_id", "s.customer_id", RT_ID, F(customer_id), RF_REQUIRED |
	    RF_FILTER, .ref = "customers", .zh = "客户", .en = "Customer",
	    .doc = "the customer" },
	{ "customer_code", "cu.code", RT_TEXT, F(customer_code),
	    RF_OUT | RF_AUTO | RF_COLUMN, .zh = "客户编码",
	    .en = "Customer code" },
	{ "model_id", "s.model_id", RT_ID, F(model_id), RF_NULLABLE |
	    RF_FILTER, .ref = "product_models", .zh = "型号", .en = "Model",
	    .doc = "product model (optional)" },
	{ "model_no", "m.model_no", RT_TEXT, F(model_no), RF_OUT | RF_AUTO |
	    RF_COLUMN, .zh = "型号", .en = "Model" },
	{ "sale_date", "s.sale_date", RT_DATE, F(sale_date), RF_REQUIRED |
	    RF_SORT | RF_COLUMN, .zh = "销售日期", .en = "Sale date" },
	{ "quantity", "s.quantity", RT_INT, F(quantity), RF_COLUMN, 0,
	    1000000000, .zh = "数量", .en = "Quantity" },
	{ "amount_fen", "s.amount_fen", RT_MONEY, F(amount_fen), RF_REQUIRED |
	    RF_COLUMN, 0, 100000000000000LL, .zh = "金额", .en = "Amount" },
	{ "reference", "s.reference", RT_TEXT, F(reference), RF_NULLABLE |
	    RF_COLUMN, 0, 100, .zh = "单据号", .en = "Reference",
	    .doc = "ERP document number (unique per customer)" },
	{ "created_at", "s.created_at", RT_TIME, F(created_at),
	    RF_OUT | RF_AUTO, .zh = "录入时间", .en = "Recorded" },
	{ NULL },
};

#undef F

/* A non-empty reference is unique per customer (an ERP file imported twice
 * counts once). */
static enum svc_code
sales_check(struct db *db, struct arena *a, void *item,
    const void *before, struct svc_err *err)
{
	const struct sales_record *s = item;
	enum svc_code rc;
	int64_t n = 0;

	(void)a;
	(void)before;
	if (s->reference[0] == '\0')
		return SVC_OK;
	rc = db_one_i64(db, "SELECT count(*) FROM sales_records"
	    " WHERE customer_id = ? AND reference = ?",
	    DB_ARGS(DB_I(s->customer_id), DB_S(s->reference)), &n, err);
	if (rc == SVC_OK && n > 0)
		rc = svc_fail_field(err, SVC_ECONFLICT, "reference", "taken",
		    "the customer already has a sales record '%s'",
		    s->reference);
	return rc;
}

const struct record sales_rec = {
	.name = "sales_record",
	.what = "sales record",
	.table = "sales_records",
	.from = "sales_records s JOIN customers cu ON cu.id = s.customer_id"
	    " LEFT JOIN product_models m ON m.id = s.model_id",
	.size = sizeof(struct sales_record),
	.fields = sales_fields,
	.zh = "销售记录",
	.en = "Sales record",
	.check = sales_check,
};

/* ?from=&to=: sale dates, both inclusive. */
enum svc_code
sales_between(struct rec_query *q, int from, int to)
{
	if (from != 0) {
		rec_cond(q, " AND s.sale_date >= ?");
		rec_arg(q, DB_I(from));
	}
	if (to != 0) {
		rec_cond(q, " AND s.sale_date <= ?");
		rec_arg(q, DB_I(to));
	}
	return SVC_OK;
}

enum svc_code
sales_create(struct db *db, struct arena *a, const struct actor *who,
    const struct sales_record *d, struct sales_record **out,
    struct svc_err *err)
{
	return rec_create(db, a, who, &sales_rec, d, (void **)out, err);
}

enum svc_code
sales_totals(struct db *db, int64_t customer_id, int from, int to,
    struct sales_total *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	memset(t, 0, sizeof(*t));
	rc = db_query(db, "SELECT count(*), coalesce(sum(quantity), 0),"
	    " coalesce(sum(amount_fen), 0), coalesce(min(sale_date), 0),"
	    " coalesce(max(sale_date), 0) FROM sales_records"
	    " WHERE customer_id = ? AND sale_date >= ? AND sale_date <= ?",
	    DB_ARGS(DB_I(customer_id), DB_I(from), DB_I(to ? to : 99991231)),
	    &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		t->count = db_i64(q, 0);
		t->quantity = db_i64(q, 1);
		t->amount_fen = db_i64(q, 2);
		t->first_date = (int)db_i64(q, 3);
		t->last_date = (int)db_i64(q, 4);
	}
	return db_done(q, err);
}
