/*
 * price — the price list (收费标准): labour rates, onsite and travel fees,
 * parts prices; published to customers (seed 003 §五).
 *
 * Invariants: codes never change; an item of kind "part" names its part,
 * other kinds name none.
 */
#include "domain/master/internal.h"

#include <stddef.h>
#include <string.h>


const char *const price_kinds[] = { "labour", "onsite", "travel", "part",
	"other", NULL };

#define F(m) offsetof(struct price_item, m)

static const struct rfield price_fields[] = {
	REC_ID_FIELD(struct price_item),
	{ "code", "code", RT_TEXT, F(code), RF_REQUIRED | RF_FIXED | RF_UNIQUE |
	    RF_CODE | RF_SORT | RF_COLUMN, 1, 50, .zh = "编码", .en = "Code",
	    .doc = "unique code (never changes)" },
	{ "kind", "kind", RT_ENUM, F(kind), RF_REQUIRED | RF_FILTER |
	    RF_COLUMN, .enums = price_kinds, .zh = "类别", .en = "Kind",
	    .doc = "labour, onsite, travel, part or other" },
	{ "name", "name", RT_TEXT, F(name), RF_REQUIRED | RF_SORT | RF_COLUMN,
	    1, 200, .zh = "名称", .en = "Name",
	    .doc = "name shown to customers" },
	{ "unit", "unit", RT_TEXT, F(unit), RF_NULLABLE | RF_COLUMN, 0, 10,
	    .def = "次", .zh = "单位", .en = "Unit",
	    .doc = "unit, e.g. 次, 小时, 公里 (default 次)" },
	{ "price_fen", "price_fen", RT_MONEY, F(price_fen), RF_REQUIRED |
	    RF_COLUMN, 0, 1000000000000LL, .zh = "价格", .en = "Price" },
	{ "part_id", "part_id", RT_ID, F(part_id), RF_NULLABLE,
	    .ref = "parts", .zh = "备件", .en = "Part",
	    .doc = "the part (items of kind part only)" },
	{ "active", "active", RT_BOOL, F(active), RF_FILTER | RF_COLUMN,
	    .def = "true", .zh = "启用", .en = "Active",
	    .doc = "false takes the item off the price list" },
	REC_KEPT_FIELDS(struct price_item),
	{ NULL },
};

#undef F

/* An item of kind part names its part, others none. */
static enum svc_code
price_check(struct db *db, struct arena *a, void *item,
    const void *before, struct svc_err *err)
{
	const struct price_item *p = item;

	(void)a;
	(void)db;
	(void)before;
	if (strcmp(p->kind, "part") == 0 && p->part_id == 0)
		return svc_fail_field(err, SVC_EINVAL, "part_id", "required",
		    "an item of kind 'part' names its part in 'part_id'");
	if (strcmp(p->kind, "part") != 0 && p->part_id != 0)
		return svc_fail_field(err, SVC_EINVAL, "part_id", "not_allowed",
		    "only items of kind 'part' name a part");
	return SVC_OK;
}

const struct record price_rec = {
	.name = "price_item",
	.what = "price item",
	.table = "price_items",
	.size = sizeof(struct price_item),
	.fields = price_fields,
	.zh = "收费标准",
	.en = "Price item",
	.check = price_check,
};
