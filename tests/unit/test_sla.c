/*
 * test_sla — the business calendar arithmetic (pure, table-driven, at the
 * boundaries: weekend, holiday, make-up day, midnight, lunch break, the end
 * of the day, a start outside hours), policy selection (999 vs 1000 km,
 * urban 6 h vs suburban 7 h), clocks (pause/resume push the due time), the
 * explanation, and the scheduler: each warning and each breach raised once,
 * even when the tick runs twice or on two "servers" (two store handles) at
 * once.  Store tests run on the DSN under test.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

#include "harness.h"
#include "domain/sla/sla.h"
#include "store/store.h"
#include "util/clock.h"

/* A local time in the company zone (Asia/Shanghai in the tests). */
static int64_t
T(const char *s)
{
	int64_t t = 0;

	if (!clock_parse(s, &t)) {
		fprintf(stderr, "  bad time in test: %s\n", s);
		h_failed_checks++;
	}
	return t;
}

static const char *
L(int64_t t, char *buf, size_t len)
{
	clock_format_local(t, buf, len);
	return buf;
}

/* ----- an in-memory calendar ----- */

static struct cal_day test_days[] = {
	{ 0, 20260920, CAL_WORKDAY, "国庆节调休上班", 1, "", { 0, { { 0, 0 } } },
	    0 },
	{ 0, 20261001, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261002, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261003, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261004, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261005, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261006, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261007, CAL_HOLIDAY, "国庆节", 1, "", { 0, { { 0, 0 } } }, 0 },
	{ 0, 20261010, CAL_WORKDAY, "国庆节调休上班", 1, "", { 0, { { 0, 0 } } },
	    0 },
	/* a half day with its own hours, then a holiday */
	{ 0, 20261231, CAL_WORKDAY, "半天", 1, "08:30-12:00",
	    { 1, { { 510, 720 } } }, 0 },
	{ 0, 20270101, CAL_HOLIDAY, "元旦", 1, "", { 0, { { 0, 0 } } }, 0 },
};

static void
test_calendar(struct calendar *c)
{
	static const struct cal_hours day = { 2, { { 510, 720 },
		{ 810, 1050 } } };

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < 5; i++)
		c->week[i] = day;
	c->days = test_days;
	c->ndays = sizeof(test_days) / sizeof(test_days[0]);
	/* make-up days work Monday's hours */
	test_days[0].hours = day;
	test_days[8].hours = day;
}

/* ----- pure arithmetic ----- */

static void
t_dates(void)
{
	CHECK_INT(cal_weekday(19700101), 4);
	CHECK_INT(cal_weekday(20260101), 4);
	CHECK_INT(cal_weekday(20261010), 6);
	CHECK_INT(cal_weekday(20260920), 7);
	CHECK_INT(cal_weekday(20000229), 2);
	CHECK_INT(cal_ymd_add(20261231, 1), 20270101);
	CHECK_INT(cal_ymd_add(20240228, 1), 20240229);
	CHECK_INT(cal_ymd_add(20270101, -1), 20261231);
	CHECK(cal_ymd_valid(20240229));
	CHECK(!cal_ymd_valid(20260229));
	CHECK(!cal_ymd_valid(20261301));
	CHECK(!cal_ymd_valid(20260431));
	CHECK_INT(cal_local_ymd(T("2026-10-01T00:00:00+08:00")), 20261001);
	CHECK_INT(cal_local_ymd(T("2026-09-30T23:59:59+08:00")), 20260930);
	CHECK_INT(cal_instant(20261001, 510), T("2026-10-01T08:30:00+08:00"));
	CHECK_INT(cal_instant(20261001, 1440), T("2026-10-02T00:00:00+08:00"));
}

static void
t_parse_hours(void)
{
	static const struct {
		const char *s;
		int ok;
		int n;
		int first_start;
	} cases[] = {
		{ "08:30-12:00,13:30-17:30", 1, 2, 510 },
		{ "13:30-17:30,08:30-12:00", 1, 2, 510 },	/* sorted */
		{ "", 1, 0, 0 },
		{ "00:00-24:00", 1, 1, 0 },
		{ "08:00-12:00,12:00-13:00", 1, 2, 480 },	/* touching */
		{ "08:30-12:00,11:00-13:00", 0, 0, 0 },		/* overlap */
		{ "12:00-08:00", 0, 0, 0 },
		{ "08:00-08:00", 0, 0, 0 },
		{ "24:00-24:00", 0, 0, 0 },
		{ "8:30-12:00", 0, 0, 0 },
		{ "08:60-09:00", 0, 0, 0 },
		{ "08:30-24:01", 0, 0, 0 },
		{ "08:30-12:00,", 0, 0, 0 },
		{ "08:30 12:00", 0, 0, 0 },
		{ "00:00-01:00,01:00-02:00,02:00-03:00,03:00-04:00,04:00-05:00,"
		    "05:00-06:00,06:00-07:00,07:00-08:00,08:00-09:00", 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cal_hours h;
		const char *why = NULL;
		bool ok = cal_parse_hours(cases[i].s, &h, &why);

		CHECK_INT(ok, cases[i].ok);
		if (ok && cases[i].ok) {
			CHECK_INT(h.n, cases[i].n);
			if (h.n > 0)
				CHECK_INT(h.v[0].start_min, cases[i].first_start);
		}
		if (!ok)
			CHECK(why != NULL);
	}
}

static void
t_add_working(void)
{
	static const struct {
		const char *what;
		const char *start;
		int64_t minutes;
		const char *due;
	} cases[] = {
		{ "inside the morning", "2026-06-01T09:00", 60,
		    "2026-06-01T10:00" },
		{ "across lunch", "2026-06-01T11:30", 60, "2026-06-01T14:00" },
		{ "exactly to the end of the morning", "2026-06-01T11:30", 30,
		    "2026-06-01T12:00" },
		{ "start during lunch counts from 13:30", "2026-06-01T12:05", 30,
		    "2026-06-01T14:00" },
		{ "start exactly at 12:00", "2026-06-01T12:00", 1,
		    "2026-06-01T13:31" },
		{ "start exactly at 17:30 (end of day)", "2026-06-01T17:30", 60,
		    "2026-06-02T09:30" },
		{ "17:29 + 6 working hours lands the next day",
		    "2026-06-01T17:29", 360, "2026-06-02T15:59" },
		{ "17:29 + 7 working hours (suburban)", "2026-06-01T17:29", 420,
		    "2026-06-02T16:59" },
		{ "a full day ends at 17:30", "2026-06-01T08:30", 450,
		    "2026-06-01T17:30" },
		{ "a full day and a minute", "2026-06-01T08:30", 451,
		    "2026-06-02T08:31" },
		{ "across the weekend", "2026-06-05T16:00", 180,
		    "2026-06-08T10:00" },
		{ "start on a Saturday", "2026-06-06T10:00", 60,
		    "2026-06-08T09:30" },
		{ "start before opening", "2026-06-01T07:00", 30,
		    "2026-06-01T09:00" },
		{ "start before midnight", "2026-06-01T23:30", 30,
		    "2026-06-02T09:00" },
		{ "start at midnight", "2026-06-02T00:00", 30,
		    "2026-06-02T09:00" },
		{ "across the National Day holidays", "2026-09-30T16:00", 360,
		    "2026-10-08T14:30" },
		{ "into a make-up Saturday", "2026-10-09T17:00", 60,
		    "2026-10-10T09:00" },
		{ "into a make-up Sunday", "2026-09-19T10:00", 60,
		    "2026-09-20T09:30" },
		{ "a start on a holiday", "2026-10-03T10:00", 30,
		    "2026-10-08T09:00" },
		{ "a half day then a holiday then the weekend",
		    "2026-12-31T11:00", 120, "2027-01-04T09:30" },
		{ "zero minutes: the start itself", "2026-06-06T10:00", 0,
		    "2026-06-06T10:00" },
		{ "two weeks of working time", "2026-06-01T08:30", 450 * 10,
		    "2026-06-12T17:30" },
	};
	struct calendar cal;
	char got[40], want[40];

	test_calendar(&cal);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t due = 0, start = T(cases[i].start);
		bool ok = cal_add(&cal, start, cases[i].minutes * 60, &due);

		h_current = cases[i].what;
		CHECK(ok);
		if (due != T(cases[i].due)) {
			h_failed_checks++;
			fprintf(stderr, "  %s: due %s, expected %s\n",
			    cases[i].what, L(due, got, sizeof(got)),
			    L(T(cases[i].due), want, sizeof(want)));
		}
		/* and back: the working time between is the target */
		CHECK_INT(cal_between(&cal, start, due), cases[i].minutes * 60);
	}
	h_current = "calendar: add working minutes";
}

