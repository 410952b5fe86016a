/*
 * stock — the spare-parts store (备件, SPEC §4.9; seed 001 篇五, 篇七) and
 * the cost ledger (售后服务成本, §4.10; seed 002 §9).
 *
 * Warehouses (warehouse.c): the central store (总库), regional stores (分库)
 * and a technician's vehicle stock (车载库); a vehicle stock has a keeper.
 *
 * Levels and movements (move.c).  A level is one part in one warehouse:
 * on hand, moving-average cost, reorder point and quantity.  Every change of
 * a level is one append-only movement (stock_moves; the schema refuses
 * UPDATE and DELETE) written by stock_post() in the same transaction:
 *   receipt (+, purchase or good part returned), issue (-, a requisition),
 *   loan (-) and loan_return (+), transfer_out (-) and transfer_in (+),
 *   count (+/-, an approved stock count), scrap (-, with its reason).
 *
 * Never negative: an out-movement is one conditional UPDATE (on_hand >=
 * qty), so of two issues of the last unit exactly one changes the row; the
 * other is refused with SVC_EUNPROCESSABLE, field "qty", reason
 * "insufficient_stock" and details naming the part, the warehouse and the
 * quantity available.  The schema's CHECK (on_hand >= 0) is the last guard.
 *
 * Valuation (integer fen): an in-movement at unit cost c of qty q moves the
 * average to (on_hand * avg + q * c) / (on_hand + q), rounded half up to
 * the fen (computed as (2 n + d) / (2 d) in integers: 100.5 -> 101,
 * 100.25 -> 100).  An out-movement is valued at the average (q * avg,
 * exact) and leaves it unchanged; a level that empties keeps its last
 * average.  The level's value is on_hand * avg.  A transfer arrives at the
 * cost it left with; a count gain at the average, or at the part's list
 * price while the average is still 0.  Limits: qty 1 .. 1,000,000 per
 * movement, unit cost 0 .. 10^9 fen.
 *
 * Low stock: a level is low when reorder_point > 0 and on_hand <=
 * reorder_point.  The movement that makes it low notifies every user of
 * role warehouse once (kind "stock_low") and marks the level notified; no
 * further notice until a movement has lifted it above the point again.
 * Parts are idle when on hand and without movement for idle_days.
 *
 * Documents (docs.c), each numbered, audited and stepped through its state
 * machine (domain/core/fsm):
 *   requisition 《费用领料单》 LL-: pending --approve--> issued,
 *     --reject--> rejected, --cancel--> cancelled; created issued at once
 *     when no approval is needed.  Approval is needed when the part is
 *     marked approval_required, or qty * avg > approval_over_fen (exactly
 *     at the setting needs none).  Issued: the issue movement, its cost
 *     line on the document (kind parts) and, for a serial-tracked part on a
 *     request with a unit, the old and new serial against the unit.
 *   loan 借料 JL-: open --return (part or all)--> returned; overdue while
 *     open after its due date (the day after due_date, company zone).
 *   transfer 调拨 DB-: in_transit --receive--> received.
 *   count 盘点 PD-: pending --approve--> approved (the difference posted),
 *     --reject--> rejected; a count that matches the book is approved at
 *     once.  The difference is the one seen when counting.
 *
 * The cost ledger (cost.c): lines on a document (request or return, more
 * as their modules come) of kind labour (minutes * labour_rate_fen / 60,
 * rounded half up), parts (written by issues only), travel, transport,
 * compensation, other; each billed paid, warranty or contract.  The line
 * keeps the document's customer and product model for the reports.
 *
 * Ownership: every pointer returned is arena-owned; inputs borrowed.
 * Every function that writes runs inside a store_write() callback.
 */
#ifndef AS_STOCK_H
#define AS_STOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "domain/core/fsm.h"
#include "domain/core/settings.h"
#include "domain/record/record.h"
#include "store/store.h"

