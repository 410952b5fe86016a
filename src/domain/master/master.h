/*
 * master — master data (SPEC §3): customers and their contacts, product
 * models and their bills of parts, spare parts, contracts (sales and
 * maintenance), sold units and their warranty, sales records from the ERP,
 * the price list (收费标准); a customer's whole history; CSV import.
 *
 * Dates (not times) are calendar days of the company time zone, held as
 * integers YYYYMMDD (20260131), written "2026-01-31" in JSON and CSV.
 * Money is integer fen.  Ratios are integer basis points (500 = 5.00 %).
 * Optional integers use REC_NULL (-1) for "none" (JSON null).
 *
 * Warranty is computed, never typed (SPEC §3):
 *   months       = the warranty_months of the unit's sales contract when the
 *                  unit has one and it is not null (the contract overrides),
 *                  else the warranty_months of the unit's product model;
 *   warranty_end = purchase_date + months calendar months - 1 day, where
 *                  adding months keeps the day and clamps it to the last day
 *                  of the target month (2026-01-31 + 1 month = 2026-02-28);
 *   in warranty on day D  iff  purchase_date <= D <= warranty_end.
 * So a unit bought 2026-03-15 with 12 months is covered through 2027-03-14
 * and not on 2027-03-15; 0 months means no warranty at all.
 *
 * Invariants:
 *  - sold_units.warranty_end always follows the rule above: creating or
 *    changing a unit, changing a contract's warranty_months, changing a
 *    model's warranty_months recompute the affected units in the same
 *    transaction (each recomputed unit gets version + 1 and an audit row);
 *  - a unit's contract is a sales contract of the unit's customer; a
 *    maintenance contract covers only units of its own customer;
 *  - every create, update and delete writes an audit row with the record
 *    before and after, in the same transaction; updates are optimistic
 *    (expected version, else SVC_ECONFLICT with the current record);
 *  - sales records are facts from the ERP: created or imported, deleted (by
 *    those holding sales.delete), never changed;
 *  - validation happens before the first write, so a refused change never
 *    leaves a failed statement in the transaction (PostgreSQL would abort
 *    it) and CSV import can skip a bad row and carry on.
 *
 * Every function that writes must run inside a store_write() callback.
 * Returned records are arena-owned (valid until the arena is released).
 */
#ifndef AS_MASTER_H
#define AS_MASTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "domain/record/record.h"
#include "store/store.h"
#include "util/date.h"
#include "util/json.h"
#include "util/mem.h"

/* purchase + months - 1 day; the last day in warranty (see above). */
int warranty_end_of(int purchase, int months);

/* ===== customers (customer.c) ===== */

