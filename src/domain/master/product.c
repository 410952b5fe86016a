/*
 * product — product models (型号), spare parts (备件) and each model's bill
 * of parts (for FRACAS and part replacement).
 *
 * Invariants: model numbers and part codes never change; a bill of parts
 * names each part once, with a quantity of at least 1; changing a model's
 * warranty_months recomputes the warranty of its units that have no
 * contract override (see master.h).
 */
#include "domain/master/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* ----- product models ----- */

#define MODEL_COLS "id, model_no, name, category, business_unit_id," \
	" warranty_months, active, version, created_at, updated_at"
#define MODEL_NCOLS 10

static void
model_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct product_model *m = item;

	m->id = db_i64(q, 0);
	m->model_no = db_dup(q, 1, a);
	m->name = db_dup(q, 2, a);
	m->category = db_dup(q, 3, a);
	m->business_unit_id = db_i64(q, 4);
	m->warranty_months = db_i64(q, 5);
	m->active = db_i64(q, 6) != 0;
	m->version = db_i64(q, 7);
	m->created_at = db_i64(q, 8);
	m->updated_at = db_i64(q, 9);
}

void
model_to_json(struct jw *w, const struct product_model *m)
{
	jw_obj_open(w);
	jw_ki64(w, "id", m->id);
	jw_kstr(w, "model_no", m->model_no);
	jw_kstr(w, "name", m->name);
	jw_kstr(w, "category", m->category);
	jw_kid(w, "business_unit_id", m->business_unit_id);
	jw_ki64(w, "warranty_months", m->warranty_months);
	jw_kbool(w, "active", m->active);
	jw_ki64(w, "version", m->version);
	jw_ktime(w, "created_at", m->created_at);
	jw_ktime(w, "updated_at", m->updated_at);
	jw_obj_close(w);
}

static void
model_json(struct jw *w, const void *m)
{
	model_to_json(w, m);
}

static enum svc_code
model_one(struct db *db, struct arena *a, const char *sql, struct dbv arg,
    struct product_model **out, struct svc_err *err)
{
	struct product_model *m;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, sql, &arg, 1, &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	m = arena_alloc(a, sizeof(*m));
	if (r == 1 && m != NULL)
		model_from_row(q, a, m);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (m == NULL)
		return rec_oom(err);
	if (r != 1)
		return SVC_ENOTFOUND;
	*out = m;
	return SVC_OK;
}

enum svc_code
model_get(struct db *db, struct arena *a, int64_t id,
    struct product_model **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = model_one(db, a, "SELECT " MODEL_COLS " FROM product_models"
	    " WHERE id = ?", DB_I(id), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "product model %lld not found", (long long)id);
	return rc;
}

enum svc_code
model_get_by_no(struct db *db, struct arena *a, const char *no,
    struct product_model **out, struct svc_err *err)
{
	enum svc_code rc;

	rc = model_one(db, a, "SELECT " MODEL_COLS " FROM product_models"
	    " WHERE model_no = ?", DB_S(no), out, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_ENOTFOUND, "model_no",
		    "not_found", "product model '%s' not found", no);
	return rc;
}

static const struct rec_sort model_sorts[] = {
	{ "id", "id", false },
	{ "model_no", "model_no", true },
	{ "name", "name", true },
	{ NULL, NULL, false },
};

enum svc_code
model_list(struct db *db, struct arena *a, const struct model_filter *f,
    const struct rec_page *pg, struct product_model ***items, size_t *n,
    char **next, struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, MODEL_COLS, "product_models", "id",
	    model_sorts, pg, err);
	if (rc)
		return rc;
	if (f->q != NULL && f->q[0] != '\0') {
		const char *like = rec_like(a, f->q, false);

		rec_cond(&q, " AND (lower(model_no) LIKE lower(?)" REC_ESC
		    " OR lower(name) LIKE lower(?)" REC_ESC ")");
		rec_arg(&q, DB_S(like));
		rec_arg(&q, DB_S(like));
	}
	if (f->category != NULL) {
		rec_cond(&q, " AND category = ?");
		rec_arg(&q, DB_S(f->category));
	}
	if (f->active >= 0) {
		rec_cond(&q, " AND active = ?");
		rec_arg(&q, DB_I(f->active));
	}
	return rec_query_run(&q, db, a, MODEL_NCOLS,
	    sizeof(struct product_model), model_from_row, (void ***)items, n,
	    next, err);
}

