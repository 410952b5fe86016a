/*
 * unit — sold units (售出产品/设备) and their warranty.
 *
 * warranty_end is never taken from the caller: every write computes it
 * from the purchase date and the months of the unit's contract or model
 * (master.h states the rule), and unit_recompute_warranty() follows changes
 * of those months.
 */
#include "domain/master/internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

#define F(m) offsetof(struct unit, m)

static const struct rfield unit_fields[] = {
	{ "id", "u.id", RT_ID, F(id), RF_OUT | RF_AUTO, .zh = "编号",
	    .en = "ID" },
	{ "serial", "u.serial", RT_TEXT, F(serial), RF_REQUIRED | RF_FIXED |
	    RF_UNIQUE | RF_CODE | RF_SORT | RF_COLUMN, 1, 64, .zh = "序列号",
	    .en = "Serial number",
	    .doc = "unique serial number (never changes)" },
	{ "model_id", "u.model_id", RT_ID, F(model_id), RF_REQUIRED |
	    RF_FILTER, .zh = "型号", .en = "Model", .doc = "product model" },
	{ "model_no", "m.model_no", RT_TEXT, F(model_no), RF_OUT | RF_AUTO |
	    RF_COLUMN, .zh = "型号编码", .en = "Model number" },
	{ "model_name", "m.name", RT_TEXT, F(model_name), RF_OUT | RF_AUTO |
	    RF_COLUMN, .zh = "产品名称", .en = "Product" },
	{ "customer_id", "u.customer_id", RT_ID, F(customer_id), RF_REQUIRED |
	    RF_FILTER, .ref = "customers", .zh = "客户", .en = "Customer",
	    .doc = "the customer who bought it" },
	{ "customer_code", "cu.code", RT_TEXT, F(customer_code),
	    RF_OUT | RF_AUTO, .zh = "客户编码", .en = "Customer code" },
	{ "customer_name", "cu.name", RT_TEXT, F(customer_name), RF_OUT |
	    RF_AUTO | RF_COLUMN, .zh = "客户名称", .en = "Customer" },
	{ "contract_id", "u.contract_id", RT_ID, F(contract_id), RF_NULLABLE,
	    .zh = "销售合同", .en = "Sales contract",
	    .doc = "the sales contract (may override the warranty months)" },
	{ "contract_no", "c.contract_no", RT_TEXT, F(contract_no),
	    RF_OUT | RF_AUTO, .zh = "合同编号", .en = "Contract number" },
	{ "sale_order_no", "u.sale_order_no", RT_TEXT, F(sale_order_no),
	    RF_NULLABLE, 0, 50, .zh = "销售订单号", .en = "Sale order" },
	{ "invoice_no", "u.invoice_no", RT_TEXT, F(invoice_no), RF_NULLABLE, 0,
	    50, .zh = "发票号", .en = "Invoice" },
	{ "purchase_date", "u.purchase_date", RT_DATE, F(purchase_date),
	    RF_REQUIRED | RF_SORT | RF_COLUMN, .zh = "购买日期",
	    .en = "Purchased", .doc = "the warranty counts from it" },
	{ "delivery_date", "u.delivery_date", RT_DATE, F(delivery_date),
	    RF_NULLABLE, .zh = "交货日期", .en = "Delivered" },
	{ "quantity", "u.quantity", RT_INT, F(quantity), 0, 1, 1000000,
	    .def = "1", .zh = "数量", .en = "Quantity" },
	{ "amount_fen", "u.amount_fen", RT_MONEY, F(amount_fen), 0, 0,
	    1000000000000LL, .zh = "金额", .en = "Amount" },
	{ "warranty_end", "u.warranty_end", RT_DATE, F(warranty_end), RF_OUT |
	    RF_SORT | RF_COLUMN, .zh = "保修截止", .en = "Warranty until",
	    .doc = "computed: purchase_date + the contract's or the model's "
	    "months - 1 day" },
	{ "in_warranty", NULL, RT_BOOL, F(in_warranty), RF_OUT | RF_AUTO |
	    RF_NOW | RF_COLUMN, .zh = "在保", .en = "In warranty",
	    .doc = "today, in the company's calendar" },
	{ "used", "u.used", RT_BOOL, F(used), 0, .zh = "二手", .en = "Used",
	    .doc = "used goods" },
	{ "usage_years", "u.usage_years", RT_INT, F(usage_years), RF_NULLABLE,
	    0, 100, .zh = "使用年限", .en = "Years in use" },
	{ "wear", "u.wear", RT_TEXT, F(wear), RF_NULLABLE | RF_MULTI, 0, 500,
	    .zh = "磨损", .en = "Wear" },
	{ "repair_history", "u.repair_history", RT_TEXT, F(repair_history),
	    RF_NULLABLE | RF_MULTI, 0, 2000, .zh = "维修记录",
	    .en = "Repairs" },
	{ "known_faults", "u.known_faults", RT_TEXT, F(known_faults),
	    RF_NULLABLE | RF_MULTI, 0, 2000, .zh = "已知故障",
	    .en = "Known faults" },
	{ "version", "u.version", RT_INT, F(version), RF_OUT | RF_AUTO,
	    .zh = "版本", .en = "Version" },
	{ "created_at", "u.created_at", RT_TIME, F(created_at),
	    RF_OUT | RF_AUTO, .zh = "创建时间", .en = "Created" },
	{ "updated_at", "u.updated_at", RT_TIME, F(updated_at),
	    RF_OUT | RF_AUTO, .zh = "修改时间", .en = "Updated" },
	{ NULL },
};

