/*
 * rma_report — what finance and the managers read about returns: every
 * customer's exchange ratio against its limit (finance's watch, seed 000
 * 3.8 and 4.2.11), returns per customer and period with quantities,
 * amounts and the ratio, open returns by step with their age; and the
 * settings of exchange-ratio control.
 *
 * The figures come from rma_limits_of(), the same function the review
 * guards use, so what finance sees is what the reviews check.
 */
#include "domain/rma/rma.h"

#include <stdio.h>
#include <string.h>

#include "domain/rma/rma_int.h"

static void
jw_kday(struct jw *w, const char *k, int ymd)
{
	char tmp[16];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	jw_kstr(w, k, tmp);
}

static const char *
status_of(const struct rma_limits *l)
{
	if (!l->ratio_ok)
		return "over";
	return l->warn ? "warning" : "ok";
}

enum svc_code
rma_ratios_json(struct db *db, struct arena *a, struct jw *w, int day,
    int64_t customer_id, int64_t after_id, int limit, int64_t *last_id,
    bool *more, struct svc_err *err)
{
	struct rma_limits *l;
	struct dbq *q;
	enum svc_code rc;
	int64_t *ids;
	char **codes, **names;
	size_t n = 0;

	ids = arena_alloc(a, (size_t)(limit + 1) * sizeof(*ids));
	codes = arena_alloc(a, (size_t)(limit + 1) * sizeof(*codes));
	names = arena_alloc(a, (size_t)(limit + 1) * sizeof(*names));
	if (ids == NULL || codes == NULL || names == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT id, code, name FROM customers"
	    " WHERE active = 1 AND id > ? AND (? = 0 OR id = ?)"
	    " ORDER BY id LIMIT ?", DB_ARGS(DB_I(after_id), DB_I(customer_id),
	    DB_I(customer_id), DB_I(limit + 1)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && n <= (size_t)limit) {
		ids[n] = db_i64(q, 0);
		codes[n] = db_dup(q, 1, a);
		names[n++] = db_dup(q, 2, a);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	*more = n > (size_t)limit;
	if (*more)
		n = (size_t)limit;
	*last_id = n ? ids[n - 1] : 0;
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		rc = rma_limits_of(db, a, ids[i], day, 0, 0, &l, err);
		if (rc)
			return rc;
		jw_obj_open(w);
		jw_ki64(w, "customer_id", ids[i]);
		jw_kstr(w, "customer_code", codes[i]);
		jw_kstr(w, "customer_name", names[i]);
		jw_kstr(w, "status", status_of(l));
		jw_key(w, "limits");
		rma_limits_json(w, l);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return SVC_OK;
}

enum svc_code
rma_report_customers(struct db *db, struct arena *a, int from, int to,
    int64_t customer_id, struct rma_cust_report **out, size_t *nout,
    struct svc_err *err)
{
	struct rma_cust_report *rows;
	struct rma_limits *l;
	struct dbq *q;
	enum svc_code rc;
	size_t n = 0, max = RMA_REPORT_MAX_CUSTOMERS;

	*out = NULL;
	*nout = 0;
	rows = arena_alloc(a, max * sizeof(*rows));
	if (rows == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT r.customer_id, c.code, c.name, count(*),"
	    " CAST(sum(r.total_quantity) AS BIGINT),"
	    " CAST(sum(r.total_amount_fen) AS BIGINT),"
	    " CAST(sum(CASE WHEN r.reason = 'unsalable' AND r.state IN "
	    RMA_COUNTED_STATES " THEN r.total_quantity ELSE 0 END) AS BIGINT),"
	    " CAST(sum(CASE WHEN r.reason = 'unsalable' AND r.state IN "
	    RMA_COUNTED_STATES " THEN r.total_amount_fen ELSE 0 END) AS BIGINT),"
	    " CAST(sum(CASE WHEN r.received_at IS NOT NULL THEN"
	    " r.total_quantity ELSE 0 END) AS BIGINT),"
	    " CAST(sum(CASE WHEN r.received_at IS NOT NULL THEN"
	    " r.total_amount_fen ELSE 0 END) AS BIGINT),"
	    " CAST(sum(r.refund_fen) AS BIGINT),"
	    " CAST(sum(CASE WHEN r.state IN " RMA_OPEN_STATES " THEN 1 ELSE 0"
	    " END) AS BIGINT)"
	    " FROM returns r JOIN customers c ON c.id = r.customer_id"
	    " WHERE r.filed_day >= ? AND r.filed_day <= ?"
	    " AND r.state <> 'cancelled' AND (? = 0 OR r.customer_id = ?)"
	    " GROUP BY r.customer_id, c.code, c.name ORDER BY r.customer_id"
	    " LIMIT 1000", DB_ARGS(DB_I(from), DB_I(to), DB_I(customer_id),
	    DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && n < max) {
		struct rma_cust_report *r = &rows[n++];

		memset(r, 0, sizeof(*r));
		r->customer_id = db_i64(q, 0);
		r->code = db_dup(q, 1, a);
		r->name = db_dup(q, 2, a);
		r->forms = db_i64(q, 3);
		r->qty = db_i64(q, 4);
		r->amount = db_i64(q, 5);
		r->exch_qty = db_i64(q, 6);
		r->exch_amount = db_i64(q, 7);
		r->recv_qty = db_i64(q, 8);
		r->recv_amount = db_i64(q, 9);
		r->refunded = db_i64(q, 10);
		r->open = db_i64(q, 11);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct rma_cust_report *r = &rows[i];

		rc = db_one_i64(db, "SELECT CAST(coalesce(sum(amount_fen), 0)"
		    " AS BIGINT) FROM sales_records WHERE customer_id = ?"
		    " AND sale_date >= ? AND sale_date <= ?",
		    DB_ARGS(DB_I(r->customer_id), DB_I(from), DB_I(to)),
		    &r->purchases, err);
		if (rc == SVC_OK)
			rc = rma_limits_of(db, a, r->customer_id, to, 0, 0, &l,
			    err);
		if (rc)
			return rc;
		r->ratio_ppm = rma_ratio_ppm(r->exch_amount, r->purchases);
		r->limit_bp = l->limit_bp;
		r->limit_source = l->source;
		r->contract_no = l->contract_id ? l->contract_no : NULL;
		r->within = rma_ratio_within(r->exch_amount, r->purchases,
		    l->limit_bp);
	}
	*out = rows;
	*nout = n;
	return SVC_OK;
}

enum svc_code
rma_report_customers_json(struct db *db, struct arena *a, struct jw *w,
    int from, int to, int64_t customer_id, struct svc_err *err)
{
	struct rma_cust_report *rows, tot;
	enum svc_code rc;
	size_t n;
	char ratio[32];

	rc = rma_report_customers(db, a, from, to, customer_id, &rows, &n,
	    err);
	if (rc)
		return rc;
	memset(&tot, 0, sizeof(tot));
	jw_obj_open(w);
	jw_kday(w, "from", from);
	jw_kday(w, "to", to);
	jw_key(w, "items");
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		const struct rma_cust_report *r = &rows[i];

		rma_format_ppm(r->ratio_ppm, ratio, sizeof(ratio));
		jw_obj_open(w);
		jw_ki64(w, "customer_id", r->customer_id);
		jw_kstr(w, "customer_code", r->code);
		jw_kstr(w, "customer_name", r->name);
		jw_ki64(w, "forms", r->forms);
		jw_ki64(w, "open", r->open);
		jw_ki64(w, "quantity", r->qty);
		jw_ki64(w, "amount_fen", r->amount);
		jw_ki64(w, "exchanged_quantity", r->exch_qty);
		jw_ki64(w, "exchanged_fen", r->exch_amount);
		jw_ki64(w, "received_quantity", r->recv_qty);
		jw_ki64(w, "received_amount_fen", r->recv_amount);
		jw_ki64(w, "refunded_fen", r->refunded);
		jw_ki64(w, "purchases_fen", r->purchases);
		jw_kstr(w, "ratio", ratio);
		jw_ki64(w, "limit_bp", r->limit_bp);
		jw_kstr(w, "limit_source", r->limit_source);
		jw_kstr(w, "contract_no", r->contract_no);
		jw_kbool(w, "within_limit", r->within);
		jw_obj_close(w);
		tot.forms += r->forms;
		tot.open += r->open;
		tot.qty += r->qty;
		tot.amount += r->amount;
		tot.exch_qty += r->exch_qty;
		tot.exch_amount += r->exch_amount;
		tot.recv_qty += r->recv_qty;
		tot.recv_amount += r->recv_amount;
		tot.refunded += r->refunded;
		tot.purchases += r->purchases;
	}
	jw_arr_close(w);
	jw_key(w, "totals");
	jw_obj_open(w);
	jw_ki64(w, "customers", (int64_t)n);
	jw_ki64(w, "forms", tot.forms);
	jw_ki64(w, "open", tot.open);
	jw_ki64(w, "quantity", tot.qty);
	jw_ki64(w, "amount_fen", tot.amount);
	jw_ki64(w, "exchanged_quantity", tot.exch_qty);
	jw_ki64(w, "exchanged_fen", tot.exch_amount);
	jw_ki64(w, "received_quantity", tot.recv_qty);
	jw_ki64(w, "received_amount_fen", tot.recv_amount);
	jw_ki64(w, "refunded_fen", tot.refunded);
	jw_ki64(w, "purchases_fen", tot.purchases);
	jw_obj_close(w);
	jw_obj_close(w);
	return SVC_OK;
}

enum svc_code
rma_report_aging(struct db *db, int64_t now, int64_t customer_id,
    int64_t counts[][RMA_AGE__MAX], struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int s;

	memset(counts, 0, sizeof(counts[0]) * RMA__MAX);
	/* age in the step, [0, 1 d), [1 d, 3 d), [3 d, 7 d), [7 d, ...) */
	rc = db_query(db, "SELECT state, CASE WHEN state_since > ? THEN 0"
	    " WHEN state_since > ? THEN 1 WHEN state_since > ? THEN 2"
	    " ELSE 3 END, count(*) FROM returns WHERE state IN "
	    RMA_OPEN_STATES " AND (? = 0 OR customer_id = ?) GROUP BY 1, 2",
	    DB_ARGS(DB_I(now - 86400), DB_I(now - 3 * 86400),
	    DB_I(now - 7 * 86400), DB_I(customer_id), DB_I(customer_id)), &q,
	    err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		int64_t b = db_i64(q, 1);

		s = fsm_state_by_name(&rma_fsm, db_str(q, 0));
		if (s < 0 || b < 0 || b >= RMA_AGE__MAX)
			continue;
		counts[s][b] += db_i64(q, 2);
	}
	return db_done(q, err);
}

bool
rma_state_open(int s)
{
	return s >= 0 && s < RMA__MAX && s != RMA_CLOSED &&
	    s != RMA_REJECTED && s != RMA_REFUSED && s != RMA_CANCELLED;
}

enum svc_code
rma_report_open_json(struct db *db, struct jw *w, int64_t now,
    int64_t customer_id, struct svc_err *err)
{
	int64_t count[RMA__MAX], oldest[RMA__MAX];
	struct dbq *q;
	enum svc_code rc;
	int s;

	memset(count, 0, sizeof(count));
	memset(oldest, 0, sizeof(oldest));
	rc = db_query(db, "SELECT state, count(*), min(state_since) FROM returns"
	    " WHERE state IN " RMA_OPEN_STATES " AND (? = 0 OR customer_id = ?)"
	    " GROUP BY state", DB_ARGS(DB_I(customer_id), DB_I(customer_id)),
	    &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		s = fsm_state_by_name(&rma_fsm, db_str(q, 0));
		if (s < 0)
			continue;
		count[s] = db_i64(q, 1);
		oldest[s] = db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	jw_obj_open(w);
	jw_ktime(w, "at", now);
	jw_key(w, "by_step");
	jw_arr_open(w);
	for (s = 0; s < RMA__MAX; s++) {
		if (!rma_state_open(s))
			continue;
		jw_obj_open(w);
		jw_kstr(w, "state", fsm_state_name(&rma_fsm, s));
		jw_ki64(w, "count", count[s]);
		jw_key(w, "oldest_age_s");
		if (count[s] == 0)
			jw_null(w);
		else
			jw_i64(w, now - oldest[s]);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	rc = db_query(db, "SELECT r.id, r.number, r.customer_id, c.name,"
	    " r.reason, r.kind, r.state, r.state_since, r.created_at,"
	    " r.total_quantity, r.total_amount_fen FROM returns r"
	    " JOIN customers c ON c.id = r.customer_id"
	    " WHERE r.state IN " RMA_OPEN_STATES
	    " AND (? = 0 OR r.customer_id = ?)"
	    " ORDER BY r.state_since, r.id LIMIT 500",
	    DB_ARGS(DB_I(customer_id), DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	jw_key(w, "items");
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "number", db_str(q, 1));
		jw_ki64(w, "customer_id", db_i64(q, 2));
		jw_kstr(w, "customer_name", db_str(q, 3));
		jw_kstr(w, "reason", db_str(q, 4));
		jw_kstr(w, "kind", db_str(q, 5));
		jw_kstr(w, "state", db_str(q, 6));
		jw_ktime(w, "state_since", db_i64(q, 7));
		jw_ki64(w, "age_in_step_s", now - db_i64(q, 7));
		jw_ki64(w, "age_s", now - db_i64(q, 8));
		jw_ki64(w, "total_quantity", db_i64(q, 9));
		jw_ki64(w, "total_amount_fen", db_i64(q, 10));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	return db_done(q, err);
}
