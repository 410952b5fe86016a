/*
 * report — see report.h.
 */
#include "domain/report/report.h"

#include <string.h>

#include "domain/request/request.h"
#include "util/date.h"

#define REPORT_CELLS_FIRST 64	/* types x states; grows as rows come */

enum svc_code
report_requests_monthly(struct db *db, struct arena *a, int year, int month,
    struct report_count **out, size_t *n, int64_t *total,
    struct svc_err *err)
{
	struct report_count *cells;
	struct dbq *q;
	enum svc_code rc;
	int64_t from, to;
	size_t cnt = 0, cap = REPORT_CELLS_FIRST;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (year < 2000 || year > 2199 || month < 1 || month > 12)
		return svc_fail_field(err, SVC_EINVAL, "month", "out_of_range",
		    "'month' must be a month from 2000-01 to 2199-12");
	from = (int64_t)year * 10000 + month * 100;
	to = month == 12 ? (int64_t)(year + 1) * 10000 + 100 :
	    from + 100;
	cells = arena_alloc(a, cap * sizeof(*cells));
	if (cells == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT type, state, count(*) FROM service_requests"
	    " WHERE created_day >= ? AND created_day < ?"
	    " GROUP BY type, state ORDER BY type, state",
	    DB_ARGS(DB_I(from), DB_I(to)), &q, err);
	if (rc)
		return rc;
	/* every row is counted: no cap but the request's memory */
	while (db_next(q) == 1) {
		if (cnt == cap) {
			struct report_count *more;

			more = cap <= SIZE_MAX / 2 / sizeof(*cells) ?
			    arena_alloc(a, 2 * cap * sizeof(*cells)) : NULL;
			if (more == NULL) {
				(void)db_done(q, NULL);
				return svc_fail(err, SVC_ETOOBIG, NULL, "the "
				    "report is too large for this request's "
				    "memory");
			}
			memcpy(more, cells, cnt * sizeof(*cells));
			cells = more;
			cap *= 2;
		}
		cells[cnt].type = db_dup(q, 0, a);
		cells[cnt].state = db_dup(q, 1, a);
		cells[cnt].count = db_i64(q, 2);
		*total += cells[cnt].count;
		cnt++;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	*out = cells;
	*n = cnt;
	return SVC_OK;
}

/* the months' cells, one grouped query over created_day */
static enum svc_code
dashboard_months(struct db *db, struct arena *a, struct report_dashboard *d,
    int64_t customer_id, struct svc_err *err)
{
	struct report_count *cells;
	struct dbq *q;
	enum svc_code rc;
	int64_t from, to;
	size_t cnt = 0, cap = REPORT_CELLS_FIRST, m = 0;
	int last = d->months[d->nmonths - 1].ym;

	from = (int64_t)d->months[0].ym * 100;
	to = last % 100 == 12 ? (int64_t)(last / 100 + 1) * 10000 + 100 :
	    (int64_t)(last + 1) * 100;
	cells = arena_alloc(a, cap * sizeof(*cells));
	if (cells == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	/* two texts: the company's counts stay on the covering index */
	if (customer_id == 0)
		rc = db_query(db, "SELECT created_day / 100, type, state,"
		    " count(*) FROM service_requests WHERE created_day >= ?"
		    " AND created_day < ? GROUP BY created_day / 100, type,"
		    " state ORDER BY 1, 2, 3", DB_ARGS(DB_I(from), DB_I(to)),
		    &q, err);
	else
		rc = db_query(db, "SELECT created_day / 100, type, state,"
		    " count(*) FROM service_requests WHERE created_day >= ?"
		    " AND created_day < ? AND customer_id = ? GROUP BY"
		    " created_day / 100, type, state ORDER BY 1, 2, 3",
		    DB_ARGS(DB_I(from), DB_I(to), DB_I(customer_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		int ym = (int)db_i64(q, 0);

		if (cnt == cap) {
			struct report_count *more;

			more = cap <= SIZE_MAX / 2 / sizeof(*cells) ?
			    arena_alloc(a, 2 * cap * sizeof(*cells)) : NULL;
			if (more == NULL) {
				(void)db_done(q, NULL);
				return svc_fail(err, SVC_ETOOBIG, NULL, "the "
				    "report is too large for this request's "
				    "memory");
			}
			memcpy(more, cells, cnt * sizeof(*cells));
			cells = more;
			cap *= 2;
		}
		cells[cnt].type = db_dup(q, 1, a);
		cells[cnt].state = db_dup(q, 2, a);
		cells[cnt].count = db_i64(q, 3);
		while (m < d->nmonths && d->months[m].ym < ym)
			m++;
		if (m < d->nmonths && d->months[m].ym == ym) {
			d->months[m].total += cells[cnt].count;
			d->months[m].n++;
		}
		cnt++;
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	/* the cells are in month order: each month takes its run of them */
	for (size_t i = 0, k = 0; i < d->nmonths; i++) {
		d->months[i].cells = cells + k;
		k += d->months[i].n;
	}
	return SVC_OK;
}

/* the open requests: all, severe, the caller's */
static enum svc_code
dashboard_open(struct db *db, struct report_dashboard *d, int64_t user_id,
    int64_t customer_id, struct svc_err *err)
{
	struct dbv args[RQ__MAX + 2];
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	size_t na = 0;

	buf_init(&sql, 512);
	args[na++] = DB_I(user_id);
	buf_adds(&sql, "SELECT count(*), CAST(coalesce(sum(CASE WHEN"
	    " severity = 'severe' THEN 1 ELSE 0 END), 0) AS BIGINT),"
	    " CAST(coalesce(sum(CASE WHEN assignee_id = ? THEN 1 ELSE 0"
	    " END), 0) AS BIGINT) FROM service_requests WHERE state IN (");
	for (int i = 0; i < RQ__MAX; i++) {
		if (i == RQ_CLOSED || i == RQ_CANCELLED)
			continue;
		buf_adds(&sql, na > 1 ? ", ?" : "?");
		args[na++] = DB_S(fsm_state_name(&request_fsm, i));
	}
	buf_addc(&sql, ')');
	if (customer_id != 0) {
		buf_adds(&sql, " AND customer_id = ?");
		args[na++] = DB_I(customer_id);
	}
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		d->open = db_i64(q, 0);
		d->open_severe = db_i64(q, 1);
		d->open_mine = db_i64(q, 2);
	}
	return db_done(q, err);
}

enum svc_code
report_dashboard(struct db *db, struct arena *a, int from_ym, int to_ym,
    int64_t user_id, int64_t customer_id, int today_ymd,
    struct report_dashboard *out, struct svc_err *err)
{
	enum svc_code rc;
	int n, ym;

	memset(out, 0, sizeof(*out));
	if (!ym_valid(from_ym))
		return svc_fail_field(err, SVC_EINVAL, "from", "out_of_range",
		    "'from' must be a month from 2000-01 to 2199-12");
	if (!ym_valid(to_ym))
		return svc_fail_field(err, SVC_EINVAL, "to", "out_of_range",
		    "'to' must be a month from 2000-01 to 2199-12");
	n = ym_span(from_ym, to_ym);
	if (n == 0)
		return svc_fail_field(err, SVC_EINVAL, "to", "out_of_range",
		    "'to' must not be before 'from'");
	if (n > REPORT_MAX_MONTHS)
		return svc_fail_field(err, SVC_EINVAL, "from", "out_of_range",
		    "at most %d months at once", REPORT_MAX_MONTHS);
	out->months = arena_alloc(a, (size_t)n * sizeof(*out->months));
	if (out->months == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	memset(out->months, 0, (size_t)n * sizeof(*out->months));
	ym = from_ym;
	for (int i = 0; i < n; i++) {
		out->months[i].ym = ym;
		ym = ym_next(ym);
	}
	out->nmonths = (size_t)n;
	rc = dashboard_months(db, a, out, customer_id, err);
	if (rc == SVC_OK)
		rc = dashboard_open(db, out, user_id, customer_id, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT count(*) FROM service_requests"
		    " WHERE created_day = ? AND (? = 0 OR customer_id = ?)",
		    DB_ARGS(DB_I(today_ymd), DB_I(customer_id),
		    DB_I(customer_id)), &out->today, err);
	return rc;
}
