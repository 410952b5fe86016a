/*
 * test_stock — the spare-parts store on the DSN under test (SQLite or
 * PostgreSQL), below the API: the moving average and its rounding (half up:
 * 100.5 -> 101, 100.25 -> 100), an out-movement at the average, the level
 * never below zero (refused naming the part, the warehouse and what is on
 * hand, nothing written), the low-stock claim once per crossing, and an
 * open loan overdue from the day after its due date (the API refuses a due
 * date in the past, so the boundary is set here).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "domain/stock/stock.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/date.h"

static const struct actor T_WHO = { 0, "test", "local", "test" };

struct sctx {
	struct arena *a;
	char tag[24];
	int64_t part, wh, user;
};

static struct store *
open_store(void)
{
	struct store_config sc = { .max_conns = 4 };
	struct svc_err err = { 0 };
	struct store *s = NULL;

	if (store_open(&s, h_dsn, &sc, &err) != SVC_OK) {
		fprintf(stderr, "  cannot open %s: %s\n", h_dsn, err.msg);
		return NULL;
	}
	if (store_migrate(s, NULL, &err) != SVC_OK) {
		fprintf(stderr, "  cannot migrate: %s\n", err.msg);
		store_close(s);
		return NULL;
	}
	return s;
}

/* a part (reorder point 2), a warehouse and a user of their own */
static enum svc_code
fixture_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct sctx *c = arg;
	enum svc_code rc;
	int64_t now = clock_now();

	rc = db_one_i64(db, "INSERT INTO parts (code, name, price_fen,"
	    " reorder_point, created_at, updated_at) VALUES (?, '测试备件',"
	    " 500, 2, ?, ?) RETURNING id", DB_ARGS(DB_S(c->tag), DB_I(now),
	    DB_I(now)), &c->part, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "INSERT INTO warehouses (code, name, kind,"
		    " created_at, updated_at) VALUES (?, '测试库', 'central', ?,"
		    " ?) RETURNING id", DB_ARGS(DB_S(c->tag), DB_I(now),
		    DB_I(now)), &c->wh, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "INSERT INTO users (username, display_name,"
		    " password_hash, created_at, updated_at) VALUES (?, '借用人',"
		    " 'x', ?, ?) RETURNING id", DB_ARGS(DB_S(c->tag), DB_I(now),
		    DB_I(now)), &c->user, err);
	return rc;
}

static enum svc_code
post(struct db *db, struct sctx *c, const char *kind, int64_t qty,
    int64_t cost, struct stock_move **m, struct svc_err *err)
{
	struct stock_post_in in = { kind, c->part, c->wh, qty, cost, "", NULL,
		0, NULL, 0, "" };

	return stock_post(db, c->a, &T_WHO, &in, m, err);
}

/* the average, half up; outs at it; never negative */
static enum svc_code
average_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct sctx *c = arg;
	struct stock_move *m;
	enum svc_code rc;
	int64_t n;

	rc = post(db, c, "receipt", 3, 100, &m, err);
	if (rc == SVC_OK)
		rc = post(db, c, "receipt", 1, 101, &m, err);
	if (rc)
		return rc;
	CHECK_INT(m->avg_after_fen, 100);	/* 401 / 4 = 100.25 */
	CHECK_INT(m->on_hand_after, 4);
	rc = post(db, c, "issue", 3, -1, &m, err);
	if (rc)
		return rc;
	CHECK_INT(m->qty, -3);
	CHECK_INT(m->unit_cost_fen, 100);
	CHECK_INT(m->value_fen, -300);
	CHECK_INT(m->on_hand_after, 1);
	rc = post(db, c, "receipt", 1, 101, &m, err);	/* 201 / 2 */
	if (rc)
		return rc;
	CHECK_INT(m->avg_after_fen, 101);
	/* exactly what is on hand goes; one more is refused, nothing moves */
	rc = post(db, c, "scrap", 3, -1, &m, err);
	CHECK_INT(rc, SVC_EUNPROCESSABLE);
	CHECK_STR(err->reason, "insufficient_stock");
	CHECK(err->details != NULL && strstr(err->details,
	    "\"available\":2") != NULL);
	CHECK(strstr(err->msg, "测试库") != NULL);
	svc_err_clear(err);
	rc = db_one_i64(db, "SELECT count(*) FROM stock_moves WHERE part_id ="
	    " ?", DB_ARGS(DB_I(c->part)), &n, err);
	if (rc)
		return rc;
	CHECK_INT(n, 4);
	rc = post(db, c, "scrap", 2, -1, &m, err);
	if (rc)
		return rc;
	CHECK_INT(m->on_hand_after, 0);
	CHECK_INT(m->avg_after_fen, 101);	/* kept when it empties */
	return SVC_OK;
}

static int64_t
notices(struct db *db, struct sctx *c, struct svc_err *err)
{
	int64_t n = -1;

	/* of our warehouse user (every user of the role is told) */
	if (db_one_i64(db, "SELECT count(*) FROM notifications WHERE kind ="
	    " 'stock_low' AND ref_id = ? AND user_id = ?",
	    DB_ARGS(DB_I(c->part), DB_I(c->user)), &n, err))
		return -1;
	return n;
}

