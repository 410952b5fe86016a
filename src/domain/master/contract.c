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

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

static const char *const contract_kinds[] = { "sales", "maintenance", NULL };

#define CONTRACT_COLS "id, contract_no, customer_id, kind, start_date," \
	" end_date, warranty_months, exchange_ratio_limit_bp," \
	" exchange_days_limit, price_fen, visits_per_year, notes, version," \
	" created_at, updated_at"
#define CONTRACT_NCOLS 15

static int64_t
opt_i64(struct dbq *q, int col)
{
	return db_null(q, col) ? REC_NULL : db_i64(q, col);
}

static struct dbv
opt_arg(int64_t v)
{
	return v == REC_NULL ? DB_NULL : DB_I(v);
}

static void
contract_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct contract *c = item;

	c->id = db_i64(q, 0);
	c->contract_no = db_dup(q, 1, a);
	c->customer_id = db_i64(q, 2);
	c->kind = db_dup(q, 3, a);
	c->start_date = (int)db_i64(q, 4);
	c->end_date = (int)db_i64(q, 5);
	c->warranty_months = opt_i64(q, 6);
	c->exchange_ratio_limit_bp = opt_i64(q, 7);
	c->exchange_days_limit = opt_i64(q, 8);
	c->price_fen = db_i64(q, 9);
	c->visits_per_year = db_i64(q, 10);
	c->notes = db_dup(q, 11, a);
	c->version = db_i64(q, 12);
	c->created_at = db_i64(q, 13);
	c->updated_at = db_i64(q, 14);
}

void
contract_to_json(struct jw *w, const struct contract *c)
{
	jw_obj_open(w);
	jw_ki64(w, "id", c->id);
	jw_kstr(w, "contract_no", c->contract_no);
	jw_ki64(w, "customer_id", c->customer_id);
	jw_kstr(w, "kind", c->kind);
	rec_kdate(w, "start_date", c->start_date);
	rec_kdate(w, "end_date", c->end_date);
	rec_knull(w, "warranty_months", c->warranty_months);
	rec_knull(w, "exchange_ratio_limit_bp", c->exchange_ratio_limit_bp);
	rec_knull(w, "exchange_days_limit", c->exchange_days_limit);
	jw_ki64(w, "price_fen", c->price_fen);
	jw_ki64(w, "visits_per_year", c->visits_per_year);
	jw_kstr(w, "notes", c->notes);
	jw_key(w, "unit_ids");
	jw_arr_open(w);
	for (size_t i = 0; i < c->nunits; i++)
		jw_i64(w, c->unit_ids[i]);
	jw_arr_close(w);
	jw_ki64(w, "version", c->version);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_obj_close(w);
}

static void
contract_json(struct jw *w, const void *c)
{
	contract_to_json(w, c);
}

static enum svc_code
load_units(struct db *db, struct arena *a, struct contract *c,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	c->nunits = 0;
	c->unit_ids = NULL;
	if (strcmp(c->kind, "maintenance") != 0)
		return SVC_OK;
	c->unit_ids = arena_alloc(a, CONTRACT_UNITS_MAX * sizeof(int64_t));
	if (c->unit_ids == NULL)
		return rec_oom(err);
	rc = db_query(db, "SELECT unit_id FROM contract_units"
	    " WHERE contract_id = ? ORDER BY unit_id", DB_ARGS(DB_I(c->id)), &q,
	    err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && c->nunits < CONTRACT_UNITS_MAX)
		c->unit_ids[c->nunits++] = db_i64(q, 0);
	return db_done(q, err);
}

static enum svc_code
contract_one(struct db *db, struct arena *a, const char *sql, struct dbv arg,
    struct contract **out, struct svc_err *err)
{
	struct contract *c;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, sql, &arg, 1, &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	c = arena_alloc(a, sizeof(*c));
	if (r == 1 && c != NULL)
		contract_from_row(q, a, c);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (c == NULL)
		return rec_oom(err);
	if (r != 1)
		return SVC_ENOTFOUND;
	*out = c;
	return load_units(db, a, c, err);
}

enum svc_code
contract_get(struct db *db, struct arena *a, int64_t id,
    struct contract **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = contract_one(db, a, "SELECT " CONTRACT_COLS " FROM contracts"
	    " WHERE id = ?", DB_I(id), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "contract %lld not found", (long long)id);
	return rc;
}

