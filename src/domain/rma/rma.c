/*
 * rma — returns and exchanges: the form and its lines, the steps with their
 * signatures and records (the figures they check: rma_limits.c).
 * Every change runs inside one store_write() callback and audits itself
 * with the record before and after.
 *
 * Invariants (see rma.h): totals are the sums of the lines; a step writes
 * exactly one signature row, one timeline event and its audit rows; the
 * limit figures are computed from the database at the moment of the step,
 * so two reviews on different days may see different figures and each
 * signature records the ones it saw (in its audit row).
 */
#include "domain/rma/rma.h"

#include <stdio.h>
#include <string.h>

#include "domain/core/text.h"
#include "domain/request/request.h"
#include "domain/rma/rma_int.h"
#include "domain/sla/sla.h"
#include "util/clock.h"

#define RT_FIELDS "r.id, r.number, r.kind, r.reason, r.channel, r.state," \
	" r.state_since, r.customer_id, c.name, r.request_id, r.filed_day," \
	" r.description, r.total_quantity, r.total_amount_fen, r.has_used," \
	" r.special_by, r.special_at, r.special_note, r.close_reason," \
	" r.qc_verdict, r.qc_explanation, r.responsible_department_id," \
	" r.responsible_person, r.depreciation_fen, r.resolution," \
	" r.refund_fen, r.exchange_value_fen, r.received_at," \
	" r.recorded_quantity, r.recorded_amount_fen, r.recorded_at," \
	" r.slip_due_at, r.slip_sent_at, r.slip_breached, r.slip_outbox_id," \
	" r.created_by, r.closed_at, r.version, r.created_at, r.updated_at"
#define RT_FROM " FROM returns r JOIN customers c ON c.id = r.customer_id"
#define RT_COLS RT_FIELDS RT_FROM
/* After RT_FIELDS in lists: the signature rows and the signed steps. */
#define RT_SIGS ", " RMA_SIG_COUNT_SQL " AS sig_n, " RMA_SIG_MASK_SQL \
	" AS sig_m"
#define RT_NSIG 40	/* the column of the count; the mask follows */

#define TOTAL_MAX 1000000000000000LL	/* 1e13 yuan in fen */

/* Interned enum values, so the struct points at static strings. */
static const char *
intern(const char *const *set, const char *s)
{
	for (size_t i = 0; s != NULL && set[i] != NULL; i++)
		if (strcmp(set[i], s) == 0)
			return set[i];
	return "?";
}

/* ----- loading ----- */

static void
row_to_rma(struct dbq *q, struct arena *a, struct rma *r)
{
	r->id = db_i64(q, 0);
	r->number = db_dup(q, 1, a);
	r->kind = intern(rma_kinds, db_str(q, 2));
	r->reason = intern(rma_reasons, db_str(q, 3));
	r->channel = intern(rma_channels, db_str(q, 4));
	r->state = fsm_state_by_name(&rma_fsm, db_str(q, 5));
	r->state_since = db_i64(q, 6);
	r->customer_id = db_i64(q, 7);
	r->customer_name = db_dup(q, 8, a);
	r->request_id = db_i64(q, 9);
	r->filed_day = (int)db_i64(q, 10);
	r->description = db_dup(q, 11, a);
	r->total_quantity = db_i64(q, 12);
	r->total_amount_fen = db_i64(q, 13);
	r->has_used = db_i64(q, 14) != 0;
	r->special_by = db_i64(q, 15);
	r->special_at = db_i64(q, 16);
	r->special_note = db_dup(q, 17, a);
	r->close_reason = db_dup(q, 18, a);
	r->qc_verdict = db_dup(q, 19, a);
	r->qc_explanation = db_dup(q, 20, a);
	r->responsible_department_id = db_i64(q, 21);
	r->responsible_person = db_dup(q, 22, a);
	r->depreciation_fen = db_i64(q, 23);
	r->resolution = db_dup(q, 24, a);
	r->refund_fen = db_i64(q, 25);
	r->exchange_value_fen = db_i64(q, 26);
	r->received_at = db_i64(q, 27);
	r->recorded_quantity = db_null(q, 28) ? -1 : db_i64(q, 28);
	r->recorded_amount_fen = db_null(q, 29) ? -1 : db_i64(q, 29);
	r->recorded_at = db_i64(q, 30);
	r->slip_due_at = db_i64(q, 31);
	r->slip_sent_at = db_i64(q, 32);
	r->slip_breached = db_null(q, 33) ? -1 : (int)db_i64(q, 33);
	r->slip_outbox_id = db_i64(q, 34);
	r->created_by = db_i64(q, 35);
	r->closed_at = db_i64(q, 36);
	r->version = db_i64(q, 37);
	r->created_at = db_i64(q, 38);
	r->updated_at = db_i64(q, 39);
}

/* The RT_SIGS columns of a list row. */
static void
row_sigs(struct dbq *q, struct rma *r)
{
	r->sigs = true;
	r->signature_count = db_i64(q, RT_NSIG);
	r->signed_mask = (unsigned)db_i64(q, RT_NSIG + 1);
}