static void
t_between(void)
{
	static const struct {
		const char *from, *to;
		int64_t minutes;
	} cases[] = {
		{ "2026-06-01T09:00", "2026-06-01T10:00", 60 },
		{ "2026-06-01T11:00", "2026-06-01T14:00", 90 },
		{ "2026-06-01T12:00", "2026-06-01T13:30", 0 },	/* lunch */
		{ "2026-06-05T17:00", "2026-06-08T09:00", 60 },	/* weekend */
		{ "2026-06-01T17:30", "2026-06-02T08:30", 0 },	/* night */
		{ "2026-06-01T10:00", "2026-06-01T09:00", 0 },	/* backwards */
		{ "2026-10-01T00:00", "2026-10-08T00:00", 0 },	/* holidays */
		/* a make-up day */
		{ "2026-10-10T00:00", "2026-10-11T00:00", 450 },
		{ "2026-06-01T00:00", "2026-06-08T00:00", 450 * 5 },
	};
	struct calendar cal;

	test_calendar(&cal);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(cal_between(&cal, T(cases[i].from), T(cases[i].to)),
		    cases[i].minutes * 60);
}

/* A property: for any start and target, between(start, add(start)) holds. */
static void
t_add_between_property(void)
{
	struct calendar cal;
	uint32_t x = 12345;
	int64_t base = T("2026-09-01T00:00");

	test_calendar(&cal);
	for (int i = 0; i < 3000; i++) {
		int64_t start, secs, due = 0;

		x = x * 1103515245u + 12345u;
		start = base + (int64_t)(x % (150u * 86400u));
		x = x * 1103515245u + 12345u;
		secs = (int64_t)(x % (60u * 60u * 40u));
		CHECK(cal_add(&cal, start, secs, &due));
		CHECK_INT(cal_between(&cal, start, due), secs);
		/* the due time is never later than needed: one second less
		 * of work ends earlier */
		if (secs > 0) {
			int64_t d2 = 0;

			CHECK(cal_add(&cal, start, secs - 1, &d2));
			CHECK(d2 < due);
		}
	}
}

static void
t_next_day(void)
{
	static const struct {
		const char *start, *due;
	} cases[] = {
		{ "2026-10-08T16:00", "2026-10-09T12:00" },
		{ "2026-10-09T16:00", "2026-10-10T12:00" },	/* make-up Sat */
		{ "2026-09-30T10:00", "2026-10-01T12:00" },	/* a holiday too */
		{ "2026-06-06T10:00", "2026-06-07T12:00" },	/* a Sunday too */
		{ "2026-06-01T00:00", "2026-06-02T12:00" },	/* midnight */
		{ "2026-06-01T23:59", "2026-06-02T12:00" },
		{ "2026-06-30T23:59", "2026-07-01T12:00" },	/* month end */
		{ "2026-12-31T08:00", "2027-01-01T12:00" },	/* year end */
	};
	struct calendar cal;

	test_calendar(&cal);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t due = 0;

		CHECK(cal_next_day_at(&cal, T(cases[i].start), 720, &due));
		CHECK_INT(due, T(cases[i].due));
	}
}

static void
t_no_hours(void)
{
	struct calendar cal;
	int64_t due = 0;

	memset(&cal, 0, sizeof(cal));
	CHECK(!cal_add(&cal, T("2026-06-01T09:00"), 60, &due));
	/* the next day is a calendar day: no working hours needed */
	CHECK(cal_next_day_at(&cal, T("2026-06-01T09:00"), 720, &due));
	CHECK_INT(due, T("2026-06-02T12:00"));
	CHECK_INT(cal_between(&cal, T("2026-06-01T09:00"),
	    T("2026-06-09T09:00")), 0);
}

struct walk_rec {
	int n;
	int ymd[16];
	enum cal_day_kind kind[16];
	int nsegs[16];
	int64_t secs;
};

static void
walk_fn(void *ctx, int ymd, enum cal_day_kind kind, const struct cal_day *sp,
    bool working, const int64_t *segs, int nsegs)
{
	struct walk_rec *r = ctx;

	(void)sp;
	(void)working;
	if (r->n < 16) {
		r->ymd[r->n] = ymd;
		r->kind[r->n] = kind;
		r->nsegs[r->n] = nsegs;
		r->n++;
	}
	for (int i = 0; i < nsegs; i++)
		r->secs += segs[2 * i + 1] - segs[2 * i];
}

static void
t_walk(void)
{
	struct calendar cal;
	struct walk_rec r = { 0 };
	bool more = true;

	test_calendar(&cal);
	/* 9/30 16:00 .. 10/8 14:30: 9 days, 7 of them holidays */
	CHECK_INT(cal_walk(&cal, T("2026-09-30T16:00"), T("2026-10-08T14:30"),
	    100, walk_fn, &r, &more), 9);
	CHECK(!more);
	CHECK_INT(r.ymd[0], 20260930);
	CHECK_INT(r.nsegs[0], 1);
	CHECK_INT(r.kind[1], CAL_HOLIDAY);
	CHECK_INT(r.nsegs[1], 0);
	CHECK_INT(r.ymd[8], 20261008);
	CHECK_INT(r.nsegs[8], 2);
	CHECK_INT(r.secs, 360 * 60);
	/* a range ending at midnight does not visit the next day */
	memset(&r, 0, sizeof(r));
	CHECK_INT(cal_walk(&cal, T("2026-06-01T09:00"), T("2026-06-02T00:00"),
	    100, walk_fn, &r, NULL), 1);
	/* the cap */
	memset(&r, 0, sizeof(r));
	CHECK_INT(cal_walk(&cal, T("2026-06-01T09:00"), T("2026-06-30T00:00"),
	    3, walk_fn, &r, &more), 3);
	CHECK(more);
}

/* ----- store tests ----- */

static struct store *
open_store(void)
{
	struct store_config sc = { .max_conns = 8 };
	struct svc_err err = { 0 };
	struct store *s = NULL;
	int applied;

	if (store_open(&s, h_dsn, &sc, &err) != SVC_OK) {
		fprintf(stderr, "  cannot open %s: %s\n", h_dsn, err.msg);
		return NULL;
	}
	if (store_migrate(s, &applied, &err) != SVC_OK) {
		fprintf(stderr, "  cannot migrate %s: %s\n", h_dsn, err.msg);
		store_close(s);
		return NULL;
	}
	return s;
}

