/*
 * api_meta — health, metrics and the OpenAPI document.
 */
#include "api/api.h"

/* GET /healthz */
enum svc_code
api_healthz(struct req *rq, struct resp *rs)
{
	struct jw w;
	int64_t one = 0;
	enum svc_code rc;

	rc = db_one_i64(rq->db, "SELECT 1", DB_NOARGS, &one, &rq->err);
	if (rc != SVC_OK || one != 1) {
		resp_json(rs, 503, &w);
		jw_obj_open(&w);
		jw_kstr(&w, "status", "unavailable");
		jw_kstr(&w, "reason", "the database does not answer");
		jw_obj_close(&w);
		return SVC_OK;
	}
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_kstr(&w, "status", "ok");
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /metrics */
enum svc_code
api_metrics(struct req *rq, struct resp *rs)
{
	rs->status = 200;
	rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(rq->app, &rs->body);
	return SVC_OK;
}

/* GET /api/v1/openapi.json */
enum svc_code
api_openapi(struct req *rq, struct resp *rs)
{
	(void)rq;
	rs->status = 200;
	openapi_render(&rs->body);
	return SVC_OK;
}
