/*
 * request — service requests: intake, ownership, dispatch, timeline,
 * attachments, links.  Every change runs inside one store_write() callback
 * and audits itself with the record before and after.
 */
#include "domain/request/request.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/core/text.h"
#include "domain/master/master.h"
#include "domain/search/search.h"
#include "domain/sla/sla.h"
#include "util/clock.h"
#include "util/text.h"

#define RQ_SEL "r.id, r.number, r.type, r.channel, r.severity, r.state," \
	" r.customer_id, c.name, r.contact_name, r.contact_phone, r.unit_id," \
	" r.serial, r.title, r.description, r.in_warranty, r.warranty_rule," \
	" r.owner_id, r.department_id, r.assignee_id, r.resolution," \
	" r.customer_confirmed_at, r.wait_reason, r.reopen_count, r.created_by," \
	" r.closed_at, r.version, r.created_at, r.updated_at"
#define RQ_COLS RQ_SEL \
	" FROM service_requests r JOIN customers c ON c.id = r.customer_id"

/* Interned enum values, so the struct points at static strings. */
static const char *
intern(const char *const *set, const char *s)
{
	for (size_t i = 0; set[i] != NULL; i++)
		if (strcmp(set[i], s) == 0)
			return set[i];
	return "?";
}

static void
row_to_request(struct dbq *q, struct arena *a, struct request *r)
{
	r->id = db_i64(q, 0);
	r->number = db_dup(q, 1, a);
	r->type = intern(request_types, db_str(q, 2));
	r->channel = intern(request_channels, db_str(q, 3));
	r->severity = intern(request_severities, db_str(q, 4));
	r->state = fsm_state_by_name(&request_fsm, db_str(q, 5));
	r->customer_id = db_i64(q, 6);
	r->customer_name = db_dup(q, 7, a);
	r->contact_name = db_dup(q, 8, a);
	r->contact_phone = db_dup(q, 9, a);
	r->unit_id = db_i64(q, 10);
	r->serial = db_dup(q, 11, a);
	r->title = db_dup(q, 12, a);
	r->description = db_dup(q, 13, a);
	r->in_warranty = db_null(q, 14) ? -1 : (int)db_i64(q, 14);
	r->warranty_rule = db_dup(q, 15, a);
	r->owner_id = db_i64(q, 16);
	r->department_id = db_i64(q, 17);
	r->assignee_id = db_i64(q, 18);
	r->resolution = db_dup(q, 19, a);
	r->customer_confirmed_at = db_i64(q, 20);
	r->wait_reason = db_dup(q, 21, a);
	r->reopen_count = (int)db_i64(q, 22);
	r->created_by = db_i64(q, 23);
	r->closed_at = db_i64(q, 24);
	r->version = db_i64(q, 25);
	r->created_at = db_i64(q, 26);
	r->updated_at = db_i64(q, 27);
}

/* Load without the isolation check (internal). */
static enum svc_code
load(struct db *db, struct arena *a, int64_t id, struct request **out,
    struct svc_err *err)
{
	struct request *r;
	struct dbq *q;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT " RQ_COLS " WHERE r.id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	r = arena_alloc(a, sizeof(*r));
	if (got == 1 && r != NULL)
		row_to_request(q, a, r);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1 || r == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "id", "request %lld not found",
		    (long long)id);
	*out = r;
	return SVC_OK;
}

enum svc_code
request_get(struct db *db, struct arena *a, const struct request_caller *c,
    int64_t id, struct request **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = load(db, a, id, out, err);
	if (rc == SVC_OK && c->customer_id != 0 &&
	    (*out)->customer_id != c->customer_id)
		return svc_fail(err, SVC_ENOTFOUND, "id", "request %lld not found",
		    (long long)id);
	return rc;
}

static void
request_fields_json(struct jw *w, const struct request *r)
{
	jw_ki64(w, "id", r->id);
	jw_kstr(w, "number", r->number);
	jw_kstr(w, "type", r->type);
	jw_kstr(w, "channel", r->channel);
	jw_kstr(w, "severity", r->severity);
	jw_kstr(w, "state", fsm_state_name(&request_fsm, r->state));
	jw_ki64(w, "customer_id", r->customer_id);
	jw_kstr(w, "customer_name", r->customer_name);
	jw_kstr(w, "contact_name", r->contact_name);
	jw_kstr(w, "contact_phone", r->contact_phone);
	jw_kid(w, "unit_id", r->unit_id);
	jw_kstr(w, "serial", r->serial);
	jw_kstr(w, "title", r->title);
	jw_kstr(w, "description", r->description);
	jw_key(w, "in_warranty");
	if (r->in_warranty < 0)
		jw_null(w);
	else
		jw_bool(w, r->in_warranty == 1);
	jw_kstr(w, "warranty_rule", r->warranty_rule);
	jw_ki64(w, "owner_id", r->owner_id);
	jw_kid(w, "department_id", r->department_id);
	jw_kid(w, "assignee_id", r->assignee_id);
	jw_kstr(w, "resolution", r->resolution);
	jw_ktime(w, "customer_confirmed_at", r->customer_confirmed_at);
	jw_kstr(w, "wait_reason", r->wait_reason);
	jw_ki64(w, "reopen_count", r->reopen_count);
	jw_ktime(w, "closed_at", r->closed_at);
	jw_ki64(w, "version", r->version);
	jw_ktime(w, "created_at", r->created_at);
	jw_ktime(w, "updated_at", r->updated_at);
}

void
request_to_json(struct jw *w, const struct request *r)
{
	jw_obj_open(w);
	request_fields_json(w, r);
	jw_obj_close(w);
}