/* One write transaction running a test step. */
struct step {
	enum svc_code (*fn)(struct db *, struct step *, struct svc_err *);
	struct arena *a;
	struct actor who;
	/* inputs */
	struct sla_start start;
	struct sla_key key;
	int64_t clock_id, at, now, user_id;
	const char *str;
	struct cal_hours week[7];
	struct cal_day_draft day;
	struct sla_policy policy;
	/* outputs */
	struct sla_clock *clock;
	struct sla_tick_stats stats;
	struct calendar *cal;
	struct notification *note;
	int64_t id;
};

static enum svc_code
run_step(struct db *db, void *arg, struct svc_err *err)
{
	struct step *s = arg;

	return s->fn(db, s, err);
}

static enum svc_code
step(struct store *st, struct step *s, struct svc_err *err)
{
	struct db *db;
	enum svc_code rc;

	rc = store_acquire(st, &db, err);
	if (rc)
		return rc;
	rc = store_write(st, db, run_step, s, err);
	store_release(st, db);
	return rc;
}

static enum svc_code
do_start(struct db *db, struct step *s, struct svc_err *err)
{
	return sla_start(db, s->a, &s->who, &s->start, &s->clock, err);
}

static enum svc_code
do_pause(struct db *db, struct step *s, struct svc_err *err)
{
	return sla_pause(db, s->a, &s->who, s->clock_id, s->str, s->at,
	    &s->clock, err);
}

static enum svc_code
do_resume(struct db *db, struct step *s, struct svc_err *err)
{
	return sla_resume(db, s->a, &s->who, s->clock_id, s->at, &s->clock,
	    err);
}

static enum svc_code
do_stop(struct db *db, struct step *s, struct svc_err *err)
{
	return sla_stop(db, s->a, &s->who, s->clock_id, s->at, &s->clock, err);
}

static enum svc_code
do_tick(struct db *db, struct step *s, struct svc_err *err)
{
	return sla_tick(db, s->now, &s->stats, err);
}

static enum svc_code
do_week(struct db *db, struct step *s, struct svc_err *err)
{
	return cal_set_week(db, s->a, &s->who, s->id, s->week, &s->cal, err);
}

static enum svc_code
do_day_add(struct db *db, struct step *s, struct svc_err *err)
{
	struct cal_day *d;

	return cal_day_add(db, s->a, &s->who, &s->day, &d, err);
}

static enum svc_code
do_day_delete(struct db *db, struct step *s, struct svc_err *err)
{
	return cal_day_delete(db, s->a, &s->who, s->day.ymd, err);
}

static enum svc_code
do_policy(struct db *db, struct step *s, struct svc_err *err)
{
	struct sla_policy *p;
	enum svc_code rc;

	rc = sla_policy_create(db, s->a, &s->who, &s->policy, &p, err);
	if (rc == SVC_OK)
		s->id = p->id;
	return rc;
}

static enum svc_code
do_notify(struct db *db, struct step *s, struct svc_err *err)
{
	enum svc_code rc;

	rc = notify_user(db, s->user_id, "test", "标题", "正文",
	    "{\"n\":\"1\"}", "test_doc", s->id, err);
	if (rc == SVC_OK)
		rc = notify_role(db, "aftersales_manager", "test_role",
		    "经理通知", NULL, NULL, "test_doc", s->id, err);
	return rc;
}

static enum svc_code
do_mark(struct db *db, struct step *s, struct svc_err *err)
{
	return notify_mark_read(db, s->a, &s->who, s->user_id, s->id, &s->note,
	    err);
}

static enum svc_code
do_user(struct db *db, struct step *s, struct svc_err *err)
{
	enum svc_code rc;
	int64_t now = clock_now();

	rc = db_one_i64(db, "INSERT INTO users (username, display_name,"
	    " password_hash, created_at, updated_at) VALUES (?, ?, 'x', ?, ?)"
	    " RETURNING id", DB_ARGS(DB_S(s->str), DB_S(s->str), DB_I(now),
	    DB_I(now)), &s->id, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "INSERT INTO user_roles (user_id, role)"
		    " VALUES (?, ?)", DB_ARGS(DB_I(s->id), DB_S(s->policy.name)),
		    NULL, err);
	return rc;
}

static void
step_init(struct step *s, struct arena *a)
{
	memset(s, 0, sizeof(*s));
	s->a = a;
	s->who = (struct actor){ 0, "test", "127.0.0.1", "unit" };
}

static int64_t
make_user(struct store *st, struct arena *a, const char *prefix,
    const char *role)
{
	struct svc_err err = { 0 };
	struct step s;
	char name[64];

	step_init(&s, a);
	snprintf(name, sizeof(name), "%s%lld", prefix,
	    (long long)(clock_now_us() % 100000000));
	s.fn = do_user;
	s.str = name;
	s.policy.name = (char *)role;
	if (step(st, &s, &err) != SVC_OK) {
		fprintf(stderr, "  make_user: %s\n", err.msg);
		h_failed_checks++;
	}
	return s.id;
}

/* A document id unique to this run (the database may be reused). */
static int64_t
doc_id(void)
{
	static int64_t seq;

	return clock_now_us() / 1000 * 100 + (++seq % 100);
}

static int64_t
count(struct store *st, const char *sql, const struct dbv *args, size_t n)
{
	struct svc_err err = { 0 };
	struct db *db;
	int64_t v = -1;

	if (store_acquire(st, &db, &err) != SVC_OK)
		return -1;
	if (db_one_i64(db, sql, args, n, &v, &err) != SVC_OK)
		fprintf(stderr, "  count: %s\n", err.msg);
	store_release(st, db);
	return v;
}

static int64_t
notes(struct store *st, int64_t user, const char *kind, int64_t ref_id)
{
	return count(st, "SELECT count(*) FROM notifications WHERE user_id = ?"
	    " AND kind = ? AND ref_id = ?", DB_ARGS(DB_I(user), DB_S(kind),
	    DB_I(ref_id)));
}

static void
t_seeded_calendar(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct calendar *cal = NULL;
	struct arena a;
	struct db *db;
	int64_t due = 0;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 1u << 20);
	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(cal_load(db, &a, &cal, &err), SVC_OK);
	store_release(st, db);
	if (cal != NULL) {
		CHECK_INT(cal->week[0].n, 2);
		CHECK_INT(cal->week[0].v[0].start_min, 510);
		CHECK_INT(cal->week[0].v[1].end_min, 1050);
		CHECK_INT(cal->week[4].n, 2);
		CHECK_INT(cal->week[5].n, 0);
		CHECK_INT(cal->week[6].n, 0);
		CHECK_INT(cal->ndays, 39);	/* 33 holidays, 6 make-up days */
		/* Spring Festival 2026: Sat 2/14 is worked, 2/15-2/23 not */
		CHECK(cal_add(cal, T("2026-02-13T17:00"), 60 * 60, &due));
		CHECK_INT(due, T("2026-02-14T09:00"));
		CHECK(cal_add(cal, T("2026-02-14T17:00"), 60 * 60, &due));
		CHECK_INT(due, T("2026-02-24T09:00"));
		/* New Year: Sun 1/4 is worked */
		CHECK(cal_add(cal, T("2025-12-31T17:00"), 60 * 60, &due));
		CHECK_INT(due, T("2026-01-04T09:00"));
		/* Labour Day: 5/1-5/5 off, Sat 5/9 worked */
		CHECK(cal_add(cal, T("2026-04-30T17:00"), 60 * 60, &due));
		CHECK_INT(due, T("2026-05-06T09:00"));
		CHECK(cal_add(cal, T("2026-05-08T17:00"), 60 * 60, &due));
		CHECK_INT(due, T("2026-05-09T09:00"));
	}
	arena_release(&a);
	store_close(st);
}

