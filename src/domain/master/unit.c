/*
 * unit — sold units (售出产品/设备) and their warranty.
 *
 * warranty_end is never taken from the caller: every write computes it
 * from the purchase date and the months of the unit's contract or model
 * (master.h states the rule), and unit_recompute_warranty() follows changes
 * of those months.
 */
#include "domain/master/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

#define UNIT_COLS "u.id, u.serial, u.model_id, u.customer_id, u.contract_id," \
	" u.sale_order_no, u.invoice_no, u.purchase_date, u.delivery_date," \
	" u.quantity, u.amount_fen, u.warranty_end, u.used, u.usage_years," \
	" u.wear, u.repair_history, u.known_faults, u.version, u.created_at," \
	" u.updated_at, m.model_no, m.name, cu.code, cu.name, c.contract_no"
#define UNIT_NCOLS 25
#define UNIT_FROM "sold_units u JOIN product_models m ON m.id = u.model_id" \
	" JOIN customers cu ON cu.id = u.customer_id" \
	" LEFT JOIN contracts c ON c.id = u.contract_id"

static void
unit_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct unit *u = item;

	u->id = db_i64(q, 0);
	u->serial = db_dup(q, 1, a);
	u->model_id = db_i64(q, 2);
	u->customer_id = db_i64(q, 3);
	u->contract_id = db_i64(q, 4);
	u->sale_order_no = db_dup(q, 5, a);
	u->invoice_no = db_dup(q, 6, a);
	u->purchase_date = (int)db_i64(q, 7);
	u->delivery_date = (int)db_i64(q, 8);
	u->quantity = db_i64(q, 9);
	u->amount_fen = db_i64(q, 10);
	u->warranty_end = (int)db_i64(q, 11);
	u->used = db_i64(q, 12) != 0;
	u->usage_years = db_null(q, 13) ? REC_NULL : db_i64(q, 13);
	u->wear = db_dup(q, 14, a);
	u->repair_history = db_dup(q, 15, a);
	u->known_faults = db_dup(q, 16, a);
	u->version = db_i64(q, 17);
	u->created_at = db_i64(q, 18);
	u->updated_at = db_i64(q, 19);
	u->model_no = db_dup(q, 20, a);
	u->model_name = db_dup(q, 21, a);
	u->customer_code = db_dup(q, 22, a);
	u->customer_name = db_dup(q, 23, a);
	u->contract_no = db_dup(q, 24, a);
}

void
unit_to_json(struct jw *w, const struct unit *u, int today)
{
	jw_obj_open(w);
	unit_json_members(w, u, today);
	jw_obj_close(w);
}

void
unit_json_members(struct jw *w, const struct unit *u, int today)
{
	jw_ki64(w, "id", u->id);
	jw_kstr(w, "serial", u->serial);
	jw_ki64(w, "model_id", u->model_id);
	jw_kstr(w, "model_no", u->model_no);
	jw_kstr(w, "model_name", u->model_name);
	jw_ki64(w, "customer_id", u->customer_id);
	jw_kstr(w, "customer_code", u->customer_code);
	jw_kstr(w, "customer_name", u->customer_name);
	jw_kid(w, "contract_id", u->contract_id);
	jw_kstr(w, "contract_no", u->contract_no);
	jw_kstr(w, "sale_order_no", u->sale_order_no);
	jw_kstr(w, "invoice_no", u->invoice_no);
	rec_kdate(w, "purchase_date", u->purchase_date);
	rec_kdate(w, "delivery_date", u->delivery_date);
	jw_ki64(w, "quantity", u->quantity);
	jw_ki64(w, "amount_fen", u->amount_fen);
	rec_kdate(w, "warranty_end", u->warranty_end);
	if (today != 0)
		jw_kbool(w, "in_warranty", u->purchase_date <= today &&
		    today <= u->warranty_end);
	jw_kbool(w, "used", u->used);
	rec_knull(w, "usage_years", u->usage_years);
	jw_kstr(w, "wear", u->wear);
	jw_kstr(w, "repair_history", u->repair_history);
	jw_kstr(w, "known_faults", u->known_faults);
	jw_ki64(w, "version", u->version);
	jw_ktime(w, "created_at", u->created_at);
	jw_ktime(w, "updated_at", u->updated_at);
}

static void
unit_json(struct jw *w, const void *u)
{
	unit_to_json(w, u, 0);
}

