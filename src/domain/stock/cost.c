/*
 * cost — the cost ledger (售后服务成本, SPEC §4.10; seed 002 §9.1): cost
 * lines on documents, declared once (stock.h states the rules).
 */
#include "domain/stock/stock.h"

#include <stddef.h>
#include <string.h>

#include "util/clock.h"

const char *const cost_kinds[] = { "labour", "parts", "travel", "transport",
	"compensation", "other", NULL };

#define F(m) offsetof(struct cost_line, m)
#define OUT (RF_OUT | RF_AUTO)

static const struct rfield cost_fields[] = {
	{ "id", "k.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "doc_kind", "k.doc_kind", RT_ENUM, F(doc_kind), RF_REQUIRED |
	    RF_FIXED | RF_FILTER, .enums = stock_doc_kinds,
	    .zh = "单据类型", .en = "Document type",
	    .doc = "request or return" },
	{ "doc_id", "k.doc_id", RT_INT, F(doc_id), RF_REQUIRED | RF_FIXED |
	    RF_FILTER, 1, INT64_MAX, .zh = "单据", .en = "Document" },
	{ "doc_number", "coalesce(sr.number, rt.number, '')", RT_TEXT,
	    F(doc_number), OUT | RF_COLUMN, .zh = "单据编号",
	    .en = "Document number" },
	{ "kind", "k.kind", RT_ENUM, F(kind), RF_REQUIRED | RF_FIXED |
	    RF_FILTER | RF_COLUMN, .enums = cost_kinds, .zh = "费用类型",
	    .en = "Kind", .doc = "labour, travel, transport, compensation or "
	    "other (parts lines come from issues)" },
	{ "billing", "k.billing", RT_ENUM, F(billing), RF_REQUIRED | RF_FIXED |
	    RF_FILTER | RF_COLUMN, .enums = cost_billings,
	    .zh = "费用性质", .en = "Billing",
	    .doc = "paid (收费), warranty (保修) or contract (合同)" },
	{ "minutes", "k.minutes", RT_INT, F(minutes), RF_FIXED | RF_NULLABLE |
	    RF_COLUMN, 1, COST_MINUTES_MAX, .zh = "工时（分钟）",
	    .en = "Minutes", .doc = "labour: the minutes worked" },
	{ "rate_fen", "k.rate_fen", RT_MONEY, F(rate_fen), RF_OUT |
	    RF_NULLABLE, .zh = "工时费率（每小时）", .en = "Rate per hour" },
	{ "qty", "k.qty", RT_INT, F(qty), RF_OUT | RF_NULLABLE, .zh = "数量",
	    .en = "Quantity" },
	{ "part_id", "k.part_id", RT_ID, F(part_id),
	    RF_OUT | RF_NULLABLE | RF_FILTER,
	    .zh = "备件", .en = "Part" },
	{ "part_code", "coalesce(p.code, '')", RT_TEXT, F(part_code), OUT |
	    RF_COLUMN, .zh = "备件编码", .en = "Part code" },
	{ "amount_fen", "k.amount_fen", RT_MONEY, F(amount_fen), RF_NULLABLE |
	    RF_FIXED | RF_COLUMN, 0, COST_AMOUNT_MAX, .zh = "金额",
	    .en = "Amount", .doc = "all but labour: the amount" },
	{ "note", "k.note", RT_TEXT, F(note), RF_NULLABLE | RF_MULTI, 0, 500,
	    .zh = "说明", .en = "Note" },
	{ "customer_id", "k.customer_id", RT_ID, F(customer_id),
	    RF_OUT | RF_NULLABLE |
	    RF_FILTER, .zh = "客户", .en = "Customer" },
	{ "model_id", "k.model_id", RT_ID, F(model_id), RF_OUT | RF_NULLABLE,
	    .zh = "型号", .en = "Model" },
	{ "requisition_id", "k.requisition_id", RT_ID, F(requisition_id),
	    RF_OUT | RF_NULLABLE, .zh = "领料单", .en = "Requisition" },
	{ "day", "k.day", RT_DATE, F(day), RF_OUT | RF_SORT, .zh = "日期",
	    .en = "Day" },
	{ "created_by", "k.created_by", RT_ID, F(created_by),
	    RF_OUT | RF_NULLABLE,
	    .zh = "录入人", .en = "By" },
	{ "created_by_name", "coalesce(u.display_name, '')", RT_TEXT,
	    F(created_by_name), OUT | RF_COLUMN, .zh = "录入人", .en = "By" },
	{ "created_at", "k.created_at", RT_TIME, F(created_at), RF_OUT |
	    RF_COLUMN, .zh = "时间", .en = "Time" },
	{ NULL },
};

#undef F
#undef OUT

