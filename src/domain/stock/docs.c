/*
 * docs — the stock documents: requisitions (《费用领料单》), loans,
 * transfers and counts; declared once, numbered, audited, and stepped
 * through their state machines (stock.h states the rules).
 */
#include "domain/stock/stock.h"

#include <stddef.h>
#include <string.h>

#include "util/clock.h"
#include "util/date.h"

const char *const stock_doc_kinds[] = { "request", "return", NULL };
const char *const cost_billings[] = { "paid", "warranty", "contract", NULL };

#define OUT (RF_OUT | RF_AUTO)
#define FROM(s) (1u << (s))

/* ----- the state machines ----- */

enum { RQ_PENDING, RQ_ISSUED, RQ_REJECTED, RQ_CANCELLED, RQ__N };
static const char *const rq_states[] = { "pending", "issued", "rejected",
	"cancelled", NULL };

/* the requester, or the after-sales manager */
static bool
g_rq_cancel(const void *doc, const struct fsm_caller *c, struct fsm_why *why)
{
	const struct stock_requisition *r = doc;

	if (r->requested_by == c->user_id)
		return true;
	for (size_t i = 0; i < c->nroles; i++)
		if (strcmp(c->roles[i], "aftersales_manager") == 0)
			return true;
	fsm_why_set(why, "requester", "only the requester or the after-sales "
	    "manager cancels a requisition");
	return false;
}

static const struct fsm_transition rq_transitions[] = {
	{ "approve", FROM(RQ_PENDING), RQ_ISSUED, { "aftersales_manager" },
	    NULL, "批准并发料" },
	{ "reject", FROM(RQ_PENDING), RQ_REJECTED, { "aftersales_manager" },
	    NULL, "驳回" },
	{ "cancel", FROM(RQ_PENDING), RQ_CANCELLED, { NULL }, g_rq_cancel,
	    "撤销" },
};

const struct fsm_def stock_requisition_fsm = {
	"requisition", rq_states, RQ__N, rq_transitions,
	sizeof(rq_transitions) / sizeof(rq_transitions[0]),
};

enum { LN_OPEN, LN_RETURNED, LN__N };
static const char *const ln_states[] = { "open", "returned", NULL };
static const struct fsm_transition ln_transitions[] = {
	{ "return", FROM(LN_OPEN), -1, { NULL }, NULL, "归还" },
};

const struct fsm_def stock_loan_fsm = {
	"loan", ln_states, LN__N, ln_transitions,
	sizeof(ln_transitions) / sizeof(ln_transitions[0]),
};

enum { TR_IN_TRANSIT, TR_RECEIVED, TR__N };
static const char *const tr_states[] = { "in_transit", "received", NULL };
static const struct fsm_transition tr_transitions[] = {
	{ "receive", FROM(TR_IN_TRANSIT), TR_RECEIVED, { NULL }, NULL,
	    "确认收货" },
};

const struct fsm_def stock_transfer_fsm = {
	"transfer", tr_states, TR__N, tr_transitions,
	sizeof(tr_transitions) / sizeof(tr_transitions[0]),
};

enum { CT_PENDING, CT_APPROVED, CT_REJECTED, CT__N };
static const char *const ct_states[] = { "pending", "approved", "rejected",
	NULL };
static const struct fsm_transition ct_transitions[] = {
	{ "approve", FROM(CT_PENDING), CT_APPROVED, { "aftersales_manager" },
	    NULL, "批准盘点差异" },
	{ "reject", FROM(CT_PENDING), CT_REJECTED, { "aftersales_manager" },
	    NULL, "驳回" },
};

const struct fsm_def stock_count_fsm = {
	"count", ct_states, CT__N, ct_transitions,
	sizeof(ct_transitions) / sizeof(ct_transitions[0]),
};

/* ----- the declarations ----- */

#define PART(T, a) \
	{ "part_id", a ".part_id", RT_ID, offsetof(T, part_id), RF_REQUIRED | \
	    RF_FIXED | RF_FILTER, .ref = "parts", .zh = "备件", \
	    .en = "Part" }, \
	{ "part_code", "p.code", RT_TEXT, offsetof(T, part_code), OUT | \
	    RF_COLUMN, .zh = "备件编码", .en = "Part code" }, \
	{ "part_name", "p.name", RT_TEXT, offsetof(T, part_name), OUT | \
	    RF_COLUMN, .zh = "备件名称", .en = "Part" }
#define WAREHOUSE(T, a) \
	{ "warehouse_id", a ".warehouse_id", RT_ID, offsetof(T, warehouse_id), \
	    RF_REQUIRED | RF_FIXED | RF_FILTER, .ref = "warehouses", \
	    .zh = "仓库", .en = "Warehouse" }, \
	{ "warehouse_name", "w.name", RT_TEXT, offsetof(T, warehouse_name), \
	    OUT | RF_COLUMN, .zh = "仓库", .en = "Warehouse" }