static enum svc_code
unit_one(struct db *db, struct arena *a, const char *sql, struct dbv arg,
    struct unit **out, struct svc_err *err)
{
	struct unit *u;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, sql, &arg, 1, &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	u = arena_alloc(a, sizeof(*u));
	if (r == 1 && u != NULL)
		unit_from_row(q, a, u);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (u == NULL)
		return rec_oom(err);
	if (r != 1)
		return SVC_ENOTFOUND;
	*out = u;
	return SVC_OK;
}

enum svc_code
unit_get(struct db *db, struct arena *a, int64_t id, struct unit **out,
    struct svc_err *err)
{
	enum svc_code rc;

	rc = unit_one(db, a, "SELECT " UNIT_COLS " FROM " UNIT_FROM
	    " WHERE u.id = ?", DB_I(id), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_ENOTFOUND, "id", "unit %lld not found",
		    (long long)id);
	return rc;
}

enum svc_code
unit_get_by_serial(struct db *db, struct arena *a, const char *serial,
    struct unit **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = unit_one(db, a, "SELECT " UNIT_COLS " FROM " UNIT_FROM
	    " WHERE u.serial = ?", DB_S(serial), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_ENOTFOUND, "serial", "not_found",
		    "unit '%s' not found", serial);
	return rc;
}

static const struct rec_sort unit_sorts[] = {
	{ "id", "u.id", false },
	{ "serial", "u.serial", true },
	{ "purchase_date", "u.purchase_date", false },
	{ "warranty_end", "u.warranty_end", false },
	{ NULL, NULL, false },
};

enum svc_code
unit_list(struct db *db, struct arena *a, const struct unit_filter *f,
    const struct rec_page *pg, struct unit ***items, size_t *n, char **next,
    struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, UNIT_COLS, UNIT_FROM, "u.id", unit_sorts,
	    pg, err);
	if (rc)
		return rc;
	if (f->customer_id != 0) {
		rec_cond(&q, " AND u.customer_id = ?");
		rec_arg(&q, DB_I(f->customer_id));
	}
	if (f->model_id != 0) {
		rec_cond(&q, " AND u.model_id = ?");
		rec_arg(&q, DB_I(f->model_id));
	}
	if (f->contract_id != 0) {
		rec_cond(&q, " AND (u.contract_id = ? OR u.id IN (SELECT"
		    " unit_id FROM contract_units WHERE contract_id = ?))");
		rec_arg(&q, DB_I(f->contract_id));
		rec_arg(&q, DB_I(f->contract_id));
	}
	if (f->serial_prefix != NULL && f->serial_prefix[0] != '\0') {
		rec_cond(&q, " AND u.serial LIKE ?" REC_ESC);
		rec_arg(&q, DB_S(rec_like(a, f->serial_prefix, true)));
	}
	return rec_query_run(&q, db, a, UNIT_NCOLS, sizeof(struct unit),
	    unit_from_row, (void ***)items, n, next, err);
}

/* ----- warranty ----- */

/*
 * The months that decide u's warranty: the contract's override or the
 * model's.  Checks model and contract on the way (fields model_id,
 * contract_id).
 */
