/*
 * api_rma — returns and exchanges (调退货): the form with its lines, its
 * steps (every one a signature), the timeline, finance's exchange-ratio
 * watch, the return reports and the settings of ratio control.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/rma/rma.h"
#include "domain/user/user.h"
#include "util/clock.h"

static struct rma_caller
caller(struct req *rq)
{
	struct rma_caller c = {
		.actor = req_actor(rq),
		.fsm = { rq->who.user_id, rq->who.roles, rq->who.nroles },
		.customer_id = rq->who.customer_id,
	};

	return c;
}

/* caller() for answers with the limits: may it see purchase figures? */
static enum svc_code
caller_figures(struct req *rq, struct rma_caller *c)
{
	*c = caller(rq);
	if (c->customer_id != 0)
		return SVC_OK;
	return perm_allowed(rq->db, rq->who.user_id, "sales.read",
	    &c->figures, &rq->err);
}

/* A date query parameter "YYYY-MM-DD" as YYYYMMDD (absent: dflt). */
static enum svc_code
day_param(struct req *rq, const char *name, int dflt, int *out)
{
	const char *v = req_query(rq, name);

	*out = dflt;
	if (v == NULL || v[0] == '\0')
		return SVC_OK;
	if (!rma_parse_ymd(v, out))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be a date YYYY-MM-DD", name);
	return SVC_OK;
}

/* ----- the form ----- */

static void
return_full_json(struct req *rq, struct jw *w, const struct rma *r,
    enum svc_code *rc)
{
	struct rma_caller c;
	bool staff;

	*rc = caller_figures(rq, &c);
	if (*rc)
		return;
	staff = c.customer_id == 0;
	jw_obj_open(w);
	jw_key(w, "return");
	rma_to_json(w, r);
	jw_key(w, "lines");
	rma_lines_json(w, r);
	if (staff && r->limits != NULL) {
		/* purchase figures need sales.read, as GET /sales */
		jw_key(w, "limits");
		if (c.figures)
			rma_limits_json(w, r->limits);
		else
			rma_limits_brief_json(w, r->limits);
	}
	jw_key(w, "transitions");
	fsm_options_json(&rma_fsm, w, r->state, &c.fsm, r);
	jw_key(w, "signatures");
	*rc = rma_signatures_json(rq->db, w, r->id, &rq->err);
	if (*rc == SVC_OK) {
		jw_key(w, "transport_orders");
		*rc = rma_transports_json(rq->db, w, r->id, &rq->err);
	}
	if (*rc == SVC_OK && staff) {
		jw_key(w, "corrective_actions");
		*rc = rma_capa_json(rq->db, w, r->id, &rq->err);
	}
	jw_obj_close(w);
}

/* POST /api/v1/returns {kind, reason, customer_id, lines: [...], ...} */
static enum svc_code
return_create_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c = caller(rq);
	struct rma_draft d;
	struct rma *r;
	enum svc_code rc;
	rec_mask given;
	struct jw w;

	rec_init(&rma_draft_rec, &d);
	rc = decode_record(rq, &rma_draft_rec, REC_CREATE, &d, &given);
	if (rc == SVC_OK)
		rc = rma_create(rq->db, &rq->arena, &c, &d, &r, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/returns/%lld", (long long)r->id));
	resp_json(rs, 201, &w);
	return_full_json(rq, &w, r, &rc);
	return rc;
}

/* GET /api/v1/returns/{id} */
static enum svc_code
return_get_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c = caller(rq);
	struct rma *r;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = rma_get(rq->db, &rq->arena, &c, id, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	return_full_json(rq, &w, r, &rc);
	return rc;
}

static const char *const return_list_query[] = { "limit", "cursor",
	"state", "reason", "kind", "customer_id", "from", "to", NULL };

