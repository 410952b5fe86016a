/*
 * test_rma — returns and exchanges: the exchange-ratio arithmetic (exactly
 * at the limit is within, one fen over is not), the warning share, days
 * between dates, the return slip's 12:00-next-day due time (23:59, 00:01,
 * month and year ends), the used-goods refund; then the procedure on the
 * DSN under test (SQLite or PostgreSQL): the ratio and time limits with
 * their figures, the general manager's special approval, every missing
 * signature before the receipt, the driver without a transport order, QC's
 * refusal without an explanation, a role that may not sign, customer
 * isolation, and the records of a whole quality return.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "domain/rma/rma.h"
#include "store/store.h"
#include "util/clock.h"

/* ----- pure arithmetic ----- */

static void
t_ratio(void)
{
	static const struct {
		int64_t amount, purchases, limit_bp;
		bool within;
	} cases[] = {
		{ 50000, 1000000, 500, true },		/* exactly 5.00 % */
		{ 50001, 1000000, 500, false },		/* one fen over */
		{ 49999, 1000000, 500, true },
		{ 0, 0, 500, true },			/* nothing at all */
		{ 1, 0, 500, false },			/* no purchases */
		{ 0, 1000000, 0, true },
		{ 1, 1000000, 0, false },		/* a zero limit */
		{ 1, 20000, 500, true },		/* 0.005 % */
		{ 1000, 20000, 500, true },		/* 5.00 % of 200 yuan */
		{ 1001, 20000, 500, false },
		/* large figures do not overflow: 5 % of 1e15 fen */
		{ 50000000000000LL, 1000000000000000LL, 500, true },
		{ 50000000000001LL, 1000000000000000LL, 500, false },
		{ 1000000000000000LL, 1000000000000000LL, 10000, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(rma_ratio_within(cases[i].amount, cases[i].purchases,
		    cases[i].limit_bp), cases[i].within);
}

static void
t_ratio_warn_and_text(void)
{
	char s[32];

	/* 80 % of a 5 % limit is 4 % */
	CHECK(rma_ratio_warn(40000, 1000000, 500, 8000));
	CHECK(!rma_ratio_warn(39999, 1000000, 500, 8000));
	CHECK(rma_ratio_warn(50001, 1000000, 500, 8000));
	CHECK(!rma_ratio_warn(0, 1000000, 500, 8000));
	CHECK(!rma_ratio_warn(0, 0, 500, 8000));
	CHECK(rma_ratio_warn(1, 0, 500, 8000));
	/* shown rounded up: one fen over never reads as the limit */
	CHECK_INT(rma_ratio_ppm(50000, 1000000), 50000);
	CHECK_INT(rma_ratio_ppm(50001, 1000000), 50001);
	CHECK_INT(rma_ratio_ppm(50001, 100000000), 501);
	CHECK_INT(rma_ratio_ppm(1, 3), 333334);
	CHECK_INT(rma_ratio_ppm(5, 0), -1);
	rma_format_ppm(50000, s, sizeof(s));
	CHECK_STR(s, "5.0000%");
	rma_format_ppm(50001, s, sizeof(s));
	CHECK_STR(s, "5.0001%");
	rma_format_ppm(1234567, s, sizeof(s));
	CHECK_STR(s, "123.4567%");
	rma_format_ppm(-1, s, sizeof(s));
	CHECK_STR(s, "n/a");
}

static void
t_days(void)
{
	int ymd = 0;

	CHECK_INT(rma_days_between(20260101, 20260401), 90);
	CHECK_INT(rma_days_between(20260101, 20260402), 91);
	CHECK_INT(rma_days_between(20240228, 20240301), 2);	/* leap */
	CHECK_INT(rma_days_between(20260228, 20260301), 1);
	CHECK_INT(rma_days_between(20251231, 20260101), 1);
	CHECK_INT(rma_days_between(20260401, 20260101), -90);
	CHECK_INT(rma_days_between(19700101, 20000101), 10957);
	CHECK(rma_parse_ymd("2026-11-22", &ymd));
	CHECK_INT(ymd, 20261122);
	CHECK(rma_parse_ymd("2024-02-29", &ymd));
	CHECK(!rma_parse_ymd("2025-02-29", &ymd));
	CHECK(!rma_parse_ymd("2026-02-30", &ymd));
	CHECK(!rma_parse_ymd("2026-13-01", &ymd));
	CHECK(!rma_parse_ymd("2026-1-01", &ymd));
	CHECK(!rma_parse_ymd("2026-01-01T00:00", &ymd));
	CHECK(!rma_parse_ymd("20260101", &ymd));
	CHECK(!rma_parse_ymd("", &ymd));
	CHECK(!rma_parse_ymd(NULL, &ymd));
}

static int64_t
at(const char *iso)
{
	int64_t t = 0;

	CHECK(clock_parse(iso, &t));
	return t;
}

static void
t_slip_due(void)
{
	static const struct {
		const char *received, *due;
	} cases[] = {
		/* late in the day: still the next calendar day */
		{ "2026-11-22T23:59:00+08:00", "2026-11-23T12:00:00+08:00" },
		/* just after midnight: the day after that */
		{ "2026-11-23T00:01:00+08:00", "2026-11-24T12:00:00+08:00" },
		/* in the morning: not the same day's noon */
		{ "2026-11-23T09:00:00+08:00", "2026-11-24T12:00:00+08:00" },
		{ "2026-11-23T12:00:00+08:00", "2026-11-24T12:00:00+08:00" },
		/* month, February and year ends */
		{ "2026-01-31T15:00:00+08:00", "2026-02-01T12:00:00+08:00" },
		{ "2026-04-30T23:59:59+08:00", "2026-05-01T12:00:00+08:00" },
		{ "2026-02-28T10:00:00+08:00", "2026-03-01T12:00:00+08:00" },
		{ "2024-02-28T10:00:00+08:00", "2024-02-29T12:00:00+08:00" },
		{ "2026-12-31T23:59:00+08:00", "2027-01-01T12:00:00+08:00" },
		/* given in UTC: the local day counts (00:30 Z = 08:30 +08) */
		{ "2026-11-22T16:30:00Z", "2026-11-24T12:00:00+08:00" },
		{ "2026-11-22T15:59:00Z", "2026-11-23T12:00:00+08:00" },
	};
	char s[40];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clock_format_local(rma_slip_due(at(cases[i].received)), s,
		    sizeof(s));
		CHECK_STR(s, cases[i].due);
	}
}

/* A slip sent exactly at its due time is on time; one second later, late. */
static void
t_slip_late(void)
{
	static const struct {
		const char *due, *sent;
		bool late;
	} cases[] = {
		{ "2026-11-24T12:00:00+08:00", "2026-11-24T11:59:59+08:00", false },
		{ "2026-11-24T12:00:00+08:00", "2026-11-24T12:00:00+08:00", false },
		{ "2026-11-24T12:00:00+08:00", "2026-11-24T12:00:01+08:00", true },
		{ "2026-11-24T12:00:00+08:00", "2026-11-24T04:00:00Z", false },
		{ "2026-11-24T12:00:00+08:00", "2026-11-25T09:00:00+08:00", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(rma_slip_late(at(cases[i].due), at(cases[i].sent)),
		    cases[i].late);
}

static void
t_refund(void)
{
	CHECK_INT(rma_refund(100000, 30000), 70000);
	CHECK_INT(rma_refund(100000, 0), 100000);
	CHECK_INT(rma_refund(100000, -1), 100000);
	CHECK_INT(rma_refund(100000, 100000), 0);
	CHECK_INT(rma_refund(100000, 100001), 0);	/* never negative */
}

/* ----- the procedure on the store under test ----- */

struct fx {
	struct store *s;
	int64_t tag;
	int today, dept_qc;
	int64_t model;
	/* users by role */
	int64_t agent, head, finance, sales, gm, qc, wh, stats, clerk, driver,
	    cust_user, other_cust_user;
	int64_t cust, other_cust, cust_t;
	int64_t unit_90, unit_91, unit_used, unit_other, unit_t90, unit_t91;
	char serial_90[40];
};

static struct fx F;

struct sqlv {
	const char *sql;
	const struct dbv *args;
	size_t n;
	int64_t id;
	bool want_id;
};

static enum svc_code
sql_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct sqlv *v = arg;

	if (v->want_id)
		return db_one_i64(db, v->sql, v->args, v->n, &v->id, err);
	return db_exec(db, v->sql, v->args, v->n, NULL, err);
}

/* Run one statement in a write transaction; the RETURNING id or 0. */
static int64_t
run_sql(const char *sql, const struct dbv *args, size_t n, bool want_id)
{
	struct sqlv v = { sql, args, n, 0, want_id };
	struct svc_err err = { 0 };
	struct db *db;
	enum svc_code rc;

	rc = store_acquire(F.s, &db, &err);
	if (rc == SVC_OK) {
		rc = store_write(F.s, db, sql_cb, &v, &err);
		store_release(F.s, db);
	}
	if (rc != SVC_OK)
		fprintf(stderr, "  fixture: %s: %s\n", err.msg, sql);
	CHECK_INT(rc, SVC_OK);
	return v.id;
}

#define SQL_ID(sql, ...) run_sql(sql, DB_ARGS(__VA_ARGS__), true)
#define SQL(sql, ...) run_sql(sql, DB_ARGS(__VA_ARGS__), false)

static int64_t
mk_user(const char *role, int64_t customer)
{
	char name[64];
	int64_t id;

	snprintf(name, sizeof(name), "rma%lld_%s_%lld", (long long)F.tag, role,
	    (long long)customer);
	id = SQL_ID("INSERT INTO users (username, display_name, customer_id,"
	    " password_hash, created_at, updated_at) VALUES (?, ?, ?, 'x', 0,"
	    " 0) RETURNING id", DB_S(name), DB_S(name), DB_ID(customer));
	SQL("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", DB_I(id),
	    DB_S(role));
	return id;
}

static int
days_ago(int n)
{
	return clock_local_ymd(clock_now() - (int64_t)n * 86400);
}

static int64_t
mk_customer(const char *code, int64_t purchases)
{
	char c[64], k[64];
	int64_t id;

	snprintf(c, sizeof(c), "%s%lld", code, (long long)F.tag);
	snprintf(k, sizeof(k), "HT-%s%lld", code, (long long)F.tag);
	id = SQL_ID("INSERT INTO customers (code, name, created_at, updated_at)"
	    " VALUES (?, ?, 0, 0) RETURNING id", DB_S(c), DB_S(c));
	SQL("INSERT INTO contracts (contract_no, customer_id, kind, start_date,"
	    " end_date, exchange_ratio_limit_bp, exchange_days_limit,"
	    " created_at, updated_at) VALUES (?, ?, 'sales', ?, ?, 500, 90, 0,"
	    " 0)", DB_S(k), DB_I(id), DB_I(days_ago(200)), DB_I(days_ago(-100)));
	SQL("INSERT INTO sales_records (customer_id, sale_date, quantity,"
	    " amount_fen, created_at) VALUES (?, ?, 10, ?, 0)", DB_I(id),
	    DB_I(days_ago(20)), DB_I(purchases));
	/* outside the contract period: not counted */
	SQL("INSERT INTO sales_records (customer_id, sale_date, quantity,"
	    " amount_fen, created_at) VALUES (?, ?, 10, 99900000, 0)",
	    DB_I(id), DB_I(days_ago(300)));
	return id;
}

static int64_t
mk_unit(const char *suffix, int64_t customer, int delivered, bool used)
{
	char serial[64];

	snprintf(serial, sizeof(serial), "RMA%lld-%s", (long long)F.tag, suffix);
	return SQL_ID("INSERT INTO sold_units (serial, model_id, customer_id,"
	    " purchase_date, delivery_date, quantity, amount_fen, warranty_end,"
	    " used, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 50000,"
	    " 20991231, ?, 0, 0) RETURNING id", DB_S(serial), DB_I(F.model),
	    DB_I(customer), DB_I(delivered), DB_I(delivered), DB_I(used));
}

static bool
fixtures(void)
{
	struct store_config sc = { .max_conns = 4 };
	struct svc_err err = { 0 };
	char code[64];

	if (F.s != NULL)
		return true;
	if (store_open(&F.s, h_dsn, &sc, &err) != SVC_OK ||
	    store_migrate(F.s, NULL, &err) != SVC_OK) {
		fprintf(stderr, "  cannot open/migrate %s: %s\n", h_dsn, err.msg);
		CHECK(!"the store opens and migrates");
		if (F.s != NULL)
			store_close(F.s);
		F.s = NULL;
		return false;
	}
	F.tag = clock_now_us() % 1000000000;
	F.today = clock_local_ymd(clock_now());
	snprintf(code, sizeof(code), "RMAQC%lld", (long long)F.tag);
	F.dept_qc = (int)SQL_ID("INSERT INTO departments (code, name,"
	    " created_at, updated_at) VALUES (?, '质管部', 0, 0) RETURNING id",
	    DB_S(code));
	snprintf(code, sizeof(code), "RMA-M%lld", (long long)F.tag);
	F.model = SQL_ID("INSERT INTO product_models (model_no, name,"
	    " created_at, updated_at) VALUES (?, '挂机', 0, 0) RETURNING id",
	    DB_S(code));
	/* purchases 1,000,000 fen (10,000 yuan): 5 % is 50,000 fen */
	F.cust = mk_customer("RMAC", 1000000);
	F.other_cust = mk_customer("RMAO", 1000000);
	F.cust_t = mk_customer("RMAT", 1000000);
	F.agent = mk_user("agent", 0);
	F.head = mk_user("aftersales_manager", 0);
	F.finance = mk_user("finance", 0);
	F.sales = mk_user("sales_manager", 0);
	F.gm = mk_user("general_manager", 0);
	F.qc = mk_user("qc_inspector", 0);
	F.wh = mk_user("warehouse", 0);
	F.stats = mk_user("statistician", 0);
	F.clerk = mk_user("clerk", 0);
	F.driver = mk_user("driver", 0);
	F.cust_user = mk_user("customer", F.cust);
	F.other_cust_user = mk_user("customer", F.other_cust);
	F.unit_90 = mk_unit("D90", F.cust, days_ago(90), false);
	F.unit_91 = mk_unit("D91", F.cust, days_ago(91), false);
	F.unit_used = mk_unit("USED", F.cust, days_ago(10), true);
	F.unit_other = mk_unit("OTHER", F.other_cust, days_ago(10), false);
	F.unit_t90 = mk_unit("T90", F.cust_t, days_ago(90), false);
	F.unit_t91 = mk_unit("T91", F.cust_t, days_ago(91), false);
	snprintf(F.serial_90, sizeof(F.serial_90), "RMA%lld-D90",
	    (long long)F.tag);
	return true;
}

static struct rma_caller
as(int64_t user, const char *role, int64_t customer)
{
	static const char *roles[16];
	static int next;
	struct rma_caller c = { 0 };

	/* a slot per call: callers live through one operation */
	roles[next % 16] = role;
	c.actor.user_id = user;
	c.actor.username = role;
	c.actor.ip = "test";
	c.actor.request_id = "test";
	c.fsm.user_id = user;
	c.fsm.roles = &roles[next++ % 16];
	c.fsm.nroles = 1;
	c.customer_id = customer;
	return c;
}

struct op {
	struct rma_caller c;
	const struct rma_draft *d;
	int64_t id, version;
	const char *step;
	struct rma_step s;
	struct arena *a;
	struct rma *out;
};

static enum svc_code
create_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct op *o = arg;

	return rma_create(db, o->a, &o->c, o->d, &o->out, err);
}

static enum svc_code
step_cb(struct db *db, void *arg, struct svc_err *err)
{
	struct op *o = arg;

	return rma_transition(db, o->a, &o->c, o->id, o->version, o->step,
	    &o->s, &o->out, err);
}

static enum svc_code
run_op(store_write_fn fn, struct op *o, struct svc_err *err)
{
	struct db *db;
	enum svc_code rc;

	rc = store_acquire(F.s, &db, err);
	if (rc)
		return rc;
	rc = store_write(F.s, db, fn, o, err);
	store_release(F.s, db);
	return rc;
}

/* A one-line form; returns NULL on failure (err filled). */
static struct rma *
file(struct arena *a, struct rma_caller c, int64_t cust, const char *reason,
    const char *kind, int64_t unit, int64_t price, const char *delivery,
    struct svc_err *err)
{
	struct rma_line_draft ln = { .unit_id = unit, .quantity = 1,
		.unit_price_fen = price, .amount_fen = -1,
		.delivery_date = delivery };
	struct rma_draft d = { .kind = kind, .reason = reason,
		.customer_id = c.customer_id ? 0 : cust,
		.lines = { &ln, 1 } };
	struct op o = { .c = c, .d = &d, .a = a };

	memset(err, 0, sizeof(*err));
	if (run_op(create_cb, &o, err) != SVC_OK)
		return NULL;
	return o.out;
}

static const struct rma_step NO_INPUT = { .depreciation_fen = -1,
	.exchange_value_fen = -1 };

/* Take a step; *r is replaced by the form after it when it succeeds. */
static enum svc_code
step_in(struct arena *a, struct rma **r, struct rma_caller c,
    const char *name, struct rma_step s, struct svc_err *err)
{
	struct op o = { .c = c, .id = (*r)->id, .version = (*r)->version,
		.step = name, .s = s, .a = a };
	enum svc_code rc;

	memset(err, 0, sizeof(*err));
	rc = run_op(step_cb, &o, err);
	if (rc == SVC_OK)
		*r = o.out;
	return rc;
}

static enum svc_code
step(struct arena *a, struct rma **r, struct rma_caller c, const char *name,
    struct svc_err *err)
{
	return step_in(a, r, c, name, NO_INPUT, err);
}

#define OK_STEP(a, r, c, name) do { \
	struct svc_err e_; \
	enum svc_code rc_ = step(a, r, c, name, &e_); \
	if (rc_ != SVC_OK) \
		fprintf(stderr, "  step %s: %s\n", name, e_.msg); \
	CHECK_INT(rc_, SVC_OK); \
} while (0)

