/*
 * demo_stock — the demo's spare parts and costs, across a year, in every
 * state (demo_stock_load(), declared in gen.h).
 *
 * The year behind us is written as the domain writes it, with the dates
 * it would have had: a receipt of every part into the central store each
 * month (and into the regional store each quarter), the moving average
 * carried from receipt to receipt; issues of parts to the repairs of each
 * month, each a requisition (issued) with its issue movement and its parts
 * cost line; labour and travel lines on those repairs (cost_add(), dated
 * back).  The movement journal is append-only, so the past is inserted
 * with its dates rather than posted and changed.
 *
 * Today, through the domain functions as the API calls them: requisitions
 * waiting for approval (by the part's flag and by value), one rejected, one
 * cancelled, one serial replacement; a part scrapped; a loan overdue (its
 * due date moved back a week) and one returned; a transfer in transit and
 * one received; a count approved with a difference, one pending, one
 * rejected; a level at its reorder point (the warehouse told once); labour,
 * travel and a contract's transport on open requests.
 *
 * Runs once, with the demo's generated year (demo.generated).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/gen.h"
#include "domain/stock/stock.h"
#include "util/clock.h"

#define NWH 2			/* WH-HQ, WH-EAST */
#define MAXP 32

struct ds {
	struct arena *a;
	int64_t now;
	int64_t wh[NWH];
	int64_t part[MAXP], price[MAXP];
	int64_t on_hand[NWH][MAXP], avg[NWH][MAXP], last[NWH][MAXP];
	int nparts;
	int64_t u_wh, u_tech, u_mgr;
	struct stock_caller wh_c, tech_c, mgr_c;
	int created;
};

static const char *const role_wh[] = { "warehouse" };
static const char *const role_tech[] = { "technician" };
static const char *const role_mgr[] = { "aftersales_manager" };

static enum svc_code
user_of(struct db *db, const char *name, int64_t *id, struct svc_err *err)
{
	return db_one_i64(db, "SELECT id FROM users WHERE username = ?",
	    DB_ARGS(DB_S(name)), id, err);
}

static void
caller(struct stock_caller *c, int64_t id, const char *name,
    const char *const *roles)
{
	memset(c, 0, sizeof(*c));
	c->actor = (struct actor){ id, name, "local", "demo" };
	c->fsm = (struct fsm_caller){ id, roles, 1 };
}

/* (n * avg + q * c) / (n + q), half up: as domain/stock does */
static int64_t
avg_after(int64_t n, int64_t avg, int64_t q, int64_t c)
{
	int64_t num = n * avg + q * c, den = n + q;

	return (2 * num + den) / (2 * den);
}

static enum svc_code
move_at(struct db *db, struct ds *d, const char *kind, int w, int p,
    int64_t qty, int64_t cost, const char *doc_kind, int64_t doc_id,
    const char *ref_kind, int64_t ref_id, int64_t at, struct svc_err *err)
{
	int64_t in = qty > 0, value;

	if (in)
		d->avg[w][p] = avg_after(d->on_hand[w][p], d->avg[w][p], qty,
		    cost);
	else
		cost = d->avg[w][p];
	d->on_hand[w][p] += qty;
	d->last[w][p] = at;
	value = qty * cost;
	d->created++;
	return db_exec(db, "INSERT INTO stock_moves (kind, part_id,"
	    " warehouse_id, qty, unit_cost_fen, value_fen, on_hand_after,"
	    " avg_after_fen, source, doc_kind, doc_id, ref_kind, ref_id,"
	    " reason, day, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)",
	    DB_ARGS(DB_S(kind), DB_I(d->part[p]),
	    DB_I(d->wh[w]), DB_I(qty), DB_I(cost), DB_I(value),
	    DB_I(d->on_hand[w][p]), DB_I(d->avg[w][p]),
	    DB_S(in ? "purchase" : ""), doc_kind ? DB_S(doc_kind) : DB_NULL,
	    DB_ID(doc_id), ref_kind ? DB_S(ref_kind) : DB_NULL, DB_ID(ref_id),
	    DB_I(clock_local_ymd(at)), DB_I(d->u_wh), DB_I(at)), NULL, err);
}

/* A labour or travel line dated at. */
static enum svc_code
cost_at(struct db *db, struct ds *d, int64_t req, const char *kind,
    const char *billing, int64_t minutes, int64_t amount, int64_t at,
    struct svc_err *err)
{
	struct cost_line l, *out;
	enum svc_code rc;

