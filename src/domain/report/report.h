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

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"
#include "util/mem.h"

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

#endif
