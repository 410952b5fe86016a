/*
 * api_request — service requests, their timeline, attachments, intake by
 * serial/phone/name, and the knowledge base.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/master/master.h"
#include "domain/request/request.h"
#include "domain/sla/sla.h"
#include "util/clock.h"

static struct request_caller
caller(struct req *rq)
{
	struct request_caller c = {
		.actor = req_actor(rq),
		.fsm = { rq->who.user_id, rq->who.roles, rq->who.nroles },
		.customer_id = rq->who.customer_id,
	};

	return c;
}

/* ----- requests ----- */

struct request_in {
	struct request_draft d;
};

static const struct field request_create_fields[] = {
	{ "type", F_ENUM, offsetof(struct request_in, d.type), F_REQUIRED, 0, 0,
	    0, request_types, "咨询/报修/投诉/...: consultation, repair, ..." },
	{ "channel", F_ENUM, offsetof(struct request_in, d.channel), 0, 0, 0, 0,
	    request_channels, "how it came in (default phone; web for portal)" },
	{ "severity", F_ENUM, offsetof(struct request_in, d.severity), 0, 0, 0,
	    0, request_severities, "minor (default), moderate, severe" },
	{ "customer_id", F_ID, offsetof(struct request_in, d.customer_id),
	    F_NULLABLE, 0, 0, 0, NULL, "customer (or give unit_id/serial)" },
	{ "unit_id", F_ID, offsetof(struct request_in, d.unit_id), F_NULLABLE,
	    0, 0, 0, NULL, "the sold unit" },
	{ "serial", F_TEXT, offsetof(struct request_in, d.serial), F_NULLABLE,
	    0, 64, 0, NULL, "serial number of the sold unit" },
	{ "title", F_TEXT, offsetof(struct request_in, d.title), F_REQUIRED, 1,
	    200, 0, NULL, "short summary" },
	{ "description", F_TEXT, offsetof(struct request_in, d.description),
	    F_NULLABLE, 0, 5000, 0, NULL, "fault or defect description" },
	{ "contact_name", F_TEXT, offsetof(struct request_in, d.contact_name),
	    F_NULLABLE, 0, 50, 0, NULL, "who called" },
	{ "contact_phone", F_TEXT, offsetof(struct request_in, d.contact_phone),
	    F_NULLABLE, 0, 40, 0, NULL, "their phone" },
	{ NULL },
};

/*
 * The request's SLA clocks: [{clock}], and with explain each also with the
 * explanation of its due time (policy, counted days, pauses).
 */
static enum svc_code
request_sla_json(struct req *rq, struct jw *w, const struct request *r,
    bool explain)
{
	struct sla_clock **clocks;
	enum svc_code rc;
	int64_t now = clock_now();
	size_t n;

	rc = sla_get_for(rq->db, &rq->arena, "request", r->id, &clocks, &n,
	    &rq->err);
	if (rc) {
		jw_null(w);
		return rc;
	}
	jw_arr_open(w);
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		if (explain) {
			rc = sla_explain(rq->db, &rq->arena, clocks[i]->id, now,
			    w, &rq->err);
			continue;
		}
		jw_obj_open(w);
		jw_key(w, "clock");
		sla_clock_to_json(w, clocks[i], NULL, now);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return rc;
}

static void
request_full_json(struct req *rq, struct jw *w, const struct request *r,
    bool explain, enum svc_code *rc)
{
	struct request_caller c = caller(rq);

	jw_obj_open(w);
	jw_key(w, "request");
	request_to_json(w, r);
	jw_key(w, "transitions");
	fsm_options_json(&request_fsm, w, r->state, &c.fsm, r);
	jw_key(w, "links");
	*rc = request_links_json(rq->db, w, r->id, &rq->err);
	jw_key(w, "attachments");
	if (*rc == SVC_OK)
		*rc = request_attachments_json(rq->db, w, r->id, &rq->err);
	jw_key(w, "sla");
	if (*rc == SVC_OK)
		*rc = request_sla_json(rq, w, r, explain);
	else
		jw_null(w);
	jw_obj_close(w);
}