/* GET /api/v1/returns?state=&reason=&kind=&customer_id=&from=&to= */
static enum svc_code
return_list_h(struct req *rq, struct resp *rs)
{
	static const char *states[RMA__MAX + 1];
	struct rma_caller c = caller(rq);
	struct rma_filter f;
	struct rma **items;
	enum svc_code rc;
	struct jw w;
	int64_t before;
	int limit;
	size_t n;
	bool more;

	memset(&f, 0, sizeof(f));
	for (int i = 0; i < RMA__MAX; i++)
		states[i] = fsm_state_name(&rma_fsm, i);
	rc = query_allow(rq, return_list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &before, &limit);
	if (rc == SVC_OK)
		rc = query_enum(rq, "state", states, &f.state);
	if (rc == SVC_OK)
		rc = query_enum(rq, "reason", rma_reasons, &f.reason);
	if (rc == SVC_OK)
		rc = query_enum(rq, "kind", rma_kinds, &f.kind);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0,
		    &f.customer_id);
	if (rc == SVC_OK)
		rc = day_param(rq, "from", 0, &f.from_day);
	if (rc == SVC_OK)
		rc = day_param(rq, "to", 0, &f.to_day);
	if (rc == SVC_OK)
		rc = rma_list(rq->db, &rq->arena, &c, &f, before, limit, &items,
		    &n, &more, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		rma_to_json(&w, items[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, more, n ? items[n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

static const char *const line_price_query[] = { "customer_id",
	"model_id", "unit_id", "serial", "date", NULL };

/* GET /api/v1/returns/line-price?customer_id=&model_id=&unit_id=&serial=
 * &date= (the customer's price of a line's goods on a day) */
static enum svc_code
return_line_price_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c = caller(rq);
	struct rma_price_ask ask;
	struct rma_price p;
	enum svc_code rc;
	struct jw w;

	memset(&ask, 0, sizeof(ask));
	ask.serial = req_query(rq, "serial");
	rc = query_allow(rq, line_price_query);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0,
		    &ask.customer_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "model_id", 1, INT64_MAX, 0, &ask.model_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "unit_id", 1, INT64_MAX, 0, &ask.unit_id);
	if (rc == SVC_OK && ask.serial != NULL && strlen(ask.serial) > 64)
		rc = svc_fail_field(&rq->err, SVC_EINVAL, "serial",
		    "too_long", "'serial' is at most 64 characters");
	if (rc == SVC_OK)
		rc = day_param(rq, "date", clock_local_ymd(clock_now()),
		    &ask.day);
	if (rc == SVC_OK)
		rc = rma_line_price(rq->db, &rq->arena, &c, &ask, &p,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	rma_price_json(&w, &p);
	return SVC_OK;
}

static const char *const return_queue_query[] = { "limit", "cursor",
	"step", NULL };

/* GET /api/v1/returns/queue?step=&limit=&cursor= (what waits for me) */
static enum svc_code
return_queue_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c = caller(rq);
	struct rma_queue qu;
	const char *step = req_query(rq, "step");
	enum svc_code rc;
	struct jw w;
	int64_t after;
	int limit;

	rc = query_allow(rq, return_queue_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc == SVC_OK)
		rc = rma_queue(rq->db, &rq->arena, &c, step && step[0] ? step :
		    NULL, after, limit, &qu, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "steps");
	jw_arr_open(&w);
	for (size_t i = 0; i < qu.nsteps; i++) {
		jw_obj_open(&w);
		jw_kstr(&w, "step", qu.steps[i]);
		jw_ki64(&w, "count", qu.counts[i]);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_kstr(&w, "step", qu.step);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < qu.n; i++)
		rma_to_json(&w, qu.items[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, qu.more, qu.n ? qu.items[qu.n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/returns/{id}/events: the timeline */
static enum svc_code
return_events_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c = caller(rq);
	struct rma *r;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = rma_get(rq->db, &rq->arena, &c, id, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	rc = rma_events_json(rq->db, &w, &c, id, &rq->err);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return rc;
}

struct event_in {
	const char *kind;
	const char *body;
};

static const char *const event_kinds[] = { "note", "reply", NULL };

static const struct field event_fields[] = {
	{ "kind", F_ENUM, offsetof(struct event_in, kind), F_REQUIRED, 0, 0, 0,
	    event_kinds, "note (internal) or reply (to the customer)" },
	{ "body", F_TEXT, offsetof(struct event_in, body), F_REQUIRED, 1, 5000,
	    0, NULL, "the text" },
	{ NULL },
};

/* POST /api/v1/returns/{id}/events {kind, body} */
static enum svc_code
return_event_add_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c = caller(rq);
	struct event_in in = { 0 };
	enum svc_code rc;
	struct jw w;
	int64_t id, eid = 0;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, event_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = rma_add_event(rq->db, &rq->arena, &c, id, in.kind, in.body,
		    &eid, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 201, &w);
	jw_obj_open(&w);
	jw_ki64(&w, "id", eid);
	jw_kstr(&w, "kind", in.kind);
	jw_obj_close(&w);
	return SVC_OK;
}

struct step_in {
	int64_t version;
	struct rma_step s;
};

static const struct field step_fields[] = {
	{ "version", F_I64, offsetof(struct step_in, version), 0, 1, INT64_MAX,
	    0, NULL, "the version you read (or If-Match)" },
	{ "note", F_TEXT, offsetof(struct step_in, s.note), F_NULLABLE, 0, 2000,
	    0, NULL, "a note on the signature; special_approval: why "
	    "(required)" },
	{ "reason", F_TEXT, offsetof(struct step_in, s.reason), F_NULLABLE, 0,
	    500, 0, NULL, "reject, cancel: why (shown to the customer)" },
	{ "explanation", F_TEXT, offsetof(struct step_in, s.explanation),
	    F_NULLABLE, 0, 5000, 0, NULL, "qc_defect: the analysis; "
	    "qc_refuse: the written explanation (required)" },
	{ "responsible_department_id", F_ID, offsetof(struct step_in,
	    s.responsible_department_id), F_NULLABLE, 0, 0, 0, NULL,
	    "qc_defect: the responsible department" },
	{ "responsible_person", F_TEXT, offsetof(struct step_in,
	    s.responsible_person), F_NULLABLE, 0, 50, 0, NULL,
	    "qc_defect: the responsible person" },
	{ "depreciation_fen", F_I64, offsetof(struct step_in,
	    s.depreciation_fen), 0, 0, RMA_PRICE_MAX * RMA_QTY_MAX, 0, NULL,
	    "qc_*, receive: depreciation of used goods" },
	{ "station", F_TEXT, offsetof(struct step_in, s.station), F_NULLABLE, 0,
	    200, 0, NULL, "issue_transport: the freight station" },
	{ "resolution", F_ENUM, offsetof(struct step_in, s.resolution),
	    F_NULLABLE, 0, 0, 0, rma_resolutions, "receive: exchange or refund "
	    "(the customer's choice; unsalable: exchange)" },
	{ "exchange_value_fen", F_I64, offsetof(struct step_in,
	    s.exchange_value_fen), 0, 0, RMA_PRICE_MAX * RMA_QTY_MAX, 0, NULL,
	    "receive: value of the goods given for used goods (>= amount)" },
	{ NULL },
};

/* POST /api/v1/returns/{id}/transitions/{name} {version, ...} */
static enum svc_code
return_transition_h(struct req *rq, struct resp *rs)
{
	struct rma_caller c;
	struct step_in in;
	struct rma *r;
	enum svc_code rc;
	struct jw w;
	int64_t id, version;

	memset(&in, 0, sizeof(in));
	in.s.depreciation_fen = -1;
	in.s.exchange_value_fen = -1;
	rc = caller_figures(rq, &c);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, step_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = rma_transition(rq->db, &rq->arena, &c, id, version,
		    rq->params[1], &in.s, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	return_full_json(rq, &w, r, &rc);
	return rc;
}

/* ----- finance and reports ----- */

static const char *const ratios_query[] = { "day", "limit", "cursor", NULL };

/* GET /api/v1/returns/ratios?day=YYYY-MM-DD: every customer vs its limit */
static enum svc_code
return_ratios_h(struct req *rq, struct resp *rs)
{
	enum svc_code rc;
	struct jw w;
	int64_t after, last = 0;
	int limit, day;
	bool more = false;

	rc = query_allow(rq, ratios_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc == SVC_OK)
		rc = day_param(rq, "day", clock_local_ymd(clock_now()), &day);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	rc = rma_ratios_json(rq->db, &rq->arena, &w, day, rq->who.customer_id,
	    after, limit, &last, &more, &rq->err);
	list_next_cursor(&w, more, last);
	jw_obj_close(&w);
	return rc;
}

static const char *const report_customers_query[] = { "from", "to",
	"customer_id", NULL };

/* GET /api/v1/returns/reports/customers?from=&to=&customer_id= */
static enum svc_code
return_report_customers_h(struct req *rq, struct resp *rs)
{
	enum svc_code rc;
	struct jw w;
	int64_t customer;
	int today = clock_local_ymd(clock_now()), from, to;

	rc = query_allow(rq, report_customers_query);
	if (rc == SVC_OK)
		rc = day_param(rq, "from", today / 100 * 100 + 1, &from);
	if (rc == SVC_OK)
		rc = day_param(rq, "to", today, &to);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0, &customer);
	if (rc == SVC_OK && to < from)
		rc = svc_fail_field(&rq->err, SVC_EINVAL, "to", "out_of_range",
		    "'to' must not be before 'from'");
	if (rc)
		return rc;
	/* a customer user: its own company only (another is an empty report) */
	if (rq->who.customer_id != 0)
		customer = customer == 0 || customer == rq->who.customer_id ?
		    rq->who.customer_id : -1;
	resp_json(rs, 200, &w);
	return rma_report_customers_json(rq->db, &rq->arena, &w, from, to,
	    customer, &rq->err);
}

/* GET /api/v1/returns/reports/open: open returns by step, with age */
static enum svc_code
return_report_open_h(struct req *rq, struct resp *rs)
{
	enum svc_code rc;
	struct jw w;

	rc = query_allow(rq, NULL);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	return rma_report_open_json(rq->db, &w, clock_now(),
	    rq->who.customer_id, &rq->err);
}

/* ----- settings ----- */

/* masks: 1 << the setting's index in rma_settings_group */
static const struct field settings_fields[] = {
	{ "warn_share_bp", F_I64, offsetof(struct rma_settings, warn_share_bp),
	    0, 1, 10000, 1 << 0, NULL, "warn finance at this share of a "
	    "customer's limit (8000 = 80 %)" },
	{ "default_ratio_limit_bp", F_I64, offsetof(struct rma_settings,
	    default_ratio_limit_bp), 0, 0, 10000, 1 << 1, NULL,
	    "the company's exchange-ratio limit without a contract (500 = 5 %)" },
	{ "default_days_limit", F_I64, offsetof(struct rma_settings,
	    default_days_limit), 0, 0, 3650, 1 << 2, NULL,
	    "the company's exchange time limit in days from delivery" },
	{ "version", F_I64, offsetof(struct rma_settings, version), 0, 1,
	    INT64_MAX, 0, NULL, "the version you read (or If-Match)" },
	{ NULL },
};

/* GET /api/v1/returns/settings */
static enum svc_code
return_settings_get_h(struct req *rq, struct resp *rs)
{
	return api_settings_get(rq, rs, &rma_settings_group);
}

/* PUT /api/v1/returns/settings {version, warn_share_bp?, ...} */
static enum svc_code
return_settings_put_h(struct req *rq, struct resp *rs)
{
	return api_settings_put(rq, rs, &rma_settings_group, settings_fields);
}

/* The returns list as a file (?format=csv|xlsx). */
static const struct tcol return_cols[] = {
	{ "number", "单号", "Number", COL_TEXT },
	{ "kind", "类型", "Kind", COL_TEXT },
	{ "state", "状态", "State", COL_TEXT },
	{ "customer_name", "客户", "Customer", COL_TEXT },
	{ "filed_date", "申请日期", "Filed", COL_DATE },
	{ "reason", "原因", "Reason", COL_TEXT },
	{ "total_quantity", "数量", "Quantity", COL_INT },
	{ "total_amount_fen", "金额", "Amount", COL_MONEY },
	{ "has_used_goods", "含旧品", "Used goods", COL_BOOL },
	{ "qc_verdict", "质检结论", "QC verdict", COL_TEXT },
	{ "resolution", "处理方式", "Resolution", COL_TEXT },
	{ "refund_fen", "退款", "Refund", COL_MONEY },
	{ "waiting_step", "待办步骤", "Waiting step", COL_TEXT },
	{ "state_since", "进入本状态", "In state since", COL_TIME },
	{ "created_at", "创建时间", "Created", COL_TIME },
	{ "closed_at", "关闭时间", "Closed", COL_TIME },
};

static const struct export_cols return_export = {
	return_cols, sizeof(return_cols) / sizeof(return_cols[0]), "returns",
	"调退货", "Returns",
};

#define J R_JSON
#define W R_WRITE

const struct route rma_routes[] = {
	{ HTTP_GET, "/api/v1/returns", return_list_h, NULL, "return.read", 0,
	    "returns", "list return/exchange forms (newest first)", NULL,
	    return_list_query,
	    .export = &return_export },
	{ HTTP_POST, "/api/v1/returns", return_create_h, NULL, "return.create",
	    W | J | R_IDEMPOTENT, "returns", "file or register a return/"
	    "exchange form 《调退货明细表》; lines: [{unit_id or serial or "
	    "model_id, quantity, unit_price_fen, amount_fen?, reason?, "
	    "delivery_date?, description?}]", NULL, NULL, 0,
	    .body_rec = &rma_draft_rec },
	{ HTTP_GET, "/api/v1/returns/ratios", return_ratios_h, NULL,
	    "return.report", 0, "returns", "every customer's exchange ratio "
	    "against its limit on a day (ok, warning, over)", NULL,
	    ratios_query },
	{ HTTP_GET, "/api/v1/returns/reports/customers",
	    return_report_customers_h, NULL, "return.report", 0, "returns",
	    "returns per customer and period: quantities, amounts, exchange "
	    "ratio against the limit", NULL, report_customers_query },
	{ HTTP_GET, "/api/v1/returns/queue", return_queue_h, NULL,
	    "return.read", 0, "returns", "what waits for my signature: the "
	    "steps of my roles with their counts, and one step's forms "
	    "(?step=, default the first with any), longest waiting first",
	    NULL, return_queue_query },
	{ HTTP_GET, "/api/v1/returns/line-price", return_line_price_h, NULL,
	    "return.create", 0, "returns", "the unit price of a return line: "
	    "the customer's own purchase of the goods (the sold unit's amount, "
	    "else its last sales record of the model on or before date, "
	    "default today); found false when there is none", NULL,
	    line_price_query },
	{ HTTP_GET, "/api/v1/returns/reports/open", return_report_open_h, NULL,
	    "return.report", 0, "returns", "open returns by step with their "
	    "age", NULL, NULL },
	{ HTTP_GET, "/api/v1/returns/settings", return_settings_get_h, NULL,
	    "return.report", 0, "returns", "exchange-ratio control settings",
	    NULL, NULL },
	{ HTTP_PUT, "/api/v1/returns/settings", return_settings_put_h, NULL,
	    "return.manage", W | J, "returns", "change the warning share and "
	    "the company's limits (with version)", settings_fields, NULL },
	{ HTTP_GET, "/api/v1/returns/{id}", return_get_h, NULL, "return.read",
	    0, "returns", "one form with its lines, limits, allowed steps, "
	    "signatures, transport orders and corrective actions", NULL, NULL },
	{ HTTP_GET, "/api/v1/returns/{id}/events", return_events_h, NULL,
	    "return.read", 0, "returns", "the timeline", NULL, NULL },
	{ HTTP_POST, "/api/v1/returns/{id}/events", return_event_add_h, NULL,
	    "return.work", W | J, "returns",
	    "add an internal note or a reply to the customer", event_fields,
	    NULL },
	{ HTTP_POST, "/api/v1/returns/{id}/transitions/{name}",
	    return_transition_h, NULL, "return.work", W | J, "returns",
	    "sign a step (sign_for, review_aftersales, review_finance, "
	    "special_approval, approve, reject, cancel, issue_transport, "
	    "pickup, qc_intact, qc_defect, qc_refuse, receive, record, "
	    "send_slip)", step_fields, NULL },
};

const size_t rma_nroutes = sizeof(rma_routes) / sizeof(rma_routes[0]);