#undef F

static enum svc_code unit_check(struct db *, struct arena *, void *,
    const void *, struct svc_err *);

static enum svc_code
unit_after(struct db *db, struct arena *a, const struct actor *who,
    const void *item, const void *before, struct svc_err *err)
{
	const struct unit *u = item;

	(void)who;
	(void)before;
	return u != NULL ? master_index_unit(db, a, u->id, err) : SVC_OK;
}

/* in_warranty today (unit_on() answers for another day). */
static enum svc_code
unit_fill(struct db *db, struct arena *a, void *item, struct svc_err *err)
{
	(void)db;
	(void)a;
	(void)err;
	unit_on(item, ymd_today());
	return SVC_OK;
}

const struct record unit_rec = {
	.name = "sold_unit",
	.what = "unit",
	.table = "sold_units",
	.from = "sold_units u JOIN product_models m ON m.id = u.model_id"
	    " JOIN customers cu ON cu.id = u.customer_id"
	    " LEFT JOIN contracts c ON c.id = u.contract_id",
	.size = sizeof(struct unit),
	.fields = unit_fields,
	.zh = "售出设备",
	.en = "Sold unit",
	.check = unit_check,
	.after = unit_after,
	.fill = unit_fill,
};

void
unit_on(struct unit *u, int day)
{
	u->in_warranty = u->purchase_date <= day && day <= u->warranty_end;
}

enum svc_code
unit_get(struct db *db, struct arena *a, int64_t id, struct unit **out,
    struct svc_err *err)
{
	return rec_get(db, a, &unit_rec, id, (void **)out, err);
}

enum svc_code
unit_get_by_serial(struct db *db, struct arena *a, const char *serial,
    struct unit **out, struct svc_err *err)
{
	return rec_get_by(db, a, &unit_rec, "serial", serial, (void **)out,
	    err);
}

/* ?contract_id= (its sales units and the units it maintains), ?serial= */
enum svc_code
unit_match(struct rec_query *q, struct arena *a, int64_t contract_id,
    const char *serial_prefix)
{
	if (contract_id != 0) {
		rec_cond(q, " AND (u.contract_id = ? OR u.id IN (SELECT"
		    " unit_id FROM contract_units WHERE contract_id = ?))");
		rec_arg(q, DB_I(contract_id));
		rec_arg(q, DB_I(contract_id));
	}
	if (serial_prefix != NULL && serial_prefix[0] != '\0') {
		rec_cond(q, " AND u.serial LIKE ?" REC_ESC);
		rec_arg(q, DB_S(rec_like(a, serial_prefix, true)));
	}
	return SVC_OK;
}

/* ----- warranty ----- */

/*
 * The months that decide u's warranty: the contract's override or the
 * model's.  Checks model and contract on the way (fields model_id,
 * contract_id).
 */
