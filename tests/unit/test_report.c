/*
 * test_report — the monthly request report on the DSN under test: the
 * counts by type and state of requests made here in a year nobody else
 * uses, the first and last day of a month in and the days either side
 * out, December running into January, a month without requests, the
 * months at the ends of the range and past them, and more than 1,000
 * cells (once a silent stop) all counted.  The dashboard's months: a range
 * across the new year gives each month as the monthly report does, empty
 * months included; one customer's counts; the range's limits.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "domain/report/report.h"
#include "store/store.h"
#include "util/clock.h"

static struct {
	struct store *s;
	int64_t customer, user;
	int year;		/* a year of this run's requests only */
	int64_t seq;
	long long tag;
} R;

struct insert_ctx {
	const char *type, *state;
	int day;
	int n;
};

static enum svc_code
insert_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct insert_ctx *c = arg;
	enum svc_code rc = SVC_OK;
	char number[64];

	for (int i = 0; i < c->n && rc == SVC_OK; i++) {
		snprintf(number, sizeof(number), "RPT-%lld-%lld", R.tag,
		    (long long)++R.seq);
		rc = db_exec(db, "INSERT INTO service_requests (number, type,"
		    " channel, severity, state, customer_id, title, owner_id,"
		    " created_day, created_at, updated_at) VALUES (?, ?,"
		    " 'phone', 'minor', ?, ?, 'report test', ?, ?, 0, 0)",
		    DB_ARGS(DB_S(number), DB_S(c->type), DB_S(c->state),
		    DB_I(R.customer), DB_I(R.user), DB_I(c->day)), NULL, err);
	}
	return rc;
}

/* n requests of type and state made on the local day YYYYMMDD. */
static void
add(const char *type, const char *state, int ymd, int n)
{
	struct insert_ctx c = { type, state, ymd, n };
	struct svc_err err = { 0 };
	struct db *db;
	enum svc_code rc;

	rc = store_acquire(R.s, &db, &err);
	if (rc == SVC_OK) {
		rc = store_write(R.s, db, insert_cb, &c, &err);
		store_release(R.s, db);
	}
	if (rc != SVC_OK)
		fprintf(stderr, "  insert: %s\n", err.msg);
	CHECK_INT(rc, SVC_OK);
}

struct fixture_ctx {
	int64_t customer, user;
};

static enum svc_code
fixture_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct fixture_ctx *c = arg;
	char code[64];
	enum svc_code rc;

	snprintf(code, sizeof(code), "RPT%lld", R.tag);
	rc = db_one_i64(db, "INSERT INTO customers (code, name, created_at,"
	    " updated_at) VALUES (?, ?, 0, 0) RETURNING id",
	    DB_ARGS(DB_S(code), DB_S(code)), &c->customer, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "INSERT INTO users (username, display_name,"
		    " password_hash, created_at, updated_at) VALUES (?, ?,"
		    " 'x', 0, 0) RETURNING id", DB_ARGS(DB_S(code),
		    DB_S(code)), &c->user, err);
	return rc;
}

static bool
open_store(void)
{
	struct store_config sc = { .max_conns = 2 };
	struct fixture_ctx c = { 0, 0 };
	struct svc_err err = { 0 };
	struct db *db;
	enum svc_code rc;

	if (R.s != NULL)
		return true;
	if (store_open(&R.s, h_dsn, &sc, &err) != SVC_OK ||
	    store_migrate(R.s, NULL, &err) != SVC_OK) {
		fprintf(stderr, "  cannot open/migrate %s: %s\n", h_dsn,
		    err.msg);
		CHECK(!"the store opens and migrates");
		if (R.s != NULL)
			store_close(R.s);
		R.s = NULL;
		return false;
	}
	R.tag = (long long)(clock_now_us() % 1000000000);
	/* a year of the far range: 2100 .. 2189, one per run */
	R.year = 2100 + (int)(R.tag % 90);
	rc = store_acquire(R.s, &db, &err);
	if (rc == SVC_OK) {
		rc = store_write(R.s, db, fixture_cb, &c, &err);
		store_release(R.s, db);
	}
	CHECK_INT(rc, SVC_OK);
	R.customer = c.customer;
	R.user = c.user;
	return rc == SVC_OK;
}