static void
t_select(void)
{
	static const struct {
		const char *metric, *type, *severity, *region;
		int64_t km;
		int found;
		enum sla_mode mode;
		int64_t target;
	} cases[] = {
		{ "arrival", "repair", "moderate", "urban", 35, 1, SLA_WORKING,
		    360 },
		{ "arrival", "repair", "moderate", "suburban", 60, 1,
		    SLA_WORKING, 420 },
		{ "arrival", NULL, NULL, "urban", 0, 1, SLA_WORKING, 360 },
		{ "arrival", NULL, NULL, "urban", 999, 1, SLA_WORKING, 360 },
		{ "arrival", NULL, NULL, "suburban", 1000, 1, SLA_CALENDAR,
		    2880 },
		{ "arrival", "repair", NULL, "remote", 999, 1, SLA_CALENDAR,
		    1440 },
		{ "arrival", "repair", NULL, "remote", 1000, 1, SLA_CALENDAR,
		    2880 },
		{ "arrival", NULL, NULL, NULL, 0, 1, SLA_CALENDAR, 1440 },
		{ "arrival", NULL, NULL, NULL, 5000, 1, SLA_CALENDAR, 2880 },
		/* 1000 km and more: 48 h whatever the region class */
		{ "arrival", NULL, NULL, "urban", 1500, 1, SLA_CALENDAR, 2880 },
		/* an unknown distance matches no band */
		{ "arrival", NULL, NULL, "urban", -1, 0, SLA_WORKING, 0 },
		{ "arrival", NULL, NULL, NULL, -1, 0, SLA_WORKING, 0 },
		{ "answer", "complaint", "minor", "urban", 10, 1, SLA_CALENDAR,
		    2880 },
		{ "answer", "repair", NULL, NULL, -1, 0, SLA_WORKING, 0 },
		{ "return_slip", NULL, NULL, NULL, -1, 1, SLA_NEXT_DAY, 720 },
		{ "trip_summary", NULL, NULL, NULL, -1, 1, SLA_CALENDAR, 2880 },
		{ "no_such_metric", NULL, NULL, NULL, -1, 0, SLA_WORKING, 0 },
	};
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct sla_policy *p;
	struct arena a;
	struct db *db;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 1u << 20);
	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum svc_code rc = sla_select(db, &a, cases[i].type,
		    cases[i].severity, cases[i].region, cases[i].km,
		    cases[i].metric, &p, &err);

		if (!cases[i].found) {
			CHECK_INT(rc, SVC_ENOTFOUND);
			continue;
		}
		CHECK_INT(rc, SVC_OK);
		if (rc != SVC_OK) {
			fprintf(stderr, "  case %zu: %s\n", i, err.msg);
			continue;
		}
		CHECK_INT(p->mode, cases[i].mode);
		CHECK_INT(p->target_min, cases[i].target);
		CHECK(p->why != NULL && strstr(p->why, "specificity") != NULL);
	}
	store_release(st, db);
	arena_release(&a);
	store_close(st);
}

/* Most specific wins; equal scores: the narrower band, then the lower id. */
static void
t_select_tiebreak(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct sla_policy *p;
	struct step s;
	struct arena a;
	struct db *db;
	char metric[40];
	int64_t wide, narrow, first, second, typed;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 1u << 20);
	snprintf(metric, sizeof(metric), "t_%lld",
	    (long long)(clock_now_us() % 1000000000));
	step_init(&s, &a);
	s.fn = do_policy;
	s.policy = (struct sla_policy){ .name = "wide", .metric = metric,
		.distance_min_km = 0, .distance_max_km = 1000,
		.mode = SLA_CALENDAR, .target_min = 100, .warn_min = 10,
		.active = true };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	wide = s.id;
	s.policy.name = "narrow";
	s.policy.distance_max_km = 500;
	s.policy.target_min = 50;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	narrow = s.id;
	s.policy.name = "region first";
	s.policy.distance_max_km = 0;
	s.policy.region_class = "suburban";
	s.policy.target_min = 70;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	first = s.id;
	s.policy.name = "region second";
	CHECK_INT(step(st, &s, &err), SVC_OK);
	second = s.id;
	s.policy.name = "typed";
	s.policy.region_class = NULL;
	s.policy.request_type = "repair";
	CHECK_INT(step(st, &s, &err), SVC_OK);
	typed = s.id;
	/* invalid policies name the field */
	s.policy.distance_min_km = 100;
	s.policy.distance_max_km = 100;
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "distance_max_km");
	s.policy.distance_max_km = 0;
	s.policy.severity = "urgent";
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "severity");
	s.policy.severity = NULL;
	s.policy.mode = SLA_NEXT_DAY;
	s.policy.target_min = 1440;
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "target_min");

	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(sla_select(db, &a, NULL, NULL, NULL, 300, metric, &p, &err),
	    SVC_OK);
	CHECK_INT(p->id, narrow);
	CHECK_INT(sla_select(db, &a, NULL, NULL, NULL, 700, metric, &p, &err),
	    SVC_OK);
	CHECK_INT(p->id, wide);
	CHECK_INT(sla_select(db, &a, NULL, NULL, "suburban", 300, metric, &p,
	    &err), SVC_OK);
	CHECK_INT(p->id, first);
	CHECK(second > first);
	CHECK_INT(sla_select(db, &a, "repair", NULL, "suburban", 300, metric,
	    &p, &err), SVC_OK);
	CHECK_INT(p->id, typed);
	CHECK_INT(sla_select(db, &a, NULL, NULL, NULL, 1000, metric, &p, &err),
	    SVC_ENOTFOUND);
	store_release(st, db);
	arena_release(&a);
	store_close(st);
}

static int64_t
policy_for(struct store *st, struct arena *a, const char *metric,
    const char *type, const char *region, int64_t km)
{
	struct svc_err err = { 0 };
	struct sla_policy *p = NULL;
	struct db *db;

	if (store_acquire(st, &db, &err) != SVC_OK)
		return 0;
	if (sla_select(db, a, type, NULL, region, km, metric, &p, &err))
		fprintf(stderr, "  policy_for: %s\n", err.msg);
	store_release(st, db);
	return p ? p->id : 0;
}

