/*
 * history — the documents of a customer's history (SPEC §3 "病史档案"):
 * the requests and the returns, newest first, and for cost readers the
 * costs of its service and the parts it received, added to the customer's
 * record by the master module's history (master_history_extra()).
 */
#include "domain/master/master.h"
#include "domain/request/request.h"
#include "domain/rma/rma.h"
#include "domain/stock/stock.h"

#define HISTORY_DOCS_MAX 100

enum svc_code
master_history_extra(struct db *db, struct arena *a, int64_t customer_id,
    unsigned show, struct jw *w, struct svc_err *err)
{
	struct request_caller rc_staff = { .customer_id = 0 };
	struct rma_caller mc_staff = { .customer_id = 0 };
	struct request_filter rf = { .customer_id = customer_id };
	struct rma_filter mf = { .customer_id = customer_id };
	struct request **reqs;
	struct rma **rmas;
	enum svc_code rc;
	size_t n;
	bool more;

	/* the caller already checked that this customer may be read */
	rc = request_list(db, a, &rc_staff, &rf, 0, HISTORY_DOCS_MAX, &reqs, &n,
	    &more, err);
	if (rc)
		return rc;
	jw_key(w, "requests");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		request_to_json(w, reqs[i]);
	jw_arr_close(w);
	jw_kbool(w, "requests_more", more);
	rc = rma_list(db, a, &mc_staff, &mf, 0, HISTORY_DOCS_MAX, &rmas, &n,
	    &more, err);
	if (rc)
		return rc;
	jw_key(w, "returns");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++)
		rma_to_json(w, rmas[i]);
	jw_arr_close(w);
	jw_kbool(w, "returns_more", more);
	if (!(show & HISTORY_COSTS))
		return SVC_OK;
	jw_key(w, "costs");
	return cost_customer_json(db, w, customer_id, err);
}
