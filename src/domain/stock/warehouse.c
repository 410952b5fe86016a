/*
 * warehouse — the warehouses (仓库), declared once.
 */
#include "domain/stock/stock.h"

#include <stddef.h>
#include <string.h>

const char *const warehouse_kinds[] = { "central", "regional", "vehicle",
	NULL };

#define F(m) offsetof(struct warehouse, m)

static const struct rfield warehouse_fields[] = {
	REC_ID_FIELD(struct warehouse),
	{ "code", "code", RT_TEXT, F(code), RF_REQUIRED | RF_FIXED | RF_UNIQUE |
	    RF_CODE | RF_SORT | RF_COLUMN, 1, 32, .zh = "仓库编码", .en = "Code",
	    .doc = "unique warehouse code, e.g. WH-SH (never changes)" },
	{ "name", "name", RT_TEXT, F(name), RF_REQUIRED | RF_SORT | RF_COLUMN,
	    1, 100, .zh = "仓库名称", .en = "Name" },
	{ "kind", "kind", RT_ENUM, F(kind), RF_FILTER | RF_COLUMN,
	    .enums = warehouse_kinds, .def = "regional", .zh = "类型",
	    .en = "Kind", .doc = "central (总库), regional (分库) or vehicle "
	    "(车载库: a technician's stock)" },
	{ "department_id", "department_id", RT_ID, F(department_id),
	    RF_NULLABLE | RF_FILTER, .ref = "departments", .zh = "所属部门",
	    .en = "Department" },
	{ "keeper_id", "keeper_id", RT_ID, F(keeper_id), RF_NULLABLE |
	    RF_FILTER, .ref = "users", .zh = "保管人", .en = "Keeper",
	    .doc = "the user who keeps it; required for a vehicle stock" },
	{ "address", "address", RT_TEXT, F(address), RF_NULLABLE | RF_MULTI, 0,
	    300, .zh = "地址", .en = "Address" },
	{ "active", "active", RT_BOOL, F(active), RF_FILTER | RF_COLUMN,
	    .def = "true", .zh = "启用", .en = "Active",
	    .doc = "false closes the warehouse" },
	REC_KEPT_FIELDS(struct warehouse),
	{ NULL },
};

#undef F

/* A vehicle stock has a keeper. */
static enum svc_code
warehouse_check(struct db *db, struct arena *a, void *item,
    const void *before, struct svc_err *err)
{
	const struct warehouse *w = item;

	(void)a;
	(void)db;
	(void)before;
	if (strcmp(w->kind, "vehicle") == 0 && w->keeper_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "keeper_id", "required",
		    "a vehicle stock needs its keeper ('keeper_id')");
	return SVC_OK;
}

const struct record warehouse_rec = {
	.name = "warehouse",
	.what = "warehouse",
	.table = "warehouses",
	.size = sizeof(struct warehouse),
	.fields = warehouse_fields,
	.zh = "仓库",
	.en = "Warehouse",
	.check = warehouse_check,
};