/* The report of year-month, as "type/state=count,..." (arena-owned). */
static const char *
report(struct arena *a, int year, int month, int64_t *total,
    enum svc_code *rcp)
{
	struct svc_err err = { 0 };
	struct report_count *cells = NULL;
	struct buf b;
	struct db *db;
	enum svc_code rc;
	size_t n = 0;
	char *s;

	*total = -1;
	rc = store_acquire(R.s, &db, &err);
	if (rc == SVC_OK) {
		rc = report_requests_monthly(db, a, year, month, &cells, &n,
		    total, &err);
		store_release(R.s, db);
	}
	if (rcp != NULL)
		*rcp = rc;
	if (rc != SVC_OK)
		return arena_printf(a, "error %d field %s", (int)rc,
		    err.field[0] ? err.field : "-");
	buf_init(&b, 1u << 20);
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s/%s=%lld", i ? "," : "", cells[i].type,
		    cells[i].state, (long long)cells[i].count);
	s = arena_strdup(a, b.len ? b.p : "");
	buf_release(&b);
	return s;
}

static void
t_monthly_counts(void)
{
	struct arena a;
	int64_t total;
	int y;

	if (!open_store())
		return;
	y = R.year;
	arena_init(&a, 16u << 20);
	/* this run's year starts empty */
	for (int m = 1; m <= 12; m++) {
		CHECK_STR(report(&a, y, m, &total, NULL), "");
		CHECK_INT(total, 0);
	}
	CHECK_STR(report(&a, y + 1, 1, &total, NULL), "");
	/* November: its last day in, the first of December out */
	add("repair", "new", y * 10000 + 1130, 1);
	add("repair", "new", y * 10000 + 1101, 2);
	add("repair", "new", y * 10000 + 1031, 4);	/* October */
	/* December: first and last day, three types, two states */
	add("repair", "new", y * 10000 + 1201, 3);
	add("repair", "closed", y * 10000 + 1231, 5);
	add("consultation", "closed", y * 10000 + 1215, 1);
	add("complaint", "new", y * 10000 + 1231, 2);
	/* January of the next year: not December's */
	add("repair", "new", (y + 1) * 10000 + 101, 7);
	add("complaint", "closed", (y + 1) * 10000 + 131, 1);
	add("complaint", "closed", (y + 1) * 10000 + 201, 8);	/* February */

	CHECK_STR(report(&a, y, 10, &total, NULL), "repair/new=4");
	CHECK_INT(total, 4);
	CHECK_STR(report(&a, y, 11, &total, NULL), "repair/new=3");
	CHECK_INT(total, 3);
	CHECK_STR(report(&a, y, 12, &total, NULL),
	    "complaint/new=2,consultation/closed=1,repair/closed=5,"
	    "repair/new=3");
	CHECK_INT(total, 11);
	CHECK_STR(report(&a, y + 1, 1, &total, NULL),
	    "complaint/closed=1,repair/new=7");
	CHECK_INT(total, 8);
	CHECK_STR(report(&a, y + 1, 2, &total, NULL), "complaint/closed=8");
	CHECK_INT(total, 8);
	CHECK_STR(report(&a, y, 9, &total, NULL), "");
	CHECK_INT(total, 0);
	arena_release(&a);
}

static void
t_monthly_range(void)
{
	struct arena a;
	enum svc_code rc;
	int64_t total;

	if (!open_store())
		return;
	arena_init(&a, 1u << 20);
	/* the ends of the range answer; one month past either is refused */
	report(&a, 2000, 1, &total, &rc);
	CHECK_INT(rc, SVC_OK);
	report(&a, 2199, 12, &total, &rc);
	CHECK_INT(rc, SVC_OK);
	CHECK_STR(report(&a, 1999, 12, &total, &rc), "error 1 field month");
	CHECK_STR(report(&a, 2200, 1, &total, &rc), "error 1 field month");
	CHECK_STR(report(&a, 2026, 0, &total, &rc), "error 1 field month");
	CHECK_STR(report(&a, 2026, 13, &total, &rc), "error 1 field month");
	arena_release(&a);
}

/* The dashboard of ym_from .. ym_to: "YYYYMM:total:cells;..." */
static const char *
dashboard(struct arena *a, int ym_from, int ym_to, int64_t customer,
    struct report_dashboard *d, enum svc_code *rcp)
{
	struct svc_err err = { 0 };
	struct buf b;
	struct db *db;
	enum svc_code rc;
	char *s;