static bool
has(const char *s, const char *part)
{
	return s != NULL && strstr(s, part) != NULL;
}

static const char *local_time(int64_t t);
static const char *next_day_at(int64_t t, const char *hms);
static int64_t slip_clock_due(int64_t return_id);

static void
t_ratio_limit_on_store(void)
{
	struct svc_err err;
	struct arena a;
	struct rma *r, *r2, *r3;
	struct rma_caller head;

	if (!fixtures())
		return;
	arena_init(&a, 16u << 20);
	/* 45,000 fen already exchanged (approved) */
	r = file(&a, as(F.agent, "agent", 0), F.cust, "unsalable", "exchange",
	    F.unit_90, 45000, NULL, &err);
	CHECK(r != NULL);
	if (r == NULL)
		goto out;
	CHECK_STR(fsm_state_name(&rma_fsm, r->state), "submitted");
	CHECK(r->limits != NULL && r->limits->ratio_ok);
	OK_STEP(&a, &r, as(F.agent, "agent", 0), "review_aftersales");
	OK_STEP(&a, &r, as(F.finance, "finance", 0), "review_finance");
	OK_STEP(&a, &r, as(F.sales, "sales_manager", 0), "approve");
	CHECK_STR(fsm_state_name(&rma_fsm, r->state), "approved");
	/* + 5,000.00 = 50,000 fen = exactly 5.00 %: within */
	r2 = file(&a, as(F.agent, "agent", 0), F.cust, "unsalable", "exchange",
	    F.unit_90, 5000, NULL, &err);
	CHECK(r2 != NULL);
	if (r2 == NULL)
		goto out;
	CHECK_INT(r2->limits->exchanged_fen, 45000);
	CHECK_INT(r2->limits->purchases_fen, 1000000);
	CHECK(r2->limits->ratio_ok);
	CHECK(r2->limits->why == NULL);
	OK_STEP(&a, &r2, as(F.agent, "agent", 0), "review_aftersales");
	OK_STEP(&a, &r2, as(F.finance, "finance", 0), "review_finance");
	/* a third form of 0.01 yuan would be one fen over */
	r3 = file(&a, as(F.head, "aftersales_manager", 0), F.cust, "unsalable",
	    "exchange", F.unit_90, 1, NULL, &err);
	CHECK(r3 != NULL);
	if (r3 == NULL)
		goto out;
	OK_STEP(&a, &r2, as(F.sales, "sales_manager", 0), "approve");
	/* without sales.read: the verdict, not the purchase figures */
	CHECK_INT(step(&a, &r3, as(F.head, "aftersales_manager", 0),
	    "review_aftersales", &err), SVC_ETRANSITION);
	CHECK(has(err.details, "\"figures\""));
	CHECK(!has(err.details, "\"purchases_fen\""));
	svc_err_clear(&err);
	/* the after-sales head holds sales.read: the figures */
	head = as(F.head, "aftersales_manager", 0);
	head.figures = true;
	CHECK_INT(step(&a, &r3, head, "review_aftersales", &err),
	    SVC_ETRANSITION);
	CHECK(has(err.details, "5.0001%"));
	CHECK(has(err.details, "\"figures\""));
	CHECK(has(err.details, "\"exchanged_fen\":50000"));
	CHECK(has(err.details, "\"this_fen\":1"));
	CHECK(has(err.details, "\"purchases_fen\":1000000"));
	CHECK(has(err.details, "\"limit_bp\":500"));
	CHECK(has(err.details, "special approval"));
	CHECK_INT(step(&a, &r3, as(F.finance, "finance", 0), "review_finance",
	    &err), SVC_ETRANSITION);
	CHECK(has(err.details, "purchases 10000.00 yuan"));
	/* the sales manager cannot approve either: reviews and limits */
	CHECK_INT(step(&a, &r3, as(F.sales, "sales_manager", 0), "approve",
	    &err), SVC_ETRANSITION);
	CHECK(has(err.details, "after-sales review"));
	CHECK(has(err.details, "finance review"));
	/* only the general manager may let it continue, with a note */
	CHECK_INT(step(&a, &r3, as(F.head, "aftersales_manager", 0),
	    "special_approval", &err), SVC_EPERM);
	CHECK_INT(step(&a, &r3, as(F.gm, "general_manager", 0),
	    "special_approval", &err), SVC_EINVAL);
	CHECK_STR(err.field, "note");
	{
		struct rma_step s = NO_INPUT;

		s.note = "老客户特殊情况";
		CHECK_INT(step_in(&a, &r3, as(F.gm, "general_manager", 0),
		    "special_approval", s, &err), SVC_OK);
	}
	CHECK_INT(r3->special_by, F.gm);
	OK_STEP(&a, &r3, as(F.head, "aftersales_manager", 0),
	    "review_aftersales");
	OK_STEP(&a, &r3, as(F.finance, "finance", 0), "review_finance");
	OK_STEP(&a, &r3, as(F.sales, "sales_manager", 0), "approve");
	/* a second special approval is refused: there is one */
	CHECK_INT(step(&a, &r3, as(F.gm, "general_manager", 0),
	    "special_approval", &err), SVC_ETRANSITION);
out:
	arena_release(&a);
}

