/*
 * rma_state — the return/exchange form's state machine (SPEC §4.3, §5.2;
 * seed 000 §4.2).  Every step is a signature: the roles here are who may
 * sign it, the guards what must be there first.
 *
 *   registered --sign_for (after-sales)--> submitted     4.2.2
 *   submitted, unsalable: review_aftersales (agent or head) and
 *     review_finance (finance), each within the ratio and time limits or
 *     after special_approval (general manager); then approve (sales manager)
 *                                                        4.2.3
 *   submitted, quality: review_aftersales (the head only), then approve
 *     (the sales manager tells the customer to ship)     4.2.4
 *   approved: issue_transport (the head) --pickup (driver)--> picked_up
 *                                                        4.2.5
 *   approved|picked_up: qc_intact | qc_defect --> inspected,
 *     qc_refuse (written explanation) --> refused        4.2.6
 *   --receive (warehouse, all three signatures)--> received   4.2.7
 *   --record (statistician)--> recorded                  4.2.8
 *   --send_slip (clerk)--> closed                        4.2.9
 *   registered|submitted --reject--> rejected, --cancel--> cancelled
 */
#include <string.h>

#include "domain/rma/rma.h"
#include "domain/rma/rma_int.h"

static const char *const states[RMA__MAX] = {
	[RMA_REGISTERED] = "registered", [RMA_SUBMITTED] = "submitted",
	[RMA_APPROVED] = "approved", [RMA_PICKED_UP] = "picked_up",
	[RMA_INSPECTED] = "inspected", [RMA_RECEIVED] = "received",
	[RMA_RECORDED] = "recorded", [RMA_CLOSED] = "closed",
	[RMA_REJECTED] = "rejected", [RMA_REFUSED] = "refused",
	[RMA_CANCELLED] = "cancelled",
};

const char *const rma_kinds[] = { "exchange", "refund", NULL };
const char *const rma_reasons[] = { "unsalable", "quality", "transit_damage",
	"not_as_described", NULL };
const char *const rma_channels[] = { "paper", "fax", "staff", "portal",
	NULL };
const char *const rma_resolutions[] = { "exchange", "refund", NULL };

bool
rma_caller_has(const struct fsm_caller *c, const char *role)
{
	for (size_t i = 0; i < c->nroles; i++)
		if (strcmp(c->roles[i], role) == 0)
			return true;
	return false;
}

static bool
unsalable(const struct rma *r)
{
	return strcmp(r->reason, "unsalable") == 0;
}

/* Within the ratio and time limits, or specially approved. */
static bool
within_limits(const struct rma *r, struct fsm_why *m)
{
	if (!unsalable(r) || r->limits == NULL || r->limits->why == NULL ||
	    (r->signed_mask & RMA_SIG_SPECIAL))
		return true;
	fsm_why_set(m, "over_limits", r->limits->why);
	return false;
}

static bool
g_review_aftersales(const void *doc, const struct fsm_caller *c,
    struct fsm_why *m)
{
	const struct rma *r = doc;

	if (r->signed_mask & RMA_SIG_AFTERSALES) {
		fsm_why_set(m, "already_signed", "a review not signed yet (after-sales has signed it)");
		return false;
	}
	if (!unsalable(r) && !rma_caller_has(c, "aftersales_manager")) {
		fsm_why_set(m, "head_reviews_quality", "the after-sales head (aftersales_manager): a quality "
		    "return is reviewed by the head");
		return false;
	}
	return within_limits(r, m);
}

static bool
g_review_finance(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;

	(void)c;
	if (r->signed_mask & RMA_SIG_FINANCE) {
		fsm_why_set(m, "already_signed", "a review not signed yet (finance has signed it)");
		return false;
	}
	if (!unsalable(r)) {
		fsm_why_set(m, "finance_unsalable_only", "an unsalable exchange (finance reviews the exchange "
		    "ratio of unsalable goods only)");
		return false;
	}
	return within_limits(r, m);
}