	rec_init(&cost_line_rec, &l);
	l.doc_kind = "request";
	l.doc_id = req;
	l.kind = kind;
	l.billing = billing;
	l.minutes = minutes;
	l.amount_fen = amount;
	l.note = strcmp(kind, "travel") == 0 ? "上门往返车费" :
	    "维修工时";
	rc = cost_add(db, d->a, &d->tech_c.actor, &l, &out, err);
	if (rc == SVC_OK && at != 0)
		rc = db_exec(db, "UPDATE cost_lines SET day = ?,"
		    " created_at = ? WHERE id = ?",
		    DB_ARGS(DB_I(clock_local_ymd(at)), DB_I(at),
		    DB_I(out->id)), NULL, err);
	d->created += rc == SVC_OK;
	return rc;
}

/* One issued requisition of the past: the document, its move, its line. */
static enum svc_code
issue_at(struct db *db, struct ds *d, int p, int64_t req, int64_t at,
    struct svc_err *err)
{
	int64_t cust, model, unit, id, value = d->avg[0][p];
	const char *no, *billing;
	char *num;
	int warranty;
	enum svc_code rc;

	if (d->on_hand[0][p] < 1)
		return SVC_OK;
	rc = stock_doc_of(db, d->a, "request", req, &cust, &model, &unit, &no,
	    &warranty, err);
	if (rc == SVC_OK)
		rc = docno_next(db, d->a, "LL", at, &num, err);
	if (rc)
		return rc;
	billing = warranty == 1 ? "warranty" : "paid";
	rc = db_one_i64(db, "INSERT INTO stock_requisitions (number, state,"
	    " part_id, warehouse_id, qty, doc_kind, doc_id, billing, value_fen,"
	    " requested_by, created_at, updated_at) VALUES (?, 'issued', ?, ?,"
	    " 1, 'request', ?, ?, ?, ?, ?, ?) RETURNING id", DB_ARGS(DB_S(num),
	    DB_I(d->part[p]), DB_I(d->wh[0]), DB_I(req), DB_S(billing),
	    DB_I(value), DB_I(d->u_tech), DB_I(at), DB_I(at)), &id, err);
	if (rc == SVC_OK)
		rc = move_at(db, d, "issue", 0, p, -1, 0, "request", req,
		    "requisition", id, at, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "INSERT INTO cost_lines (doc_kind, doc_id,"
		    " kind, billing, qty, part_id, amount_fen, note,"
		    " customer_id, model_id, requisition_id, day, created_by,"
		    " created_at) VALUES ('request', ?, 'parts', ?, 1, ?, ?, ?,"
		    " ?, ?, ?, ?, ?, ?)",
		    DB_ARGS(DB_I(req), DB_S(billing), DB_I(d->part[p]),
		    DB_I(value), DB_S(num), DB_ID(cust), DB_ID(model), DB_I(id),
		    DB_I(clock_local_ymd(at)), DB_I(d->u_tech), DB_I(at)), NULL,
		    err);
	if (rc == SVC_OK)
		rc = cost_at(db, d, req, "labour", billing, 30 + req % 151,
		    REC_NULL, at, err);
	if (rc == SVC_OK && req % 3 == 0)
		rc = cost_at(db, d, req, "travel", billing, REC_NULL,
		    3000 + req % 17 * 1000, at, err);
	return rc;
}

/* The level the journal of part p in warehouse w adds up to. */
static enum svc_code
level(struct db *db, struct ds *d, int w, int p, struct svc_err *err)
{
	if (d->last[w][p] == 0)
		return SVC_OK;
	return db_exec(db, "INSERT INTO stock_levels (part_id, warehouse_id,"
	    " on_hand, avg_cost_fen, last_move_at, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", DB_ARGS(DB_I(d->part[p]),
	    DB_I(d->wh[w]), DB_I(d->on_hand[w][p]), DB_I(d->avg[w][p]),
	    DB_I(d->last[w][p]), DB_I(d->last[w][p]), DB_I(d->now)), NULL,
	    err);
}