static enum svc_code
unit_months(struct db *db, const struct unit *u, int64_t *months,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int64_t cust = 0, cm = REC_NULL;
	bool found = false, sales = false;

	rc = db_one_i64(db, "SELECT warranty_months FROM product_models"
	    " WHERE id = ?", DB_ARGS(DB_I(u->model_id)), months, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_EINVAL, "model_id", "not_found",
		    "product model %lld not found", (long long)u->model_id);
	if (rc)
		return rc;
	if (u->contract_id == 0)
		return SVC_OK;
	rc = db_query(db, "SELECT customer_id, kind, warranty_months"
	    " FROM contracts WHERE id = ?", DB_ARGS(DB_I(u->contract_id)), &q,
	    err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		found = true;
		cust = db_i64(q, 0);
		sales = strcmp(db_str(q, 1), "sales") == 0;
		cm = db_null(q, 2) ? REC_NULL : db_i64(q, 2);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (!found)
		return svc_fail_field(err, SVC_EINVAL, "contract_id",
		    "not_found", "contract %lld not found",
		    (long long)u->contract_id);
	if (!sales)
		return svc_fail_field(err, SVC_EINVAL, "contract_id",
		    "not_allowed", "a unit's contract must be a sales contract"
		    " (maintenance contracts list the units they cover)");
	if (cust != u->customer_id)
		return svc_fail_field(err, SVC_EINVAL, "contract_id",
		    "not_allowed", "contract %lld belongs to another customer",
		    (long long)u->contract_id);
	if (cm != REC_NULL)
		*months = cm;
	return SVC_OK;
}

void
warranty_verdict_to_json(struct jw *w, const struct warranty_verdict *v)
{
	jw_obj_open(w);
	jw_ki64(w, "unit_id", v->unit_id);
	jw_kbool(w, "in_warranty", v->in_warranty);
	rec_kdate(w, "on_date", v->on_date);
	rec_kdate(w, "purchase_date", v->purchase_date);
	rec_kdate(w, "warranty_end", v->warranty_end);
	jw_ki64(w, "months", v->months);
	jw_kstr(w, "source", v->by_contract ? "contract" : "model");
	jw_kstr(w, "rule", v->rule);
	jw_obj_close(w);
}

enum svc_code
unit_warranty_verdict(struct db *db, struct arena *a, int64_t unit_id,
    int on, struct warranty_verdict *v, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	char pd[16], end[16];
	char *model_no = NULL, *contract_no = NULL;
	int64_t mm = 0, cm = REC_NULL;
	int r;

	memset(v, 0, sizeof(*v));
	v->unit_id = unit_id;
	v->on_date = on != 0 ? on : ymd_today();
	rc = db_query(db, "SELECT u.purchase_date, m.model_no,"
	    " m.warranty_months, c.contract_no, c.warranty_months"
	    " FROM sold_units u JOIN product_models m ON m.id = u.model_id"
	    " LEFT JOIN contracts c ON c.id = u.contract_id WHERE u.id = ?",
	    DB_ARGS(DB_I(unit_id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	if (r == 1) {
		v->purchase_date = (int)db_i64(q, 0);
		model_no = db_dup(q, 1, a);
		mm = db_i64(q, 2);
		contract_no = db_dup(q, 3, a);
		cm = db_null(q, 4) ? REC_NULL : db_i64(q, 4);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "unit_id",
		    "unit %lld not found", (long long)unit_id);
	v->by_contract = contract_no != NULL && cm != REC_NULL;
	v->months = v->by_contract ? cm : mm;
	v->warranty_end = warranty_end_of(v->purchase_date, (int)v->months);
	v->in_warranty = v->purchase_date <= v->on_date &&
	    v->on_date <= v->warranty_end;
	ymd_format(v->purchase_date, pd, sizeof(pd));
	ymd_format(v->warranty_end, end, sizeof(end));
	if (v->by_contract)
		v->rule = arena_printf(a, "purchase_date %s + %lld months "
		    "(contract %s overrides model %s's %lld months): in "
		    "warranty through %s", pd, (long long)v->months,
		    contract_no, model_no, (long long)mm, end);
	else
		v->rule = arena_printf(a, "purchase_date %s + %lld months "
		    "(model %s): in warranty through %s", pd,
		    (long long)v->months, model_no, end);
	if (v->months == 0)
		v->rule = arena_printf(a, "%s (no warranty)", v->rule);
	return SVC_OK;
}

struct recompute_row {
	int64_t id;
	int old_end;
	int new_end;
};

enum svc_code
unit_recompute_warranty(struct db *db, struct arena *a,
    const struct actor *who, const char *where, int64_t arg,
    int64_t *changed, struct svc_err *err)
{
	struct recompute_row *rows;
	struct buf sql, list;
	struct dbq *q;
	enum svc_code rc;
	size_t n;
	int64_t now = clock_now(), cnt = 0;
	char b[16], af[16];

	buf_init(&sql, 4096);
	buf_addf(&sql, "SELECT u.id, u.purchase_date, u.warranty_end,"
	    " m.warranty_months, c.warranty_months FROM sold_units u"
	    " JOIN product_models m ON m.id = u.model_id"
	    " LEFT JOIN contracts c ON c.id = u.contract_id WHERE %s"
	    " ORDER BY u.id", where);
	rc = db_query(db, sql.p, DB_ARGS(DB_I(arg)), &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	buf_init(&list, (size_t)1 << 30);
	while (db_next(q) == 1) {
		struct recompute_row r;
		int64_t months = db_null(q, 4) ? db_i64(q, 3) : db_i64(q, 4);

		r.id = db_i64(q, 0);
		r.old_end = (int)db_i64(q, 2);
		r.new_end = warranty_end_of((int)db_i64(q, 1), (int)months);
		if (r.new_end != r.old_end)
			buf_add(&list, &r, sizeof(r));
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && list.failed)
		rc = svc_fail(err, SVC_ETOOBIG, NULL, "too many units to "
		    "recompute in one change");
	rows = (struct recompute_row *)(void *)list.p;
	n = list.len / sizeof(*rows);
	for (size_t i = 0; rc == SVC_OK && i < n; i++) {
		rc = db_exec(db, "UPDATE sold_units SET warranty_end = ?,"
		    " version = version + 1, updated_at = ? WHERE id = ?",
		    DB_ARGS(DB_I(rows[i].new_end), DB_I(now), DB_I(rows[i].id)),
		    NULL, err);
		if (rc)
			break;
		ymd_format(rows[i].old_end, b, sizeof(b));
		ymd_format(rows[i].new_end, af, sizeof(af));
		rc = audit_write(db, who, "warranty_recompute", "sold_unit",
		    rows[i].id, arena_printf(a, "{\"warranty_end\":\"%s\"}", b),
		    arena_printf(a, "{\"warranty_end\":\"%s\"}", af), err);
		cnt++;
	}
	buf_release(&list);
	if (changed != NULL)
		*changed = cnt;
	return rc;
}

/* ----- create / update ----- */

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Everything but references (unit_months() checks model and contract). */
static enum svc_code
unit_check(const struct unit *u, struct svc_err *err)
{
	enum svc_code rc;

	rc = rec_text_ok(err, "sale_order_no", u->sale_order_no, 0, 50,
	    REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "invoice_no", u->invoice_no, 0, 50,
		    REC_LINE);
	if (rc == SVC_OK)
		rc = rec_date_ok(err, "purchase_date", u->purchase_date, false);
	if (rc == SVC_OK)
		rc = rec_date_ok(err, "delivery_date", u->delivery_date, true);
	if (rc == SVC_OK && u->delivery_date != 0 &&
	    u->delivery_date < u->purchase_date)
		rc = svc_fail_field(err, SVC_EINVAL, "delivery_date",
		    "out_of_range", "'delivery_date' cannot be before "
		    "'purchase_date'");
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "quantity", u->quantity, 1, 1000000);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "amount_fen", u->amount_fen, 0,
		    1000000000000LL);
	if (rc == SVC_OK && u->usage_years != REC_NULL)
		rc = rec_range_ok(err, "usage_years", u->usage_years, 0, 100);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "wear", u->wear, 0, 500, REC_MULTI);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "repair_history", u->repair_history, 0,
		    2000, REC_MULTI);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "known_faults", u->known_faults, 0, 2000,
		    REC_MULTI);
	return rc;
}

