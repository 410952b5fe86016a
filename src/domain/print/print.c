/*
 * print — the printed forms and the document templates (see print.h).
 *
 * Each form reads its document with the owning module's getter and the
 * caller (the access rules stay there), then what the form adds that the
 * getter does not carry (names of users and roles, the timeline, the
 * transport order) with read-only queries, and lays it out with util/pdf.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "domain/print/print.h"
#include "domain/stock/stock.h"
#include "domain/sla/sla.h"
#include "util/clock.h"

const char *const doc_types[] = { "request", "return", "transport",
	"receipt", "slip", "report", "requisition", NULL };

#define F(m) offsetof(struct doc_template, m)

static const struct rfield doc_template_fields[] = {
	REC_ID_FIELD(struct doc_template),
	{ "doc_type", "doc_type", RT_ENUM, F(doc_type), RF_REQUIRED |
	    RF_FIXED | RF_FILTER | RF_COLUMN | RF_SORT, .enums = doc_types,
	    .zh = "单据类型", .en = "Document type",
	    .doc = "request (服务工单), return (调退货明细表), transport "
	    "(退货运输单), receipt (退货入库单), slip (退货单) or report" },
	{ "company", "company", RT_TEXT, F(company), RF_COLUMN, 0, 100,
	    .def = "", .zh = "公司名称", .en = "Company",
	    .doc = "the company's name in the header" },
	{ "address", "address", RT_TEXT, F(address), RF_MULTI, 0, 300,
	    .def = "", .zh = "地址", .en = "Address" },
	{ "phone", "phone", RT_TEXT, F(phone), RF_COLUMN, 0, 40, .def = "",
	    .zh = "电话", .en = "Phone" },
	{ "footer", "footer", RT_TEXT, F(footer), RF_MULTI, 0, 300,
	    .def = "", .zh = "页脚说明", .en = "Footer note",
	    .doc = "the note at the foot of every page" },
	REC_KEPT_FIELDS(struct doc_template),
	{ NULL },
};

#undef F

const struct record doc_template_rec = {
	.name = "doc_template",
	.what = "document template",
	.table = "doc_templates",
	.size = sizeof(struct doc_template),
	.fields = doc_template_fields,
	.zh = "单据模板",
	.en = "Document template",
};

/* ----- templates and the logo ----- */

static bool
known_type(const char *t)
{
	for (size_t i = 0; doc_types[i] != NULL; i++)
		if (strcmp(doc_types[i], t) == 0)
			return true;
	return false;
}

enum svc_code
print_template(struct db *db, struct arena *a, const char *doc_type,
    struct pdf_template *out, struct svc_err *err)
{
	struct doc_template *t;
	struct buf logo;
	const char *mime;
	enum svc_code rc;
	void *item;

	memset(out, 0, sizeof(*out));
	if (!known_type(doc_type))
		return svc_fail(err, SVC_EINVAL, "doc_type", "unknown document "
		    "type '%s'", doc_type);
	rc = rec_get_by(db, a, &doc_template_rec, "doc_type", doc_type, &item,
	    err);
	if (rc)
		return rc;
	t = item;
	out->company = t->company;
	out->address = t->address;
	out->phone = t->phone;
	out->footer = t->footer;
	buf_init(&logo, PDF_LOGO_MAX + 1);
	rc = print_logo_get(db, &mime, &logo, err);
	if (rc == SVC_OK && logo.len > 0) {
		unsigned char *p = arena_alloc(a, logo.len);

		if (p == NULL) {
			buf_release(&logo);
			return svc_fail(err, SVC_ETOOBIG, NULL,
			    "out of memory");
		}
		memcpy(p, logo.p, logo.len);
		out->logo = p;
		out->logo_len = logo.len;
	}
	buf_release(&logo);
	if (rc == SVC_ENOTFOUND) {
		svc_err_clear(err);
		rc = SVC_OK;
	}
	return rc;
}

enum svc_code
print_logo_get(struct db *db, const char **mime, struct buf *out,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	bool found = false;

	*mime = NULL;
	rc = db_query(db, "SELECT mime, data FROM doc_logo WHERE id = 1",
	    DB_NOARGS, &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		found = true;
		*mime = strcmp(db_str(q, 0), "image/png") == 0 ? "image/png" :
		    "image/jpeg";
		db_blob(q, 1, out);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && !found)
		return svc_fail(err, SVC_ENOTFOUND, NULL, "no logo");
	return rc;
}

