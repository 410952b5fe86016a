/*
 * request_state — the service request's state machine (SPEC §4.1, §5.2).
 *
 *   new -> dispatched (to a department) -> assigned (to a person)
 *       -> in_progress (arrived / working) <-> waiting (customer, parts)
 *       -> resolved (a resolution) -> closed (repairs: customer confirmed)
 *   closed/resolved -> reopened -> dispatched/assigned/... again
 *   new/dispatched/assigned/reopened -> cancelled (with a reason)
 * A consultation may be resolved at once from new.
 */
#include <string.h>

#include "domain/request/request.h"

static const char *const states[RQ__MAX] = {
	[RQ_NEW] = "new", [RQ_DISPATCHED] = "dispatched",
	[RQ_ASSIGNED] = "assigned", [RQ_IN_PROGRESS] = "in_progress",
	[RQ_WAITING] = "waiting", [RQ_RESOLVED] = "resolved",
	[RQ_CLOSED] = "closed", [RQ_CANCELLED] = "cancelled",
	[RQ_REOPENED] = "reopened",
};

const char *const request_types[] = { "consultation", "repair", "complaint",
	"return", "installation", "maintenance", "guidance", "suggestion",
	"appointment", "feedback", NULL };
const char *const request_channels[] = { "phone", "fax", "email", "web",
	"walk_in", "dealer", NULL };
const char *const request_severities[] = { "minor", "moderate", "severe",
	NULL };

static bool
is_staff_manager(const struct fsm_caller *c)
{
	for (size_t i = 0; i < c->nroles; i++)
		if (strcmp(c->roles[i], "aftersales_manager") == 0 ||
		    strcmp(c->roles[i], "business_unit_lead") == 0 ||
		    strcmp(c->roles[i], "admin") == 0)
			return true;
	return false;
}

static bool
g_department(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct request *r = doc;

	(void)c;
	fsm_why_set(m, "dispatch_first", "the request is dispatched to a department first");
	return r->department_id != 0;
}

static bool
g_assignee_or_manager(const void *doc, const struct fsm_caller *c,
    struct fsm_why *m)
{
	const struct request *r = doc;

	fsm_why_set(m, "assignee_or_manager", "you are the assigned person (or a manager)");
	return r->assignee_id == c->user_id || is_staff_manager(c);
}

/*
 * resolve: a consultation by anyone who works requests, from any state the
 * step runs from; any other type not from new, and only by its assignee or
 * a manager.  The resolution is checked last: the UI takes that refusal as
 * one the step's own input satisfies.
 */
static bool
g_resolve(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct request *r = doc;

	if (strcmp(r->type, "consultation") != 0) {
		if (r->state == RQ_NEW) {
			fsm_why_set(m, "consultation_only", "only a "
			    "consultation is resolved from new: dispatch and "
			    "assign the request first");
			return false;
		}
		if (!g_assignee_or_manager(doc, c, m))
			return false;
	}
	fsm_why_set(m, "resolution_needed", "a resolution is recorded");
	return r->resolution != NULL && r->resolution[0] != '\0';
}

static bool
g_close(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct request *r = doc;

	(void)c;
	fsm_why_set(m, "customer_confirmation_needed", "the customer's confirmation of the repair");
	return strcmp(r->type, "repair") != 0 || r->customer_confirmed_at != 0;
}

static bool
g_not_confirmed(const void *doc, const struct fsm_caller *c, struct fsm_why *m)
{
	const struct request *r = doc;

	(void)c;
	fsm_why_set(m, "already_confirmed", "the customer has not confirmed yet");
	return r->customer_confirmed_at == 0;
}

#define F FSM_FROM
#define STAFF_WORK "agent", "aftersales_manager", "technician", \
	"business_unit_lead", "qc_inspector", "admin"

static const struct fsm_transition transitions[] = {
	{ "dispatch", F(RQ_NEW) | F(RQ_DISPATCHED) | F(RQ_ASSIGNED) |
	    F(RQ_IN_PROGRESS) | F(RQ_WAITING) | F(RQ_REOPENED), RQ_DISPATCHED,
	    { "aftersales_manager", "agent", "business_unit_lead", "admin" },
	    NULL, "派工到部门" },
	{ "assign", F(RQ_NEW) | F(RQ_DISPATCHED) | F(RQ_ASSIGNED) |
	    F(RQ_IN_PROGRESS) | F(RQ_WAITING) | F(RQ_REOPENED), RQ_ASSIGNED,
	    { "aftersales_manager", "business_unit_lead", "admin" },
	    g_department, "指派人员" },
	{ "start", F(RQ_ASSIGNED), RQ_IN_PROGRESS,
	    { STAFF_WORK }, g_assignee_or_manager, "到达/开始处理" },
	{ "wait", F(RQ_IN_PROGRESS), RQ_WAITING, { STAFF_WORK }, NULL,
	    "等待(客户/备件)" },
	{ "resume", F(RQ_WAITING), RQ_IN_PROGRESS, { STAFF_WORK }, NULL,
	    "恢复处理" },
	{ "resolve", F(RQ_NEW) | F(RQ_DISPATCHED) | F(RQ_ASSIGNED) |
	    F(RQ_IN_PROGRESS) | F(RQ_REOPENED), RQ_RESOLVED, { STAFF_WORK },
	    g_resolve, "解决" },
	{ "confirm", F(RQ_RESOLVED), -1,
	    { "customer", "agent", "aftersales_manager", "admin" },
	    g_not_confirmed, "客户确认" },
	{ "close", F(RQ_RESOLVED), RQ_CLOSED,
	    { "agent", "aftersales_manager", "admin" }, g_close, "关闭" },
	{ "reopen", F(RQ_RESOLVED) | F(RQ_CLOSED), RQ_REOPENED,
	    { "agent", "aftersales_manager", "customer", "admin" }, NULL,
	    "重新打开" },
	{ "cancel", F(RQ_NEW) | F(RQ_DISPATCHED) | F(RQ_ASSIGNED) |
	    F(RQ_REOPENED), RQ_CANCELLED, { "aftersales_manager", "admin" },
	    NULL, "取消" },
};

const struct fsm_def request_fsm = {
	.kind = "request",
	.states = states,
	.nstates = RQ__MAX,
	.t = transitions,
	.nt = sizeof(transitions) / sizeof(transitions[0]),
};
