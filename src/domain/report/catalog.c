/*
 * catalog — the report catalogue: every report declared once (report.h),
 * each run by one or a few grouped, parameterised queries into a struct
 * table.
 *
 * Invariants: a report's table has exactly its declaration's columns; a
 * report over a period has one row per month of the period (empty months
 * included) or one row per group found; the figures of a month come from
 * the company's local days (created_day, filed_day) or the local midnights
 * that begin the months (started_at); money is in fen; a ratio is null
 * when there is nothing to divide by.
 *
 * Cycle times (request-cycle): the median and the 90th percentile are
 * picked in C from the durations streamed in order (type, duration) by the
 * database, at positions known from a first grouped count: no duration is
 * kept in memory, whatever the size of the period.
 */
#include "domain/report/report.h"
#include "domain/report/catalog_int.h"

#include <stdio.h>
#include <string.h>

#include "domain/request/request.h"
#include "domain/rma/rma.h"
#include "util/clock.h"
#include "util/date.h"

/* ----- helpers ----- */

/* The UTC moment of the company's local midnight that begins day ymd. */
static int64_t
local_midnight(int ymd)
{
	char tmp[16];
	int64_t t = 0;

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	if (!clock_parse(tmp, &t))
		t = 0;
	return t;
}

enum svc_code
table_rows(struct table *t, struct arena *a, size_t nrows,
    struct svc_err *err)
{
	size_t len;

	t->nrows = nrows;
	t->cells = NULL;
	if (nrows == 0)
		return SVC_OK;
	if (nrows > SIZE_MAX / t->ncols / sizeof(struct tcell))
		return svc_fail(err, SVC_ETOOBIG, NULL, "the report is too "
		    "large");
	len = nrows * t->ncols * sizeof(struct tcell);
	t->cells = arena_alloc(a, len);
	if (t->cells == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "the report is too "
		    "large for this request's memory");
	memset(t->cells, 0, len);
	return SVC_OK;
}

struct tcell *
table_add(struct table *t, struct arena *a, size_t *cap)
{
	struct tcell *more;

	if (t->nrows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		more = ncap <= SIZE_MAX / t->ncols / sizeof(*more) / 2 ?
		    arena_alloc(a, ncap * t->ncols * sizeof(*more)) : NULL;
		if (more == NULL)
			return NULL;
		if (t->nrows > 0)
			memcpy(more, t->cells, t->nrows * t->ncols *
			    sizeof(*more));
		t->cells = more;
		*cap = ncap;
	}
	more = &t->cells[t->nrows * t->ncols];
	memset(more, 0, t->ncols * sizeof(*more));
	t->nrows++;
	return more;
}

void
cell_i(struct tcell *c, int64_t v)
{
	c->null = false;
	c->i = v;
}

static void
cell_ratio(struct tcell *c, int64_t num, int64_t den)
{
	c->null = den == 0;
	c->d = den == 0 ? 0 : (double)num / (double)den;
}

enum svc_code
month_rows(struct table *t, struct arena *a, const struct report_filters *f,
    struct svc_err *err)
{
	enum svc_code rc;
	int ym = f->from_ym;

	rc = table_rows(t, a, (size_t)ym_span(f->from_ym, f->to_ym), err);
	if (rc)
		return rc;
	for (size_t r = 0; r < t->nrows; r++, ym = ym_next(ym))
		table_cell(t, r, 0)->s = arena_printf(a, "%04d-%02d", ym / 100,
		    ym % 100);
	return SVC_OK;
}

long
month_row(const struct report_filters *f, int ym)
{
	int n = ym_span(f->from_ym, ym);

	if (!ym_valid(ym) || ym < f->from_ym || ym > f->to_ym || n < 1)
		return -1;
	return n - 1;
}

static int
type_index(const char *type)
{
	for (int i = 0; request_types[i] != NULL; i++)
		if (strcmp(request_types[i], type) == 0)
			return i;
	return -1;
}

static bool
state_open(const char *state)
{
	return strcmp(state, "closed") != 0 && strcmp(state, "cancelled") != 0;
}

/* ----- monthly-summary ----- */

