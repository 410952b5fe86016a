/*
 * rma_int — shared between the files of the rma module only.
 */
#ifndef AS_RMA_INT_H
#define AS_RMA_INT_H

#include <stdbool.h>

#include "domain/core/fsm.h"
#include "domain/rma/rma.h"

/* Does the caller hold role? */
bool rma_caller_has(const struct fsm_caller *, const char *role);
/* The enum rma_sig bit a step signs (0 for none). */
unsigned rma_step_bit(const char *step);
/* Do the step's guards check the exchange-ratio and time limits? */
bool rma_step_checks_limits(const char *step);
/* "-12.34" yuan from fen; arena-owned. */
char *rma_yuan(struct arena *, int64_t fen);
/* "5.00%" from basis points; arena-owned. */
char *rma_bp_text(struct arena *, int64_t bp);
/* "2026-11-22" from YYYYMMDD; arena-owned. */
char *rma_ymd_text(struct arena *, int ymd);
/* "contract HT-1, period 2026-01-01 to 2026-12-31"; arena-owned. */
char *rma_limits_source(struct arena *, const struct rma_limits *);
/*
 * Check r's lines against the time limit (max_days, days_ok) and set
 * l->why to what is over, with the figures (NULL when nothing is).
 */
void rma_limits_assess(struct arena *, const struct rma *,
    struct rma_limits *);
/* rma_limits_json() as text; arena-owned. */
char *rma_limits_json_text(struct arena *, const struct rma_limits *);
/* rma_limits_brief_json() as text; arena-owned. */
char *rma_limits_brief_json_text(struct arena *,
    const struct rma_limits *);

/* The states in which a form counts as exchanged, as an SQL list. */
#define RMA_COUNTED_STATES "('approved', 'picked_up', 'inspected'," \
	" 'received', 'recorded', 'closed')"
#define RMA_OPEN_STATES "('registered', 'submitted', 'approved'," \
	" 'picked_up', 'inspected', 'received', 'recorded')"

/*
 * Correlated subqueries over the form r of the outer query: how many
 * signature rows it has, and the enum rma_sig bits of its signed steps
 * (rma_step_bit() in SQL; qc_intact and qc_defect are one bit).
 */
#define RMA_SIG_COUNT_SQL "(SELECT count(*) FROM return_signatures s" \
	" WHERE s.return_id = r.id)"
#define RMA_SIG_MASK_SQL "(SELECT coalesce(sum(CASE d.step" \
	" WHEN 'sign_for' THEN 1 WHEN 'review_aftersales' THEN 2" \
	" WHEN 'review_finance' THEN 4 WHEN 'special_approval' THEN 8" \
	" WHEN 'approve' THEN 16 WHEN 'qc_intact' THEN 32" \
	" WHEN 'qc_defect' THEN 32 WHEN 'receive' THEN 64" \
	" WHEN 'record' THEN 128 WHEN 'send_slip' THEN 256 ELSE 0 END), 0)" \
	" FROM (SELECT DISTINCT s.step FROM return_signatures s" \
	" WHERE s.return_id = r.id) d)"

#endif