static void
t_clock_lifecycle(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct sla_key key = { "repair", "moderate", "urban", 35 };
	struct step s;
	struct arena a;
	int64_t id, doc = doc_id(), urban;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 4u << 20);
	urban = policy_for(st, &a, "arrival", "repair", "urban", 35);
	CHECK(urban > 0);
	step_init(&s, &a);
	s.fn = do_start;
	s.start = (struct sla_start){ "t_request", doc, "SR-20260601-0001",
		urban, 0, T("2026-06-01T17:29"), &key };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	if (s.clock == NULL)
		goto out;
	id = s.clock->id;
	CHECK_INT(s.clock->due_at, T("2026-06-02T15:59"));
	CHECK_INT(s.clock->warn_at, T("2026-06-02T14:59"));
	CHECK_INT(s.clock->state, SLA_RUNNING);
	CHECK(s.clock->basis_given);
	CHECK_INT(s.clock->basis_distance_km, 35);
	/* one open clock per document and metric */
	s.clock = NULL;
	CHECK_INT(step(st, &s, &err), SVC_ECONFLICT);

	/* pause Tue 09:00 waiting for the customer, resume Wed 10:00 */
	s.fn = do_pause;
	s.clock_id = id;
	s.str = "coffee_break";
	s.at = T("2026-06-02T09:00");
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "reason");
	s.str = SLA_PAUSE_WAITING_CUSTOMER;
	s.at = T("2026-06-01T17:00");		/* before the start */
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "at");
	s.at = T("2026-06-02T09:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->state, SLA_PAUSED);
	CHECK_INT(s.clock->remaining_s, 329 * 60);
	CHECK_INT(step(st, &s, &err), SVC_ETRANSITION);	/* already paused */
	s.fn = do_resume;
	s.at = T("2026-06-02T08:00");		/* before the pause */
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	s.at = T("2026-06-03T10:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->state, SLA_RUNNING);
	/* pushed by the paused working time: 510 minutes */
	CHECK_INT(s.clock->due_at, T("2026-06-03T16:59"));
	CHECK_INT(s.clock->paused_s, 510 * 60);
	CHECK_INT(step(st, &s, &err), SVC_ETRANSITION);	/* not paused */

	/* a second pause during lunch and the night: only working time */
	s.fn = do_pause;
	s.str = SLA_PAUSE_WAITING_PARTS;
	s.at = T("2026-06-03T09:00");		/* before the last resume */
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	s.at = T("2026-06-03T16:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.fn = do_resume;
	s.at = T("2026-06-04T09:00");		/* 90 + 30 working minutes */
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-06-04T09:59"));
	CHECK_INT(s.clock->paused_s, 630 * 60);

	/* stop in time: met; a stopped clock is final */
	s.fn = do_stop;
	s.at = T("2026-06-04T09:59");		/* exactly at due: met */
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->state, SLA_STOPPED);
	CHECK_STR(s.clock->outcome, "met");
	CHECK_INT(step(st, &s, &err), SVC_ETRANSITION);
	s.fn = do_pause;
	CHECK_INT(step(st, &s, &err), SVC_ETRANSITION);

	/* a working lead: 60 working minutes before a 09:30 due is 17:30 */
	s.fn = do_start;
	s.start.doc_id = doc + 1;
	s.start.started_at = T("2026-06-01T11:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-06-02T09:30"));
	CHECK_INT(s.clock->warn_at, T("2026-06-01T17:30"));
	s.start.doc_id = doc;

	/* after the stop a new clock of the metric may start */
	s.fn = do_start;
	s.start.started_at = T("2026-06-08T09:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.fn = do_stop;
	s.clock_id = s.clock->id;
	s.at = T("2026-06-08T16:31");		/* due 16:30: late */
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_STR(s.clock->outcome, "breached");
out:
	arena_release(&a);
	store_close(st);
}

static void
t_clock_modes(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct sla_key far = { "repair", NULL, "remote", 999 };
	struct step s;
	struct arena a;
	int64_t doc = doc_id(), p24, p48, slip, sub;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 4u << 20);
	p24 = policy_for(st, &a, "arrival", "repair", "remote", 999);
	p48 = policy_for(st, &a, "arrival", "repair", "remote", 1000);
	slip = policy_for(st, &a, "return_slip", NULL, NULL, -1);
	sub = policy_for(st, &a, "arrival", "repair", "suburban", 20);
	step_init(&s, &a);

	/* 24 h of calendar time: nights and weekends count */
	s.fn = do_start;
	s.start = (struct sla_start){ "t_request", doc, "", p24, 0,
		T("2026-06-05T16:00"), &far };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-06-06T16:00"));
	/* a 2-hour pause pushes a calendar clock by 2 hours */
	s.clock_id = s.clock->id;
	s.fn = do_pause;
	s.str = SLA_PAUSE_WAITING_CUSTOMER;
	s.at = T("2026-06-05T20:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.fn = do_resume;
	s.at = T("2026-06-05T22:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-06-06T18:00"));

	/* 1000 km: 48 h */
	s.fn = do_start;
	far.distance_km = 1000;
	s.start = (struct sla_start){ "t_request", doc + 1, "", p48, 0,
		T("2026-06-05T16:00"), &far };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-06-07T16:00"));

	/* suburban: 7 working hours */
	s.start = (struct sla_start){ "t_request", doc + 2, "", sub, 0,
		T("2026-06-01T17:29"), NULL };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-06-02T16:59"));
	CHECK(!s.clock->basis_given);

	/* return slip: by 12:00 on the next calendar day */
	s.start = (struct sla_start){ "t_return", doc, "RT-20261009-0001",
		slip, 0, T("2026-10-09T15:00"), NULL };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-10-10T12:00"));
	CHECK_INT(s.clock->mode, SLA_NEXT_DAY);

	/* bad starts name the field */
	s.start = (struct sla_start){ "Bad Kind", doc, "", slip, 0,
		T("2026-10-09T15:00"), NULL };
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "doc_kind");
	s.start = (struct sla_start){ "t_return", doc + 9, "", 999999999, 0,
		T("2026-10-09T15:00"), NULL };
	CHECK_INT(step(st, &s, &err), SVC_ENOTFOUND);
	CHECK_STR(err.field, "policy_id");
	arena_release(&a);
	store_close(st);
}

static enum svc_code
do_doc(struct db *db, struct step *s, struct svc_err *err)
{
	const char *k = s->start.doc_kind;
	int64_t d = s->start.doc_id;
	int n = -1;
	enum svc_code rc;

	switch (s->id) {
	case 1:
		rc = sla_pause_for(db, s->a, &s->who, k, d, NULL,
		    SLA_PAUSE_WAITING_PARTS, s->at, &n, err);
		break;
	case 2:
		rc = sla_resume_for(db, s->a, &s->who, k, d, NULL, s->at, &n,
		    err);
		break;
	case 3:
		rc = sla_stop_for(db, s->a, &s->who, k, d, s->str, s->at, &n,
		    err);
		break;
	default:
		rc = sla_set_owner(db, s->a, &s->who, k, d, s->user_id, err);
		n = 0;
		break;
	}
	s->stats.notified = n;
	return rc;
}