	rc = store_acquire(R.s, &db, &err);
	if (rc == SVC_OK) {
		rc = report_dashboard(db, a, ym_from, ym_to, R.user, customer,
		    19990101, d, &err);
		store_release(R.s, db);
	}
	if (rcp != NULL)
		*rcp = rc;
	if (rc != SVC_OK)
		return arena_printf(a, "error %d field %s", (int)rc,
		    err.field[0] ? err.field : "-");
	buf_init(&b, 1u << 20);
	for (size_t i = 0; i < d->nmonths; i++) {
		const struct report_month *m = &d->months[i];

		buf_addf(&b, "%s%d:%lld:", i ? ";" : "", m->ym,
		    (long long)m->total);
		for (size_t k = 0; k < m->n; k++)
			buf_addf(&b, "%s%s/%s=%lld", k ? "," : "",
			    m->cells[k].type, m->cells[k].state,
			    (long long)m->cells[k].count);
	}
	s = arena_strdup(a, b.len ? b.p : "");
	buf_release(&b);
	return s;
}

/* After t_monthly_counts: October of R.year .. February of the next. */
static void
t_dashboard_months(void)
{
	struct report_dashboard d;
	struct arena a;
	enum svc_code rc;
	char want[512];
	int y;

	if (!open_store())
		return;
	y = R.year;
	arena_init(&a, 16u << 20);
	snprintf(want, sizeof(want), "%d09:0:;%d10:4:repair/new=4;"
	    "%d11:3:repair/new=3;%d12:11:complaint/new=2,"
	    "consultation/closed=1,repair/closed=5,repair/new=3;"
	    "%d01:8:complaint/closed=1,repair/new=7;"
	    "%d02:8:complaint/closed=8;%d03:0:", y, y, y, y, y + 1, y + 1,
	    y + 1);
	CHECK_STR(dashboard(&a, y * 100 + 9, (y + 1) * 100 + 3, R.customer,
	    &d, NULL), want);
	/* the customer's open requests: new ones only, none severe or mine */
	CHECK_INT(d.open, 4 + 3 + 3 + 2 + 7);
	CHECK_INT(d.open_severe, 0);
	CHECK_INT(d.open_mine, 0);
	CHECK_INT(d.today, 0);
	/* the same months for everyone: this run's year is its own */
	snprintf(want, sizeof(want), "%d12:11:complaint/new=2,"
	    "consultation/closed=1,repair/closed=5,repair/new=3;"
	    "%d01:8:complaint/closed=1,repair/new=7", y, y + 1);
	CHECK_STR(dashboard(&a, y * 100 + 12, (y + 1) * 100 + 1, 0, &d,
	    NULL), want);
	CHECK(d.open >= 19);
	/* another customer: every month empty */
	snprintf(want, sizeof(want), "%d12:0:;%d01:0:", y, y + 1);
	CHECK_STR(dashboard(&a, y * 100 + 12, (y + 1) * 100 + 1,
	    R.customer + 1000000, &d, NULL), want);
	CHECK_INT(d.open, 0);
	/* 36 months at most; the ends of the range; to before from */
	dashboard(&a, 202301, 202512, 0, &d, &rc);
	CHECK_INT(rc, SVC_OK);
	CHECK_INT((int)d.nmonths, 36);
	CHECK_INT(d.months[12].ym, 202401);
	CHECK_STR(dashboard(&a, 202212, 202512, 0, &d, &rc),
	    "error 1 field from");
	CHECK_STR(dashboard(&a, 202602, 202601, 0, &d, &rc),
	    "error 1 field to");
	CHECK_STR(dashboard(&a, 199912, 200001, 0, &d, &rc),
	    "error 1 field from");
	CHECK_STR(dashboard(&a, 219912, 220001, 0, &d, &rc),
	    "error 1 field to");
	CHECK_STR(dashboard(&a, 202613, 202613, 0, &d, &rc),
	    "error 1 field from");
	dashboard(&a, 219912, 219912, 0, &d, &rc);
	CHECK_INT(rc, SVC_OK);
	arena_release(&a);
}

