/*
 * sales — sales records per customer (from the ERP, by CSV or the API):
 * the base of the exchange ratio (SPEC §4.3).
 *
 * Invariants: a record is a fact and is never changed; it may be deleted
 * (audited with the record as it was); a non-empty reference is unique per
 * customer, so importing the same ERP file twice does not count twice.
 */
#include "domain/master/internal.h"

#include <string.h>

#include "util/clock.h"

#define SALES_COLS "s.id, s.customer_id, s.model_id, s.sale_date," \
	" s.quantity, s.amount_fen, s.reference, s.created_at, cu.code," \
	" m.model_no"
#define SALES_NCOLS 10
#define SALES_FROM "sales_records s" \
	" JOIN customers cu ON cu.id = s.customer_id" \
	" LEFT JOIN product_models m ON m.id = s.model_id"

static void
sales_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct sales_record *s = item;

	s->id = db_i64(q, 0);
	s->customer_id = db_i64(q, 1);
	s->model_id = db_i64(q, 2);
	s->sale_date = (int)db_i64(q, 3);
	s->quantity = db_i64(q, 4);
	s->amount_fen = db_i64(q, 5);
	s->reference = db_dup(q, 6, a);
	s->created_at = db_i64(q, 7);
	s->customer_code = db_dup(q, 8, a);
	s->model_no = db_dup(q, 9, a);
}

void
sales_to_json(struct jw *w, const struct sales_record *s)
{
	jw_obj_open(w);
	jw_ki64(w, "id", s->id);
	jw_ki64(w, "customer_id", s->customer_id);
	jw_kstr(w, "customer_code", s->customer_code);
	jw_kid(w, "model_id", s->model_id);
	jw_kstr(w, "model_no", s->model_no);
	rec_kdate(w, "sale_date", s->sale_date);
	jw_ki64(w, "quantity", s->quantity);
	jw_ki64(w, "amount_fen", s->amount_fen);
	jw_kstr(w, "reference", s->reference);
	jw_ktime(w, "created_at", s->created_at);
	jw_obj_close(w);
}

static void
sales_json(struct jw *w, const void *s)
{
	sales_to_json(w, s);
}

enum svc_code
sales_get(struct db *db, struct arena *a, int64_t id,
    struct sales_record **out, struct svc_err *err)
{
	struct sales_record *s;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " SALES_COLS " FROM " SALES_FROM
	    " WHERE s.id = ?", DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	s = arena_alloc(a, sizeof(*s));
	if (r == 1 && s != NULL)
		sales_from_row(q, a, s);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (s == NULL)
		return rec_oom(err);
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "sales record %lld not found", (long long)id);
	*out = s;
	return SVC_OK;
}

static const struct rec_sort sales_sorts[] = {
	{ "id", "s.id", false },
	{ "sale_date", "s.sale_date", false },
	{ NULL, NULL, false },
};

enum svc_code
sales_list(struct db *db, struct arena *a, const struct sales_filter *f,
    const struct rec_page *pg, struct sales_record ***items, size_t *n,
    char **next, struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, SALES_COLS, SALES_FROM, "s.id", sales_sorts,
	    pg, err);
	if (rc)
		return rc;
	if (f->customer_id != 0) {
		rec_cond(&q, " AND s.customer_id = ?");
		rec_arg(&q, DB_I(f->customer_id));
	}
	if (f->model_id != 0) {
		rec_cond(&q, " AND s.model_id = ?");
		rec_arg(&q, DB_I(f->model_id));
	}
	if (f->from != 0) {
		rec_cond(&q, " AND s.sale_date >= ?");
		rec_arg(&q, DB_I(f->from));
	}
	if (f->to != 0) {
		rec_cond(&q, " AND s.sale_date <= ?");
		rec_arg(&q, DB_I(f->to));
	}
	return rec_query_run(&q, db, a, SALES_NCOLS,
	    sizeof(struct sales_record), sales_from_row, (void ***)items, n,
	    next, err);
}

enum svc_code
sales_create(struct db *db, struct arena *a, const struct actor *who,
    const struct sales_record *d, struct sales_record **out,
    struct svc_err *err)
{
	struct sales_record s = *d;
	enum svc_code rc;
	int64_t id, n = 0;

	if (s.reference == NULL)
		s.reference = "";
	if (s.customer_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "customer_id",
		    "required", "'customer_id' is required");
	rc = rec_ref_ok(db, err, "customer_id", "customers", "customer",
	    s.customer_id);
	if (rc == SVC_OK && s.model_id != 0)
		rc = rec_ref_ok(db, err, "model_id", "product_models",
		    "product model", s.model_id);
	if (rc == SVC_OK)
		rc = rec_date_ok(err, "sale_date", s.sale_date, false);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "quantity", s.quantity, 0, 1000000000);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "amount_fen", s.amount_fen, 0,
		    100000000000000LL);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "reference", s.reference, 0, 100,
		    REC_LINE);
	if (rc == SVC_OK && s.reference[0] != '\0')
		rc = db_one_i64(db, "SELECT count(*) FROM sales_records"
		    " WHERE customer_id = ? AND reference = ?",
		    DB_ARGS(DB_I(s.customer_id), DB_S(s.reference)), &n, err);
	if (rc)
		return rc;
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, "reference", "taken",
		    "the customer already has a sales record '%s'",
		    s.reference);
	rc = db_one_i64(db, "INSERT INTO sales_records (customer_id, model_id,"
	    " sale_date, quantity, amount_fen, reference, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    DB_ARGS(DB_I(s.customer_id), DB_ID(s.model_id), DB_I(s.sale_date),
	    DB_I(s.quantity), DB_I(s.amount_fen), DB_S(s.reference),
	    DB_I(clock_now())), &id, err);
	if (rc == SVC_OK)
		rc = sales_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "sales_record", id, NULL,
		    rec_json_text(a, sales_json, *out), err);
	return rc;
}

enum svc_code
sales_delete(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, struct svc_err *err)
{
	struct sales_record *cur;
	enum svc_code rc;

	rc = sales_get(db, a, id, &cur, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "DELETE FROM sales_records WHERE id = ?",
		    DB_ARGS(DB_I(id)), NULL, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "delete", "sales_record", id,
		    rec_json_text(a, sales_json, cur), NULL, err);
	return rc;
}

enum svc_code
sales_totals(struct db *db, int64_t customer_id, int from, int to,
    struct sales_total *t, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;

	memset(t, 0, sizeof(*t));
	rc = db_query(db, "SELECT count(*), coalesce(sum(quantity), 0),"
	    " coalesce(sum(amount_fen), 0), coalesce(min(sale_date), 0),"
	    " coalesce(max(sale_date), 0) FROM sales_records"
	    " WHERE customer_id = ? AND sale_date >= ? AND sale_date <= ?",
	    DB_ARGS(DB_I(customer_id), DB_I(from), DB_I(to ? to : 99991231)),
	    &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		t->count = db_i64(q, 0);
		t->quantity = db_i64(q, 1);
		t->amount_fen = db_i64(q, 2);
		t->first_date = (int)db_i64(q, 3);
		t->last_date = (int)db_i64(q, 4);
	}
	return db_done(q, err);
}