static enum svc_code
load_lines(struct db *db, struct arena *a, struct rma *r, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int64_t n;

	rc = db_one_i64(db, "SELECT count(*) FROM return_lines"
	    " WHERE return_id = ?", DB_ARGS(DB_I(r->id)), &n, err);
	if (rc)
		return rc;
	r->lines = arena_alloc(a, (size_t)(n + 1) * sizeof(*r->lines));
	if (r->lines == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	r->nlines = 0;
	rc = db_query(db, "SELECT l.id, l.line_no, l.model_id, m.model_no,"
	    " m.name, l.unit_id, u.serial, l.description, l.quantity,"
	    " l.unit_price_fen, l.amount_fen, l.reason, l.delivery_date, l.used"
	    " FROM return_lines l"
	    " LEFT JOIN product_models m ON m.id = l.model_id"
	    " LEFT JOIN sold_units u ON u.id = l.unit_id"
	    " WHERE l.return_id = ? ORDER BY l.line_no",
	    DB_ARGS(DB_I(r->id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && r->nlines < (size_t)n) {
		struct rma_line *l = &r->lines[r->nlines++];

		l->id = db_i64(q, 0);
		l->line_no = (int)db_i64(q, 1);
		l->model_id = db_i64(q, 2);
		l->model_no = db_dup(q, 3, a);
		l->model_name = db_dup(q, 4, a);
		l->unit_id = db_i64(q, 5);
		l->serial = db_dup(q, 6, a);
		l->description = db_dup(q, 7, a);
		l->quantity = db_i64(q, 8);
		l->unit_price_fen = db_i64(q, 9);
		l->amount_fen = db_i64(q, 10);
		l->reason = intern(rma_reasons, db_str(q, 11));
		l->delivery_date = (int)db_i64(q, 12);
		l->used = db_i64(q, 13) != 0;
	}
	return db_done(q, err);
}

/* What the guards look at: signatures, the transport order, the limits. */
static enum svc_code
load_guard_info(struct db *db, struct arena *a, struct rma *r,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	r->full = true;
	r->sigs = true;
	r->signed_mask = 0;
	r->signature_count = 0;
	rc = db_query(db, "SELECT step FROM return_signatures"
	    " WHERE return_id = ?", DB_ARGS(DB_I(r->id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		r->signed_mask |= rma_step_bit(db_str(q, 0));
		r->signature_count++;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	r->transport_id = 0;
	rc = db_query(db, "SELECT id, number, picked_up_at FROM transport_orders"
	    " WHERE return_id = ? ORDER BY id LIMIT 1", DB_ARGS(DB_I(r->id)),
	    &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		r->transport_id = db_i64(q, 0);
		r->transport_no = db_dup(q, 1, a);
		r->picked_up_at = db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	r->limits = NULL;
	if (strcmp(r->reason, "unsalable") != 0)
		return SVC_OK;
	rc = rma_limits_of(db, a, r->customer_id, r->filed_day, r->id,
	    r->total_amount_fen, &r->limits, err);
	if (rc == SVC_OK)
		rma_limits_assess(a, r, r->limits);
	return rc;
}

/* Load without the isolation check (internal). */
static enum svc_code
load(struct db *db, struct arena *a, int64_t id, struct rma **out,
    struct svc_err *err)
{
	struct rma *r;
	struct dbq *q;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT " RT_COLS " WHERE r.id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	r = arena_alloc(a, sizeof(*r));
	if (got == 1 && r != NULL)
		row_to_rma(q, a, r);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1 || r == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "id", "return %lld not found",
		    (long long)id);
	rc = load_lines(db, a, r, err);
	if (rc == SVC_OK)
		rc = load_guard_info(db, a, r, err);
	if (rc == SVC_OK)
		*out = r;
	return rc;
}

enum svc_code
rma_get(struct db *db, struct arena *a, const struct rma_caller *c, int64_t id,
    struct rma **out, struct svc_err *err)
{
	struct rma *r;
	enum svc_code rc;

	rc = load(db, a, id, &r, err);
	if (rc == SVC_OK && c->customer_id != 0 &&
	    r->customer_id != c->customer_id)
		return svc_fail(err, SVC_ENOTFOUND, "id", "return %lld not found",
		    (long long)id);
	if (rc == SVC_OK)
		*out = r;
	return rc;
}

/* ----- JSON ----- */

static void
jw_kday(struct jw *w, const char *k, int ymd)
{
	char tmp[16];

	if (ymd == 0) {
		jw_knull(w, k);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ymd / 10000,
	    ymd / 100 % 100, ymd % 100);
	jw_kstr(w, k, tmp);
}

void
rma_to_json(struct jw *w, const struct rma *r)
{
	jw_obj_open(w);
	jw_ki64(w, "id", r->id);
	jw_kstr(w, "number", r->number);
	jw_kstr(w, "kind", r->kind);
	jw_kstr(w, "reason", r->reason);
	jw_kstr(w, "channel", r->channel);
	jw_kstr(w, "state", fsm_state_name(&rma_fsm, r->state));
	jw_ktime(w, "state_since", r->state_since);
	jw_ki64(w, "customer_id", r->customer_id);
	jw_kstr(w, "customer_name", r->customer_name);
	jw_kid(w, "request_id", r->request_id);
	jw_kday(w, "filed_date", r->filed_day);
	jw_kstr(w, "description", r->description);
	jw_ki64(w, "total_quantity", r->total_quantity);
	jw_ki64(w, "total_amount_fen", r->total_amount_fen);
	jw_kbool(w, "has_used_goods", r->has_used);
	jw_kid(w, "special_approved_by", r->special_by);
	jw_ktime(w, "special_approved_at", r->special_at);
	jw_kstr(w, "special_note", r->special_note);
	jw_kstr(w, "close_reason", r->close_reason);
	jw_kstr(w, "qc_verdict", r->qc_verdict);
	jw_kstr(w, "qc_explanation", r->qc_explanation);
	jw_kid(w, "responsible_department_id", r->responsible_department_id);
	jw_kstr(w, "responsible_person", r->responsible_person);
	jw_ki64(w, "depreciation_fen", r->depreciation_fen);
	jw_kstr(w, "resolution", r->resolution);
	jw_ki64(w, "refund_fen", r->refund_fen);
	jw_ki64(w, "exchange_value_fen", r->exchange_value_fen);
	jw_ktime(w, "received_at", r->received_at);
	jw_key(w, "recorded_quantity");
	if (r->recorded_quantity < 0)
		jw_null(w);
	else
		jw_i64(w, r->recorded_quantity);
	jw_key(w, "recorded_amount_fen");
	if (r->recorded_amount_fen < 0)
		jw_null(w);
	else
		jw_i64(w, r->recorded_amount_fen);
	jw_ktime(w, "recorded_at", r->recorded_at);
	jw_ktime(w, "slip_due_at", r->slip_due_at);
	jw_ktime(w, "slip_sent_at", r->slip_sent_at);
	jw_key(w, "slip_breached");
	if (r->slip_breached < 0)
		jw_null(w);
	else
		jw_bool(w, r->slip_breached == 1);
	jw_kid(w, "slip_outbox_id", r->slip_outbox_id);
	if (r->full) {
		jw_kstr(w, "transport_order", r->transport_id ?
		    r->transport_no : NULL);
		jw_ktime(w, "picked_up_at", r->picked_up_at);
	}
	if (r->sigs) {
		unsigned m = r->signed_mask;

		jw_ki64(w, "signature_count", r->signature_count);
		jw_key(w, "signed");
		jw_obj_open(w);
		jw_kbool(w, "aftersales", m & RMA_SIG_AFTERSALES);
		jw_kbool(w, "finance", m & RMA_SIG_FINANCE);
		jw_kbool(w, "special_approval", m & RMA_SIG_SPECIAL);
		jw_kbool(w, "sales_manager", m & RMA_SIG_SALES);
		jw_kbool(w, "qc", m & RMA_SIG_QC);
		jw_kbool(w, "warehouse", m & RMA_SIG_RECEIPT);
		jw_kbool(w, "statistician", m & RMA_SIG_RECORD);
		jw_kbool(w, "clerk", m & RMA_SIG_SLIP);
		jw_obj_close(w);
	}
	if (r->queue_step != NULL)
		jw_kstr(w, "waiting_step", r->queue_step);
	jw_kid(w, "created_by", r->created_by);
	jw_ktime(w, "closed_at", r->closed_at);
	jw_ki64(w, "version", r->version);
	jw_ktime(w, "created_at", r->created_at);
	jw_ktime(w, "updated_at", r->updated_at);
	jw_obj_close(w);
}

char *
rma_json_text(struct arena *a, const struct rma *r)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	rma_to_json(&w, r);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

void
rma_lines_json(struct jw *w, const struct rma *r)
{
	jw_arr_open(w);
	for (size_t i = 0; i < r->nlines; i++) {
		const struct rma_line *l = &r->lines[i];

		jw_obj_open(w);
		jw_ki64(w, "line_no", l->line_no);
		jw_kid(w, "model_id", l->model_id);
		jw_kstr(w, "model_no", l->model_no);
		jw_kstr(w, "model_name", l->model_name);
		jw_kid(w, "unit_id", l->unit_id);
		jw_kstr(w, "serial", l->serial);
		jw_kstr(w, "description", l->description);
		jw_ki64(w, "quantity", l->quantity);
		jw_ki64(w, "unit_price_fen", l->unit_price_fen);
		jw_ki64(w, "amount_fen", l->amount_fen);
		jw_kstr(w, "reason", l->reason);
		jw_kday(w, "delivery_date", l->delivery_date);
		jw_kbool(w, "used", l->used);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

enum svc_code
rma_signatures_json(struct db *db, struct jw *w, int64_t id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT s.id, s.step, s.user_id, u.username,"
	    " u.display_name, s.role, s.signed_at, s.note"
	    " FROM return_signatures s JOIN users u ON u.id = s.user_id"
	    " WHERE s.return_id = ? ORDER BY s.id", DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "step", db_str(q, 1));
		jw_ki64(w, "user_id", db_i64(q, 2));
		jw_kstr(w, "username", db_str(q, 3));
		jw_kstr(w, "user_name", db_str(q, 4));
		jw_kstr(w, "role", db_str(q, 5));
		jw_ktime(w, "signed_at", db_i64(q, 6));
		jw_kstr(w, "note", db_str(q, 7));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
rma_events_json(struct db *db, struct jw *w, const struct rma_caller *c,
    int64_t id, struct svc_err *err)
{
	return timeline_json(db, w, "SELECT e.id, e.at, e.user_id,"
	    " u.display_name, e.kind, e.visibility, e.body, e.data"
	    " FROM return_events e LEFT JOIN users u ON u.id = e.user_id"
	    " WHERE e.return_id = ? AND (? = 0 OR e.visibility = 'customer')"
	    " ORDER BY e.id LIMIT 1000", id, c->customer_id != 0, err);
}

enum svc_code
rma_transports_json(struct db *db, struct jw *w, int64_t id,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT id, number, station, note, issued_by,"
	    " issued_at, picked_up_by, picked_up_at FROM transport_orders"
	    " WHERE return_id = ? ORDER BY id", DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_kstr(w, "number", db_str(q, 1));
		jw_kstr(w, "station", db_str(q, 2));
		jw_kstr(w, "note", db_str(q, 3));
		jw_ki64(w, "issued_by", db_i64(q, 4));
		jw_ktime(w, "issued_at", db_i64(q, 5));
		jw_kid(w, "picked_up_by", db_i64(q, 6));
		jw_ktime(w, "picked_up_at", db_i64(q, 7));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

enum svc_code
rma_capa_json(struct db *db, struct jw *w, int64_t id, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT k.id, k.department_id, d.name, k.person,"
	    " k.description, k.state, k.opened_by, k.created_at FROM capa k"
	    " JOIN departments d ON d.id = k.department_id"
	    " WHERE k.return_id = ? ORDER BY k.id", DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	jw_arr_open(w);
	while (db_next(q) == 1) {
		jw_obj_open(w);
		jw_ki64(w, "id", db_i64(q, 0));
		jw_ki64(w, "department_id", db_i64(q, 1));
		jw_kstr(w, "department_name", db_str(q, 2));
		jw_kstr(w, "person", db_str(q, 3));
		jw_kstr(w, "description", db_str(q, 4));
		jw_kstr(w, "state", db_str(q, 5));
		jw_kid(w, "opened_by", db_i64(q, 6));
		jw_ktime(w, "created_at", db_i64(q, 7));
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return db_done(q, err);
}

/* ----- writes: helpers ----- */

static enum svc_code
add_event(struct db *db, int64_t return_id, int64_t user_id, const char *kind,
    bool for_customer, const char *body, const char *data, int64_t *id,
    struct svc_err *err)
{
	int64_t eid;
	enum svc_code rc;

	rc = db_one_i64(db, "INSERT INTO return_events (return_id, at, user_id,"
	    " kind, visibility, body, data) VALUES (?, ?, ?, ?, ?, ?, ?)"
	    " RETURNING id", DB_ARGS(DB_I(return_id), DB_I(clock_now()),
	    DB_ID(user_id), DB_S(kind),
	    DB_S(for_customer ? "customer" : "internal"), DB_S(body ? body : ""),
	    DB_S(data)), &eid, err);
	if (rc == SVC_OK && id != NULL)
		*id = eid;
	return rc;
}

/*
 * Queue a message to the customer in the outbox: the primary contact's
 * email, else the company's phone as a fax (the seed faxes its slips),
 * else the portal.
 */
static enum svc_code
outbox_to_customer(struct db *db, struct arena *a, int64_t customer_id,
    const char *subject, const char *body, int64_t ref_id, int64_t *id,
    struct svc_err *err)
{
	const char *channel = "portal", *to = "";
	struct dbq *q;
	enum svc_code rc;

	rc = db_query(db, "SELECT coalesce((SELECT k.email FROM customer_contacts"
	    " k WHERE k.customer_id = c.id AND k.email <> ''"
	    " ORDER BY k.is_primary DESC, k.id LIMIT 1), ''), c.phone, c.code"
	    " FROM customers c WHERE c.id = ?", DB_ARGS(DB_I(customer_id)), &q,
	    err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		if (db_str(q, 0)[0] != '\0') {
			channel = "email";
			to = db_dup(q, 0, a);
		} else if (db_str(q, 1)[0] != '\0') {
			channel = "fax";
			to = db_dup(q, 1, a);
		} else {
			to = db_dup(q, 2, a);
		}
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	return db_one_i64(db, "INSERT INTO outbox (channel, recipient, subject,"
	    " body, ref_kind, ref_id, created_at) VALUES (?, ?, ?, ?, 'return',"
	    " ?, ?) RETURNING id", DB_ARGS(DB_S(channel), DB_S(to),
	    DB_S(subject), DB_S(body), DB_I(ref_id), DB_I(clock_now())), id,
	    err);
}

/* Tell finance when a customer's ratio reaches the warning share or limit. */
static enum svc_code
alert_finance(struct db *db, struct arena *a, const struct rma *r,
    const struct rma_limits *l, bool approved, struct svc_err *err)
{
	char ratio[32];
	const char *kind, *title, *args;

	if (l->ratio_ok && !l->warn)
		return SVC_OK;
	rma_format_ppm(l->ratio_ppm, ratio, sizeof(ratio));
	if (!l->ratio_ok) {
		kind = approved ? "rma_ratio_exceeded" : "rma_ratio_request_over";
		title = arena_printf(a, "%s: %s 调换率 %s 超过限额 %s (%s)",
		    approved ? "客户调换率超限" : "调换申请超出调换率",
		    r->customer_name, ratio, rma_bp_text(a, l->limit_bp), r->number);
	} else {
		kind = "rma_ratio_warning";
		title = arena_printf(a, "调换率预警: %s 调换率 %s, 限额 %s 的 %s "
		    "(%s)", r->customer_name, ratio, rma_bp_text(a, l->limit_bp),
		    rma_bp_text(a, l->warn_share_bp), r->number);
	}
	args = notify_args(a, (const char *const[]){ "number", r->number,
	    "customer", r->customer_name, "ratio", ratio, "limit",
	    rma_bp_text(a, l->limit_bp), "warn_share",
	    rma_bp_text(a, l->warn_share_bp), "exchanged_fen",
	    arena_printf(a, "%lld", (long long)l->exchanged_fen), "this_fen",
	    arena_printf(a, "%lld", (long long)l->this_fen), "purchases_fen",
	    arena_printf(a, "%lld", (long long)l->purchases_fen), NULL },
	    NULL, 0);
	return notify_role(db, "finance", kind, title, arena_printf(a,
	    "exchanged %s + this form %s of purchases %s yuan (%s)",
	    rma_yuan(a, l->exchanged_fen), rma_yuan(a, l->this_fen),
	    rma_yuan(a, l->purchases_fen), rma_limits_source(a, l)), args,
	    "return", r->id, err);
}

/* ----- create ----- */

struct line_ok {
	int64_t model_id;
	int64_t unit_id;
	int delivery;
	bool used;
	int64_t amount;
	const char *reason;
};

static enum svc_code
line_fail(struct svc_err *err, struct arena *a, size_t i, const char *field,
    const char *reason, const char *msg)
{
	return svc_fail_field(err, SVC_EINVAL, arena_printf(a, "lines[%zu].%s",
	    i, field), reason, "line %zu: %s", i + 1, msg);
}

/* Validate line i of d for customer; fill *ok. */
static enum svc_code
check_line(struct db *db, struct arena *a, const struct rma_caller *c,
    const struct rma_draft *d, int64_t customer_id, size_t i,
    struct line_ok *ok, struct svc_err *err)
{
	const struct rma_line_draft *l = &d->lines[i];
	struct dbq *q;
	enum svc_code rc;
	int64_t unit_customer = 0, unit_model = 0, n;
	int unit_delivery = 0, got = 0;

	memset(ok, 0, sizeof(*ok));
	ok->reason = l->reason ? intern(rma_reasons, l->reason) : d->reason;
	if (strcmp(ok->reason, d->reason) != 0)
		return line_fail(err, a, i, "reason", "mismatch", "a form holds "
		    "lines of one reason: file the others on another form");
	if (l->quantity < 1 || l->quantity > RMA_QTY_MAX)
		return line_fail(err, a, i, "quantity", "out_of_range",
		    "'quantity' must be between 1 and 1000000");
	if (l->unit_price_fen < 0 || l->unit_price_fen > RMA_PRICE_MAX)
		return line_fail(err, a, i, "unit_price_fen", "out_of_range",
		    "'unit_price_fen' must be between 0 and 100000000000");
	ok->amount = l->quantity * l->unit_price_fen;
	if (ok->amount > TOTAL_MAX)
		return line_fail(err, a, i, "amount_fen", "out_of_range",
		    "the amount is too large");
	if (l->amount_fen >= 0 && l->amount_fen != ok->amount)
		return line_fail(err, a, i, "amount_fen", "mismatch",
		    arena_printf(a, "'amount_fen' must be quantity x unit price "
		    "= %lld", (long long)ok->amount));
	if (l->unit_id != 0 || (l->serial != NULL && l->serial[0] != '\0')) {
		if (l->unit_id != 0)
			rc = db_query(db, "SELECT id, model_id, customer_id,"
			    " coalesce(delivery_date, 0), used FROM sold_units"
			    " WHERE id = ?", DB_ARGS(DB_I(l->unit_id)), &q, err);
		else
			rc = db_query(db, "SELECT id, model_id, customer_id,"
			    " coalesce(delivery_date, 0), used FROM sold_units"
			    " WHERE serial = ?", DB_ARGS(DB_S(l->serial)), &q, err);
		if (rc)
			return rc;
		got = db_next(q);
		if (got == 1) {
			ok->unit_id = db_i64(q, 0);
			unit_model = db_i64(q, 1);
			unit_customer = db_i64(q, 2);
			unit_delivery = (int)db_i64(q, 3);
			ok->used = db_i64(q, 4) != 0;
		}
		rc = db_done(q, err);
		if (rc)
			return rc;
		if (got != 1 || (c->customer_id != 0 &&
		    unit_customer != customer_id))
			return line_fail(err, a, i, l->unit_id ? "unit_id" :
			    "serial", "not_found", "no such sold unit");
		if (unit_customer != customer_id)
			return line_fail(err, a, i, l->unit_id ? "unit_id" :
			    "serial", "mismatch", "the unit was sold to "
			    "another customer");
		if (l->model_id != 0 && l->model_id != unit_model)
			return line_fail(err, a, i, "model_id", "mismatch",
			    "the unit is of another model");
		ok->model_id = unit_model;
	} else if (l->model_id != 0) {
		rc = db_one_i64(db, "SELECT count(*) FROM product_models"
		    " WHERE id = ?", DB_ARGS(DB_I(l->model_id)), &n, err);
		if (rc)
			return rc;
		if (n == 0)
			return line_fail(err, a, i, "model_id", "not_found",
			    "no such product model");
		ok->model_id = l->model_id;
	} else {
		return line_fail(err, a, i, "model_id", "required",
		    "give the product model or the sold unit (unit_id or "
		    "serial)");
	}
	ok->delivery = unit_delivery;
	if (l->delivery_date != NULL && !rma_parse_ymd(l->delivery_date,
	    &ok->delivery))
		return line_fail(err, a, i, "delivery_date", "invalid",
		    "'delivery_date' must be a date YYYY-MM-DD");
	if (ok->delivery == 0 && strcmp(d->reason, "unsalable") == 0)
		return line_fail(err, a, i, "delivery_date", "required",
		    "the exchange time limit counts from the delivery date: "
		    "give 'delivery_date' (the sold unit has none)");
	return SVC_OK;
}

static bool
staff_channel_ok(const char *channel)
{
	return strcmp(channel, "paper") == 0 || strcmp(channel, "fax") == 0 ||
	    strcmp(channel, "staff") == 0;
}

enum svc_code
rma_create(struct db *db, struct arena *a, const struct rma_caller *c,
    const struct rma_draft *d, struct rma **out, struct svc_err *err)
{
	struct line_ok *ok;
	struct rma_limits *l;
	const char *channel, *reason, *kind;
	enum svc_code rc;
	int64_t now = clock_now(), id, customer_id, n, total = 0, qty = 0;
	bool used = false;
	char *number;

	kind = intern(rma_kinds, d->kind);
	reason = intern(rma_reasons, d->reason);
	if (strcmp(kind, "?") == 0)
		return svc_fail_field(err, SVC_EINVAL, "kind", "not_allowed",
		    "'kind' must be exchange or refund");
	if (strcmp(reason, "?") == 0)
		return svc_fail_field(err, SVC_EINVAL, "reason", "not_allowed",
		    "'reason' must be unsalable, quality, transit_damage or "
		    "not_as_described");
	if (strcmp(reason, "unsalable") == 0 && strcmp(kind, "exchange") != 0)
		return svc_fail_field(err, SVC_EINVAL, "kind", "not_allowed",
		    "unsalable goods are exchanged for the same variety "
		    "(seed 000 4.2.7): 'kind' must be exchange");
	if (c->customer_id != 0) {
		if (d->customer_id != 0 && d->customer_id != c->customer_id)
			return svc_fail(err, SVC_ENOTFOUND, "customer_id",
			    "customer %lld not found", (long long)d->customer_id);
		if (d->channel != NULL && strcmp(d->channel, "portal") != 0)
			return svc_fail_field(err, SVC_EINVAL, "channel",
			    "not_allowed", "customers file through the portal");
		customer_id = c->customer_id;
		channel = "portal";
	} else {
		channel = d->channel ? intern(rma_channels, d->channel) : "staff";
		if (!staff_channel_ok(channel))
			return svc_fail_field(err, SVC_EINVAL, "channel",
			    "not_allowed", "'channel' must be paper, fax or "
			    "staff (portal forms are filed by customers)");
		customer_id = d->customer_id;
		if (customer_id == 0)
			return svc_fail_field(err, SVC_EINVAL, "customer_id",
			    "required", "'customer_id' is required");
	}
	if (c->actor.user_id == 0)
		return svc_fail(err, SVC_EPERM, NULL, "a form is filed by a user");
	rc = db_one_i64(db, "SELECT count(*) FROM customers WHERE id = ?",
	    DB_ARGS(DB_I(customer_id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id", "not_found",
		    "customer %lld not found", (long long)customer_id);
	if (d->request_id != 0) {
		rc = db_one_i64(db, "SELECT customer_id FROM service_requests"
		    " WHERE id = ?", DB_ARGS(DB_I(d->request_id)), &n, err);
		if (rc == SVC_ENOTFOUND || (rc == SVC_OK && c->customer_id != 0 &&
		    n != customer_id))
			return svc_fail_field(err, SVC_EINVAL, "request_id",
			    "not_found", "service request %lld not found",
			    (long long)d->request_id);
		if (rc)
			return rc;
		if (n != customer_id)
			return svc_fail_field(err, SVC_EINVAL, "request_id",
			    "mismatch", "the service request is of another "
			    "customer");
	}
	if (d->nlines == 0)
		return svc_fail_field(err, SVC_EINVAL, "lines", "required",
		    "a form needs at least one line");
	if (d->nlines > RMA_LINES_MAX)
		return svc_fail_field(err, SVC_EINVAL, "lines", "too_many",
		    "a form holds at most %d lines", RMA_LINES_MAX);
	ok = arena_alloc(a, d->nlines * sizeof(*ok));
	if (ok == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	for (size_t i = 0; i < d->nlines; i++) {
		rc = check_line(db, a, c, d, customer_id, i, &ok[i], err);
		if (rc)
			return rc;
		total += ok[i].amount;
		qty += d->lines[i].quantity;
		used = used || ok[i].used;
		if (total > TOTAL_MAX)
			return svc_fail_field(err, SVC_EINVAL, "lines",
			    "out_of_range", "the form's total is too large");
	}
	rc = docno_next(db, a, "RT", now, &number, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO returns (number, kind, reason, channel,"
	    " state, state_since, customer_id, request_id, filed_day,"
	    " description, total_quantity, total_amount_fen, has_used,"
	    " created_by, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
	    " RETURNING id",
	    DB_ARGS(DB_S(number), DB_S(kind), DB_S(reason), DB_S(channel),
	    DB_S(strcmp(channel, "paper") == 0 || strcmp(channel, "fax") == 0 ?
	    "registered" : "submitted"), DB_I(now), DB_I(customer_id),
	    DB_ID(d->request_id), DB_I(clock_local_ymd(now)),
	    DB_S(d->description ? d->description : ""), DB_I(qty), DB_I(total),
	    DB_I(used), DB_I(c->actor.user_id), DB_I(now), DB_I(now)), &id, err);
	for (size_t i = 0; rc == SVC_OK && i < d->nlines; i++) {
		const struct rma_line_draft *ln = &d->lines[i];

		rc = db_exec(db, "INSERT INTO return_lines (return_id, line_no,"
		    " model_id, unit_id, description, quantity, unit_price_fen,"
		    " amount_fen, reason, delivery_date, used)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_ARGS(DB_I(id), DB_I(i + 1), DB_ID(ok[i].model_id),
		    DB_ID(ok[i].unit_id),
		    DB_S(ln->description ? ln->description : ""),
		    DB_I(ln->quantity), DB_I(ln->unit_price_fen),
		    DB_I(ok[i].amount), DB_S(ok[i].reason),
		    ok[i].delivery ? DB_I(ok[i].delivery) : DB_NULL,
		    DB_I(ok[i].used)), NULL, err);
	}
	if (rc == SVC_OK)
		rc = add_event(db, id, c->actor.user_id, "created", true,
		    strcmp(channel, "paper") == 0 || strcmp(channel, "fax") == 0 ?
		    "《调退货明细表》已登记, 待售后服务科签收" :
		    "《调退货明细表》已提交", NULL, NULL, err);
	if (rc == SVC_OK && d->request_id != 0)
		rc = request_link(db, d->request_id, "return", id, number, err);
	if (rc == SVC_OK)
		rc = load(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "create", "return", id, NULL,
		    rma_json_text(a, *out), err);
	l = rc == SVC_OK ? (*out)->limits : NULL;
	if (l != NULL)
		rc = alert_finance(db, a, *out, l, false, err);
	return rc;
}

/* ----- steps ----- */

/* Validate the step's inputs and apply them to r (a copy). */
static enum svc_code
apply_step(struct db *db, const char *name, const struct rma_step *s,
    struct rma *r, struct svc_err *err)
{
	enum svc_code rc;
	int64_t n;
	bool unsal = strcmp(r->reason, "unsalable") == 0;

	if (strcmp(name, "reject") == 0 || strcmp(name, "cancel") == 0) {
		if (!text_given(s->reason))
			return svc_fail_field(err, SVC_EINVAL, "reason",
			    "required", "%s needs a 'reason' (shown to the "
			    "customer)", name);
		r->close_reason = (char *)s->reason;
	} else if (strcmp(name, "special_approval") == 0) {
		if (!text_given(s->note))
			return svc_fail_field(err, SVC_EINVAL, "note", "required",
			    "a special approval needs a 'note': why this case "
			    "is special");
		r->special_note = (char *)s->note;
	} else if (strncmp(name, "qc_", 3) == 0) {
		if ((strcmp(name, "qc_defect") == 0 ||
		    strcmp(name, "qc_refuse") == 0) && !text_given(s->explanation))
			return svc_fail_field(err, SVC_EINVAL, "explanation",
			    "required", "%s needs a written 'explanation'%s",
			    name, strcmp(name, "qc_refuse") == 0 ? " (the basis "
			    "for refusing the return, seed 000 4.2.6)" : "");
		if (strcmp(name, "qc_defect") == 0) {
			if (s->responsible_department_id == 0)
				return svc_fail_field(err, SVC_EINVAL,
				    "responsible_department_id", "required",
				    "a company defect names the responsible "
				    "department");
			rc = db_one_i64(db, "SELECT count(*) FROM departments"
			    " WHERE id = ? AND active = 1",
			    DB_ARGS(DB_I(s->responsible_department_id)), &n,
			    err);
			if (rc)
				return rc;
			if (n == 0)
				return svc_fail_field(err, SVC_EINVAL,
				    "responsible_department_id", "not_found",
				    "no active department %lld",
				    (long long)s->responsible_department_id);
			if (!text_given(s->responsible_person))
				return svc_fail_field(err, SVC_EINVAL,
				    "responsible_person", "required",
				    "a company defect names the responsible "
				    "person");
			r->responsible_department_id =
			    s->responsible_department_id;
			r->responsible_person = (char *)s->responsible_person;
		}
		if (s->depreciation_fen >= 0) {
			if (!r->has_used)
				return svc_fail_field(err, SVC_EINVAL,
				    "depreciation_fen", "not_allowed",
				    "depreciation applies to used goods only");
			r->depreciation_fen = s->depreciation_fen;
		}
		if (text_given(s->explanation))
			r->qc_explanation = (char *)s->explanation;
		r->qc_verdict = (char *)(strcmp(name, "qc_intact") == 0 ?
		    "intact" : strcmp(name, "qc_defect") == 0 ?
		    "company_defect" : "customer_damage");
	} else if (strcmp(name, "receive") == 0) {
		const char *res = s->resolution ? intern(rma_resolutions,
		    s->resolution) : r->kind;

		if (strcmp(res, "?") == 0)
			return svc_fail_field(err, SVC_EINVAL, "resolution",
			    "not_allowed", "'resolution' must be exchange or "
			    "refund");
		if (unsal && strcmp(res, "exchange") != 0)
			return svc_fail_field(err, SVC_EINVAL, "resolution",
			    "not_allowed", "unsalable goods are exchanged for "
			    "the same variety (seed 000 4.2.7)");
		if (s->depreciation_fen >= 0) {
			if (!r->has_used)
				return svc_fail_field(err, SVC_EINVAL,
				    "depreciation_fen", "not_allowed",
				    "depreciation applies to used goods only");
			r->depreciation_fen = s->depreciation_fen;
		}
		r->exchange_value_fen = 0;
		if (s->exchange_value_fen >= 0) {
			if (!r->has_used || strcmp(res, "exchange") != 0)
				return svc_fail_field(err, SVC_EINVAL,
				    "exchange_value_fen", "not_allowed",
				    "'exchange_value_fen' is for exchanging "
				    "used goods");
			r->exchange_value_fen = s->exchange_value_fen;
		}
		if (r->has_used && strcmp(res, "exchange") == 0 &&
		    r->exchange_value_fen < r->total_amount_fen)
			return svc_fail_field(err, SVC_EINVAL,
			    "exchange_value_fen", s->exchange_value_fen < 0 ?
			    "required" : "out_of_range", "used goods are "
			    "exchanged for goods of equal or higher value: "
			    "'exchange_value_fen' must be at least %lld",
			    (long long)r->total_amount_fen);
		r->resolution = (char *)res;
		r->refund_fen = strcmp(res, "refund") == 0 ?
		    rma_refund(r->total_amount_fen, r->depreciation_fen) : 0;
	}
	return SVC_OK;
}

/* The role the caller signs in: the first of the step's it holds. */
static const char *
signing_role(const struct fsm_transition *t, const struct fsm_caller *c)
{
	for (int i = 0; i < FSM_MAX_ROLES && t->roles[i] != NULL; i++)
		if (rma_caller_has(c, t->roles[i]))
			return t->roles[i];
	return c->nroles > 0 ? c->roles[0] : "";
}

static bool
visible_to_customer(const char *step)
{
	return strcmp(step, "review_finance") != 0 &&
	    strcmp(step, "special_approval") != 0 &&
	    strcmp(step, "record") != 0;
}

/*
 * Add details.figures to a refused limit check: every figure, or only the
 * verdicts and days (brief) for a caller who may not see purchases.
 */
static void
add_figures(struct arena *a, const struct rma_limits *l, bool brief,
    struct svc_err *err)
{
	size_t len;

	if (err == NULL || err->details == NULL)
		return;
	len = strlen(err->details);
	if (len < 2 || err->details[len - 1] != '}')
		return;
	err->details = arena_printf(a, "%.*s,\"figures\":%s}", (int)(len - 1),
	    err->details, brief ? rma_limits_brief_json_text(a, l) :
	    rma_limits_json_text(a, l));
}

/* The slip sent to the customer (《退货单》). */
static char *
slip_text(struct arena *a, const struct rma *r)
{
	char at[40];
	struct buf b;
	char *s;

	clock_format_local(r->received_at, at, sizeof(at));
	buf_init(&b, 1u << 16);
	buf_addf(&b, "退货单 %s\n客户: %s\n入库时间: %s\n", r->number,
	    r->customer_name, at);
	for (size_t i = 0; i < r->nlines; i++) {
		const struct rma_line *l = &r->lines[i];

		buf_addf(&b, "%d. %s%s%s 数量 %lld 单价 %s 金额 %s\n", l->line_no,
		    l->model_name ? l->model_name : l->description,
		    l->serial ? " " : "", l->serial ? l->serial : "",
		    (long long)l->quantity, rma_yuan(a, l->unit_price_fen),
		    rma_yuan(a, l->amount_fen));
	}
	buf_addf(&b, "合计: 数量 %lld 金额 %s 元\n处理: %s", (long long)
	    r->total_quantity, rma_yuan(a, r->total_amount_fen),
	    r->resolution && strcmp(r->resolution, "refund") == 0 ?
	    "退款" : "调换");
	if (r->resolution && strcmp(r->resolution, "refund") == 0)
		buf_addf(&b, " %s 元", rma_yuan(a, r->refund_fen));
	if (r->depreciation_fen > 0)
		buf_addf(&b, " (折旧 %s 元)", rma_yuan(a, r->depreciation_fen));
	buf_adds(&b, "\n");
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

/* Records a step makes besides the form itself. */
static enum svc_code
step_records(struct db *db, struct arena *a, const struct rma_caller *c,
    const char *name, const struct rma_step *s, struct rma *next,
    int64_t now, struct svc_err *err)
{
	struct sla_policy *pol;
	struct sla_clock *clk;
	enum svc_code rc = SVC_OK;
	int64_t id;
	char *number;

	if (strcmp(name, "issue_transport") == 0) {
		rc = docno_next(db, a, "TO", now, &number, err);
		if (rc == SVC_OK)
			rc = db_one_i64(db, "INSERT INTO transport_orders (number,"
			    " return_id, station, note, issued_by, issued_at)"
			    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			    DB_ARGS(DB_S(number), DB_I(next->id),
			    DB_S(s->station ? s->station : ""),
			    DB_S(s->note ? s->note : ""),
			    DB_I(c->actor.user_id), DB_I(now)), &id, err);
		if (rc == SVC_OK)
			rc = audit_write(db, &c->actor, "create",
			    "transport_order", id, NULL, arena_printf(a,
			    "{\"number\":\"%s\",\"return_id\":%lld}", number,
			    (long long)next->id), err);
	} else if (strcmp(name, "pickup") == 0) {
		rc = db_exec(db, "UPDATE transport_orders SET picked_up_by = ?,"
		    " picked_up_at = ? WHERE id = ? AND picked_up_at IS NULL",
		    DB_ARGS(DB_I(c->actor.user_id), DB_I(now),
		    DB_I(next->transport_id)), NULL, err);
	} else if (strcmp(name, "qc_defect") == 0) {
		rc = db_one_i64(db, "INSERT INTO capa (source_kind, return_id,"
		    " department_id, person, description, state, opened_by,"
		    " version, created_at, updated_at) VALUES ('return', ?, ?,"
		    " ?, ?, 'open', ?, 1, ?, ?) RETURNING id",
		    DB_ARGS(DB_I(next->id), DB_I(s->responsible_department_id),
		    DB_S(s->responsible_person), DB_S(s->explanation),
		    DB_I(c->actor.user_id), DB_I(now), DB_I(now)), &id, err);
		if (rc == SVC_OK)
			rc = audit_write(db, &c->actor, "create", "capa", id,
			    NULL, arena_printf(a, "{\"return_id\":%lld,"
			    "\"department_id\":%lld,\"state\":\"open\"}",
			    (long long)next->id,
			    (long long)s->responsible_department_id), err);
	} else if (strcmp(name, "approve") == 0) {
		rc = outbox_to_customer(db, a, next->customer_id, arena_printf(a,
		    "调退货申请 %s 已批准, 请办理退货", next->number),
		    arena_printf(a, "您的《调退货明细表》%s 已经审批同意, 请办理"
		    "退货发运。", next->number), next->id, &id, err);
		if (rc == SVC_OK && next->limits != NULL)
			rc = alert_finance(db, a, next, next->limits, true, err);
	} else if (strcmp(name, "reject") == 0) {
		rc = outbox_to_customer(db, a, next->customer_id, arena_printf(a,
		    "调退货申请 %s 不予批准", next->number), arena_printf(a,
		    "您的《调退货明细表》%s 不予批准: %s", next->number,
		    next->close_reason), next->id, &id, err);
	} else if (strcmp(name, "receive") == 0) {
		/* track the slip's due time with the SLA engine when a
		 * return_slip policy exists (it may count working days);
		 * the form's slip_due_at is then the clock's due time (one
		 * source), else rma_slip_due()'s 12:00 next day */
		rc = sla_select(db, a, NULL, NULL, NULL, -1, "return_slip", &pol,
		    err);
		if (rc == SVC_ENOTFOUND) {
			svc_err_clear(err);
			return SVC_OK;
		}
		if (rc == SVC_OK) {
			struct sla_start st = {
				.doc_kind = "return", .doc_id = next->id,
				.doc_ref = next->number, .policy_id = pol->id,
				.owner_user_id = 0, .started_at = now,
				.key = NULL,
			};

			rc = sla_start(db, a, &c->actor, &st, &clk, err);
		}
		if (rc == SVC_OK) {
			next->slip_due_at = clk->due_at;
			rc = db_exec(db, "UPDATE returns SET slip_due_at = ?"
			    " WHERE id = ?", DB_ARGS(DB_I(clk->due_at),
			    DB_I(next->id)), NULL, err);
		}
	} else if (strcmp(name, "send_slip") == 0) {
		rc = sla_stop_for(db, a, &c->actor, "return", next->id,
		    "return_slip", now, NULL, err);
	}
	return rc;
}

enum svc_code
rma_transition(struct db *db, struct arena *a, const struct rma_caller *c,
    int64_t id, int64_t expected, const char *name, const struct rma_step *s,
    struct rma **out, struct svc_err *err)
{
	const struct fsm_transition *t;
	struct rma *cur, next;
	struct rma_step in = *s;
	const char *role;
	enum svc_code rc;
	int64_t now = clock_now(), changed, sig_id, outbox_id;
	char *before, *data;
	int from;

	/*
	 * Texts are taken trimmed: a reason, an explanation or a person that
	 * is only white space is not given (and a required one is refused).
	 */
	in.note = text_trim(a, s->note);
	in.reason = text_trim(a, s->reason);
	in.explanation = text_trim(a, s->explanation);
	in.responsible_person = text_trim(a, s->responsible_person);
	in.station = text_trim(a, s->station);
	s = &in;
	/*
	 * Steps that check the limits first lock the customer's row (a no-op
	 * UPDATE: a row lock on PostgreSQL, SQLite has one writer), so two
	 * approvals on two servers cannot both pass against the same figures.
	 */
	if (rma_step_checks_limits(name)) {
		rc = db_exec(db, "UPDATE customers SET version = version"
		    " WHERE id = (SELECT customer_id FROM returns WHERE id = ?)",
		    DB_ARGS(DB_I(id)), NULL, err);
		if (rc)
			return rc;
	}
	rc = rma_get(db, a, c, id, &cur, err);
	if (rc)
		return rc;
	before = rma_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "return", expected, before);
	if (c->actor.user_id == 0)
		return svc_fail(err, SVC_EPERM, NULL, "a step is signed by a "
		    "user");
	next = *cur;
	from = cur->state;
	/* a quality return is reviewed by the head: a role, so 403 */
	if (strcmp(name, "review_aftersales") == 0 &&
	    strcmp(cur->reason, "unsalable") != 0 &&
	    !rma_caller_has(&c->fsm, "aftersales_manager")) {
		svc_fail(err, SVC_EPERM, "transition", "'review_aftersales' of "
		    "a %s return needs a user with the role aftersales_manager",
		    cur->reason);
		if (err != NULL)
			err->details = "{\"field\":\"transition\",\"transition\":"
			    "\"review_aftersales\",\"required_role\":"
			    "\"aftersales_manager\"}";
		return SVC_EPERM;
	}
	rc = fsm_check(&rma_fsm, a, cur->state, name, &c->fsm, &next, &t, err);
	if (rc == SVC_ETRANSITION && next.limits != NULL &&
	    next.limits->why != NULL && rma_step_checks_limits(name))
		add_figures(a, next.limits, !c->figures, err);
	if (rc)
		return rc;
	rc = apply_step(db, name, s, &next, err);
	if (rc)
		return rc;
	role = signing_role(t, &c->fsm);
	if (t->to >= 0)
		next.state = t->to;
	if (next.state != from)
		next.state_since = now;
	if (strcmp(name, "special_approval") == 0) {
		next.special_by = c->actor.user_id;
		next.special_at = now;
	} else if (strcmp(name, "receive") == 0) {
		next.received_at = now;
		next.slip_due_at = rma_slip_due(now);
	} else if (strcmp(name, "record") == 0) {
		next.recorded_quantity = next.total_quantity;
		next.recorded_amount_fen = next.total_amount_fen;
		next.recorded_at = now;
	} else if (strcmp(name, "send_slip") == 0) {
		next.slip_sent_at = now;
		next.slip_breached = rma_slip_late(next.slip_due_at, now);
		rc = outbox_to_customer(db, a, next.customer_id, arena_printf(a,
		    "退货单 %s", next.number), slip_text(a, &next), id,
		    &outbox_id, err);
		if (rc)
			return rc;
		next.slip_outbox_id = outbox_id;
	}
	if (next.state == RMA_CLOSED || next.state == RMA_REJECTED ||
	    next.state == RMA_REFUSED || next.state == RMA_CANCELLED)
		next.closed_at = now;
	rc = db_exec(db, "UPDATE returns SET state = ?, state_since = ?,"
	    " special_by = ?, special_at = ?, special_note = ?, close_reason = ?,"
	    " qc_verdict = ?, qc_explanation = ?, responsible_department_id = ?,"
	    " responsible_person = ?, depreciation_fen = ?, resolution = ?,"
	    " refund_fen = ?, exchange_value_fen = ?, received_at = ?,"
	    " recorded_quantity = ?, recorded_amount_fen = ?, recorded_at = ?,"
	    " slip_due_at = ?, slip_sent_at = ?, slip_breached = ?,"
	    " slip_outbox_id = ?, closed_at = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(fsm_state_name(&rma_fsm, next.state)),
	    DB_I(next.state_since), DB_ID(next.special_by),
	    DB_ID(next.special_at), DB_S(next.special_note),
	    DB_S(next.close_reason), DB_S(next.qc_verdict),
	    DB_S(next.qc_explanation), DB_ID(next.responsible_department_id),
	    DB_S(next.responsible_person), DB_I(next.depreciation_fen),
	    DB_S(next.resolution), DB_I(next.refund_fen),
	    DB_I(next.exchange_value_fen), DB_ID(next.received_at),
	    next.recorded_quantity < 0 ? DB_NULL : DB_I(next.recorded_quantity),
	    next.recorded_amount_fen < 0 ? DB_NULL :
	    DB_I(next.recorded_amount_fen), DB_ID(next.recorded_at),
	    DB_ID(next.slip_due_at), DB_ID(next.slip_sent_at),
	    next.slip_breached < 0 ? DB_NULL : DB_I(next.slip_breached),
	    DB_ID(next.slip_outbox_id), DB_ID(next.closed_at), DB_I(now),
	    DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "return", expected, before);
	rc = db_one_i64(db, "INSERT INTO return_signatures (return_id, step,"
	    " user_id, role, signed_at, note) VALUES (?, ?, ?, ?, ?, ?)"
	    " RETURNING id", DB_ARGS(DB_I(id), DB_S(name),
	    DB_I(c->actor.user_id), DB_S(role), DB_I(now),
	    DB_S(s->note ? s->note : "")), &sig_id, err);
	if (rc == SVC_OK)
		rc = step_records(db, a, c, name, s, &next, now, err);
	data = arena_printf(a, "{\"step\":\"%s\",\"from\":\"%s\",\"to\":\"%s\","
	    "\"role\":\"%s\",\"signature_id\":%lld}", t->name,
	    fsm_state_name(&rma_fsm, from),
	    fsm_state_name(&rma_fsm, next.state), role, (long long)sig_id);
	if (rc == SVC_OK)
		rc = add_event(db, id, c->actor.user_id, "transition",
		    visible_to_customer(name), text_given(s->note) ? s->note :
		    text_given(s->reason) ? s->reason :
		    text_given(s->explanation) ? s->explanation : t->label_zh,
		    data, NULL, err);
	if (rc == SVC_OK)
		rc = load(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, arena_printf(a, "transition:%s",
		    name), "return", id, before, rma_json_text(a, *out), err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "sign", "return_signature",
		    sig_id, NULL, arena_printf(a, "{\"return_id\":%lld,"
		    "\"step\":\"%s\",\"user_id\":%lld,\"role\":\"%s\","
		    "\"signed_at\":%lld,\"limits\":%s}", (long long)id, name,
		    (long long)c->actor.user_id, role, (long long)now,
		    cur->limits ? rma_limits_json_text(a, cur->limits) : "null"),
		    err);
	return rc;
}

enum svc_code
rma_add_event(struct db *db, struct arena *a, const struct rma_caller *c,
    int64_t id, const char *kind, const char *body, int64_t *event_id,
    struct svc_err *err)
{
	struct rma *r;
	enum svc_code rc;
	bool reply = strcmp(kind, "reply") == 0;

	rc = text_required(a, err, "body", &body, "the text of the note or "
	    "reply");
	if (rc == SVC_OK)
		rc = rma_get(db, a, c, id, &r, err);
	if (rc)
		return rc;
	if (c->customer_id != 0 && !reply)
		return svc_fail_field(err, SVC_EPERM, "kind", "not_allowed",
		    "customers can only add replies");
	rc = add_event(db, id, c->actor.user_id, kind, reply, body, NULL,
	    event_id, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE returns SET updated_at = ? WHERE id = ?",
		    DB_ARGS(DB_I(clock_now()), DB_I(id)), NULL, err);
	if (rc == SVC_OK)
		rc = audit_write(db, &c->actor, "create", "return_event",
		    *event_id, NULL, arena_printf(a, "{\"return_id\":%lld,"
		    "\"kind\":\"%s\"}", (long long)id, reply ? "reply" : "note"),
		    err);
	return rc;
}

/* ----- lists ----- */

enum svc_code
rma_list(struct db *db, struct arena *a, const struct rma_caller *c,
    const struct rma_filter *f, int64_t before_id, int limit,
    struct rma ***out, size_t *n, bool *more, struct svc_err *err)
{
	struct dbv args[12];
	struct rma **items;
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	size_t na = 0, cnt = 0;
	int64_t customer = c->customer_id ? c->customer_id : f->customer_id;

	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " RT_FIELDS RT_SIGS RT_FROM " WHERE 1 = 1");
	if (before_id > 0) {
		buf_adds(&sql, " AND r.id < ?");
		args[na++] = DB_I(before_id);
	}
	if (f->state != NULL) {
		buf_adds(&sql, " AND r.state = ?");
		args[na++] = DB_S(f->state);
	}
	if (f->reason != NULL) {
		buf_adds(&sql, " AND r.reason = ?");
		args[na++] = DB_S(f->reason);
	}
	if (f->kind != NULL) {
		buf_adds(&sql, " AND r.kind = ?");
		args[na++] = DB_S(f->kind);
	}
	if (customer != 0) {
		buf_adds(&sql, " AND r.customer_id = ?");
		args[na++] = DB_I(customer);
	}
	if (f->from_day != 0) {
		buf_adds(&sql, " AND r.filed_day >= ?");
		args[na++] = DB_I(f->from_day);
	}
	if (f->to_day != 0) {
		buf_adds(&sql, " AND r.filed_day <= ?");
		args[na++] = DB_I(f->to_day);
	}
	buf_adds(&sql, " ORDER BY r.id DESC LIMIT ?");
	args[na++] = DB_I(limit + 1);
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt <= (size_t)limit) {
		items[cnt] = arena_alloc(a, sizeof(struct rma));
		if (items[cnt] == NULL)
			break;
		row_to_rma(q, a, items[cnt]);
		row_sigs(q, items[cnt++]);
	}
	rc = db_done(q, err);
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	return rc;
}

/* ----- the signers' queues ----- */

_Static_assert(RMA_SIG_AFTERSALES == 2 && RMA_SIG_FINANCE == 4 &&
    RMA_SIG_SPECIAL == 8 && RMA_SIG_SALES == 16 && RMA_SIG_QC == 32,
    "RMA_SIG_MASK_SQL and the queue conditions use these bits");

/*
 * The queue steps: which transition's roles sign it (rma_state.c), and
 * when a form waits there, over the columns of the derived table q (the
 * form, sig_m: the signed bits, tr_n: its transport orders).
 */
static const struct {
	const char *step;
	const char *via;
	const char *where;
} queue_steps[] = {
	{ "sign_for", "sign_for", "q.state = 'registered'" },
	{ "review_aftersales", "review_aftersales", "q.state = 'submitted'"
	    " AND (q.sig_m & 2) = 0" },
	{ "review_finance", "review_finance", "q.state = 'submitted'"
	    " AND q.reason = 'unsalable' AND (q.sig_m & 4) = 0" },
	{ "special_approval", "special_approval", "q.state = 'submitted'"
	    " AND q.reason = 'unsalable' AND (q.sig_m & 8) = 0" },
	{ "approve", "approve", "q.state = 'submitted' AND (q.sig_m & 16) = 0"
	    " AND (q.sig_m & 2) <> 0"
	    " AND (q.reason <> 'unsalable' OR (q.sig_m & 4) <> 0)" },
	{ "issue_transport", "issue_transport", "q.state = 'approved'"
	    " AND q.tr_n = 0" },
	{ "pickup", "pickup", "q.state = 'approved' AND q.tr_n > 0" },
	{ "inspect", "qc_intact", "q.state IN ('approved', 'picked_up')"
	    " AND (q.sig_m & 32) = 0" },
	{ "receive", "receive", "q.state = 'inspected'" },
	{ "record", "record", "q.state = 'received'" },
	{ "send_slip", "send_slip", "q.state = 'recorded'" },
};

#define Q_FROM "SELECT q.* FROM (SELECT " RT_FIELDS RT_SIGS ", (SELECT" \
	" count(*) FROM transport_orders t WHERE t.return_id = r.id) AS tr_n" \
	RT_FROM ") q WHERE "
/* special_approval is checked form by form (the limits); at most this many */
#define Q_SPECIAL_MAX 500

static bool
queue_step_mine(const struct rma_caller *c, const char *via)
{
	for (size_t i = 0; i < rma_fsm.nt; i++) {
		const struct fsm_transition *t = &rma_fsm.t[i];

		if (strcmp(t->name, via) != 0)
			continue;
		for (size_t k = 0; k < FSM_MAX_ROLES && t->roles[k]; k++)
			if (rma_caller_has(&c->fsm, t->roles[k]))
				return true;
	}
	return false;
}

/* The WHERE of step i for caller c: arena-owned. */
static const char *
queue_where(struct arena *a, const struct rma_caller *c, size_t i)
{
	/* an agent reviews unsalable forms only: the head reviews quality */
	if (strcmp(queue_steps[i].step, "review_aftersales") == 0 &&
	    !rma_caller_has(&c->fsm, "aftersales_manager"))
		return arena_printf(a, "%s AND q.reason = 'unsalable'",
		    queue_steps[i].where);
	return queue_steps[i].where;
}

/*
 * The forms of step i after after_id in the queue order; limit < 0: all
 * (for special_approval, filtered by their limits).  *n forms in *out.
 */
static enum svc_code
queue_fetch(struct db *db, struct arena *a, const char *where,
    int64_t after_id, int limit, struct rma ***out, size_t *n,
    struct svc_err *err)
{
	struct rma **items;
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0, cap = limit < 0 ? Q_SPECIAL_MAX : (size_t)limit;

	items = arena_alloc(a, (cap + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	buf_init(&sql, 8192);
	buf_adds(&sql, Q_FROM);
	buf_adds(&sql, where);
	buf_adds(&sql, " AND (? = 0 OR q.state_since > (SELECT state_since"
	    " FROM returns WHERE id = ?) OR (q.state_since = (SELECT"
	    " state_since FROM returns WHERE id = ?) AND q.id > ?))"
	    " ORDER BY q.state_since, q.id LIMIT ?");
	rc = db_query(db, sql.p, DB_ARGS(DB_I(after_id), DB_I(after_id),
	    DB_I(after_id), DB_I(after_id), DB_I((int64_t)cap + 1)), &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (cnt <= cap && db_next(q) == 1) {
		items[cnt] = arena_alloc(a, sizeof(struct rma));
		if (items[cnt] == NULL)
			break;
		row_to_rma(q, a, items[cnt]);
		row_sigs(q, items[cnt++]);
	}
	rc = db_done(q, err);
	*out = items;
	*n = cnt;
	return rc;
}

/* How many forms wait where (a WHERE of queue_steps over q). */
static enum svc_code
queue_count(struct db *db, const char *where, int64_t *cnt,
    struct svc_err *err)
{
	struct buf sql;
	enum svc_code rc;

	buf_init(&sql, 8192);
	buf_adds(&sql, "SELECT count(*) FROM (" Q_FROM);
	buf_adds(&sql, where);
	buf_adds(&sql, ") w");
	rc = db_one_i64(db, sql.p, NULL, 0, cnt, err);
	buf_release(&sql);
	return rc;
}

/* Keep the forms over a limit (what the special approval is for). */
static enum svc_code
queue_over_limits(struct db *db, struct arena *a, struct rma **items,
    size_t *n, struct svc_err *err)
{
	enum svc_code rc;
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		struct rma *full;

		rc = load(db, a, items[i]->id, &full, err);
		if (rc)
			return rc;
		if (full->limits != NULL && full->limits->why != NULL)
			items[k++] = items[i];
	}
	*n = k;
	return SVC_OK;
}

enum svc_code
rma_queue(struct db *db, struct arena *a, const struct rma_caller *c,
    const char *step, int64_t after_id, int limit, struct rma_queue *out,
    struct svc_err *err)
{
	struct rma **items;
	enum svc_code rc;
	size_t n, pick = SIZE_MAX;

	memset(out, 0, sizeof(*out));
	if (c->customer_id != 0) {
		if (step != NULL)
			return svc_fail_field(err, SVC_EINVAL, "step",
			    "invalid", "'step' is not one that the caller signs");
		return SVC_OK;
	}
	for (size_t i = 0; i < sizeof(queue_steps) / sizeof(queue_steps[0]);
	    i++) {
		const char *where;
		int64_t cnt;

		if (!queue_step_mine(c, queue_steps[i].via))
			continue;
		where = queue_where(a, c, i);
		if (strcmp(queue_steps[i].step, "special_approval") == 0) {
			rc = queue_fetch(db, a, where, 0, -1, &items, &n, err);
			if (rc == SVC_OK)
				rc = queue_over_limits(db, a, items, &n, err);
			cnt = (int64_t)n;
		} else {
			rc = queue_count(db, where, &cnt, err);
		}
		if (rc)
			return rc;
		if (step != NULL ? strcmp(step, queue_steps[i].step) == 0 :
		    pick == SIZE_MAX && cnt > 0)
			pick = i;
		out->steps[out->nsteps] = queue_steps[i].step;
		out->counts[out->nsteps++] = cnt;
	}
	if (step != NULL && pick == SIZE_MAX)
		return svc_fail_field(err, SVC_EINVAL, "step", "invalid",
		    "'step' is not one that the caller signs");
	if (pick == SIZE_MAX) {
		if (out->nsteps == 0)
			return SVC_OK;
		for (size_t i = 0; i < sizeof(queue_steps) /
		    sizeof(queue_steps[0]); i++)
			if (strcmp(queue_steps[i].step, out->steps[0]) == 0)
				pick = i;
	}
	out->step = queue_steps[pick].step;
	if (strcmp(out->step, "special_approval") == 0) {
		rc = queue_fetch(db, a, queue_where(a, c, pick), after_id, -1,
		    &items, &n, err);
		if (rc == SVC_OK)
			rc = queue_over_limits(db, a, items, &n, err);
	} else {
		rc = queue_fetch(db, a, queue_where(a, c, pick), after_id,
		    limit, &items, &n, err);
	}
	if (rc)
		return rc;
	out->more = n > (size_t)limit;
	out->n = out->more ? (size_t)limit : n;
	out->items = items;
	for (size_t i = 0; i < out->n; i++)
		items[i]->queue_step = out->step;
	return SVC_OK;
}