static void
t_time_limit_on_store(void)
{
	struct svc_err err;
	struct arena a;
	struct rma *r;
	char d91[16];
	int y;

	if (!fixtures())
		return;
	arena_init(&a, 16u << 20);
	/* delivered 90 days ago: the last day of the limit */
	r = file(&a, as(F.agent, "agent", 0), F.cust_t, "unsalable", "exchange",
	    F.unit_t90, 100, NULL, &err);
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_INT(r->limits->max_days, 90);
		CHECK(r->limits->days_ok);
		OK_STEP(&a, &r, as(F.agent, "agent", 0), "review_aftersales");
	}
	/* 91 days: the day after */
	r = file(&a, as(F.agent, "agent", 0), F.cust_t, "unsalable", "exchange",
	    F.unit_t91, 100, NULL, &err);
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_INT(r->limits->max_days, 91);
		CHECK(!r->limits->days_ok);
		CHECK_INT(step(&a, &r, as(F.agent, "agent", 0),
		    "review_aftersales", &err), SVC_ETRANSITION);
		CHECK(has(err.details, "91 days"));
		CHECK(has(err.details, "> 90 days"));
	}
	/* a delivery date on the line counts over the unit's */
	y = days_ago(91);
	snprintf(d91, sizeof(d91), "%04d-%02d-%02d", y / 10000, y / 100 % 100,
	    y % 100);
	r = file(&a, as(F.agent, "agent", 0), F.cust_t, "unsalable", "exchange",
	    F.unit_t90, 100, d91, &err);
	CHECK(r != NULL && !r->limits->days_ok);
	/* a quality return has no ratio or time limit */
	r = file(&a, as(F.agent, "agent", 0), F.cust_t, "quality", "refund",
	    F.unit_t91, 100, NULL, &err);
	CHECK(r != NULL && r->limits == NULL);
	/* unsalable goods are exchanged, not refunded */
	CHECK(file(&a, as(F.agent, "agent", 0), F.cust_t, "unsalable", "refund",
	    F.unit_t90, 100, NULL, &err) == NULL);
	CHECK_STR(err.field, "kind");
	arena_release(&a);
}