enum {
	MS_MONTH, MS_CREATED, MS_TYPE0,
	MS_CLOSED = MS_TYPE0 + 10, MS_OPEN, MS_SLA_CLOCKS, MS_SLA_MET,
	MS_SLA_RATIO, MS_RETURNS, MS_RETURNS_QTY, MS_RETURNS_FEN, MS__N
};

static const struct tcol ms_cols[] = {
	{ "month", "月份", "Month", COL_TEXT },
	{ "created", "新建工单", "Requests created", COL_INT },
	{ "consultation", "咨询", "Consultation", COL_INT },
	{ "repair", "维修", "Repair", COL_INT },
	{ "complaint", "投诉", "Complaint", COL_INT },
	{ "return", "退换货", "Return", COL_INT },
	{ "installation", "安装", "Installation", COL_INT },
	{ "maintenance", "保养", "Maintenance", COL_INT },
	{ "guidance", "指导", "Guidance", COL_INT },
	{ "suggestion", "建议", "Suggestion", COL_INT },
	{ "appointment", "预约", "Appointment", COL_INT },
	{ "feedback", "反馈", "Feedback", COL_INT },
	{ "closed", "已关闭", "Closed", COL_INT },
	{ "open", "仍未结", "Still open", COL_INT },
	{ "sla_clocks", "SLA 已判定", "SLA decided", COL_INT },
	{ "sla_met", "SLA 达成", "SLA met", COL_INT },
	{ "sla_attained", "SLA 达成率", "SLA attained", COL_RATIO },
	{ "returns", "退换货单", "Returns", COL_INT },
	{ "returns_quantity", "退换货数量", "Returned quantity", COL_INT },
	{ "returns_amount_fen", "退换货金额", "Returned amount", COL_MONEY },
};
_Static_assert(sizeof(ms_cols) / sizeof(ms_cols[0]) == MS__N,
    "monthly-summary columns");
static const char *const ms_y[] = { "created", "closed", NULL };

/* clocks started in each month: met and breached (decided) */
static enum svc_code
ms_sla(struct db *db, struct table *t, const struct report_filters *f,
    struct svc_err *err)
{
	struct dbv args[REPORT_MAX_MONTHS + 6];
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	size_t na = 0;
	int ym = f->from_ym;

	/* a clock's row: the number of month starts it is at or after */
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT 0");
	for (size_t r = 1; r < t->nrows; r++) {
		ym = ym_next(ym);
		buf_adds(&sql, " + CASE WHEN started_at >= ? THEN 1 ELSE 0"
		    " END");
		args[na++] = DB_I(local_midnight(ym * 100 + 1));
	}
	buf_adds(&sql, ", CAST(coalesce(sum(CASE WHEN outcome ="
	    " 'met' THEN 1 ELSE 0 END), 0) AS BIGINT), CAST(coalesce(sum("
	    "CASE WHEN outcome = 'breached' OR (state <> 'stopped' AND"
	    " breached_at IS NOT NULL) THEN 1 ELSE 0 END), 0) AS BIGINT)"
	    " FROM sla_clocks WHERE started_at >= ? AND started_at < ?");
	args[na++] = DB_I(local_midnight(f->from_ym * 100 + 1));
	args[na++] = DB_I(local_midnight(ym_next(f->to_ym) * 100 + 1));
	if (f->customer_id != 0) {
		buf_adds(&sql, " AND ((doc_kind = 'request' AND doc_id IN"
		    " (SELECT id FROM service_requests WHERE customer_id = ?))"
		    " OR (doc_kind = 'return' AND doc_id IN (SELECT id FROM"
		    " returns WHERE customer_id = ?)))");
		args[na++] = DB_I(f->customer_id);
		args[na++] = DB_I(f->customer_id);
	}
	buf_adds(&sql, " GROUP BY 1");
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		int64_t r = db_i64(q, 0), met = db_i64(q, 1),
		    breached = db_i64(q, 2);

		if (r < 0 || (size_t)r >= t->nrows)
			continue;
		cell_i(table_cell(t, (size_t)r, MS_SLA_CLOCKS), met + breached);
		cell_i(table_cell(t, (size_t)r, MS_SLA_MET), met);
		cell_ratio(table_cell(t, (size_t)r, MS_SLA_RATIO), met,
		    met + breached);
	}
	return db_done(q, err);
}