enum svc_code
print_logo_put(struct db *db, struct arena *a, const struct actor *who,
    const void *data, size_t len, struct svc_err *err)
{
	const unsigned char *p = data;
	const char *why, *mime;
	enum svc_code rc;
	char *after;

	if (len > PDF_LOGO_MAX)
		return svc_fail_field(err, SVC_ETOOBIG, "logo", "too_big",
		    "the logo is larger than 512 KB (%zu bytes)", len);
	why = pdf_logo_check(p, len);
	if (why != NULL)
		return svc_fail_field(err, SVC_EINVAL, "logo", "invalid", "%s",
		    why);
	mime = p[0] == 0x89 ? "image/png" : "image/jpeg";
	rc = db_exec(db, "INSERT INTO doc_logo (id, mime, data, updated_by,"
	    " updated_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE"
	    " SET mime = excluded.mime, data = excluded.data,"
	    " updated_by = excluded.updated_by,"
	    " updated_at = excluded.updated_at",
	    DB_ARGS(DB_S(mime), DB_BLOB(data, len), DB_ID(who->user_id),
	    DB_I(clock_now())), NULL, err);
	if (rc)
		return rc;
	after = arena_printf(a, "{\"mime\":\"%s\",\"size\":%zu}", mime, len);
	return audit_write(db, who, "update", "doc_logo", 1, NULL, after, err);
}

enum svc_code
print_logo_delete(struct db *db, struct arena *a, const struct actor *who,
    struct svc_err *err)
{
	enum svc_code rc;
	int64_t changes = 0;

	(void)a;
	rc = db_exec(db, "DELETE FROM doc_logo WHERE id = 1", DB_NOARGS,
	    &changes, err);
	if (rc == SVC_OK && changes == 0)
		return svc_fail(err, SVC_ENOTFOUND, NULL, "no logo");
	if (rc)
		return rc;
	return audit_write(db, who, "delete", "doc_logo", 1, NULL, NULL, err);
}

/* ----- words as printed ----- */

static const char *const words[][2] = {
	/* request types, channels, severities, states */
	{ "consultation", "咨询" }, { "repair", "维修" },
	{ "complaint", "投诉" }, { "installation", "安装" },
	{ "maintenance", "保养" }, { "guidance", "指导" },
	{ "suggestion", "建议" }, { "appointment", "预约" },
	{ "feedback", "反馈" }, { "phone", "电话" }, { "fax", "传真" },
	{ "email", "邮件" }, { "web", "网站" }, { "walk_in", "来访" },
	{ "dealer", "经销商" }, { "minor", "一般" }, { "moderate", "较重" },
	{ "severe", "严重" }, { "new", "新建" }, { "dispatched", "已派单" },
	{ "assigned", "已指派" }, { "in_progress", "处理中" },
	{ "waiting", "等待中" }, { "resolved", "已解决" },
	{ "closed", "已关闭" }, { "cancelled", "已取消" },
	{ "reopened", "重新打开" },
	/* returns */
	{ "exchange", "调换" }, { "refund", "退货退款" },
	{ "unsalable", "滞销" }, { "quality", "质量问题" },
	{ "transit_damage", "运输损坏" }, { "not_as_described", "与描述不符" },
	{ "paper", "纸质" }, { "staff", "员工录入" }, { "portal", "客户门户" },
	{ "registered", "已登记" }, { "submitted", "已提交" },
	{ "approved", "已批准" }, { "picked_up", "已提货" },
	{ "inspected", "已检验" }, { "received", "已入库" },
	{ "recorded", "已登记统计" }, { "rejected", "已驳回" },
	{ "refused", "拒收" }, { "intact", "完好" },
	{ "company_defect", "公司责任缺陷" }, { "customer_damage", "客户责任损坏" },
	/* SLA metrics and timeline kinds */
	{ "response", "响应" }, { "resolution", "解决" }, { "answer", "答复" },
	{ "arrival", "到场" }, { "return_slip", "退货单寄出" },
	{ "trip_summary", "出差报告" },
	{ "note", "内部备注" }, { "reply", "回复" },
	{ "transition", "状态变更" }, { "created", "创建" },
	/* requisitions */
	{ "pending", "待审批" }, { "issued", "已发料" }, { "paid", "收费" },
	{ "warranty", "保修" }, { "contract", "合同" }, { "request", "服务工单" },
	{ "return", "调退货单" },
};