static void
t_quality_path_on_store(void)
{
	struct svc_err err;
	struct rma_step s;
	struct arena a;
	struct rma *r;
	struct db *db;
	int64_t n = 0;

	if (!fixtures())
		return;
	arena_init(&a, 16u << 20);
	r = file(&a, as(F.cust_user, "customer", F.cust), F.cust, "quality",
	    "refund", F.unit_90, 80000, NULL, &err);
	CHECK(r != NULL);
	if (r == NULL)
		goto out;
	CHECK_STR(r->channel, "portal");
	CHECK_INT(r->customer_id, F.cust);
	/* each missing signature is named before the receipt */
	CHECK_INT(step(&a, &r, as(F.wh, "warehouse", 0), "receive", &err),
	    SVC_ETRANSITION);
	CHECK(has(err.details, "after-sales review"));
	CHECK(has(err.details, "sales manager approval"));
	CHECK(has(err.details, "QC inspection"));
	/* a quality return: only the head reviews (403 for an agent) */
	CHECK_INT(step(&a, &r, as(F.agent, "agent", 0), "review_aftersales",
	    &err), SVC_EPERM);
	/* finance does not review a quality return */
	CHECK_INT(step(&a, &r, as(F.finance, "finance", 0), "review_finance",
	    &err), SVC_ETRANSITION);
	OK_STEP(&a, &r, as(F.head, "aftersales_manager", 0),
	    "review_aftersales");
	CHECK_INT(step(&a, &r, as(F.wh, "warehouse", 0), "receive", &err),
	    SVC_ETRANSITION);
	CHECK(!has(err.details, "after-sales review"));
	CHECK(has(err.details, "sales manager approval"));
	CHECK(has(err.details, "QC inspection"));
	/* another role cannot sign the sales manager's approval */
	CHECK_INT(step(&a, &r, as(F.wh, "warehouse", 0), "approve", &err),
	    SVC_EPERM);
	CHECK(has(err.details, "sales_manager"));
	OK_STEP(&a, &r, as(F.sales, "sales_manager", 0), "approve");
	CHECK_INT(step(&a, &r, as(F.wh, "warehouse", 0), "receive", &err),
	    SVC_ETRANSITION);
	CHECK(!has(err.details, "sales manager approval"));
	CHECK(has(err.details, "QC inspection"));
	/* the driver picks up only against a transport order */
	CHECK_INT(step(&a, &r, as(F.driver, "driver", 0), "pickup", &err),
	    SVC_ETRANSITION);
	CHECK(has(err.details, "transport order"));
	CHECK_INT(step(&a, &r, as(F.agent, "agent", 0), "issue_transport",
	    &err), SVC_EPERM);
	OK_STEP(&a, &r, as(F.head, "aftersales_manager", 0), "issue_transport");
	CHECK(r->transport_id != 0);
	CHECK(has(r->transport_no, "TO-"));
	OK_STEP(&a, &r, as(F.driver, "driver", 0), "pickup");
	CHECK_STR(fsm_state_name(&rma_fsm, r->state), "picked_up");
	/* QC's refusal needs a written explanation, named */
	CHECK_INT(step(&a, &r, as(F.qc, "qc_inspector", 0), "qc_refuse", &err),
	    SVC_EINVAL);
	CHECK_STR(err.field, "explanation");
	/* a company defect names the department and person */
	s = NO_INPUT;
	s.explanation = "压缩机焊点虚焊";
	CHECK_INT(step_in(&a, &r, as(F.qc, "qc_inspector", 0), "qc_defect", s,
	    &err), SVC_EINVAL);
	CHECK_STR(err.field, "responsible_department_id");
	s.responsible_department_id = F.dept_qc;
	CHECK_INT(step_in(&a, &r, as(F.qc, "qc_inspector", 0), "qc_defect", s,
	    &err), SVC_EINVAL);
	CHECK_STR(err.field, "responsible_person");
	s.responsible_person = "焊接班 王工";
	CHECK_INT(step_in(&a, &r, as(F.qc, "qc_inspector", 0), "qc_defect", s,
	    &err), SVC_OK);
	CHECK_STR(r->qc_verdict, "company_defect");
	/* depreciation is for used goods only */
	s = NO_INPUT;
	s.depreciation_fen = 100;
	CHECK_INT(step_in(&a, &r, as(F.wh, "warehouse", 0), "receive", s,
	    &err), SVC_EINVAL);
	CHECK_STR(err.field, "depreciation_fen");
	OK_STEP(&a, &r, as(F.wh, "warehouse", 0), "receive");
	CHECK_STR(r->resolution, "refund");
	CHECK_INT(r->refund_fen, 80000);
	/* the seed policy: 12:00 on the next calendar day, as its clock */
	CHECK_STR(local_time(r->slip_due_at), next_day_at(r->received_at,
	    "12:00:00"));
	CHECK_INT(r->slip_due_at, slip_clock_due(r->id));
	CHECK_INT(step(&a, &r, as(F.clerk, "clerk", 0), "send_slip", &err),
	    SVC_ETRANSITION);
	OK_STEP(&a, &r, as(F.stats, "statistician", 0), "record");
	CHECK_INT(r->recorded_quantity, 1);
	CHECK_INT(r->recorded_amount_fen, 80000);
	OK_STEP(&a, &r, as(F.clerk, "clerk", 0), "send_slip");
	CHECK_STR(fsm_state_name(&rma_fsm, r->state), "closed");
	CHECK(r->slip_outbox_id != 0);
	CHECK_INT(r->slip_breached, 0);
	/* records: signatures, the corrective action, the outbox message */
	CHECK_INT(store_acquire(F.s, &db, &err), SVC_OK);
	CHECK_INT(db_one_i64(db, "SELECT count(*) FROM return_signatures"
	    " WHERE return_id = ?", DB_ARGS(DB_I(r->id)), &n, &err), SVC_OK);
	CHECK_INT(n, 8);
	CHECK_INT(db_one_i64(db, "SELECT count(*) FROM capa WHERE return_id = ?"
	    " AND state = 'open' AND department_id = ?",
	    DB_ARGS(DB_I(r->id), DB_I(F.dept_qc)), &n, &err), SVC_OK);
	CHECK_INT(n, 1);
	CHECK_INT(db_one_i64(db, "SELECT count(*) FROM outbox WHERE id = ?"
	    " AND ref_kind = 'return' AND ref_id = ? AND sent_at IS NULL",
	    DB_ARGS(DB_I(r->slip_outbox_id), DB_I(r->id)), &n, &err), SVC_OK);
	CHECK_INT(n, 1);
	CHECK_INT(db_one_i64(db, "SELECT count(*) FROM audit_log WHERE"
	    " entity = 'return_signature' AND action = 'sign' AND user_id = ?",
	    DB_ARGS(DB_I(F.driver)), &n, &err), SVC_OK);
	CHECK(n >= 1);
	store_release(F.s, db);
	/* signatures cannot be edited or deleted, even by SQL */
	{
		struct sqlv v = { "UPDATE return_signatures SET role = 'admin'"
			" WHERE return_id = ?", DB_ARGS(DB_I(r->id)), 0, false };
		struct sqlv d = { "DELETE FROM return_signatures WHERE"
			" return_id = ?", DB_ARGS(DB_I(r->id)), 0, false };

		CHECK_INT(store_acquire(F.s, &db, &err), SVC_OK);
		CHECK(store_write(F.s, db, sql_cb, &v, &err) != SVC_OK);
		CHECK(store_write(F.s, db, sql_cb, &d, &err) != SVC_OK);
		CHECK_INT(db_one_i64(db, "SELECT count(*) FROM"
		    " return_signatures WHERE return_id = ? AND role <> 'admin'",
		    DB_ARGS(DB_I(r->id)), &n, &err), SVC_OK);
		CHECK_INT(n, 8);
		store_release(F.s, db);
	}
out:
	arena_release(&a);
}

