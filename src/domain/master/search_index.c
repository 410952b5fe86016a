/*
 * search_index — master data in the search index (SPEC §5.7): a customer by
 * code, phone, name, address and its contacts; a sold unit by serial, model,
 * customer, sale order and invoice; a spare part by code and name (the
 * stock lists find parts through it).  Built from the tables, so every path
 * that changes one of them calls the same function inside its transaction.
 */
#include "domain/master/master.h"
#include "domain/search/search.h"

enum svc_code
master_index_customer(struct db *db, struct arena *a, int64_t id,
    struct svc_err *err)
{
	struct search_doc d = { .kind = "customer", .ref_id = id,
		.customer_id = id };
	struct dbq *q;
	struct buf body;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT code, phone, name, address, region FROM"
	    " customers WHERE id = ?", DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	buf_init(&body, 64 * 1024);
	got = db_next(q);
	if (got == 1) {
		d.number = arena_printf(a, "%s %s", db_str(q, 0), db_str(q, 1));
		d.title = db_dup(q, 2, a);
		buf_addf(&body, "%s %s", db_str(q, 3), db_str(q, 4));
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && got == 1)
		rc = db_query(db, "SELECT name, phone, email FROM customer_contacts"
		    " WHERE customer_id = ? ORDER BY id LIMIT 50",
		    DB_ARGS(DB_I(id)), &q, err);
	if (rc == SVC_OK && got == 1) {
		while (db_next(q) == 1)
			buf_addf(&body, " %s %s %s", db_str(q, 0), db_str(q, 1),
			    db_str(q, 2));
		rc = db_done(q, err);
	}
	d.body = arena_strndup(a, body.p, body.len);
	buf_release(&body);
	if (rc)
		return rc;
	if (got != 1)
		return search_delete(db, "customer", id, err);
	return search_put(db, &d, err);
}

enum svc_code
master_index_unit(struct db *db, struct arena *a, int64_t id,
    struct svc_err *err)
{
	struct search_doc d = { .kind = "unit", .ref_id = id };
	struct dbq *q;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT u.serial, u.customer_id, m.model_no, m.name,"
	    " c.name, u.sale_order_no, u.invoice_no, u.known_faults"
	    " FROM sold_units u JOIN product_models m ON m.id = u.model_id"
	    " JOIN customers c ON c.id = u.customer_id WHERE u.id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	if (got == 1) {
		d.number = db_dup(q, 0, a);
		d.customer_id = db_i64(q, 1);
		d.title = arena_printf(a, "%s %s", db_str(q, 2), db_str(q, 3));
		d.body = arena_printf(a, "%s %s %s %s", db_str(q, 4),
		    db_str(q, 5), db_str(q, 6), db_str(q, 7));
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1)
		return search_delete(db, "unit", id, err);
	return search_put(db, &d, err);
}

enum svc_code
master_index_part(struct db *db, struct arena *a, int64_t id,
    struct svc_err *err)
{
	struct search_doc d = { .kind = "part", .ref_id = id };
	struct dbq *q;
	enum svc_code rc;
	int got;

	rc = db_query(db, "SELECT code, name, unit FROM parts WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	got = db_next(q);
	if (got == 1) {
		d.number = db_dup(q, 0, a);
		d.title = db_dup(q, 1, a);
		d.body = db_dup(q, 2, a);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (got != 1)
		return search_delete(db, "part", id, err);
	return search_put(db, &d, err);
}
