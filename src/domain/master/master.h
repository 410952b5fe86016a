/*
 * master — master data (SPEC §3): customers and their contacts, product
 * models and their bills of parts, spare parts, contracts (sales and
 * maintenance), sold units and their warranty, sales records from the ERP,
 * the price list (收费标准); a customer's whole history; CSV import.
 *
 * Dates (not times) are calendar days of the company time zone, held as
 * integers YYYYMMDD (20260131), written "2026-01-31" in JSON and CSV.
 * Money is integer fen.  Ratios are integer basis points (500 = 5.00 %).
 * Optional integers use MD_NULL (-1) for "none" (JSON null).
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
#include "store/store.h"
#include "util/json.h"
#include "util/mem.h"

#define MD_NULL (-1)

/* ===== dates (pure functions, date.c) ===== */

/* Is ymd a real calendar day of years 1900..9999? */
bool ymd_valid(int ymd);
/*
 * Parse "YYYY-MM-DD", "YYYY/M/D", "YYYY.MM.DD" or "YYYYMMDD" (months and
 * days of 1 or 2 digits with a separator); false unless a real day.
 */
bool ymd_parse(const char *s, int *out);
/* "2026-01-31" into out (11 bytes at least). */
void ymd_format(int ymd, char *out, size_t len);
/* ymd + months calendar months, the day clamped to the month's last day. */
int ymd_add_months(int ymd, int months);
/* ymd + days (days may be negative). */
int ymd_add_days(int ymd, int days);
/* purchase + months - 1 day; the last day in warranty (see above). */
int warranty_end_of(int purchase, int months);
/* Today in the company time zone. */
int ymd_today(void);

/* ===== paging (every list) ===== */

/*
 * A page request.  sort is a key the list allows, "-key" for descending
 * (NULL: by id); cursor is what the previous page gave as next_cursor
 * (NULL: the first page); limit 1..200.
 */
struct md_page {
	const char *sort;
	const char *cursor;
	int limit;
};

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
	/*
	 * Internal (staff only): never shown to a customer user.  NULL after
	 * customer_hide_internal(), and then customer_to_json() leaves them
	 * out.
	 */
	const char *credit_notes;
	const char *relationship_notes;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

enum customer_fields {
	CUF_NAME = 1 << 0,
	CUF_TYPE = 1 << 1,
	CUF_REGION = 1 << 2,
	CUF_ADDRESS = 1 << 3,
	CUF_PHONE = 1 << 4,
	CUF_DISTANCE = 1 << 5,
	CUF_REGION_CLASS = 1 << 6,
	CUF_CREDIT = 1 << 7,
	CUF_RELATION = 1 << 8,
	CUF_ACTIVE = 1 << 9,
};

extern const char *const customer_types[];	/* NULL-ended */
extern const char *const region_classes[];

struct customer_filter {
	const char *q;		/* in code, name, phone, a contact's phone */
	const char *region;
	const char *type;
	const char *region_class;
	int active;		/* -1 any, 0, 1 */
	int64_t only_id;	/* customer isolation: 0 = every customer */
};

/* Sorts: id, code, name, region, distance_km. */
enum svc_code customer_get(struct db *, struct arena *, int64_t id,
    struct customer **out, struct svc_err *) WARN_UNUSED_RESULT;
