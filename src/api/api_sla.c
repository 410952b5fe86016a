/*
 * api_sla — the business calendar (weekly hours, holidays and make-up
 * working days), the due-time preview, SLA policies and clocks, and my
 * in-app notifications.  The rules live in domain/sla.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/sla/sla.h"
#include "util/clock.h"

#define H(name) static enum svc_code name(struct req *, struct resp *)
H(api_cal_get); H(api_cal_set_hours);
H(api_cal_day_list); H(api_cal_day_add); H(api_cal_day_delete);
H(api_sla_preview); H(api_sla_select);
H(api_sla_policy_list); H(api_sla_policy_get); H(api_sla_policy_create);
H(api_sla_policy_update);
H(api_sla_clock_list); H(api_sla_clock_get); H(api_sla_arrivals);
H(api_notify_list); H(api_notify_read); H(api_notify_read_all);
#undef H

/* ----- the calendar ----- */

/* GET /api/v1/calendar */
static enum svc_code
api_cal_get(struct req *rq, struct resp *rs)
{
	struct calendar *cal;
	enum svc_code rc;
	struct jw w;

	rc = cal_load(rq->db, &rq->arena, &cal, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	cal_to_json(&w, cal);
	return SVC_OK;
}

struct week_in {
	int64_t version;
	struct strarr day[7];
};

#define DAY_FIELD(k, i, doc) { k, F_STRARR, offsetof(struct week_in, day) + \
	(i) * sizeof(struct strarr), F_REQUIRED, 0, CAL_SPANS_MAX, 0, NULL, doc }

