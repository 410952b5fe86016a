/*
 * api_report — reports (GET /api/v1/reports/...) and the no-op route the
 * benchmarks measure the HTTP ceiling with (GET /api/v1/ping).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/report/report.h"
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
};

const size_t report_nroutes = sizeof(report_routes) / sizeof(report_routes[0]);
