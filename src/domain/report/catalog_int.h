/*
 * catalog_int — what the report catalogue's files share (catalog.c and
 * the reports of each module: catalog_cost.c): building a report's table,
 * and the run functions report_defs[] names.
 */
#ifndef AS_CATALOG_INT_H
#define AS_CATALOG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/report/report.h"

/* nrows zeroed rows of t's columns (every cell a 0, not null), arena-owned. */
enum svc_code table_rows(struct table *, struct arena *, size_t nrows,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Append one zeroed row (the table grows by doubling); NULL: no memory. */
struct tcell *table_add(struct table *, struct arena *, size_t *cap);
/* A cell holding v. */
void cell_i(struct tcell *, int64_t v);
/* The month rows of a period: column 0 "YYYY-MM", the others 0. */
enum svc_code month_rows(struct table *, struct arena *,
    const struct report_filters *, struct svc_err *) WARN_UNUSED_RESULT;
/* The row of month ym (YYYYMM) in a table of month_rows(); -1: none. */
long month_row(const struct report_filters *, int ym);

/* ----- the cost ledger and parts (catalog_cost.c) ----- */

#define REPORT_RUN(name) enum svc_code name(struct db *, struct arena *, \
    const struct report_filters *, struct table *, struct svc_err *)

#define COST_MONTHLY_NCOLS 11
#define COST_GROUP_NCOLS 8
#define COST_REQUEST_NCOLS 9
#define PARTS_CONS_NCOLS 5
#define PARTS_MONTH_NCOLS 4

extern const struct tcol cost_monthly_cols[COST_MONTHLY_NCOLS];
extern const struct tcol cost_customer_cols[COST_GROUP_NCOLS];
extern const struct tcol cost_model_cols[COST_GROUP_NCOLS];
extern const struct tcol cost_request_cols[COST_REQUEST_NCOLS];
extern const struct tcol parts_cons_cols[PARTS_CONS_NCOLS];
extern const struct tcol parts_month_cols[PARTS_MONTH_NCOLS];
extern const char *const cost_monthly_y[];
extern const char *const cost_group_y[];
extern const char *const cost_request_y[];
extern const char *const parts_cons_y[];
extern const char *const parts_month_y[];

REPORT_RUN(run_cost_monthly);
REPORT_RUN(run_cost_customers);
REPORT_RUN(run_cost_models);
REPORT_RUN(run_cost_requests);
REPORT_RUN(run_parts_consumption);
REPORT_RUN(run_parts_monthly);

#endif