/* POST /api/v1/requests {type, title, customer_id | unit_id | serial, ...} */
static enum svc_code
request_create_h(struct req *rq, struct resp *rs)
{
	struct request_in in = { { .channel = "phone", .severity = "minor" } };
	struct request_caller c = caller(rq);
	struct request *r;
	enum svc_code rc;
	struct jw w;

	if (c.customer_id != 0)
		in.d.channel = "web";
	rc = decode_json(rq, request_create_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = request_create(rq->db, &rq->arena, &c, &in.d, &r, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/requests/%lld", (long long)r->id));
	resp_json(rs, 201, &w);
	request_full_json(rq, &w, r, false, &rc);
	return rc;
}

static const char *const request_get_query[] = { "explain", NULL };

/* GET /api/v1/requests/{id}[?explain=true] */
static enum svc_code
request_get_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct request *r;
	enum svc_code rc;
	struct jw w;
	int64_t id;
	bool explain;

	rc = query_allow(rq, request_get_query);
	if (rc == SVC_OK)
		rc = query_bool(rq, "explain", &explain);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = request_get(rq->db, &rq->arena, &c, id, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	request_full_json(rq, &w, r, explain, &rc);
	return rc;
}

static const char *const request_list_query[] = { "limit", "cursor",
	"state", "open", "type", "severity", "customer_id", "unit_id", "owner_id",
	"assignee_id", "department_id", "from", "to", "sort", "total", NULL };

static const char *const request_sorts[] = { "newest", "due", NULL };

/*
 * The cursor of a page: "id.<id>" (newest first, or sort=due past the
 * requests with a running clock) or "due.<due_at>.<id>".
 */
static enum svc_code
request_cursor_parse(struct req *rq, enum request_sort sort,
    struct request_cursor *cur)
{
	const char *c = req_query(rq, "cursor"), *dot;

	cur->id = cur->due_at = 0;
	if (c == NULL || c[0] == '\0')
		return SVC_OK;
	if (strncmp(c, "id.", 3) == 0 &&
	    str_to_i64(c + 3, strlen(c + 3), 1, INT64_MAX, &cur->id))
		return SVC_OK;
	dot = sort == RQ_SORT_DUE && strncmp(c, "due.", 4) == 0 ?
	    strchr(c + 4, '.') : NULL;
	if (dot != NULL && str_to_i64(c + 4, (size_t)(dot - c - 4), 1,
	    INT64_MAX, &cur->due_at) && str_to_i64(dot + 1, strlen(dot + 1),
	    1, INT64_MAX, &cur->id))
		return SVC_OK;
	cur->id = cur->due_at = 0;
	return svc_fail_field(&rq->err, SVC_EINVAL, "cursor", "invalid",
	    "'cursor' is not a cursor this server gave out");
}

/*
 * GET /api/v1/requests?state=&type=&...&assignee_id=me&sort=due&total=true
 */
static enum svc_code
request_list_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct request_filter f;
	struct request_cursor cur;
	struct request **items;
	enum request_sort sort = RQ_SORT_NEWEST;
	const char *sort_name;
	enum svc_code rc;
	struct jw w;
	int64_t lim, total = 0;
	size_t n;
	bool more, open, want_total;

	memset(&f, 0, sizeof(f));
	rc = query_allow(rq, request_list_query);
	if (rc == SVC_OK)
		rc = query_i64(rq, "limit", 1, 200, 25, &lim);
	if (rc == SVC_OK)
		rc = query_enum(rq, "sort", request_sorts, &sort_name);
	if (rc == SVC_OK && sort_name != NULL && strcmp(sort_name, "due") == 0)
		sort = RQ_SORT_DUE;
	if (rc == SVC_OK)
		rc = request_cursor_parse(rq, sort, &cur);
	if (rc == SVC_OK)
		rc = query_bool(rq, "total", &want_total);
	if (rc == SVC_OK)
		rc = query_enum_mask(rq, "state", request_fsm.states,
		    request_fsm.nstates, &f.states);
	if (rc == SVC_OK)
		rc = query_bool(rq, "open", &open);
	if (rc == SVC_OK && open) {
		unsigned ended = (1u << RQ_CLOSED) | (1u << RQ_CANCELLED);

		f.states = (f.states ? f.states : (1u << RQ__MAX) - 1) & ~ended;
		if (f.states == 0)
			return svc_fail_field(&rq->err, SVC_EINVAL, "state",
			    "not_open", "open=true with only ended states "
			    "matches nothing");
	}
	if (rc == SVC_OK)
		rc = query_enum(rq, "type", request_types, &f.type);
	if (rc == SVC_OK)
		rc = query_enum(rq, "severity", request_severities, &f.severity);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0, &f.customer_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "unit_id", 1, INT64_MAX, 0, &f.unit_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "department_id", 1, INT64_MAX, 0,
		    &f.department_id);
	if (rc == SVC_OK)
		rc = query_id_or_me(rq, "owner_id", &f.owner_id);
	if (rc == SVC_OK)
		rc = query_id_or_me(rq, "assignee_id", &f.assignee_id);
	if (rc == SVC_OK)
		rc = query_time(rq, "from", &f.from);
	if (rc == SVC_OK)
		rc = query_time(rq, "to", &f.to);
	if (rc == SVC_OK)
		rc = request_list_page(rq->db, &rq->arena, &c, &f, sort, &cur,
		    (int)lim, &items, &n, &more, want_total ? &total : NULL,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		request_row_to_json(&w, items[i]);
	jw_arr_close(&w);
	if (want_total)
		jw_ki64(&w, "total", total);
	jw_key(&w, "next_cursor");
	if (!more || n == 0) {
		jw_null(&w);
	} else {
		const struct request *last = items[n - 1];
		char tmp[64];

		if (last->sort_due_at != 0)
			snprintf(tmp, sizeof(tmp), "due.%lld.%lld",
			    (long long)last->sort_due_at, (long long)last->id);
		else
			snprintf(tmp, sizeof(tmp), "id.%lld",
			    (long long)last->id);
		jw_str(&w, tmp);
	}
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/requests/{id}/events */
static enum svc_code
request_events_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct request *r;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = request_get(rq->db, &rq->arena, &c, id, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	rc = request_events_json(rq->db, &w, &c, id, &rq->err);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return rc;
}

/* GET /api/v1/requests/{id}/assignees */
static enum svc_code
request_assignees_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct request *r;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = request_get(rq->db, &rq->arena, &c, id, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_kid(&w, "department_id", r->department_id);
	jw_key(&w, "items");
	if (c.customer_id != 0) {	/* staff are not shown to customers */
		jw_arr_open(&w);
		jw_arr_close(&w);
	} else {
		rc = request_assignees_json(rq->db, &w, &rq->err);
	}
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

/* POST /api/v1/requests/{id}/events {kind, body} */
static enum svc_code
request_event_add_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct event_in in = { 0 };
	enum svc_code rc;
	struct jw w;
	int64_t id, eid = 0;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, event_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = request_add_event(rq->db, &rq->arena, &c, id, in.kind,
		    in.body, &eid, &rq->err);
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
	struct request_step s;
};

static const struct field step_fields[] = {
	{ "version", F_I64, offsetof(struct step_in, version), 0, 1, INT64_MAX,
	    0, NULL, "the version you read (or If-Match)" },
	{ "department_id", F_ID, offsetof(struct step_in, s.department_id),
	    F_NULLABLE, 0, 0, 0, NULL, "dispatch: the department" },
	{ "assignee_id", F_ID, offsetof(struct step_in, s.assignee_id),
	    F_NULLABLE, 0, 0, 0, NULL, "assign: the person" },
	{ "resolution", F_TEXT, offsetof(struct step_in, s.resolution),
	    F_NULLABLE, 0, 5000, 0, NULL, "resolve: what was done" },
	{ "reason", F_TEXT, offsetof(struct step_in, s.reason), F_NULLABLE, 0,
	    500, 0, NULL, "wait: waiting_customer|waiting_parts; cancel: why" },
	{ "note", F_TEXT, offsetof(struct step_in, s.note), F_NULLABLE, 0, 2000,
	    0, NULL, "a note for the timeline" },
	{ NULL },
};

/* POST /api/v1/requests/{id}/transitions/{name} {version, ...} */
static enum svc_code
request_transition_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct step_in in;
	struct request *r;
	enum svc_code rc;
	struct jw w;
	int64_t id, version;

	memset(&in, 0, sizeof(in));
	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, step_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = request_transition(rq->db, &rq->arena, &c, id, version,
		    rq->params[1], &in.s, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	request_full_json(rq, &w, r, false, &rc);
	return rc;
}

struct handover_in {
	int64_t version;
	int64_t to;
	const char *note;
};

static const struct field handover_fields[] = {
	{ "version", F_I64, offsetof(struct handover_in, version), 0, 1,
	    INT64_MAX, 0, NULL, "the version you read (or If-Match)" },
	{ "to_user_id", F_ID, offsetof(struct handover_in, to), F_REQUIRED, 0,
	    0, 0, NULL, "the new owner" },
	{ "note", F_TEXT, offsetof(struct handover_in, note), F_NULLABLE, 0,
	    2000, 0, NULL, "why" },
	{ NULL },
};

/* POST /api/v1/requests/{id}/handover {version, to_user_id, note} */
static enum svc_code
request_handover_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct handover_in in = { 0 };
	struct request *r;
	enum svc_code rc;
	struct jw w;
	int64_t id, version;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, handover_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = request_handover(rq->db, &rq->arena, &c, id, version, in.to,
		    in.note, &r, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	request_full_json(rq, &w, r, false, &rc);
	return rc;
}

static const char *const attach_query[] = { "filename", NULL };

/* POST /api/v1/requests/{id}/attachments?filename=x.jpg  (raw body) */
static enum svc_code
request_attach_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	const char *ct = req_header(rq, "Content-Type");
	char type[64];
	enum svc_code rc;
	struct jw w;
	int64_t id, aid = 0;
	size_t k = 0;

	rc = query_allow(rq, attach_query);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	/* "image/jpeg; charset=..." -> "image/jpeg" */
	for (; ct != NULL && ct[k] != '\0' && ct[k] != ';' && ct[k] != ' ' &&
	    k + 1 < sizeof(type); k++)
		type[k] = ct[k];
	type[k] = '\0';
	rc = request_attach(rq->db, &rq->arena, &c, id,
	    req_query(rq, "filename"), type, rq->body.p, rq->body.len, &aid,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 201, &w);
	jw_obj_open(&w);
	jw_ki64(&w, "id", aid);
	jw_ki64(&w, "size", (int64_t)rq->body.len);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/attachments/{id}: the bytes */
static enum svc_code
attachment_get_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	const char *type = NULL;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	buf_reset(&rs->body);
	rc = request_attachment_read(rq->db, &c, id, &rq->arena, &type,
	    &rs->body, &rq->err);
	if (rc)
		return rc;
	rs->status = 200;
	rs->content_type = type;
	resp_header(rs, "Content-Disposition", "inline");
	return SVC_OK;
}

/* ----- attachment quotas ----- */

/* masks: 1 << the setting's index in attach_settings_group */
static const struct field quota_fields[] = {
	{ "max_per_document", F_I64, offsetof(struct attach_settings,
	    max_per_document), 0, 1, ATTACH_MAX_COUNT, 1 << 0, NULL,
	    "files on one request (default 20)" },
	{ "max_bytes_per_document", F_I64, offsetof(struct attach_settings,
	    max_bytes_per_document), 0, 1, ATTACH_MAX_BYTES, 1 << 1, NULL,
	    "bytes of the files on one request (default 52428800 = 50 MiB)" },
	{ "max_bytes_per_customer", F_I64, offsetof(struct attach_settings,
	    max_bytes_per_customer), 0, 1, ATTACH_MAX_BYTES, 1 << 2, NULL,
	    "bytes of every attachment of one customer (default 1073741824 = "
	    "1 GiB)" },
	{ "version", F_I64, offsetof(struct attach_settings, version), 0, 1,
	    INT64_MAX, 0, NULL, "the version you read (or If-Match)" },
	{ NULL },
};

/* GET /api/v1/attachments/settings */
static enum svc_code
quota_get_h(struct req *rq, struct resp *rs)
{
	return api_settings_get(rq, rs, &attach_settings_group);
}

/* PUT /api/v1/attachments/settings {version, max_per_document?, ...} */
static enum svc_code
quota_put_h(struct req *rq, struct resp *rs)
{
	return api_settings_put(rq, rs, &attach_settings_group, quota_fields);
}

/* ----- intake: by serial, phone or customer name ----- */

static const char *const intake_query[] = { "serial", "phone", "customer",
	NULL };

/* GET /api/v1/intake?serial=…|phone=…|customer=… */
static enum svc_code
intake_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = caller(rq);
	struct request_intake_key k = {
		.serial = req_query(rq, "serial"),
		.phone = req_query(rq, "phone"),
		.customer = req_query(rq, "customer"),
	};
	enum svc_code rc;
	struct jw w;
	int64_t unit_id, cust;

	rc = query_allow(rq, intake_query);
	if (rc)
		return rc;
	if ((k.serial && strlen(k.serial) > 64) ||
	    (k.phone && strlen(k.phone) > 40) ||
	    (k.customer && strlen(k.customer) > 100))
		return svc_fail(&rq->err, SVC_EINVAL, "serial",
		    "the search value is too long");
	rc = request_intake_find(rq->db, &c, &k, &unit_id, &cust, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	return request_intake_json(rq->db, &rq->arena, &c, unit_id, cust, &w,
	    &rq->err);
}

/* ----- knowledge base ----- */

struct kb_in {
	struct kb_article k;
	int64_t version;
};

static const struct field kb_fields[] = {
	{ "kind", F_ENUM, offsetof(struct kb_in, k.kind), F_REQUIRED, 0, 0, 0,
	    kb_kinds, "fault_solution, complaint_guide or case" },
	{ "title", F_TEXT, offsetof(struct kb_in, k.title), F_REQUIRED, 1, 200,
	    0, NULL, "title" },
	{ "body", F_TEXT, offsetof(struct kb_in, k.body), F_REQUIRED, 1, 20000,
	    0, NULL, "the solution or guide" },
	{ "model_id", F_ID, offsetof(struct kb_in, k.model_id), F_NULLABLE, 0,
	    0, 0, NULL, "product model (none: every model)" },
	{ "category", F_TEXT, offsetof(struct kb_in, k.category), F_NULLABLE, 0,
	    50, 0, NULL, "fault or complaint category" },
	{ "active", F_BOOL, offsetof(struct kb_in, k.active), 0, 0, 0, 0, NULL,
	    "false hides it from suggestions" },
	{ "version", F_I64, offsetof(struct kb_in, version), 0, 1, INT64_MAX, 0,
	    NULL, "updates: the version you read" },
	{ NULL },
};

static enum svc_code
kb_respond(struct resp *rs, int status, const struct kb_article *k)
{
	struct jw w;

	resp_json(rs, status, &w);
	kb_to_json(&w, k);
	return SVC_OK;
}

/* POST /api/v1/kb/articles */
static enum svc_code
kb_create_h(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct kb_in in = { .k.active = true };
	struct kb_article *k;
	enum svc_code rc;

	rc = decode_json(rq, kb_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = kb_create(rq->db, &rq->arena, &who, &in.k, &k, &rq->err);
	if (rc)
		return rc;
	return kb_respond(rs, 201, k);
}

/* PUT /api/v1/kb/articles/{id} (the whole article, with version) */
static enum svc_code
kb_update_h(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct kb_in in = { .k.active = true };
	struct kb_article *k;
	enum svc_code rc;
	int64_t id, version;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, kb_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = kb_update(rq->db, &rq->arena, &who, id, version, &in.k, &k,
		    &rq->err);
	if (rc)
		return rc;
	return kb_respond(rs, 200, k);
}

/* GET /api/v1/kb/articles/{id} */
static enum svc_code
kb_get_h(struct req *rq, struct resp *rs)
{
	struct kb_article *k;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = kb_get(rq->db, &rq->arena, id, &k, &rq->err);
	if (rc)
		return rc;
	return kb_respond(rs, 200, k);
}

static const char *const kb_list_query[] = { "limit", "cursor", "model_id",
	"category", NULL };
static const char *const kb_suggest_query[] = { "model_id", "category",
	"text", "limit", NULL };

static void
kb_items(struct jw *w, struct kb_article **items, size_t n)
{
	jw_key(w, "items");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		kb_to_json(w, items[i]);
	jw_arr_close(w);
}

/* GET /api/v1/kb/articles?model_id=&category= */
static enum svc_code
kb_list_h(struct req *rq, struct resp *rs)
{
	struct kb_article **items;
	const char *cat = req_query(rq, "category");
	enum svc_code rc;
	struct jw w;
	int64_t after, model;
	int limit;
	size_t n;
	bool more;

	rc = query_allow(rq, kb_list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc == SVC_OK)
		rc = query_i64(rq, "model_id", 1, INT64_MAX, 0, &model);
	if (rc == SVC_OK && cat != NULL && strlen(cat) > 50)
		rc = svc_fail_field(&rq->err, SVC_EINVAL, "category", "too_long",
		    "'category' is at most 50 bytes");
	if (rc == SVC_OK)
		rc = kb_list(rq->db, &rq->arena, model, cat, after, limit, &items,
		    &n, &more, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	kb_items(&w, items, n);
	list_next_cursor(&w, more, n ? items[n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/kb/suggest?model_id=&category=&text= */
static enum svc_code
kb_suggest_h(struct req *rq, struct resp *rs)
{
	struct kb_article **items;
	const char *cat = req_query(rq, "category");
	const char *text = req_query(rq, "text");
	enum svc_code rc;
	struct jw w;
	int64_t model, limit;
	size_t n;

	rc = query_allow(rq, kb_suggest_query);
	if (rc == SVC_OK)
		rc = query_i64(rq, "model_id", 1, INT64_MAX, 0, &model);
	if (rc == SVC_OK)
		rc = query_i64(rq, "limit", 1, 20, 5, &limit);
	if (rc == SVC_OK && ((cat != NULL && strlen(cat) > 50) ||
	    (text != NULL && (strlen(text) > 2000 ||
	    !utf8_valid(text, strlen(text))))))
		rc = svc_fail_field(&rq->err, SVC_EINVAL, text ? "text" :
		    "category", "invalid", "text or category too long or not "
		    "UTF-8");
	if (rc == SVC_OK)
		rc = kb_suggest(rq->db, &rq->arena, model, cat, text, (int)limit,
		    &items, &n, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	kb_items(&w, items, n);
	jw_obj_close(&w);
	return SVC_OK;
}

/* The service requests list as a file (?format=csv|xlsx). */
static const struct tcol request_cols[] = {
	{ "number", "工单号", "Number", COL_TEXT },
	{ "type", "类型", "Type", COL_TEXT },
	{ "channel", "渠道", "Channel", COL_TEXT },
	{ "severity", "紧急程度", "Severity", COL_TEXT },
	{ "state", "状态", "State", COL_TEXT },
	{ "customer_name", "客户", "Customer", COL_TEXT },
	{ "contact_name", "联系人", "Contact", COL_TEXT },
	{ "contact_phone", "联系电话", "Phone", COL_TEXT },
	{ "serial", "序列号", "Serial", COL_TEXT },
	{ "title", "标题", "Title", COL_TEXT },
	{ "description", "问题描述", "Description", COL_TEXT },
	{ "in_warranty", "保内", "In warranty", COL_BOOL },
	{ "assignee_name", "处理人", "Assignee", COL_TEXT },
	{ "resolution", "处理结果", "Resolution", COL_TEXT },
	{ "reopen_count", "重开次数", "Reopened", COL_INT },
	{ "created_at", "受理时间", "Created", COL_TIME },
	{ "due_at", "时限", "Due", COL_TIME },
	{ "due_breached", "已超时", "Breached", COL_BOOL },
	{ "closed_at", "关闭时间", "Closed", COL_TIME },
};

static const struct export_cols request_export = {
	request_cols, sizeof(request_cols) / sizeof(request_cols[0]),
	"requests", "服务工单", "Service requests",
};

/* The articles list as a file. */
static const struct tcol kb_cols[] = {
	{ "id", "编号", "ID", COL_INT },
	{ "kind", "类别", "Kind", COL_TEXT },
	{ "title", "标题", "Title", COL_TEXT },
	{ "category", "分类", "Category", COL_TEXT },
	{ "body", "内容", "Body", COL_TEXT },
	{ "active", "启用", "Active", COL_BOOL },
	{ "updated_at", "修改时间", "Updated", COL_TIME },
};

static const struct export_cols kb_export = {
	kb_cols, sizeof(kb_cols) / sizeof(kb_cols[0]), "kb-articles",
	"知识库", "Knowledge base",
};

#define J R_JSON
#define W R_WRITE

const struct route request_routes[] = {
	{ HTTP_GET, "/api/v1/requests", request_list_h, NULL, "request.read",
	    0, "requests", "list service requests (newest first, or sort=due:"
	    " the SLA clock due soonest first; total=true: with the count)",
	    NULL,
	    request_list_query,
	    .export = &request_export },
	{ HTTP_POST, "/api/v1/requests", request_create_h, NULL,
	    "request.create", W | J | R_IDEMPOTENT, "requests",
	    "record a service request", request_create_fields, NULL },
	{ HTTP_GET, "/api/v1/requests/{id}", request_get_h, NULL,
	    "request.read", 0, "requests",
	    "one request with its allowed transitions, links, attachments and "
	    "SLA clocks (explain=true: each with the explanation of its due "
	    "time)", NULL, request_get_query },
	{ HTTP_GET, "/api/v1/requests/{id}/events", request_events_h, NULL,
	    "request.read", 0, "requests", "the timeline", NULL, NULL },
	{ HTTP_POST, "/api/v1/requests/{id}/events", request_event_add_h, NULL,
	    "request.work", W | J, "requests",
	    "add an internal note or a reply to the customer", event_fields,
	    NULL },
	{ HTTP_GET, "/api/v1/requests/{id}/assignees", request_assignees_h,
	    NULL, "request.dispatch", 0, "requests", "the people it may be "
	    "assigned to, by department, with their open requests (one of "
	    "another department moves the dispatch there)", NULL, NULL },
	{ HTTP_POST, "/api/v1/requests/{id}/transitions/{name}",
	    request_transition_h, NULL, "request.work", W | J, "requests",
	    "take a step of the state machine (dispatch, assign, start, wait, "
	    "resume, resolve, confirm, close, reopen, cancel)", step_fields,
	    NULL },
	{ HTTP_POST, "/api/v1/requests/{id}/handover", request_handover_h,
	    NULL, "request.work", W | J, "requests",
	    "hand the request over to another owner (首问负责制)",
	    handover_fields, NULL },
	{ HTTP_POST, "/api/v1/requests/{id}/attachments", request_attach_h,
	    NULL, "request.work", W | R_RAW, "requests",
	    "attach a photo or scan (raw body, up to 10 MiB; within the "
	    "quotas of /attachments/settings)", NULL,
	    attach_query, (10u << 20) },
	{ HTTP_GET, "/api/v1/attachments/settings", quota_get_h, NULL,
	    "settings.read", 0, "requests", "the attachment quotas: files and "
	    "bytes per request, bytes per customer", NULL, NULL },
	{ HTTP_PUT, "/api/v1/attachments/settings", quota_put_h, NULL,
	    "settings.manage", W | J, "requests", "change the attachment "
	    "quotas (with version)", quota_fields, NULL },
	{ HTTP_GET, "/api/v1/attachments/{id}", attachment_get_h, NULL,
	    "request.read", 0, "requests", "download an attachment", NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/intake", intake_h, NULL, "request.read", 0,
	    "requests", "serial-first intake: the unit, its customer, the "
	    "warranty verdict and its rule, the customer's contacts and "
	    "sold units, open and past requests", NULL,
	    intake_query },
	{ HTTP_GET, "/api/v1/kb/articles", kb_list_h, NULL, "kb.read", 0, "kb",
	    "list knowledge-base articles", NULL, kb_list_query,
	    .export = &kb_export },
	{ HTTP_POST, "/api/v1/kb/articles", kb_create_h, NULL, "kb.manage",
	    W | J | R_IDEMPOTENT, "kb", "write an article", kb_fields, NULL },
	{ HTTP_GET, "/api/v1/kb/articles/{id}", kb_get_h, NULL, "kb.read", 0,
	    "kb", "one article", NULL, NULL },
	{ HTTP_PUT, "/api/v1/kb/articles/{id}", kb_update_h, NULL, "kb.manage",
	    W | J, "kb", "replace an article (with version)", kb_fields, NULL },
	{ HTTP_GET, "/api/v1/kb/suggest", kb_suggest_h, NULL, "kb.read", 0,
	    "kb", "articles to suggest while a request is recorded", NULL,
	    kb_suggest_query },
};

const size_t request_nroutes = sizeof(request_routes) /
    sizeof(request_routes[0]);