/* The Chinese word of a code, else the code itself. */
static const char *
zh(const char *code)
{
	if (code == NULL)
		return "";
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], code) == 0)
			return words[i][1];
	return code;
}

static const char *
money(struct arena *a, int64_t fen)
{
	char s[48];

	pdf_money(fen, s, sizeof(s));
	return arena_strdup(a, s);
}

static const char *
when(struct arena *a, int64_t t)
{
	char s[40];

	pdf_time(t, s, sizeof(s));
	return arena_strdup(a, s);
}

static const char *
day(struct arena *a, int ymd)
{
	if (ymd == 0)
		return "";
	return arena_printf(a, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100,
	    ymd % 100);
}

/* A user's display name ("" for none). */
static const char *
user_name(struct db *db, struct arena *a, int64_t id)
{
	const char *name = "";
	struct dbq *q;

	if (id == 0 || db_query(db, "SELECT display_name FROM users"
	    " WHERE id = ?", DB_ARGS(DB_I(id)), &q, NULL) != SVC_OK)
		return name;
	if (db_next(q) == 1)
		name = db_dup(q, 0, a);
	(void)db_done(q, NULL);
	return name;
}

static enum svc_code
finish(struct pdf_doc *d, int fd, const char *number, struct print_out *out,
    struct svc_err *err)
{
	out->number = number;
	out->pages = pdf_pages(d);
	return pdf_finish(d, fd, &out->len, err);
}

/* ----- 服务工单 ----- */

static const struct tcol history_cols[] = {
	{ "at", "时间", "Time", COL_TIME },
	{ "who", "人员", "By", COL_TEXT },
	{ "kind", "类别", "Kind", COL_TEXT },
	{ "body", "内容", "Text", COL_TEXT },
};

#define HISTORY_MAX 200

