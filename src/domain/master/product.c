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

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* ----- product models ----- */

#define F(m) offsetof(struct product_model, m)

static const struct rfield model_fields[] = {
	REC_ID_FIELD(struct product_model),
	{ "model_no", "model_no", RT_TEXT, F(model_no), RF_REQUIRED | RF_FIXED |
	    RF_UNIQUE | RF_SORT | RF_COLUMN, 1, 50, .zh = "型号",
	    .en = "Model number",
	    .doc = "unique model number (never changes)" },
	{ "name", "name", RT_TEXT, F(name), RF_REQUIRED | RF_SORT | RF_COLUMN,
	    1, 200, .zh = "产品名称", .en = "Name", .doc = "product name" },
	{ "category", "category", RT_TEXT, F(category), RF_NULLABLE |
	    RF_FILTER | RF_COLUMN, 0, 50, .zh = "类别", .en = "Category",
	    .doc = "category, e.g. 空调" },
	{ "business_unit_id", "business_unit_id", RT_ID, F(business_unit_id),
	    RF_NULLABLE, .ref = "departments", .zh = "事业部",
	    .en = "Business unit",
	    .doc = "the department (business unit) responsible" },
	{ "warranty_months", "warranty_months", RT_INT, F(warranty_months),
	    RF_COLUMN, 0, 240, .def = "12", .zh = "保修月数",
	    .en = "Warranty (months)",
	    .doc = "default warranty in months (default 12)" },
	{ "active", "active", RT_BOOL, F(active), RF_FILTER | RF_COLUMN,
	    .def = "true", .zh = "启用", .en = "Active",
	    .doc = "false retires the model" },
	REC_KEPT_FIELDS(struct product_model),
	{ NULL },
};

#undef F

/* A new warranty_months recomputes the units without a contract's. */
static enum svc_code
model_after(struct db *db, struct arena *a, const struct actor *who,
    const void *item, const void *before, struct svc_err *err)
{
	const struct product_model *m = item, *old = before;

	if (old == NULL || m->warranty_months == old->warranty_months)
		return SVC_OK;
	return unit_recompute_warranty(db, a, who, "u.model_id = ? AND"
	    " (u.contract_id IS NULL OR c.warranty_months IS NULL)", m->id,
	    NULL, err);
}

const struct record model_rec = {
	.name = "product_model",
	.what = "product model",
	.table = "product_models",
	.size = sizeof(struct product_model),
	.fields = model_fields,
	.zh = "产品型号",
	.en = "Product model",
	.after = model_after,
};


enum svc_code
model_get(struct db *db, struct arena *a, int64_t id,
    struct product_model **out, struct svc_err *err)
{
	return rec_get(db, a, &model_rec, id, (void **)out, err);
}

enum svc_code
model_get_by_no(struct db *db, struct arena *a, const char *no,
    struct product_model **out, struct svc_err *err)
{
	return rec_get_by(db, a, &model_rec, "model_no", no, (void **)out,
	    err);
}

enum svc_code
model_create(struct db *db, struct arena *a, const struct actor *who,
    const struct product_model *d, struct product_model **out,
    struct svc_err *err)
{
	return rec_create(db, a, who, &model_rec, d, (void **)out, err);
}

enum svc_code
model_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct product_model *d,
    rec_mask mask, struct product_model **out, struct svc_err *err)
{
	return rec_update(db, a, who, &model_rec, id, expected, d, mask,
	    (void **)out, err);
}

/* ----- parts ----- */

#define F(m) offsetof(struct part, m)

static const struct rfield part_fields[] = {
	REC_ID_FIELD(struct part),
	{ "code", "code", RT_TEXT, F(code), RF_REQUIRED | RF_FIXED | RF_UNIQUE |
	    RF_CODE | RF_SORT | RF_COLUMN, 1, 50, .zh = "备件编码", .en = "Code",
	    .doc = "unique part code (never changes)" },
	{ "name", "name", RT_TEXT, F(name), RF_REQUIRED | RF_SORT | RF_COLUMN,
	    1, 200, .zh = "备件名称", .en = "Name", .doc = "part name" },
	{ "unit", "unit", RT_TEXT, F(unit), RF_NULLABLE | RF_COLUMN, 0, 10,
	    .def = "个", .zh = "单位", .en = "Unit",
	    .doc = "unit of issue (default 个)" },
	{ "price_fen", "price_fen", RT_MONEY, F(price_fen), RF_COLUMN, 0,
	    1000000000000LL, .zh = "单价", .en = "List price",
	    .doc = "list price" },
	{ "reorder_point", "reorder_point", RT_INT, F(reorder_point),
	    RF_COLUMN, 0, 1000000000, .zh = "再订货点", .en = "Reorder point",
	    .doc = "stock level that triggers a reorder (a new warehouse "
	    "level's default)" },
	{ "serial_tracked", "serial_tracked", RT_BOOL, F(serial_tracked),
	    RF_FILTER, .def = "false", .zh = "序列号管理",
	    .en = "Serial-tracked", .doc = "replacing it records the old and "
	    "new serial against the unit" },
	{ "approval_required", "approval_required", RT_BOOL,
	    F(approval_required), RF_FILTER, .def = "false",
	    .zh = "领用需审批", .en = "Approval required",
	    .doc = "every issue needs the after-sales manager's approval" },
	{ "active", "active", RT_BOOL, F(active), RF_FILTER | RF_COLUMN,
	    .def = "true", .zh = "启用", .en = "Active",
	    .doc = "false retires the part" },
	REC_KEPT_FIELDS(struct part),
	{ NULL },
};

#undef F

/* found by the search index (the stock lists' q) */
static enum svc_code
part_after(struct db *db, struct arena *a, const struct actor *who,
    const void *item, const void *before, struct svc_err *err)
{
	const struct part *p = item != NULL ? item : before;

	(void)who;
	return master_index_part(db, a, p->id, err);
}

const struct record part_rec = {
	.name = "part",
	.what = "part",
	.table = "parts",
	.size = sizeof(struct part),
	.fields = part_fields,
	.zh = "备件",
	.en = "Spare part",
	.after = part_after,
};

enum svc_code
part_get(struct db *db, struct arena *a, int64_t id, struct part **out,
    struct svc_err *err)
{
	return rec_get(db, a, &part_rec, id, (void **)out, err);
}

enum svc_code
part_create(struct db *db, struct arena *a, const struct actor *who,
    const struct part *d, struct part **out, struct svc_err *err)
{
	return rec_create(db, a, who, &part_rec, d, (void **)out, err);
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
		    rec_text(a, &model_rec, cur, REC_STAFF));
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
		    rec_text(a, &model_rec, cur, REC_STAFF));
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