/* pause / resume / stop every clock of a document; hand it over */
static void
t_doc_helpers(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct sla_clock **items = NULL;
	struct step s;
	struct arena a;
	struct db *db;
	struct calendar *cal = NULL;
	struct buf b;
	struct jw w;
	int64_t doc = doc_id(), arrival, answer, u1, u2;
	size_t n = 0;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 4u << 20);
	u1 = make_user(st, &a, "tdoc1_", "agent");
	u2 = make_user(st, &a, "tdoc2_", "technician");
	arrival = policy_for(st, &a, "arrival", "complaint", "urban", 5);
	answer = policy_for(st, &a, "answer", "complaint", "urban", 5);
	step_init(&s, &a);
	s.fn = do_start;
	s.start = (struct sla_start){ "t_complaint", doc, "CP-1", arrival, u1,
		T("2026-06-01T09:00"), NULL };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.start.policy_id = answer;
	CHECK_INT(step(st, &s, &err), SVC_OK);

	s.fn = do_doc;
	s.id = 1;				/* pause both */
	s.at = T("2026-06-01T10:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.stats.notified, 2);
	CHECK_INT(step(st, &s, &err), SVC_OK);	/* nothing left to pause */
	CHECK_INT(s.stats.notified, 0);
	s.id = 2;				/* resume both */
	s.at = T("2026-06-01T11:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.stats.notified, 2);
	s.id = 4;				/* hand over */
	s.user_id = u2;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.id = 3;				/* stop the answer clock only */
	s.str = "answer";
	s.at = T("2026-06-01T12:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.stats.notified, 1);

	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(sla_get_for(db, &a, "t_complaint", doc, &items, &n, &err),
	    SVC_OK);
	CHECK_INT(cal_load(db, &a, &cal, &err), SVC_OK);
	store_release(st, db);
	CHECK_INT(n, 2);
	if (n != 2 || cal == NULL)
		goto out;
	/* arrival: 6 working hours from 09:00 (16:30) plus the 1-hour pause */
	CHECK_STR(items[0]->metric, "arrival");
	CHECK_INT(items[0]->state, SLA_RUNNING);
	CHECK_INT(items[0]->owner_user_id, u2);
	CHECK_INT(items[0]->due_at, T("2026-06-01T17:30"));
	CHECK_STR(items[1]->metric, "answer");
	CHECK_INT(items[1]->state, SLA_STOPPED);
	CHECK_STR(items[1]->outcome, "met");
	CHECK_INT(items[1]->due_at, T("2026-06-03T10:00"));
	/* remaining at 16:00: 90 working minutes */
	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	sla_clock_to_json(&w, items[0], cal, T("2026-06-01T16:00"));
	CHECK(strstr(b.p, "\"remaining_min\":90") != NULL);
	CHECK(strstr(b.p, "\"state\":\"running\"") != NULL);
	buf_release(&b);
out:
	arena_release(&a);
	store_close(st);
}

/* ----- explanation ----- */

static json_t *
explain(struct store *st, struct arena *a, int64_t clock_id, int64_t now)
{
	struct svc_err err = { 0 };
	json_error_t jerr;
	struct db *db;
	struct buf b;
	struct jw w;
	json_t *j = NULL;

	buf_init(&b, 1u << 22);
	jw_init(&w, &b);
	if (store_acquire(st, &db, &err) == SVC_OK) {
		if (sla_explain(db, a, clock_id, now, &w, &err) == SVC_OK)
			j = json_loads(b.p, 0, &jerr);
		else
			fprintf(stderr, "  explain: %s\n", err.msg);
		store_release(st, db);
	}
	buf_release(&b);
	CHECK(j != NULL);
	return j;
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t
jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static void
t_explain(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct sla_key key = { "repair", "severe", "urban", 12 };
	struct step s;
	struct arena a;
	json_t *j, *days, *d;
	int64_t urban;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 4u << 20);
	urban = policy_for(st, &a, "arrival", "repair", "urban", 12);
	step_init(&s, &a);
	s.fn = do_start;
	s.start = (struct sla_start){ "t_request", doc_id(), "SR-EXPLAIN",
		urban, 0, T("2026-09-30T16:00"), &key };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	if (s.clock == NULL)
		goto out;
	/* across the National Day holidays (the seeded 2026 calendar) */
	CHECK_INT(s.clock->due_at, T("2026-10-08T14:30"));
	s.clock_id = s.clock->id;
	s.fn = do_pause;
	s.str = SLA_PAUSE_WAITING_PARTS;
	s.at = T("2026-10-08T09:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.fn = do_resume;
	s.at = T("2026-10-08T10:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2026-10-08T15:30"));

	j = explain(st, &a, s.clock_id, T("2026-10-08T15:00"));
	if (j == NULL)
		goto out;
	CHECK_STR(jstr(j, "due_at"), "2026-10-08T15:30:00+08:00");
	CHECK_STR(jstr(j, "status"), "warning");
	CHECK_INT(jint(j, "remaining_min"), 30);
	CHECK_INT(jint(j, "counted_min"), 360);
	CHECK_INT(jint(j, "excluded_min"), 60);
	CHECK_INT(jint(j, "paused_min"), 60);
	CHECK(json_object_get(j, "calendar_note") == NULL);
	CHECK(strstr(jstr(j, "why"), "region_class 'urban' = 'urban'") != NULL);
	days = json_object_get(j, "days");
	CHECK_INT(json_array_size(days), 9);
	d = json_array_get(days, 0);
	CHECK_STR(jstr(d, "date"), "2026-09-30");
	CHECK_STR(jstr(d, "kind"), "working_day");
	CHECK_INT(jint(d, "minutes"), 90);
	d = json_array_get(days, 1);
	CHECK_STR(jstr(d, "kind"), "holiday");
	CHECK_STR(jstr(d, "name"), "国庆节");
	CHECK_INT(jint(d, "minutes"), 0);
	d = json_array_get(days, 8);
	CHECK_STR(jstr(d, "date"), "2026-10-08");
	CHECK_INT(jint(d, "minutes"), 270);
	CHECK_INT(json_array_size(json_object_get(d, "excluded")), 1);
	CHECK_INT(json_array_size(json_object_get(j, "pauses")), 1);
	json_decref(j);

	/* after the due time: breached, overdue */
	j = explain(st, &a, s.clock_id, T("2026-10-08T16:00"));
	if (j != NULL) {
		CHECK_STR(jstr(j, "status"), "breached");
		CHECK_INT(jint(j, "overdue_min"), 30);
		json_decref(j);
	}
out:
	arena_release(&a);
	store_close(st);
}

/* ----- the scheduler ----- */

static void
t_tick_once(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct step s, tick;
	struct arena a;
	int64_t owner, m1, m2, doc = doc_id(), p24, due, id;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 4u << 20);
	owner = make_user(st, &a, "towner", "agent");
	m1 = make_user(st, &a, "tmgr1_", "aftersales_manager");
	m2 = make_user(st, &a, "tmgr2_", "aftersales_manager");
	p24 = policy_for(st, &a, "arrival", NULL, "remote", 10);
	step_init(&s, &a);
	s.fn = do_start;
	s.start = (struct sla_start){ "t_tick", doc, "SR-20310303-0001", p24,
		owner, T("2031-03-03T10:00"), NULL };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	if (s.clock == NULL)
		goto out;
	id = s.clock->id;
	due = s.clock->due_at;
	CHECK_INT(due, T("2031-03-04T10:00"));
	step_init(&tick, &a);
	tick.fn = do_tick;

	tick.now = due - 61 * 60;
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_warning", doc), 0);
	tick.now = due - 60 * 60;		/* exactly the lead */
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_warning", doc), 1);
	CHECK_INT(notes(st, m1, "sla_warning", doc), 0);
	CHECK_INT(step(st, &tick, &err), SVC_OK);	/* again: nothing */
	CHECK_INT(notes(st, owner, "sla_warning", doc), 1);
	tick.now = due;				/* due, not yet breached */
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_breach", doc), 0);
	tick.now = due + 1;
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK(tick.stats.breached >= 1);
	CHECK_INT(notes(st, owner, "sla_breach", doc), 1);
	CHECK_INT(notes(st, m1, "sla_breach", doc), 1);
	CHECK_INT(notes(st, m2, "sla_breach", doc), 1);
	tick.now = due + 3600;
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_breach", doc), 1);
	CHECK_INT(notes(st, m1, "sla_breach", doc), 1);
	CHECK_INT(notes(st, owner, "sla_warning", doc), 1);
	CHECK_INT(count(st, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'sla_clock' AND entity_id = ? AND action = 'sla_breach'",
	    DB_ARGS(DB_I(id))), 1);
	CHECK_INT(count(st, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'sla_clock' AND entity_id = ? AND action = 'sla_warning'",
	    DB_ARGS(DB_I(id))), 1);

	/* a paused clock raises nothing; the resume moves both times */
	s.start.doc_id = doc + 1;
	s.start.started_at = T("2031-03-10T10:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.clock_id = s.clock->id;
	s.fn = do_pause;
	s.str = SLA_PAUSE_WAITING_CUSTOMER;
	s.at = T("2031-03-11T08:00");		/* 120 min left */
	CHECK_INT(step(st, &s, &err), SVC_OK);
	tick.now = T("2031-03-11T09:30");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	tick.now = T("2031-03-11T11:00");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_warning", doc + 1), 0);
	CHECK_INT(notes(st, owner, "sla_breach", doc + 1), 0);
	s.fn = do_resume;
	s.at = T("2031-03-12T09:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2031-03-12T11:00"));
	CHECK_INT(s.clock->warn_at, T("2031-03-12T10:00"));
	tick.now = T("2031-03-12T09:59");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_warning", doc + 1), 0);
	tick.now = T("2031-03-12T10:00");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_warning", doc + 1), 1);
	tick.now = T("2031-03-12T11:01");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_breach", doc + 1), 1);
	CHECK_INT(notes(st, m2, "sla_breach", doc + 1), 1);
	/* a pause and resume after the breach raise nothing more */
	s.fn = do_pause;
	s.at = T("2031-03-12T11:30");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->remaining_s, 0);
	s.fn = do_resume;
	s.at = T("2031-03-13T11:30");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.clock->due_at, T("2031-03-12T11:00"));
	tick.now = T("2031-03-13T12:00");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, owner, "sla_breach", doc + 1), 1);
	CHECK_INT(notes(st, owner, "sla_warning", doc + 1), 1);
	s.fn = do_stop;
	s.at = T("2031-03-13T12:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_STR(s.clock->outcome, "breached");

	/* no owner: the warning goes to the managers */
	s.fn = do_start;
	s.start.doc_id = doc + 2;
	s.start.owner_user_id = 0;
	s.start.started_at = T("2031-04-01T10:00");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	tick.now = T("2031-04-02T09:10");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, m1, "sla_warning", doc + 2), 1);
	CHECK_INT(notes(st, owner, "sla_warning", doc + 2), 0);
	/* stopped clocks raise nothing */
	s.fn = do_stop;
	s.clock_id = s.clock->id;
	s.at = T("2031-04-02T09:30");
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_STR(s.clock->outcome, "met");
	tick.now = T("2031-04-03T09:10");
	CHECK_INT(step(st, &tick, &err), SVC_OK);
	CHECK_INT(notes(st, m1, "sla_breach", doc + 2), 0);