/* The timeline as a table (customers: what is visible to them). */
static enum svc_code
request_history(struct db *db, struct arena *a, int64_t id, bool customer,
    struct table *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	t->cols = history_cols;
	t->ncols = 4;
	t->nrows = 0;
	t->cells = arena_alloc(a, HISTORY_MAX * 4 * sizeof(*t->cells));
	if (t->cells == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = db_query(db, "SELECT e.at, u.display_name, e.kind, e.body"
	    " FROM request_events e LEFT JOIN users u ON u.id = e.user_id"
	    " WHERE e.request_id = ? AND (? = 0 OR e.visibility = 'customer')"
	    " ORDER BY e.id LIMIT 200", DB_ARGS(DB_I(id), DB_I(customer)), &q,
	    err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && t->nrows < HISTORY_MAX) {
		struct tcell *c = table_cell(t, t->nrows++, 0);

		memset(c, 0, 4 * sizeof(*c));
		c[0].i = db_i64(q, 0);
		c[1].s = db_null(q, 1) ? "系统" : db_dup(q, 1, a);
		c[2].s = zh(arena_strdup(a, db_str(q, 2)));
		c[3].s = db_dup(q, 3, a);
	}
	return db_done(q, err);
}

/* "响应 2026-12-02 22:00（已超时）; 解决 …" */
static enum svc_code
request_due(struct db *db, struct arena *a, int64_t id, const char **out,
    struct svc_err *err)
{
	struct sla_clock **clocks;
	enum svc_code rc;
	struct buf b;
	size_t n;

	*out = "";
	rc = sla_get_for(db, a, "request", id, &clocks, &n, err);
	if (rc || n == 0)
		return rc;
	buf_init(&b, 2048);
	for (size_t i = 0; i < n; i++) {
		char at[40];

		pdf_time(clocks[i]->due_at, at, sizeof(at));
		buf_addf(&b, "%s%s %s%s", i ? "；" : "",
		    zh(clocks[i]->metric), at,
		    clocks[i]->outcome != NULL ? (strcmp(clocks[i]->outcome,
		    "met") == 0 ? "（已达成）" : "（已超时）") :
		    clocks[i]->breached_at ? "（已超时）" : "");
	}
	*out = arena_strdup(a, b.p);
	buf_release(&b);
	return SVC_OK;
}

enum svc_code
print_request(struct db *db, struct arena *a, const struct request_caller *c,
    int64_t id, int fd, struct print_out *out, struct svc_err *err)
{
	struct pdf_template tpl;
	struct request *r;
	struct table hist;
	const char *due = "", *model = "", *warranty;
	struct pdf_doc *d;
	enum svc_code rc;
	struct dbq *q;

	rc = request_get(db, a, c, id, &r, err);
	if (rc == SVC_OK)
		rc = print_template(db, a, "request", &tpl, err);
	if (rc == SVC_OK)
		rc = request_due(db, a, r->id, &due, err);
	if (rc == SVC_OK)
		rc = request_history(db, a, r->id, c->customer_id != 0, &hist,
		    err);
	if (rc == SVC_OK && r->unit_id != 0) {
		rc = db_query(db, "SELECT m.model_no, m.name FROM sold_units s"
		    " JOIN product_models m ON m.id = s.model_id"
		    " WHERE s.id = ?", DB_ARGS(DB_I(r->unit_id)), &q, err);
		if (rc == SVC_OK && db_next(q) == 1)
			model = arena_printf(a, "%s %s", db_str(q, 0),
			    db_str(q, 1));
		if (rc == SVC_OK)
			rc = db_done(q, err);
	}
	if (rc)
		return rc;
	warranty = r->in_warranty == 1 ? "在保" : r->in_warranty == 0 ?
	    "过保" : "未知";
	{
		const struct pdf_field f[] = {
			{ "工单号", r->number },
			{ "状态", zh(fsm_state_name(&request_fsm, r->state)) },
			{ "类型", zh(r->type) },
			{ "严重程度", zh(r->severity) },
			{ "客户", r->customer_name },
			{ "受理渠道", zh(r->channel) },
			{ "联系人", r->contact_name },
			{ "联系电话", r->contact_phone },
			{ "产品序列号", r->serial },
			{ "产品型号", model },
			{ "保修", warranty },
			{ "处理人", user_name(db, a, r->assignee_id) },
			{ "受理时间", when(a, r->created_at) },
			{ "SLA 到期", due },
			{ "关闭时间", when(a, r->closed_at) },
			{ "客户确认", when(a, r->customer_confirmed_at) },
		};

		d = pdf_open(&tpl, "服务工单", r->number);
		pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
	}
	pdf_heading(d, "标题");
	pdf_text(d, r->title);
	pdf_heading(d, "故障描述");
	pdf_text(d, r->description != NULL && r->description[0] != '\0' ?
	    r->description : "（无）");
	if (r->resolution != NULL && r->resolution[0] != '\0') {
		pdf_heading(d, "处理结果");
		pdf_text(d, r->resolution);
	}
	pdf_heading(d, "处理记录");
	if (hist.nrows > 0)
		pdf_table(d, &hist, NULL);
	else
		pdf_text(d, "（无）");
	pdf_heading(d, "客户签字");
	pdf_text(d, "客户签字：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿");
	return finish(d, fd, r->number, out, err);
}

/* ----- returns ----- */

static const struct tcol line_cols[] = {
	{ "line_no", "行号", "Line", COL_TEXT },
	{ "model", "型号", "Model", COL_TEXT },
	{ "name", "品名", "Name", COL_TEXT },
	{ "serial", "序列号", "Serial", COL_TEXT },
	{ "quantity", "数量", "Quantity", COL_INT },
	{ "unit_price", "单价", "Unit price", COL_MONEY },
	{ "amount", "金额", "Amount", COL_MONEY },
	{ "reason", "原因", "Reason", COL_TEXT },
	{ "delivery_date", "发货日期", "Delivered", COL_DATE },
};

#define NLINE_COLS (sizeof(line_cols) / sizeof(line_cols[0]))

static const char *const line_totals[] = { "quantity", "amount", NULL };

static enum svc_code
return_lines(struct arena *a, const struct rma *r, bool prices,
    struct table *t, struct svc_err *err)
{
	t->cols = line_cols;
	t->ncols = prices ? NLINE_COLS : 5;
	t->nrows = r->nlines;
	t->cells = arena_alloc(a, (r->nlines + 1) * NLINE_COLS *
	    sizeof(*t->cells));
	if (t->cells == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	for (size_t i = 0; i < r->nlines; i++) {
		const struct rma_line *l = &r->lines[i];
		struct tcell *c = table_cell(t, i, 0);

		memset(c, 0, t->ncols * sizeof(*c));
		c[0].s = arena_printf(a, "%d", l->line_no);
		c[1].s = l->model_no != NULL ? l->model_no : "";
		c[2].s = l->model_name != NULL && l->model_name[0] != '\0' ?
		    l->model_name : l->description;
		c[3].s = l->serial != NULL ? l->serial : "";
		c[4].i = l->quantity;
		if (!prices)
			continue;
		c[5].i = l->unit_price_fen;
		c[6].i = l->amount_fen;
		c[7].s = zh(l->reason);
		c[8].i = l->delivery_date;
		c[8].null = l->delivery_date == 0;
	}
	return SVC_OK;
}

/* The step's label of the returns' state machine. */
static const char *
step_label(const char *step)
{
	for (size_t i = 0; i < rma_fsm.nt; i++)
		if (strcmp(rma_fsm.t[i].name, step) == 0 &&
		    rma_fsm.t[i].label_zh != NULL)
			return rma_fsm.t[i].label_zh;
	return step;
}

#define SIGS_MAX 64

static enum svc_code
return_sigs(struct db *db, struct arena *a, int64_t id, struct pdf_sig **out,
    size_t *n, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	*n = 0;
	*out = arena_alloc(a, SIGS_MAX * sizeof(**out));
	if (*out == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = db_query(db, "SELECT s.step, u.display_name, r.name_zh, s.role,"
	    " s.signed_at, s.note FROM return_signatures s"
	    " JOIN users u ON u.id = s.user_id"
	    " LEFT JOIN roles r ON r.key = s.role"
	    " WHERE s.return_id = ? ORDER BY s.id LIMIT 64",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && *n < SIGS_MAX) {
		struct pdf_sig *s = &(*out)[(*n)++];

		s->step = step_label(arena_strdup(a, db_str(q, 0)));
		s->name = db_dup(q, 1, a);
		s->role = db_null(q, 2) ? db_dup(q, 3, a) : db_dup(q, 2, a);
		s->at = db_i64(q, 4);
		s->note = db_dup(q, 5, a);
	}
	return db_done(q, err);
}

static void
return_fields(struct pdf_doc *d, struct arena *a, const struct rma *r)
{
	const struct pdf_field f[] = {
		{ "单号", r->number },
		{ "状态", zh(fsm_state_name(&rma_fsm, r->state)) },
		{ "客户", r->customer_name },
		{ "类别", zh(r->kind) },
		{ "原因", zh(r->reason) },
		{ "来源", zh(r->channel) },
		{ "填单日期", day(a, r->filed_day) },
		{ "总数量", arena_printf(a, "%lld",
		    (long long)r->total_quantity) },
		{ "合计金额", money(a, r->total_amount_fen) },
		{ "含二手货", r->has_used ? "是" : "否" },
	};

	pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
}

static enum svc_code
print_form(struct db *db, struct arena *a, const struct rma *r,
    const struct pdf_template *tpl, int fd, struct print_out *out,
    struct svc_err *err)
{
	struct pdf_sig *sigs;
	struct table t;
	struct pdf_doc *d;
	enum svc_code rc;
	size_t n;

	rc = return_lines(a, r, true, &t, err);
	if (rc == SVC_OK)
		rc = return_sigs(db, a, r->id, &sigs, &n, err);
	if (rc)
		return rc;
	d = pdf_open(tpl, "调退货明细表", r->number);
	return_fields(d, a, r);
	if (r->description != NULL && r->description[0] != '\0') {
		pdf_heading(d, "说明");
		pdf_text(d, r->description);
	}
	pdf_heading(d, "退货明细");
	pdf_table(d, &t, line_totals);
	pdf_heading(d, "签字");
	pdf_signatures(d, sigs, n);
	return finish(d, fd, r->number, out, err);
}

static enum svc_code
print_transport(struct db *db, struct arena *a, const struct rma *r,
    const struct pdf_template *tpl, int fd, struct print_out *out,
    struct svc_err *err)
{
	const char *number = NULL, *station = "", *note = "", *issuer = "",
	    *driver = "";
	int64_t issued_at = 0, picked_at = 0;
	struct pdf_doc *d;
	enum svc_code rc;
	struct table t;
	struct dbq *q;

	rc = db_query(db, "SELECT t.number, t.station, t.note, iu.display_name,"
	    " t.issued_at, pu.display_name, t.picked_up_at"
	    " FROM transport_orders t JOIN users iu ON iu.id = t.issued_by"
	    " LEFT JOIN users pu ON pu.id = t.picked_up_by"
	    " WHERE t.return_id = ? ORDER BY t.id DESC LIMIT 1",
	    DB_ARGS(DB_I(r->id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		number = db_dup(q, 0, a);
		station = db_dup(q, 1, a);
		note = db_dup(q, 2, a);
		issuer = db_dup(q, 3, a);
		issued_at = db_i64(q, 4);
		driver = db_null(q, 5) ? "" : db_dup(q, 5, a);
		picked_at = db_i64(q, 6);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (number == NULL)
		return svc_fail(err, SVC_ECONFLICT, NULL, "return '%s' has no "
		    "transport order yet (issue_transport)", r->number);
	rc = return_lines(a, r, false, &t, err);
	if (rc)
		return rc;
	{
		const struct pdf_field f[] = {
			{ "运输单号", number },
			{ "调退货单号", r->number },
			{ "客户", r->customer_name },
			{ "货运站", station },
			{ "开单人", issuer },
			{ "开单时间", when(a, issued_at) },
			{ "提货司机", driver },
			{ "提货时间", when(a, picked_at) },
		};

		d = pdf_open(tpl, "退货运输单", number);
		pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
	}
	if (note[0] != '\0') {
		pdf_heading(d, "备注");
		pdf_text(d, note);
	}
	pdf_heading(d, "承运货物");
	pdf_table(d, &t, line_totals);
	pdf_heading(d, "交接签字");
	pdf_text(d, "发货人：＿＿＿＿＿＿　　司机：＿＿＿＿＿＿　　"
	    "收货人：＿＿＿＿＿＿");
	return finish(d, fd, number, out, err);
}

static enum svc_code
print_receipt(struct db *db, struct arena *a, const struct rma *r,
    const struct pdf_template *tpl, bool slip, int fd, struct print_out *out,
    struct svc_err *err)
{
	const char *number;
	struct pdf_doc *d;
	enum svc_code rc;
	struct table t;

	(void)db;
	if (r->received_at == 0)
		return svc_fail(err, SVC_ECONFLICT, NULL, "return '%s' is not "
		    "received yet: there is no %s", r->number, slip ?
		    "return slip" : "warehouse receipt");
	rc = return_lines(a, r, true, &t, err);
	if (rc)
		return rc;
	number = arena_printf(a, "%s-%s", r->number, slip ? "SL" : "WR");
	if (slip) {
		const struct pdf_field f[] = {
			{ "退货单号", number },
			{ "调退货单号", r->number },
			{ "客户", r->customer_name },
			{ "处理方式", zh(r->resolution) },
			{ "入库时间", when(a, r->received_at) },
			{ "应寄出时间", when(a, r->slip_due_at) },
			{ "退款金额", money(a, r->refund_fen) },
			{ "寄出时间", when(a, r->slip_sent_at) },
		};

		d = pdf_open(tpl, "退货单", number);
		pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
	} else {
		const struct pdf_field f[] = {
			{ "入库单号", number },
			{ "调退货单号", r->number },
			{ "客户", r->customer_name },
			{ "质检结论", zh(r->qc_verdict) },
			{ "处理方式", zh(r->resolution) },
			{ "入库时间", when(a, r->received_at) },
			{ "折旧金额", money(a, r->depreciation_fen) },
			{ "退款金额", money(a, r->refund_fen) },
			{ "换货价值", money(a, r->exchange_value_fen) },
			{ "合计金额", money(a, r->total_amount_fen) },
		};

		d = pdf_open(tpl, "退货入库单", number);
		pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
		if (r->qc_explanation != NULL && r->qc_explanation[0] != '\0') {
			pdf_heading(d, "质检说明");
			pdf_text(d, r->qc_explanation);
		}
	}
	pdf_heading(d, slip ? "退货明细" : "入库明细");
	pdf_table(d, &t, line_totals);
	pdf_heading(d, "签字");
	pdf_text(d, slip ? "制单：＿＿＿＿＿＿　　客户确认：＿＿＿＿＿＿" :
	    "仓管员：＿＿＿＿＿＿　　质检：＿＿＿＿＿＿　　"
	    "日期：＿＿＿＿＿＿");
	return finish(d, fd, number, out, err);
}

enum svc_code
print_return(struct db *db, struct arena *a, const struct rma_caller *c,
    int64_t id, const char *form, int fd, struct print_out *out,
    struct svc_err *err)
{
	struct pdf_template tpl;
	enum svc_code rc;
	struct rma *r;

	rc = rma_get(db, a, c, id, &r, err);
	if (rc == SVC_OK)
		rc = print_template(db, a, strcmp(form, "return") == 0 ?
		    "return" : form, &tpl, err);
	if (rc)
		return rc;
	if (strcmp(form, "return") == 0)
		return print_form(db, a, r, &tpl, fd, out, err);
	if (strcmp(form, "transport") == 0)
		return print_transport(db, a, r, &tpl, fd, out, err);
	if (strcmp(form, "receipt") == 0 || strcmp(form, "slip") == 0)
		return print_receipt(db, a, r, &tpl, form[0] == 's', fd, out,
		    err);
	return svc_fail(err, SVC_EINVAL, "form", "unknown form '%s'", form);
}

/* ----- 费用领料单 ----- */

enum svc_code
print_requisition(struct db *db, struct arena *a, int64_t id, int fd,
    struct print_out *out, struct svc_err *err)
{
	struct stock_requisition *r;
	struct pdf_template tpl;
	const char *doc_no, *why;
	int64_t cust, model, unit;
	struct pdf_doc *d;
	enum svc_code rc;
	int warranty;

	rc = rec_get(db, a, &stock_requisition_rec, id, (void **)&r, err);
	if (rc == SVC_OK)
		rc = print_template(db, a, "requisition", &tpl, err);
	if (rc == SVC_OK)
		rc = stock_doc_of(db, a, r->doc_kind, r->doc_id, &cust, &model,
		    &unit, &doc_no, &warranty, err);
	if (rc)
		return rc;
	why = strcmp(r->approval_reason, "part") == 0 ? "备件规定须审批" :
	    strcmp(r->approval_reason, "value") == 0 ? "金额超过审批限额" :
	    "无需审批";
	{
		const struct pdf_field f[] = {
			{ "领料单号", r->number },
			{ "状态", zh(r->state) },
			{ "备件", arena_printf(a, "%s %s", r->part_code,
			    r->part_name) },
			{ "仓库", r->warehouse_name },
			{ "数量", arena_printf(a, "%lld", (long long)r->qty) },
			{ "金额", money(a, r->value_fen) },
			{ "费用性质", zh(r->billing) },
			{ "用于", arena_printf(a, "%s %s", zh(r->doc_kind),
			    doc_no) },
			{ "旧件序列号", r->old_serial },
			{ "新件序列号", r->new_serial },
			{ "审批", why },
			{ "申请人", r->requested_by_name },
			{ "申请时间", when(a, r->created_at) },
			{ "审批人", user_name(db, a, r->decided_by) },
			{ "审批时间", when(a, r->decided_at) },
		};

		d = pdf_open(&tpl, "费用领料单", r->number);
		pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
	}
	if (r->note[0] != '\0') {
		pdf_heading(d, "备注");
		pdf_text(d, r->note);
	}
	if (r->decision_note[0] != '\0') {
		pdf_heading(d, "审批意见");
		pdf_text(d, r->decision_note);
	}
	pdf_heading(d, "签字");
	pdf_text(d, "领料人：＿＿＿＿＿＿　　审批人：＿＿＿＿＿＿　　"
	    "发料人：＿＿＿＿＿＿");
	return finish(d, fd, r->number, out, err);
}