static enum svc_code
customer_ok(struct db *db, int64_t id, struct svc_err *err)
{
	if (id == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id",
		    "required", "'customer_id' is required");
	return rec_ref_ok(db, err, "customer_id", "customers", "customer", id);
}

enum svc_code
unit_create(struct db *db, struct arena *a, const struct actor *who,
    const struct unit *d, struct unit **out, struct svc_err *err)
{
	struct unit u = *d;
	enum svc_code rc;
	int64_t id, months = 0, now = clock_now();

	u.sale_order_no = or_empty(u.sale_order_no);
	u.invoice_no = or_empty(u.invoice_no);
	u.wear = or_empty(u.wear);
	u.repair_history = or_empty(u.repair_history);
	u.known_faults = or_empty(u.known_faults);
	rc = rec_text_ok(err, "serial", u.serial, 1, 64, REC_CODE);
	if (rc == SVC_OK && u.model_id == 0)
		rc = svc_fail_field(err, SVC_EINVAL, "model_id", "required",
		    "'model_id' is required");
	if (rc == SVC_OK)
		rc = unit_check(&u, err);
	if (rc == SVC_OK)
		rc = customer_ok(db, u.customer_id, err);
	if (rc == SVC_OK)
		rc = unit_months(db, &u, &months, err);
	if (rc == SVC_OK)
		rc = rec_unique_ok(db, err, "serial", "SELECT count(*) FROM"
		    " sold_units WHERE serial = ?", u.serial, "serial number");
	if (rc)
		return rc;
	u.warranty_end = warranty_end_of(u.purchase_date, (int)months);
	rc = db_one_i64(db, "INSERT INTO sold_units (serial, model_id,"
	    " customer_id, contract_id, sale_order_no, invoice_no,"
	    " purchase_date, delivery_date, quantity, amount_fen, warranty_end,"
	    " used, usage_years, wear, repair_history, known_faults, version,"
	    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(u.serial), DB_I(u.model_id), DB_I(u.customer_id),
	    DB_ID(u.contract_id), DB_S(u.sale_order_no), DB_S(u.invoice_no),
	    DB_I(u.purchase_date), DB_ID(u.delivery_date), DB_I(u.quantity),
	    DB_I(u.amount_fen), DB_I(u.warranty_end), DB_I(u.used),
	    u.usage_years == REC_NULL ? DB_NULL : DB_I(u.usage_years),
	    DB_S(u.wear), DB_S(u.repair_history), DB_S(u.known_faults),
	    DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = unit_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "sold_unit", id, NULL,
		    rec_json_text(a, unit_json, *out), err);
	if (rc == SVC_OK)
		rc = master_index_unit(db, a, id, err);
	return rc;
}