/* low at or below the point (2); told once per crossing */
static enum svc_code
low_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct sctx *c = arg;
	struct stock_move *m;
	enum svc_code rc;
	int64_t flag;

	/* somebody to tell */
	rc = db_exec(db, "INSERT INTO user_roles (user_id, role) VALUES (?,"
	    " 'warehouse')", DB_ARGS(DB_I(c->user)), NULL, err);
	if (rc == SVC_OK)
		rc = post(db, c, "receipt", 5, 100, &m, err);
	if (rc)
		return rc;
	CHECK_INT(notices(db, c, err), 0);
	rc = post(db, c, "issue", 3, -1, &m, err);	/* 2: at the point */
	if (rc == SVC_OK)
		rc = post(db, c, "issue", 1, -1, &m, err);	/* still low */
	if (rc)
		return rc;
	CHECK_INT(notices(db, c, err), 1);
	rc = post(db, c, "receipt", 2, 100, &m, err);	/* 3: above */
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT low_notified FROM stock_levels"
		    " WHERE part_id = ? AND warehouse_id = ?",
		    DB_ARGS(DB_I(c->part), DB_I(c->wh)), &flag, err);
	if (rc)
		return rc;
	CHECK_INT(flag, 0);
	rc = post(db, c, "issue", 1, -1, &m, err);	/* 2 again */
	if (rc)
		return rc;
	CHECK_INT(notices(db, c, err), 2);
	return SVC_OK;
}

/* open loans due on due_day: overdue on the next day, not on it */
static enum svc_code
overdue_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct sctx *c = arg;
	struct rec_page pg = { NULL, NULL, 200 };
	int today = ymd_today(), due = ymd_add_days(today, -1);
	struct stock_loan **items;
	struct rec_query q;
	enum svc_code rc;
	int64_t open_id, back_id, now = clock_now();
	char *next;
	size_t n;

	rc = db_one_i64(db, "INSERT INTO stock_loans (number, state, part_id,"
	    " warehouse_id, qty, borrower_id, due_date, created_at,"
	    " updated_at) VALUES (?, 'open', ?, ?, 1, ?, ?, ?, ?) RETURNING"
	    " id", DB_ARGS(DB_S(c->tag), DB_I(c->part), DB_I(c->wh),
	    DB_I(c->user), DB_I(due), DB_I(now), DB_I(now)), &open_id, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "INSERT INTO stock_loans (number, state,"
		    " part_id, warehouse_id, qty, returned_qty, borrower_id,"
		    " due_date, created_at, updated_at) VALUES (? || 'R',"
		    " 'returned', ?, ?, 1, 1, ?, ?, ?, ?) RETURNING id",
		    DB_ARGS(DB_S(c->tag), DB_I(c->part), DB_I(c->wh),
		    DB_I(c->user), DB_I(due), DB_I(now), DB_I(now)), &back_id,
		    err);
	for (int day = due; rc == SVC_OK && day <= today;
	    day = ymd_add_days(day, 1)) {
		bool seen_open = false, seen_back = false;

		rc = rec_list_begin(&q, c->a, &stock_loan_rec, &pg, err);
		if (rc)
			break;
		stock_loan_overdue(&q, day);
		rc = rec_list_run(&q, db, c->a, &stock_loan_rec,
		    (void ***)&items, &n, &next, err);
		for (size_t i = 0; rc == SVC_OK && i < n; i++) {
			seen_open |= items[i]->id == open_id;
			seen_back |= items[i]->id == back_id;
			if (items[i]->id == open_id)
				/* the answer's flag: today is after due */
				CHECK(items[i]->overdue);
		}
		CHECK_INT(seen_open, day > due);	/* due day: not yet */
		CHECK(!seen_back);			/* returned: never */
	}
	return rc;
}

static void
run(store_write_fn fn, const char *tag)
{
	struct svc_err err = { 0 };
	struct store *s = open_store();
	struct arena a;
	struct sctx c;
	struct db *db = NULL;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	arena_init(&a, 1u << 22);
	memset(&c, 0, sizeof(c));
	c.a = &a;
	snprintf(c.tag, sizeof(c.tag), "%s-%lld", tag,
	    (long long)(clock_now_us() % 1000000000));
	CHECK_INT(store_acquire(s, &db, &err), SVC_OK);
	if (db != NULL) {
		CHECK_INT(store_write(s, db, fixture_tx, &c, &err), SVC_OK);
		CHECK_INT(store_write(s, db, fn, &c, &err), SVC_OK);
		if (err.code)
			fprintf(stderr, "  %s: %s\n", tag, err.msg);
		store_release(s, db);
	}
	arena_release(&a);
	store_close(s);
}

static void
t_average(void)
{
	run(average_tx, "T-AVG");
}

static void
t_low_once(void)
{
	run(low_tx, "T-LOW");
}

static void
t_overdue(void)
{
	run(overdue_tx, "T-DUE");
}

const struct h_test stock_tests[] = {
	{ "stock: moving average half up, outs at it, never below zero",
	    t_average },
	{ "stock: the low-stock notice once per crossing", t_low_once },
	{ "stock: a loan is overdue from the day after its due date",
	    t_overdue },
	{ NULL, NULL },
};