/* The year behind us: receipts monthly, issues to each month's repairs. */
static enum svc_code
history(struct db *db, struct ds *d, struct svc_err *err)
{
	enum svc_code rc = SVC_OK;

	for (int k = 12; rc == SVC_OK && k >= 1; k--) {
		int64_t from = d->now - (int64_t)k * 30 * 86400;
		int64_t reqs[12];
		int n = 0;
		struct dbq *q;

		for (int p = 0; rc == SVC_OK && p < d->nparts; p++) {
			int64_t cost = d->price[p] * (58 + (k + p) % 5) / 100;

			int64_t at = from + p * 600;

			rc = move_at(db, d, "receipt", 0, p,
			    6 + (p * 7 + k) % 15, cost, NULL, 0, NULL, 0, at,
			    err);
			if (rc == SVC_OK && k % 3 == 0 && p % 3 == 0)
				rc = move_at(db, d, "receipt", 1, p, 4 + k % 5,
				    cost, NULL, 0, NULL, 0, at + 300, err);
		}
		if (rc == SVC_OK)
			rc = db_query(db, "SELECT id FROM service_requests"
			    " WHERE type = 'repair' AND created_at >= ?"
			    " AND created_at < ? ORDER BY id LIMIT 12",
			    DB_ARGS(DB_I(from),
			    DB_I(from + 30 * 86400)), &q, err);
		while (rc == SVC_OK && n < 12 && db_next(q) == 1)
			reqs[n++] = db_i64(q, 0);
		if (rc == SVC_OK)
			rc = db_done(q, err);
		for (int i = 0; rc == SVC_OK && i < n; i++)
			rc = issue_at(db, d, (int)(reqs[i] % d->nparts),
			    reqs[i], from + 86400 * (2 + i * 2), err);
	}
	/* the levels the journal adds up to */
	for (int i = 0; rc == SVC_OK && i < NWH * d->nparts; i++)
		rc = level(db, d, i / d->nparts, i % d->nparts, err);
	return rc;
}

/* An open repair (newest first), the n-th, and one with a sold unit. */
static enum svc_code
open_repair(struct db *db, int n, bool with_unit, int64_t *id,
    struct svc_err *err)
{
	return db_one_i64(db, "SELECT id FROM service_requests WHERE type ="
	    " 'repair' AND state NOT IN ('closed', 'cancelled') AND"
	    " (unit_id IS NOT NULL OR ? = 0) ORDER BY id DESC LIMIT 1 OFFSET ?",
	    DB_ARGS(DB_I(with_unit), DB_I(n)), id, err);
}

static int
part_ix(struct ds *d, const char *code, struct db *db)
{
	int64_t id;
	struct svc_err e = { 0 };

	if (db_one_i64(db, "SELECT id FROM parts WHERE code = ?",
	    DB_ARGS(DB_S(code)), &id, &e) != SVC_OK)
		return 0;
	for (int p = 0; p < d->nparts; p++)
		if (d->part[p] == id)
			return p;
	return 0;
}

static enum svc_code
requisition(struct db *db, struct ds *d, const struct stock_caller *c,
    int p, int64_t qty, int64_t req, const char *old_s, const char *new_s,
    struct stock_requisition **out, struct svc_err *err)
{
	struct stock_requisition r;

	rec_init(&stock_requisition_rec, &r);
	r.part_id = d->part[p];
	r.warehouse_id = d->wh[0];
	r.qty = qty;
	r.doc_kind = "request";
	r.doc_id = req;
	if (old_s != NULL) {
		r.old_serial = old_s;
		r.new_serial = new_s;
	}
	r.note = "演示领料";
	d->created++;
	return stock_requisition_create(db, d->a, c, &r, out, err);
}