#define KEPT(T, a) \
	{ "version", a ".version", RT_INT, offsetof(T, version), OUT, \
	    .zh = "版本", .en = "Version" }, \
	{ "created_at", a ".created_at", RT_TIME, offsetof(T, created_at), \
	    OUT | RF_SORT | RF_COLUMN, .zh = "创建时间", .en = "Created" }, \
	{ "updated_at", a ".updated_at", RT_TIME, offsetof(T, updated_at), \
	    OUT, .zh = "修改时间", .en = "Updated" }

#define F(m) offsetof(struct stock_requisition, m)

static const struct rfield rq_fields[] = {
	{ "id", "r.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "number", "r.number", RT_TEXT, F(number), RF_OUT | RF_COLUMN |
	    RF_SORT, .zh = "领料单号", .en = "Number" },
	{ "state", "r.state", RT_ENUM, F(state), RF_OUT | RF_FILTER |
	    RF_COLUMN, .enums = rq_states, .zh = "状态", .en = "State" },
	PART(struct stock_requisition, "r"),
	WAREHOUSE(struct stock_requisition, "r"),
	{ "qty", "r.qty", RT_INT, F(qty), RF_REQUIRED | RF_FIXED | RF_COLUMN,
	    1, STOCK_QTY_MAX, .zh = "数量", .en = "Quantity" },
	{ "doc_kind", "r.doc_kind", RT_ENUM, F(doc_kind), RF_REQUIRED |
	    RF_FIXED | RF_FILTER, .enums = stock_doc_kinds,
	    .zh = "单据类型", .en = "Document type",
	    .doc = "what the part goes to: request or return" },
	{ "doc_id", "r.doc_id", RT_INT, F(doc_id), RF_REQUIRED | RF_FIXED |
	    RF_FILTER, 1, INT64_MAX, .zh = "单据", .en = "Document" },
	{ "billing", "r.billing", RT_ENUM, F(billing), RF_FIXED | RF_COLUMN,
	    .enums = cost_billings, .zh = "费用性质", .en = "Billing",
	    .doc = "paid, warranty or contract (default: warranty when the "
	    "request is in warranty, else paid)" },
	{ "value_fen", "r.value_fen", RT_MONEY, F(value_fen), RF_OUT |
	    RF_COLUMN, .zh = "金额", .en = "Value" },
	{ "needs_approval", "r.needs_approval", RT_BOOL, F(needs_approval),
	    RF_OUT, .zh = "需审批", .en = "Needs approval" },
	{ "approval_reason", "r.approval_reason", RT_TEXT,
	    F(approval_reason), RF_OUT, .zh = "审批原因",
	    .en = "Why approval" },
	{ "unit_id", "r.unit_id", RT_ID, F(unit_id),
	    RF_OUT | RF_NULLABLE, .zh = "设备",
	    .en = "Unit" },
	{ "old_serial", "r.old_serial", RT_TEXT, F(old_serial), RF_FIXED |
	    RF_NULLABLE | RF_CODE, 0, 64, .zh = "旧件序列号",
	    .en = "Old serial" },
	{ "new_serial", "r.new_serial", RT_TEXT, F(new_serial), RF_FIXED |
	    RF_NULLABLE | RF_CODE, 0, 64, .zh = "新件序列号",
	    .en = "New serial" },
	{ "note", "r.note", RT_TEXT, F(note), RF_NULLABLE | RF_MULTI, 0, 500,
	    .zh = "备注", .en = "Note" },
	{ "decision_note", "r.decision_note", RT_TEXT, F(decision_note),
	    RF_OUT, .zh = "审批意见", .en = "Decision note" },
	{ "requested_by", "r.requested_by", RT_ID, F(requested_by),
	    RF_OUT | RF_NULLABLE |
	    RF_FILTER, .zh = "申请人", .en = "Requested by" },
	{ "requested_by_name", "coalesce(u.display_name, '')", RT_TEXT,
	    F(requested_by_name), OUT | RF_COLUMN, .zh = "申请人",
	    .en = "Requested by" },
	{ "decided_by", "r.decided_by", RT_ID, F(decided_by),
	    RF_OUT | RF_NULLABLE,
	    .zh = "审批人", .en = "Decided by" },
	{ "decided_at", "r.decided_at", RT_TIME, F(decided_at), RF_OUT,
	    .zh = "审批时间", .en = "Decided" },
	KEPT(struct stock_requisition, "r"),
	{ NULL },
};

#undef F

const struct record stock_requisition_rec = {
	.name = "requisition",
	.what = "requisition",
	.table = "stock_requisitions",
	.from = "stock_requisitions r JOIN parts p ON p.id = r.part_id"
	    " JOIN warehouses w ON w.id = r.warehouse_id"
	    " LEFT JOIN users u ON u.id = r.requested_by",
	.size = sizeof(struct stock_requisition),
	.fields = rq_fields,
	.zh = "领料单",
	.en = "Requisition",
};

static enum svc_code loan_fill(struct db *, struct arena *, void *,
    struct svc_err *);

#define F(m) offsetof(struct stock_loan, m)