/* More than 1,000 cells: every one counted, none dropped. */
static void
t_monthly_many_cells(void)
{
	struct arena a;
	int64_t total;
	const char *s;
	char type[32];
	int commas = 0, y;

	if (!open_store())
		return;
	y = R.year;
	arena_init(&a, 16u << 20);
	for (int i = 0; i < 1001; i++) {
		snprintf(type, sizeof(type), "t%04d", i);
		add(type, "new", y * 10000 + 615, 1);
	}
	s = report(&a, y, 6, &total, NULL);
	for (const char *p = s; *p != '\0'; p++)
		commas += *p == ',';
	CHECK_INT(commas + 1, 1001);
	CHECK_INT(total, 1001);
	CHECK(strstr(s, "t0000/new=1,") == s);
	CHECK(strstr(s, ",t1000/new=1") != NULL);
	arena_release(&a);
}

/* ----- the report catalogue ----- */

struct exec_ctx {
	const char *sql;
	const struct dbv *args;
	size_t n;
	int64_t *id;		/* RETURNING id, or NULL */
};

static enum svc_code
exec_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct exec_ctx *c = arg;

	if (c->id != NULL)
		return db_one_i64(db, c->sql, c->args, c->n, c->id, err);
	return db_exec(db, c->sql, c->args, c->n, NULL, err);
}

/* Run one statement in a write; *id gets RETURNING id when id != NULL. */
static void
exec1(const char *sql, const struct dbv *args, size_t n, int64_t *id)
{
	struct exec_ctx c = { sql, args, n, id };
	struct svc_err err = { 0 };
	struct db *db;
	enum svc_code rc;

	rc = store_acquire(R.s, &db, &err);
	if (rc == SVC_OK) {
		rc = store_write(R.s, db, exec_cb, &c, &err);
		store_release(R.s, db);
	}
	if (rc != SVC_OK)
		fprintf(stderr, "  exec: %s\n", err.msg);
	CHECK_INT(rc, SVC_OK);
}

static int64_t
at(const char *local)
{
	int64_t t = 0;

	CHECK(clock_parse(local, &t));
	return t;
}

/* the catalogue's fixture: a customer, a user, a department of its own */
static struct {
	int64_t customer, user, dept, policy, policy2;
	int year;
	long long seq;
} C;

static bool
cat_fixture(void)
{
	char code[64];

	if (!open_store())
		return false;
	if (C.customer != 0)
		return true;
	/* a year of its own, away from the monthly tests' */
	C.year = 2190 + (int)(R.tag % 9);
	snprintf(code, sizeof(code), "RPC%lld", R.tag);
	exec1("INSERT INTO customers (code, name, created_at, updated_at)"
	    " VALUES (?, ?, 0, 0) RETURNING id", DB_ARGS(DB_S(code),
	    DB_S(code)), &C.customer);
	exec1("INSERT INTO users (username, display_name, password_hash,"
	    " created_at, updated_at) VALUES (?, ?, 'x', 0, 0) RETURNING id",
	    DB_ARGS(DB_S(code), DB_S(code)), &C.user);
	exec1("INSERT INTO departments (code, name, created_at, updated_at)"
	    " VALUES (?, ?, 0, 0) RETURNING id", DB_ARGS(DB_S(code),
	    DB_S(code)), &C.dept);
	exec1("INSERT INTO sla_policies (name, metric, mode, target_min,"
	    " created_at, updated_at) VALUES (?, 'resolution', 'calendar', 60,"
	    " 0, 0) RETURNING id", DB_ARGS(DB_S("all met")), &C.policy);
	exec1("INSERT INTO sla_policies (name, metric, mode, target_min,"
	    " created_at, updated_at) VALUES (?, 'resolution', 'calendar', 60,"
	    " 0, 0) RETURNING id", DB_ARGS(DB_S("mixed")), &C.policy2);
	return C.customer != 0 && C.user != 0;
}

/* a request of C's customer made at created (closed at closed, 0: open) */
static int64_t
cat_request(const char *type, int64_t created, int64_t closed)
{
	char number[64];
	int64_t id = 0;

	snprintf(number, sizeof(number), "RPC-%lld-%lld", R.tag, ++C.seq);
	exec1("INSERT INTO service_requests (number, type, channel, severity,"
	    " state, customer_id, title, owner_id, department_id, closed_at,"
	    " created_day, created_at, updated_at) VALUES (?, ?, 'phone',"
	    " 'minor', ?, ?, 'catalogue test', ?, ?, ?, ?, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(number), DB_S(type), DB_S(closed ? "closed" : "new"),
	    DB_I(C.customer), DB_I(C.user), DB_I(C.dept), DB_ID(closed),
	    DB_I(clock_local_ymd(created)), DB_I(created), DB_I(created)),
	    &id);
	return id;
}