struct customer {
	int64_t id;
	const char *code;	/* unique, immutable */
	const char *name;
	const char *type;	/* dealer|distributor|enterprise|consumer */
	const char *region;
	const char *address;
	const char *phone;
	int64_t distance_km;	/* from the service centre (SLA bands) */
	const char *region_class;	/* urban | suburban | remote (外地) */
	/* Internal (staff only): never shown to a customer user. */
	const char *credit_notes;
	const char *relationship_notes;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

extern const char *const customer_types[];	/* NULL-ended */
extern const char *const region_classes[];

/*
 * The declaration (record.h): lists sort on code, name, region and
 * distance_km and filter on type, region, region_class and active; a new
 * code must be free; a change re-indexes the customer for search.
 */
extern const struct record customer_rec;

/* A list's ?q=: in code, name, phone or a contact's phone. */
enum svc_code customer_match(struct rec_query *, struct arena *,
    const char *text) WARN_UNUSED_RESULT;
enum svc_code customer_get(struct db *, struct arena *, int64_t id,
    struct customer **out, struct svc_err *) WARN_UNUSED_RESULT;
/* By code; SVC_ENOTFOUND naming field "code". */
enum svc_code customer_get_by_code(struct db *, struct arena *,
    const char *code, struct customer **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Create from a draft (rec_init(), then code and name at least). */
enum svc_code customer_create(struct db *, struct arena *,
    const struct actor *, const struct customer *draft,
    struct customer **out, struct svc_err *) WARN_UNUSED_RESULT;
/* Change the fields in mask (REC_BIT of their index in customer_rec). */
enum svc_code customer_update(struct db *, struct arena *,
    const struct actor *, int64_t id, int64_t expected_version,
    const struct customer *draft, rec_mask mask, struct customer **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* internal: with the notes (staff), or as a customer user sees it. */
void customer_to_json(struct jw *, const struct customer *, bool internal);

/* ----- contacts: a sub-resource of a customer ----- */

struct contact {
	int64_t id;
	int64_t customer_id;
	const char *name;
	const char *title;
	const char *phone;
	const char *email;
	bool is_primary;	/* at most one per customer */
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

#define CONTACTS_MAX 200

/*
 * The declaration: a sub-resource of its customer; an email address; at
 * most CONTACTS_MAX per customer; making one primary clears the flag on
 * the others (each audited); a change re-indexes the customer for search.
 */
extern const struct record contact_rec;

/* Every contact of a customer (primary first); at most CONTACTS_MAX. */
enum svc_code contact_list(struct db *, struct arena *, int64_t customer_id,
    struct contact ***items, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contact_create(struct db *, struct arena *, const struct actor *,
    int64_t customer_id, const struct contact *draft, struct contact **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===== product models, parts, bills of parts (product.c) ===== */

struct product_model {
	int64_t id;
	const char *model_no;	/* unique, immutable */
	const char *name;
	const char *category;
	int64_t business_unit_id;	/* a department, 0 = none */
	int64_t warranty_months;	/* default warranty, 0..240 */
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

/*
 * The declaration: lists sort on model_no and name, filter on category
 * and active; a new model_no must be free; a new warranty_months
 * recomputes the units without a contract override.
 */
extern const struct record model_rec;

enum svc_code model_get(struct db *, struct arena *, int64_t id,
    struct product_model **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code model_get_by_no(struct db *, struct arena *, const char *no,
    struct product_model **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code model_create(struct db *, struct arena *, const struct actor *,
    const struct product_model *draft, struct product_model **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code model_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct product_model *draft,
    rec_mask mask, struct product_model **out,
    struct svc_err *) WARN_UNUSED_RESULT;

struct part {
	int64_t id;
	const char *code;	/* unique, immutable */
	const char *name;
	const char *unit;	/* 个, 套, 米 ... */
	int64_t price_fen;
	int64_t reorder_point;	/* a new stock level's (domain/stock) */
	bool serial_tracked;	/* replacing it records the serials */
	bool approval_required;	/* every issue needs approval */
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

/*
 * The declaration: lists sort on code and name and filter on active; a
 * new code must be free.
 */
extern const struct record part_rec;

enum svc_code part_get(struct db *, struct arena *, int64_t id,
    struct part **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code part_create(struct db *, struct arena *, const struct actor *,
    const struct part *draft, struct part **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* A list's ?q=: in code and name (parts), model_no and name (models). */
enum svc_code match_code_name(struct rec_query *, struct arena *,
    const char *code_col, const char *text) WARN_UNUSED_RESULT;

/* One line of a bill of parts. */
struct bom_line {
	int64_t part_id;
	int64_t quantity;	/* 1..100000 */
	const char *part_code;	/* filled on read */
	const char *part_name;
};

#define BOM_MAX 500

/* The bill of parts of a model, by part code. */
enum svc_code model_bom_get(struct db *, struct arena *, int64_t model_id,
    struct bom_line **lines, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Replace the whole bill of parts (parts must exist, no part twice); the
 * model's version must be expected_version and goes up by one.
 */
enum svc_code model_bom_set(struct db *, struct arena *, const struct actor *,
    int64_t model_id, int64_t expected_version, const struct bom_line *lines,
    size_t n, struct product_model **out, struct svc_err *) WARN_UNUSED_RESULT;
void bom_to_json(struct jw *, const struct bom_line *, size_t n);

/* ===== contracts (contract.c) ===== */

struct contract {
	int64_t id;
	const char *contract_no;	/* unique, immutable */
	int64_t customer_id;		/* immutable */
	const char *kind;		/* sales | maintenance, immutable */
	int start_date;
	int end_date;
	/* sales contracts (REC_NULL = none) */
	int64_t warranty_months;	/* overrides the model's, 1..240 */
	int64_t exchange_ratio_limit_bp;	/* 调换率 limit, 0..10000 */
	int64_t exchange_days_limit;	/* days from delivery, 0..3650 */
	/* maintenance contracts (保养合同) */
	int64_t price_fen;
	int64_t visits_per_year;
	const char *notes;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
	/* maintenance: the covered units, filled by contract_get() */
	struct rec_ids unit_ids;
};

#define CONTRACT_UNITS_MAX 1000
#define CONTRACTS_LISTED 200	/* a customer's, in its history */

extern const char *const contract_kinds[];	/* sales, maintenance */

/*
 * The declaration: number, customer and kind fixed; lists sort on
 * contract_no, start_date and end_date and filter on customer_id and kind;
 * the dates in order, each kind's terms only (a sales contract's warranty,
 * exchange-ratio and time limits; a maintenance contract's price and
 * visits); a changed warranty_months recomputes the contract's units.
 */
extern const struct record contract_rec;

/* A list's ?active_on= (start_date <= day <= end_date; 0: any). */
enum svc_code contract_active_on(struct rec_query *, int day)
    WARN_UNUSED_RESULT;
enum svc_code contract_get(struct db *, struct arena *, int64_t id,
    struct contract **out, struct svc_err *) WARN_UNUSED_RESULT;
/* A customer's contracts (at most CONTRACTS_LISTED), by id. */
enum svc_code contract_of_customer(struct db *, struct arena *,
    int64_t customer_id, struct contract ***items, size_t *n,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contract_create(struct db *, struct arena *, const struct actor *,
    const struct contract *draft, struct contract **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contract_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct contract *draft,
    rec_mask mask, struct contract **out, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Replace the units a maintenance contract covers (units of its customer,
 * no duplicates, at most CONTRACT_UNITS_MAX); version + 1.
 */
enum svc_code contract_set_units(struct db *, struct arena *,
    const struct actor *, int64_t id, int64_t expected_version,
    const int64_t *unit_ids, size_t n, struct contract **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===== sold units and warranty (unit.c) ===== */

struct unit {
	int64_t id;
	const char *serial;	/* unique, immutable */
	int64_t model_id;
	int64_t customer_id;
	int64_t contract_id;	/* a sales contract, 0 = none */
	const char *sale_order_no;
	const char *invoice_no;
	int purchase_date;
	int delivery_date;	/* 0 = not known */
	int64_t quantity;
	int64_t amount_fen;
	int warranty_end;	/* computed */
	bool in_warranty;	/* on the day of the answer (unit_on) */
	bool used;		/* used goods (seed 003 §二) */
	int64_t usage_years;	/* REC_NULL = not known */
	const char *wear;
	const char *repair_history;
	const char *known_faults;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
	/* joined, read only */
	const char *model_no;
	const char *model_name;
	const char *customer_code;
	const char *customer_name;
	const char *contract_no;	/* NULL when none */
};

/*
 * The declaration: serial fixed and unique; lists sort on serial,
 * purchase_date and warranty_end and filter on customer_id and model_id;
 * the model and a sales contract of the same customer checked, the
 * warranty_end computed (the draft's is ignored), in_warranty answered for
 * today (not audited); a unit covered by a maintenance contract does not
 * change hands; a change re-indexes the unit for search.
 */
extern const struct record unit_rec;

/* A list's ?contract_id= (sold under it or maintained by it), ?serial=. */
enum svc_code unit_match(struct rec_query *, struct arena *,
    int64_t contract_id, const char *serial_prefix) WARN_UNUSED_RESULT;
/* in_warranty on day. */
void unit_on(struct unit *, int day);
enum svc_code unit_get(struct db *, struct arena *, int64_t id,
    struct unit **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code unit_get_by_serial(struct db *, struct arena *,
    const char *serial, struct unit **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code unit_create(struct db *, struct arena *, const struct actor *,
    const struct unit *draft, struct unit **out,
    struct svc_err *) WARN_UNUSED_RESULT;

/* The warranty of one unit on one day, with the rule that decided it. */
struct warranty_verdict {
	int64_t unit_id;
	bool in_warranty;
	int on_date;
	int purchase_date;
	int warranty_end;
	int64_t months;
	bool by_contract;	/* the contract's months override the model's */
	const char *rule;	/* "purchase_date 2026-01-15 + 12 months (model
				 * ZX-100)" or "... + 24 months (contract
				 * HT-2026-001 overrides model ZX-100's 12)" */
};

/*
 * The verdict for unit_id on day on_ymd (0 = today), computed from the
 * unit's purchase date, model and contract as they are now.  For service
 * request intake.  SVC_ENOTFOUND when there is no such unit.
 */
enum svc_code unit_warranty_verdict(struct db *, struct arena *,
    int64_t unit_id, int on_ymd, struct warranty_verdict *out,
    struct svc_err *) WARN_UNUSED_RESULT;
void warranty_verdict_to_json(struct jw *, const struct warranty_verdict *);

/*
 * Recompute warranty_end of the units matching one condition ("u.model_id =
 * ? AND u.contract_id IS NULL ..." on sold_units u joined to its model m
 * and contract c), bump the version of those that change and audit them.
 * For the model and contract modules; *changed (may be NULL) gets the count.
 */
enum svc_code unit_recompute_warranty(struct db *, struct arena *,
    const struct actor *, const char *where, int64_t arg, int64_t *changed,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===== sales records (sales.c) ===== */

struct sales_record {
	int64_t id;
	int64_t customer_id;
	int64_t model_id;	/* 0 = not given */
	int sale_date;
	int64_t quantity;
	int64_t amount_fen;
	const char *reference;	/* ERP document; unique per customer if given */
	int64_t created_at;
	/* joined */
	const char *customer_code;
	const char *model_no;
};

/*
 * The declaration: lists sort on sale_date and filter on customer_id and
 * model_id; never changed, deleted by those holding sales.delete; a
 * non-empty reference is unique per customer.
 */
extern const struct record sales_rec;

/* A list's ?from=&to= (sale dates, inclusive; 0: open). */
enum svc_code sales_between(struct rec_query *, int from, int to)
    WARN_UNUSED_RESULT;
enum svc_code sales_create(struct db *, struct arena *, const struct actor *,
    const struct sales_record *draft, struct sales_record **out,
    struct svc_err *) WARN_UNUSED_RESULT;

struct sales_total {
	int64_t count;
	int64_t quantity;
	int64_t amount_fen;
	int first_date;		/* 0 when count is 0 */
	int last_date;
};

/*
 * Totals of a customer's sales with from <= sale_date <= to (0 = open): the
 * base of the exchange ratio (SPEC §4.3).
 */
enum svc_code sales_totals(struct db *, int64_t customer_id, int from, int to,
    struct sales_total *out, struct svc_err *) WARN_UNUSED_RESULT;

/* ===== the price list (price.c) ===== */

struct price_item {
	int64_t id;
	const char *code;	/* unique, immutable */
	const char *kind;	/* labour | onsite | travel | part | other */
	const char *name;
	const char *unit;
	int64_t price_fen;
	int64_t part_id;	/* required for kind part, else 0 */
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

extern const char *const price_kinds[];

/*
 * The declaration: lists sort on code and name, filter on kind and active;
 * an item of kind part names its part, others none; a new code is free.
 */
extern const struct record price_rec;


/* ===== a customer's history (history.c) ===== */

#define HISTORY_UNITS_MAX 500

/*
 * Write the customer's whole record as one JSON object: "customer",
 * "contacts", "units" (each with its warranty verdict on day today, at most
 * HISTORY_UNITS_MAX, "units_total" counts all), "contracts", "sales"
 * (totals overall and per year), then what master_history_extra() adds.
 * internal false (for a customer user): without the customer's internal
 * fields (customer_hide_internal).  show: which of the sections that need
 * their own permission are written (HISTORY_CONTRACTS: contract.read,
 * HISTORY_SALES: sales.read, HISTORY_COSTS: cost.read); the others are
 * left out.
 */
enum {
	HISTORY_CONTRACTS = 1u << 0,
	HISTORY_SALES = 1u << 1,
	HISTORY_COSTS = 1u << 2,
};
enum svc_code customer_history_json(struct db *, struct arena *,
    int64_t customer_id, int today, bool internal, unsigned show,
    struct jw *, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The place for the documents of other modules in a customer's history:
 * called inside the history object, it writes "key": value members
 * ("requests", "returns", "complaints", "costs" ...; show as for
 * customer_history_json).  history.c holds a weak
 * default that writes "requests": []; the requests module replaces it by
 * defining this function (a strong definition wins at link time).
 */
enum svc_code master_history_extra(struct db *, struct arena *,
    int64_t customer_id, unsigned show, struct jw *,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===== search (search_index.c) ===== */

/*
 * Put the customer (code, phone, name, address, contacts) or the unit
 * (serial, model, customer, order and invoice numbers) into the search
 * index, or take it out when the row is gone.  Inside the caller's write.
 */
enum svc_code master_index_customer(struct db *, struct arena *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code master_index_unit(struct db *, struct arena *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
/* A part in the search index by code and name (kind "part"). */
enum svc_code master_index_part(struct db *, struct arena *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ===== CSV import (import.c) ===== */

enum import_kind {
	IMPORT_CUSTOMERS,
	IMPORT_MODELS,
	IMPORT_PARTS,
	IMPORT_UNITS,
	IMPORT_SALES,
	IMPORT__MAX
};

/* "customers", "models", "parts", "units", "sales"; false when unknown. */
bool import_kind_parse(const char *s, enum import_kind *out);
const char *import_kind_name(enum import_kind);

/* One bad row: line of the file, the column (header name), why. */
struct import_error {
	size_t line;
	const char *field;	/* NULL for the whole row */
	const char *reason;	/* required, invalid, too_long, taken, ... */
	const char *message;
};

struct import_opts {
	bool skip_bad;		/* import the good rows, skip the bad */
	size_t max_rows;	/* data rows */
	size_t max_row_bytes;	/* one record */
	size_t max_errors;	/* errors kept (all are counted) */
	/* called every progress_every rows (may be NULL) */
	void (*progress)(void *ctx, size_t rows, size_t imported);
	void *progress_ctx;
	size_t progress_every;
};

struct import_result {
	size_t rows;		/* data rows read */
	size_t imported;
	size_t skipped;		/* bad rows skipped (skip_bad) */
	size_t error_count;	/* all bad rows and header problems */
	struct import_error *errors;	/* the first max_errors, arena-owned */
	size_t nerrors;
};

/*
 * Import a CSV text of one kind (columns by header name; see docs/api.md
 * "CSV import" for the names and their Chinese aliases).  Every record is
 * created through the same domain function the API uses (so validated and
 * audited the same way), and one audit row "import" sums the run up.  A
 * row whose code, serial or reference exists already is a bad row
 * ("taken"): importing a file again with skip_bad adds only what is new.
 * Returns SVC_OK when rows were imported (with skip_bad,
 * bad rows are counted as skipped), SVC_EUNPROCESSABLE when any row is bad
 * and skip_bad is false (nothing must be kept: the caller's transaction
 * rolls back), SVC_ETOOBIG past max_rows.  *res is filled in every case.
 */
enum svc_code master_import(struct db *, struct arena *, const struct actor *,
    enum import_kind, const char *data, size_t len,
    const struct import_opts *, struct import_result *res,
    struct svc_err *) WARN_UNUSED_RESULT;

/* {"imported":..,"skipped":..,"rows":..,"error_count":..,"errors":[..]} */
void import_result_to_json(struct jw *, const struct import_result *);

#endif