const struct record cost_line_rec = {
	.name = "cost_line",
	.what = "cost line",
	.table = "cost_lines",
	.from = "cost_lines k LEFT JOIN parts p ON p.id = k.part_id"
	    " LEFT JOIN service_requests sr ON k.doc_kind = 'request' AND"
	    " sr.id = k.doc_id LEFT JOIN returns rt ON k.doc_kind = 'return'"
	    " AND rt.id = k.doc_id LEFT JOIN users u ON u.id = k.created_by",
	.size = sizeof(struct cost_line),
	.fields = cost_fields,
	.zh = "费用",
	.en = "Cost line",
};

enum svc_code
stock_doc_of(struct db *db, struct arena *a, const char *doc_kind,
    int64_t doc_id, int64_t *customer_id, int64_t *model_id,
    int64_t *unit_id, const char **no, int *in_warranty,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	bool found;

	if (strcmp(doc_kind, "request") == 0)
		rc = db_query(db, "SELECT r.number, r.customer_id,"
		    " coalesce(u.model_id, 0), coalesce(r.unit_id, 0),"
		    " coalesce(r.in_warranty, -1) FROM service_requests r"
		    " LEFT JOIN sold_units u ON u.id = r.unit_id"
		    " WHERE r.id = ?",
		    DB_ARGS(DB_I(doc_id)), &q, err);
	else if (strcmp(doc_kind, "return") == 0)
		rc = db_query(db, "SELECT number, customer_id, 0, 0, -1 FROM"
		    " returns WHERE id = ?", DB_ARGS(DB_I(doc_id)), &q, err);
	else
		return svc_fail_field(err, SVC_EINVAL, "doc_kind", "invalid",
		    "'doc_kind' must be request or return");
	if (rc)
		return rc;
	found = db_next(q) == 1;
	if (found) {
		*no = db_dup(q, 0, a);
		*customer_id = db_i64(q, 1);
		*model_id = db_i64(q, 2);
		*unit_id = db_i64(q, 3);
		*in_warranty = (int)db_i64(q, 4);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && !found)
		rc = svc_fail_field(err, SVC_EINVAL, "doc_id", "not_found",
		    "%s %lld not found", doc_kind, (long long)doc_id);
	if (rc == SVC_OK && *no == NULL)
		rc = rec_oom(err);
	return rc;
}

/* customer, model and day of a new line, then the insert */
static enum svc_code
cost_insert(struct db *db, struct arena *a, const struct actor *who,
    struct cost_line *d, struct cost_line **out, struct svc_err *err)
{
	const char *no;
	enum svc_code rc;
	int64_t unit;
	int warranty;

	rc = stock_doc_of(db, a, d->doc_kind, d->doc_id, &d->customer_id,
	    &d->model_id, &unit, &no, &warranty, err);
	if (rc)
		return rc;
	d->day = clock_local_ymd(clock_now());
	d->created_by = who->user_id;
	d->created_at = clock_now();
	return rec_create(db, a, who, &cost_line_rec, d, (void **)out, err);
}

enum svc_code
cost_add(struct db *db, struct arena *a, const struct actor *who,
    struct cost_line *d, struct cost_line **out, struct svc_err *err)
{
	struct stock_settings s;
	enum svc_code rc;

	rec_normalize(&cost_line_rec, d);
	rc = rec_check(db, &cost_line_rec, d, err);
	if (rc)
		return rc;
	d->qty = REC_NULL;
	d->part_id = 0;
	d->requisition_id = 0;
	d->rate_fen = REC_NULL;
	if (strcmp(d->kind, "parts") == 0)
		return svc_fail_field(err, SVC_EINVAL, "kind", "invalid",
		    "parts costs come from issues (requisitions), not typed");
	if (strcmp(d->kind, "labour") == 0) {
		if (d->minutes == REC_NULL)
			return svc_fail_field(err, SVC_EINVAL, "minutes",
			    "required", "labour needs its minutes ('minutes')");
		if (d->amount_fen != REC_NULL)
			return svc_fail_field(err, SVC_EINVAL, "amount_fen",
			    "invalid", "labour is priced from its minutes: "
			    "leave out 'amount_fen'");
		rc = settings_get(db, &stock_settings_group, &s, err);
		if (rc)
			return rc;
		d->rate_fen = s.labour_rate_fen;
		/* minutes * rate / 60, half up */
		d->amount_fen = (2 * d->minutes * s.labour_rate_fen + 60) /
		    120;
	} else {
		if (d->amount_fen == REC_NULL)
			return svc_fail_field(err, SVC_EINVAL, "amount_fen",
			    "required", "'amount_fen' is required");
		if (d->amount_fen < 1)
			return svc_fail_field(err, SVC_EINVAL, "amount_fen",
			    "out_of_range", "'amount_fen' must be from 1 to "
			    "%lld", COST_AMOUNT_MAX);
		if (d->minutes != REC_NULL)
			return svc_fail_field(err, SVC_EINVAL, "minutes",
			    "invalid", "only labour takes 'minutes'");
	}
	return cost_insert(db, a, who, d, out, err);
}

