/*
 * report — see report.h.
 */
#include "domain/report/report.h"

#include <string.h>

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
