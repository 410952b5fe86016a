/*
 * sla — the business calendar, service-level policies, SLA clocks with
 * their explanation, the scheduler step that warns and escalates, and in-app
 * notifications (SPEC §3 business calendar, §4.1 service targets, §4.14).
 *
 * Time: instants are UTC seconds (int64_t).  Calendar days are integers
 * YYYYMMDD and times of day are minutes after local midnight, both in the
 * company time zone, which is the process zone (util/clock.h): the
 * arithmetic converts with localtime_r()/mktime().
 *
 * Files: calendar.c (pure working-time arithmetic over a loaded struct
 * calendar), calendar_db.c (loading and editing the calendar), policy.c
 * (policies and their selection), sla.c (clocks, explanations, the tick),
 * notify.c (notifications).
 *
 * Invariants:
 *  - a clock's mode, target and warning lead are copied from its policy at
 *    start; editing a policy or the calendar never moves a due time already
 *    computed (the explanation notes when the calendar has changed since);
 *  - due_at is the instant at which the counted (not paused) time since
 *    started_at reaches the target; warn_at is when warn_min minutes of
 *    counted time remain (working time for working clocks — a lead of 60
 *    before a 09:30 due is 17:30 the evening before; elapsed time for
 *    calendar and next_day clocks);
 *  - at most one clock per (doc_kind, doc_id, metric) is not stopped;
 *  - warned_at and breached_at are each set at most once per clock, by an
 *    UPDATE that claims the event: with several servers sharing one
 *    database, one event gives one set of notifications;
 *  - every write (calendar, policies, clocks, notifications read) writes an
 *    audit row in the same transaction; notify_*() do not audit (their
 *    caller audits the event that caused them).
 *
 * Ownership: every pointer returned is arena-owned (valid until the arena is
 * released) unless said otherwise; inputs are borrowed.  Functions taking
 * struct db * and writing must run inside a store_write() callback (the
 * caller's transaction).
 */
#ifndef AS_SLA_H
#define AS_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "store/store.h"
#include "util/err.h"
#include "util/json.h"
#include "util/mem.h"

/* ===================================================================== */
/* ----- the business calendar ----- */

#define CAL_SPANS_MAX 8		/* working intervals per day */
#define CAL_HORIZON_DAYS 3660	/* how far the arithmetic looks (10 years) */

/* A working interval [start_min, end_min) of one local day. */
struct cal_span {
	int start_min;		/* 0..1439 */
	int end_min;		/* start_min+1..1440 */
};

/* The working intervals of one day: sorted, not overlapping. */
struct cal_hours {
	int n;
	struct cal_span v[CAL_SPANS_MAX];
};

enum cal_day_kind {
	CAL_NORMAL,		/* a day with its weekday's hours */
	CAL_HOLIDAY,		/* no work */
	CAL_WORKDAY,		/* special working day (调休 / changed hours) */
};

/* A special day (holiday or working day). */
struct cal_day {
	int64_t id;
	int ymd;		/* YYYYMMDD, local */
	enum cal_day_kind kind;	/* CAL_HOLIDAY or CAL_WORKDAY */
	char *name;		/* "国庆节", may be "" */
	int as_weekday;		/* workday without own hours: 1..7 */
	char *hours_text;	/* "" or "08:30-12:00,13:30-17:30" */
	struct cal_hours hours;	/* resolved: own hours, as_weekday's, none */
	int64_t created_at;
};

struct calendar {
	int64_t id;
	char *name;
	int64_t version;
	int64_t updated_at;
	struct cal_hours week[7];	/* [0] Monday .. [6] Sunday */
	struct cal_day *days;		/* sorted by ymd, unique */
	size_t ndays;
};

/* ----- pure arithmetic (calendar.c): no database, no allocation ----- */

/* Is ymd a real date (1970..9999)? */
bool cal_ymd_valid(int ymd);
/* ISO weekday of a date: 1 = Monday .. 7 = Sunday. */
int cal_weekday(int ymd);
/* The date n days after (n < 0: before) ymd. */
int cal_ymd_add(int ymd, int n);
/* Local date and minute of the day of a UTC instant. */
int cal_local_ymd(int64_t t);
/* The UTC instant of local wall time minute (0..1440) on ymd. */
int64_t cal_instant(int ymd, int minute);