/* By code; SVC_ENOTFOUND naming field "code". */
enum svc_code customer_get_by_code(struct db *, struct arena *,
    const char *code, struct customer **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code customer_list(struct db *, struct arena *,
    const struct customer_filter *, const struct md_page *,
    struct customer ***items, size_t *n, char **next_cursor,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Create from a draft (code, name required; the rest defaulted). */
enum svc_code customer_create(struct db *, struct arena *,
    const struct actor *, const struct customer *draft,
    struct customer **out, struct svc_err *) WARN_UNUSED_RESULT;
/* Change the fields in mask (enum customer_fields). */
enum svc_code customer_update(struct db *, struct arena *,
    const struct actor *, int64_t id, int64_t expected_version,
    const struct customer *draft, unsigned mask, struct customer **out,
    struct svc_err *) WARN_UNUSED_RESULT;
void customer_to_json(struct jw *, const struct customer *);
/*
 * Drop the internal fields (credit and relationship notes) from c, for an
 * answer to a customer user: customer_to_json() then leaves them out.
 */
void customer_hide_internal(struct customer *c);

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

enum contact_fields {
	CTF_NAME = 1 << 0,
	CTF_TITLE = 1 << 1,
	CTF_PHONE = 1 << 2,
	CTF_EMAIL = 1 << 3,
	CTF_PRIMARY = 1 << 4,
};

#define CONTACTS_MAX 200

/* Every contact of a customer (primary first); at most CONTACTS_MAX. */
enum svc_code contact_list(struct db *, struct arena *, int64_t customer_id,
    struct contact ***items, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;
/* One contact of customer_id (SVC_ENOTFOUND when it belongs elsewhere). */
enum svc_code contact_get(struct db *, struct arena *, int64_t customer_id,
    int64_t id, struct contact **out, struct svc_err *) WARN_UNUSED_RESULT;
/* Making a contact primary clears the flag on the others (audited). */
enum svc_code contact_create(struct db *, struct arena *, const struct actor *,
    int64_t customer_id, const struct contact *draft, struct contact **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contact_update(struct db *, struct arena *, const struct actor *,
    int64_t customer_id, int64_t id, int64_t expected_version,
    const struct contact *draft, unsigned mask, struct contact **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contact_delete(struct db *, struct arena *, const struct actor *,
    int64_t customer_id, int64_t id, struct svc_err *) WARN_UNUSED_RESULT;
void contact_to_json(struct jw *, const struct contact *);

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

enum model_fields {
	PMF_NAME = 1 << 0,
	PMF_CATEGORY = 1 << 1,
	PMF_BU = 1 << 2,
	PMF_WARRANTY = 1 << 3,
	PMF_ACTIVE = 1 << 4,
};

struct model_filter {
	const char *q;		/* substring of model_no or name */
	const char *category;
	int active;		/* -1 any */
};

/* Sorts: id, model_no, name. */
enum svc_code model_get(struct db *, struct arena *, int64_t id,
    struct product_model **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code model_get_by_no(struct db *, struct arena *, const char *no,
    struct product_model **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code model_list(struct db *, struct arena *,
    const struct model_filter *, const struct md_page *,
    struct product_model ***items, size_t *n, char **next_cursor,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code model_create(struct db *, struct arena *, const struct actor *,
    const struct product_model *draft, struct product_model **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* A new warranty_months recomputes the units without a contract override. */
enum svc_code model_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct product_model *draft,
    unsigned mask, struct product_model **out,
    struct svc_err *) WARN_UNUSED_RESULT;
void model_to_json(struct jw *, const struct product_model *);

struct part {
	int64_t id;
	const char *code;	/* unique, immutable */
	const char *name;
	const char *unit;	/* 个, 套, 米 ... */
	int64_t price_fen;
	int64_t reorder_point;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

enum part_fields {
	PTF_NAME = 1 << 0,
	PTF_UNIT = 1 << 1,
	PTF_PRICE = 1 << 2,
	PTF_REORDER = 1 << 3,
	PTF_ACTIVE = 1 << 4,
};

struct part_filter {
	const char *q;		/* substring of code or name */
	int active;		/* -1 any */
};

/* Sorts: id, code, name. */
enum svc_code part_get(struct db *, struct arena *, int64_t id,
    struct part **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code part_list(struct db *, struct arena *, const struct part_filter *,
    const struct md_page *, struct part ***items, size_t *n,
    char **next_cursor, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code part_create(struct db *, struct arena *, const struct actor *,
    const struct part *draft, struct part **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code part_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct part *draft,
    unsigned mask, struct part **out, struct svc_err *) WARN_UNUSED_RESULT;
void part_to_json(struct jw *, const struct part *);

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
	/* sales contracts (MD_NULL = none) */
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
	int64_t *unit_ids;
	size_t nunits;
};

enum contract_fields {
	CNF_START = 1 << 0,
	CNF_END = 1 << 1,
	CNF_WARRANTY = 1 << 2,
	CNF_RATIO = 1 << 3,
	CNF_DAYS = 1 << 4,
	CNF_PRICE = 1 << 5,
	CNF_VISITS = 1 << 6,
	CNF_NOTES = 1 << 7,
};

#define CONTRACT_UNITS_MAX 1000

struct contract_filter {
	int64_t customer_id;	/* 0 = any (isolation passes the user's) */
	const char *kind;
	int active_on;		/* YYYYMMDD within start..end, 0 = any */
};

/* Sorts: id, contract_no, start_date, end_date. */
enum svc_code contract_get(struct db *, struct arena *, int64_t id,
    struct contract **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contract_get_by_no(struct db *, struct arena *, const char *no,
    struct contract **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code contract_list(struct db *, struct arena *,
    const struct contract_filter *, const struct md_page *,
    struct contract ***items, size_t *n, char **next_cursor,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Sales-only fields (warranty_months, exchange_*) must be MD_NULL on a
 * maintenance contract; maintenance-only fields (price_fen, visits_per_year)
 * must be 0 on a sales contract.
 */
enum svc_code contract_create(struct db *, struct arena *, const struct actor *,
    const struct contract *draft, struct contract **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* A changed warranty_months recomputes the contract's units. */
enum svc_code contract_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct contract *draft,
    unsigned mask, struct contract **out, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Replace the units a maintenance contract covers (units of its customer,
 * no duplicates, at most CONTRACT_UNITS_MAX); version + 1.
 */
enum svc_code contract_set_units(struct db *, struct arena *,
    const struct actor *, int64_t id, int64_t expected_version,
    const int64_t *unit_ids, size_t n, struct contract **out,
    struct svc_err *) WARN_UNUSED_RESULT;
void contract_to_json(struct jw *, const struct contract *);

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
	bool used;		/* used goods (seed 003 §二) */
	int64_t usage_years;	/* MD_NULL = not known */
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

enum unit_fields {
	UNF_MODEL = 1 << 0,
	UNF_CUSTOMER = 1 << 1,
	UNF_CONTRACT = 1 << 2,
	UNF_ORDER = 1 << 3,
	UNF_INVOICE = 1 << 4,
	UNF_PURCHASE = 1 << 5,
	UNF_DELIVERY = 1 << 6,
	UNF_QTY = 1 << 7,
	UNF_AMOUNT = 1 << 8,
	UNF_USED = 1 << 9,
	UNF_USAGE = 1 << 10,
	UNF_WEAR = 1 << 11,
	UNF_REPAIRS = 1 << 12,
	UNF_FAULTS = 1 << 13,
};

struct unit_filter {
	int64_t customer_id;	/* 0 = any (isolation passes the user's) */
	int64_t model_id;
	int64_t contract_id;
	const char *serial_prefix;
};

/* Sorts: id, serial, purchase_date, warranty_end. */
enum svc_code unit_get(struct db *, struct arena *, int64_t id,
    struct unit **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code unit_get_by_serial(struct db *, struct arena *,
    const char *serial, struct unit **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code unit_list(struct db *, struct arena *, const struct unit_filter *,
    const struct md_page *, struct unit ***items, size_t *n,
    char **next_cursor, struct svc_err *) WARN_UNUSED_RESULT;
/* warranty_end is computed; the draft's is ignored. */
enum svc_code unit_create(struct db *, struct arena *, const struct actor *,
    const struct unit *draft, struct unit **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code unit_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct unit *draft,
    unsigned mask, struct unit **out, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * The unit as JSON; with today != 0 also "in_warranty" as of that day
 * (audit rows are written with today = 0).
 */
void unit_to_json(struct jw *, const struct unit *, int today);

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

struct sales_filter {
	int64_t customer_id;	/* 0 = any (isolation passes the user's) */
	int64_t model_id;
	int from;		/* sale_date >= from, 0 = open */
	int to;			/* sale_date <= to, 0 = open */
};

struct sales_total {
	int64_t count;
	int64_t quantity;
	int64_t amount_fen;
	int first_date;		/* 0 when count is 0 */
	int last_date;
};

/* Sorts: id, sale_date. */
enum svc_code sales_get(struct db *, struct arena *, int64_t id,
    struct sales_record **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code sales_list(struct db *, struct arena *,
    const struct sales_filter *, const struct md_page *,
    struct sales_record ***items, size_t *n, char **next_cursor,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code sales_create(struct db *, struct arena *, const struct actor *,
    const struct sales_record *draft, struct sales_record **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code sales_delete(struct db *, struct arena *, const struct actor *,
    int64_t id, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Totals of a customer's sales with from <= sale_date <= to (0 = open): the
 * base of the exchange ratio (SPEC §4.3).
 */
enum svc_code sales_totals(struct db *, int64_t customer_id, int from, int to,
    struct sales_total *out, struct svc_err *) WARN_UNUSED_RESULT;
void sales_to_json(struct jw *, const struct sales_record *);

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

enum price_fields {
	PIF_KIND = 1 << 0,
	PIF_NAME = 1 << 1,
	PIF_UNIT = 1 << 2,
	PIF_PRICE = 1 << 3,
	PIF_PART = 1 << 4,
	PIF_ACTIVE = 1 << 5,
};

extern const char *const price_kinds[];

struct price_filter {
	const char *q;		/* substring of code or name */
	const char *kind;
	int active;		/* -1 any */
};

/* Sorts: id, code, name. */
enum svc_code price_get(struct db *, struct arena *, int64_t id,
    struct price_item **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code price_list(struct db *, struct arena *,
    const struct price_filter *, const struct md_page *,
    struct price_item ***items, size_t *n, char **next_cursor,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code price_create(struct db *, struct arena *, const struct actor *,
    const struct price_item *draft, struct price_item **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code price_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct price_item *draft,
    unsigned mask, struct price_item **out,
    struct svc_err *) WARN_UNUSED_RESULT;
void price_to_json(struct jw *, const struct price_item *);

/* ===== a customer's history (history.c) ===== */

#define HISTORY_UNITS_MAX 500
#define HISTORY_CONTRACTS_MAX 200

/*
 * Write the customer's whole record as one JSON object: "customer",
 * "contacts", "units" (each with its warranty verdict on day today, at most
 * HISTORY_UNITS_MAX, "units_total" counts all), "contracts", "sales"
 * (totals overall and per year), then what master_history_extra() adds.
 * internal false (for a customer user): without the customer's internal
 * fields (customer_hide_internal).  show: which of the sections that need
 * their own permission are written (HISTORY_CONTRACTS: contract.read,
 * HISTORY_SALES: sales.read); the others are left out.
 */
enum {
	HISTORY_CONTRACTS = 1u << 0,
	HISTORY_SALES = 1u << 1,
};
enum svc_code customer_history_json(struct db *, struct arena *,
    int64_t customer_id, int today, bool internal, unsigned show,
    struct jw *, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The place for the documents of other modules in a customer's history:
 * called inside the history object, it writes "key": value members
 * ("requests", "returns", "complaints", ...).  history.c holds a weak
 * default that writes "requests": []; the requests module replaces it by
 * defining this function (a strong definition wins at link time).
 */
enum svc_code master_history_extra(struct db *, struct arena *,
    int64_t customer_id, struct jw *, struct svc_err *) WARN_UNUSED_RESULT;

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