/* "2026-11-24T12:00:00+08:00" of t (static: one at a time per CHECK). */
static const char *
local_time(int64_t t)
{
	static char s[4][40];
	static int n;
	char *p = s[n++ % 4];

	clock_format_local(t, p, sizeof(s[0]));
	return p;
}

/*
 * "YYYY-MM-DDThh:mm:ss+08:00" of the company-local calendar day after t's,
 * at hms: worked out from the calendar, not by the code under test.
 */
static const char *
next_day_at(int64_t t, const char *hms)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	static char s[4][40];
	static int n;
	char *p = s[n++ % 4];
	int ymd = clock_local_ymd(t);
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));

	if (++d > last) {
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	snprintf(p, sizeof(s[0]), "%04d-%02d-%02dT%s+08:00", y, m, d, hms);
	return p;
}

/* due_at of the return's return_slip clock (0 when it has none). */
static int64_t
slip_clock_due(int64_t return_id)
{
	struct svc_err err = { 0 };
	struct db *db;
	int64_t due = 0;

	CHECK_INT(store_acquire(F.s, &db, &err), SVC_OK);
	CHECK_INT(db_one_i64(db, "SELECT due_at FROM sla_clocks WHERE"
	    " doc_kind = 'return' AND doc_id = ? AND metric = 'return_slip'",
	    DB_ARGS(DB_I(return_id)), &due, &err), SVC_OK);
	store_release(F.s, db);
	return due;
}

