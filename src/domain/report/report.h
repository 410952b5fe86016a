/*
 * report — figures over many records, for the managers (SPEC §6: a monthly
 * report over a year of a large company's data in well under a second).
 *
 * report_requests_monthly(): the service requests created in one calendar
 * month (service_requests.created_day, the company's local day), counted by
 * type and state.  One grouped query over an index that covers it
 * (0009_perf.sql), so a month of a million-request history is counted
 * without reading the table.
 *
 * report_dashboard(): what the dashboard shows, in one answer: the months of
 * a range counted as above (one grouped query over the same index), the
 * requests open now (all, severe, assigned to the caller) and those created
 * today; for a customer user, of its own company only.
 *
 * Invariants: the counts add up to the month's total; rows come ordered by
 * type, then state; a month without requests has no rows (total 0).
 */
#ifndef AS_REPORT_H
#define AS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/table.h"

/* One cell of the report; strings arena-owned. */
struct report_count {
	char *type;
	char *state;
	int64_t count;
};

/*
 * Count the requests created in month (1..12) of year, by type and state.
 * *out gets *n arena-owned cells ordered by type, state; *total their sum.
 * SVC_EINVAL naming "month" for a month outside 2000-01 .. 2199-12;
 * SVC_ETOOBIG when the cells do not fit the arena (never a silent cut).
 */
enum svc_code report_requests_monthly(struct db *, struct arena *, int year,
    int month, struct report_count **out, size_t *n, int64_t *total,
    struct svc_err *) WARN_UNUSED_RESULT;

/* One month of report_dashboard(): ym is YYYYMM. */
struct report_month {
	int ym;
	int64_t total;
	struct report_count *cells;
	size_t n;
};

struct report_dashboard {
	struct report_month *months;	/* every month of the range, in order */
	size_t nmonths;
	int64_t open;		/* requests not closed or cancelled */
	int64_t open_severe;	/* of them, severity severe */
	int64_t open_mine;	/* of them, assigned to the caller */
	int64_t today;		/* created on the company's day today_ymd */
};

#define REPORT_MAX_MONTHS 36

/*
 * The dashboard's figures: the months from_ym .. to_ym (YYYYMM, both
 * included, at most REPORT_MAX_MONTHS) counted by type and state as
 * report_requests_monthly() counts one, the open counts (mine: assignee
 * user_id) and the requests created on today_ymd (YYYYMMDD); only the
 * requests of customer_id when it is not 0.  Arena-owned.
 * SVC_EINVAL naming "from" or "to" for a month outside 2000-01 .. 2199-12,
 * "to" before "from" or a range longer than REPORT_MAX_MONTHS.
 */
enum svc_code report_dashboard(struct db *, struct arena *, int from_ym,
    int to_ym, int64_t user_id, int64_t customer_id, int today_ymd,
    struct report_dashboard *out, struct svc_err *) WARN_UNUSED_RESULT;

/* ----- the report catalogue (catalog.c) ----- */

/*
 * Every report is declared once, in report_defs[]: its key, its title in
 * both languages, the permission needed to run it, whether a customer user
 * may run it (then always over its own company only), the filters it
 * takes, its columns (util/table.h), its chart and its run function.  The
 * API (GET /api/v1/reports, /reports/{key}) and the exports read nothing
 * else.  To add a report: write a run function that fills a struct table
 * with one or a few grouped, parameterised queries (portable SQL, store.h)
 * and add one entry to report_defs[].
 *
 * Months are the company's local calendar (SPEC §5.6): requests by
 * created_day, returns by filed_day, SLA clocks by started_at between the
 * local midnights that begin the months.  A request made at 23:30 on the
 * last day of a month (Asia/Shanghai) counts in that month.
 */
enum report_filter {
	REPORT_F_PERIOD = 1 << 0,	/* from, to: YYYY-MM */
	REPORT_F_DEPT = 1 << 1,		/* department_id */
	REPORT_F_MODEL = 1 << 2,	/* model_id */
	REPORT_F_CUSTOMER = 1 << 3,	/* customer_id */
	REPORT_F_PERSON = 1 << 4,	/* user_id */
};

struct report_filters {
	int from_ym, to_ym;	/* YYYYMM, both included */
	int64_t department_id;	/* 0 = any */
	int64_t model_id;	/* requests of units of this model */
	int64_t customer_id;
	int64_t user_id;	/* the responsible person: see each report */
	int64_t now;		/* the moment "open" and ages are taken at */
};

typedef enum svc_code (*report_run_fn)(struct db *, struct arena *,
    const struct report_filters *, struct table *, struct svc_err *);

struct report_def {
	const char *key;	/* "monthly-summary": the path's {key} */
	const char *zh;
	const char *en;
	const char *perm;	/* the permission needed to run it */
	bool customer;		/* a customer user may run it (its own data) */
	unsigned filters;	/* enum report_filter bits it takes */
	const struct tcol *cols;
	size_t ncols;
	struct chart chart;
	report_run_fn run;
};

extern const struct report_def report_defs[];
extern const size_t report_ndefs;

/* The declaration of key; NULL when there is none. */
const struct report_def *report_find(const char *key);

/*
 * Run def with f: checks the period (from_ym .. to_ym, 2000-01 .. 2199-12,
 * to not before from, at most REPORT_MAX_MONTHS: SVC_EINVAL naming "from"
 * or "to") when the report takes one, then fills *out (arena-owned cells;
 * out->cols = def->cols).
 */
enum svc_code report_run(struct db *, struct arena *,
    const struct report_def *, const struct report_filters *,
    struct table *out, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The median and the 90th percentile (nearest rank) of n sorted values:
 * median the mean of the middle two for an even n; p90 the value at rank
 * ceil(0.9 n).  Positions only, so a stream can pick them: see
 * report_pick().
 */
struct report_pick {
	int64_t n;		/* the group's count */
	int64_t seen;		/* values passed so far */
	double lo, hi, p90;	/* the values at the positions */
};
void report_pick_start(struct report_pick *, int64_t n);
void report_pick_add(struct report_pick *, int64_t v);
double report_pick_median(const struct report_pick *);

#endif
