/*
 * api_report — reports (GET /api/v1/reports/...) and the no-op route the
 * benchmarks measure the HTTP ceiling with (GET /api/v1/ping).
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/report/report.h"

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

const struct route report_routes[] = {
	{ HTTP_GET, "/api/v1/ping", ping_h, NULL, NULL, R_PUBLIC,
	    "operations", "no-op: answers at once (the HTTP ceiling for "
	    "benchmarks)", NULL, NULL },
	{ HTTP_GET, "/api/v1/reports/requests-monthly", requests_monthly_h,
	    NULL, "report.read", 0, "reports", "service requests created in a "
	    "month (?month=YYYY-MM), counted by type and state", NULL,
	    monthly_query },
};

const size_t report_nroutes = sizeof(report_routes) / sizeof(report_routes[0]);
