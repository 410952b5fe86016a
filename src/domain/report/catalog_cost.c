/*
 * catalog_cost — the reports of the cost ledger and the parts store (SPEC
 * §4.9, §4.10, §4.15): costs per month by kind and billing (the paid
 * column is the chargeable service, the revenue the repairs bill), per
 * customer, per product model and per request; parts consumption per part
 * and per month.
 *
 * Months are the company's local calendar: cost lines and movements keep
 * their local day (cost_lines.day, stock_moves.day).  A group report lists
 * at most REPORT_TOP groups, largest first; "consumption" is what issues
 * took out of stock (requisitions), net of nothing else.
 */
#include <string.h>

#include "domain/report/catalog_int.h"
#include "domain/stock/stock.h"
#include "util/date.h"

#define REPORT_TOP 200

/* the kinds and billings as the columns after the first */
enum { CK_LABOUR, CK_PARTS, CK_TRAVEL, CK_TRANSPORT, CK_COMP, CK_OTHER,
	CK__N };
enum { CB_PAID, CB_WARRANTY, CB_CONTRACT, CB__N };

static int
index_of(const char *const *set, const char *v)
{
	for (int i = 0; set[i] != NULL; i++)
		if (strcmp(set[i], v) == 0)
			return i;
	return -1;
}

/* the lines of a period, customer and model (after "day >= ? AND < ?") */
#define CL_FILTERS \
	" AND (? = 0 OR k.customer_id = ?) AND (? = 0 OR k.model_id = ?)"
#define CL_ARGS(f) DB_ARGS(DB_I((int64_t)(f)->from_ym * 100), \
	DB_I((int64_t)ym_next((f)->to_ym) * 100), DB_I((f)->customer_id), \
	DB_I((f)->customer_id), DB_I((f)->model_id), DB_I((f)->model_id))

/*
 * One row per row of the query: its first ntext columns text, the rest
 * integers (counts, fen), in the table's column order.
 */
static enum svc_code
rows_of(struct db *db, struct arena *a, const char *sql,
    const struct dbv *args, size_t nargs, size_t ntext, struct table *t,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	size_t cap = 0;

	t->nrows = 0;
	rc = db_query(db, sql, args, nargs, &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		struct tcell *row = table_add(t, a, &cap);

		if (row == NULL) {
			rc = db_done(q, err);
			return rc ? rc : rec_oom(err);
		}
		for (size_t c = 0; c < t->ncols; c++) {
			if (c < ntext)
				row[c].s = db_dup(q, (int)c, a);
			else
				cell_i(&row[c], db_i64(q, (int)c));
		}
	}
	return db_done(q, err);
}

/* ----- costs-monthly ----- */

const struct tcol cost_monthly_cols[COST_MONTHLY_NCOLS] = {
	{ "month", "月份", "Month", COL_TEXT },
	{ "labour_fen", "人工", "Labour", COL_MONEY },
	{ "parts_fen", "备件", "Parts", COL_MONEY },
	{ "travel_fen", "差旅", "Travel", COL_MONEY },
	{ "transport_fen", "运输", "Transport", COL_MONEY },
	{ "compensation_fen", "赔偿", "Compensation", COL_MONEY },
	{ "other_fen", "其他", "Other", COL_MONEY },
	{ "total_fen", "合计", "Total", COL_MONEY },
	{ "paid_fen", "收费服务（应收）", "Paid service (chargeable)",
	    COL_MONEY },
	{ "warranty_fen", "保修", "Warranty", COL_MONEY },
	{ "contract_fen", "合同", "Contract", COL_MONEY },
};
const char *const cost_monthly_y[] = { "labour_fen", "parts_fen",
	"travel_fen", "transport_fen", "compensation_fen", "other_fen", NULL };

enum svc_code
run_cost_monthly(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = month_rows(t, a, f, err);	/* its figures 0 */
	if (rc)
		return rc;
	rc = db_query(db, "SELECT k.day / 100, k.kind, k.billing,"
	    " CAST(sum(k.amount_fen) AS BIGINT) FROM cost_lines k WHERE"
	    " k.day >= ? AND k.day < ?" CL_FILTERS " GROUP BY k.day / 100,"
	    " k.kind, k.billing", CL_ARGS(f), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		long r = month_row(f, (int)db_i64(q, 0));
		int k = index_of(cost_kinds, db_str(q, 1));
		int b = index_of(cost_billings, db_str(q, 2));
		int64_t v = db_i64(q, 3);

		if (r < 0 || k < 0 || b < 0)
			continue;
		table_cell(t, (size_t)r, 1 + (size_t)k)->i += v;
		table_cell(t, (size_t)r, 1 + CK__N)->i += v;
		table_cell(t, (size_t)r, 2 + CK__N + (size_t)b)->i += v;
	}
	return db_done(q, err);
}