enum svc_code
unit_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct unit *d, unsigned mask,
    struct unit **out, struct svc_err *err)
{
	struct unit *cur, u;
	enum svc_code rc;
	int64_t changed, months = 0, n;
	char *before;

	rc = unit_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, unit_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "unit", expected, before);
	u = *cur;
	if (mask & UNF_MODEL)
		u.model_id = d->model_id;
	if (mask & UNF_CUSTOMER)
		u.customer_id = d->customer_id;
	if (mask & UNF_CONTRACT)
		u.contract_id = d->contract_id;
	if (mask & UNF_ORDER)
		u.sale_order_no = or_empty(d->sale_order_no);
	if (mask & UNF_INVOICE)
		u.invoice_no = or_empty(d->invoice_no);
	if (mask & UNF_PURCHASE)
		u.purchase_date = d->purchase_date;
	if (mask & UNF_DELIVERY)
		u.delivery_date = d->delivery_date;
	if (mask & UNF_QTY)
		u.quantity = d->quantity;
	if (mask & UNF_AMOUNT)
		u.amount_fen = d->amount_fen;
	if (mask & UNF_USED)
		u.used = d->used;
	if (mask & UNF_USAGE)
		u.usage_years = d->usage_years;
	if (mask & UNF_WEAR)
		u.wear = or_empty(d->wear);
	if (mask & UNF_REPAIRS)
		u.repair_history = or_empty(d->repair_history);
	if (mask & UNF_FAULTS)
		u.known_faults = or_empty(d->known_faults);
	if (u.model_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "model_id", "required",
		    "'model_id' is required");
	rc = unit_check(&u, err);
	if (rc == SVC_OK && u.customer_id != cur->customer_id)
		rc = customer_ok(db, u.customer_id, err);
	if (rc == SVC_OK)
		rc = unit_months(db, &u, &months, err);
	if (rc)
		return rc;
	if (u.customer_id != cur->customer_id) {
		rc = db_one_i64(db, "SELECT count(*) FROM contract_units cu"
		    " JOIN contracts c ON c.id = cu.contract_id"
		    " WHERE cu.unit_id = ? AND c.customer_id <> ?",
		    DB_ARGS(DB_I(id), DB_I(u.customer_id)), &n, err);
		if (rc)
			return rc;
		if (n > 0)
			return svc_fail_field(err, SVC_EINVAL, "customer_id",
			    "covered", "the unit is covered by a maintenance "
			    "contract of its customer; take it off that "
			    "contract first");
	}
	u.warranty_end = warranty_end_of(u.purchase_date, (int)months);
	rc = db_exec(db, "UPDATE sold_units SET model_id = ?, customer_id = ?,"
	    " contract_id = ?, sale_order_no = ?, invoice_no = ?,"
	    " purchase_date = ?, delivery_date = ?, quantity = ?,"
	    " amount_fen = ?, warranty_end = ?, used = ?, usage_years = ?,"
	    " wear = ?, repair_history = ?, known_faults = ?,"
	    " version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_I(u.model_id), DB_I(u.customer_id), DB_ID(u.contract_id),
	    DB_S(u.sale_order_no), DB_S(u.invoice_no), DB_I(u.purchase_date),
	    DB_ID(u.delivery_date), DB_I(u.quantity), DB_I(u.amount_fen),
	    DB_I(u.warranty_end), DB_I(u.used),
	    u.usage_years == REC_NULL ? DB_NULL : DB_I(u.usage_years),
	    DB_S(u.wear), DB_S(u.repair_history), DB_S(u.known_faults),
	    DB_I(clock_now()), DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "unit", expected, before);
	rc = unit_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "sold_unit", id, before,
		    rec_json_text(a, unit_json, *out), err);
	if (rc == SVC_OK)
		rc = master_index_unit(db, a, id, err);
	return rc;
}

int
warranty_end_of(int purchase, int months)
{
	return ymd_add_days(ymd_add_months(purchase, months), -1);
}
