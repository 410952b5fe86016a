/*
 * rma — returns and exchanges (调退货, SPEC §4.3; seed 000 §3 and §4.2):
 * the form 《调退货明细表》 (document RT-YYYYMMDD-NNNN) with its lines, the
 * exchange-ratio control, the signatures of after-sales, finance, the sales
 * manager and QC, the transport order and the driver's pickup, QC's verdict
 * (with a corrective action for a company defect), the warehouse receipt
 * with the exchange or refund, the statistician's record and the clerk's
 * return slip (《退货单》) due by 12:00 the next day — all through the state
 * machine of rma_state.c.
 *
 *   registered --sign_for--> submitted           (paper/fax forms only)
 *   submitted: review_aftersales, review_finance, special_approval (stay)
 *   submitted --approve--> approved              (sales manager)
 *   approved: issue_transport (stays) --pickup--> picked_up
 *   approved|picked_up --qc_intact|qc_defect--> inspected
 *   approved|picked_up --qc_refuse--> refused    (explanation required)
 *   inspected --receive--> received --record--> recorded --send_slip--> closed
 *   registered|submitted --reject--> rejected, --cancel--> cancelled
 *
 * Exchange-ratio control (unsalable exchanges only, seed 000 4.2.3): the
 * ratio is (amount already exchanged in the contract period + this form) /
 * purchases (sales_records) in the period; within means
 * amount * 10000 <= limit_bp * purchases (exactly at the limit is within).
 * "Already exchanged": the customer's other unsalable forms filed in the
 * period that the sales manager approved (states approved .. closed).  The
 * time limit counts days from each line's delivery date to the filing day;
 * within means days <= exchange_days_limit.  The limits are those of the
 * customer's sales contract covering the filing day that has a ratio
 * limit, else the company's (settings rma.default_ratio_limit_bp and
 * rma.default_days_limit, over the calendar year).
 *
 * Invariants:
 *  - state changes only through rma_transition(), which asks fsm_check();
 *    every step writes one append-only row in return_signatures (user,
 *    role, time, note), one timeline event and one audit row;
 *  - a form holds lines of one reason; its totals are the sums of its lines;
 *  - the warehouse receives only when after-sales, the sales manager and QC
 *    have signed; a driver picks up only against a transport order;
 *  - a received form has resolution, refund_fen (0..amount) and slip_due_at;
 *  - a customer user reads and writes only its own company's forms (and
 *    its own ratio and reports);
 *  - a step's texts are taken trimmed: a required reason, explanation,
 *    responsible person or note that is only white space is refused.
 *
 * Ownership: every pointer returned is arena-owned (valid until the arena
 * is released); inputs are borrowed.  Functions that write must run inside
 * a store_write() callback.
 */
#ifndef AS_RMA_H
#define AS_RMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "domain/core/fsm.h"
#include "domain/core/settings.h"
#include "domain/record/record.h"
#include "store/store.h"
#include "util/json.h"
#include "util/mem.h"

enum rma_state {
	RMA_REGISTERED, RMA_SUBMITTED, RMA_APPROVED, RMA_PICKED_UP,
	RMA_INSPECTED, RMA_RECEIVED, RMA_RECORDED, RMA_CLOSED, RMA_REJECTED,
	RMA_REFUSED, RMA_CANCELLED, RMA__MAX
};

/* Signatures present on a form, as bits of struct rma.signed_mask. */
enum rma_sig {
	RMA_SIG_SIGN_FOR = 1 << 0,	/* after-sales signed for a fax */
	RMA_SIG_AFTERSALES = 1 << 1,	/* after-sales (head) review */
	RMA_SIG_FINANCE = 1 << 2,	/* finance review (unsalable) */
	RMA_SIG_SPECIAL = 1 << 3,	/* general manager's special case */
	RMA_SIG_SALES = 1 << 4,		/* sales manager's approval */
	RMA_SIG_QC = 1 << 5,		/* QC signed (intact or defect) */
	RMA_SIG_RECEIPT = 1 << 6,	/* warehouse receipt */
	RMA_SIG_RECORD = 1 << 7,	/* statistician */
	RMA_SIG_SLIP = 1 << 8,		/* clerk sent the slip */
};

extern const struct fsm_def rma_fsm;
extern const char *const rma_kinds[];		/* NULL-ended */
extern const char *const rma_reasons[];
extern const char *const rma_channels[];
extern const char *const rma_resolutions[];