/* ----- costs-customers, costs-models ----- */

enum { CG_CODE, CG_NAME, CG_LINES, CG_TOTAL, CG_PAID, CG_WARRANTY,
	CG_CONTRACT, CG_PARTS, CG__N };
_Static_assert(CG__N == COST_GROUP_NCOLS, "cost group columns");

const struct tcol cost_customer_cols[COST_GROUP_NCOLS] = {
	{ "customer_code", "客户编码", "Customer code", COL_TEXT },
	{ "customer_name", "客户", "Customer", COL_TEXT },
	{ "lines", "费用笔数", "Lines", COL_INT },
	{ "total_fen", "合计", "Total", COL_MONEY },
	{ "paid_fen", "收费", "Paid", COL_MONEY },
	{ "warranty_fen", "保修", "Warranty", COL_MONEY },
	{ "contract_fen", "合同", "Contract", COL_MONEY },
	{ "parts_fen", "其中备件", "Of which parts", COL_MONEY },
};
const struct tcol cost_model_cols[COST_GROUP_NCOLS] = {
	{ "model_no", "型号", "Model", COL_TEXT },
	{ "model_name", "产品", "Product", COL_TEXT },
	{ "lines", "费用笔数", "Lines", COL_INT },
	{ "total_fen", "合计", "Total", COL_MONEY },
	{ "paid_fen", "收费", "Paid", COL_MONEY },
	{ "warranty_fen", "保修", "Warranty", COL_MONEY },
	{ "contract_fen", "合同", "Contract", COL_MONEY },
	{ "parts_fen", "其中备件", "Of which parts", COL_MONEY },
};
const char *const cost_group_y[] = { "total_fen", NULL };

#define CG_SUMS \
	" count(*), CAST(sum(k.amount_fen) AS BIGINT)," \
	" CAST(sum(CASE WHEN k.billing = 'paid' THEN k.amount_fen ELSE 0" \
	" END) AS BIGINT), CAST(sum(CASE WHEN k.billing = 'warranty' THEN" \
	" k.amount_fen ELSE 0 END) AS BIGINT), CAST(sum(CASE WHEN" \
	" k.billing = 'contract' THEN k.amount_fen ELSE 0 END) AS BIGINT)," \
	" CAST(sum(CASE WHEN k.kind = 'parts' THEN k.amount_fen ELSE 0 END)" \
	" AS BIGINT)"
#define STR_(x) #x
#define STR(x) STR_(x)

enum svc_code
run_cost_customers(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	return rows_of(db, a, "SELECT c.code, c.name," CG_SUMS " FROM"
	    " cost_lines k JOIN customers c ON c.id = k.customer_id WHERE"
	    " k.day >= ? AND k.day < ?" CL_FILTERS " GROUP BY c.id, c.code,"
	    " c.name ORDER BY 4 DESC, c.code LIMIT " STR(REPORT_TOP),
	    CL_ARGS(f), 2, t, err);
}

enum svc_code
run_cost_models(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	return rows_of(db, a, "SELECT m.model_no, m.name," CG_SUMS " FROM"
	    " cost_lines k JOIN product_models m ON m.id = k.model_id WHERE"
	    " k.day >= ? AND k.day < ?" CL_FILTERS " GROUP BY m.id,"
	    " m.model_no, m.name ORDER BY 4 DESC, m.model_no LIMIT "
	    STR(REPORT_TOP), CL_ARGS(f), 2, t, err);
}

/* ----- costs-requests ----- */

enum { CR_NUMBER, CR_CUSTOMER, CR_TOTAL, CR_LABOUR, CR_PARTS, CR_OTHER,
	CR_PAID, CR_WARRANTY, CR_CONTRACT, CR__N };
_Static_assert(CR__N == COST_REQUEST_NCOLS, "cost request columns");

const struct tcol cost_request_cols[COST_REQUEST_NCOLS] = {
	{ "number", "工单号", "Request", COL_TEXT },
	{ "customer_name", "客户", "Customer", COL_TEXT },
	{ "total_fen", "合计", "Total", COL_MONEY },
	{ "labour_fen", "人工", "Labour", COL_MONEY },
	{ "parts_fen", "备件", "Parts", COL_MONEY },
	{ "other_fen", "差旅运输等", "Travel, transport, other", COL_MONEY },
	{ "paid_fen", "收费", "Paid", COL_MONEY },
	{ "warranty_fen", "保修", "Warranty", COL_MONEY },
	{ "contract_fen", "合同", "Contract", COL_MONEY },
};
const char *const cost_request_y[] = { "labour_fen", "parts_fen",
	"other_fen", NULL };