out:
	arena_release(&a);
	store_close(st);
}

/* Two servers: two store handles on one database tick at the same time. */
struct server_arg {
	struct store *st;
	int64_t now;
	int rounds;
	int warned, breached;
	enum svc_code rc;
};

static void *
server_main(void *p)
{
	struct server_arg *sa = p;
	struct svc_err err = { 0 };
	struct arena a;
	struct step s;

	arena_init(&a, 1u << 20);
	for (int i = 0; i < sa->rounds; i++) {
		step_init(&s, &a);
		s.fn = do_tick;
		s.now = sa->now;
		sa->rc = step(sa->st, &s, &err);
		if (sa->rc != SVC_OK) {
			fprintf(stderr, "  tick: %s\n", err.msg);
			break;
		}
		sa->warned += s.stats.warned;
		sa->breached += s.stats.breached;
	}
	arena_release(&a);
	return NULL;
}

#define NCLOCKS 30

static void
t_tick_two_servers(void)
{
	struct store *s1 = open_store(), *s2 = open_store();
	struct server_arg sa[2];
	struct svc_err err = { 0 };
	pthread_t th[2];
	struct arena a;
	struct step s;
	int64_t owner, doc = doc_id() * 10, p24, due = 0;

	if (s1 == NULL || s2 == NULL) {
		CHECK(s1 != NULL && s2 != NULL);
		if (s1 != NULL)
			store_close(s1);
		if (s2 != NULL)
			store_close(s2);
		return;
	}
	arena_init(&a, 4u << 20);
	owner = make_user(s1, &a, "t2owner", "technician");
	p24 = policy_for(s1, &a, "arrival", NULL, "remote", 10);
	step_init(&s, &a);
	s.fn = do_start;
	for (int i = 0; i < NCLOCKS; i++) {
		s.start = (struct sla_start){ "t_two", doc + i, "", p24, owner,
			T("2032-05-05T10:00"), NULL };
		CHECK_INT(step(i % 2 ? s2 : s1, &s, &err), SVC_OK);
		if (s.clock != NULL)
			due = s.clock->due_at;
	}
	for (int phase = 0; phase < 2; phase++) {
		for (int i = 0; i < 2; i++) {
			sa[i] = (struct server_arg){ i ? s2 : s1, phase ?
				due + 1 : due - 30 * 60, 3, 0, 0, SVC_OK };
			pthread_create(&th[i], NULL, server_main, &sa[i]);
		}
		for (int i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		CHECK_INT(sa[0].rc, SVC_OK);
		CHECK_INT(sa[1].rc, SVC_OK);
		if (phase == 0)
			CHECK(sa[0].warned + sa[1].warned >= NCLOCKS);
		else
			CHECK(sa[0].breached + sa[1].breached >= NCLOCKS);
	}
	/* every clock: exactly one warning and one breach for its owner */
	CHECK_INT(count(s1, "SELECT count(*) FROM notifications WHERE"
	    " user_id = ? AND kind = 'sla_warning' AND ref_kind = 't_two'"
	    " AND ref_id >= ? AND ref_id < ?", DB_ARGS(DB_I(owner), DB_I(doc),
	    DB_I(doc + NCLOCKS))), NCLOCKS);
	CHECK_INT(count(s1, "SELECT count(DISTINCT ref_id) FROM notifications"
	    " WHERE user_id = ? AND kind = 'sla_warning' AND ref_kind = 't_two'"
	    " AND ref_id >= ? AND ref_id < ?", DB_ARGS(DB_I(owner), DB_I(doc),
	    DB_I(doc + NCLOCKS))), NCLOCKS);
	CHECK_INT(count(s1, "SELECT count(*) FROM notifications WHERE"
	    " user_id = ? AND kind = 'sla_breach' AND ref_kind = 't_two'"
	    " AND ref_id >= ? AND ref_id < ?", DB_ARGS(DB_I(owner), DB_I(doc),
	    DB_I(doc + NCLOCKS))), NCLOCKS);
	CHECK_INT(count(s2, "SELECT count(*) FROM audit_log a JOIN sla_clocks c"
	    " ON c.id = a.entity_id WHERE a.entity = 'sla_clock' AND"
	    " a.action = 'sla_breach' AND c.doc_kind = 't_two' AND"
	    " c.doc_id >= ? AND c.doc_id < ?", DB_ARGS(DB_I(doc),
	    DB_I(doc + NCLOCKS))), NCLOCKS);
	arena_release(&a);
	store_close(s1);
	store_close(s2);
}

/* ----- calendar edits and notifications ----- */

static void
t_calendar_edit(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct calendar *cal = NULL;
	struct arena a;
	struct step s;
	struct db *db;
	struct cal_hours saved[7];
	int64_t v, due = 0, audits;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 4u << 20);
	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(cal_load(db, &a, &cal, &err), SVC_OK);
	store_release(st, db);
	if (cal == NULL)
		goto out;
	memcpy(saved, cal->week, sizeof(saved));
	v = cal->version;
	audits = count(st, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'calendar' AND action = 'update'", DB_NOARGS);
	step_init(&s, &a);
	s.fn = do_week;
	/* stale version */
	s.id = v + 7;
	memcpy(s.week, saved, sizeof(saved));
	CHECK_INT(step(st, &s, &err), SVC_ECONFLICT);
	CHECK(err.details != NULL);
	/* an empty week */
	memset(s.week, 0, sizeof(s.week));
	s.id = v;
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "week");
	/* Saturday mornings too */
	memcpy(s.week, saved, sizeof(saved));
	s.week[5].n = 1;
	s.week[5].v[0] = (struct cal_span){ 540, 720 };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(s.cal->version, v + 1);
	CHECK_INT(s.cal->week[5].n, 1);
	CHECK(cal_add(s.cal, T("2026-06-05T17:00"), 60 * 60, &due));
	CHECK_INT(due, T("2026-06-06T09:30"));
	/* back */
	memcpy(s.week, saved, sizeof(saved));
	s.id = v + 1;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(count(st, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'calendar' AND action = 'update'", DB_NOARGS), audits + 2);

	/* special days */
	s.fn = do_day_add;
	s.day = (struct cal_day_draft){ 20330103, CAL_HOLIDAY, "测试假日", 0,
		NULL };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(step(st, &s, &err), SVC_ECONFLICT);
	CHECK_STR(err.field, "date");
	s.day = (struct cal_day_draft){ 20330104, CAL_HOLIDAY, "x", 0,
		"08:30-12:00" };
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "hours");
	s.day = (struct cal_day_draft){ 20330108, CAL_WORKDAY, "周六上班", 7,
		NULL };			/* Sunday's hours: none */
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "as_weekday");
	s.day = (struct cal_day_draft){ 20330108, CAL_WORKDAY, "周六半天", 0,
		"13:30-17:30,08:30-11:00" };
	CHECK_INT(step(st, &s, &err), SVC_OK);
	s.day = (struct cal_day_draft){ 20330230, CAL_HOLIDAY, "", 0, NULL };
	CHECK_INT(step(st, &s, &err), SVC_EINVAL);
	CHECK_STR(err.field, "date");
	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(cal_load(db, &a, &cal, &err), SVC_OK);
	store_release(st, db);
	/* Fri 2033-01-07 17:00 + 60 min: 30 on Fri, then Sat 08:30 */
	CHECK(cal_add(cal, T("2033-01-07T17:00"), 60 * 60, &due));
	CHECK_INT(due, T("2033-01-08T09:00"));
	/* Sun 2033-01-02 + 60 min: Mon 1/3 is the holiday */
	CHECK(cal_add(cal, T("2033-01-02T10:00"), 60 * 60, &due));
	CHECK_INT(due, T("2033-01-04T09:30"));
	s.fn = do_day_delete;
	s.day.ymd = 20330103;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(step(st, &s, &err), SVC_ENOTFOUND);
	s.day.ymd = 20330108;
	CHECK_INT(step(st, &s, &err), SVC_OK);
out:
	arena_release(&a);
	store_close(st);
}