static const struct rfield ln_fields[] = {
	{ "id", "o.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "number", "o.number", RT_TEXT, F(number), RF_OUT | RF_COLUMN |
	    RF_SORT, .zh = "借料单号", .en = "Number" },
	{ "state", "o.state", RT_ENUM, F(state), RF_OUT | RF_FILTER |
	    RF_COLUMN, .enums = ln_states, .zh = "状态", .en = "State" },
	PART(struct stock_loan, "o"),
	WAREHOUSE(struct stock_loan, "o"),
	{ "qty", "o.qty", RT_INT, F(qty), RF_REQUIRED | RF_FIXED | RF_COLUMN,
	    1, STOCK_QTY_MAX, .zh = "借出数量", .en = "Quantity" },
	{ "returned_qty", "o.returned_qty", RT_INT, F(returned_qty), RF_OUT |
	    RF_COLUMN, .zh = "已归还", .en = "Returned" },
	{ "unit_cost_fen", "o.unit_cost_fen", RT_MONEY, F(unit_cost_fen),
	    RF_OUT, .zh = "单位成本", .en = "Unit cost" },
	{ "borrower_id", "o.borrower_id", RT_ID, F(borrower_id), RF_REQUIRED |
	    RF_FIXED | RF_FILTER, .ref = "users", .zh = "借用人",
	    .en = "Borrower" },
	{ "borrower_name", "coalesce(u.display_name, '')", RT_TEXT,
	    F(borrower_name), OUT | RF_COLUMN, .zh = "借用人",
	    .en = "Borrower" },
	{ "due_date", "o.due_date", RT_DATE, F(due_date), RF_REQUIRED |
	    RF_FIXED | RF_COLUMN | RF_SORT, .zh = "应还日期", .en = "Due" },
	{ "overdue", NULL, RT_BOOL, F(overdue), RF_OUT | RF_NOW | RF_COLUMN,
	    .zh = "逾期", .en = "Overdue" },
	{ "doc_kind", "o.doc_kind", RT_ENUM, F(doc_kind), RF_FIXED |
	    RF_NULLABLE | RF_FILTER, .enums = stock_doc_kinds,
	    .zh = "单据类型", .en = "Document type" },
	{ "doc_id", "o.doc_id", RT_ID, F(doc_id), RF_FIXED | RF_NULLABLE |
	    RF_FILTER, .zh = "单据", .en = "Document" },
	{ "note", "o.note", RT_TEXT, F(note), RF_NULLABLE | RF_MULTI, 0, 500,
	    .zh = "备注", .en = "Note" },
	{ "created_by", "o.created_by", RT_ID, F(created_by),
	    RF_OUT | RF_NULLABLE,
	    .zh = "经办人", .en = "By" },
	KEPT(struct stock_loan, "o"),
	{ NULL },
};

#undef F

const struct record stock_loan_rec = {
	.name = "loan",
	.what = "loan",
	.table = "stock_loans",
	.from = "stock_loans o JOIN parts p ON p.id = o.part_id"
	    " JOIN warehouses w ON w.id = o.warehouse_id"
	    " LEFT JOIN users u ON u.id = o.borrower_id",
	.size = sizeof(struct stock_loan),
	.fields = ln_fields,
	.zh = "借料单",
	.en = "Loan",
	.fill = loan_fill,
};

#define F(m) offsetof(struct stock_transfer, m)

static const struct rfield tr_fields[] = {
	{ "id", "t.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "number", "t.number", RT_TEXT, F(number), RF_OUT | RF_COLUMN |
	    RF_SORT, .zh = "调拨单号", .en = "Number" },
	{ "state", "t.state", RT_ENUM, F(state), RF_OUT | RF_FILTER |
	    RF_COLUMN, .enums = tr_states, .zh = "状态", .en = "State" },
	PART(struct stock_transfer, "t"),
	{ "from_warehouse_id", "t.from_warehouse_id", RT_ID,
	    F(from_warehouse_id), RF_REQUIRED | RF_FIXED | RF_FILTER,
	    .ref = "warehouses", .zh = "调出仓库", .en = "From" },
	{ "from_warehouse_name", "wf.name", RT_TEXT, F(from_warehouse_name),
	    OUT | RF_COLUMN, .zh = "调出仓库", .en = "From" },
	{ "to_warehouse_id", "t.to_warehouse_id", RT_ID, F(to_warehouse_id),
	    RF_REQUIRED | RF_FIXED | RF_FILTER, .ref = "warehouses",
	    .zh = "调入仓库", .en = "To" },
	{ "to_warehouse_name", "wt.name", RT_TEXT, F(to_warehouse_name),
	    OUT | RF_COLUMN, .zh = "调入仓库", .en = "To" },
	{ "qty", "t.qty", RT_INT, F(qty), RF_REQUIRED | RF_FIXED | RF_COLUMN,
	    1, STOCK_QTY_MAX, .zh = "数量", .en = "Quantity" },
	{ "unit_cost_fen", "t.unit_cost_fen", RT_MONEY, F(unit_cost_fen),
	    RF_OUT, .zh = "单位成本", .en = "Unit cost" },
	{ "note", "t.note", RT_TEXT, F(note), RF_NULLABLE | RF_MULTI, 0, 500,
	    .zh = "备注", .en = "Note" },
	{ "sent_by", "t.sent_by", RT_ID, F(sent_by),
	    RF_OUT | RF_NULLABLE, .zh = "发出人",
	    .en = "Sent by" },
	{ "received_by", "t.received_by", RT_ID, F(received_by),
	    RF_OUT | RF_NULLABLE,
	    .zh = "收货人", .en = "Received by" },
	{ "received_at", "t.received_at", RT_TIME, F(received_at), RF_OUT |
	    RF_COLUMN, .zh = "收货时间", .en = "Received" },
	KEPT(struct stock_transfer, "t"),
	{ NULL },
};