/*
 * The working hours of local day ymd: a holiday has none, a special working
 * day its own, any other day its weekday's.  *kind and *special (either may
 * be NULL) tell which rule applied; *special is borrowed from cal (NULL for
 * a normal day).  The result is borrowed from cal.
 */
const struct cal_hours *cal_hours_on(const struct calendar *, int ymd,
    enum cal_day_kind *kind, const struct cal_day **special);

/*
 * Add work_s working seconds to start.  Counting starts at the first working
 * instant at or after start (a start at 12:05 during lunch counts from
 * 13:30; a start at exactly 17:30, the end of the day, counts from the next
 * working day).  The due time is the instant the count is reached, so it can
 * be the end of an interval (11:30 + 30 min = 12:00, not 13:30).  work_s <= 0
 * gives start.  false when the calendar has too little working time within
 * CAL_HORIZON_DAYS.
 */
bool cal_add(const struct calendar *, int64_t start, int64_t work_s,
    int64_t *due);
/* Working seconds in [from, to); 0 when to <= from. */
int64_t cal_between(const struct calendar *, int64_t from, int64_t to);
/*
 * minute (0..1439) local time on the calendar day after start's local date,
 * whether or not it is a working day: "by 12:00 the next day" (seed 000
 * 4.2.9, SPEC §4.1) counts calendar days.  Always true.
 */
bool cal_next_day_at(const struct calendar *, int64_t start, int minute,
    int64_t *due);

/*
 * Call fn once per local day from from's date to to's date (inclusive of a
 * day only if [from, to) reaches into it), at most max_days times, with the
 * day's working intervals clipped to [from, to) as UTC instant pairs
 * (segs[2*i], segs[2*i+1]).  Returns the number of days visited; *more
 * (may be NULL) is set when days were left out.
 */
typedef void (*cal_walk_fn)(void *ctx, int ymd, enum cal_day_kind kind,
    const struct cal_day *special, bool working, const int64_t *segs,
    int nsegs);
size_t cal_walk(const struct calendar *, int64_t from, int64_t to,
    size_t max_days, cal_walk_fn, void *ctx, bool *more);

/*
 * Parse "HH:MM-HH:MM" (one interval; "24:00" allowed as an end) into *out.
 * false with *why (static text) on bad syntax or an empty interval.
 */
bool cal_parse_span(const char *s, struct cal_span *out, const char **why);
/*
 * Parse "HH:MM-HH:MM[,HH:MM-HH:MM...]" ("" = none); sorts, and refuses
 * overlaps and more than CAL_SPANS_MAX intervals (false with *why).
 */
bool cal_parse_hours(const char *s, struct cal_hours *out, const char **why);
/* Sort spans and check them (no overlap, at most CAL_SPANS_MAX). */
bool cal_hours_normalize(struct cal_hours *, const char **why);
/* "08:30" into out (at least 6 bytes). */
void cal_format_min(int minute, char *out, size_t len);
/* "08:30-12:00,13:30-17:30"; arena-owned. */
char *cal_hours_text(struct arena *, const struct cal_hours *);
/* "2026-10-01" into out (at least 11 bytes); parse the same (false if bad). */
void cal_format_ymd(int ymd, char *out, size_t len);
bool cal_parse_ymd(const char *s, int *ymd);

/* ----- the stored calendar (calendar_db.c) ----- */

/*
 * Load the business calendar with every special day.  *out arena-owned.
 * SVC_ENOTFOUND when the database has no calendar (not migrated).
 */
enum svc_code cal_load(struct db *, struct arena *, struct calendar **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Replace the weekly hours (week[0] Monday .. week[6] Sunday) if the
 * calendar's version is expected (else SVC_ECONFLICT with the current
 * calendar); a week without any working time is refused (SVC_EINVAL,
 * field "hours").  Audits; *out is the calendar after the change.
 */
enum svc_code cal_set_week(struct db *, struct arena *, const struct actor *,
    int64_t expected_version, const struct cal_hours week[7],
    struct calendar **out, struct svc_err *) WARN_UNUSED_RESULT;

/* Input for cal_day_add(); strings borrowed. */
struct cal_day_draft {
	int ymd;
	enum cal_day_kind kind;		/* CAL_HOLIDAY or CAL_WORKDAY */
	const char *name;		/* NULL = "" */
	int as_weekday;			/* 0 = Monday */
	const char *hours;		/* NULL/"" = as_weekday's hours */
};