static bool
g_special(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;

	(void)c;
	if (r->signed_mask & RMA_SIG_SPECIAL) {
		fsm_why_set(m, "already_special", "no special approval yet (it is specially approved)");
		return false;
	}
	if (!unsalable(r) || r->limits == NULL || r->limits->why == NULL) {
		fsm_why_set(m, "no_special_needed", "an unsalable exchange over its ratio or time limit "
		    "(this form is within them: no special approval needed)");
		return false;
	}
	return true;
}

#define S_AS "after-sales review (售后服务科)"
#define S_FIN "finance review (财务部)"
#define S_SALES "sales manager approval (经营部)"
#define S_QC "QC inspection (质管部)"
#define S_PRE "the signatures of: "

/*
 * The signatures of want missing from have: code "signatures", the keys
 * as arguments (aftersales, finance, sales_manager, qc) and static text.
 */
static void
missing_signatures(struct fsm_why *m, unsigned have, unsigned want)
{
	static const struct {
		unsigned bit;
		const char *key;
		const char *text;
	} sigs[] = {
		{ RMA_SIG_AFTERSALES, "aftersales", S_AS },
		{ RMA_SIG_FINANCE, "finance", S_FIN },
		{ RMA_SIG_SALES, "sales_manager", S_SALES },
		{ RMA_SIG_QC, "qc", S_QC },
	};
	static const struct {
		unsigned miss;
		const char *text;
	} texts[] = {
		{ RMA_SIG_AFTERSALES, S_PRE S_AS },
		{ RMA_SIG_FINANCE, S_PRE S_FIN },
		{ RMA_SIG_SALES, S_PRE S_SALES },
		{ RMA_SIG_QC, S_PRE S_QC },
		{ RMA_SIG_AFTERSALES | RMA_SIG_FINANCE, S_PRE S_AS ", " S_FIN },
		{ RMA_SIG_AFTERSALES | RMA_SIG_SALES, S_PRE S_AS ", " S_SALES },
		{ RMA_SIG_AFTERSALES | RMA_SIG_QC, S_PRE S_AS ", " S_QC },
		{ RMA_SIG_SALES | RMA_SIG_QC, S_PRE S_SALES ", " S_QC },
		{ RMA_SIG_AFTERSALES | RMA_SIG_SALES | RMA_SIG_QC,
		    S_PRE S_AS ", " S_SALES ", " S_QC },
	};
	unsigned miss = want & ~have;
	size_t k = 0;

	fsm_why_set(m, "signatures", "the signatures the step needs");
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].miss == miss)
			m->text = texts[i].text;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (miss & sigs[i].bit)
			m->args[k++] = sigs[i].key;
	m->args[k] = NULL;
}

static bool
g_approve(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;
	unsigned want = RMA_SIG_AFTERSALES;

	(void)c;
	if (unsalable(r))
		want |= RMA_SIG_FINANCE;
	if ((r->signed_mask & want) != want) {
		missing_signatures(m, r->signed_mask, want);
		return false;
	}
	return within_limits(r, m);
}

static bool
g_issue_transport(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;

	(void)c;
	fsm_why_set(m, "transport_issued", "no transport order yet (one is issued for this return)");
	return r->transport_id == 0;
}

static bool
g_pickup(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;

	(void)c;
	fsm_why_set(m, "transport_order_needed", "a transport order (退货运输单) issued by the after-sales head "
	    "for this return");
	return r->transport_id != 0;
}

static bool
g_qc_intact(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;

	(void)c;
	fsm_why_set(m, "qc_intact_kind", "an unsalable or not-as-described return (a quality or damage "
	    "return is judged: qc_defect or qc_refuse)");
	return unsalable(r) || strcmp(r->reason, "not_as_described") == 0;
}

static bool
g_qc_defect(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;

	(void)c;
	fsm_why_set(m, "qc_defect_kind", "a quality or transit-damage return (other goods are checked "
	    "intact: qc_intact)");
	return strcmp(r->reason, "quality") == 0 ||
	    strcmp(r->reason, "transit_damage") == 0;
}

