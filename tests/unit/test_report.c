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
	{ "report: close the store", t_report_done },
	{ NULL, NULL },
};