#define STOCK_QTY_MAX 1000000
#define STOCK_COST_MAX 1000000000LL
#define COST_AMOUNT_MAX 10000000000LL
#define COST_MINUTES_MAX 100000

/* ===== warehouses ===== */

struct warehouse {
	int64_t id;
	const char *code;	/* unique, fixed */
	const char *name;
	const char *kind;	/* central | regional | vehicle */
	int64_t department_id;	/* 0: none */
	int64_t keeper_id;	/* a user; required for a vehicle stock */
	const char *address;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

extern const char *const warehouse_kinds[];	/* NULL-ended */
extern const struct record warehouse_rec;

/* ===== who acts ===== */

struct stock_caller {
	struct actor actor;
	struct fsm_caller fsm;
};

/* ===== settings ===== */

struct stock_settings {
	int64_t approval_over_fen;
	int64_t idle_days;
	int64_t labour_rate_fen;	/* per hour */
	int64_t version;
};

extern const struct setting_group stock_settings_group;

/* ===== levels and movements (move.c) ===== */

struct stock_level {
	int64_t id;
	int64_t part_id;
	const char *part_code, *part_name, *part_unit;
	int64_t warehouse_id;
	const char *warehouse_code, *warehouse_name;
	int64_t on_hand, on_loan, in_transit;
	int64_t avg_cost_fen, value_fen;
	int64_t reorder_point, reorder_qty;
	bool low;
	int64_t last_move_at;
	bool idle;		/* filled: on hand and unmoved idle_days */
	int64_t version;
	int64_t created_at, updated_at;
};

extern const struct record stock_level_rec;

struct stock_move {
	int64_t id;
	const char *kind;
	int64_t part_id;
	const char *part_code, *part_name;
	int64_t warehouse_id;
	const char *warehouse_name;
	int64_t qty;		/* signed */
	int64_t unit_cost_fen;
	int64_t value_fen;	/* signed */
	int64_t on_hand_after, avg_after_fen;
	const char *source;
	const char *doc_kind;
	int64_t doc_id;
	const char *ref_kind;
	int64_t ref_id;
	const char *reason;
	int64_t created_by;
	const char *created_by_name;
	int64_t created_at;
};

extern const char *const stock_move_kinds[];	/* NULL-ended */
extern const char *const stock_receipt_sources[];
extern const struct record stock_move_rec;
/* The body of POST /stock/receipts and /stock/scraps. */
extern const struct record stock_receipt_rec, stock_scrap_rec;

/*
 * What stock_post() writes: kind, part and warehouse, qty > 0 (the sign
 * comes from the kind), unit_cost_fen for receipts and transfer_in (else
 * ignored: outs at the average; a count gain: see the header), the
 * source of a receipt, the document it went to (doc_kind NULL: none), the
 * stock document that made it (ref_kind NULL: none) and the reason.
 */
struct stock_post_in {
	const char *kind;
	int64_t part_id, warehouse_id, qty, unit_cost_fen;
	const char *source;
	const char *doc_kind;
	int64_t doc_id;
	const char *ref_kind;
	int64_t ref_id;
	const char *reason;
};

/*
 * Post one movement: the level changed (created at first), the movement
 * appended, the low-stock notice when the level crosses; *out (may be NULL)
 * the movement as stored.  Refusals: part or warehouse unknown or retired
 * (SVC_EINVAL naming part_id / warehouse_id), qty out of range, stock
 * short (see the header).
 */
enum svc_code stock_post(struct db *, struct arena *, const struct actor *,
    const struct stock_post_in *, struct stock_move **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Set a level's reorder point and quantity (the level created at first). */
enum svc_code stock_level_set(struct db *, struct arena *,
    const struct actor *, int64_t part_id, int64_t warehouse_id,
    int64_t reorder_point, int64_t reorder_qty, struct stock_level **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Make the level of part in warehouse exist (on hand 0, the part's reorder
 * point): a transfer's destination shows what is on its way before the
 * first receipt.
 */
enum svc_code stock_level_touch(struct db *, int64_t part_id,
    int64_t warehouse_id, struct svc_err *) WARN_UNUSED_RESULT;

/* The level of part in warehouse (SVC_ENOTFOUND when it never moved). */
enum svc_code stock_level_get(struct db *, struct arena *, int64_t part_id,
    int64_t warehouse_id, struct stock_level **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Conditions of the level list: low, idle (since: a time), q. */
void stock_level_low(struct rec_query *);
void stock_level_idle(struct rec_query *, int64_t since);
/* q: the parts the search index finds by code or name (domain/search's
 * query language: words, a code's prefix); errors name "q". */
enum svc_code stock_level_q(struct rec_query *, struct db *, struct arena *,
    const char *q, struct svc_err *) WARN_UNUSED_RESULT;

/* ===== documents (docs.c) ===== */

struct stock_requisition {
	int64_t id;
	const char *number;
	const char *state;
	int64_t part_id;
	const char *part_code, *part_name;
	int64_t warehouse_id;
	const char *warehouse_name;
	int64_t qty;
	const char *doc_kind;
	int64_t doc_id;
	const char *billing;
	int64_t value_fen;
	bool needs_approval;
	const char *approval_reason;
	int64_t unit_id;
	const char *old_serial, *new_serial;
	const char *note;
	const char *decision_note;
	int64_t requested_by;
	const char *requested_by_name;
	int64_t decided_by;
	int64_t decided_at;
	int64_t version, created_at, updated_at;
};

struct stock_loan {
	int64_t id;
	const char *number;
	const char *state;
	int64_t part_id;
	const char *part_code, *part_name;
	int64_t warehouse_id;
	const char *warehouse_name;
	int64_t qty, returned_qty, unit_cost_fen;
	int64_t borrower_id;
	const char *borrower_name;
	int due_date;
	bool overdue;		/* filled */
	const char *doc_kind;
	int64_t doc_id;
	const char *note;
	int64_t created_by;
	int64_t version, created_at, updated_at;
};

struct stock_transfer {
	int64_t id;
	const char *number;
	const char *state;
	int64_t part_id;
	const char *part_code, *part_name;
	int64_t from_warehouse_id;
	const char *from_warehouse_name;
	int64_t to_warehouse_id;
	const char *to_warehouse_name;
	int64_t qty, unit_cost_fen;
	const char *note;
	int64_t sent_by;
	int64_t received_by;
	int64_t received_at;
	int64_t version, created_at, updated_at;
};

struct stock_count {
	int64_t id;
	const char *number;
	const char *state;
	int64_t part_id;
	const char *part_code, *part_name;
	int64_t warehouse_id;
	const char *warehouse_name;
	int64_t book_qty, counted_qty, diff, value_fen;
	const char *reason;
	const char *decision_note;
	int64_t counted_by;
	const char *counted_by_name;
	int64_t decided_by;
	int64_t decided_at;
	int64_t version, created_at, updated_at;
};

extern const struct record stock_requisition_rec, stock_loan_rec,
    stock_transfer_rec, stock_count_rec;
extern const struct fsm_def stock_requisition_fsm, stock_loan_fsm,
    stock_transfer_fsm, stock_count_fsm;
extern const char *const stock_doc_kinds[];	/* request, return */
extern const char *const cost_billings[];	/* paid, warranty, contract */

/*
 * Create a document from a draft decoded by its record (the fields of the
 * body; the rest is set here), with its first movement where it has one.
 * On success *out is the document as stored.
 */
enum svc_code stock_requisition_create(struct db *, struct arena *,
    const struct stock_caller *, struct stock_requisition *draft,
    struct stock_requisition **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code stock_loan_create(struct db *, struct arena *,
    const struct stock_caller *, struct stock_loan *draft,
    struct stock_loan **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code stock_transfer_create(struct db *, struct arena *,
    const struct stock_caller *, struct stock_transfer *draft,
    struct stock_transfer **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code stock_count_create(struct db *, struct arena *,
    const struct stock_caller *, struct stock_count *draft,
    struct stock_count **out, struct svc_err *) WARN_UNUSED_RESULT;

/* What a step takes: its note (reject: required), a loan return's qty. */
struct stock_step {
	const char *note;
	int64_t qty;
};

/*
 * Run transition name on document id at version expected (else
 * SVC_ECONFLICT with the current document), through its state machine.
 * *out is the document after the step.
 */
enum svc_code stock_requisition_step(struct db *, struct arena *,
    const struct stock_caller *, int64_t id, int64_t expected,
    const char *name, const struct stock_step *, struct stock_requisition **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code stock_loan_step(struct db *, struct arena *,
    const struct stock_caller *, int64_t id, int64_t expected,
    const char *name, const struct stock_step *, struct stock_loan **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code stock_transfer_step(struct db *, struct arena *,
    const struct stock_caller *, int64_t id, int64_t expected,
    const char *name, const struct stock_step *,
    struct stock_transfer **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code stock_count_step(struct db *, struct arena *,
    const struct stock_caller *, int64_t id, int64_t expected,
    const char *name, const struct stock_step *, struct stock_count **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* The open loans overdue on day (YYYYMMDD): due_date < day. */
void stock_loan_overdue(struct rec_query *, int day);

/* Serial replacements of a unit and/or part, as a JSON array. */
enum svc_code stock_serials_json(struct db *, struct jw *, int64_t unit_id,
    int64_t part_id, struct svc_err *) WARN_UNUSED_RESULT;

/* ===== the cost ledger (cost.c) ===== */

struct cost_line {
	int64_t id;
	const char *doc_kind;
	int64_t doc_id;
	const char *doc_number;
	const char *kind;
	const char *billing;
	int64_t minutes;	/* labour; REC_NULL otherwise */
	int64_t rate_fen;	/* labour; REC_NULL otherwise */
	int64_t qty;		/* parts; REC_NULL otherwise */
	int64_t part_id;
	const char *part_code;
	int64_t amount_fen;
	const char *note;
	int64_t customer_id;
	int64_t model_id;
	int64_t requisition_id;
	int day;
	int64_t created_by;
	const char *created_by_name;
	int64_t created_at;
};

extern const char *const cost_kinds[];
extern const struct record cost_line_rec;

/*
 * Add a line typed by a person (not parts): labour takes minutes and is
 * priced here, the others take amount_fen.
 */
enum svc_code cost_add(struct db *, struct arena *, const struct actor *,
    struct cost_line *draft, struct cost_line **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* The parts line of an issued requisition (called by docs.c). */
enum svc_code cost_add_parts(struct db *, struct arena *,
    const struct actor *, const struct stock_requisition *,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The document's customer and product model (0 when it has none), and its
 * number; SVC_EINVAL naming "doc_id" when there is no such document.
 */
enum svc_code stock_doc_of(struct db *, struct arena *, const char *doc_kind,
    int64_t doc_id, int64_t *customer_id, int64_t *model_id,
    int64_t *unit_id, const char **no, int *in_warranty,
    struct svc_err *) WARN_UNUSED_RESULT;

/* {total_fen, by_kind:{...}, by_billing:{...}} of one document. */
enum svc_code cost_summary_json(struct db *, struct jw *,
    const char *doc_kind, int64_t doc_id, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * A customer's costs in its history: {total_fen, by_kind, by_billing,
 * parts: [the last 100 issued requisitions on its documents: number,
 * part_code, part_name, qty, value_fen, doc_kind, doc_id, doc_number,
 * created_at]}.
 */
enum svc_code cost_customer_json(struct db *, struct jw *,
    int64_t customer_id, struct svc_err *) WARN_UNUSED_RESULT;

#endif