static void
cat_clock(int64_t policy, int64_t doc, int64_t started, const char *state,
    const char *outcome, bool breached)
{
	exec1("INSERT INTO sla_clocks (doc_kind, doc_id, metric, policy_id,"
	    " mode, target_min, warn_min, owner_user_id, state, started_at,"
	    " due_at, warn_at, breached_at, stopped_at, outcome, created_at,"
	    " updated_at) VALUES ('request', ?, 'resolution', ?, 'calendar',"
	    " 60, 10, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)",
	    DB_ARGS(DB_I(doc), DB_I(policy), DB_I(C.user), DB_S(state),
	    DB_I(started), DB_I(started + 3600), DB_I(started + 3000),
	    breached ? DB_I(started + 3600) : DB_NULL,
	    outcome ? DB_I(started + 1800) : DB_NULL, DB_S(outcome)), NULL);
}

static void
cat_return(const char *state, int filed_day, int64_t amount,
    int64_t state_since)
{
	char number[64];

	snprintf(number, sizeof(number), "RPC-RT-%lld-%lld", R.tag, ++C.seq);
	exec1("INSERT INTO returns (number, kind, reason, channel, state,"
	    " state_since, customer_id, filed_day, total_quantity,"
	    " total_amount_fen, created_at, updated_at) VALUES (?, 'exchange',"
	    " 'unsalable', 'staff', ?, ?, ?, ?, 1, ?, ?, ?)",
	    DB_ARGS(DB_S(number), DB_S(state), DB_I(state_since),
	    DB_I(C.customer), DB_I(filed_day), DB_I(amount), DB_I(state_since),
	    DB_I(state_since)), NULL);
}

/* Run report key; the table's cells are arena-owned. */
static enum svc_code
cat_run(struct arena *a, const char *key, struct report_filters *f,
    struct table *t)
{
	const struct report_def *def = report_find(key);
	struct svc_err err = { 0 };
	struct db *db;
	enum svc_code rc;

	CHECK(def != NULL);
	if (def == NULL)
		return SVC_EINTERNAL;
	rc = store_acquire(R.s, &db, &err);
	if (rc == SVC_OK) {
		rc = report_run(db, a, def, f, t, &err);
		store_release(R.s, db);
	}
	if (rc != SVC_OK)
		fprintf(stderr, "  report %s: %s\n", key, err.msg);
	return rc;
}

/* the column index of key in t; -1 none */
static int
col(const struct table *t, const char *key)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c].key, key) == 0)
			return (int)c;
	CHECK(!"the column exists");
	return -1;
}

static int64_t
ival(const struct table *t, size_t r, const char *key)
{
	int c = col(t, key);

	return c < 0 || r >= t->nrows ? -999 : table_cell(t, r, (size_t)c)->i;
}

static double
dval(const struct table *t, size_t r, const char *key)
{
	int c = col(t, key);

	if (c < 0 || r >= t->nrows || table_cell(t, r, (size_t)c)->null)
		return -1;
	return table_cell(t, r, (size_t)c)->d;
}