#define RMA_LINES_MAX 200
#define RMA_QTY_MAX 1000000
#define RMA_PRICE_MAX 100000000000LL	/* 1e9 yuan in fen */

struct rma_line {
	int64_t id;
	int line_no;
	int64_t model_id;	/* 0 = none */
	char *model_no;
	char *model_name;
	int64_t unit_id;	/* 0 = none */
	char *serial;
	char *description;
	int64_t quantity;
	int64_t unit_price_fen;
	int64_t amount_fen;
	const char *reason;
	int delivery_date;	/* YYYYMMDD, 0 = unknown */
	bool used;
};

/* The exchange-ratio and time-limit figures of a form or a customer. */
struct rma_limits {
	const char *source;	/* "contract" or "company" */
	int64_t contract_id;	/* 0 for the company's limits */
	char *contract_no;	/* "" for the company's limits */
	int period_from;	/* YYYYMMDD, inclusive */
	int period_to;
	int64_t limit_bp;
	int64_t days_limit;
	int64_t warn_share_bp;
	int64_t purchases_fen;
	int64_t exchanged_fen;	/* already exchanged, this form excluded */
	int64_t this_fen;	/* this form (0 for a customer overview) */
	int64_t ratio_ppm;	/* ceil(ratio * 1e6), -1 without purchases */
	bool ratio_ok;
	bool warn;		/* at or past warn_share of the limit */
	int max_days;		/* the oldest line: days since delivery */
	int max_days_line;	/* its line number, 0 = no line */
	bool days_ok;
	char *why;		/* what is over, with the figures; NULL if none */
};

struct rma {
	int64_t id;
	char *number;
	const char *kind;
	const char *reason;
	const char *channel;
	int state;
	int64_t state_since;
	int64_t customer_id;
	char *customer_name;
	int64_t request_id;
	int filed_day;
	char *description;
	int64_t total_quantity;
	int64_t total_amount_fen;
	bool has_used;
	int64_t special_by;
	int64_t special_at;
	char *special_note;
	char *close_reason;
	char *qc_verdict;	/* NULL until QC's verdict */
	char *qc_explanation;
	int64_t responsible_department_id;
	char *responsible_person;
	int64_t depreciation_fen;
	char *resolution;	/* NULL until the receipt */
	int64_t refund_fen;
	int64_t exchange_value_fen;
	int64_t received_at;
	int64_t recorded_quantity;	/* -1 until recorded */
	int64_t recorded_amount_fen;
	int64_t recorded_at;
	int64_t slip_due_at;
	int64_t slip_sent_at;
	int slip_breached;	/* -1 unknown (not sent), 0, 1 */
	int64_t slip_outbox_id;
	int64_t created_by;
	int64_t closed_at;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
	struct rma_line *lines;
	size_t nlines;
	/* Filled by rma_get() for the guards (full = true): */
	bool full;
	unsigned signed_mask;		/* enum rma_sig bits */
	int64_t transport_id;		/* the transport order, 0 = none */
	char *transport_no;
	int64_t picked_up_at;
	struct rma_limits *limits;	/* unsalable forms, NULL otherwise */
	/* Filled by rma_get(), rma_list() and rma_queue() (sigs = true): */
	bool sigs;
	int64_t signature_count;	/* rows of return_signatures */
	const char *queue_step;		/* rma_queue(): the step it waits for */
};

/* Who acts, with roles (for the state machine) and customer binding. */
struct rma_caller {
	struct actor actor;
	struct fsm_caller fsm;
	int64_t customer_id;	/* 0 = staff */
	bool figures;		/* may see purchase figures (sales.read);
				 * else a refused limit check's
				 * details.figures is the brief one */
};

struct rma_line_draft {
	int64_t model_id;
	int64_t unit_id;
	const char *serial;		/* instead of unit_id */
	const char *description;
	int64_t quantity;
	int64_t unit_price_fen;
	int64_t amount_fen;		/* -1 = quantity * unit price */
	const char *reason;		/* NULL = the form's */
	const char *delivery_date;	/* "YYYY-MM-DD" or NULL */
};

struct rma_draft {
	const char *kind;		/* exchange | refund */
	const char *reason;
	const char *channel;		/* NULL: staff (portal for customers) */
	int64_t customer_id;		/* staff only; customers: their own */
	int64_t request_id;		/* 0 = none */
	const char *description;
	struct rec_list lines;		/* of struct rma_line_draft */
};

