/*
 * api_report — reports (GET /api/v1/reports/...) and the no-op route the
 * benchmarks measure the HTTP ceiling with (GET /api/v1/ping).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/report/report.h"
#include "domain/user/user.h"
#include "util/clock.h"

/* GET /api/v1/ping: no database, no authentication: the HTTP ceiling. */
static enum svc_code
ping_h(struct req *rq, struct resp *rs)
{
	(void)rq;
	rs->status = 200;
	rs->static_body = "{\"pong\":true}";
	rs->static_len = sizeof("{\"pong\":true}") - 1;
	return SVC_OK;
}

static const char *const monthly_query[] = { "month", NULL };

/* GET /api/v1/reports/requests-monthly?month=YYYY-MM */
static enum svc_code
requests_monthly_h(struct req *rq, struct resp *rs)
{
	struct report_count *cells;
	const char *m;
	enum svc_code rc;
	struct jw w;
	int64_t total;
	int year = 0, month = 0;
	size_t n;
	char tail;

	rc = query_allow(rq, monthly_query);
	if (rc)
		return rc;
	m = req_query(rq, "month");
	if (m == NULL || m[0] == '\0')
		return svc_fail_field(&rq->err, SVC_EINVAL, "month", "required",
		    "'month' (YYYY-MM) is required");
	if (strlen(m) != 7 || sscanf(m, "%4d-%2d%c", &year, &month,
	    &tail) != 2 || m[4] != '-' || m[0] < '0' || m[0] > '9' ||
	    m[5] < '0' || m[5] > '9')
		return svc_fail_field(&rq->err, SVC_EINVAL, "month", "invalid",
		    "'month' must be YYYY-MM");
	rc = report_requests_monthly(rq->db, &rq->arena, year, month, &cells,
	    &n, &total, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_kstr(&w, "month", arena_printf(&rq->arena, "%04d-%02d", year,
	    month));
	jw_ki64(&w, "total", total);
	jw_key(&w, "by_type");
	jw_obj_open(&w);
	for (size_t i = 0; i < n; i++) {
		int64_t sum = cells[i].count;

		if (i > 0 && strcmp(cells[i].type, cells[i - 1].type) == 0)
			continue;
		for (size_t k = i + 1; k < n &&
		    strcmp(cells[k].type, cells[i].type) == 0; k++)
			sum += cells[k].count;
		jw_ki64(&w, cells[i].type, sum);
	}
	jw_obj_close(&w);
	jw_key(&w, "by_state");
	jw_obj_open(&w);
	for (size_t i = 0; i < n; i++) {
		int64_t sum = 0;
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(cells[k].state, cells[i].state) == 0;
		if (seen)
			continue;
		for (size_t k = i; k < n; k++)
			if (strcmp(cells[k].state, cells[i].state) == 0)
				sum += cells[k].count;
		jw_ki64(&w, cells[i].state, sum);
	}
	jw_obj_close(&w);
	jw_key(&w, "rows");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_open(&w);
		jw_kstr(&w, "type", cells[i].type);
		jw_kstr(&w, "state", cells[i].state);
		jw_ki64(&w, "count", cells[i].count);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return SVC_OK;
}

/* A YYYY-MM query parameter as YYYYMM; def when absent. */
static enum svc_code
query_month(struct req *rq, const char *name, int def, int *out)
{
	const char *m = req_query(rq, name);
	int year = 0, month = 0;
	char tail;

	*out = def;
	if (m == NULL || m[0] == '\0')
		return SVC_OK;
	if (strlen(m) != 7 || sscanf(m, "%4d-%2d%c", &year, &month,
	    &tail) != 2 || m[4] != '-' || m[0] < '0' || m[0] > '9' ||
	    m[5] < '0' || m[5] > '9')
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be YYYY-MM", name);
	*out = year * 100 + month;
	return SVC_OK;
}

static const char *const dashboard_query[] = { "from", "to", NULL };

/*
 * GET /api/v1/reports/dashboard?from=YYYY-MM&to=YYYY-MM: the months (by
 * default the twelve up to this one) by type and state, the open requests
 * (all, severe, mine) and those created today, in one answer.  What the
 * request list would count (request.read): a customer user's own only.
 */
static enum svc_code
dashboard_h(struct req *rq, struct resp *rs)
{
	struct report_dashboard d;
	enum svc_code rc;
	struct jw w;
	int today = clock_local_ymd(clock_now()), to = today / 100, from,
	    def_from;

	rc = query_allow(rq, dashboard_query);
	if (rc == SVC_OK)
		rc = query_month(rq, "to", to, &to);
	def_from = to % 100 == 12 ? to - 11 : (to / 100 - 1) * 100 +
	    to % 100 + 1;
	if (rc == SVC_OK)
		rc = query_month(rq, "from", def_from, &from);
	if (rc == SVC_OK)
		rc = report_dashboard(rq->db, &rq->arena, from, to,
		    rq->who.user_id, rq->who.customer_id, today, &d,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_kstr(&w, "from", arena_printf(&rq->arena, "%04d-%02d", from / 100,
	    from % 100));
	jw_kstr(&w, "to", arena_printf(&rq->arena, "%04d-%02d", to / 100,
	    to % 100));
	jw_kstr(&w, "today", arena_printf(&rq->arena, "%04d-%02d-%02d",
	    today / 10000, today / 100 % 100, today % 100));
	jw_key(&w, "months");
	jw_arr_open(&w);
	for (size_t i = 0; i < d.nmonths; i++) {
		const struct report_month *m = &d.months[i];

		jw_obj_open(&w);
		jw_kstr(&w, "month", arena_printf(&rq->arena, "%04d-%02d",
		    m->ym / 100, m->ym % 100));
		jw_ki64(&w, "total", m->total);
		jw_key(&w, "rows");
		jw_arr_open(&w);
		for (size_t k = 0; k < m->n; k++) {
			jw_obj_open(&w);
			jw_kstr(&w, "type", m->cells[k].type);
			jw_kstr(&w, "state", m->cells[k].state);
			jw_ki64(&w, "count", m->cells[k].count);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_key(&w, "open");
	jw_obj_open(&w);
	jw_ki64(&w, "total", d.open);
	jw_ki64(&w, "severe", d.open_severe);
	jw_ki64(&w, "mine", d.open_mine);
	jw_obj_close(&w);
	jw_ki64(&w, "created_today", d.today);
	jw_obj_close(&w);
	return SVC_OK;
}

/* ----- the report catalogue (domain/report/catalog.c) ----- */

/* the query parameters of the filters, by bit of enum report_filter */
static const struct {
	const char *name;
	unsigned bit;
} filter_params[] = {
	{ "from", REPORT_F_PERIOD },
	{ "to", REPORT_F_PERIOD },
	{ "department_id", REPORT_F_DEPT },
	{ "model_id", REPORT_F_MODEL },
	{ "customer_id", REPORT_F_CUSTOMER },
	{ "user_id", REPORT_F_PERSON },
};
#define NFILTER_PARAMS (sizeof(filter_params) / sizeof(filter_params[0]))

static const char *const run_query[] = { "from", "to", "department_id",
	"model_id", "customer_id", "user_id", "format", "lang", NULL };

static const char *const chart_kinds[] = { "none", "bar", "line", "pie",
	"pareto" };

/* as table_json() (api/export.c) names them */
static const char *const col_types[] = { "text", "integer", "money", "date",
	"time", "ratio", "number", "boolean" };

/*
 * May the caller run def?  A customer user only the reports declared for
 * customers (over its own company), whatever its roles grant; staff by the
 * report's permission.
 */
static enum svc_code
may_run(struct req *rq, const struct report_def *def, bool *ok)
{
	*ok = false;
	if (rq->who.customer_id != 0 && !def->customer)
		return SVC_OK;
	return perm_allowed(rq->db, rq->who.user_id, def->perm, ok, &rq->err);
}

static void
def_head_json(struct jw *w, const struct report_def *def)
{
	jw_kstr(w, "key", def->key);
	jw_kstr(w, "title_zh", def->zh);
	jw_kstr(w, "title_en", def->en);
}

static void
def_chart_json(struct jw *w, const struct report_def *def)
{
	jw_key(w, "chart");
	jw_obj_open(w);
	jw_kstr(w, "kind", chart_kinds[def->chart.kind]);
	jw_kstr(w, "x", def->chart.x);
	jw_key(w, "y");
	jw_arr_open(w);
	for (size_t i = 0; def->chart.y != NULL && def->chart.y[i] != NULL;
	    i++)
		jw_str(w, def->chart.y[i]);
	jw_arr_close(w);
	jw_obj_close(w);
}

static void
def_cols_json(struct jw *w, const struct report_def *def)
{
	jw_key(w, "columns");
	jw_arr_open(w);
	for (size_t i = 0; i < def->ncols; i++) {
		jw_obj_open(w);
		jw_kstr(w, "key", def->cols[i].key);
		jw_kstr(w, "type", col_types[def->cols[i].type]);
		jw_kstr(w, "zh", def->cols[i].zh);
		jw_kstr(w, "en", def->cols[i].en);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	def_chart_json(w, def);
}

/* GET /api/v1/reports: the reports the caller may run */
static enum svc_code
catalogue_h(struct req *rq, struct resp *rs)
{
	enum svc_code rc;
	struct jw w;
	bool ok;

	rc = query_allow(rq, NULL);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < report_ndefs; i++) {
		const struct report_def *def = &report_defs[i];

		rc = may_run(rq, def, &ok);
		if (rc)
			return rc;
		if (!ok)
			continue;
		jw_obj_open(&w);
		def_head_json(&w, def);
		jw_key(&w, "filters");
		jw_arr_open(&w);
		for (size_t k = 0; k < NFILTER_PARAMS; k++)
			if (def->filters & filter_params[k].bit)
				jw_str(&w, filter_params[k].name);
		jw_arr_close(&w);
		def_cols_json(&w, def);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	return SVC_OK;
}

/* the filters of the query; refuses one def does not take, naming it */
static enum svc_code
run_filters(struct req *rq, const struct report_def *def,
    struct report_filters *f)
{
	enum svc_code rc;
	int64_t *ids[] = { &f->department_id, &f->model_id, &f->customer_id,
		&f->user_id };
	int now_ym, def_from;

	memset(f, 0, sizeof(*f));
	f->now = clock_now();
	rc = query_allow(rq, run_query);
	if (rc)
		return rc;
	for (size_t k = 0; k < NFILTER_PARAMS; k++) {
		const char *v = req_query(rq, filter_params[k].name);

		if (v != NULL && !(def->filters & filter_params[k].bit))
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    filter_params[k].name, "not_allowed", "report "
			    "'%s' does not take '%s'", def->key,
			    filter_params[k].name);
	}
	now_ym = clock_local_ymd(f->now) / 100;
	rc = query_month(rq, "to", now_ym, &f->to_ym);
	def_from = f->to_ym % 100 == 12 ? f->to_ym - 11 :
	    (f->to_ym / 100 - 1) * 100 + f->to_ym % 100 + 1;
	if (rc == SVC_OK)
		rc = query_month(rq, "from", def_from, &f->from_ym);
	for (size_t k = 2; rc == SVC_OK && k < NFILTER_PARAMS; k++)
		rc = query_i64(rq, filter_params[k].name, 1, INT64_MAX, 0,
		    ids[k - 2]);
	if (rc)
		return rc;
	/* a customer user: its own company only; another's is not found */
	if (rq->who.customer_id != 0) {
		if (f->customer_id != 0 &&
		    f->customer_id != rq->who.customer_id)
			return svc_fail_field(&rq->err, SVC_ENOTFOUND,
			    "customer_id", "not_found", "no customer %lld",
			    (long long)f->customer_id);
		f->customer_id = rq->who.customer_id;
	}
	return SVC_OK;
}

/*
 * GET /api/v1/reports/{key}?from=YYYY-MM&to=YYYY-MM&department_id=
 * &model_id=&customer_id=&user_id=&format=json|csv|xlsx|pdf&lang=: one
 * report of the catalogue, as JSON or as a file (api_send_table)
 */
static enum svc_code
report_run_h(struct req *rq, struct resp *rs)
{
	const struct report_def *def = report_find(rq->params[0]);
	struct report_filters f;
	struct table t;
	enum svc_code rc;
	enum out_fmt fmt;
	struct jw w;
	bool ok;

	if (def == NULL)
		return svc_fail(&rq->err, SVC_ENOTFOUND, "key", "no report "
		    "'%.40s'", rq->params[0] ? rq->params[0] : "");
	rc = may_run(rq, def, &ok);
	if (rc)
		return rc;
	if (!ok)
		return svc_fail(&rq->err, SVC_EPERM, NULL, rq->who.customer_id ?
		    "report '%s' is for staff" : "your roles do not grant '%s'",
		    rq->who.customer_id ? def->key : def->perm);
	rc = run_filters(rq, def, &f);
	if (rc)
		return rc;
	rc = api_out_format(rq, true, &fmt);
	if (rc == SVC_OK)
		rc = report_run(rq->db, &rq->arena, def, &f, &t, &rq->err);
	if (rc)
		return rc;
	if (fmt != OUT_JSON)
		return api_send_table(rq, rs, fmt, &t, &def->chart,
		    api_lang(rq)[0] == 'e' ? def->en : def->zh, def->key);
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	def_head_json(&w, def);
	jw_key(&w, "filters");
	jw_obj_open(&w);
	if (def->filters & REPORT_F_PERIOD) {
		jw_kstr(&w, "from", arena_printf(&rq->arena, "%04d-%02d",
		    f.from_ym / 100, f.from_ym % 100));
		jw_kstr(&w, "to", arena_printf(&rq->arena, "%04d-%02d",
		    f.to_ym / 100, f.to_ym % 100));
	}
	if (def->filters & REPORT_F_DEPT && f.department_id)
		jw_ki64(&w, "department_id", f.department_id);
	if (def->filters & REPORT_F_MODEL && f.model_id)
		jw_ki64(&w, "model_id", f.model_id);
	if (def->filters & REPORT_F_CUSTOMER && f.customer_id)
		jw_ki64(&w, "customer_id", f.customer_id);
	if (def->filters & REPORT_F_PERSON && f.user_id)
		jw_ki64(&w, "user_id", f.user_id);
	jw_obj_close(&w);
	table_json(&w, &t);
	def_chart_json(&w, def);
	jw_obj_close(&w);
	return SVC_OK;
}

const struct route report_routes[] = {
	{ HTTP_GET, "/api/v1/ping", ping_h, NULL, NULL, R_PUBLIC,
	    "operations", "no-op: answers at once (the HTTP ceiling for "
	    "benchmarks)", NULL, NULL },
	{ HTTP_GET, "/api/v1/reports/requests-monthly", requests_monthly_h,
	    NULL, "report.read", 0, "reports", "service requests created in a "
	    "month (?month=YYYY-MM), counted by type and state", NULL,
	    monthly_query },
	{ HTTP_GET, "/api/v1/reports/dashboard", dashboard_h, NULL,
	    "request.read", 0, "reports", "the dashboard in one answer: the "
	    "requests created in each month of ?from=YYYY-MM&to=YYYY-MM "
	    "(default the last 12, at most 36) by type and state, the open "
	    "requests (total, severe, mine) and those created today; a "
	    "customer user's of its company only", NULL, dashboard_query },
	{ HTTP_GET, "/api/v1/reports", catalogue_h, NULL, "request.read", 0,
	    "reports", "the report catalogue: the reports the caller may run "
	    "with their filters, columns and chart", NULL, NULL },
	{ HTTP_GET, "/api/v1/reports/{key}", report_run_h, NULL,
	    "request.read", 0, "reports", "run a report of the catalogue: "
	    "?from=YYYY-MM&to=YYYY-MM (default the last 12 months, at most 36)"
	    " and the filters it takes (department_id, model_id, customer_id, "
	    "user_id); format=csv|xlsx|pdf answers a file (lang=en|zh-CN "
	    "labels); each report needs its own permission; a customer user "
	    "runs only request-cycle and consultations, over its own company",
	    NULL, run_query },
};

const size_t report_nroutes = sizeof(report_routes) / sizeof(report_routes[0]);