void
request_row_to_json(struct jw *w, const struct request *r)
{
	const struct sla_next *d = &r->due;
	bool running = d->metric != NULL && d->state == SLA_RUNNING;

	jw_obj_open(w);
	request_fields_json(w, r);
	jw_kstr(w, "assignee_name", r->assignee_name);
	jw_kstr(w, "due_metric", d->metric);
	jw_key(w, "due_state");
	if (d->metric == NULL)
		jw_null(w);
	else
		jw_str(w, running ? "running" : "paused");
	jw_ktime(w, "due_at", running ? d->due_at : 0);
	jw_ktime(w, "due_warn_at", running ? d->warn_at : 0);
	jw_key(w, "due_remaining_min");
	if (d->metric == NULL)
		jw_null(w);
	else
		jw_i64(w, d->remaining_min);
	jw_key(w, "due_overdue_min");
	if (!running)
		jw_null(w);
	else
		jw_i64(w, d->overdue_min);
	jw_kbool(w, "due_breached", running && d->overdue_min > 0);
	jw_obj_close(w);
}

char *
request_json_text(struct arena *a, const struct request *r)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	request_to_json(&w, r);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

static enum svc_code
add_event(struct db *db, int64_t request_id, int64_t user_id,
    const char *kind, bool for_customer, const char *body, const char *data,
    int64_t *id, struct svc_err *err)
{
	int64_t eid;
	enum svc_code rc;

	rc = db_one_i64(db, "INSERT INTO request_events (request_id, at,"
	    " user_id, kind, visibility, body, data)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    DB_ARGS(DB_I(request_id), DB_I(clock_now()), DB_ID(user_id),
	    DB_S(kind), DB_S(for_customer ? "customer" : "internal"),
	    DB_S(body ? body : ""), DB_S(data)), &eid, err);
	if (rc == SVC_OK && id != NULL)
		*id = eid;
	return rc;
}

/* The owner of portal requests: the first active after-sales manager. */
static enum svc_code
default_owner(struct db *db, int64_t *out, struct svc_err *err)
{
	enum svc_code rc;

	rc = db_one_i64(db, "SELECT min(u.id) FROM users u JOIN user_roles ur"
	    " ON ur.user_id = u.id WHERE ur.role = 'aftersales_manager'"
	    " AND u.active = 1 HAVING min(u.id) IS NOT NULL", DB_NOARGS, out,
	    err);
	if (rc == SVC_ENOTFOUND)
		rc = db_one_i64(db, "SELECT min(u.id) FROM users u JOIN"
		    " user_roles ur ON ur.user_id = u.id WHERE ur.role = 'admin'"
		    " AND u.active = 1 HAVING min(u.id) IS NOT NULL", DB_NOARGS,
		    out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_EUNPROCESSABLE, NULL,
		    "no active after-sales manager to own portal requests");
	return rc;
}

/*
 * Find the unit by id or serial; fill unit id, customer and the warranty
 * verdict of today with the rule that gave it (master's rule, SPEC §3).
 * For a customer caller another company's unit does not exist: the same
 * answer as a unit that does not (its existence is not revealed).
 */