static void
t_cat_month_boundary(void)
{
	struct report_filters f = { 0 };
	struct table t;
	struct arena a;
	char jan[32], feb[32];
	int64_t r1, r2;
	int y;

	if (!cat_fixture())
		return;
	y = C.year;
	arena_init(&a, 16u << 20);
	snprintf(jan, sizeof(jan), "%04d-01-31T23:30", y);
	snprintf(feb, sizeof(feb), "%04d-02-01T00:00", y);
	/* the company's zone is Asia/Shanghai (test_main) */
	CHECK_INT(clock_local_ymd(at(jan)), y * 10000 + 131);
	CHECK_INT(clock_local_ymd(at(feb)), y * 10000 + 201);
	r1 = cat_request("consultation", at(jan), 0);
	r2 = cat_request("feedback", at(feb), 0);
	cat_clock(C.policy, r1, at(jan), "stopped", "met", false);
	cat_clock(C.policy, r2, at(feb), "stopped", "met", false);
	cat_return("submitted", y * 10000 + 131, 700, at(jan));
	cat_return("submitted", y * 10000 + 201, 900, at(feb));
	f.from_ym = y * 100 + 1;
	f.to_ym = y * 100 + 3;
	f.customer_id = C.customer;
	CHECK_INT(cat_run(&a, "monthly-summary", &f, &t), SVC_OK);
	CHECK_INT(t.nrows, 3);
	CHECK_STR(table_cell(&t, 0, 0)->s, arena_printf(&a, "%04d-01", y));
	CHECK_INT(ival(&t, 0, "created"), 1);
	CHECK_INT(ival(&t, 0, "consultation"), 1);
	CHECK_INT(ival(&t, 0, "open"), 1);
	CHECK_INT(ival(&t, 1, "created"), 1);
	CHECK_INT(ival(&t, 1, "feedback"), 1);
	CHECK_INT(ival(&t, 2, "created"), 0);
	CHECK_INT(ival(&t, 0, "sla_met"), 1);
	CHECK_INT(ival(&t, 1, "sla_met"), 1);
	CHECK(dval(&t, 0, "sla_attained") == 1.0);
	CHECK(dval(&t, 2, "sla_attained") == -1);	/* null: none */
	CHECK_INT(ival(&t, 0, "returns_amount_fen"), 700);
	CHECK_INT(ival(&t, 1, "returns_amount_fen"), 900);
	CHECK_INT(ival(&t, 2, "returns"), 0);
	/* consultations: the same boundary */
	CHECK_INT(cat_run(&a, "consultations", &f, &t), SVC_OK);
	CHECK_INT(ival(&t, 0, "consultation"), 1);
	CHECK_INT(ival(&t, 0, "feedback"), 0);
	CHECK_INT(ival(&t, 1, "feedback"), 1);
	/* one month only: February's */
	f.from_ym = f.to_ym = y * 100 + 2;
	CHECK_INT(cat_run(&a, "monthly-summary", &f, &t), SVC_OK);
	CHECK_INT(t.nrows, 1);
	CHECK_INT(ival(&t, 0, "created"), 1);
	CHECK_INT(ival(&t, 0, "consultation"), 0);
	/* the period's limits */
	f.from_ym = y * 100 + 2;
	f.to_ym = y * 100 + 1;
	CHECK_INT(cat_run(&a, "monthly-summary", &f, &t), SVC_EINVAL);
	f.from_ym = 209901;
	f.to_ym = 210202;	/* 38 months */
	CHECK_INT(cat_run(&a, "monthly-summary", &f, &t), SVC_EINVAL);
	f.to_ym = 210012;
	CHECK_INT(cat_run(&a, "monthly-summary", &f, &t), SVC_OK);
	CHECK_INT(t.nrows, 24);
	f.from_ym = 199912;
	CHECK_INT(cat_run(&a, "monthly-summary", &f, &t), SVC_EINVAL);
	arena_release(&a);
}

static void
t_cat_cycle(void)
{
	struct report_filters f = { 0 };
	struct table t;
	struct arena a;
	char day[32];
	int64_t t0;
	size_t rep = 99, ins = 99, mnt = 99, cpl = 99;
	static const int odd[] = { 5, 1, 4, 2, 3 };	/* hours, unsorted */
	static const int even[] = { 10, 1, 3, 2 };

	if (!cat_fixture())
		return;
	arena_init(&a, 16u << 20);
	snprintf(day, sizeof(day), "%04d-05-10T09:00", C.year);
	t0 = at(day);
	for (int i = 0; i < 5; i++)
		cat_request("repair", t0, t0 + odd[i] * 3600);
	cat_request("repair", t0, 0);			/* open: no duration */
	for (int i = 0; i < 4; i++)
		cat_request("installation", t0, t0 + even[i] * 3600);
	cat_request("maintenance", t0, t0 + 7 * 3600);	/* one row */
	f.from_ym = f.to_ym = C.year * 100 + 5;
	f.customer_id = C.customer;
	CHECK_INT(cat_run(&a, "request-cycle", &f, &t), SVC_OK);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *ty = table_cell(&t, r, 0)->s;

		if (strcmp(ty, "repair") == 0)
			rep = r;
		else if (strcmp(ty, "installation") == 0)
			ins = r;
		else if (strcmp(ty, "maintenance") == 0)
			mnt = r;
		else if (strcmp(ty, "complaint") == 0)
			cpl = r;
	}
	CHECK_INT(ival(&t, rep, "created"), 6);
	CHECK_INT(ival(&t, rep, "closed"), 5);
	CHECK(dval(&t, rep, "median_hours") == 3.0);	/* odd: the middle */
	CHECK(dval(&t, rep, "p90_hours") == 5.0);	/* rank ceil(4.5) = 5 */
	CHECK(dval(&t, ins, "median_hours") == 2.5);	/* even: (2 + 3) / 2 */
	CHECK(dval(&t, ins, "p90_hours") == 10.0);	/* rank ceil(3.6) = 4 */
	CHECK(dval(&t, mnt, "median_hours") == 7.0);
	CHECK(dval(&t, mnt, "p90_hours") == 7.0);
	CHECK_INT(ival(&t, cpl, "created"), 0);
	CHECK(dval(&t, cpl, "median_hours") == -1);	/* null */
	/* another department: nothing */
	f.department_id = C.dept + 1000000;
	CHECK_INT(cat_run(&a, "request-cycle", &f, &t), SVC_OK);
	CHECK_INT(ival(&t, rep, "created"), 0);
	f.department_id = C.dept;
	f.user_id = C.user;
	CHECK_INT(cat_run(&a, "request-cycle", &f, &t), SVC_OK);
	CHECK_INT(ival(&t, rep, "created"), 6);
	arena_release(&a);
}