static void
t_notifications(void)
{
	struct store *st = open_store();
	struct svc_err err = { 0 };
	struct notification *items = NULL;
	struct arena a;
	struct step s;
	struct db *db;
	int64_t u, other, m, unread = -1, doc = doc_id();
	size_t cnt = 0;
	bool more = false;

	if (st == NULL) {
		CHECK(st != NULL);
		return;
	}
	arena_init(&a, 1u << 20);
	u = make_user(st, &a, "tnote", "agent");
	other = make_user(st, &a, "tnoteo", "agent");
	m = make_user(st, &a, "tnotem", "aftersales_manager");
	step_init(&s, &a);
	s.fn = do_notify;
	s.user_id = u;
	s.id = doc;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(notes(st, u, "test", doc), 2);
	CHECK_INT(notes(st, m, "test_role", doc), 2);
	CHECK_INT(notes(st, u, "test_role", doc), 0);
	s.user_id = 999999999;			/* no such user */
	CHECK(step(st, &s, &err) != SVC_OK);

	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(notify_list(db, &a, u, false, 0, 1, &items, &cnt, &more,
	    &unread, &err), SVC_OK);
	store_release(st, db);
	CHECK_INT(cnt, 1);
	CHECK(more);
	CHECK_INT(unread, 2);
	if (items == NULL || cnt == 0)
		goto out;
	CHECK_STR(items[0].title, "标题");
	CHECK_STR(items[0].ref_kind, "test_doc");

	/* mark read: mine yes (twice is fine), someone else's is not found */
	s.fn = do_mark;
	s.user_id = other;
	s.id = items[0].id;
	CHECK_INT(step(st, &s, &err), SVC_ENOTFOUND);
	s.user_id = u;
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK(s.note != NULL && s.note->read_at != 0);
	CHECK_INT(step(st, &s, &err), SVC_OK);
	CHECK_INT(count(st, "SELECT count(*) FROM audit_log WHERE entity ="
	    " 'notification' AND entity_id = ?", DB_ARGS(DB_I(items[0].id))), 1);
	CHECK_INT(store_acquire(st, &db, &err), SVC_OK);
	CHECK_INT(notify_list(db, &a, u, true, 0, 10, &items, &cnt, &more,
	    &unread, &err), SVC_OK);
	store_release(st, db);
	CHECK_INT(cnt, 1);
	CHECK_INT(unread, 1);
out:
	arena_release(&a);
	store_close(st);
}

const struct h_test sla_tests[] = {
	{ "calendar: dates and weekdays", t_dates },
	{ "calendar: parse working hours", t_parse_hours },
	{ "calendar: add working minutes at the boundaries", t_add_working },
	{ "calendar: working minutes between two instants", t_between },
	{ "calendar: add and between agree (3000 random cases)",
	    t_add_between_property },
	{ "calendar: by 12:00 the next calendar day", t_next_day },
	{ "calendar: no working hours at all", t_no_hours },
	{ "calendar: day-by-day walk", t_walk },
	{ "sla: the seeded calendar and China's 2026 holidays",
	    t_seeded_calendar },
	{ "sla: policy selection (999/1000 km, urban 6 h/suburban 7 h)",
	    t_select },
	{ "sla: policy selection tie-breaks and validation",
	    t_select_tiebreak },
	{ "sla: clock start, pause/resume push the due time, stop",
	    t_clock_lifecycle },
	{ "sla: calendar-time, distance and next-day clocks", t_clock_modes },
	{ "sla: document-level pause, resume, stop and handover",
	    t_doc_helpers },
	{ "sla: explanation of a due time", t_explain },
	{ "sla: tick raises each warning and breach once", t_tick_once },
	{ "sla: two servers tick at once, one event each",
	    t_tick_two_servers },
	{ "sla: calendar edits (version, special days)", t_calendar_edit },
	{ "sla: notifications", t_notifications },
	{ NULL, NULL },
};