enum svc_code
run_cost_requests(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	return rows_of(db, a, "SELECT r.number, c.name,"
	    " CAST(sum(k.amount_fen) AS BIGINT),"
	    " CAST(sum(CASE WHEN k.kind = 'labour' THEN k.amount_fen ELSE 0"
	    " END) AS BIGINT), CAST(sum(CASE WHEN k.kind = 'parts' THEN"
	    " k.amount_fen ELSE 0 END) AS BIGINT), CAST(sum(CASE WHEN k.kind"
	    " NOT IN ('labour', 'parts') THEN k.amount_fen ELSE 0 END) AS"
	    " BIGINT), CAST(sum(CASE WHEN k.billing = 'paid' THEN"
	    " k.amount_fen ELSE 0 END) AS BIGINT), CAST(sum(CASE WHEN"
	    " k.billing = 'warranty' THEN k.amount_fen ELSE 0 END) AS BIGINT),"
	    " CAST(sum(CASE WHEN k.billing = 'contract' THEN k.amount_fen"
	    " ELSE 0 END) AS BIGINT) FROM cost_lines k JOIN service_requests r"
	    " ON r.id = k.doc_id JOIN customers c ON c.id = r.customer_id"
	    " WHERE k.doc_kind = 'request' AND k.day >= ? AND k.day < ?"
	    CL_FILTERS " GROUP BY r.id, r.number, c.name ORDER BY 3 DESC,"
	    " r.number LIMIT " STR(REPORT_TOP), CL_ARGS(f), 2, t, err);
}

/* ----- parts-consumption, parts-monthly ----- */

/* the issues of a period (after "day >= ? AND < ?") */
#define MV_ARGS(f) DB_ARGS(DB_I((int64_t)(f)->from_ym * 100), \
	DB_I((int64_t)ym_next((f)->to_ym) * 100))

enum { PC_CODE, PC_NAME, PC_ISSUES, PC_QTY, PC_VALUE, PC__N };
_Static_assert(PC__N == PARTS_CONS_NCOLS, "parts consumption columns");

const struct tcol parts_cons_cols[PARTS_CONS_NCOLS] = {
	{ "part_code", "备件编码", "Part code", COL_TEXT },
	{ "part_name", "备件", "Part", COL_TEXT },
	{ "issues", "领用次数", "Issues", COL_INT },
	{ "qty", "消耗数量", "Quantity", COL_INT },
	{ "value_fen", "消耗金额", "Value", COL_MONEY },
};
const char *const parts_cons_y[] = { "value_fen", NULL };

enum svc_code
run_parts_consumption(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	return rows_of(db, a, "SELECT p.code, p.name, count(*),"
	    " CAST(-sum(m.qty) AS BIGINT), CAST(-sum(m.value_fen) AS BIGINT)"
	    " FROM stock_moves m JOIN parts p ON p.id = m.part_id WHERE"
	    " m.day >= ? AND m.day < ? AND m.kind = 'issue' GROUP BY p.id,"
	    " p.code, p.name ORDER BY 5 DESC, p.code LIMIT " STR(REPORT_TOP),
	    MV_ARGS(f), 2, t, err);
}

enum { PM_MONTH, PM_PARTS, PM_QTY, PM_VALUE, PM__N };
_Static_assert(PM__N == PARTS_MONTH_NCOLS, "parts monthly columns");

const struct tcol parts_month_cols[PARTS_MONTH_NCOLS] = {
	{ "month", "月份", "Month", COL_TEXT },
	{ "parts", "领用品种", "Parts issued", COL_INT },
	{ "qty", "消耗数量", "Quantity", COL_INT },
	{ "value_fen", "消耗金额", "Value", COL_MONEY },
};
const char *const parts_month_y[] = { "value_fen", NULL };

enum svc_code
run_parts_monthly(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = month_rows(t, a, f, err);	/* its figures 0 */
	if (rc)
		return rc;
	rc = db_query(db, "SELECT m.day / 100, count(DISTINCT m.part_id),"
	    " CAST(-sum(m.qty) AS BIGINT), CAST(-sum(m.value_fen) AS BIGINT)"
	    " FROM stock_moves m WHERE m.day >= ? AND m.day < ? AND m.kind ="
	    " 'issue' GROUP BY m.day / 100", MV_ARGS(f), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		long r = month_row(f, (int)db_i64(q, 0));

		if (r < 0)
			continue;
		for (size_t c = PM_PARTS; c < PM__N; c++)
			table_cell(t, (size_t)r, c)->i = db_i64(q, (int)c);
	}
	return db_done(q, err);
}