/* Today's documents in each of their states. */
static enum svc_code
today(struct db *db, struct ds *d, struct svc_err *err)
{
	struct stock_requisition *rq;
	struct stock_loan l, *lo;
	struct stock_transfer t, *tr;
	struct stock_count k, *co;
	struct stock_step st = { .note = "同意", .qty = 0 };
	int bat = part_ix(d, "P-BAT-01", db), cmp = part_ix(d, "P-CMP-01", db);
	int pcb = part_ix(d, "P-PCB-01", db), sen = part_ix(d, "P-SEN-01", db);
	int64_t r0, r1, r2, ru;
	enum svc_code rc;

	rc = open_repair(db, 0, false, &r0, err);
	if (rc == SVC_OK)
		rc = open_repair(db, 1, false, &r1, err);
	if (rc == SVC_OK)
		rc = open_repair(db, 2, false, &r2, err);
	if (rc == SVC_OK)
		rc = open_repair(db, 0, true, &ru, err);
	/* the battery needs the manager; the compressor, by value */
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE parts SET approval_required = 1 WHERE"
		    " id = ?", DB_ARGS(DB_I(d->part[bat])), NULL, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE parts SET serial_tracked = 1 WHERE"
		    " id = ?", DB_ARGS(DB_I(d->part[pcb])), NULL, err);
	if (rc == SVC_OK)
		rc = requisition(db, d, &d->tech_c, bat, 1, r0, NULL, NULL, &rq,
		    err);
	if (rc == SVC_OK)
		rc = requisition(db, d, &d->tech_c, cmp, 2, r1, NULL, NULL, &rq,
		    err);
	if (rc == SVC_OK)
		rc = requisition(db, d, &d->tech_c, cmp, 3, r2, NULL, NULL, &rq,
		    err);
	if (rc == SVC_OK) {
		st.note = "本月压缩机预算已用完, 请先维修";
		rc = stock_requisition_step(db, d->a, &d->mgr_c, rq->id,
		    rq->version, "reject", &st, &rq, err);
	}
	/* one the technician asked for and took back */
	if (rc == SVC_OK)
		rc = requisition(db, d, &d->tech_c, bat, 1, r2, NULL, NULL, &rq,
		    err);
	if (rc == SVC_OK) {
		st.note = "客户自行更换, 不再需要";
		rc = stock_requisition_step(db, d->a, &d->tech_c, rq->id,
		    rq->version, "cancel", &st, &rq, err);
	}
	if (rc == SVC_OK)
		rc = requisition(db, d, &d->tech_c, pcb, 1, ru, "PCB-2025-0417",
		    "PCB-2026-1203", &rq, err);
	/* a part scrapped with its reason */
	if (rc == SVC_OK) {
		struct stock_post_in in = { "scrap", d->part[sen], d->wh[0], 1,
			-1, "", NULL, 0, NULL, 0, "受潮损坏, 无法使用" };

		rc = stock_post(db, d->a, &d->wh_c.actor, &in, NULL, err);
		d->created++;
	}
	/* loans: one a week overdue, one returned */
	if (rc == SVC_OK) {
		rec_init(&stock_loan_rec, &l);
		l.part_id = d->part[sen];
		l.warehouse_id = d->wh[0];
		l.qty = 2;
		l.borrower_id = d->u_tech;
		l.due_date = clock_local_ymd(d->now);
		l.note = "借去现场测试";
		rc = stock_loan_create(db, d->a, &d->wh_c, &l, &lo, err);
		d->created++;
	}
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE stock_loans SET due_date = ?,"
		    " created_at = ? WHERE id = ?",
		    DB_ARGS(DB_I(clock_local_ymd(d->now - 7 * 86400)),
		    DB_I(d->now - 14 * 86400), DB_I(lo->id)), NULL, err);
	if (rc == SVC_OK) {
		rec_init(&stock_loan_rec, &l);
		l.part_id = d->part[cmp];
		l.warehouse_id = d->wh[0];
		l.qty = 1;
		l.borrower_id = d->u_tech;
		l.due_date = clock_local_ymd(d->now + 7 * 86400);
		l.note = "借给技师备用";
		rc = stock_loan_create(db, d->a, &d->wh_c, &l, &lo, err);
		d->created++;
	}
	if (rc == SVC_OK) {
		st.qty = 1;
		rc = stock_loan_step(db, d->a, &d->wh_c, lo->id, lo->version,
		    "return", &st, &lo, err);
	}
	/* transfers: one on its way to the regional store, one received */
	for (int i = 0; rc == SVC_OK && i < 2; i++) {
		rec_init(&stock_transfer_rec, &t);
		t.part_id = d->part[i == 0 ? sen : pcb];
		t.from_warehouse_id = d->wh[0];
		t.to_warehouse_id = d->wh[1];
		t.qty = 2;
		t.note = "华东补货";
		rc = stock_transfer_create(db, d->a, &d->wh_c, &t, &tr, err);
		d->created++;
		if (rc == SVC_OK && i == 1)
			rc = stock_transfer_step(db, d->a, &d->wh_c, tr->id,
			    tr->version, "receive", &st, &tr, err);
	}
	/* counts: a loss approved, a gain waiting, a recount refused */
	for (int i = 0; rc == SVC_OK && i < 3; i++) {
		struct stock_level *lv;
		int p = i == 0 ? part_ix(d, "P-CAP-01", db) : i == 1 ?
		    part_ix(d, "P-DRN-01", db) : part_ix(d, "P-FAN-01", db);

		rc = stock_level_get(db, d->a, d->part[p], d->wh[0], &lv, err);
		if (rc)
			break;
		rec_init(&stock_count_rec, &k);
		k.part_id = d->part[p];
		k.warehouse_id = d->wh[0];
		k.counted_qty = lv->on_hand + (i == 0 ? -1 : 2);
		k.reason = i == 0 ? "盘亏: 电容破损丢弃未登记" : i == 1 ?
		    "盘盈: 退货包装内找到两根" : "盘盈: 货架上多出两个";
		rc = stock_count_create(db, d->a, &d->wh_c, &k, &co, err);
		d->created++;
		if (rc == SVC_OK && i != 1) {
			st.note = i == 0 ? "同意按实盘调整" :
			    "与借料单核对后再盘一次";
			rc = stock_count_step(db, d->a, &d->mgr_c, co->id,
			    co->version, i == 0 ? "approve" : "reject", &st,
			    &co, err);
		}
	}
	/* a level at its reorder point: the warehouse is told once */
	if (rc == SVC_OK) {
		struct stock_level *lv;
		int p = part_ix(d, "P-REM-01", db);

		rc = stock_level_get(db, d->a, d->part[p], d->wh[0], &lv, err);
		if (rc == SVC_OK)
			rc = stock_level_set(db, d->a, &d->wh_c.actor,
			    d->part[p], d->wh[0], lv->on_hand - 1, 20, &lv,
			    err);
		if (rc == SVC_OK)
			rc = requisition(db, d, &d->tech_c, p, 1, r1, NULL,
			    NULL, &rq, err);
	}
	/* labour and travel on today's repairs */
	if (rc == SVC_OK)
		rc = cost_at(db, d, r0, "labour", "paid", 90, REC_NULL, 0, err);
	if (rc == SVC_OK)
		rc = cost_at(db, d, r0, "travel", "paid", REC_NULL, 12000, 0,
		    err);
	if (rc == SVC_OK)
		rc = cost_at(db, d, ru, "labour", "warranty", 45, REC_NULL, 0,
		    err);
	/* a maintenance contract's transport */
	if (rc == SVC_OK)
		rc = cost_at(db, d, r1, "transport", "contract", REC_NULL, 8000,
		    0, err);
	return rc;
}