/* A quality return of one new unit, taken up to "received". */
static struct rma *
received_return(struct arena *a, const char *suffix)
{
	struct svc_err err;
	struct rma_step s;
	struct rma *r;
	int64_t unit = mk_unit(suffix, F.cust, days_ago(5), false);

	r = file(a, as(F.head, "aftersales_manager", 0), F.cust, "quality",
	    "refund", unit, 100, NULL, &err);
	CHECK(r != NULL);
	if (r == NULL)
		return NULL;
	OK_STEP(a, &r, as(F.head, "aftersales_manager", 0),
	    "review_aftersales");
	OK_STEP(a, &r, as(F.sales, "sales_manager", 0), "approve");
	s = NO_INPUT;
	s.explanation = "压缩机异响";
	s.responsible_department_id = F.dept_qc;
	s.responsible_person = "李工";
	CHECK_INT(step_in(a, &r, as(F.qc, "qc_inspector", 0), "qc_defect", s,
	    &err), SVC_OK);
	CHECK_INT(step(a, &r, as(F.wh, "warehouse", 0), "receive", &err),
	    SVC_OK);
	CHECK_STR(fsm_state_name(&rma_fsm, r->state), "received");
	return r;
}

/*
 * One source for the slip's deadline: the return_slip policy.  Moving its
 * time of day moves the form's slip_due_at and the clock's due_at alike;
 * a slip sent after slip_due_at is breached.
 */