/* Line i of a draft. */
#define RMA_DRAFT_LINE(d, i) \
	(&((const struct rma_line_draft *)(d)->lines.v)[i])

/*
 * The declarations of a new form's body and of its lines (a nested list,
 * "lines[0].quantity" in errors): the API decodes by them and the OpenAPI
 * describes them.  The rules stay in rma_create().
 */
extern const struct record rma_draft_rec, rma_line_draft_rec;

/*
 * Inputs a step may carry; which ones a step needs is said by the step
 * (a missing one: SVC_EINVAL naming the field).
 */
struct rma_step {
	const char *note;		/* any step: for the signature */
	const char *reason;		/* reject, cancel: required */
	const char *explanation;	/* qc_defect, qc_refuse: required */
	int64_t responsible_department_id;	/* qc_defect: required */
	const char *responsible_person;		/* qc_defect: required */
	int64_t depreciation_fen;	/* qc_*, receive: used goods; -1 none */
	const char *station;		/* issue_transport: freight station */
	const char *resolution;		/* receive: exchange | refund */
	int64_t exchange_value_fen;	/* receive: used goods exchange; -1 */
};

/* ----- pure arithmetic (no database) ----- */

/* Is amount/purchases within limit_bp?  amount*10000 <= limit_bp*purchases. */
bool rma_ratio_within(int64_t amount_fen, int64_t purchases_fen,
    int64_t limit_bp);
/* At or past warn_share_bp of limit_bp (8000 = 80 %)? */
bool rma_ratio_warn(int64_t amount_fen, int64_t purchases_fen,
    int64_t limit_bp, int64_t warn_share_bp);
/* ceil(amount / purchases * 1e6); -1 when purchases <= 0. */
int64_t rma_ratio_ppm(int64_t amount_fen, int64_t purchases_fen);
/* "5.0001%" from parts per million (-1: "n/a") into out (>= 24 bytes). */
void rma_format_ppm(int64_t ppm, char *out, size_t len);
/* Days from one YYYYMMDD to another (negative when to is earlier). */
int rma_days_between(int from_ymd, int to_ymd);
/* Parse "YYYY-MM-DD" into YYYYMMDD; false unless a real date. */
bool rma_parse_ymd(const char *s, int *ymd);
/*
 * The return slip's default due time: 12:00 company-local time on the
 * calendar day after the local day of received_at (seed 000 4.2.9).  Used
 * only when no return_slip SLA policy is active; otherwise receiving a
 * return starts that policy's clock and slip_due_at is the clock's due_at.
 */
int64_t rma_slip_due(int64_t received_at);
/* A slip sent at sent_at is late when after due_at (at due_at: on time). */
bool rma_slip_late(int64_t due_at, int64_t sent_at);
/* A used-goods refund: amount - depreciation, never below 0. */
int64_t rma_refund(int64_t amount_fen, int64_t depreciation_fen);

/* ----- forms ----- */

/*
 * File a form (customers: for their own company; channel portal) or register
 * a paper/fax form (state registered, to be signed for).  Validates every
 * line (errors name "lines[i].field"), links the service request when given
 * (request_link), and for an unsalable exchange warns or alerts finance when
 * the ratio with this form reaches the warning share or the limit.  Audits.
 */