static enum svc_code
model_check(struct db *db, const struct product_model *m, bool bu_changed,
    struct svc_err *err)
{
	enum svc_code rc;

	rc = rec_text_ok(err, "name", m->name, 1, 200, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "category", m->category, 0, 50, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "warranty_months", m->warranty_months, 0,
		    240);
	if (rc == SVC_OK && bu_changed && m->business_unit_id != 0)
		rc = rec_ref_ok(db, err, "business_unit_id", "departments",
		    "department", m->business_unit_id);
	return rc;
}

enum svc_code
model_create(struct db *db, struct arena *a, const struct actor *who,
    const struct product_model *d, struct product_model **out,
    struct svc_err *err)
{
	struct product_model m = *d;
	enum svc_code rc;
	int64_t id, now = clock_now();

	if (m.category == NULL)
		m.category = "";
	rc = rec_text_ok(err, "model_no", m.model_no, 1, 50, REC_LINE);
	if (rc == SVC_OK)
		rc = model_check(db, &m, true, err);
	if (rc == SVC_OK)
		rc = rec_unique_ok(db, err, "model_no", "SELECT count(*) FROM"
		    " product_models WHERE model_no = ?", m.model_no,
		    "model number");
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO product_models (model_no, name,"
	    " category, business_unit_id, warranty_months, active, version,"
	    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)"
	    " RETURNING id",
	    DB_ARGS(DB_S(m.model_no), DB_S(m.name), DB_S(m.category),
	    DB_ID(m.business_unit_id), DB_I(m.warranty_months), DB_I(now),
	    DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = model_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "product_model", id, NULL,
		    rec_json_text(a, model_json, *out), err);
	return rc;
}

enum svc_code
model_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct product_model *d,
    unsigned mask, struct product_model **out, struct svc_err *err)
{
	struct product_model *cur, m;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = model_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, model_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "product model", expected, before);
	m = *cur;
	if (mask & PMF_NAME)
		m.name = d->name;
	if (mask & PMF_CATEGORY)
		m.category = d->category != NULL ? d->category : "";
	if (mask & PMF_BU)
		m.business_unit_id = d->business_unit_id;
	if (mask & PMF_WARRANTY)
		m.warranty_months = d->warranty_months;
	if (mask & PMF_ACTIVE)
		m.active = d->active;
	rc = model_check(db, &m, (mask & PMF_BU) != 0, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE product_models SET name = ?, category = ?,"
	    " business_unit_id = ?, warranty_months = ?, active = ?,"
	    " version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(m.name), DB_S(m.category), DB_ID(m.business_unit_id),
	    DB_I(m.warranty_months), DB_I(m.active), DB_I(clock_now()),
	    DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "product model", expected, before);
	if (m.warranty_months != cur->warranty_months) {
		rc = unit_recompute_warranty(db, a, who, "u.model_id = ? AND"
		    " (u.contract_id IS NULL OR c.warranty_months IS NULL)",
		    id, NULL, err);
		if (rc)
			return rc;
	}
	rc = model_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "product_model", id, before,
		    rec_json_text(a, model_json, *out), err);
	return rc;
}

/* ----- parts ----- */

#define PART_COLS "id, code, name, unit, price_fen, reorder_point, active," \
	" version, created_at, updated_at"
#define PART_NCOLS 10

static void
part_from_row(struct dbq *q, struct arena *a, void *item)
{
	struct part *p = item;

	p->id = db_i64(q, 0);
	p->code = db_dup(q, 1, a);
	p->name = db_dup(q, 2, a);
	p->unit = db_dup(q, 3, a);
	p->price_fen = db_i64(q, 4);
	p->reorder_point = db_i64(q, 5);
	p->active = db_i64(q, 6) != 0;
	p->version = db_i64(q, 7);
	p->created_at = db_i64(q, 8);
	p->updated_at = db_i64(q, 9);
}

void
part_to_json(struct jw *w, const struct part *p)
{
	jw_obj_open(w);
	jw_ki64(w, "id", p->id);
	jw_kstr(w, "code", p->code);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "unit", p->unit);
	jw_ki64(w, "price_fen", p->price_fen);
	jw_ki64(w, "reorder_point", p->reorder_point);
	jw_kbool(w, "active", p->active);
	jw_ki64(w, "version", p->version);
	jw_ktime(w, "created_at", p->created_at);
	jw_ktime(w, "updated_at", p->updated_at);
	jw_obj_close(w);
}