static const struct field week_fields[] = {
	{ "version", F_I64, offsetof(struct week_in, version), 0, 1, INT64_MAX,
	    0, NULL, "the calendar version you read (or send If-Match)" },
	DAY_FIELD("mon", 0, "Monday: [\"08:30-12:00\", \"13:30-17:30\"]"),
	DAY_FIELD("tue", 1, "Tuesday"),
	DAY_FIELD("wed", 2, "Wednesday"),
	DAY_FIELD("thu", 3, "Thursday"),
	DAY_FIELD("fri", 4, "Friday"),
	DAY_FIELD("sat", 5, "Saturday ([] = no work)"),
	DAY_FIELD("sun", 6, "Sunday ([] = no work)"),
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

/* PUT /api/v1/calendar/hours {version, mon: ["08:30-12:00", ...], ... sun} */
static enum svc_code
api_cal_set_hours(struct req *rq, struct resp *rs)
{
	static const char *const keys[7] = { "mon", "tue", "wed", "thu", "fri",
		"sat", "sun" };
	struct week_in in;
	struct cal_hours week[7];
	struct calendar *cal;
	struct actor who = req_actor(rq);
	enum svc_code rc;
	const char *why;
	int64_t version;
	struct jw w;

	memset(&in, 0, sizeof(in));
	memset(week, 0, sizeof(week));
	rc = decode_json(rq, week_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	for (int d = 0; d < 7; d++) {
		for (size_t i = 0; i < in.day[d].n; i++) {
			if (!cal_parse_span(in.day[d].v[i],
			    &week[d].v[week[d].n], &why))
				return svc_fail_field(&rq->err, SVC_EINVAL,
				    keys[d], "invalid", "'%s' item %zu: %s",
				    keys[d], i + 1, why);
			week[d].n++;
		}
		if (!cal_hours_normalize(&week[d], &why))
			return svc_fail_field(&rq->err, SVC_EINVAL, keys[d],
			    "invalid", "'%s': %s", keys[d], why);
	}
	rc = cal_set_week(rq->db, &rq->arena, &who, version, week, &cal,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	cal_to_json(&w, cal);
	return SVC_OK;
}

static const char *const day_list_query[] = { "from", "to", "limit",
	"cursor", NULL };

static enum svc_code
query_date(struct req *rq, const char *name, int dflt, int *out)
{
	const char *s = req_query(rq, name);

	if (s == NULL || s[0] == '\0') {
		*out = dflt;
		return SVC_OK;
	}
	if (!cal_parse_ymd(s, out))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be a date YYYY-MM-DD", name);
	return SVC_OK;
}

/* GET /api/v1/calendar/days?from=YYYY-MM-DD&to=YYYY-MM-DD&limit=&cursor= */
static enum svc_code
api_cal_day_list(struct req *rq, struct resp *rs)
{
	struct cal_day *items;
	enum svc_code rc;
	struct jw w;
	int64_t after;
	int limit, from, to;
	size_t n;
	bool more;

	rc = query_allow(rq, day_list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc == SVC_OK)
		rc = query_date(rq, "from", 0, &from);
	if (rc == SVC_OK)
		rc = query_date(rq, "to", 99991231, &to);
	if (rc)
		return rc;
	if (after > 99991231)
		return svc_fail_field(&rq->err, SVC_EINVAL, "cursor", "invalid",
		    "'cursor' is not a cursor this server gave out");
	rc = cal_day_list(rq->db, &rq->arena, from, to, (int)after, limit,
	    &items, &n, &more, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		cal_day_to_json(&w, &items[i]);
	jw_arr_close(&w);
	/* the cursor is the last date (YYYYMMDD) of the page */
	list_next_cursor(&w, more, n ? items[n - 1].ymd : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

struct day_in {
	const char *date;
	const char *kind;
	const char *name;
	struct strarr hours;
	int64_t as_weekday;
};

static const char *const day_kinds[] = { "holiday", "workday", NULL };

static const struct field day_fields[] = {
	{ "date", F_TEXT, offsetof(struct day_in, date), F_REQUIRED, 10, 10, 0,
	    NULL, "the local date, YYYY-MM-DD" },
	{ "kind", F_ENUM, offsetof(struct day_in, kind), F_REQUIRED, 0, 0, 0,
	    day_kinds, "holiday (no work) or workday (a make-up working day, "
	    "调休, or changed hours)" },
	{ "name", F_TEXT, offsetof(struct day_in, name), F_NULLABLE, 0, 100, 0,
	    NULL, "e.g. 国庆节" },
	{ "hours", F_STRARR, offsetof(struct day_in, hours), F_NULLABLE, 0,
	    CAL_SPANS_MAX, 0, NULL, "workday only: its own hours "
	    "[\"08:30-12:00\", ...]; omitted = the hours of as_weekday" },
	{ "as_weekday", F_I64, offsetof(struct day_in, as_weekday), F_NULLABLE,
	    1, 7, 0, NULL, "workday only: work the hours of this weekday "
	    "(1 = Monday, the default)" },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

/* POST /api/v1/calendar/days {date, kind, name?, hours?, as_weekday?} */
static enum svc_code
api_cal_day_add(struct req *rq, struct resp *rs)
{
	struct day_in in;
	struct cal_day_draft d;
	struct cal_day *day;
	struct actor who = req_actor(rq);
	enum svc_code rc;
	struct buf hours;
	struct jw w;
	char date[16];

	memset(&in, 0, sizeof(in));
	memset(&d, 0, sizeof(d));
	rc = decode_json(rq, day_fields, &in, NULL);
	if (rc)
		return rc;
	if (!cal_parse_ymd(in.date, &d.ymd))
		return svc_fail_field(&rq->err, SVC_EINVAL, "date", "invalid",
		    "'date' must be a date YYYY-MM-DD");
	d.kind = strcmp(in.kind, "holiday") == 0 ? CAL_HOLIDAY : CAL_WORKDAY;
	d.name = in.name;
	d.as_weekday = (int)in.as_weekday;
	buf_init(&hours, 4096);
	for (size_t i = 0; i < in.hours.n; i++)
		buf_addf(&hours, "%s%s", i ? "," : "", in.hours.v[i]);
	d.hours = arena_strndup(&rq->arena, hours.p, hours.len);
	buf_release(&hours);
	if (in.hours.v != NULL && in.hours.n == 0)
		return svc_fail_field(&rq->err, SVC_EINVAL, "hours", "empty",
		    "'hours' must list intervals, or be left out");
	rc = cal_day_add(rq->db, &rq->arena, &who, &d, &day, &rq->err);
	if (rc)
		return rc;
	cal_format_ymd(day->ymd, date, sizeof(date));
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/calendar/days/%s", date));
	resp_json(rs, 201, &w);
	cal_day_to_json(&w, day);
	return SVC_OK;
}

/* DELETE /api/v1/calendar/days/{date} */
static enum svc_code
api_cal_day_delete(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	int ymd;

	if (!cal_parse_ymd(rq->params[0], &ymd))
		return svc_fail_field(&rq->err, SVC_ENOTFOUND, "date", "invalid",
		    "'%.40s' is not a date YYYY-MM-DD", rq->params[0]);
	rc = cal_day_delete(rq->db, &rq->arena, &who, ymd, &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/* ----- preview and selection ----- */

static const char *const preview_query[] = { "start", "minutes", "mode",
	NULL };

/*
 * GET /api/v1/sla/preview?start=2026-09-30T16:00&minutes=360&mode=working
 * mode next_day: minutes is the time of day (720 = 12:00).
 */
static enum svc_code
api_sla_preview(struct req *rq, struct resp *rs)
{
	const char *start = req_query(rq, "start"), *mode = req_query(rq, "mode");
	enum sla_mode m = SLA_WORKING;
	enum svc_code rc;
	int64_t t, minutes;
	struct jw w;
	struct buf b;

	rc = query_allow(rq, preview_query);
	if (rc)
		return rc;
	if (start == NULL || !clock_parse(start, &t))
		return svc_fail_field(&rq->err, SVC_EINVAL, "start", start ?
		    "invalid" : "required", "'start' must be a date and time "
		    "(ISO-8601, or local YYYY-MM-DDTHH:MM)");
	if (mode != NULL && !sla_mode_parse(mode, &m))
		return svc_fail_field(&rq->err, SVC_EINVAL, "mode",
		    "not_allowed", "'mode' must be working, calendar or "
		    "next_day");
	if (req_query(rq, "minutes") == NULL)
		return svc_fail_field(&rq->err, SVC_EINVAL, "minutes",
		    "required", "'minutes' is required");
	rc = query_i64(rq, "minutes", m == SLA_NEXT_DAY ? 0 : 1,
	    m == SLA_NEXT_DAY ? 1439 : SLA_TARGET_MAX, 0, &minutes);
	if (rc)
		return rc;
	/* write into a side buffer: an error must not leave half a body */
	buf_init(&b, 1u << 22);
	jw_init(&w, &b);
	rc = sla_preview(rq->db, &rq->arena, t, m, minutes, &w, &rq->err);
	if (rc == SVC_OK) {
		struct jw out;

		resp_json(rs, 200, &out);
		jw_raw(&out, b.p);
	}
	buf_release(&b);
	return rc;
}

static const char *const select_query[] = { "metric", "request_type",
	"severity", "region_class", "distance_km", NULL };

/*
 * GET /api/v1/sla/select?metric=arrival&region_class=urban&distance_km=35
 * Which policy a document with these values gets, and why.
 */
static enum svc_code
api_sla_select(struct req *rq, struct resp *rs)
{
	struct sla_policy *p;
	enum svc_code rc;
	int64_t dist;
	struct jw w;

	rc = query_allow(rq, select_query);
	if (rc == SVC_OK)
		rc = query_i64(rq, "distance_km", 0, 100000, -1, &dist);
	if (rc)
		return rc;
	if (req_query(rq, "metric") == NULL)
		return svc_fail_field(&rq->err, SVC_EINVAL, "metric",
		    "required", "'metric' is required");
	rc = sla_select(rq->db, &rq->arena, req_query(rq, "request_type"),
	    req_query(rq, "severity"), req_query(rq, "region_class"), dist,
	    req_query(rq, "metric"), &p, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	sla_policy_to_json(&w, p);
	return SVC_OK;
}

/* ----- policies ----- */

struct policy_in {
	const char *name;
	const char *metric;
	const char *request_type;
	const char *severity;
	const char *region_class;
	int64_t distance_min_km;
	int64_t distance_max_km;
	const char *mode;
	int64_t target_min;
	int64_t warn_min;
	bool active;
	int64_t version;
};

static const char *const severities[] = { "minor", "moderate", "severe",
	NULL };
static const char *const modes[] = { "working", "calendar", "next_day",
	NULL };

#define POLICY_FIELDS(req) \
	{ "name", F_TEXT, offsetof(struct policy_in, name), req, 1, 100, \
	    SPF_NAME, NULL, "e.g. 到场时限 市区 6 工作小时" }, \
	{ "metric", F_TEXT, offsetof(struct policy_in, metric), req, 1, \
	    SLA_KEY_MAX, SPF_METRIC, NULL, "what is timed: arrival, answer, " \
	    "resolution, return_slip, trip_summary ... (a-z, 0-9, _)" }, \
	{ "request_type", F_TEXT, offsetof(struct policy_in, request_type), \
	    F_NULLABLE, 1, SLA_KEY_MAX, SPF_TYPE, NULL, \
	    "request type it applies to; null = any" }, \
	{ "severity", F_ENUM, offsetof(struct policy_in, severity), \
	    F_NULLABLE, 0, 0, SPF_SEVERITY, severities, "null = any" }, \
	{ "region_class", F_TEXT, offsetof(struct policy_in, region_class), \
	    F_NULLABLE, 1, SLA_KEY_MAX, SPF_REGION, NULL, \
	    "urban, suburban, remote ...; null = any" }, \
	{ "distance_min_km", F_I64, offsetof(struct policy_in, \
	    distance_min_km), 0, 0, 100000, SPF_DIST_MIN, NULL, \
	    "distance band [min, max) in km; 0 = from 0" }, \
	{ "distance_max_km", F_I64, offsetof(struct policy_in, \
	    distance_max_km), F_NULLABLE, 1, 100000, SPF_DIST_MAX, NULL, \
	    "end of the band (excluded); null = no limit" }, \
	{ "mode", F_ENUM, offsetof(struct policy_in, mode), req, 0, 0, \
	    SPF_MODE, modes, "working (calendar working time), calendar " \
	    "(elapsed time) or next_day (by a time of day on the next working " \
	    "day)" }, \
	{ "target_min", F_I64, offsetof(struct policy_in, target_min), req, 0, \
	    SLA_TARGET_MAX, SPF_TARGET, NULL, "minutes; next_day: time of " \
	    "day in minutes (720 = 12:00)" }, \
	{ "warn_min", F_I64, offsetof(struct policy_in, warn_min), 0, 0, \
	    SLA_TARGET_MAX, SPF_WARN, NULL, \
	    "warning lead in minutes before due (default 60)" }, \
	{ "active", F_BOOL, offsetof(struct policy_in, active), 0, 0, 0, \
	    SPF_ACTIVE, NULL, "false retires the policy (running clocks keep " \
	    "it)" }

static const struct field policy_create_fields[] = {
	POLICY_FIELDS(F_REQUIRED),
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static const struct field policy_update_fields[] = {
	{ "version", F_I64, offsetof(struct policy_in, version), 0, 1,
	    INT64_MAX, 0, NULL, "the version you read (or send If-Match)" },
	POLICY_FIELDS(0),
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static void
policy_in_draft(const struct policy_in *in, struct sla_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->name = (char *)in->name;
	p->metric = (char *)in->metric;
	p->request_type = (char *)in->request_type;
	p->severity = (char *)in->severity;
	p->region_class = (char *)in->region_class;
	p->distance_min_km = in->distance_min_km;
	p->distance_max_km = in->distance_max_km;
	if (in->mode == NULL || !sla_mode_parse(in->mode, &p->mode))
		p->mode = SLA_WORKING;
	p->target_min = in->target_min;
	p->warn_min = in->warn_min;
	p->active = in->active;
}

static const char *const policy_list_query[] = { "metric", "active", "limit",
	"cursor", NULL };

/* GET /api/v1/sla/policies?metric=&active=&limit=&cursor= */
static enum svc_code
api_sla_policy_list(struct req *rq, struct resp *rs)
{
	struct sla_policy **items;
	const char *active = req_query(rq, "active");
	enum svc_code rc;
	struct jw w;
	int64_t after;
	int limit, act = -1;
	size_t n;
	bool more;

	rc = query_allow(rq, policy_list_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &after, &limit);
	if (rc)
		return rc;
	if (active != NULL) {
		if (strcmp(active, "true") == 0)
			act = 1;
		else if (strcmp(active, "false") == 0)
			act = 0;
		else
			return svc_fail_field(&rq->err, SVC_EINVAL, "active",
			    "invalid", "'active' must be true or false");
	}
	rc = sla_policy_list(rq->db, &rq->arena, req_query(rq, "metric"), act,
	    after, limit, &items, &n, &more, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		sla_policy_to_json(&w, items[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, more, n ? items[n - 1]->id : 0);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/sla/policies/{id} */
static enum svc_code
api_sla_policy_get(struct req *rq, struct resp *rs)
{
	struct sla_policy *p;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = sla_policy_get(rq->db, &rq->arena, id, &p, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	sla_policy_to_json(&w, p);
	return SVC_OK;
}

/* POST /api/v1/sla/policies {name, metric, mode, target_min, ...} */
static enum svc_code
api_sla_policy_create(struct req *rq, struct resp *rs)
{
	struct policy_in in = { .warn_min = 60, .active = true };
	struct sla_policy draft, *p;
	struct actor who = req_actor(rq);
	enum svc_code rc;
	struct jw w;

	rc = decode_json(rq, policy_create_fields, &in, NULL);
	if (rc)
		return rc;
	policy_in_draft(&in, &draft);
	rc = sla_policy_create(rq->db, &rq->arena, &who, &draft, &p, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/sla/policies/%lld", (long long)p->id));
	resp_json(rs, 201, &w);
	sla_policy_to_json(&w, p);
	return SVC_OK;
}

/* PATCH /api/v1/sla/policies/{id} {version, target_min?, active?, ...} */
static enum svc_code
api_sla_policy_update(struct req *rq, struct resp *rs)
{
	struct policy_in in;
	struct sla_policy draft, *p;
	struct actor who = req_actor(rq);
	enum svc_code rc;
	unsigned present;
	int64_t id, version;
	struct jw w;

	memset(&in, 0, sizeof(in));
	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, policy_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	policy_in_draft(&in, &draft);
	rc = sla_policy_update(rq->db, &rq->arena, &who, id, version, &draft,
	    present, &p, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	sla_policy_to_json(&w, p);
	return SVC_OK;
}

/* ----- clocks ----- */

static const char *const clock_list_query[] = { "doc_kind", "doc_id",
	"due", "due_before", "owner_id", "metric", "limit", "cursor", NULL };

/* The clocks of one document (doc_kind and doc_id given). */
static enum svc_code
clock_list_doc(struct req *rq, struct resp *rs, const char *kind,
    int64_t doc_id, const struct calendar *cal, int64_t now)
{
	struct sla_clock **items;
	enum svc_code rc;
	struct jw w;
	size_t n;

	/* a customer user: its own company's documents only */
	rc = sla_get_for_scoped(rq->db, &rq->arena, kind, doc_id,
	    rq->who.customer_id, &items, &n, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		sla_clock_to_json(&w, items[i], cal, now);
	jw_arr_close(&w);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return SVC_OK;
}

/* "d.<due_at>.<id>" of a due list page. */
static enum svc_code
due_cursor(struct req *rq, int64_t *due, int64_t *id)
{
	const char *c = req_query(rq, "cursor"), *dot;

	*due = *id = 0;
	if (c == NULL || c[0] == '\0')
		return SVC_OK;
	dot = strncmp(c, "d.", 2) == 0 ? strchr(c + 2, '.') : NULL;
	if (dot == NULL || !str_to_i64(c + 2, (size_t)(dot - c - 2), 0,
	    INT64_MAX, due) || !str_to_i64(dot + 1, strlen(dot + 1), 1,
	    INT64_MAX, id))
		return svc_fail_field(&rq->err, SVC_EINVAL, "cursor", "invalid",
		    "'cursor' is not a cursor this server gave out");
	return SVC_OK;
}

/*
 * GET /api/v1/sla/clocks?doc_kind=service_request&doc_id=12: one
 * document's clocks; without doc_id: running clocks across documents,
 * soonest due first (?due=soon|overdue, due_before, owner_id=me, metric,
 * doc_kind), with the total, for the dashboard.
 */
static enum svc_code
api_sla_clock_list(struct req *rq, struct resp *rs)
{
	static const char *const dues[] = { "soon", "overdue", NULL };
	const char *kind = req_query(rq, "doc_kind"), *due;
	struct sla_due_filter f = { SLA_DUE_ANY, 0, 0, NULL, NULL };
	struct sla_clock **items;
	struct calendar *cal;
	enum svc_code rc;
	int64_t doc_id, total, lim, after_due, after_id, now = clock_now();
	struct jw w;
	size_t n;
	bool more;
	int limit;
	char tmp[48];

	rc = query_allow(rq, clock_list_query);
	if (rc == SVC_OK)
		rc = query_i64(rq, "doc_id", 1, INT64_MAX, 0, &doc_id);
	if (rc == SVC_OK)
		rc = cal_load(rq->db, &rq->arena, &cal, &rq->err);
	if (rc)
		return rc;
	if (kind != NULL && kind[0] == '\0')
		kind = NULL;
	if (doc_id != 0) {
		if (kind == NULL)
			return svc_fail_field(&rq->err, SVC_EINVAL, "doc_kind",
			    "required", "'doc_kind' is required with doc_id");
		return clock_list_doc(rq, rs, kind, doc_id, cal, now);
	}
	f.doc_kind = kind;
	f.customer_id = rq->who.customer_id; /* customers: their own */
	rc = query_enum(rq, "due", dues, &due);
	if (rc == SVC_OK)
		rc = query_time(rq, "due_before", &f.before);
	if (rc == SVC_OK)
		rc = query_id_or_me(rq, "owner_id", &f.owner_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "limit", 1, 200, 25, &lim);
	if (rc == SVC_OK)
		rc = due_cursor(rq, &after_due, &after_id);
	if (rc)
		return rc;
	limit = (int)lim;
	if (due != NULL)
		f.due = due[0] == 's' ? SLA_DUE_SOON : SLA_DUE_OVERDUE;
	f.metric = req_query(rq, "metric");
	if (f.metric != NULL && f.metric[0] == '\0')
		f.metric = NULL;
	rc = sla_due_list(rq->db, &rq->arena, &f, now, after_due, after_id,
	    limit, &items, &n, &more, &total, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		sla_clock_to_json(&w, items[i], cal, now);
	jw_arr_close(&w);
	jw_ki64(&w, "total", total);
	jw_key(&w, "next_cursor");
	if (more && n > 0) {
		snprintf(tmp, sizeof(tmp), "d.%lld.%lld",
		    (long long)items[n - 1]->due_at,
		    (long long)items[n - 1]->id);
		jw_str(&w, tmp);
	} else {
		jw_null(&w);
	}
	jw_obj_close(&w);
	return SVC_OK;
}

/*
 * GET /api/v1/sla/clocks/{id}: the clock with the explanation of its due
 * time; a customer user: only its own company's documents' clocks.
 */
static enum svc_code
api_sla_clock_get(struct req *rq, struct resp *rs)
{
	struct sla_clock *c;
	enum svc_code rc;
	int64_t id;
	struct jw w;
	struct buf b;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = sla_get_scoped(rq->db, &rq->arena, id, rq->who.customer_id,
		    &c, &rq->err);
	if (rc)
		return rc;
	buf_init(&b, 1u << 22);
	jw_init(&w, &b);
	rc = sla_explain(rq->db, &rq->arena, id, clock_now(), &w, &rq->err);
	if (rc == SVC_OK) {
		struct jw out;

		resp_json(rs, 200, &out);
		jw_raw(&out, b.p);
	}
	buf_release(&b);
	return rc;
}

/* ----- expected arrival, as a customer may see it ----- */

#define ARRIVALS_MAX 100

static const char *const arrivals_query[] = { "ids", NULL };

/* One request's arrival clock (the newest), if it has one, as an item. */
static enum svc_code
arrival_item(struct req *rq, struct jw *w, int64_t id)
{
	struct sla_clock **c, *k = NULL;
	enum svc_code rc;
	size_t n;

	rc = sla_get_for_scoped(rq->db, &rq->arena, "request", id,
	    rq->who.customer_id, &c, &n, &rq->err);
	if (rc == SVC_ENOTFOUND) {
		svc_err_clear(&rq->err);	/* not the caller's: left out */
		return SVC_OK;
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i]->metric, "arrival") == 0)
			k = c[i];
	if (k == NULL)
		return SVC_OK;
	jw_obj_open(w);
	jw_kid(w, "request_id", id);
	jw_kstr(w, "state", k->state == SLA_RUNNING ? "running" :
	    k->state == SLA_PAUSED ? "paused" : "stopped");
	if (k->state == SLA_PAUSED)
		jw_knull(w, "due_at");	/* moves when the clock resumes */
	else
		jw_ktime(w, "due_at", k->due_at);
	if (k->state == SLA_STOPPED)
		jw_ktime(w, "arrived_at", k->stopped_at);
	else
		jw_knull(w, "arrived_at");
	jw_kstr(w, "outcome", k->outcome);
	jw_obj_close(w);
	return SVC_OK;
}

/*
 * GET /api/v1/sla/arrivals?ids=1,2,3: the expected arrival of each request
 * (its arrival clock's due time), for readers of requests who may not read
 * the SLA (the customer's portal).  Nothing internal: no policy, target,
 * owner or basis.  A request without an arrival clock, another company's
 * (a customer user) or one that does not exist is left out.
 */
static enum svc_code
api_sla_arrivals(struct req *rq, struct resp *rs)
{
	const char *v = req_query(rq, "ids"), *p, *e;
	int64_t ids[ARRIVALS_MAX];
	enum svc_code rc;
	struct jw w;
	size_t n = 0;

	rc = query_allow(rq, arrivals_query);
	if (rc)
		return rc;
	if (v == NULL || v[0] == '\0')
		return svc_fail_field(&rq->err, SVC_EINVAL, "ids", "required",
		    "'ids' is required: request ids separated by commas");
	for (p = v; ; p = e + 1) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (n == ARRIVALS_MAX)
			return svc_fail_field(&rq->err, SVC_EINVAL, "ids",
			    "too_many", "'ids' takes at most %d ids",
			    ARRIVALS_MAX);
		if (!str_to_i64(p, (size_t)(e - p), 1, INT64_MAX, &ids[n]))
			return svc_fail_field(&rq->err, SVC_EINVAL, "ids",
			    "invalid", "'ids' must be request ids separated "
			    "by commas");
		n++;
		if (*e == '\0')
			break;
	}
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i; j++)
			dup = dup || ids[j] == ids[i];
		if (dup)
			continue;
		rc = arrival_item(rq, &w, ids[i]);
		if (rc)
			return rc;
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return SVC_OK;
}

/* ----- notifications ----- */

static const char *const notify_query[] = { "unread", "limit", "cursor",
	NULL };

/* GET /api/v1/notifications?unread=true&limit=&cursor= (mine, newest first) */
static enum svc_code
api_notify_list(struct req *rq, struct resp *rs)
{
	const char *unread = req_query(rq, "unread");
	struct notification *items;
	enum svc_code rc;
	struct jw w;
	int64_t before, count;
	int limit;
	size_t n;
	bool more, only = false;

	rc = query_allow(rq, notify_query);
	if (rc == SVC_OK)
		rc = list_params(rq, &before, &limit);
	if (rc)
		return rc;
	if (unread != NULL) {
		if (strcmp(unread, "true") == 0)
			only = true;
		else if (strcmp(unread, "false") != 0)
			return svc_fail_field(&rq->err, SVC_EINVAL, "unread",
			    "invalid", "'unread' must be true or false");
	}
	rc = notify_list(rq->db, &rq->arena, rq->who.user_id, only, before,
	    limit, &items, &n, &more, &count, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		notification_to_json(&w, &items[i]);
	jw_arr_close(&w);
	list_next_cursor(&w, more, n ? items[n - 1].id : 0);
	jw_ki64(&w, "unread_count", count);
	jw_obj_close(&w);
	return SVC_OK;
}

/* POST /api/v1/notifications/{id}/read */
static enum svc_code
api_notify_read(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct notification *n;
	enum svc_code rc;
	struct jw w;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = notify_mark_read(rq->db, &rq->arena, &who, rq->who.user_id,
		    id, &n, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	notification_to_json(&w, n);
	return SVC_OK;
}

/* POST /api/v1/notifications/read-all (mine only) */
static enum svc_code
api_notify_read_all(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	struct jw w;
	int64_t n;

	rc = notify_mark_all_read(rq->db, &who, rq->who.user_id, &n,
	    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_ki64(&w, "marked", n);
	jw_ki64(&w, "unread_count", 0);
	jw_obj_close(&w);
	return SVC_OK;
}

/* ----- the routes ----- */

/* The policies list as a file (?format=csv|xlsx). */
static const struct tcol policy_cols[] = {
	{ "id", "编号", "ID", COL_INT },
	{ "name", "名称", "Name", COL_TEXT },
	{ "metric", "考核项", "Metric", COL_TEXT },
	{ "request_type", "工单类型", "Request type", COL_TEXT },
	{ "severity", "紧急程度", "Severity", COL_TEXT },
	{ "region_class", "地区类别", "Region class", COL_TEXT },
	{ "distance_min_km", "最小距离(公里)", "Min distance (km)", COL_INT },
	{ "distance_max_km", "最大距离(公里)", "Max distance (km)", COL_INT },
	{ "mode", "计时方式", "Mode", COL_TEXT },
	{ "target_min", "时限(分钟)", "Target (min)", COL_INT },
	{ "warn_min", "预警(分钟)", "Warning (min)", COL_INT },
	{ "active", "启用", "Active", COL_BOOL },
};

static const struct export_cols policy_export = {
	policy_cols, sizeof(policy_cols) / sizeof(policy_cols[0]),
	"sla-policies", "服务时限政策", "SLA policies",
};

#define J (R_JSON)
#define W (R_WRITE)

const struct route sla_routes[] = {
	{ HTTP_GET, "/api/v1/calendar", api_cal_get, NULL, "calendar.read", 0,
	    "calendar", "the business calendar: weekly working hours, time "
	    "zone, version", NULL, NULL },
	{ HTTP_PUT, "/api/v1/calendar/hours", api_cal_set_hours, NULL,
	    "calendar.manage", W | J, "calendar", "replace the weekly working "
	    "hours (every day, several intervals a day)", week_fields, NULL },
	{ HTTP_GET, "/api/v1/calendar/days", api_cal_day_list, NULL,
	    "calendar.read", 0, "calendar", "holidays and make-up working days "
	    "(调休), by date", NULL, day_list_query },
	{ HTTP_POST, "/api/v1/calendar/days", api_cal_day_add, NULL,
	    "calendar.manage", W | J | R_IDEMPOTENT, "calendar",
	    "add a holiday or a special working day", day_fields, NULL },
	{ HTTP_DELETE, "/api/v1/calendar/days/{date}", api_cal_day_delete, NULL,
	    "calendar.manage", W, "calendar", "remove the special day of a date "
	    "(YYYY-MM-DD)", NULL, NULL },
	{ HTTP_GET, "/api/v1/sla/preview", api_sla_preview, NULL,
	    "calendar.read", 0, "sla", "the due time of a start plus a target, "
	    "explained day by day", NULL, preview_query },
	{ HTTP_GET, "/api/v1/sla/select", api_sla_select, NULL, "sla.read", 0,
	    "sla", "which policy applies to a document's values, and why", NULL,
	    select_query },
	{ HTTP_GET, "/api/v1/sla/policies", api_sla_policy_list, NULL,
	    "sla.read", 0, "sla", "list SLA policies", NULL, policy_list_query,
	    .export = &policy_export },
	{ HTTP_POST, "/api/v1/sla/policies", api_sla_policy_create, NULL,
	    "sla.manage", W | J | R_IDEMPOTENT, "sla", "create an SLA policy",
	    policy_create_fields, NULL },
	{ HTTP_GET, "/api/v1/sla/policies/{id}", api_sla_policy_get, NULL,
	    "sla.read", 0, "sla", "one SLA policy", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/sla/policies/{id}", api_sla_policy_update, NULL,
	    "sla.manage", W | J, "sla", "change an SLA policy (running clocks "
	    "keep their target)", policy_update_fields, NULL },
	{ HTTP_GET, "/api/v1/sla/clocks", api_sla_clock_list, NULL, "sla.read",
	    0, "sla", "the SLA clocks of a document (doc_kind, doc_id), or the "
	    "running clocks of every document soonest due first (due=soon|"
	    "overdue, due_before, owner_id=me, metric, doc_kind; with total)",
	    NULL, clock_list_query },
	{ HTTP_GET, "/api/v1/sla/clocks/{id}", api_sla_clock_get, NULL,
	    "sla.read", 0, "sla", "one SLA clock with the explanation of its "
	    "due time", NULL, NULL },
	{ HTTP_GET, "/api/v1/sla/arrivals", api_sla_arrivals, NULL,
	    "request.read", 0, "sla", "the expected arrival of requests (ids=1,"
	    "2,3): each one's arrival due time, state and arrival, nothing "
	    "internal; for readers without sla.read (the customer's portal)",
	    NULL, arrivals_query },
	{ HTTP_GET, "/api/v1/notifications", api_notify_list, NULL,
	    "notification.self", 0, "notifications", "my notifications, newest "
	    "first, with the unread count; each with its code and args for "
	    "rendering in the reader's language", NULL, notify_query },
	{ HTTP_POST, "/api/v1/notifications/read-all", api_notify_read_all,
	    NULL, "notification.self", W, "notifications", "mark all my "
	    "notifications read", NULL, NULL },
	{ HTTP_POST, "/api/v1/notifications/{id}/read", api_notify_read, NULL,
	    "notification.self", W, "notifications", "mark one of my "
	    "notifications read", NULL, NULL },
};

const size_t sla_nroutes = sizeof(sla_routes) / sizeof(sla_routes[0]);
