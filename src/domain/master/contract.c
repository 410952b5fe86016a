/*
 * contract — sales contracts (warranty override, exchange-ratio and
 * exchange-time limits) and maintenance contracts (保养合同: covered units,
 * period, price, visits per year).
 *
 * Invariants: number, customer and kind never change; a sales contract
 * carries no maintenance terms and a maintenance contract no sales terms;
 * a maintenance contract covers only units of its customer; a change of a
 * sales contract's warranty_months recomputes its units' warranty_end in
 * the same transaction.
 */
#include "domain/master/internal.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

const char *const contract_kinds[] = { "sales", "maintenance", NULL };

#define F(m) offsetof(struct contract, m)

static const struct rfield contract_fields[] = {
	REC_ID_FIELD(struct contract),
	{ "contract_no", "contract_no", RT_TEXT, F(contract_no), RF_REQUIRED |
	    RF_FIXED | RF_UNIQUE | RF_CODE | RF_SORT | RF_COLUMN, 1, 50,
	    .zh = "合同编号",
	    .en = "Contract number", .doc = "unique contract number" },
	{ "customer_id", "customer_id", RT_ID, F(customer_id), RF_REQUIRED |
	    RF_FIXED | RF_FILTER, .ref = "customers", .zh = "客户",
	    .en = "Customer", .doc = "the customer" },
	{ "kind", "kind", RT_ENUM, F(kind), RF_REQUIRED | RF_FIXED | RF_FILTER |
	    RF_COLUMN, .enums = contract_kinds, .zh = "合同类别", .en = "Kind",
	    .doc = "sales or maintenance" },
	{ "start_date", "start_date", RT_DATE, F(start_date), RF_REQUIRED |
	    RF_SORT | RF_COLUMN, .zh = "开始日期", .en = "Start",
	    .doc = "first day" },
	{ "end_date", "end_date", RT_DATE, F(end_date), RF_REQUIRED | RF_SORT |
	    RF_COLUMN, .zh = "结束日期", .en = "End", .doc = "last day" },
	{ "warranty_months", "warranty_months", RT_INT, F(warranty_months),
	    RF_NULLABLE | RF_COLUMN, 1, 240, .zh = "保修月数",
	    .en = "Warranty (months)", .doc = "sales: warranty months "
	    "overriding the model's (null: none)" },
	{ "exchange_ratio_limit_bp", "exchange_ratio_limit_bp", RT_INT,
	    F(exchange_ratio_limit_bp), RF_NULLABLE, 0, 10000,
	    .zh = "调换率上限(万分比)", .en = "Exchange-ratio limit (bp)",
	    .doc = "sales: exchange-ratio limit in basis points (500 = 5 %)" },
	{ "exchange_days_limit", "exchange_days_limit", RT_INT,
	    F(exchange_days_limit), RF_NULLABLE, 0, 3650, .zh = "调换时限(天)",
	    .en = "Exchange limit (days)",
	    .doc = "sales: exchange time limit, days from delivery" },
	{ "price_fen", "price_fen", RT_MONEY, F(price_fen), 0, 0,
	    1000000000000LL, .zh = "合同金额", .en = "Price",
	    .doc = "maintenance: price" },
	{ "visits_per_year", "visits_per_year", RT_INT, F(visits_per_year), 0,
	    0, 365, .zh = "年保养次数", .en = "Visits per year",
	    .doc = "maintenance: visits per year" },
	{ "notes", "notes", RT_TEXT, F(notes), RF_NULLABLE | RF_MULTI, 0, 2000,
	    .zh = "备注", .en = "Notes" },
	{ "unit_ids", NULL, RT_IDS, F(unit_ids), RF_OUT | RF_AUTO,
	    .zh = "保养设备", .en = "Covered units",
	    .doc = "maintenance: the units covered (PUT .../units)" },
	REC_KEPT_FIELDS(struct contract),
	{ NULL },
};

#undef F

/* A field's term belongs to the other kind of contract. */
static enum svc_code
not_a_term(struct svc_err *err, const char *field, const char *kind)
{
	return svc_fail_field(err, SVC_EINVAL, field, "not_allowed",
	    "'%s' is a term of %s contracts", field, kind);
}

/*
 * The dates in order; a sales contract carries no maintenance terms and a
 * maintenance contract no sales terms.
 */
static enum svc_code
contract_check(struct db *db, struct arena *a, void *item,
    const void *before, struct svc_err *err)
{
	const struct contract *c = item;

	(void)a;
	(void)db;
	(void)before;
	if (c->end_date < c->start_date)
		return svc_fail_field(err, SVC_EINVAL, "end_date",
		    "out_of_range", "'end_date' cannot be before 'start_date'");
	if (strcmp(c->kind, "sales") == 0) {
		if (c->price_fen != 0)
			return not_a_term(err, "price_fen", "maintenance");
		if (c->visits_per_year != 0)
			return not_a_term(err, "visits_per_year",
			    "maintenance");
	} else {
		if (c->warranty_months != REC_NULL)
			return not_a_term(err, "warranty_months", "sales");
		if (c->exchange_ratio_limit_bp != REC_NULL)
			return not_a_term(err, "exchange_ratio_limit_bp",
			    "sales");
		if (c->exchange_days_limit != REC_NULL)
			return not_a_term(err, "exchange_days_limit", "sales");
	}
	return SVC_OK;
}

/* A changed warranty_months recomputes the contract's units. */
static enum svc_code
contract_after(struct db *db, struct arena *a, const struct actor *who,
    const void *item, const void *before, struct svc_err *err)
{
	const struct contract *c = item, *old = before;

	if (c == NULL || old == NULL ||
	    c->warranty_months == old->warranty_months)
		return SVC_OK;
	return unit_recompute_warranty(db, a, who, "u.contract_id = ?", c->id,
	    NULL, err);
}