static bool
g_receive(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct rma *r = doc;
	unsigned want = RMA_SIG_AFTERSALES | RMA_SIG_SALES | RMA_SIG_QC;

	(void)c;
	if ((r->signed_mask & want) == want)
		return true;
	missing_signatures(m, r->signed_mask, want);
	return false;
}

#define F FSM_FROM
#define OPEN F(RMA_REGISTERED) | F(RMA_SUBMITTED)
#define ARRIVING F(RMA_APPROVED) | F(RMA_PICKED_UP)

static const struct fsm_transition transitions[] = {
	{ "sign_for", F(RMA_REGISTERED), RMA_SUBMITTED,
	    { "agent", "aftersales_manager" }, NULL, "售后服务科签收" },
	{ "review_aftersales", F(RMA_SUBMITTED), -1,
	    { "agent", "aftersales_manager" }, g_review_aftersales,
	    "售后服务科评审签字" },
	{ "review_finance", F(RMA_SUBMITTED), -1, { "finance" },
	    g_review_finance, "财务部评审(调换率)" },
	{ "special_approval", F(RMA_SUBMITTED), -1, { "general_manager" },
	    g_special, "总经理特批" },
	{ "approve", F(RMA_SUBMITTED), RMA_APPROVED, { "sales_manager" },
	    g_approve, "经营部审批, 通知客户退货" },
	{ "reject", OPEN, RMA_REJECTED,
	    { "agent", "aftersales_manager", "finance", "sales_manager" }, NULL,
	    "不予调退(说明原因)" },
	{ "cancel", OPEN, RMA_CANCELLED,
	    { "customer", "agent", "aftersales_manager" }, NULL, "撤销" },
	{ "issue_transport", F(RMA_APPROVED), -1, { "aftersales_manager" },
	    g_issue_transport, "下达退货运输单" },
	{ "pickup", F(RMA_APPROVED), RMA_PICKED_UP, { "driver" }, g_pickup,
	    "驾驶员提货" },
	{ "qc_intact", ARRIVING, RMA_INSPECTED, { "qc_inspector" },
	    g_qc_intact, "质检: 原质量无损" },
	{ "qc_defect", ARRIVING, RMA_INSPECTED, { "qc_inspector" },
	    g_qc_defect, "质检: 确属产品质量问题" },
	{ "qc_refuse", ARRIVING, RMA_REFUSED, { "qc_inspector" }, NULL,
	    "质检: 客户损坏, 不予确认" },
	{ "receive", F(RMA_SUBMITTED) | ARRIVING | F(RMA_INSPECTED),
	    RMA_RECEIVED, { "warehouse" }, g_receive, "仓库入库(调换/退款)" },
	{ "record", F(RMA_RECEIVED), RMA_RECORDED, { "statistician" }, NULL,
	    "统计数量和金额" },
	{ "send_slip", F(RMA_RECORDED), RMA_CLOSED, { "clerk" }, NULL,
	    "审核并发送退货单" },
};

const struct fsm_def rma_fsm = {
	.kind = "return",
	.states = states,
	.nstates = RMA__MAX,
	.t = transitions,
	.nt = sizeof(transitions) / sizeof(transitions[0]),
};

unsigned
rma_step_bit(const char *step)
{
	static const struct {
		const char *step;
		unsigned bit;
	} bits[] = {
		{ "sign_for", RMA_SIG_SIGN_FOR },
		{ "review_aftersales", RMA_SIG_AFTERSALES },
		{ "review_finance", RMA_SIG_FINANCE },
		{ "special_approval", RMA_SIG_SPECIAL },
		{ "approve", RMA_SIG_SALES },
		{ "qc_intact", RMA_SIG_QC },
		{ "qc_defect", RMA_SIG_QC },
		{ "receive", RMA_SIG_RECEIPT },
		{ "record", RMA_SIG_RECORD },
		{ "send_slip", RMA_SIG_SLIP },
	};

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (strcmp(bits[i].step, step) == 0)
			return bits[i].bit;
	return 0;
}

bool
rma_step_checks_limits(const char *step)
{
	return strcmp(step, "review_aftersales") == 0 ||
	    strcmp(step, "review_finance") == 0 ||
	    strcmp(step, "approve") == 0;
}