enum svc_code
contract_get_by_no(struct db *db, struct arena *a, const char *no,
    struct contract **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = contract_one(db, a, "SELECT " CONTRACT_COLS " FROM contracts"
	    " WHERE contract_no = ?", DB_S(no), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_ENOTFOUND, "contract_no",
		    "not_found", "contract '%s' not found", no);
	return rc;
}

static const struct rec_sort contract_sorts[] = {
	{ "id", "id", false },
	{ "contract_no", "contract_no", true },
	{ "start_date", "start_date", false },
	{ "end_date", "end_date", false },
	{ NULL, NULL, false },
};

enum svc_code
contract_list(struct db *db, struct arena *a, const struct contract_filter *f,
    const struct rec_page *pg, struct contract ***items, size_t *n,
    char **next, struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, CONTRACT_COLS, "contracts", "id",
	    contract_sorts, pg, err);
	if (rc)
		return rc;
	if (f->customer_id != 0) {
		rec_cond(&q, " AND customer_id = ?");
		rec_arg(&q, DB_I(f->customer_id));
	}
	if (f->kind != NULL) {
		rec_cond(&q, " AND kind = ?");
		rec_arg(&q, DB_S(f->kind));
	}
	if (f->active_on != 0) {
		rec_cond(&q, " AND start_date <= ? AND end_date >= ?");
		rec_arg(&q, DB_I(f->active_on));
		rec_arg(&q, DB_I(f->active_on));
	}
	rc = rec_query_run(&q, db, a, CONTRACT_NCOLS, sizeof(struct contract),
	    contract_from_row, (void ***)items, n, next, err);
	for (size_t i = 0; rc == SVC_OK && i < *n; i++)
		rc = load_units(db, a, (*items)[i], err);
	return rc;
}

/* The terms of a complete contract record. */
static enum svc_code
contract_check(const struct contract *c, struct svc_err *err)
{
	bool sales = strcmp(c->kind, "sales") == 0;
	enum svc_code rc;

	rc = rec_date_ok(err, "start_date", c->start_date, false);
	if (rc == SVC_OK)
		rc = rec_date_ok(err, "end_date", c->end_date, false);
	if (rc == SVC_OK && c->end_date < c->start_date)
		rc = svc_fail_field(err, SVC_EINVAL, "end_date", "out_of_range",
		    "'end_date' cannot be before 'start_date'");
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "notes", c->notes, 0, 2000, REC_MULTI);
	if (rc)
		return rc;
	if (sales) {
		if (c->warranty_months != REC_NULL)
			rc = rec_range_ok(err, "warranty_months",
			    c->warranty_months, 1, 240);
		if (rc == SVC_OK && c->exchange_ratio_limit_bp != REC_NULL)
			rc = rec_range_ok(err, "exchange_ratio_limit_bp",
			    c->exchange_ratio_limit_bp, 0, 10000);
		if (rc == SVC_OK && c->exchange_days_limit != REC_NULL)
			rc = rec_range_ok(err, "exchange_days_limit",
			    c->exchange_days_limit, 0, 3650);
		if (rc == SVC_OK && c->price_fen != 0)
			rc = svc_fail_field(err, SVC_EINVAL, "price_fen",
			    "not_allowed", "'price_fen' is a term of "
			    "maintenance contracts");
		if (rc == SVC_OK && c->visits_per_year != 0)
			rc = svc_fail_field(err, SVC_EINVAL, "visits_per_year",
			    "not_allowed", "'visits_per_year' is a term of "
			    "maintenance contracts");
		return rc;
	}
	if (c->warranty_months != REC_NULL)
		return svc_fail_field(err, SVC_EINVAL, "warranty_months",
		    "not_allowed", "'warranty_months' is a term of sales "
		    "contracts");
	if (c->exchange_ratio_limit_bp != REC_NULL)
		return svc_fail_field(err, SVC_EINVAL,
		    "exchange_ratio_limit_bp", "not_allowed",
		    "'exchange_ratio_limit_bp' is a term of sales contracts");
	if (c->exchange_days_limit != REC_NULL)
		return svc_fail_field(err, SVC_EINVAL, "exchange_days_limit",
		    "not_allowed", "'exchange_days_limit' is a term of sales "
		    "contracts");
	rc = rec_range_ok(err, "price_fen", c->price_fen, 0, 1000000000000LL);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "visits_per_year", c->visits_per_year, 0,
		    365);
	return rc;
}