/* A maintenance contract's units (unit_ids). */
static enum svc_code
contract_fill(struct db *db, struct arena *a, void *item,
    struct svc_err *err)
{
	struct contract *c = item;
	struct dbq *q;
	enum svc_code rc;

	c->unit_ids.n = 0;
	c->unit_ids.v = NULL;
	if (strcmp(c->kind, "maintenance") != 0)
		return SVC_OK;
	c->unit_ids.v = arena_alloc(a, CONTRACT_UNITS_MAX * sizeof(int64_t));
	if (c->unit_ids.v == NULL)
		return rec_oom(err);
	rc = db_query(db, "SELECT unit_id FROM contract_units"
	    " WHERE contract_id = ? ORDER BY unit_id", DB_ARGS(DB_I(c->id)), &q,
	    err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && c->unit_ids.n < CONTRACT_UNITS_MAX)
		c->unit_ids.v[c->unit_ids.n++] = db_i64(q, 0);
	return db_done(q, err);
}

const struct record contract_rec = {
	.name = "contract",
	.what = "contract",
	.table = "contracts",
	.size = sizeof(struct contract),
	.fields = contract_fields,
	.zh = "合同",
	.en = "Contract",
	.check = contract_check,
	.after = contract_after,
	.fill = contract_fill,
};

/* ?active_on=: contracts running on that day. */
enum svc_code
contract_active_on(struct rec_query *q, int day)
{
	if (day != 0) {
		rec_cond(q, " AND start_date <= ? AND end_date >= ?");
		rec_arg(q, DB_I(day));
		rec_arg(q, DB_I(day));
	}
	return SVC_OK;
}

enum svc_code
contract_get(struct db *db, struct arena *a, int64_t id,
    struct contract **out, struct svc_err *err)
{
	return rec_get(db, a, &contract_rec, id, (void **)out, err);
}

enum svc_code
contract_of_customer(struct db *db, struct arena *a, int64_t customer_id,
    struct contract ***items, size_t *n, struct svc_err *err)
{
	struct rec_page pg = { .limit = CONTRACTS_LISTED };
	struct rec_query q;
	enum svc_code rc;
	char *next;

	rc = rec_list_begin(&q, a, &contract_rec, &pg, err);
	if (rc)
		return rc;
	rec_filter(&q, &contract_rec, rec_field(&contract_rec, "customer_id"),
	    DB_I(customer_id));
	return rec_list_run(&q, db, a, &contract_rec, (void ***)items, n,
	    &next, err);
}

enum svc_code
contract_create(struct db *db, struct arena *a, const struct actor *who,
    const struct contract *d, struct contract **out, struct svc_err *err)
{
	return rec_create(db, a, who, &contract_rec, d, (void **)out, err);
}

enum svc_code
contract_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct contract *d, rec_mask mask,
    struct contract **out, struct svc_err *err)
{
	return rec_update(db, a, who, &contract_rec, id, expected, d, mask,
	    (void **)out, err);
}

enum svc_code
contract_set_units(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const int64_t *ids, size_t n,
    struct contract **out, struct svc_err *err)
{
	struct contract *cur;
	enum svc_code rc;
	int64_t changed, owner;
	char *before, field[32];

	rc = contract_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_text(a, &contract_rec, cur, REC_STAFF);
	if (cur->version != expected)
		return stale_version(err, a, "contract", expected, before);
	if (strcmp(cur->kind, "maintenance") != 0)
		return svc_fail_field(err, SVC_EINVAL, "unit_ids",
		    "not_allowed", "only maintenance contracts list the units "
		    "they cover (a unit names its sales contract in "
		    "'contract_id')");
	if (n > CONTRACT_UNITS_MAX)
		return svc_fail_field(err, SVC_EINVAL, "unit_ids", "too_many",
		    "a contract covers at most %d units", CONTRACT_UNITS_MAX);
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "unit_ids[%zu]", i);
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i])
				return svc_fail_field(err, SVC_EINVAL, field,
				    "duplicate", "unit %lld is listed twice",
				    (long long)ids[i]);
		rc = db_one_i64(db, "SELECT customer_id FROM sold_units"
		    " WHERE id = ?", DB_ARGS(DB_I(ids[i])), &owner, err);
		if (rc == SVC_ENOTFOUND)
			return svc_fail_field(err, SVC_EINVAL, field,
			    "not_found", "unit %lld not found",
			    (long long)ids[i]);
		if (rc)
			return rc;
		if (owner != cur->customer_id)
			return svc_fail_field(err, SVC_EINVAL, field,
			    "not_allowed", "unit %lld belongs to another "
			    "customer", (long long)ids[i]);
	}
	rc = db_exec(db, "UPDATE contracts SET version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_I(clock_now()), DB_I(id), DB_I(expected)), &changed,
	    err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "contract", expected, before);
	rc = db_exec(db, "DELETE FROM contract_units WHERE contract_id = ?",
	    DB_ARGS(DB_I(id)), NULL, err);
	for (size_t i = 0; rc == SVC_OK && i < n; i++)
		rc = db_exec(db, "INSERT INTO contract_units (contract_id,"
		    " unit_id) VALUES (?, ?)", DB_ARGS(DB_I(id), DB_I(ids[i])),
		    NULL, err);
	if (rc == SVC_OK)
		rc = contract_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update_units", "contract", id,
		    before, rec_text(a, &contract_rec, *out, REC_STAFF), err);
	return rc;
}