static enum svc_code
unit_months(struct db *db, const struct unit *u, int64_t *months,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int64_t cust = 0, cm = REC_NULL;
	bool found = false, sales = false;

	rc = db_one_i64(db, "SELECT warranty_months FROM product_models"
	    " WHERE id = ?", DB_ARGS(DB_I(u->model_id)), months, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_EINVAL, "model_id", "not_found",
		    "product model %lld not found", (long long)u->model_id);
	if (rc)
		return rc;
	if (u->contract_id == 0)
		return SVC_OK;
	rc = db_query(db, "SELECT customer_id, kind, warranty_months"
	    " FROM contracts WHERE id = ?", DB_ARGS(DB_I(u->contract_id)), &q,
	    err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		found = true;
		cust = db_i64(q, 0);
		sales = strcmp(db_str(q, 1), "sales") == 0;
		cm = db_null(q, 2) ? REC_NULL : db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (!found)
		return svc_fail_field(err, SVC_EINVAL, "contract_id",
		    "not_found", "contract %lld not found",
		    (long long)u->contract_id);
	if (!sales)
		return svc_fail_field(err, SVC_EINVAL, "contract_id",
		    "not_allowed", "a unit's contract must be a sales contract"
		    " (maintenance contracts list the units they cover)");
	if (cust != u->customer_id)
		return svc_fail_field(err, SVC_EINVAL, "contract_id",
		    "not_allowed", "contract %lld belongs to another customer",
		    (long long)u->contract_id);
	if (cm != REC_NULL)
		*months = cm;
	return SVC_OK;
}

void
warranty_verdict_to_json(struct jw *w, const struct warranty_verdict *v)
{
	jw_obj_open(w);
	jw_ki64(w, "unit_id", v->unit_id);
	jw_kbool(w, "in_warranty", v->in_warranty);
	rec_kdate(w, "on_date", v->on_date);
	rec_kdate(w, "purchase_date", v->purchase_date);
	rec_kdate(w, "warranty_end", v->warranty_end);
	jw_ki64(w, "months", v->months);
	jw_kstr(w, "source", v->by_contract ? "contract" : "model");
	jw_kstr(w, "rule", v->rule);
	jw_obj_close(w);
}

enum svc_code
unit_warranty_verdict(struct db *db, struct arena *a, int64_t unit_id,
    int on, struct warranty_verdict *v, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	char pd[16], end[16];
	char *model_no = NULL, *contract_no = NULL;
	int64_t mm = 0, cm = REC_NULL;
	int r;

	memset(v, 0, sizeof(*v));
	v->unit_id = unit_id;
	v->on_date = on != 0 ? on : ymd_today();
	rc = db_query(db, "SELECT u.purchase_date, m.model_no,"
	    " m.warranty_months, c.contract_no, c.warranty_months"
	    " FROM sold_units u JOIN product_models m ON m.id = u.model_id"
	    " LEFT JOIN contracts c ON c.id = u.contract_id WHERE u.id = ?",
	    DB_ARGS(DB_I(unit_id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	if (r == 1) {
		v->purchase_date = (int)db_i64(q, 0);
		model_no = db_dup(q, 1, a);
		mm = db_i64(q, 2);
		contract_no = db_dup(q, 3, a);
		cm = db_null(q, 4) ? REC_NULL : db_i64(q, 4);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "unit_id",
		    "unit %lld not found", (long long)unit_id);
	v->by_contract = contract_no != NULL && cm != REC_NULL;
	v->months = v->by_contract ? cm : mm;
	v->warranty_end = warranty_end_of(v->purchase_date, (int)v->months);
	v->in_warranty = v->purchase_date <= v->on_date &&
	    v->on_date <= v->warranty_end;
	ymd_format(v->purchase_date, pd, sizeof(pd));
	ymd_format(v->warranty_end, end, sizeof(end));
	if (v->by_contract)
		v->rule = arena_printf(a, "purchase_date %s + %lld months "
		    "(contract %s overrides model %s's %lld months): in "
		    "warranty through %s", pd, (long long)v->months,
		    contract_no, model_no, (long long)mm, end);
	else
		v->rule = arena_printf(a, "purchase_date %s + %lld months "
		    "(model %s): in warranty through %s", pd,
		    (long long)v->months, model_no, end);
	if (v->months == 0)
		v->rule = arena_printf(a, "%s (no warranty)", v->rule);
	return SVC_OK;
}

struct recompute_row {
	int64_t id;
	int old_end;
	int new_end;
};

enum svc_code
unit_recompute_warranty(struct db *db, struct arena *a,
    const struct actor *who, const char *where, int64_t arg,
    int64_t *changed, struct svc_err *err)
{
	struct recompute_row *rows;
	struct buf sql, list;
	struct dbq *q;
	enum svc_code rc;
	size_t n;
	int64_t now = clock_now(), cnt = 0;
	char b[16], af[16];

	buf_init(&sql, 4096);
	buf_addf(&sql, "SELECT u.id, u.purchase_date, u.warranty_end,"
	    " m.warranty_months, c.warranty_months FROM sold_units u"
	    " JOIN product_models m ON m.id = u.model_id"
	    " LEFT JOIN contracts c ON c.id = u.contract_id WHERE %s"
	    " ORDER BY u.id", where);
	rc = db_query(db, sql.p, DB_ARGS(DB_I(arg)), &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	buf_init(&list, (size_t)1 << 30);
	while (db_next(q) == 1) {
		struct recompute_row r;
		int64_t months = db_null(q, 4) ? db_i64(q, 3) : db_i64(q, 4);

		r.id = db_i64(q, 0);
		r.old_end = (int)db_i64(q, 2);
		r.new_end = warranty_end_of((int)db_i64(q, 1), (int)months);
		if (r.new_end != r.old_end)
			buf_add(&list, &r, sizeof(r));
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && list.failed)
		rc = svc_fail(err, SVC_ETOOBIG, NULL, "too many units to "
		    "recompute in one change");
	rows = (struct recompute_row *)(void *)list.p;
	n = list.len / sizeof(*rows);
	for (size_t i = 0; rc == SVC_OK && i < n; i++) {
		rc = db_exec(db, "UPDATE sold_units SET warranty_end = ?,"
		    " version = version + 1, updated_at = ? WHERE id = ?",
		    DB_ARGS(DB_I(rows[i].new_end), DB_I(now), DB_I(rows[i].id)),
		    NULL, err);
		if (rc)
			break;
		ymd_format(rows[i].old_end, b, sizeof(b));
		ymd_format(rows[i].new_end, af, sizeof(af));
		rc = audit_write(db, who, "warranty_recompute", "sold_unit",
		    rows[i].id, arena_printf(a, "{\"warranty_end\":\"%s\"}", b),
		    arena_printf(a, "{\"warranty_end\":\"%s\"}", af), err);
		cnt++;
	}
	buf_release(&list);
	if (changed != NULL)
		*changed = cnt;
	return rc;
}

/* ----- create / update ----- */

/*
 * Dates in order; model and contract checked by unit_months(); a unit
 * that changes hands leaves its maintenance contracts first; warranty_end
 * computed (never taken from the caller).
 */
static enum svc_code
unit_check(struct db *db, struct arena *a, void *item, const void *before,
    struct svc_err *err)
{
	struct unit *u = item;
	const struct unit *old = before;
	enum svc_code rc = SVC_OK;
	int64_t months = 0, n;

	(void)a;
	if (u->delivery_date != 0 && u->delivery_date < u->purchase_date)
		return svc_fail_field(err, SVC_EINVAL, "delivery_date",
		    "out_of_range", "'delivery_date' cannot be before "
		    "'purchase_date'");
	rc = unit_months(db, u, &months, err);
	if (rc == SVC_OK && old != NULL && u->customer_id != old->customer_id)
		rc = db_one_i64(db, "SELECT count(*) FROM contract_units cu"
		    " JOIN contracts c ON c.id = cu.contract_id"
		    " WHERE cu.unit_id = ? AND c.customer_id <> ?",
		    DB_ARGS(DB_I(u->id), DB_I(u->customer_id)), &n, err);
	if (rc == SVC_OK && old != NULL && u->customer_id != old->customer_id &&
	    n > 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id",
		    "covered", "the unit is covered by a maintenance "
		    "contract of its customer; take it off that contract "
		    "first");
	if (rc == SVC_OK)
		u->warranty_end = warranty_end_of(u->purchase_date,
		    (int)months);
	return rc;
}

enum svc_code
unit_create(struct db *db, struct arena *a, const struct actor *who,
    const struct unit *d, struct unit **out, struct svc_err *err)
{
	return rec_create(db, a, who, &unit_rec, d, (void **)out, err);
}

int
warranty_end_of(int purchase, int months)
{
	return ymd_add_days(ymd_add_months(purchase, months), -1);
}