enum svc_code
contract_create(struct db *db, struct arena *a, const struct actor *who,
    const struct contract *d, struct contract **out, struct svc_err *err)
{
	struct contract c = *d;
	enum svc_code rc;
	int64_t id, now = clock_now();

	if (c.notes == NULL)
		c.notes = "";
	rc = rec_text_ok(err, "contract_no", c.contract_no, 1, 50, REC_CODE);
	if (rc == SVC_OK)
		rc = rec_enum_ok(err, "kind", c.kind, contract_kinds);
	if (rc == SVC_OK && c.customer_id == 0)
		rc = svc_fail_field(err, SVC_EINVAL, "customer_id", "required",
		    "'customer_id' is required");
	if (rc == SVC_OK)
		rc = rec_ref_ok(db, err, "customer_id", "customers", "customer",
		    c.customer_id);
	if (rc == SVC_OK)
		rc = contract_check(&c, err);
	if (rc == SVC_OK)
		rc = rec_unique_ok(db, err, "contract_no", "SELECT count(*)"
		    " FROM contracts WHERE contract_no = ?", c.contract_no,
		    "contract number");
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO contracts (contract_no, customer_id,"
	    " kind, start_date, end_date, warranty_months,"
	    " exchange_ratio_limit_bp, exchange_days_limit, price_fen,"
	    " visits_per_year, notes, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(c.contract_no), DB_I(c.customer_id), DB_S(c.kind),
	    DB_I(c.start_date), DB_I(c.end_date), opt_arg(c.warranty_months),
	    opt_arg(c.exchange_ratio_limit_bp), opt_arg(c.exchange_days_limit),
	    DB_I(c.price_fen), DB_I(c.visits_per_year), DB_S(c.notes),
	    DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = contract_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "contract", id, NULL,
		    rec_json_text(a, contract_json, *out), err);
	return rc;
}

enum svc_code
contract_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct contract *d, unsigned mask,
    struct contract **out, struct svc_err *err)
{
	struct contract *cur, c;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = contract_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, contract_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "contract", expected, before);
	c = *cur;
	if (mask & CNF_START)
		c.start_date = d->start_date;
	if (mask & CNF_END)
		c.end_date = d->end_date;
	if (mask & CNF_WARRANTY)
		c.warranty_months = d->warranty_months;
	if (mask & CNF_RATIO)
		c.exchange_ratio_limit_bp = d->exchange_ratio_limit_bp;
	if (mask & CNF_DAYS)
		c.exchange_days_limit = d->exchange_days_limit;
	if (mask & CNF_PRICE)
		c.price_fen = d->price_fen;
	if (mask & CNF_VISITS)
		c.visits_per_year = d->visits_per_year;
	if (mask & CNF_NOTES)
		c.notes = d->notes != NULL ? d->notes : "";
	rc = contract_check(&c, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE contracts SET start_date = ?, end_date = ?,"
	    " warranty_months = ?, exchange_ratio_limit_bp = ?,"
	    " exchange_days_limit = ?, price_fen = ?, visits_per_year = ?,"
	    " notes = ?, version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_I(c.start_date), DB_I(c.end_date),
	    opt_arg(c.warranty_months), opt_arg(c.exchange_ratio_limit_bp),
	    opt_arg(c.exchange_days_limit), DB_I(c.price_fen),
	    DB_I(c.visits_per_year), DB_S(c.notes), DB_I(clock_now()), DB_I(id),
	    DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "contract", expected, before);
	if (c.warranty_months != cur->warranty_months) {
		rc = unit_recompute_warranty(db, a, who, "u.contract_id = ?",
		    id, NULL, err);
		if (rc)
			return rc;
	}
	rc = contract_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "contract", id, before,
		    rec_json_text(a, contract_json, *out), err);
	return rc;
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
	before = rec_json_text(a, contract_json, cur);
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
		    before, rec_json_text(a, contract_json, *out), err);
	return rc;
}