static enum svc_code
demo_stock_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct ds *d = arg;
	const char *codes[] = { "WH-HQ", "WH-EAST" };
	enum svc_code rc = SVC_OK;
	struct dbq *q;

	for (int w = 0; rc == SVC_OK && w < NWH; w++)
		rc = db_one_i64(db, "SELECT id FROM warehouses WHERE code = ?",
		    DB_ARGS(DB_S(codes[w])), &d->wh[w], err);
	if (rc == SVC_OK)
		rc = user_of(db, "warehouse", &d->u_wh, err);
	if (rc == SVC_OK)
		rc = user_of(db, "tech", &d->u_tech, err);
	if (rc == SVC_OK)
		rc = user_of(db, "asmanager", &d->u_mgr, err);
	if (rc)
		return rc;
	caller(&d->wh_c, d->u_wh, "warehouse", role_wh);
	caller(&d->tech_c, d->u_tech, "tech", role_tech);
	caller(&d->mgr_c, d->u_mgr, "asmanager", role_mgr);
	rc = db_query(db, "SELECT id, price_fen FROM parts"
	    " WHERE code LIKE 'P-%' ORDER BY code", DB_NOARGS, &q, err);
	while (rc == SVC_OK && d->nparts < MAXP && db_next(q) == 1) {
		d->part[d->nparts] = db_i64(q, 0);
		d->price[d->nparts++] = db_i64(q, 1);
	}
	if (rc == SVC_OK)
		rc = db_done(q, err);
	if (rc == SVC_OK && d->nparts == 0)
		return svc_fail(err, SVC_EUNPROCESSABLE, NULL,
		    "demo stock needs the generated parts");
	if (rc == SVC_OK)
		rc = history(db, d, err);
	if (rc == SVC_OK)
		rc = today(db, d, err);
	return rc;
}

enum svc_code
demo_stock_load(struct store *s, struct db *db, int *created,
    struct svc_err *err)
{
	struct ds *d;
	struct arena a;
	enum svc_code rc;

	d = xcalloc(1, sizeof(*d));
	arena_init(&a, 32u << 20);
	d->a = &a;
	d->now = clock_now();
	rc = store_write(s, db, demo_stock_tx, d, err);
	if (rc == SVC_OK)
		*created += d->created;
	arena_release(&a);
	free(d);
	return rc;
}