#undef F

const struct record stock_transfer_rec = {
	.name = "transfer",
	.what = "transfer",
	.table = "stock_transfers",
	.from = "stock_transfers t JOIN parts p ON p.id = t.part_id"
	    " JOIN warehouses wf ON wf.id = t.from_warehouse_id"
	    " JOIN warehouses wt ON wt.id = t.to_warehouse_id",
	.size = sizeof(struct stock_transfer),
	.fields = tr_fields,
	.zh = "调拨单",
	.en = "Transfer",
};

#define F(m) offsetof(struct stock_count, m)

static const struct rfield ct_fields[] = {
	{ "id", "c.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "number", "c.number", RT_TEXT, F(number), RF_OUT | RF_COLUMN |
	    RF_SORT, .zh = "盘点单号", .en = "Number" },
	{ "state", "c.state", RT_ENUM, F(state), RF_OUT | RF_FILTER |
	    RF_COLUMN, .enums = ct_states, .zh = "状态", .en = "State" },
	PART(struct stock_count, "c"),
	WAREHOUSE(struct stock_count, "c"),
	{ "book_qty", "c.book_qty", RT_INT, F(book_qty), RF_OUT | RF_COLUMN,
	    .zh = "账面数量", .en = "Book" },
	{ "counted_qty", "c.counted_qty", RT_INT, F(counted_qty),
	    RF_REQUIRED | RF_FIXED | RF_COLUMN, 0, STOCK_QTY_MAX,
	    .zh = "实盘数量", .en = "Counted" },
	{ "diff", "c.diff", RT_INT, F(diff), RF_OUT | RF_COLUMN,
	    .zh = "差异", .en = "Difference" },
	{ "value_fen", "c.value_fen", RT_MONEY, F(value_fen), RF_OUT |
	    RF_COLUMN, .zh = "差异金额", .en = "Value" },
	{ "reason", "c.reason", RT_TEXT, F(reason), RF_FIXED | RF_NULLABLE |
	    RF_MULTI, 0, 500, .zh = "差异原因", .en = "Reason",
	    .doc = "required when the count differs from the book" },
	{ "decision_note", "c.decision_note", RT_TEXT, F(decision_note),
	    RF_OUT, .zh = "审批意见", .en = "Decision note" },
	{ "counted_by", "c.counted_by", RT_ID, F(counted_by),
	    RF_OUT | RF_NULLABLE,
	    .zh = "盘点人", .en = "Counted by" },
	{ "counted_by_name", "coalesce(u.display_name, '')", RT_TEXT,
	    F(counted_by_name), OUT | RF_COLUMN, .zh = "盘点人",
	    .en = "Counted by" },
	{ "decided_by", "c.decided_by", RT_ID, F(decided_by),
	    RF_OUT | RF_NULLABLE,
	    .zh = "审批人", .en = "Decided by" },
	{ "decided_at", "c.decided_at", RT_TIME, F(decided_at), RF_OUT,
	    .zh = "审批时间", .en = "Decided" },
	KEPT(struct stock_count, "c"),
	{ NULL },
};

#undef F
#undef PART
#undef WAREHOUSE
#undef KEPT

const struct record stock_count_rec = {
	.name = "count",
	.what = "stock count",
	.table = "stock_counts",
	.from = "stock_counts c JOIN parts p ON p.id = c.part_id"
	    " JOIN warehouses w ON w.id = c.warehouse_id"
	    " LEFT JOIN users u ON u.id = c.counted_by",
	.size = sizeof(struct stock_count),
	.fields = ct_fields,
	.zh = "盘点单",
	.en = "Stock count",
};

/* ----- shared steps ----- */

/* The bits of the named fields of r (NULL-ended). */
static rec_mask
mask_of(const struct record *r, const char *const *keys)
{
	rec_mask m = 0;

	for (; *keys != NULL; keys++) {
		int i = rec_field(r, *keys);

		if (i < 0)
			BUG("%s has no field %s", r->name, *keys);
		m |= REC_BIT(i);
	}
	return m;
}