static enum svc_code
intake_unit(struct db *db, struct arena *a, const struct request_caller *c,
    const struct request_draft *d, int64_t *unit_id, int64_t *customer_id,
    char **serial, int *in_warranty, char **rule, struct svc_err *err)
{
	struct warranty_verdict v;
	struct dbq *q;
	enum svc_code rc;
	int got;

	if (d->unit_id == 0 && (d->serial == NULL || d->serial[0] == '\0')) {
		*unit_id = 0;
		*in_warranty = -1;
		*rule = "";
		*serial = (char *)(d->serial ? d->serial : "");
		return SVC_OK;
	}
	if (d->unit_id != 0)
		rc = db_query(db, "SELECT id, customer_id, serial FROM sold_units"
		    " WHERE id = ?", DB_ARGS(DB_I(d->unit_id)), &q, err);
	else
		rc = db_query(db, "SELECT id, customer_id, serial FROM sold_units"
		    " WHERE serial = ?", DB_ARGS(DB_S(d->serial)), &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	if (got == 1) {
		*unit_id = db_i64(q, 0);
		*customer_id = db_i64(q, 1);
		*serial = db_dup(q, 2, a);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1 || (c->customer_id != 0 && *customer_id != c->customer_id))
		return svc_fail_field(err, SVC_EINVAL,
		    d->unit_id ? "unit_id" : "serial", "not_found",
		    "no sold unit with this %s", d->unit_id ? "id" : "serial");
	rc = unit_warranty_verdict(db, a, *unit_id, ymd_today(), &v, err);
	if (rc)
		return rc;
	*in_warranty = v.in_warranty;
	*rule = (char *)v.rule;
	return SVC_OK;
}

/*
 * The request in the search index: number, serial and phone; title;
 * description, customer, contact and resolution.
 */
enum svc_code
request_index(struct db *db, struct arena *a, const struct request *r,
    struct svc_err *err)
{
	struct search_doc d = {
		.kind = "request", .ref_id = r->id,
		.customer_id = r->customer_id,
		.number = arena_printf(a, "%s %s %s", r->number, r->serial,
		    r->contact_phone),
		.title = r->title,
		.body = arena_printf(a, "%s %s %s %s", r->description,
		    r->customer_name, r->contact_name, r->resolution),
		.updated_at = r->updated_at,
	};

	return search_put(db, &d, err);
}

/* The SLA metric a request of this type starts with, or NULL. */
static const char *
sla_metric(const char *type)
{
	if (strcmp(type, "repair") == 0 || strcmp(type, "installation") == 0 ||
	    strcmp(type, "maintenance") == 0 || strcmp(type, "guidance") == 0)
		return "arrival";
	if (strcmp(type, "complaint") == 0)
		return "answer";
	return NULL;
}

/* Start r's clock of metric if a policy gives one (none is not an error). */
static enum svc_code
clock_start_metric(struct db *db, struct arena *a, const struct actor *who,
    const struct request *r, const struct sla_key *key, const char *metric,
    struct svc_err *err)
{
	struct sla_policy *p;
	struct sla_clock *clock;
	enum svc_code rc;

	rc = sla_select(db, a, key->request_type, key->severity,
	    key->region_class, key->distance_km, metric, &p, err);
	if (rc == SVC_OK)
		rc = sla_start(db, a, who, &(struct sla_start){
			.doc_kind = "request", .doc_id = r->id,
			.doc_ref = r->number, .policy_id = p->id,
			.owner_user_id = r->owner_id,
			.started_at = r->created_at, .key = key },
		    &clock, err);
	else if (rc == SVC_ENOTFOUND) {
		svc_err_clear(err);
		rc = SVC_OK;	/* no policy: no clock */
	}
	return rc;
}

enum svc_code
request_clock_start(struct db *db, struct arena *a, const struct actor *who,
    const struct request *r, struct svc_err *err)
{
	const char *metric = sla_metric(r->type);
	struct sla_key key = { r->type, r->severity, NULL, -1 };
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT region_class, distance_km FROM customers"
	    " WHERE id = ?", DB_ARGS(DB_I(r->customer_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		key.region_class = db_dup(q, 0, a);
		key.distance_km = db_i64(q, 1);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && metric != NULL)
		rc = clock_start_metric(db, a, who, r, &key, metric, err);
	if (rc == SVC_OK)
		rc = clock_start_metric(db, a, who, r, &key, "resolution",
		    err);
	return rc;
}

/*
 * After intake: start the SLA clocks the policies give for this request
 * (that of its type's metric, and the resolution clock; none when no policy
 * matches), and tell the general manager of a severe fault
 * at once (SPEC §4.1, seed 001 篇一 第八条).
 */
static enum svc_code
after_intake(struct db *db, struct arena *a, const struct request_caller *c,
    const struct request *r, struct svc_err *err)
{
	enum svc_code rc;

	rc = request_clock_start(db, a, &c->actor, r, err);
	if (rc)
		return rc;
	if (strcmp(r->severity, "severe") == 0)
		return notify_role(db, "general_manager", "severe_fault",
		    arena_printf(a, "重大故障 %s: %s", r->number, r->title),
		    arena_printf(a, "%s — %s", r->customer_name, r->description),
		    notify_args(a, (const char *const[]){ "number", r->number,
		    "title", r->title, "customer", r->customer_name,
		    "description", r->description, NULL }, NULL, 0),
		    "request", r->id, err);
	return SVC_OK;
}

/* What a step does to the request's SLA clocks. */
static enum svc_code
after_step(struct db *db, struct arena *a, const struct request_caller *c,
    const char *name, const struct request *r, int64_t now,
    struct svc_err *err)
{
	const struct actor *who = &c->actor;

	if (strcmp(name, "start") == 0)
		return sla_stop_for(db, a, who, "request", r->id, "arrival", now,
		    NULL, err);
	if (strcmp(name, "resolve") == 0) {
		enum svc_code rc = notify_customer(db, r->customer_id,
		    "customer_resolved", arena_printf(a, "您的服务请求 %s 已处理"
		    "完毕，请确认", r->number), r->resolution, notify_args(a,
		    (const char *const[]){ "number", r->number, "title",
		    r->title, NULL }, NULL, 0), "request", r->id, err);

		if (rc)
			return rc;
	}
	if (strcmp(name, "wait") == 0)
		return sla_pause_for(db, a, who, "request", r->id, NULL,
		    r->wait_reason, now, NULL, err);
	if (strcmp(name, "resume") == 0)
		return sla_resume_for(db, a, who, "request", r->id, NULL, now,
		    NULL, err);
	if (strcmp(name, "assign") == 0)
		return sla_set_owner(db, a, who, "request", r->id,
		    r->assignee_id, err);
	if (strcmp(name, "resolve") == 0 || strcmp(name, "close") == 0 ||
	    strcmp(name, "cancel") == 0)
		return sla_stop_for(db, a, who, "request", r->id, NULL, now,
		    NULL, err);
	return SVC_OK;
}

enum svc_code
request_create(struct db *db, struct arena *a, const struct request_caller *c,
    const struct request_draft *d, struct request **out, struct svc_err *err)
{
	int64_t now = clock_now(), id, owner = 0, customer_id = 0, unit_id = 0;
	int64_t n;
	int in_warranty = -1;
	char *number, *rule = (char *)"", *serial = (char *)"";
	const char *title = d->title;
	enum svc_code rc;

	rc = text_required(a, err, "title", &title, "a short summary");
	if (rc)
		return rc;
	/*
	 * A customer caller names its own company or none: another company
	 * (like one that does not exist) is not found, and so is another
	 * company's unit (intake_unit).
	 */
	if (c->customer_id != 0 && d->customer_id != 0 &&
	    d->customer_id != c->customer_id)
		return svc_fail_field(err, SVC_EINVAL, "customer_id",
		    "not_found", "customer %lld not found",
		    (long long)d->customer_id);
	rc = intake_unit(db, a, c, d, &unit_id, &customer_id, &serial,
	    &in_warranty, &rule, err);
	if (rc)
		return rc;
	if (d->customer_id != 0 && customer_id != 0 &&
	    d->customer_id != customer_id)
		return svc_fail_field(err, SVC_EINVAL, "customer_id", "mismatch",
		    "the unit belongs to another customer");
	if (customer_id == 0)
		customer_id = d->customer_id;
	if (c->customer_id != 0)
		customer_id = c->customer_id;
	if (customer_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id", "required",
		    "a customer (or a serial number of a sold unit) is required");
	rc = db_one_i64(db, "SELECT count(*) FROM customers WHERE id = ?",
	    DB_ARGS(DB_I(customer_id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id", "not_found",
		    "customer %lld not found", (long long)customer_id);
	if (c->customer_id != 0)
		rc = default_owner(db, &owner, err);
	else
		owner = c->actor.user_id;
	if (rc == SVC_OK)
		rc = docno_next(db, a, "SR", now, &number, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO service_requests (number, type,"
	    " channel, severity, state, customer_id, contact_name, contact_phone,"
	    " unit_id, serial, title, description, in_warranty, warranty_rule,"
	    " owner_id, created_by, created_day, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1,"
	    " ?, ?) RETURNING id",
	    DB_ARGS(DB_S(number), DB_S(d->type), DB_S(d->channel),
	    DB_S(d->severity), DB_I(customer_id),
	    DB_S(d->contact_name ? d->contact_name : ""),
	    DB_S(d->contact_phone ? d->contact_phone : ""), DB_ID(unit_id),
	    DB_S(serial), DB_S(title),
	    DB_S(d->description ? d->description : ""),
	    in_warranty < 0 ? DB_NULL : DB_I(in_warranty), DB_S(rule),
	    DB_I(owner), DB_ID(c->actor.user_id), DB_I(clock_local_ymd(now)),
	    DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = add_event(db, id, c->actor.user_id, "created", true,
		    "已受理", NULL, NULL, err);
	if (rc == SVC_OK)
		rc = load(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "create", "request", id, NULL,
		    request_json_text(a, *out), err);
	if (rc == SVC_OK)
		rc = after_intake(db, a, c, *out, err);
	if (rc == SVC_OK)
		rc = request_index(db, a, *out, err);
	return rc;
}

static enum svc_code
check_active_user(struct db *db, int64_t user_id, const char *field,
    int64_t *department_id, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int got;
	bool ok = false;

	rc = db_query(db, "SELECT coalesce(department_id, 0), customer_id"
	    " FROM users WHERE id = ? AND active = 1", DB_ARGS(DB_I(user_id)),
	    &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	if (got == 1) {
		*department_id = db_i64(q, 0);
		ok = db_null(q, 1);	/* staff, not a customer user */
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (!ok)
		return svc_fail_field(err, SVC_EINVAL, field, "not_found",
		    "no active staff user %lld", (long long)user_id);
	return SVC_OK;
}

static const char *const wait_reasons[] = { "waiting_customer",
	"waiting_parts", NULL };

/* Apply the step's inputs to r (a copy) before the guards look at it. */
static enum svc_code
apply_step(struct db *db, const char *name, const struct request_step *s,
    struct request *r, int64_t now, struct svc_err *err)
{
	enum svc_code rc;
	int64_t n, dept;

	if (strcmp(name, "dispatch") == 0) {
		if (s->department_id == 0)
			return svc_fail_field(err, SVC_EINVAL, "department_id",
			    "required", "dispatch needs a department_id");
		rc = db_one_i64(db, "SELECT count(*) FROM departments"
		    " WHERE id = ? AND active = 1",
		    DB_ARGS(DB_I(s->department_id)), &n, err);
		if (rc)
			return rc;
		if (n == 0)
			return svc_fail_field(err, SVC_EINVAL, "department_id",
			    "not_found", "no active department %lld",
			    (long long)s->department_id);
		r->department_id = s->department_id;
		r->assignee_id = 0;
	} else if (strcmp(name, "assign") == 0) {
		if (s->assignee_id == 0)
			return svc_fail_field(err, SVC_EINVAL, "assignee_id",
			    "required", "assign needs an assignee_id");
		rc = check_active_user(db, s->assignee_id, "assignee_id", &dept,
		    err);
		if (rc)
			return rc;
		/*
		 * A person of another department: the step moves the
		 * dispatch to their department (the assigning roles may all
		 * dispatch).  A person of no department cannot take it.
		 */
		if (r->department_id != 0 && dept == 0)
			return svc_fail_field(err, SVC_EINVAL, "assignee_id",
			    "no_department", "the person belongs to no "
			    "department: give them one first");
		if (r->department_id != 0)
			r->department_id = dept;
		r->assignee_id = s->assignee_id;
	} else if (strcmp(name, "wait") == 0) {
		if (s->reason == NULL || strcmp(intern(wait_reasons, s->reason),
		    "?") == 0)
			return svc_fail_field(err, SVC_EINVAL, "reason",
			    "required", "wait needs a reason: waiting_customer "
			    "or waiting_parts");
		r->wait_reason = (char *)s->reason;
	} else if (strcmp(name, "resume") == 0) {
		r->wait_reason = (char *)"";
	} else if (strcmp(name, "resolve") == 0) {
		if (s->resolution != NULL && s->resolution[0] == '\0')
			return svc_fail_field(err, SVC_EINVAL, "resolution",
			    "required", "'resolution' must not be blank: say "
			    "what was done");
		if (s->resolution != NULL)
			r->resolution = (char *)s->resolution;
	} else if (strcmp(name, "cancel") == 0) {
		if (s->reason == NULL || s->reason[0] == '\0')
			return svc_fail_field(err, SVC_EINVAL, "reason",
			    "required", "cancel needs a reason (not blank)");
	} else if (strcmp(name, "reopen") == 0) {
		r->reopen_count++;
		r->closed_at = 0;
		r->customer_confirmed_at = 0;
	}
	(void)now;
	return SVC_OK;
}

static bool
visible_to_customer(const char *step)
{
	return strcmp(step, "dispatch") != 0 && strcmp(step, "wait") != 0 &&
	    strcmp(step, "resume") != 0;
}

enum svc_code
request_transition(struct db *db, struct arena *a,
    const struct request_caller *c, int64_t id, int64_t expected,
    const char *name, const struct request_step *s, struct request **out,
    struct svc_err *err)
{
	const struct fsm_transition *t;
	struct request *cur, next;
	struct request_step in = *s;
	enum svc_code rc;
	int64_t now = clock_now(), changed;
	char *before, *data;
	int from;

	/* texts are taken trimmed: white space alone says nothing */
	in.resolution = text_trim(a, s->resolution);
	in.reason = text_trim(a, s->reason);
	in.note = text_trim(a, s->note);
	if (in.note != NULL && in.note[0] == '\0')
		in.note = NULL;
	s = &in;
	rc = request_get(db, a, c, id, &cur, err);
	if (rc)
		return rc;
	before = request_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "request", expected, before);
	next = *cur;
	from = cur->state;
	rc = apply_step(db, name, s, &next, now, err);
	if (rc)
		return rc;
	rc = fsm_check(&request_fsm, a, cur->state, name, &c->fsm, &next, &t,
	    err);
	if (rc)
		return rc;
	if (t->to >= 0)
		next.state = t->to;
	if (strcmp(name, "confirm") == 0)
		next.customer_confirmed_at = now;
	if (next.state == RQ_CLOSED || next.state == RQ_CANCELLED)
		next.closed_at = now;
	rc = db_exec(db, "UPDATE service_requests SET state = ?,"
	    " department_id = ?, assignee_id = ?, resolution = ?,"
	    " customer_confirmed_at = ?, wait_reason = ?, reopen_count = ?,"
	    " closed_at = ?, version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(fsm_state_name(&request_fsm, next.state)),
	    DB_ID(next.department_id), DB_ID(next.assignee_id),
	    DB_S(next.resolution), DB_ID(next.customer_confirmed_at),
	    DB_S(next.wait_reason), DB_I(next.reopen_count),
	    DB_ID(next.closed_at), DB_I(now), DB_I(id), DB_I(expected)),
	    &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "request", expected, before);
	data = arena_printf(a, "{\"step\":\"%s\",\"from\":\"%s\",\"to\":\"%s\","
	    "\"department_id\":%lld,\"assignee_id\":%lld}", t->name,
	    fsm_state_name(&request_fsm, from),
	    fsm_state_name(&request_fsm, next.state),
	    (long long)next.department_id, (long long)next.assignee_id);
	rc = add_event(db, id, c->actor.user_id, "transition",
	    visible_to_customer(name),
	    s->note != NULL ? s->note : (s->reason ? s->reason : t->label_zh),
	    data, NULL, err);
	if (rc == SVC_OK)
		rc = load(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, arena_printf(a, "transition:%s",
		    name), "request", id, before, request_json_text(a, *out),
		    err);
	if (rc == SVC_OK)
		rc = after_step(db, a, c, name, *out, now, err);
	if (rc == SVC_OK && strcmp(name, "resolve") == 0)
		rc = request_index(db, a, *out, err);	/* the resolution */
	return rc;
}

static bool
is_manager(const struct request_caller *c)
{
	for (size_t i = 0; i < c->fsm.nroles; i++)
		if (strcmp(c->fsm.roles[i], "aftersales_manager") == 0 ||
		    strcmp(c->fsm.roles[i], "admin") == 0)
			return true;
	return false;
}

enum svc_code
request_handover(struct db *db, struct arena *a, const struct request_caller *c,
    int64_t id, int64_t expected, int64_t to_user, const char *note,
    struct request **out, struct svc_err *err)
{
	struct request *cur;
	enum svc_code rc;
	int64_t changed, dept;
	char *before;

	rc = request_get(db, a, c, id, &cur, err);
	if (rc)
		return rc;
	before = request_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "request", expected, before);
	if (c->customer_id != 0 || (cur->owner_id != c->actor.user_id &&
	    !is_manager(c)))
		return svc_fail(err, SVC_EPERM, "owner_id", "only the owner of "
		    "a request (or a manager) can hand it over");
	rc = check_active_user(db, to_user, "to_user_id", &dept, err);
	if (rc)
		return rc;
	if (to_user == cur->owner_id)
		return svc_fail_field(err, SVC_EINVAL, "to_user_id", "same",
		    "the request is already theirs");
	rc = db_exec(db, "UPDATE service_requests SET owner_id = ?,"
	    " version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_I(to_user), DB_I(clock_now()), DB_I(id), DB_I(expected)),
	    &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "request", expected, before);
	if (cur->assignee_id == 0) {
		rc = sla_set_owner(db, a, &c->actor, "request", id, to_user, err);
		if (rc)
			return rc;
	}
	rc = add_event(db, id, c->actor.user_id, "handover", false,
	    note ? note : "", arena_printf(a, "{\"from\":%lld,\"to\":%lld}",
	    (long long)cur->owner_id, (long long)to_user), NULL, err);
	if (rc == SVC_OK)
		rc = load(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "handover", "request", id, before,
		    request_json_text(a, *out), err);
	return rc;
}

enum svc_code
request_add_event(struct db *db, struct arena *a,
    const struct request_caller *c, int64_t id, const char *kind,
    const char *body, int64_t *event_id, struct svc_err *err)
{
	struct request *r;
	enum svc_code rc;
	bool reply = strcmp(kind, "reply") == 0;

	rc = text_required(a, err, "body", &body, "the text of the note or "
	    "reply");
	if (rc == SVC_OK)
		rc = request_get(db, a, c, id, &r, err);
	if (rc)
		return rc;
	if (c->customer_id != 0 && !reply)
		return svc_fail_field(err, SVC_EPERM, "kind", "not_allowed",
		    "customers can only add replies");
	rc = add_event(db, id, c->actor.user_id, kind, reply, body, NULL,
	    event_id, err);
	if (rc == SVC_OK && reply && c->customer_id == 0)
		rc = sla_stop_for(db, a, &c->actor, "request", id, "answer",
		    clock_now(), NULL, err);
	if (rc == SVC_OK && reply && c->customer_id == 0)
		rc = notify_customer(db, r->customer_id, "customer_reply",
		    arena_printf(a, "您的服务请求 %s 有新回复", r->number),
		    body, notify_args(a, (const char *const[]){ "number",
		    r->number, "title", r->title, NULL }, NULL, 0), "request",
		    id, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE service_requests SET updated_at = ?"
		    " WHERE id = ?", DB_ARGS(DB_I(clock_now()), DB_I(id)), NULL,
		    err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "create", "request_event",
		    *event_id, NULL, arena_printf(a, "{\"request_id\":%lld,"
		    "\"kind\":\"%s\"}", (long long)id, reply ? "reply" : "note"),
		    err);
	return rc;
}

static const char *const attach_types[] = { "image/jpeg", "image/png",
	"image/webp", "image/gif", "application/pdf", "text/plain", NULL };

enum svc_code
request_attach(struct db *db, struct arena *a, const struct request_caller *c,
    int64_t id, const char *filename, const char *content_type,
    const void *data, size_t len, int64_t *att_id, struct svc_err *err)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	struct request *r;
	enum svc_code rc;
	size_t flen;

	rc = request_get(db, a, c, id, &r, err);
	if (rc)
		return rc;
	flen = filename ? strlen(filename) : 0;
	if (flen == 0 || flen > 200 || !utf8_valid(filename, flen) ||
	    strchr(filename, '/') != NULL || strchr(filename, '\\') != NULL ||
	    text_invisible_at(filename, flen, NULL) >= 0)
		return svc_fail_field(err, SVC_EINVAL, "filename", "invalid",
		    "'filename' must be 1-200 bytes of UTF-8 without slashes "
		    "or invisible characters");
	if (strcmp(intern(attach_types, content_type), "?") == 0)
		return svc_fail(err, SVC_EMEDIA, "Content-Type", "attachments "
		    "may be JPEG, PNG, WebP, GIF, PDF or plain text");
	if (len == 0)
		return svc_fail_field(err, SVC_EINVAL, "body", "required",
		    "the attachment is empty");
	if (len > ATTACH_MAX)
		return svc_fail(err, SVC_ETOOBIG, "body", "attachments are "
		    "limited to %u bytes", ATTACH_MAX);
	rc = attach_quota_check(db, a, id, r->customer_id, len, err);
	if (rc)
		return rc;
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	rc = db_one_i64(db, "INSERT INTO attachments (owner_kind, owner_id,"
	    " customer_id, filename, content_type, size, sha256, data,"
	    " created_by, created_at) VALUES ('request', ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?) RETURNING id",
	    DB_ARGS(DB_I(id), DB_I(r->customer_id), DB_S(filename),
	    DB_S(intern(attach_types, content_type)), DB_I((int64_t)len),
	    DB_S(hex), DB_BLOB(data, len), DB_ID(c->actor.user_id),
	    DB_I(clock_now())), att_id, err);
	if (rc == SVC_OK)
		rc = add_event(db, id, c->actor.user_id, "attachment", true,
		    filename, arena_printf(a, "{\"attachment_id\":%lld}",
		    (long long)*att_id), NULL, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "create", "attachment", *att_id,
		    NULL, arena_printf(a, "{\"request_id\":%lld,\"size\":%zu,"
		    "\"sha256\":\"%s\"}", (long long)id, len, hex), err);
	return rc;
}

enum svc_code
request_link(struct db *db, int64_t request_id, const char *doc_kind,
    int64_t doc_id, const char *doc_number, struct svc_err *err)
{
	return db_exec(db, "INSERT INTO request_links (request_id, doc_kind,"
	    " doc_id, doc_number, created_at) VALUES (?, ?, ?, ?, ?)"
	    " ON CONFLICT DO NOTHING", DB_ARGS(DB_I(request_id), DB_S(doc_kind),
	    DB_I(doc_id), DB_S(doc_number), DB_I(clock_now())), NULL, err);
}

enum svc_code
request_events_json(struct db *db, struct jw *w, const struct request_caller *c,
    int64_t id, struct svc_err *err)
{
	return timeline_json(db, w, "SELECT e.id, e.at, e.user_id,"
	    " u.display_name, e.kind, e.visibility, e.body, e.data"
	    " FROM request_events e LEFT JOIN users u ON u.id = e.user_id"
	    " WHERE e.request_id = ? AND (? = 0 OR e.visibility = 'customer')"
	    " ORDER BY e.id LIMIT 1000", id, c->customer_id != 0, err);
}

enum svc_code
request_assignees_json(struct db *db, struct jw *w, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT u.id, u.username, u.display_name,"
	    " u.department_id, d.name,"
	    " (SELECT count(*) FROM service_requests r WHERE"
	    " r.assignee_id = u.id AND r.state NOT IN ('resolved', 'closed',"
	    " 'cancelled')),"
	    " (SELECT count(*) FROM user_roles x WHERE x.user_id = u.id"
	    " AND x.role = 'technician')"
	    " FROM users u JOIN departments d ON d.id = u.department_id"
	    " WHERE u.active = 1 AND d.active = 1 AND u.customer_id IS NULL"
	    " ORDER BY d.name, d.id, u.display_name, u.id LIMIT 1000", NULL, 0,
	    &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "username", db_str(q, 1));
		jw_kstr(w, "display_name", db_str(q, 2));
		jw_ki64(w, "department_id", db_i64(q, 3));
		jw_kstr(w, "department_name", db_str(q, 4));
		jw_ki64(w, "open_requests", db_i64(q, 5));
		jw_kbool(w, "technician", db_i64(q, 6) > 0);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
request_links_json(struct db *db, struct jw *w, int64_t id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT doc_kind, doc_id, doc_number, created_at"
	    " FROM request_links WHERE request_id = ? ORDER BY created_at",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_kstr(w, "kind", db_str(q, 0));
		jw_ki64(w, "id", db_i64(q, 1));
		jw_kstr(w, "number", db_str(q, 2));
		jw_ktime(w, "created_at", db_i64(q, 3));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
request_attachments_json(struct db *db, struct jw *w, int64_t id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT id, filename, content_type, size, sha256,"
	    " created_at FROM attachments WHERE owner_kind = 'request'"
	    " AND owner_id = ? ORDER BY id LIMIT 500", DB_ARGS(DB_I(id)), &q,
	    err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "filename", db_str(q, 1));
		jw_kstr(w, "content_type", db_str(q, 2));
		jw_ki64(w, "size", db_i64(q, 3));
		jw_kstr(w, "sha256", db_str(q, 4));
		jw_ktime(w, "created_at", db_i64(q, 5));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

/* The filter's conditions (" AND ..."), their arguments after args[*na]. */
static void
filter_sql(struct buf *sql, struct dbv *args, size_t *na,
    const struct request_caller *c, const struct request_filter *f)
{
	int64_t customer = c->customer_id ? c->customer_id : f->customer_id;

#define FILTER_S(val, col) if ((val) != NULL) { \
		buf_adds(sql, " AND " col " = ?"); args[(*na)++] = DB_S(val); }
#define FILTER_I(val, col) if ((val) != 0) { \
		buf_adds(sql, " AND " col " = ?"); args[(*na)++] = DB_I(val); }
	if (f->states != 0) {
		bool first = true;

		buf_adds(sql, " AND r.state IN (");
		for (int i = 0; i < RQ__MAX; i++) {
			if (!(f->states & (1u << i)))
				continue;
			buf_adds(sql, first ? "?" : ", ?");
			args[(*na)++] = DB_S(fsm_state_name(&request_fsm, i));
			first = false;
		}
		buf_addc(sql, ')');
	}
	FILTER_S(f->type, "r.type");
	FILTER_S(f->severity, "r.severity");
	FILTER_I(customer, "r.customer_id");
	FILTER_I(f->unit_id, "r.unit_id");
	FILTER_I(f->owner_id, "r.owner_id");
	FILTER_I(f->assignee_id, "r.assignee_id");
	FILTER_I(f->department_id, "r.department_id");
#undef FILTER_S
#undef FILTER_I
	if (f->from != 0) {
		buf_adds(sql, " AND r.created_at >= ?");
		args[(*na)++] = DB_I(f->from);
	}
	if (f->to != 0) {
		buf_adds(sql, " AND r.created_at < ?");
		args[(*na)++] = DB_I(f->to);
	}
}

/* Append up to max rows of sql to items[*cnt]; with_extra: the assignee's
 * name and (due != 0) the sort key follow the request's columns. */
static enum svc_code
rows_into(struct db *db, struct arena *a, const char *sql,
    const struct dbv *args, size_t na, bool with_due, struct request **items,
    size_t *cnt, size_t max, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, sql, args, na, &q, err);
	if (rc)
		return rc;
	while (*cnt < max && db_next(q) == 1) {
		struct request *r = arena_alloc(a, sizeof(*r));

		if (r == NULL)
			break;
		memset(r, 0, sizeof(*r));
		row_to_request(q, a, r);
		r->assignee_name = db_null(q, 28) ? NULL : db_dup(q, 28, a);
		r->sort_due_at = with_due ? db_i64(q, 29) : 0;
		items[(*cnt)++] = r;
	}
	return db_done(q, err);
}

/* What a page of the work list reads besides the request. */
#define RQ_ROW_FROM " FROM service_requests r" \
	" JOIN customers c ON c.id = r.customer_id" \
	" LEFT JOIN users ua ON ua.id = r.assignee_id"
/*
 * A request's running clocks, the one due soonest (then lowest id) as k:
 * read in due order from the running clocks (RQ_DUE_FROM), or, for one
 * customer's or unit's requests, from theirs (RQ_DUE_FROM_R: SQLite joins
 * a CROSS JOIN in the order written).
 */
#define RQ_DUE_FROM " FROM sla_clocks k" \
	" JOIN service_requests r ON r.id = k.doc_id" \
	RQ_DUE_WHERE
#define RQ_DUE_FROM_R " FROM service_requests r" \
	" CROSS JOIN sla_clocks k" \
	RQ_DUE_WHERE " AND k.doc_id = r.id"
#define RQ_DUE_WHERE \
	" JOIN customers c ON c.id = r.customer_id" \
	" LEFT JOIN users ua ON ua.id = r.assignee_id" \
	" WHERE k.doc_kind = 'request' AND k.state = 'running'" \
	" AND NOT EXISTS (SELECT 1 FROM sla_clocks k2" \
	" WHERE k2.doc_kind = 'request' AND k2.doc_id = k.doc_id" \
	" AND k2.state = 'running' AND (k2.due_at < k.due_at" \
	" OR (k2.due_at = k.due_at AND k2.id < k.id)))"
#define RQ_NO_DUE " AND NOT EXISTS (SELECT 1 FROM sla_clocks k" \
	" WHERE k.doc_kind = 'request' AND k.doc_id = r.id" \
	" AND k.state = 'running')"
/*
 * The states in which a request can have a running clock: waiting pauses
 * every clock, resolve, close and cancel stop them (request.c after_step).
 */
#define RQ_CLOCK_STATES ((1u << RQ_NEW) | (1u << RQ_DISPATCHED) | \
	(1u << RQ_ASSIGNED) | (1u << RQ_IN_PROGRESS) | (1u << RQ_REOPENED))

enum svc_code
request_list_page(struct db *db, struct arena *a,
    const struct request_caller *c, const struct request_filter *f,
    enum request_sort sort, const struct request_cursor *cur, int limit,
    struct request ***out, size_t *n, bool *more, int64_t *total,
    struct svc_err *err)
{
	struct dbv args[20 + RQ__MAX];
	struct request **items;
	struct sla_next *due;
	int64_t *ids;
	struct buf sql;
	enum svc_code rc = SVC_OK;
	size_t na = 0, cnt = 0, max = (size_t)limit + 1;

	/*
	 * Only states without running clocks asked for (closed ...): the due
	 * order is the newest first (every row is still listed once).
	 */
	if (f->states != 0 && !(f->states & RQ_CLOCK_STATES))
		sort = RQ_SORT_NEWEST;
	items = arena_alloc(a, max * sizeof(*items));
	ids = arena_alloc(a, max * sizeof(*ids));
	due = arena_alloc(a, max * sizeof(*due));
	if (items == NULL || ids == NULL || due == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	buf_init(&sql, 4096);
	if (total != NULL) {
		buf_adds(&sql, "SELECT count(*) FROM service_requests r"
		    " WHERE 1 = 1");
		filter_sql(&sql, args, &na, c, f);
		rc = db_one_i64(db, sql.p, args, na, total, err);
	}
	/* sort due, first part: the requests with a running clock */
	if (rc == SVC_OK && sort == RQ_SORT_DUE &&
	    (cur->id == 0 || cur->due_at != 0)) {
		buf_reset(&sql);
		na = 0;
		buf_adds(&sql, "SELECT " RQ_SEL ", ua.display_name, k.due_at");
		buf_adds(&sql, c->customer_id || f->customer_id || f->unit_id ?
		    RQ_DUE_FROM_R : RQ_DUE_FROM);
		if (cur->id != 0) {
			buf_adds(&sql, " AND k.due_at >= ? AND (k.due_at > ?"
			    " OR k.doc_id > ?)");
			args[na++] = DB_I(cur->due_at);
			args[na++] = DB_I(cur->due_at);
			args[na++] = DB_I(cur->id);
		}
		filter_sql(&sql, args, &na, c, f);
		buf_adds(&sql, " ORDER BY k.due_at, k.doc_id LIMIT ?");
		args[na++] = DB_I(max);
		rc = rows_into(db, a, sql.p, args, na, true, items, &cnt, max,
		    err);
	}
	/* newest first; sort due: the requests without a running clock */
	if (rc == SVC_OK && cnt < max) {
		bool after = cur->id != 0 &&
		    (sort == RQ_SORT_NEWEST || cur->due_at == 0);

		buf_reset(&sql);
		na = 0;
		buf_adds(&sql, "SELECT " RQ_SEL ", ua.display_name"
		    RQ_ROW_FROM " WHERE 1 = 1");
		if (sort == RQ_SORT_DUE)
			buf_adds(&sql, RQ_NO_DUE);
		if (after) {
			buf_adds(&sql, " AND r.id < ?");
			args[na++] = DB_I(cur->id);
		}
		filter_sql(&sql, args, &na, c, f);
		buf_adds(&sql, " ORDER BY r.id DESC LIMIT ?");
		args[na++] = DB_I(max - cnt);
		rc = rows_into(db, a, sql.p, args, na, false, items, &cnt, max,
		    err);
	}
	buf_release(&sql);
	if (rc)
		return rc;
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	for (size_t i = 0; i < *n; i++)
		ids[i] = items[i]->id;
	rc = sla_next_for(db, a, "request", ids, *n, clock_now(), due, err);
	for (size_t i = 0; i < *n && rc == SVC_OK; i++)
		items[i]->due = due[i];
	return rc;
}

enum svc_code
request_list(struct db *db, struct arena *a, const struct request_caller *c,
    const struct request_filter *f, int64_t before_id, int limit,
    struct request ***out, size_t *n, bool *more, struct svc_err *err)
{
	struct dbv args[16 + RQ__MAX];
	struct request **items;
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	size_t na = 0, cnt = 0;

	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " RQ_COLS " WHERE 1 = 1");
	if (before_id > 0) {
		buf_adds(&sql, " AND r.id < ?");
		args[na++] = DB_I(before_id);
	}
	filter_sql(&sql, args, &na, c, f);
	buf_adds(&sql, " ORDER BY r.id DESC LIMIT ?");
	args[na++] = DB_I(limit + 1);
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt <= (size_t)limit) {
		items[cnt] = arena_alloc(a, sizeof(struct request));
		if (items[cnt] == NULL)
			break;
		row_to_request(q, a, items[cnt++]);
	}
	rc = db_done(q, err);
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	return rc;
}