static enum svc_code
run_monthly_summary(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int64_t from = (int64_t)f->from_ym * 100,
	    to = (int64_t)ym_next(f->to_ym) * 100;

	rc = month_rows(t, a, f, err);
	if (rc)
		return rc;
	for (size_t r = 0; r < t->nrows; r++)
		table_cell(t, r, MS_SLA_RATIO)->null = true;
	/*
	 * Two texts: the company's counts stay on the covering index.  Grouped
	 * by day in the index's order (no sort; a year is some 10,000 rows),
	 * the days folded into months here: five times faster than grouping
	 * by created_day / 100 over a year of a million-request history.
	 */
	if (f->customer_id == 0)
		rc = db_query(db, "SELECT created_day, type, state, count(*)"
		    " FROM service_requests WHERE created_day >= ?"
		    " AND created_day < ? GROUP BY created_day, type, state",
		    DB_ARGS(DB_I(from), DB_I(to)), &q, err);
	else
		rc = db_query(db, "SELECT created_day, type, state, count(*)"
		    " FROM service_requests WHERE created_day >= ?"
		    " AND created_day < ? AND customer_id = ? GROUP BY"
		    " created_day, type, state", DB_ARGS(DB_I(from),
		    DB_I(to), DB_I(f->customer_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		long r = month_row(f, (int)(db_i64(q, 0) / 100));
		int ti = type_index(db_str(q, 1));
		const char *state = db_str(q, 2);
		int64_t n = db_i64(q, 3);

		if (r < 0)
			continue;
		table_cell(t, (size_t)r, MS_CREATED)->i += n;
		if (ti >= 0 && ti < 10)
			table_cell(t, (size_t)r, MS_TYPE0 + (size_t)ti)->i += n;
		if (strcmp(state, "closed") == 0)
			table_cell(t, (size_t)r, MS_CLOSED)->i += n;
		else if (state_open(state))
			table_cell(t, (size_t)r, MS_OPEN)->i += n;
	}
	rc = db_done(q, err);
	if (rc == SVC_OK)
		rc = ms_sla(db, t, f, err);
	if (rc)
		return rc;
	rc = db_query(db, "SELECT filed_day / 100, count(*),"
	    " CAST(coalesce(sum(total_quantity), 0) AS BIGINT),"
	    " CAST(coalesce(sum(total_amount_fen), 0) AS BIGINT) FROM returns"
	    " WHERE filed_day >= ? AND filed_day < ? AND state <> 'cancelled'"
	    " AND (? = 0 OR customer_id = ?) GROUP BY filed_day / 100",
	    DB_ARGS(DB_I(from), DB_I(to), DB_I(f->customer_id),
	    DB_I(f->customer_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		long r = month_row(f, (int)db_i64(q, 0));

		if (r < 0)
			continue;
		table_cell(t, (size_t)r, MS_RETURNS)->i = db_i64(q, 1);
		table_cell(t, (size_t)r, MS_RETURNS_QTY)->i = db_i64(q, 2);
		table_cell(t, (size_t)r, MS_RETURNS_FEN)->i = db_i64(q, 3);
	}
	return db_done(q, err);
}

/* ----- request-cycle ----- */

/* the filters of a request report, after "created_day >= ? AND < ?" */
#define RQ_FILTERS \
	" AND (? = 0 OR department_id = ?) AND (? = 0 OR customer_id = ?)" \
	" AND (? = 0 OR coalesce(assignee_id, owner_id) = ?)" \
	" AND (? = 0 OR unit_id IN (SELECT id FROM sold_units" \
	" WHERE model_id = ?))"
#define RQ_ARGS(f, from, to) DB_ARGS(DB_I(from), DB_I(to), \
	DB_I((f)->department_id), DB_I((f)->department_id), \
	DB_I((f)->customer_id), DB_I((f)->customer_id), DB_I((f)->user_id), \
	DB_I((f)->user_id), DB_I((f)->model_id), DB_I((f)->model_id))

void
report_pick_start(struct report_pick *p, int64_t n)
{
	memset(p, 0, sizeof(*p));
	p->n = n;
}

void
report_pick_add(struct report_pick *p, int64_t v)
{
	int64_t i = p->seen++, k90 = (9 * p->n + 9) / 10 - 1;

	if (i == (p->n - 1) / 2)
		p->lo = (double)v;
	if (i == p->n / 2)
		p->hi = (double)v;
	if (i == k90)
		p->p90 = (double)v;
}

double
report_pick_median(const struct report_pick *p)
{
	return (p->lo + p->hi) / 2;
}

enum { RC_TYPE, RC_CREATED, RC_CLOSED, RC_MEDIAN, RC_P90, RC__N };

static const struct tcol rc_cols[] = {
	{ "type", "类型", "Type", COL_TEXT },
	{ "created", "新建", "Created", COL_INT },
	{ "closed", "已关闭", "Closed", COL_INT },
	{ "median_hours", "周期中位数（小时）", "Median cycle (hours)",
	    COL_NUM },
	{ "p90_hours", "周期 P90（小时）", "P90 cycle (hours)", COL_NUM },
};
_Static_assert(sizeof(rc_cols) / sizeof(rc_cols[0]) == RC__N,
    "request-cycle columns");
static const char *const rc_y[] = { "median_hours", "p90_hours", NULL };

#define RQ_CLOSED_SQL " AND state = 'closed' AND closed_at IS NOT NULL"

/* a type's median and p90 in hours, once all its durations passed */
static void
rc_store(struct table *t, long row, const struct report_pick *p)
{
	if (row < 0 || p->n == 0 || p->seen != p->n)
		return;
	table_cell(t, (size_t)row, RC_MEDIAN)->null = false;
	table_cell(t, (size_t)row, RC_MEDIAN)->d = report_pick_median(p) / 3600;
	table_cell(t, (size_t)row, RC_P90)->null = false;
	table_cell(t, (size_t)row, RC_P90)->d = p->p90 / 3600;
}

static enum svc_code
run_request_cycle(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct report_pick pick;
	struct dbq *q;
	enum svc_code rc;
	int64_t from = (int64_t)f->from_ym * 100,
	    to = (int64_t)ym_next(f->to_ym) * 100;
	size_t ntypes = 0;
	long cur = -1;

	while (request_types[ntypes] != NULL)
		ntypes++;
	rc = table_rows(t, a, ntypes, err);
	if (rc)
		return rc;
	for (size_t r = 0; r < ntypes; r++) {
		table_cell(t, r, RC_TYPE)->s = request_types[r];
		cell_i(table_cell(t, r, RC_CREATED), 0);
		cell_i(table_cell(t, r, RC_CLOSED), 0);
		table_cell(t, r, RC_MEDIAN)->null = true;
		table_cell(t, r, RC_P90)->null = true;
	}
	rc = db_query(db, "SELECT type, count(*), CAST(coalesce(sum(CASE WHEN"
	    " state = 'closed' AND closed_at IS NOT NULL THEN 1 ELSE 0 END),"
	    " 0) AS BIGINT) FROM service_requests WHERE created_day >= ? AND"
	    " created_day < ?" RQ_FILTERS " GROUP BY type", RQ_ARGS(f, from,
	    to), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		int ti = type_index(db_str(q, 0));

		if (ti < 0)
			continue;
		table_cell(t, (size_t)ti, RC_CREATED)->i = db_i64(q, 1);
		table_cell(t, (size_t)ti, RC_CLOSED)->i = db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	/* the durations in order, each type's positions picked as they pass */
	rc = db_query(db, "SELECT type, closed_at - created_at FROM"
	    " service_requests WHERE created_day >= ? AND created_day < ?"
	    RQ_FILTERS RQ_CLOSED_SQL " ORDER BY type, 2", RQ_ARGS(f, from,
	    to), &q, err);
	if (rc)
		return rc;
	memset(&pick, 0, sizeof(pick));
	while (db_next(q) == 1) {
		int ti = type_index(db_str(q, 0));

		if (ti < 0)
			continue;
		if (ti != cur) {
			rc_store(t, cur, &pick);
			cur = ti;
			report_pick_start(&pick, table_cell(t, (size_t)ti,
			    RC_CLOSED)->i);
		}
		report_pick_add(&pick, db_i64(q, 1));
	}
	rc_store(t, cur, &pick);
	return db_done(q, err);
}

/* ----- sla-attainment ----- */

enum {
	SA_POLICY, SA_METRIC, SA_DEPT, SA_CLOCKS, SA_MET, SA_BREACHED,
	SA_RUNNING, SA_RATIO, SA__N
};

static const struct tcol sa_cols[] = {
	{ "policy", "SLA 策略", "SLA policy", COL_TEXT },
	{ "metric", "指标", "Metric", COL_TEXT },
	{ "department", "部门", "Department", COL_TEXT },
	{ "clocks", "计时", "Clocks", COL_INT },
	{ "met", "达成", "Met", COL_INT },
	{ "breached", "超时", "Breached", COL_INT },
	{ "running", "进行中", "Running", COL_INT },
	{ "attained", "达成率", "Attained", COL_RATIO },
};
_Static_assert(sizeof(sa_cols) / sizeof(sa_cols[0]) == SA__N,
    "sla-attainment columns");
static const char *const sa_y[] = { "attained", NULL };

static enum svc_code
run_sla_attainment(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	size_t cap = 0;

	t->nrows = 0;
	t->cells = NULL;
	/* a breached clock that still runs is breached already */
	rc = db_query(db, "SELECT p.name, p.metric, d.name, count(*),"
	    " CAST(coalesce(sum(CASE WHEN c.outcome = 'met' THEN 1 ELSE 0"
	    " END), 0) AS BIGINT), CAST(coalesce(sum(CASE WHEN c.outcome ="
	    " 'breached' OR (c.state <> 'stopped' AND c.breached_at IS NOT"
	    " NULL) THEN 1 ELSE 0 END), 0) AS BIGINT)"
	    " FROM sla_clocks c JOIN sla_policies p ON p.id = c.policy_id"
	    " LEFT JOIN service_requests r ON c.doc_kind = 'request'"
	    " AND r.id = c.doc_id LEFT JOIN departments d"
	    " ON d.id = r.department_id"
	    " WHERE c.started_at >= ? AND c.started_at < ?"
	    " AND (? = 0 OR r.department_id = ?)"
	    " AND (? = 0 OR c.owner_user_id = ?)"
	    " GROUP BY c.policy_id, p.name, p.metric, r.department_id, d.name"
	    " ORDER BY c.policy_id, coalesce(r.department_id, 0)",
	    DB_ARGS(DB_I(local_midnight(f->from_ym * 100 + 1)),
	    DB_I(local_midnight(ym_next(f->to_ym) * 100 + 1)),
	    DB_I(f->department_id), DB_I(f->department_id), DB_I(f->user_id),
	    DB_I(f->user_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		struct tcell *row = table_add(t, a, &cap);
		int64_t n, met, breached;

		if (row == NULL) {
			(void)db_done(q, NULL);
			return svc_fail(err, SVC_ETOOBIG, NULL, "the report "
			    "is too large for this request's memory");
		}
		n = db_i64(q, 3);
		met = db_i64(q, 4);
		breached = db_i64(q, 5);
		row[SA_POLICY].s = db_dup(q, 0, a);
		row[SA_METRIC].s = db_dup(q, 1, a);
		row[SA_DEPT].s = db_dup(q, 2, a);
		row[SA_DEPT].null = row[SA_DEPT].s == NULL;
		cell_i(&row[SA_CLOCKS], n);
		cell_i(&row[SA_MET], met);
		cell_i(&row[SA_BREACHED], breached);
		cell_i(&row[SA_RUNNING], n - met - breached);
		cell_ratio(&row[SA_RATIO], met, met + breached);
	}
	return db_done(q, err);
}

/* ----- returns-customers (rma_report_customers) ----- */

enum {
	RCU_CODE, RCU_NAME, RCU_FORMS, RCU_QTY, RCU_AMOUNT, RCU_EXCH,
	RCU_PURCH, RCU_RATIO, RCU_LIMIT, RCU_OVER, RCU__N
};

static const struct tcol rcu_cols[] = {
	{ "customer_code", "客户编码", "Customer code", COL_TEXT },
	{ "customer_name", "客户", "Customer", COL_TEXT },
	{ "forms", "退换货单", "Forms", COL_INT },
	{ "quantity", "数量", "Quantity", COL_INT },
	{ "amount_fen", "金额", "Amount", COL_MONEY },
	{ "exchanged_fen", "滞销调换金额", "Exchanged (unsalable)",
	    COL_MONEY },
	{ "purchases_fen", "同期进货", "Purchases", COL_MONEY },
	{ "ratio", "调换比例", "Exchange ratio", COL_RATIO },
	{ "limit", "比例上限", "Ratio limit", COL_RATIO },
	{ "over_limit", "超限", "Over the limit", COL_BOOL },
};
_Static_assert(sizeof(rcu_cols) / sizeof(rcu_cols[0]) == RCU__N,
    "returns-customers columns");
static const char *const rcu_y[] = { "ratio", "limit", NULL };

static enum svc_code
run_returns_customers(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct rma_cust_report *rows;
	enum svc_code rc;
	size_t n;
	int from = f->from_ym * 100 + 1,
	    to = ymd_add_days(ym_next(f->to_ym) * 100 + 1, -1);

	rc = rma_report_customers(db, a, from, to, f->customer_id, &rows, &n,
	    err);
	if (rc == SVC_OK)
		rc = table_rows(t, a, n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct rma_cust_report *r = &rows[i];

		table_cell(t, i, RCU_CODE)->s = r->code;
		table_cell(t, i, RCU_NAME)->s = r->name;
		cell_i(table_cell(t, i, RCU_FORMS), r->forms);
		cell_i(table_cell(t, i, RCU_QTY), r->qty);
		cell_i(table_cell(t, i, RCU_AMOUNT), r->amount);
		cell_i(table_cell(t, i, RCU_EXCH), r->exch_amount);
		cell_i(table_cell(t, i, RCU_PURCH), r->purchases);
		cell_ratio(table_cell(t, i, RCU_RATIO), r->exch_amount,
		    r->purchases);
		cell_ratio(table_cell(t, i, RCU_LIMIT), r->limit_bp, 10000);
		cell_i(table_cell(t, i, RCU_OVER), !r->within);
	}
	return SVC_OK;
}

/* ----- returns-open (rma_report_aging) ----- */

enum { RO_STEP, RO_1D, RO_3D, RO_7D, RO_MORE, RO_TOTAL, RO__N };

static const struct tcol ro_cols[] = {
	{ "step", "环节", "Step", COL_TEXT },
	{ "age_0_1d", "不足 1 天", "Under 1 day", COL_INT },
	{ "age_1_3d", "1–3 天", "1-3 days", COL_INT },
	{ "age_3_7d", "3–7 天", "3-7 days", COL_INT },
	{ "age_over_7d", "7 天及以上", "7 days and more", COL_INT },
	{ "total", "合计", "Total", COL_INT },
};
_Static_assert(sizeof(ro_cols) / sizeof(ro_cols[0]) == RO__N,
    "returns-open columns");
static const char *const ro_y[] = { "age_0_1d", "age_1_3d", "age_3_7d",
	"age_over_7d", NULL };

static enum svc_code
run_returns_open(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	int64_t counts[RMA__MAX][RMA_AGE__MAX];
	enum svc_code rc;
	size_t n = 0, r = 0;

	rc = rma_report_aging(db, f->now, f->customer_id, counts, err);
	if (rc)
		return rc;
	for (int s = 0; s < RMA__MAX; s++)
		n += rma_state_open(s);
	rc = table_rows(t, a, n, err);
	if (rc)
		return rc;
	for (int s = 0; s < RMA__MAX; s++) {
		int64_t total = 0;

		if (!rma_state_open(s))
			continue;
		table_cell(t, r, RO_STEP)->s = fsm_state_name(&rma_fsm, s);
		for (int b = 0; b < RMA_AGE__MAX; b++) {
			cell_i(table_cell(t, r, RO_1D + (size_t)b),
			    counts[s][b]);
			total += counts[s][b];
		}
		cell_i(table_cell(t, r, RO_TOTAL), total);
		r++;
	}
	return SVC_OK;
}

/* ----- consultations ----- */

enum {
	CO_MONTH, CO_CONSULT, CO_CONSULT_CLOSED, CO_FEEDBACK, CO_SUGGESTION,
	CO_COMPLAINT, CO__N
};

static const struct tcol co_cols[] = {
	{ "month", "月份", "Month", COL_TEXT },
	{ "consultation", "咨询", "Consultations", COL_INT },
	{ "consultation_closed", "咨询已关闭", "Consultations closed",
	    COL_INT },
	{ "feedback", "反馈", "Feedback", COL_INT },
	{ "suggestion", "建议", "Suggestions", COL_INT },
	{ "complaint", "投诉", "Complaints", COL_INT },
};
_Static_assert(sizeof(co_cols) / sizeof(co_cols[0]) == CO__N,
    "consultations columns");
static const char *const co_y[] = { "consultation", "feedback",
	"suggestion", "complaint", NULL };

static enum svc_code
run_consultations(struct db *db, struct arena *a,
    const struct report_filters *f, struct table *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int64_t from = (int64_t)f->from_ym * 100,
	    to = (int64_t)ym_next(f->to_ym) * 100;

	rc = month_rows(t, a, f, err);	/* its figures 0 */
	if (rc)
		return rc;
	rc = db_query(db, "SELECT created_day / 100, type, CAST(coalesce(sum("
	    "CASE WHEN state = 'closed' THEN 1 ELSE 0 END), 0) AS BIGINT),"
	    " count(*) FROM service_requests WHERE created_day >= ? AND"
	    " created_day < ?" RQ_FILTERS " AND type IN ('consultation',"
	    " 'feedback', 'suggestion', 'complaint')"
	    " GROUP BY created_day / 100, type", RQ_ARGS(f, from, to), &q,
	    err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		long r = month_row(f, (int)db_i64(q, 0));
		const char *type = db_str(q, 1);
		size_t c;

		if (r < 0)
			continue;
		if (strcmp(type, "consultation") == 0) {
			c = CO_CONSULT;
			table_cell(t, (size_t)r, CO_CONSULT_CLOSED)->i +=
			    db_i64(q, 2);
		} else if (strcmp(type, "feedback") == 0) {
			c = CO_FEEDBACK;
		} else if (strcmp(type, "suggestion") == 0) {
			c = CO_SUGGESTION;
		} else {
			c = CO_COMPLAINT;
		}
		table_cell(t, (size_t)r, c)->i += db_i64(q, 3);
	}
	return db_done(q, err);
}

/* ----- the catalogue ----- */

#define COLS(c) c, sizeof(c) / sizeof(c[0])
#define COST_F (REPORT_F_PERIOD | REPORT_F_CUSTOMER | REPORT_F_MODEL)
#define REQ_F (REPORT_F_PERIOD | REPORT_F_DEPT | REPORT_F_MODEL | \
	REPORT_F_CUSTOMER | REPORT_F_PERSON)

const struct report_def report_defs[] = {
	{ "monthly-summary", "售后服务月度汇总", "Monthly after-sales summary",
	    "report.read", false, REPORT_F_PERIOD | REPORT_F_CUSTOMER,
	    COLS(ms_cols), { CHART_LINE, "month", ms_y },
	    run_monthly_summary },
	{ "request-cycle", "工单类型与处理周期", "Requests by type: cycle times",
	    "request.read", true, REQ_F, COLS(rc_cols),
	    { CHART_BAR, "type", rc_y }, run_request_cycle },
	{ "sla-attainment", "SLA 达成率（按策略与部门）",
	    "SLA attainment by policy and department", "report.read", false,
	    REPORT_F_PERIOD | REPORT_F_DEPT | REPORT_F_PERSON, COLS(sa_cols),
	    { CHART_BAR, "policy", sa_y }, run_sla_attainment },
	{ "returns-customers", "客户退换货与调换比例",
	    "Returns per customer against the ratio limit", "return.report",
	    false, REPORT_F_PERIOD | REPORT_F_CUSTOMER, COLS(rcu_cols),
	    { CHART_BAR, "customer_code", rcu_y }, run_returns_customers },
	{ "returns-open", "未结退换货（按环节与时长）",
	    "Open returns by step and age", "return.report", false,
	    REPORT_F_CUSTOMER, COLS(ro_cols), { CHART_BAR, "step", ro_y },
	    run_returns_open },
	{ "consultations", "咨询与反馈", "Consultations and feedback",
	    "request.read", true, REPORT_F_PERIOD | REPORT_F_DEPT |
	    REPORT_F_CUSTOMER | REPORT_F_PERSON, COLS(co_cols),
	    { CHART_LINE, "month", co_y }, run_consultations },
	{ "costs-monthly", "售后服务成本（按月、类型与性质）",
	    "After-sales costs by month, kind and billing", "cost.read",
	    false, COST_F, cost_monthly_cols, COST_MONTHLY_NCOLS,
	    { CHART_BAR, "month", cost_monthly_y }, run_cost_monthly },
	{ "costs-customers", "客户服务成本", "Costs per customer",
	    "cost.read", false, COST_F, cost_customer_cols, COST_GROUP_NCOLS,
	    { CHART_PARETO, "customer_name", cost_group_y },
	    run_cost_customers },
	{ "costs-models", "产品型号服务成本", "Costs per product model",
	    "cost.read", false, COST_F, cost_model_cols, COST_GROUP_NCOLS,
	    { CHART_PARETO, "model_no", cost_group_y }, run_cost_models },
	{ "costs-requests", "工单服务成本", "Costs per request", "cost.read",
	    false, COST_F, cost_request_cols, COST_REQUEST_NCOLS,
	    { CHART_BAR, "number", cost_request_y }, run_cost_requests },
	{ "parts-consumption", "备件消耗（按备件）",
	    "Parts consumption per part", "cost.read", false,
	    REPORT_F_PERIOD, parts_cons_cols, PARTS_CONS_NCOLS,
	    { CHART_PARETO, "part_code", parts_cons_y },
	    run_parts_consumption },
	{ "parts-monthly", "备件消耗（按月）", "Parts consumption per month",
	    "cost.read", false, REPORT_F_PERIOD, parts_month_cols,
	    PARTS_MONTH_NCOLS, { CHART_LINE, "month", parts_month_y },
	    run_parts_monthly },
};

const size_t report_ndefs = sizeof(report_defs) / sizeof(report_defs[0]);

const struct report_def *
report_find(const char *key)
{
	for (size_t i = 0; key != NULL && i < report_ndefs; i++)
		if (strcmp(report_defs[i].key, key) == 0)
			return &report_defs[i];
	return NULL;
}

enum svc_code
report_run(struct db *db, struct arena *a, const struct report_def *def,
    const struct report_filters *f, struct table *out, struct svc_err *err)
{
	int n;

	memset(out, 0, sizeof(*out));
	out->cols = def->cols;
	out->ncols = def->ncols;
	if (def->filters & REPORT_F_PERIOD) {
		if (!ym_valid(f->from_ym))
			return svc_fail_field(err, SVC_EINVAL, "from",
			    "out_of_range", "'from' must be a month from "
			    "2000-01 to 2199-12");
		if (!ym_valid(f->to_ym))
			return svc_fail_field(err, SVC_EINVAL, "to",
			    "out_of_range", "'to' must be a month from "
			    "2000-01 to 2199-12");
		n = ym_span(f->from_ym, f->to_ym);
		if (n == 0)
			return svc_fail_field(err, SVC_EINVAL, "to",
			    "out_of_range", "'to' must not be before 'from'");
		if (n > REPORT_MAX_MONTHS)
			return svc_fail_field(err, SVC_EINVAL, "from",
			    "out_of_range", "at most %d months at once",
			    REPORT_MAX_MONTHS);
	}
	return def->run(db, a, f, out, err);
}