static void
t_slip_follows_policy_on_store(void)
{
	struct svc_err err;
	struct arena a;
	struct rma *r;

	if (!fixtures())
		return;
	arena_init(&a, 16u << 20);
	SQL("UPDATE sla_policies SET target_min = ? WHERE metric = ?",
	    DB_I(900), DB_S("return_slip"));
	r = received_return(&a, "SLIP15");
	if (r != NULL) {
		CHECK_STR(local_time(r->slip_due_at),
		    next_day_at(r->received_at, "15:00:00"));
		CHECK_INT(r->slip_due_at, slip_clock_due(r->id));
		OK_STEP(&a, &r, as(F.stats, "statistician", 0), "record");
		OK_STEP(&a, &r, as(F.clerk, "clerk", 0), "send_slip");
		CHECK_INT(r->slip_breached, 0);
	}
	SQL("UPDATE sla_policies SET target_min = ? WHERE metric = ?",
	    DB_I(720), DB_S("return_slip"));
	r = received_return(&a, "SLIP12");
	if (r != NULL) {
		CHECK_STR(local_time(r->slip_due_at),
		    next_day_at(r->received_at, "12:00:00"));
		CHECK_INT(r->slip_due_at, slip_clock_due(r->id));
		/* the deadline passed: the slip is breached */
		SQL("UPDATE returns SET slip_due_at = ? WHERE id = ?",
		    DB_I(clock_now() - 3600), DB_I(r->id));
		OK_STEP(&a, &r, as(F.stats, "statistician", 0), "record");
		CHECK_INT(step(&a, &r, as(F.clerk, "clerk", 0), "send_slip",
		    &err), SVC_OK);
		CHECK_INT(r->slip_breached, 1);
	}
	arena_release(&a);
}