static void
t_cat_pick(void)
{
	struct report_pick p;

	/* 1..10: median 5.5, p90 rank 9 */
	report_pick_start(&p, 10);
	for (int i = 1; i <= 10; i++)
		report_pick_add(&p, i);
	CHECK(report_pick_median(&p) == 5.5);
	CHECK(p.p90 == 9.0);
	/* 1..11: median 6, p90 rank ceil(9.9) = 10 */
	report_pick_start(&p, 11);
	for (int i = 1; i <= 11; i++)
		report_pick_add(&p, i);
	CHECK(report_pick_median(&p) == 6.0);
	CHECK(p.p90 == 10.0);
	report_pick_start(&p, 2);
	report_pick_add(&p, 4);
	report_pick_add(&p, 8);
	CHECK(report_pick_median(&p) == 6.0);
	CHECK(p.p90 == 8.0);
}

static void
t_cat_sla(void)
{
	struct report_filters f = { 0 };
	struct table t;
	struct arena a;
	char day[32];
	int64_t t0, rq;
	size_t all = 99, mix = 99;

	if (!cat_fixture())
		return;
	arena_init(&a, 16u << 20);
	snprintf(day, sizeof(day), "%04d-07-01T00:00", C.year);
	t0 = at(day);
	rq = cat_request("repair", t0, 0);
	for (int i = 0; i < 3; i++)
		cat_clock(C.policy, rq, t0 + i, "stopped", "met", false);
	cat_clock(C.policy2, rq, t0, "stopped", "met", false);
	cat_clock(C.policy2, rq, t0, "stopped", "met", false);
	cat_clock(C.policy2, rq, t0, "stopped", "met", false);
	cat_clock(C.policy2, rq, t0, "stopped", "breached", true);
	cat_clock(C.policy2, rq, t0, "running", NULL, true);	/* breached */
	/* one running clock per document and metric */
	cat_clock(C.policy2, cat_request("repair", t0, 0), t0, "running",
	    NULL, false);					/* pending */
	/* the last second of June: not July's */
	cat_clock(C.policy2, rq, t0 - 1, "stopped", "breached", true);
	f.from_ym = f.to_ym = C.year * 100 + 7;
	f.user_id = C.user;
	CHECK_INT(cat_run(&a, "sla-attainment", &f, &t), SVC_OK);
	CHECK_INT(t.nrows, 2);
	for (size_t r = 0; r < t.nrows; r++) {
		if (strcmp(table_cell(&t, r, 0)->s, "all met") == 0)
			all = r;
		else
			mix = r;
	}
	CHECK_INT(ival(&t, all, "clocks"), 3);
	CHECK_INT(ival(&t, all, "met"), 3);
	CHECK(dval(&t, all, "attained") == 1.0);	/* exactly all met */
	CHECK_STR(table_cell(&t, all, (size_t)col(&t, "department"))->s,
	    arena_printf(&a, "RPC%lld", R.tag));
	CHECK_INT(ival(&t, mix, "clocks"), 6);
	CHECK_INT(ival(&t, mix, "met"), 3);
	CHECK_INT(ival(&t, mix, "breached"), 2);
	CHECK_INT(ival(&t, mix, "running"), 1);
	CHECK(dval(&t, mix, "attained") == 0.6);
	f.from_ym = f.to_ym = C.year * 100 + 6;
	CHECK_INT(cat_run(&a, "sla-attainment", &f, &t), SVC_OK);
	CHECK_INT(t.nrows, 1);
	CHECK_INT(ival(&t, 0, "breached"), 1);
	CHECK(dval(&t, 0, "attained") == 0.0);
	arena_release(&a);
}