/*
 * Add a special day.  SVC_ECONFLICT (field "date") when the date already has
 * one; SVC_EINVAL naming the field for hours on a holiday, bad hours, or a
 * working day that would have no hours.  Audits; *out arena-owned.
 */
enum svc_code cal_day_add(struct db *, struct arena *, const struct actor *,
    const struct cal_day_draft *, struct cal_day **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Remove the special day of ymd (SVC_ENOTFOUND if none).  Audits. */
enum svc_code cal_day_delete(struct db *, struct arena *, const struct actor *,
    int ymd, struct svc_err *) WARN_UNUSED_RESULT;
/* A page of special days in [from_ymd, to_ymd], after after_ymd, by date. */
enum svc_code cal_day_list(struct db *, struct arena *, int from_ymd,
    int to_ymd, int after_ymd, int limit, struct cal_day **out, size_t *n,
    bool *more, struct svc_err *) WARN_UNUSED_RESULT;

/* JSON: the calendar {id, name, timezone, version, week:{mon:[..]..}, ...} */
void cal_to_json(struct jw *, const struct calendar *);
void cal_day_to_json(struct jw *, const struct cal_day *);

/* ===================================================================== */
/* ----- policies (policy.c) ----- */

enum sla_mode {
	SLA_WORKING,		/* target minutes of calendar working time */
	SLA_CALENDAR,		/* target minutes of elapsed time */
	SLA_NEXT_DAY,		/* at target_min o'clock, next calendar day */
	SLA_MODE__MAX
};

/* "working" | "calendar" | "next_day"; sla_mode_parse() false if unknown. */
const char *sla_mode_name(enum sla_mode);
bool sla_mode_parse(const char *, enum sla_mode *);

#define SLA_KEY_MAX 32		/* metric, type, region class: [a-z0-9_] */
#define SLA_TARGET_MAX (366 * 24 * 60)

struct sla_policy {
	int64_t id;
	char *name;
	char *metric;		/* arrival, answer, resolution, return_slip ... */
	char *request_type;	/* NULL = any type */
	char *severity;		/* NULL = any; minor | moderate | severe */
	char *region_class;	/* NULL = any; urban | suburban | remote ... */
	int64_t distance_min_km;	/* band [min, max); 0 = from 0 */
	int64_t distance_max_km;	/* 0 = no upper bound */
	enum sla_mode mode;
	int64_t target_min;	/* minutes; next_day: time of day */
	int64_t warn_min;	/* warning lead before due (working time for
				 * working policies) */
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
	/* filled by sla_select() only */
	int specificity;
	char *why;		/* why it was chosen, human-readable */
};

/* Masks of the fields a policy update changes. */
enum sla_policy_fields {
	SPF_NAME = 1 << 0,
	SPF_TYPE = 1 << 1,
	SPF_SEVERITY = 1 << 2,
	SPF_REGION = 1 << 3,
	SPF_DIST_MIN = 1 << 4,
	SPF_DIST_MAX = 1 << 5,
	SPF_MODE = 1 << 6,
	SPF_TARGET = 1 << 7,
	SPF_WARN = 1 << 8,
	SPF_ACTIVE = 1 << 9,
	SPF_METRIC = 1 << 10,
};

/* What a document offered to policy selection (kept on its clock). */
struct sla_key {
	const char *request_type;	/* NULL = unknown */
	const char *severity;		/* NULL = unknown */
	const char *region_class;	/* NULL = unknown */
	int64_t distance_km;		/* < 0 = unknown */
};

/*
 * Choose the policy for a metric and a document (deterministic):
 *  1. candidates: active policies of the metric whose every criterion
 *     matches: a NULL criterion matches anything; a set one must equal the
 *     document's value (an unknown value matches no set criterion); the
 *     distance band [min, max) is a criterion when min > 0 or max is set,
 *     and matches min <= distance_km < max (999 km is below a band starting
 *     at 1000; exactly 1000 is in it);
 *  2. the most specific wins: score = 8 (type) + 4 (severity) + 2 (region
 *     class) + 1 (distance band), over the criteria it sets — so a region
 *     class beats a distance band (the seeded urban/suburban policies,
 *     region + band [0, 1000), decide before the 24 h band [0, 1000); the
 *     48 h band [1000, -) alone matches 1000 km and more);
 *  3. equal scores: the narrower distance band (no upper bound = widest),
 *     then the lowest id.
 * request_type, severity, region_class: NULL = unknown; distance_km < 0 =
 * unknown.  *out arena-owned, with specificity and why filled.
 * SVC_ENOTFOUND (field "metric") when nothing matches — usually meaning
 * "no target applies: start no clock"; SVC_EINVAL for an empty metric.
 */
enum svc_code sla_select(struct db *, struct arena *, const char *request_type,
    const char *severity, const char *region_class, int64_t distance_km,
    const char *metric, struct sla_policy **out,
    struct svc_err *) WARN_UNUSED_RESULT;

enum svc_code sla_policy_get(struct db *, struct arena *, int64_t id,
    struct sla_policy **out, struct svc_err *) WARN_UNUSED_RESULT;
/* A page ordered by id after after_id; metric NULL = all, active -1 = all. */
enum svc_code sla_policy_list(struct db *, struct arena *, const char *metric,
    int active, int64_t after_id, int limit, struct sla_policy ***out,
    size_t *n, bool *more, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Create from p (id, version, times ignored).  Validation errors name the
 * field (SVC_EINVAL).  Audits; *out arena-owned.
 */
enum svc_code sla_policy_create(struct db *, struct arena *,
    const struct actor *, const struct sla_policy *p, struct sla_policy **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Change the fields in mask (enum sla_policy_fields) if the stored version
 * is expected (else SVC_ECONFLICT with details.current).  Running clocks
 * keep the values copied at their start.  Audits.
 */
enum svc_code sla_policy_update(struct db *, struct arena *,
    const struct actor *, int64_t id, int64_t expected,
    const struct sla_policy *p, unsigned mask, struct sla_policy **out,
    struct svc_err *) WARN_UNUSED_RESULT;
void sla_policy_to_json(struct jw *, const struct sla_policy *);

/* ===================================================================== */
/* ----- clocks (sla.c) ----- */

/*
 * Typical use by a document module, inside its own write transaction:
 *
 *	struct sla_key k = { "repair", "moderate", cust->region_class,
 *	    cust->distance_km };
 *	rc = sla_select(db, a, k.request_type, k.severity, k.region_class,
 *	    k.distance_km, "arrival", &p, err);
 *	if (rc == SVC_ENOTFOUND)
 *		... no target for this request: no clock (svc_err_clear(err))
 *	struct sla_start in = { "service_request", req->id, req->number,
 *	    p->id, req->owner_id, req->called_at, &k };
 *	rc = sla_start(db, a, who, &in, &clock, err);
 *	... later, on "waiting for the customer" / back to work / arrival:
 *	rc = sla_pause_for(db, a, who, "service_request", req->id, NULL,
 *	    SLA_PAUSE_WAITING_CUSTOMER, now, NULL, err);
 *	rc = sla_resume_for(db, a, who, "service_request", req->id, NULL,
 *	    now, NULL, err);
 *	rc = sla_stop_for(db, a, who, "service_request", req->id, "arrival",
 *	    arrived_at, NULL, err);
 *	rc = sla_set_owner(db, a, who, "service_request", req->id, new_owner,
 *	    err);
 */

enum sla_state { SLA_RUNNING, SLA_PAUSED, SLA_STOPPED };

#define SLA_PAUSE_WAITING_CUSTOMER "waiting_customer"
#define SLA_PAUSE_WAITING_PARTS "waiting_parts"

struct sla_clock {
	int64_t id;
	char *doc_kind;		/* "service_request", "complaint" ... */
	int64_t doc_id;
	char *doc_ref;		/* document number for messages, may be "" */
	char *metric;
	int64_t policy_id;
	char *policy_name;
	enum sla_mode mode;
	int64_t target_min;
	int64_t warn_min;
	/* the sla_key given at start (basis_given false: none) */
	bool basis_given;
	char *basis_type;	/* NULL = unknown */
	char *basis_severity;
	char *basis_region;
	int64_t basis_distance_km;	/* < 0 = unknown */
	int64_t owner_user_id;	/* 0 = none */
	enum sla_state state;
	int64_t started_at;
	int64_t due_at;
	int64_t warn_at;
	int64_t paused_at;	/* 0 unless paused */
	char *pause_reason;	/* NULL unless paused */
	int64_t remaining_s;	/* while paused: seconds that were left */
	int64_t paused_s;	/* counted seconds excluded by pauses */
	int64_t warned_at;	/* 0 = not warned */
	int64_t breached_at;	/* 0 = no breach raised */
	int64_t stopped_at;
	char *outcome;		/* "met" | "breached" once stopped, else NULL */
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

/* Input for sla_start(); strings borrowed. */
struct sla_start {
	const char *doc_kind;		/* required, [a-z0-9_] */
	int64_t doc_id;			/* required, >= 1 */
	const char *doc_ref;		/* e.g. "SR-20261122-0001"; NULL = "" */
	int64_t policy_id;		/* from sla_select() */
	int64_t owner_user_id;		/* who is warned; 0 = managers */
	int64_t started_at;		/* the event (the call), UTC */
	const struct sla_key *key;	/* NULL or what was given to select */
};

/*
 * Start a clock: loads the policy (it must be active: SVC_EINVAL field
 * "policy_id"; SVC_ENOTFOUND if absent) and the calendar, computes due_at
 * and warn_at.  SVC_ECONFLICT when the document already has an open clock
 * for the metric; SVC_EUNPROCESSABLE (field "calendar") when the calendar
 * has no working time to reach the target.  Audits ("start", entity
 * "sla_clock"); *out arena-owned.
 */
enum svc_code sla_start(struct db *, struct arena *, const struct actor *,
    const struct sla_start *, struct sla_clock **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Pause a running clock at `at` (reason SLA_PAUSE_WAITING_CUSTOMER or
 * SLA_PAUSE_WAITING_PARTS, else SVC_EINVAL field "reason").  The paused time
 * does not count.  SVC_ETRANSITION if the clock is not running; SVC_EINVAL
 * (field "at") if at is before the start or the last resume.  Audits.
 * *out (may be NULL) gets the clock after the change.
 */
enum svc_code sla_pause(struct db *, struct arena *, const struct actor *,
    int64_t clock_id, const char *reason, int64_t at, struct sla_clock **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Resume a paused clock at `at`: due_at (and warn_at) move later by the
 * counted time of the pause (working time for working/next_day clocks) —
 * unless the clock was already past due when paused, which stays as it was.
 * A warning or breach already raised is not raised again.
 * SVC_ETRANSITION if not paused, SVC_EINVAL (field "at") if at is before the
 * pause.  Audits.
 */
enum svc_code sla_resume(struct db *, struct arena *, const struct actor *,
    int64_t clock_id, int64_t at, struct sla_clock **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Stop a running or paused clock at `at` (the target event happened: the
 * technician arrived, the complaint was answered).  outcome = "met" when at
 * <= due_at (a paused clock: when it was paused before due), else
 * "breached" — by the times, whatever the scheduler raised.  A stopped
 * clock is final (SVC_ETRANSITION).  Audits.
 */
enum svc_code sla_stop(struct db *, struct arena *, const struct actor *,
    int64_t clock_id, int64_t at, struct sla_clock **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* One clock; SVC_ENOTFOUND. */
enum svc_code sla_get(struct db *, struct arena *, int64_t clock_id,
    struct sla_clock **out, struct svc_err *) WARN_UNUSED_RESULT;
/* Every clock of a document (stopped ones too), oldest first. */
enum svc_code sla_get_for(struct db *, struct arena *, const char *doc_kind,
    int64_t doc_id, struct sla_clock ***out, size_t *n,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Customer isolation (SPEC §2): clocks belong to documents, and documents
 * to customers.  *customer_id gets the customer of document doc_kind/doc_id
 * (a service request or a return form); SVC_ENOTFOUND for a kind that
 * belongs to no customer or a document that does not exist.
 */
enum svc_code sla_doc_customer(struct db *, const char *doc_kind,
    int64_t doc_id, int64_t *customer_id,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * sla_get() as a user bound to customer_id sees it (0: staff, every
 * clock): another company's clock gets exactly the answer of a clock that
 * does not exist.
 */
enum svc_code sla_get_scoped(struct db *, struct arena *, int64_t clock_id,
    int64_t customer_id, struct sla_clock **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * sla_get_for() as a user bound to customer_id sees it (0: staff): the
 * clocks of another company's document, or of a document that does not
 * exist, are SVC_ENOTFOUND naming doc_id, the same answer for both.
 */
enum svc_code sla_get_for_scoped(struct db *, struct arena *,
    const char *doc_kind, int64_t doc_id, int64_t customer_id,
    struct sla_clock ***out, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;

/* Which running clocks sla_due_list() returns. */
enum sla_due { SLA_DUE_ANY, SLA_DUE_SOON, SLA_DUE_OVERDUE };

struct sla_due_filter {
	enum sla_due due;	/* SOON: warned-at passed, not yet due;
				 * OVERDUE: due at or before now */
	int64_t before;		/* due_at < before; 0 = any */
	int64_t owner_id;	/* 0 = anyone's */
	const char *metric;	/* NULL = every metric */
	const char *doc_kind;	/* NULL = every kind */
	int64_t customer_id;	/* only the documents of this customer
				 * (a customer user); 0 = every company's */
};

/*
 * Running clocks across documents, soonest due first (due_at, id), after
 * the cursor (after_due, after_id; after_id 0 = from the start), at most
 * limit; *total counts every match.  For the dashboard's "due soon" and
 * "overdue" lists.
 */
enum svc_code sla_due_list(struct db *, struct arena *,
    const struct sla_due_filter *, int64_t now, int64_t after_due,
    int64_t after_id, int limit, struct sla_clock ***out, size_t *n,
    bool *more, int64_t *total, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The clock a work list shows for a document: its running clock due
 * soonest (due_at, then id), else a paused one; metric NULL when the
 * document has neither.  remaining_min is counted time from now to due
 * (as sla_clock_to_json; a paused clock: what was left), overdue_min the
 * minutes past due of a running clock.
 */
struct sla_next {
	const char *metric;		/* NULL = no running or paused clock */
	enum sla_state state;		/* SLA_RUNNING or SLA_PAUSED */
	int64_t due_at;			/* 0 when paused */
	int64_t warn_at;		/* 0 when paused */
	int64_t remaining_min;
	int64_t overdue_min;
};
/*
 * out[i] for doc_ids[i] of doc_kind (n at most SLA_NEXT_MAX), at now.
 * Strings are arena-owned.
 */
#define SLA_NEXT_MAX 256
enum svc_code sla_next_for(struct db *, struct arena *, const char *doc_kind,
    const int64_t *doc_ids, size_t n, int64_t now, struct sla_next *out,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Document-level helpers: apply pause / resume / stop to every open clock
 * of the document (metric NULL) or to its clock of one metric; clocks not in
 * a state the operation applies to are skipped (pausing a paused clock is
 * not an error here).  *n (may be NULL) gets the count changed.
 */
enum svc_code sla_pause_for(struct db *, struct arena *, const struct actor *,
    const char *doc_kind, int64_t doc_id, const char *metric,
    const char *reason, int64_t at, int *n,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code sla_resume_for(struct db *, struct arena *,
    const struct actor *, const char *doc_kind, int64_t doc_id,
    const char *metric, int64_t at, int *n,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code sla_stop_for(struct db *, struct arena *, const struct actor *,
    const char *doc_kind, int64_t doc_id, const char *metric, int64_t at,
    int *n, struct svc_err *) WARN_UNUSED_RESULT;
/* Hand the open clocks of a document to a new owner (首问负责制). Audits. */
enum svc_code sla_set_owner(struct db *, struct arena *, const struct actor *,
    const char *doc_kind, int64_t doc_id, int64_t owner_user_id,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The clock as JSON.  With a calendar, also remaining_min (counted minutes
 * from now to due; negative = overdue by) for a running clock; cal NULL
 * leaves it out.
 */
void sla_clock_to_json(struct jw *, const struct sla_clock *,
    const struct calendar *cal, int64_t now);

/*
 * Explain a clock's due time as one JSON object: the policy and why it
 * matched (its criteria against the document's basis), the target, the
 * counted working intervals day by day (non-working days named), the pauses
 * excluded, due_at, warn_at, and at `now` the remaining time or the time
 * overdue, or the outcome.  SVC_ENOTFOUND if no such clock.
 */
enum svc_code sla_explain(struct db *, struct arena *, int64_t clock_id,
    int64_t now, struct jw *, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The due time for a start and a target without a clock (the calendar
 * preview): writes {start, mode, minutes, due_at, days:[...]}.
 * SVC_EUNPROCESSABLE (field "calendar") as sla_start.
 */
enum svc_code sla_preview(struct db *, struct arena *, int64_t start,
    enum sla_mode, int64_t minutes, struct jw *,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ----- the scheduler step ----- */

struct sla_tick_stats {
	int warned;		/* warnings raised by this call */
	int breached;		/* breaches raised by this call */
	int notified;		/* notification rows written */
};

#define SLA_TICK_BATCH 200	/* events per kind per call; the rest next time */

/*
 * Run inside a write transaction, every minute or so, on any number of
 * servers at once.  For running clocks:
 *  - warn_at <= now <= due_at and not warned: claim warned_at (UPDATE ...
 *    WHERE warned_at IS NULL; act only if one row changed), notify the owner
 *    (kind "sla_warning"; with no owner, the aftersales managers);
 *  - now > due_at and no breach raised: claim breached_at, notify the owner
 *    and escalate to every active aftersales_manager (kind "sla_breach");
 * each with an audit row by the system actor.  Paused and stopped clocks
 * raise nothing.  st may be NULL.
 */
enum svc_code sla_tick(struct db *, int64_t now, struct sla_tick_stats *st,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===================================================================== */
/* ----- in-app notifications (notify.c) ----- */

#define NOTIFY_TITLE_MAX 200	/* characters; longer titles are cut */

struct notification {
	int64_t id;
	int64_t user_id;
	char *kind;
	char *title;
	char *body;
	char *ref_kind;		/* NULL when none */
	int64_t ref_id;		/* 0 when none */
	char *args;		/* JSON object: the arguments of kind */
	int64_t created_at;
	int64_t read_at;	/* 0 = unread */
};

/*
 * Write one notification for user_id (kind e.g. "sla_warning",
 * "severe_fault"; body, ref_kind may be NULL; ref_id 0 = none).  Runs in the
 * caller's transaction; does not audit.  SVC_EINVAL for a missing user.
 */
enum svc_code notify_user(struct db *, int64_t user_id, const char *kind,
    const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * The arguments of a notification as a JSON object text: kv holds key,
 * value string pairs (NULL-ended); time_key (may be NULL) names a time
 * written as the API writes times.  The reader renders kind (its code) with
 * these in its own language; title and body stay for older readers.
 * Arena-owned.
 */
char *notify_args(struct arena *, const char *const *kv, const char *time_key,
    int64_t t);
/*
 * Mark every unread notification of user_id read; *n gets how many.
 * Audits one row.
 */
enum svc_code notify_mark_all_read(struct db *, const struct actor *,
    int64_t user_id, int64_t *n, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * One notification for every active user holding role (e.g.
 * "general_manager" for a severe fault).  Nobody holding it is not an error.
 */
enum svc_code notify_role(struct db *, const char *role, const char *kind,
    const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * As notify_role(), but not for except_user_id (0 = nobody excepted: to
 * avoid telling an owner twice).  *n (may be NULL) gets the count written.
 */
enum svc_code notify_role_except(struct db *, const char *role,
    const char *kind, const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, int64_t except_user_id, int64_t *n,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * One notification for every active portal user of customer_id (users bound
 * to that company), e.g. a reply to its request.  None is not an error.
 */
enum svc_code notify_customer(struct db *, int64_t customer_id,
    const char *kind, const char *title, const char *body, const char *args,
    const char *ref_kind, int64_t ref_id, struct svc_err *) WARN_UNUSED_RESULT;

/* A page of user_id's notifications, newest first, id < before_id (0 =
 * from the newest); unread_only skips read ones.  *unread gets the count of
 * unread ones (may be NULL). */
enum svc_code notify_list(struct db *, struct arena *, int64_t user_id,
    bool unread_only, int64_t before_id, int limit,
    struct notification **out, size_t *n, bool *more, int64_t *unread,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Mark user_id's notification read (keeps the first read time).
 * SVC_ENOTFOUND when it is not the user's.  Audits the first read.
 */
enum svc_code notify_mark_read(struct db *, struct arena *,
    const struct actor *, int64_t user_id, int64_t id,
    struct notification **out, struct svc_err *) WARN_UNUSED_RESULT;
void notification_to_json(struct jw *, const struct notification *);

#endif
