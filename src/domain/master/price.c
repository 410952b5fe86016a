/*
 * price — the price list (收费标准): labour rates, onsite and travel fees,
 * parts prices; published to customers (seed 003 §五).
 *
 * Invariants: codes never change; an item of kind "part" names its part,
 * other kinds name none.
 */
#include "domain/master/internal.h"

#include <string.h>

#include "util/clock.h"

const char *const price_kinds[] = { "labour", "onsite", "travel", "part",
	"other", NULL };

#define PRICE_COLS "id, code, kind, name, unit, price_fen, part_id, active," \
	" version, created_at, updated_at"
#define PRICE_NCOLS 11

static void
price_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct price_item *p = item;

	p->id = db_i64(q, 0);
	p->code = db_dup(q, 1, a);
	p->kind = db_dup(q, 2, a);
	p->name = db_dup(q, 3, a);
	p->unit = db_dup(q, 4, a);
	p->price_fen = db_i64(q, 5);
	p->part_id = db_i64(q, 6);
	p->active = db_i64(q, 7) != 0;
	p->version = db_i64(q, 8);
	p->created_at = db_i64(q, 9);
	p->updated_at = db_i64(q, 10);
}

void
price_to_json(struct jw *w, const struct price_item *p)
{
	jw_obj_open(w);
	jw_ki64(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "kind", p->kind);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "unit", p->unit);
	jw_ki64(w, "price_fen", p->price_fen);
	jw_kid(w, "part_id", p->part_id);
	jw_kbool(w, "active", p->active);
	jw_ki64(w, "version", p->version);
	jw_ktime(w, "created_at", p->created_at);
	jw_ktime(w, "updated_at", p->updated_at);
	jw_obj_close(w);
}

static void
price_json(struct jw *w, const void *p)
{
	price_to_json(w, p);
}

enum svc_code
price_get(struct db *db, struct arena *a, int64_t id,
    struct price_item **out, struct svc_err *err)
{
	struct price_item *p;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " PRICE_COLS " FROM price_items WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	p = arena_alloc(a, sizeof(*p));
	if (r == 1 && p != NULL)
		price_from_row(q, a, p);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (p == NULL)
		return rec_oom(err);
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "price item %lld not found", (long long)id);
	*out = p;
	return SVC_OK;
}

static const struct rec_sort price_sorts[] = {
	{ "id", "id", false },
	{ "code", "code", true },
	{ "name", "name", true },
	{ NULL, NULL, false },
};

enum svc_code
price_list(struct db *db, struct arena *a, const struct price_filter *f,
    const struct rec_page *pg, struct price_item ***items, size_t *n,
    char **next, struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, PRICE_COLS, "price_items", "id",
	    price_sorts, pg, err);
	if (rc)
		return rc;
	if (f->q != NULL && f->q[0] != '\0') {
		const char *like = rec_like(a, f->q, false);

		rec_cond(&q, " AND (lower(code) LIKE lower(?)" REC_ESC
		    " OR lower(name) LIKE lower(?)" REC_ESC ")");
		rec_arg(&q, DB_S(like));
		rec_arg(&q, DB_S(like));
	}
	if (f->kind != NULL) {
		rec_cond(&q, " AND kind = ?");
		rec_arg(&q, DB_S(f->kind));
	}
	if (f->active >= 0) {
		rec_cond(&q, " AND active = ?");
		rec_arg(&q, DB_I(f->active));
	}
	return rec_query_run(&q, db, a, PRICE_NCOLS, sizeof(struct price_item),
	    price_from_row, (void ***)items, n, next, err);
}

static enum svc_code
price_check(struct db *db, const struct price_item *p, bool part_changed,
    struct svc_err *err)
{
	enum svc_code rc;

	rc = rec_enum_ok(err, "kind", p->kind, price_kinds);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "name", p->name, 1, 200, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "unit", p->unit, 1, 10, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "price_fen", p->price_fen, 0,
		    1000000000000LL);
	if (rc)
		return rc;
	if (strcmp(p->kind, "part") == 0 && p->part_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "part_id", "required",
		    "an item of kind 'part' names its part in 'part_id'");
	if (strcmp(p->kind, "part") != 0 && p->part_id != 0)
		return svc_fail_field(err, SVC_EINVAL, "part_id", "not_allowed",
		    "only items of kind 'part' name a part");
	if (part_changed && p->part_id != 0)
		return rec_ref_ok(db, err, "part_id", "parts", "part",
		    p->part_id);
	return SVC_OK;
}

enum svc_code
price_create(struct db *db, struct arena *a, const struct actor *who,
    const struct price_item *d, struct price_item **out, struct svc_err *err)
{
	struct price_item p = *d;
	enum svc_code rc;
	int64_t id, now = clock_now();

	if (p.unit == NULL || p.unit[0] == '\0')
		p.unit = "次";
	rc = rec_text_ok(err, "code", p.code, 1, 50, REC_CODE);
	if (rc == SVC_OK)
		rc = price_check(db, &p, true, err);
	if (rc == SVC_OK)
		rc = rec_unique_ok(db, err, "code", "SELECT count(*) FROM"
		    " price_items WHERE code = ?", p.code, "price item code");
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO price_items (code, kind, name, unit,"
	    " price_fen, part_id, active, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(p.code), DB_S(p.kind), DB_S(p.name), DB_S(p.unit),
	    DB_I(p.price_fen), DB_ID(p.part_id), DB_I(now), DB_I(now)), &id,
	    err);
	if (rc == SVC_OK)
		rc = price_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "price_item", id, NULL,
		    rec_json_text(a, price_json, *out), err);
	return rc;
}

enum svc_code
price_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct price_item *d, unsigned mask,
    struct price_item **out, struct svc_err *err)
{
	struct price_item *cur, p;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = price_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, price_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "price item", expected, before);
	p = *cur;
	if (mask & PIF_KIND)
		p.kind = d->kind;
	if (mask & PIF_NAME)
		p.name = d->name;
	if (mask & PIF_UNIT)
		p.unit = d->unit;
	if (mask & PIF_PRICE)
		p.price_fen = d->price_fen;
	if (mask & PIF_PART)
		p.part_id = d->part_id;
	if (mask & PIF_ACTIVE)
		p.active = d->active;
	rc = price_check(db, &p, (mask & PIF_PART) != 0, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE price_items SET kind = ?, name = ?, unit = ?,"
	    " price_fen = ?, part_id = ?, active = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(p.kind), DB_S(p.name), DB_S(p.unit), DB_I(p.price_fen),
	    DB_ID(p.part_id), DB_I(p.active), DB_I(clock_now()), DB_I(id),
	    DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "price item", expected, before);
	rc = price_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "price_item", id, before,
		    rec_json_text(a, price_json, *out), err);
	return rc;
}