static void
part_json(struct jw *w, const void *p)
{
	part_to_json(w, p);
}

enum svc_code
part_get(struct db *db, struct arena *a, int64_t id, struct part **out,
    struct svc_err *err)
{
	struct part *p;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " PART_COLS " FROM parts WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	p = arena_alloc(a, sizeof(*p));
	if (r == 1 && p != NULL)
		part_from_row(q, a, p);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (p == NULL)
		return rec_oom(err);
	if (r != 1)
		return svc_fail(err, SVC_ENOTFOUND, "id", "part %lld not found",
		    (long long)id);
	*out = p;
	return SVC_OK;
}

static const struct rec_sort part_sorts[] = {
	{ "id", "id", false },
	{ "code", "code", true },
	{ "name", "name", true },
	{ NULL, NULL, false },
};

enum svc_code
part_list(struct db *db, struct arena *a, const struct part_filter *f,
    const struct rec_page *pg, struct part ***items, size_t *n, char **next,
    struct svc_err *err)
{
	struct rec_query q;
	enum svc_code rc;

	rc = rec_query_begin(&q, a, PART_COLS, "parts", "id", part_sorts, pg,
	    err);
	if (rc)
		return rc;
	if (f->q != NULL && f->q[0] != '\0') {
		const char *like = rec_like(a, f->q, false);

		rec_cond(&q, " AND (lower(code) LIKE lower(?)" REC_ESC
		    " OR lower(name) LIKE lower(?)" REC_ESC ")");
		rec_arg(&q, DB_S(like));
		rec_arg(&q, DB_S(like));
	}
	if (f->active >= 0) {
		rec_cond(&q, " AND active = ?");
		rec_arg(&q, DB_I(f->active));
	}
	return rec_query_run(&q, db, a, PART_NCOLS, sizeof(struct part),
	    part_from_row, (void ***)items, n, next, err);
}

static enum svc_code
part_check(const struct part *p, struct svc_err *err)
{
	enum svc_code rc;

	rc = rec_text_ok(err, "name", p->name, 1, 200, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_text_ok(err, "unit", p->unit, 1, 10, REC_LINE);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "price_fen", p->price_fen, 0,
		    1000000000000LL);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "reorder_point", p->reorder_point, 0,
		    1000000000);
	return rc;
}

enum svc_code
part_create(struct db *db, struct arena *a, const struct actor *who,
    const struct part *d, struct part **out, struct svc_err *err)
{
	struct part p = *d;
	enum svc_code rc;
	int64_t id, now = clock_now();

	if (p.unit == NULL || p.unit[0] == '\0')
		p.unit = "个";
	rc = rec_text_ok(err, "code", p.code, 1, 50, REC_CODE);
	if (rc == SVC_OK)
		rc = part_check(&p, err);
	if (rc == SVC_OK)
		rc = rec_unique_ok(db, err, "code", "SELECT count(*) FROM parts"
		    " WHERE code = ?", p.code, "part code");
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO parts (code, name, unit, price_fen,"
	    " reorder_point, active, version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(p.code), DB_S(p.name), DB_S(p.unit),
	    DB_I(p.price_fen), DB_I(p.reorder_point), DB_I(now), DB_I(now)),
	    &id, err);
	if (rc == SVC_OK)
		rc = part_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "part", id, NULL,
		    rec_json_text(a, part_json, *out), err);
	return rc;
}

enum svc_code
part_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct part *d, unsigned mask,
    struct part **out, struct svc_err *err)
{
	struct part *cur, p;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = part_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = rec_json_text(a, part_json, cur);
	if (cur->version != expected)
		return stale_version(err, a, "part", expected, before);
	p = *cur;
	if (mask & PTF_NAME)
		p.name = d->name;
	if (mask & PTF_UNIT)
		p.unit = d->unit;
	if (mask & PTF_PRICE)
		p.price_fen = d->price_fen;
	if (mask & PTF_REORDER)
		p.reorder_point = d->reorder_point;
	if (mask & PTF_ACTIVE)
		p.active = d->active;
	rc = part_check(&p, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE parts SET name = ?, unit = ?, price_fen = ?,"
	    " reorder_point = ?, active = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(p.name), DB_S(p.unit), DB_I(p.price_fen),
	    DB_I(p.reorder_point), DB_I(p.active), DB_I(clock_now()), DB_I(id),
	    DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "part", expected, before);
	rc = part_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "part", id, before,
		    rec_json_text(a, part_json, *out), err);
	return rc;
}