/* The document at id, checked for transition name at version expected. */
static enum svc_code
step_begin(struct db *db, struct arena *a, const struct record *r,
    const struct fsm_def *fsm, const struct stock_caller *c, int64_t id,
    int64_t expected, const char *name, size_t state_off,
    size_t version_off, void **doc, const struct fsm_transition **t,
    struct svc_err *err)
{
	enum svc_code rc;
	const char *state;
	int64_t version;

	rc = rec_get(db, a, r, id, doc, err);
	if (rc)
		return rc;
	state = *(const char **)((char *)*doc + state_off);
	version = *(int64_t *)((char *)*doc + version_off);
	rc = fsm_check(fsm, a, fsm_state_by_name(fsm, state), name, &c->fsm,
	    *doc, t, err);
	if (rc == SVC_OK && version != expected)
		rc = stale_version(err, a, r->name, expected,
		    rec_text(a, r, *doc, REC_AUDIT));
	return rc;
}

/* A trimmed text is empty. */
static bool
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* ----- requisitions ----- */

/* The issue of a requisition: the movement, its cost line, the serial. */
static enum svc_code
rq_issue(struct db *db, struct arena *a, const struct actor *who,
    struct stock_requisition *r, struct svc_err *err)
{
	struct stock_post_in in = { "issue", r->part_id, r->warehouse_id,
		r->qty, -1, "", r->doc_kind, r->doc_id, "requisition", r->id,
		r->note };
	struct stock_move *m;
	enum svc_code rc;

	rc = stock_post(db, a, who, &in, &m, err);
	if (rc)
		return rc;
	r->value_fen = -m->value_fen;
	rc = cost_add_parts(db, a, who, r, err);
	if (rc == SVC_OK && r->unit_id != 0 && r->new_serial[0] != '\0')
		rc = db_exec(db, "INSERT INTO unit_part_serials (unit_id,"
		    " part_id, old_serial, new_serial, requisition_id,"
		    " request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    DB_ARGS(DB_I(r->unit_id), DB_I(r->part_id),
		    DB_S(r->old_serial), DB_S(r->new_serial), DB_I(r->id),
		    DB_ID(strcmp(r->doc_kind, "request") == 0 ? r->doc_id : 0),
		    DB_I(clock_now())), NULL, err);
	return rc;
}

enum svc_code
stock_requisition_create(struct db *db, struct arena *a,
    const struct stock_caller *c, struct stock_requisition *d,
    struct stock_requisition **out, struct svc_err *err)
{
	struct stock_settings s;
	int64_t cust, model, unit, avg = 0, serial = 0, flag = 0;
	const char *number;
	struct dbq *q;
	enum svc_code rc;
	int warranty;
	char *num;