static void
t_cat_returns(void)
{
	struct report_filters f = { 0 };
	struct table t;
	struct arena a;
	size_t sub = 99;
	int64_t now = clock_now();
	int d = C.year * 10000;

	if (!cat_fixture())
		return;
	arena_init(&a, 16u << 20);
	/* purchases 100,000 fen in September; the company limit 500 bp */
	exec1("INSERT INTO sales_records (customer_id, sale_date, amount_fen,"
	    " created_at) VALUES (?, ?, 100000, 0)", DB_ARGS(DB_I(C.customer),
	    DB_I(d + 905)), NULL);
	cat_return("approved", d + 910, 5000, now);	/* exactly 5 % */
	f.from_ym = f.to_ym = C.year * 100 + 9;
	f.customer_id = C.customer;
	CHECK_INT(cat_run(&a, "returns-customers", &f, &t), SVC_OK);
	CHECK_INT(t.nrows, 1);
	CHECK_INT(ival(&t, 0, "purchases_fen"), 100000);
	CHECK_INT(ival(&t, 0, "exchanged_fen"), 5000);
	CHECK(dval(&t, 0, "ratio") == 0.05);
	CHECK(dval(&t, 0, "limit") == 0.05);
	CHECK_INT(ival(&t, 0, "over_limit"), 0);	/* at the limit: within */
	cat_return("approved", d + 930, 1, now);	/* one fen more */
	CHECK_INT(cat_run(&a, "returns-customers", &f, &t), SVC_OK);
	CHECK_INT(ival(&t, 0, "exchanged_fen"), 5001);
	CHECK_INT(ival(&t, 0, "over_limit"), 1);

	/* open returns: the ages at exactly 1, 3 and 7 days */
	f.now = now;
	cat_return("submitted", d + 1001, 1, now - 86400 + 1);
	cat_return("submitted", d + 1001, 1, now - 86400);
	cat_return("submitted", d + 1001, 1, now - 3 * 86400);
	cat_return("submitted", d + 1001, 1, now - 7 * 86400);
	cat_return("submitted", d + 1001, 1, now - 7 * 86400 + 1);
	CHECK_INT(cat_run(&a, "returns-open", &f, &t), SVC_OK);
	for (size_t r = 0; r < t.nrows; r++)
		if (strcmp(table_cell(&t, r, 0)->s, "submitted") == 0)
			sub = r;
	/* and the month-boundary test's two, dated in C.year: not yet old */
	CHECK_INT(ival(&t, sub, "age_0_1d"), 1 + 2);
	CHECK_INT(ival(&t, sub, "age_1_3d"), 1);
	CHECK_INT(ival(&t, sub, "age_3_7d"), 2);
	CHECK_INT(ival(&t, sub, "age_over_7d"), 1);
	CHECK_INT(ival(&t, sub, "total"), 7);
	arena_release(&a);
}

static void
t_report_done(void)
{
	if (R.s != NULL)
		store_close(R.s);
	R.s = NULL;
}

const struct h_test report_tests[] = {
	{ "report: monthly counts by type and state, month and December "
	    "edges", t_monthly_counts },
	{ "report: months 2000-01 .. 2199-12, past them refused",
	    t_monthly_range },
	{ "report: the dashboard's months across the new year, one "
	    "customer's, the range's limits", t_dashboard_months },
	{ "report: more than 1,000 cells all counted", t_monthly_many_cells },
	{ "report catalogue: a request at 23:30 on the last day of a month "
	    "counts in it, one at 00:00 in the next; the period's limits",
	    t_cat_month_boundary },
	{ "report catalogue: cycle times, median and p90 of odd, even and "
	    "one; the filters", t_cat_cycle },
	{ "report catalogue: median and p90 positions", t_cat_pick },
	{ "report catalogue: SLA attainment by policy, exactly all met, a "
	    "running breached clock", t_cat_sla },
	{ "report catalogue: returns ratio exactly at the limit, one fen "
	    "over; open returns' ages at exactly 1, 3 and 7 days",
	    t_cat_returns },
	{ "report: close the store", t_report_done },
	{ NULL, NULL },
};