/* ----- bills of parts ----- */

enum svc_code
model_bom_get(struct db *db, struct arena *a, int64_t model_id,
    struct bom_line **out, size_t *n, struct svc_err *err)
{
	struct bom_line *lines;
	struct dbq *q;
	enum svc_code rc;
	size_t cnt = 0;

	lines = arena_alloc(a, BOM_MAX * sizeof(*lines));
	if (lines == NULL)
		return rec_oom(err);
	rc = db_query(db, "SELECT mp.part_id, mp.quantity, p.code, p.name"
	    " FROM model_parts mp JOIN parts p ON p.id = mp.part_id"
	    " WHERE mp.model_id = ? ORDER BY p.code, p.id",
	    DB_ARGS(DB_I(model_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < BOM_MAX) {
		lines[cnt].part_id = db_i64(q, 0);
		lines[cnt].quantity = db_i64(q, 1);
		lines[cnt].part_code = db_dup(q, 2, a);
		lines[cnt].part_name = db_dup(q, 3, a);
		cnt++;
	}
	rc = db_done(q, err);
	*out = lines;
	*n = cnt;
	return rc;
}

void
bom_to_json(struct jw *w, const struct bom_line *l, size_t n)
{
	jw_arr_open(w);
	for (size_t i = 0; i < n; i++) {
		jw_obj_open(w);
		jw_ki64(w, "part_id", l[i].part_id);
		jw_kstr(w, "part_code", l[i].part_code);
		jw_kstr(w, "part_name", l[i].part_name);
		jw_ki64(w, "quantity", l[i].quantity);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static char *
bom_text(struct arena *a, int64_t version, const struct bom_line *l,
    size_t n)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_ki64(&w, "version", version);
	jw_key(&w, "parts");
	bom_to_json(&w, l, n);
	jw_obj_close(&w);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
model_bom_set(struct db *db, struct arena *a, const struct actor *who,
    int64_t model_id, int64_t expected, const struct bom_line *lines,
    size_t n, struct product_model **out, struct svc_err *err)
{
	struct product_model *cur;
	struct bom_line *old, *now_lines;
	enum svc_code rc;
	size_t nold, nnow;
	int64_t changed;
	char *before, field[48];

	rc = model_get(db, a, model_id, &cur, err);
	if (rc)
		return rc;
	if (cur->version != expected)
		return stale_version(err, a, "product model", expected,
		    rec_json_text(a, model_json, cur));
	if (n > BOM_MAX)
		return svc_fail_field(err, SVC_EINVAL, "parts", "too_many",
		    "a bill of parts has at most %d lines", BOM_MAX);
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "parts[%zu].quantity", i);
		rc = rec_range_ok(err, field, lines[i].quantity, 1, 100000);
		if (rc)
			return rc;
		snprintf(field, sizeof(field), "parts[%zu].part_id", i);
		for (size_t j = 0; j < i; j++)
			if (lines[j].part_id == lines[i].part_id)
				return svc_fail_field(err, SVC_EINVAL, field,
				    "duplicate", "part %lld is listed twice",
				    (long long)lines[i].part_id);
		rc = rec_ref_ok(db, err, field, "parts", "part",
		    lines[i].part_id);
		if (rc)
			return rc;
	}
	rc = model_bom_get(db, a, model_id, &old, &nold, err);
	if (rc)
		return rc;
	before = bom_text(a, cur->version, old, nold);
	rc = db_exec(db, "UPDATE product_models SET version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_I(clock_now()), DB_I(model_id), DB_I(expected)),
	    &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "product model", expected,
		    rec_json_text(a, model_json, cur));
	rc = db_exec(db, "DELETE FROM model_parts WHERE model_id = ?",
	    DB_ARGS(DB_I(model_id)), NULL, err);
	for (size_t i = 0; rc == SVC_OK && i < n; i++)
		rc = db_exec(db, "INSERT INTO model_parts (model_id, part_id,"
		    " quantity) VALUES (?, ?, ?)", DB_ARGS(DB_I(model_id),
		    DB_I(lines[i].part_id), DB_I(lines[i].quantity)), NULL,
		    err);
	if (rc == SVC_OK)
		rc = model_get(db, a, model_id, out, err);
	if (rc == SVC_OK)
		rc = model_bom_get(db, a, model_id, &now_lines, &nnow, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update_parts", "product_model",
		    model_id, before, bom_text(a, (*out)->version, now_lines,
		    nnow), err);
	return rc;
}