enum svc_code
cost_add_parts(struct db *db, struct arena *a, const struct actor *who,
    const struct stock_requisition *r, struct svc_err *err)
{
	struct cost_line d, *out;

	rec_init(&cost_line_rec, &d);
	rec_normalize(&cost_line_rec, &d);
	d.doc_kind = r->doc_kind;
	d.doc_id = r->doc_id;
	d.kind = "parts";
	d.billing = r->billing;
	d.qty = r->qty;
	d.part_id = r->part_id;
	d.requisition_id = r->id;
	d.amount_fen = r->value_fen;
	d.note = r->number != NULL ? r->number : "";
	return cost_insert(db, a, who, &d, &out, err);
}

/* {total_fen, by_kind, by_billing} of the rows q selects (kind, billing,
 * sum) */
static enum svc_code
sums_json(struct jw *w, struct dbq *q, struct svc_err *err)
{
	int64_t by_kind[7] = { 0 }, by_billing[3] = { 0 }, total = 0;
	enum svc_code rc;

	while (db_next(q) == 1) {
		int64_t v = db_i64(q, 2);

		for (int i = 0; cost_kinds[i] != NULL; i++)
			if (strcmp(cost_kinds[i], db_str(q, 0)) == 0)
				by_kind[i] += v;
		for (int i = 0; cost_billings[i] != NULL; i++)
			if (strcmp(cost_billings[i], db_str(q, 1)) == 0)
				by_billing[i] += v;
		total += v;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	jw_ki64(w, "total_fen", total);
	jw_key(w, "by_kind");
	jw_obj_open(w);
	for (int i = 0; cost_kinds[i] != NULL; i++)
		jw_ki64(w, cost_kinds[i], by_kind[i]);
	jw_obj_close(w);
	jw_key(w, "by_billing");
	jw_obj_open(w);
	for (int i = 0; cost_billings[i] != NULL; i++)
		jw_ki64(w, cost_billings[i], by_billing[i]);
	jw_obj_close(w);
	return SVC_OK;
}

enum svc_code
cost_summary_json(struct db *db, struct jw *w, const char *doc_kind,
    int64_t doc_id, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT kind, billing, CAST(sum(amount_fen) AS"
	    " BIGINT) FROM cost_lines WHERE doc_kind = ? AND doc_id = ? GROUP"
	    " BY kind, billing", DB_ARGS(DB_S(doc_kind), DB_I(doc_id)), &q,
	    err);
	if (rc)
		return rc;
	jw_obj_open(w);
	jw_kstr(w, "doc_kind", doc_kind);
	jw_ki64(w, "doc_id", doc_id);
	rc = sums_json(w, q, err);
	jw_obj_close(w);
	return rc;
}

enum svc_code
cost_customer_json(struct db *db, struct jw *w, int64_t customer_id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT kind, billing, CAST(sum(amount_fen) AS"
	    " BIGINT) FROM cost_lines WHERE customer_id = ? GROUP BY kind,"
	    " billing", DB_ARGS(DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	jw_obj_open(w);
	rc = sums_json(w, q, err);
	if (rc == SVC_OK)
		rc = db_query(db, "SELECT r.number, p.code, p.name, r.qty,"
		    " k.amount_fen, k.doc_kind, k.doc_id, coalesce(sr.number,"
		    " rt.number, ''), k.created_at FROM cost_lines k"
		    " JOIN stock_requisitions r ON r.id = k.requisition_id"
		    " JOIN parts p ON p.id = k.part_id"
		    " LEFT JOIN service_requests sr ON k.doc_kind = 'request'"
		    " AND sr.id = k.doc_id LEFT JOIN returns rt ON"
		    " k.doc_kind = 'return' AND rt.id = k.doc_id"
		    " WHERE k.customer_id = ? AND k.kind = 'parts'"
		    " ORDER BY k.id DESC LIMIT 100", DB_ARGS(DB_I(customer_id)),
		    &q, err);
	if (rc == SVC_OK) {
		jw_key(w, "parts");
		jw_arr_open(w);
		while (db_next(q) == 1) {
			jw_obj_open(w);
			jw_kstr(w, "number", db_str(q, 0));
			jw_kstr(w, "part_code", db_str(q, 1));
			jw_kstr(w, "part_name", db_str(q, 2));
			jw_ki64(w, "qty", db_i64(q, 3));
			jw_ki64(w, "value_fen", db_i64(q, 4));
			jw_kstr(w, "doc_kind", db_str(q, 5));
			jw_ki64(w, "doc_id", db_i64(q, 6));
			jw_kstr(w, "doc_number", db_str(q, 7));
			jw_ktime(w, "created_at", db_i64(q, 8));
			jw_obj_close(w);
		}
		jw_arr_close(w);
		rc = db_done(q, err);
	}
	jw_obj_close(w);
	return rc;
}