enum svc_code rma_create(struct db *, struct arena *, const struct rma_caller *,
    const struct rma_draft *, struct rma **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * One form with its lines and what the guards need (signatures, transport
 * order, limits).  SVC_ENOTFOUND also when a customer caller asks for
 * another company's form.
 */
enum svc_code rma_get(struct db *, struct arena *, const struct rma_caller *,
    int64_t id, struct rma **out, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Take step name if the stored version is expected (else SVC_ECONFLICT with
 * the current form).  Refusals as fsm_check(); a refused limit check adds
 * details.figures (the numbers of the ratio and the days).  Writes the
 * signature, the timeline event, the audit rows and the step's records
 * (transport order, corrective action, outbox message, SLA clock).
 */
enum svc_code rma_transition(struct db *, struct arena *,
    const struct rma_caller *, int64_t id, int64_t expected_version,
    const char *name, const struct rma_step *, struct rma **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* kind "note" (internal) or "reply" (to the customer); customers reply. */
enum svc_code rma_add_event(struct db *, struct arena *,
    const struct rma_caller *, int64_t id, const char *kind, const char *body,
    int64_t *event_id, struct svc_err *) WARN_UNUSED_RESULT;

struct rma_filter {
	const char *state;
	const char *reason;
	const char *kind;
	int64_t customer_id;
	int from_day;		/* filed_day >= */
	int to_day;		/* filed_day <= */
};

/* Newest first (without lines); before_id = 0 for the first page. */
enum svc_code rma_list(struct db *, struct arena *, const struct rma_caller *,
    const struct rma_filter *, int64_t before_id, int limit,
    struct rma ***out, size_t *n, bool *more,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The limits of customer_id on day, with purchases and the exchanged amount
 * of the period (exclude_id's form left out; this_fen added to the ratio).
 * *out arena-owned.
 */
enum svc_code rma_limits_of(struct db *, struct arena *, int64_t customer_id,
    int day, int64_t exclude_id, int64_t this_fen, struct rma_limits **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The unit price a return line is valued at (rma_price.c): the customer's
 * own purchase.  A sold unit of the customer (unit_id or serial) with an
 * amount gives amount / quantity (source "unit"); else the customer's last
 * sales record of the model (the unit's, or model_id) dated on or before
 * day gives amount / quantity (source "sales"); else source NULL (no
 * price).  A unit of another customer is not found.  A customer caller
 * asks only for its own company (another: SVC_ENOTFOUND "customer_id");
 * staff must name the customer.  A model_id that is not the unit's model:
 * SVC_EINVAL "model_id".  Strings arena-owned.
 */
struct rma_price_ask {
	int64_t customer_id;	/* 0: the caller's company (customer) */
	int64_t model_id;	/* 0: the unit's */
	int64_t unit_id;	/* 0: by serial, or none */
	const char *serial;	/* NULL or "": none */
	int day;		/* YYYYMMDD */
};

struct rma_price {
	const char *source;	/* "unit" | "sales" | NULL: none found */
	int64_t unit_price_fen;
	int64_t customer_id;
	int64_t model_id;	/* the unit's when it was found */
	int day;
	/* the unit, when found (unit_id != 0) */
	int64_t unit_id, unit_model_id, unit_quantity, unit_amount_fen;
	const char *serial, *sale_order_no;
	int purchase_date, delivery_date;
	/* the sales record, when used (sale_id != 0) */
	int64_t sale_id, sale_quantity, sale_amount_fen;
	const char *sale_reference;
	int sale_date;
};

enum svc_code rma_line_price(struct db *, struct arena *,
    const struct rma_caller *, const struct rma_price_ask *,
    struct rma_price *out, struct svc_err *) WARN_UNUSED_RESULT;
/* {found, source, unit_price_fen, customer_id, model_id, date, unit, sale} */
void rma_price_json(struct jw *, const struct rma_price *);

/* ----- JSON ----- */

/*
 * What waits for the caller's signature: the steps of the caller's roles
 * (sign_for, review_aftersales, review_finance, special_approval, approve,
 * issue_transport, pickup, inspect (qc_intact, qc_defect or qc_refuse),
 * receive, record, send_slip) with the number of forms waiting in each,
 * and the forms of one step, longest waiting first (state_since, id).  A
 * form waits in a step when it is in a state the step starts from and its
 * guard's signatures and records allow it (a review already signed does
 * not wait; special_approval only over a limit).  A customer caller has no
 * step.  steps: NULL-ended, arena-owned; counts parallel.
 */
struct rma_queue {
	const char *steps[16];
	int64_t counts[16];
	size_t nsteps;
	const char *step;		/* the step listed (NULL: none) */
	struct rma **items;
	size_t n;
	bool more;
};

/*
 * The caller's queue; step NULL lists the first step with forms waiting
 * (else the first step).  A step the caller does not sign: SVC_EINVAL
 * naming "step".  after_id: the last form of the previous page (0: first).
 */
enum svc_code rma_queue(struct db *, struct arena *, const struct rma_caller *,
    const char *step, int64_t after_id, int limit, struct rma_queue *out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* The form (without lines); signed/transport only for a full form. */
void rma_to_json(struct jw *, const struct rma *);
/* rma_to_json() as text, for audit rows; arena-owned. */
char *rma_json_text(struct arena *, const struct rma *);
/* The lines as an array. */
void rma_lines_json(struct jw *, const struct rma *);
/* The figures of the limits (ratio, days, source, over: the explanation). */
void rma_limits_json(struct jw *, const struct rma_limits *);
/*
 * The limits without money figures, for readers without sales.read: the
 * verdicts (ratio_ok, warn, days_ok) and the days; no purchases, exchanged
 * amounts, ratio, limit, contract or explanation ("figures": false).
 */
void rma_limits_brief_json(struct jw *, const struct rma_limits *);
/* The signatures of form id, oldest first, with user and role. */
enum svc_code rma_signatures_json(struct db *, struct jw *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
/* The timeline; customers see only what is visible to them. */
enum svc_code rma_events_json(struct db *, struct jw *,
    const struct rma_caller *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
/* The transport orders of form id (number, station, pickup). */
enum svc_code rma_transports_json(struct db *, struct jw *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
/* The corrective actions QC opened for form id. */
enum svc_code rma_capa_json(struct db *, struct jw *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ----- finance and reports ----- */

/*
 * Every active customer's ratio against its limit on day (finance's
 * watch), customers after after_id by id: {customer_id, customer_name,
 * limits..., status: ok | warning | over}.  customer_id 0 = every
 * customer, else that one only (a customer user's own).
 */
enum svc_code rma_ratios_json(struct db *, struct arena *, struct jw *, int day,
    int64_t customer_id, int64_t after_id, int limit, int64_t *last_id,
    bool *more, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Returns per customer filed in [from_day, to_day]: forms, quantities,
 * amounts, exchanged, refunded, purchases of the period, the ratio and the
 * limit in force on to_day.  customer_id 0 = every customer.
 */
enum svc_code rma_report_customers_json(struct db *, struct arena *,
    struct jw *, int from_day, int to_day, int64_t customer_id,
    struct svc_err *) WARN_UNUSED_RESULT;
/* One customer's row of rma_report_customers(); strings arena-owned. */
struct rma_cust_report {
	int64_t customer_id;
	char *code;
	char *name;
	int64_t forms, open, qty, amount, exch_qty, exch_amount, recv_qty,
	    recv_amount, refunded;
	int64_t purchases;	/* sales_records of the period, fen */
	int64_t ratio_ppm;	/* exchanged / purchases; -1: no purchases */
	int64_t limit_bp;	/* the limit in force on to_day */
	const char *limit_source;	/* "contract" or "company" */
	char *contract_no;	/* NULL for the company's limits */
	bool within;		/* rma_ratio_within(): at the limit is within */
};

#define RMA_REPORT_MAX_CUSTOMERS 1000

/*
 * The rows of rma_report_customers_json() (at most
 * RMA_REPORT_MAX_CUSTOMERS, by customer id): the one query both the
 * returns report and the report catalogue (domain/report) read.
 */
enum svc_code rma_report_customers(struct db *, struct arena *, int from_day,
    int to_day, int64_t customer_id, struct rma_cust_report **out,
    size_t *n, struct svc_err *) WARN_UNUSED_RESULT;

/* Age buckets of an open form in its step, at now. */
enum rma_age { RMA_AGE_1D, RMA_AGE_3D, RMA_AGE_7D, RMA_AGE_MORE, RMA_AGE__MAX };

/*
 * Open forms counted by state and age in the step: [0, 1 day), [1, 3),
 * [3, 7), 7 days and more (exactly 1 day old is in the second bucket).
 * counts has RMA__MAX rows.  customer_id 0 = every customer.
 */
enum svc_code rma_report_aging(struct db *, int64_t now, int64_t customer_id,
    int64_t counts[][RMA_AGE__MAX], struct svc_err *) WARN_UNUSED_RESULT;
/* Is state s (enum rma_state) an open one (a step still to take)? */
bool rma_state_open(int s);

/*
 * Open forms by step with their age at now (seconds in the step);
 * customer_id 0 = every customer's, else that one's only.
 */
enum svc_code rma_report_open_json(struct db *, struct jw *, int64_t now,
    int64_t customer_id, struct svc_err *) WARN_UNUSED_RESULT;

/* ----- settings ----- */

struct rma_settings {
	int64_t warn_share_bp;		/* 1..10000 */
	int64_t default_ratio_limit_bp;	/* 0..10000 */
	int64_t default_days_limit;	/* 0..3650 */
	int64_t version;		/* 1 + the sum of the rows' versions */
};

/*
 * The settings as data (domain/core/settings.h: settings_get, settings_set,
 * settings_to_json); defaults 8000, 500 and 90.
 */
extern const struct setting_group rma_settings_group;

#endif