static void
t_used_and_isolation_on_store(void)
{
	struct svc_err err;
	struct rma_step s;
	struct arena a;
	struct rma *r, *other;
	struct db *db;

	if (!fixtures())
		return;
	arena_init(&a, 16u << 20);
	r = file(&a, as(F.head, "aftersales_manager", 0), F.cust, "quality",
	    "refund", F.unit_used, 100000, NULL, &err);
	CHECK(r != NULL && r->has_used);
	if (r == NULL)
		goto out;
	OK_STEP(&a, &r, as(F.head, "aftersales_manager", 0),
	    "review_aftersales");
	OK_STEP(&a, &r, as(F.sales, "sales_manager", 0), "approve");
	s = NO_INPUT;
	s.explanation = "使用后出现故障, 属质量问题";
	s.responsible_department_id = F.dept_qc;
	s.responsible_person = "李工";
	s.depreciation_fen = 30000;
	CHECK_INT(step_in(&a, &r, as(F.qc, "qc_inspector", 0), "qc_defect", s,
	    &err), SVC_OK);
	/* an exchange of used goods: for equal or higher value only */
	s = NO_INPUT;
	s.resolution = "exchange";
	s.exchange_value_fen = 99999;
	CHECK_INT(step_in(&a, &r, as(F.wh, "warehouse", 0), "receive", s,
	    &err), SVC_EINVAL);
	CHECK_STR(err.field, "exchange_value_fen");
	s.resolution = "refund";
	s.exchange_value_fen = -1;
	CHECK_INT(step_in(&a, &r, as(F.wh, "warehouse", 0), "receive", s,
	    &err), SVC_OK);
	CHECK_INT(r->refund_fen, 70000);	/* 1000.00 - 300.00 */
	/* customers see their own forms only */
	CHECK_INT(store_acquire(F.s, &db, &err), SVC_OK);
	{
		struct rma_caller mine = as(F.cust_user, "customer", F.cust);
		struct rma_caller theirs = as(F.other_cust_user, "customer",
		    F.other_cust);

		CHECK_INT(rma_get(db, &a, &mine, r->id, &other, &err), SVC_OK);
		CHECK_INT(rma_get(db, &a, &theirs, r->id, &other, &err),
		    SVC_ENOTFOUND);
	}
	store_release(F.s, db);
	/* a customer cannot file for another company's unit */
	CHECK(file(&a, as(F.cust_user, "customer", F.cust), F.cust, "quality",
	    "refund", F.unit_other, 100, NULL, &err) == NULL);
	CHECK_STR(err.field, "lines[0].unit_id");
out:
	arena_release(&a);
}

static void
t_done(void)
{
	if (F.s != NULL)
		store_close(F.s);
	F.s = NULL;
}

const struct h_test rma_tests[] = {
	{ "rma: ratio within the limit (exactly at it), one fen over not",
	    t_ratio },
	{ "rma: warning share and the ratio shown rounded up",
	    t_ratio_warn_and_text },
	{ "rma: days between dates, dates parsed", t_days },
	{ "rma: return slip due 12:00 the next calendar day", t_slip_due },
	{ "rma: a slip sent at exactly its due time is on time",
	    t_slip_late },
	{ "rma: used-goods refund never negative", t_refund },
	{ "rma: exchange ratio on the store, special approval",
	    t_ratio_limit_on_store },
	{ "rma: time limit, last day and the day after", t_time_limit_on_store },
	{ "rma: quality return, signatures, transport, QC, slip",
	    t_quality_path_on_store },
	{ "rma: used goods, customer isolation",
	    t_used_and_isolation_on_store },
	{ "rma: the slip's deadline follows the return_slip policy",
	    t_slip_follows_policy_on_store },
	{ "rma: close the store", t_done },
	{ NULL, NULL },
};