	rec_normalize(&stock_requisition_rec, d);
	rc = stock_doc_of(db, a, d->doc_kind, d->doc_id, &cust, &model, &unit,
	    &number, &warranty, err);
	if (rc)
		return rc;
	if (d->billing == NULL || d->billing[0] == '\0')
		d->billing = warranty == 1 ? "warranty" : "paid";
	rc = rec_check(db, &stock_requisition_rec, d, err);
	if (rc == SVC_OK)
		rc = db_query(db, "SELECT p.serial_tracked,"
		    " p.approval_required, coalesce((SELECT l.avg_cost_fen"
		    " FROM stock_levels l WHERE l.part_id = p.id AND"
		    " l.warehouse_id = ?), 0) FROM parts p WHERE p.id = ?",
		    DB_ARGS(DB_I(d->warehouse_id), DB_I(d->part_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		serial = db_i64(q, 0);
		flag = db_i64(q, 1);
		avg = db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK)
		rc = settings_get(db, &stock_settings_group, &s, err);
	if (rc)
		return rc;
	d->unit_id = serial && strcmp(d->doc_kind, "request") == 0 ? unit : 0;
	if (d->unit_id != 0 && d->old_serial[0] == '\0')
		return svc_fail_field(err, SVC_EINVAL, "old_serial", "required",
		    "the part is serial-tracked: give the serial of the part "
		    "taken out ('old_serial')");
	if (d->unit_id != 0 && d->new_serial[0] == '\0')
		return svc_fail_field(err, SVC_EINVAL, "new_serial", "required",
		    "the part is serial-tracked: give the serial of the part "
		    "put in ('new_serial')");
	d->value_fen = d->qty * avg;
	d->needs_approval = flag || d->value_fen > s.approval_over_fen;
	d->approval_reason = flag ? "part" : d->needs_approval ? "value" : "";
	d->state = d->needs_approval ? "pending" : "issued";
	d->requested_by = c->actor.user_id;
	rc = docno_next(db, a, "LL", clock_now(), &num, err);
	if (rc)
		return rc;
	d->number = num;
	rc = rec_create(db, a, &c->actor, &stock_requisition_rec, d,
	    (void **)out, err);
	if (rc == SVC_OK && !d->needs_approval)
		rc = rq_issue(db, a, &c->actor, *out, err);
	if (rc == SVC_OK && !d->needs_approval)
		rc = rec_get(db, a, &stock_requisition_rec, (*out)->id,
		    (void **)out, err);
	return rc;
}

enum svc_code
stock_requisition_step(struct db *db, struct arena *a,
    const struct stock_caller *c, int64_t id, int64_t expected,
    const char *name, const struct stock_step *st,
    struct stock_requisition **out, struct svc_err *err)
{
	static const char *const keys[] = { "state", "decided_by",
		"decided_at", "decision_note", "value_fen", NULL };
	const struct fsm_transition *t;
	struct stock_requisition *r, d;
	enum svc_code rc;

	rc = step_begin(db, a, &stock_requisition_rec,
	    &stock_requisition_fsm, c, id, expected, name,
	    offsetof(struct stock_requisition, state),
	    offsetof(struct stock_requisition, version), (void **)&r, &t, err);
	if (rc)
		return rc;
	if (strcmp(name, "reject") == 0 && blank(st->note))
		return svc_fail_field(err, SVC_EINVAL, "note", "required",
		    "a rejection needs its reason ('note')");
	d = *r;
	d.state = stock_requisition_fsm.states[t->to];
	d.decided_by = c->actor.user_id;
	d.decided_at = clock_now();
	d.decision_note = st->note != NULL ? st->note : "";
	if (strcmp(name, "approve") == 0) {
		rc = rq_issue(db, a, &c->actor, &d, err);
		if (rc)
			return rc;
	}
	return rec_update(db, a, &c->actor, &stock_requisition_rec, id,
	    expected, &d, mask_of(&stock_requisition_rec, keys),
	    (void **)out, err);
}

/* ----- loans ----- */

static enum svc_code
loan_fill(struct db *db, struct arena *a, void *item, struct svc_err *err)
{
	struct stock_loan *l = item;

	(void)db;
	(void)a;
	(void)err;
	l->overdue = strcmp(l->state, "open") == 0 && l->due_date <
	    ymd_today();
	return SVC_OK;
}

void
stock_loan_overdue(struct rec_query *q, int day)
{
	rec_cond(q, " AND o.state = 'open' AND o.due_date < ?");
	rec_arg(q, DB_I(day));
}

enum svc_code
stock_loan_create(struct db *db, struct arena *a,
    const struct stock_caller *c, struct stock_loan *d,
    struct stock_loan **out, struct svc_err *err)
{
	struct stock_post_in in;
	struct stock_move *m;
	int64_t cust, model, unit;
	const char *number;
	enum svc_code rc;
	int warranty;
	char *num;

	rec_normalize(&stock_loan_rec, d);
	rc = rec_check(db, &stock_loan_rec, d, err);
	if (rc)
		return rc;
	if (d->due_date < ymd_today())
		return svc_fail_field(err, SVC_EINVAL, "due_date",
		    "out_of_range", "'due_date' must not be before today");
	if ((d->doc_kind != NULL && d->doc_kind[0] != '\0') != (d->doc_id !=
	    0))
		return svc_fail_field(err, SVC_EINVAL, "doc_id", "required",
		    "'doc_kind' and 'doc_id' go together");
	if (d->doc_id != 0) {
		rc = stock_doc_of(db, a, d->doc_kind, d->doc_id, &cust, &model,
		    &unit, &number, &warranty, err);
		if (rc)
			return rc;
	}
	d->state = "open";
	d->returned_qty = 0;
	d->created_by = c->actor.user_id;
	rc = docno_next(db, a, "JL", clock_now(), &num, err);
	if (rc)
		return rc;
	d->number = num;
	rc = rec_create(db, a, &c->actor, &stock_loan_rec, d, (void **)out,
	    err);
	if (rc)
		return rc;
	in = (struct stock_post_in){ "loan", d->part_id, d->warehouse_id,
		d->qty, -1, "", d->doc_id ? d->doc_kind : NULL, d->doc_id,
		"loan", (*out)->id, d->note };
	rc = stock_post(db, a, &c->actor, &in, &m, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE stock_loans SET unit_cost_fen = ?"
		    " WHERE id = ?", DB_ARGS(DB_I(m->unit_cost_fen),
		    DB_I((*out)->id)), NULL, err);
	if (rc == SVC_OK)
		rc = rec_get(db, a, &stock_loan_rec, (*out)->id, (void **)out,
		    err);
	return rc;
}

enum svc_code
stock_loan_step(struct db *db, struct arena *a, const struct stock_caller *c,
    int64_t id, int64_t expected, const char *name,
    const struct stock_step *st, struct stock_loan **out,
    struct svc_err *err)
{
	static const char *const keys[] = { "state", "returned_qty", NULL };
	const struct fsm_transition *t;
	struct stock_post_in in;
	struct stock_loan *l, d;
	enum svc_code rc;
	int64_t left;

	rc = step_begin(db, a, &stock_loan_rec, &stock_loan_fsm, c, id,
	    expected, name, offsetof(struct stock_loan, state),
	    offsetof(struct stock_loan, version), (void **)&l, &t, err);
	if (rc)
		return rc;
	left = l->qty - l->returned_qty;
	if (st->qty < 1 || st->qty > left)
		return svc_fail_field(err, SVC_EUNPROCESSABLE, "qty",
		    "out_of_range", "'qty' must be from 1 to %lld (still out "
		    "on loan %s)",
		    (long long)left, l->number);
	in = (struct stock_post_in){ "loan_return", l->part_id,
		l->warehouse_id, st->qty, l->unit_cost_fen, "",
		l->doc_id ? l->doc_kind : NULL, l->doc_id, "loan", l->id,
		st->note };
	rc = stock_post(db, a, &c->actor, &in, NULL, err);
	if (rc)
		return rc;
	d = *l;
	d.returned_qty += st->qty;
	d.state = d.returned_qty == d.qty ? "returned" : "open";
	return rec_update(db, a, &c->actor, &stock_loan_rec, id, expected, &d,
	    mask_of(&stock_loan_rec, keys), (void **)out, err);
}

/* ----- transfers ----- */

enum svc_code
stock_transfer_create(struct db *db, struct arena *a,
    const struct stock_caller *c, struct stock_transfer *d,
    struct stock_transfer **out, struct svc_err *err)
{
	struct stock_post_in in;
	struct stock_move *m;
	enum svc_code rc;
	int64_t active;
	char *num;

	rec_normalize(&stock_transfer_rec, d);
	rc = rec_check(db, &stock_transfer_rec, d, err);
	if (rc)
		return rc;
	if (d->from_warehouse_id == d->to_warehouse_id)
		return svc_fail_field(err, SVC_EINVAL, "to_warehouse_id",
		    "same", "a transfer goes to another warehouse");
	rc = db_one_i64(db, "SELECT active FROM warehouses WHERE id = ?",
	    DB_ARGS(DB_I(d->to_warehouse_id)), &active, err);
	if (rc == SVC_OK && !active)
		return svc_fail_field(err, SVC_EINVAL, "to_warehouse_id",
		    "inactive", "warehouse %lld is closed",
		    (long long)d->to_warehouse_id);
	if (rc)
		return rc;
	d->state = "in_transit";
	d->sent_by = c->actor.user_id;
	rc = docno_next(db, a, "DB", clock_now(), &num, err);
	if (rc)
		return rc;
	d->number = num;
	rc = rec_create(db, a, &c->actor, &stock_transfer_rec, d, (void **)out,
	    err);
	if (rc)
		return rc;
	in = (struct stock_post_in){ "transfer_out", d->part_id,
		d->from_warehouse_id, d->qty, -1, "", NULL, 0, "transfer",
		(*out)->id, d->note };
	rc = stock_post(db, a, &c->actor, &in, &m, err);
	if (rc == SVC_OK)
		rc = stock_level_touch(db, d->part_id, d->to_warehouse_id, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE stock_transfers SET unit_cost_fen = ?"
		    " WHERE id = ?", DB_ARGS(DB_I(m->unit_cost_fen),
		    DB_I((*out)->id)), NULL, err);
	if (rc == SVC_OK)
		rc = rec_get(db, a, &stock_transfer_rec, (*out)->id,
		    (void **)out, err);
	return rc;
}

enum svc_code
stock_transfer_step(struct db *db, struct arena *a,
    const struct stock_caller *c, int64_t id, int64_t expected,
    const char *name, const struct stock_step *st,
    struct stock_transfer **out, struct svc_err *err)
{
	static const char *const keys[] = { "state", "received_by",
		"received_at", NULL };
	const struct fsm_transition *t;
	struct stock_post_in in;
	struct stock_transfer *r, d;
	enum svc_code rc;

	rc = step_begin(db, a, &stock_transfer_rec, &stock_transfer_fsm, c, id,
	    expected, name, offsetof(struct stock_transfer, state),
	    offsetof(struct stock_transfer, version), (void **)&r, &t, err);
	if (rc)
		return rc;
	in = (struct stock_post_in){ "transfer_in", r->part_id,
		r->to_warehouse_id, r->qty, r->unit_cost_fen, "", NULL, 0,
		"transfer", r->id, st->note };
	rc = stock_post(db, a, &c->actor, &in, NULL, err);
	if (rc)
		return rc;
	d = *r;
	d.state = stock_transfer_fsm.states[t->to];
	d.received_by = c->actor.user_id;
	d.received_at = clock_now();
	return rec_update(db, a, &c->actor, &stock_transfer_rec, id, expected,
	    &d, mask_of(&stock_transfer_rec, keys), (void **)out, err);
}

/* ----- counts ----- */

enum svc_code
stock_count_create(struct db *db, struct arena *a,
    const struct stock_caller *c, struct stock_count *d,
    struct stock_count **out, struct svc_err *err)
{
	int64_t book = 0, avg = 0, price = 0;
	struct dbq *q;
	enum svc_code rc;
	char *num;

	rec_normalize(&stock_count_rec, d);
	rc = rec_check(db, &stock_count_rec, d, err);
	if (rc == SVC_OK)
		rc = db_query(db, "SELECT p.price_fen, coalesce(l.on_hand, 0),"
		    " coalesce(l.avg_cost_fen, 0) FROM parts p LEFT JOIN"
		    " stock_levels l ON l.part_id = p.id AND l.warehouse_id = ?"
		    " WHERE p.id = ?", DB_ARGS(DB_I(d->warehouse_id),
		    DB_I(d->part_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		price = db_i64(q, 0);
		book = db_i64(q, 1);
		avg = db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	d->book_qty = book;
	d->diff = d->counted_qty - book;
	if (d->diff != 0 && blank(d->reason))
		return svc_fail_field(err, SVC_EINVAL, "reason", "required",
		    "the count differs from the book by %lld: give the reason "
		    "('reason')", (long long)d->diff);
	d->value_fen = d->diff * (d->diff > 0 && avg == 0 ? price : avg);
	d->state = d->diff == 0 ? "approved" : "pending";
	d->counted_by = c->actor.user_id;
	rc = docno_next(db, a, "PD", clock_now(), &num, err);
	if (rc)
		return rc;
	d->number = num;
	return rec_create(db, a, &c->actor, &stock_count_rec, d, (void **)out,
	    err);
}

enum svc_code
stock_count_step(struct db *db, struct arena *a, const struct stock_caller *c,
    int64_t id, int64_t expected, const char *name,
    const struct stock_step *st, struct stock_count **out,
    struct svc_err *err)
{
	static const char *const keys[] = { "state", "decided_by",
		"decided_at", "decision_note", "value_fen", NULL };
	const struct fsm_transition *t;
	struct stock_post_in in;
	struct stock_count *r, d;
	struct stock_move *m;
	enum svc_code rc;
	int64_t price, avg;

	rc = step_begin(db, a, &stock_count_rec, &stock_count_fsm, c, id,
	    expected, name, offsetof(struct stock_count, state),
	    offsetof(struct stock_count, version), (void **)&r, &t, err);
	if (rc)
		return rc;
	if (strcmp(name, "reject") == 0 && blank(st->note))
		return svc_fail_field(err, SVC_EINVAL, "note", "required",
		    "a rejection needs its reason ('note')");
	d = *r;
	d.state = stock_count_fsm.states[t->to];
	d.decided_by = c->actor.user_id;
	d.decided_at = clock_now();
	d.decision_note = st->note != NULL ? st->note : "";
	if (strcmp(name, "approve") == 0) {
		/* a gain at the average, or the list price while it is 0 */
		rc = db_one_i64(db, "SELECT price_fen FROM parts WHERE id = ?",
		    DB_ARGS(DB_I(r->part_id)), &price, err);
		if (rc == SVC_OK)
			rc = db_one_i64(db, "SELECT coalesce((SELECT"
			    " avg_cost_fen FROM stock_levels WHERE part_id = ?"
			    " AND warehouse_id = ?), 0)",
			    DB_ARGS(DB_I(r->part_id), DB_I(r->warehouse_id)),
			    &avg, err);
		if (rc)
			return rc;
		in = (struct stock_post_in){ "count", r->part_id,
			r->warehouse_id, r->diff > 0 ? r->diff : -r->diff,
			r->diff > 0 ? (avg > 0 ? avg : price) : -1, "", NULL,
			0, "count", r->id, r->reason };
		rc = stock_post(db, a, &c->actor, &in, &m, err);
		if (rc)
			return rc;
		d.value_fen = m->value_fen;
	}
	return rec_update(db, a, &c->actor, &stock_count_rec, id, expected, &d,
	    mask_of(&stock_count_rec, keys), (void **)out, err);
}

/* ----- serial replacements ----- */

enum svc_code
stock_serials_json(struct db *db, struct jw *w, int64_t unit_id,
    int64_t part_id, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT s.id, s.unit_id, s.part_id, p.code, p.name,"
	    " s.old_serial, s.new_serial, s.requisition_id,"
	    " coalesce(s.request_id, 0), s.created_at FROM unit_part_serials s"
	    " JOIN parts p ON p.id = s.part_id WHERE (? = 0 OR s.unit_id = ?)"
	    " AND (? = 0 OR s.part_id = ?) ORDER BY s.id DESC LIMIT 500",
	    DB_ARGS(DB_I(unit_id), DB_I(unit_id), DB_I(part_id),
	    DB_I(part_id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_ki64(w, "unit_id", db_i64(q, 1));
		jw_ki64(w, "part_id", db_i64(q, 2));
		jw_kstr(w, "part_code", db_str(q, 3));
		jw_kstr(w, "part_name", db_str(q, 4));
		jw_kstr(w, "old_serial", db_str(q, 5));
		jw_kstr(w, "new_serial", db_str(q, 6));
		jw_ki64(w, "requisition_id", db_i64(q, 7));
		rec_knull(w, "request_id", db_i64(q, 8) ? db_i64(q, 8) :
		    REC_NULL);
		jw_ktime(w, "created_at", db_i64(q, 9));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}
