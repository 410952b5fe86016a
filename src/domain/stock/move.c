/*
 * move — stock levels and the movement journal: stock_post(), the one
 * writer of both (stock.h states the rules: never negative, the moving
 * average and its rounding, the low-stock notice once per crossing).
 */
#include "domain/stock/stock.h"

#include <stddef.h>
#include <string.h>

#include "domain/search/search.h"
#include "domain/sla/sla.h"
#include "util/clock.h"

const char *const stock_move_kinds[] = { "receipt", "issue", "loan",
	"loan_return", "transfer_out", "transfer_in", "count", "scrap", NULL };
const char *const stock_receipt_sources[] = { "purchase", "good_return",
	NULL };

/* ----- settings ----- */

static const struct setting_field stock_setting_fields[] = {
	{ "stock.approval_over_fen", "approval_over_fen",
	    offsetof(struct stock_settings, approval_over_fen), 100000, 0,
	    COST_AMOUNT_MAX },
	{ "stock.idle_days", "idle_days",
	    offsetof(struct stock_settings, idle_days), 180, 1, 3650 },
	{ "cost.labour_rate_fen", "labour_rate_fen",
	    offsetof(struct stock_settings, labour_rate_fen), 10000, 0,
	    10000000 },
	{ NULL },
};

const struct setting_group stock_settings_group = {
	stock_setting_fields, sizeof(struct stock_settings),
	offsetof(struct stock_settings, version),
};

/* ----- the level, declared ----- */

#define F(m) offsetof(struct stock_level, m)
#define OUT (RF_OUT | RF_AUTO)

static enum svc_code level_fill(struct db *, struct arena *, void *,
    struct svc_err *);

static const struct rfield level_fields[] = {
	{ "id", "l.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "part_id", "l.part_id", RT_ID, F(part_id), RF_FIXED | RF_FILTER,
	    .ref = "parts", .zh = "备件", .en = "Part" },
	{ "part_code", "p.code", RT_TEXT, F(part_code), OUT | RF_COLUMN |
	    RF_SORT, .zh = "备件编码", .en = "Part code" },
	{ "part_name", "p.name", RT_TEXT, F(part_name), OUT | RF_COLUMN,
	    .zh = "备件名称", .en = "Part" },
	{ "part_unit", "p.unit", RT_TEXT, F(part_unit), OUT, .zh = "单位",
	    .en = "Unit" },
	{ "warehouse_id", "l.warehouse_id", RT_ID, F(warehouse_id), RF_FIXED |
	    RF_FILTER, .ref = "warehouses", .zh = "仓库", .en = "Warehouse" },
	{ "warehouse_code", "w.code", RT_TEXT, F(warehouse_code), OUT,
	    .zh = "仓库编码", .en = "Warehouse code" },
	{ "warehouse_name", "w.name", RT_TEXT, F(warehouse_name), OUT |
	    RF_COLUMN, .zh = "仓库", .en = "Warehouse" },
	{ "on_hand", "l.on_hand", RT_INT, F(on_hand), OUT | RF_COLUMN |
	    RF_SORT, .zh = "在库数量", .en = "On hand" },
	{ "on_loan", "(SELECT CAST(coalesce(sum(o.qty - o.returned_qty), 0)"
	    " AS BIGINT) FROM stock_loans o WHERE o.part_id = l.part_id AND"
	    " o.warehouse_id = l.warehouse_id AND o.state = 'open')", RT_INT,
	    F(on_loan), OUT | RF_COLUMN, .zh = "借出", .en = "On loan" },
	{ "in_transit", "(SELECT CAST(coalesce(sum(t.qty), 0) AS BIGINT) FROM"
	    " stock_transfers t WHERE t.part_id = l.part_id AND"
	    " t.to_warehouse_id = l.warehouse_id AND t.state = 'in_transit')",
	    RT_INT, F(in_transit), OUT | RF_COLUMN, .zh = "在途",
	    .en = "In transit" },
	{ "avg_cost_fen", "l.avg_cost_fen", RT_MONEY, F(avg_cost_fen), OUT |
	    RF_COLUMN, .zh = "平均成本", .en = "Average cost" },
	{ "value_fen", "l.on_hand * l.avg_cost_fen", RT_MONEY, F(value_fen),
	    OUT | RF_COLUMN | RF_SORT, .zh = "库存金额", .en = "Value" },
	{ "reorder_point", "l.reorder_point", RT_INT, F(reorder_point),
	    RF_COLUMN, 0, STOCK_QTY_MAX, .zh = "再订货点",
	    .en = "Reorder point",
	    .doc = "low at or below it (0: never low)" },
	{ "reorder_qty", "l.reorder_qty", RT_INT, F(reorder_qty), 0, 0,
	    STOCK_QTY_MAX, .zh = "再订货量", .en = "Reorder quantity" },
	{ "low", "(CASE WHEN l.reorder_point > 0 AND l.on_hand <="
	    " l.reorder_point THEN 1 ELSE 0 END)", RT_BOOL, F(low), OUT |
	    RF_COLUMN, .zh = "低库存", .en = "Low" },
	{ "last_move_at", "l.last_move_at", RT_TIME, F(last_move_at), OUT,
	    .zh = "最近出入库", .en = "Last movement" },
	{ "idle", NULL, RT_BOOL, F(idle), RF_OUT | RF_NOW, .zh = "呆滞",
	    .en = "Idle" },
	{ "version", "l.version", RT_INT, F(version), OUT, .zh = "版本",
	    .en = "Version" },
	{ "created_at", "l.created_at", RT_TIME, F(created_at), OUT,
	    .zh = "创建时间", .en = "Created" },
	{ "updated_at", "l.updated_at", RT_TIME, F(updated_at), OUT,
	    .zh = "修改时间", .en = "Updated" },
	{ NULL },
};

#undef F

const struct record stock_level_rec = {
	.name = "stock_level",
	.what = "stock level",
	.table = "stock_levels",
	.from = "stock_levels l JOIN parts p ON p.id = l.part_id"
	    " JOIN warehouses w ON w.id = l.warehouse_id",
	.size = sizeof(struct stock_level),
	.fields = level_fields,
	.zh = "库存",
	.en = "Stock level",
	.fill = level_fill,
};

/*
 * idle: on hand, and no movement for the setting's days.  The setting is
 * read once a second per thread, not once per row (a page of 200, an
 * export of every level): a change shows within the second.
 */
static enum svc_code
level_fill(struct db *db, struct arena *a, void *item, struct svc_err *err)
{
	static _Thread_local int64_t at = -1, idle_days;
	struct stock_level *l = item;
	struct stock_settings s;
	enum svc_code rc;
	int64_t now = clock_now();

	(void)a;
	if (now != at) {
		rc = settings_get(db, &stock_settings_group, &s, err);
		if (rc)
			return rc;
		at = now;
		idle_days = s.idle_days;
	}
	l->idle = l->on_hand > 0 && (l->last_move_at == 0 ||
	    l->last_move_at < now - idle_days * 86400);
	return SVC_OK;
}

void
stock_level_low(struct rec_query *q)
{
	rec_cond(q, " AND l.reorder_point > 0 AND l.on_hand <="
	    " l.reorder_point");
}

void
stock_level_idle(struct rec_query *q, int64_t since)
{
	rec_cond(q, " AND l.on_hand > 0 AND (l.last_move_at IS NULL OR"
	    " l.last_move_at < ?)");
	rec_arg(q, DB_I(since));
}

enum svc_code
stock_level_q(struct rec_query *q, struct db *db, struct arena *a,
    const char *text, struct svc_err *err)
{
	struct search_cond c;
	enum svc_code rc;

	/*
	 * the parts the search index finds, then their levels by id: a list
	 * of ids the planner walks, not a warehouse's levels it would test
	 * one by one
	 */
	rc = search_ids_cond(db, a, text, "part", &c, err);
	if (rc)
		return rc;
	rec_cond(q, " AND l.id IN (SELECT l2.id FROM stock_levels l2 WHERE"
	    " l2.part_id");
	rec_cond(q, c.sql);
	rec_cond(q, ")");
	for (size_t i = 0; i < c.nargs; i++)
		rec_arg(q, c.args[i]);
	return SVC_OK;
}

/* ----- the movement, declared (read; written by stock_post) ----- */

#define F(m) offsetof(struct stock_move, m)

static const struct rfield move_fields[] = {
	{ "id", "m.id", RT_ID, F(id), OUT, .zh = "编号", .en = "ID" },
	{ "kind", "m.kind", RT_ENUM, F(kind), OUT | RF_FILTER | RF_COLUMN,
	    .enums = stock_move_kinds, .zh = "类型", .en = "Kind" },
	{ "part_id", "m.part_id", RT_ID, F(part_id), OUT | RF_FILTER,
	    .zh = "备件", .en = "Part" },
	{ "part_code", "p.code", RT_TEXT, F(part_code), OUT | RF_COLUMN,
	    .zh = "备件编码", .en = "Part code" },
	{ "part_name", "p.name", RT_TEXT, F(part_name), OUT | RF_COLUMN,
	    .zh = "备件名称", .en = "Part" },
	{ "warehouse_id", "m.warehouse_id", RT_ID, F(warehouse_id), OUT |
	    RF_FILTER, .zh = "仓库", .en = "Warehouse" },
	{ "warehouse_name", "w.name", RT_TEXT, F(warehouse_name), OUT |
	    RF_COLUMN, .zh = "仓库", .en = "Warehouse" },
	{ "qty", "m.qty", RT_INT, F(qty), OUT | RF_COLUMN, .zh = "数量",
	    .en = "Quantity" },
	{ "unit_cost_fen", "m.unit_cost_fen", RT_MONEY, F(unit_cost_fen),
	    OUT | RF_COLUMN, .zh = "单位成本", .en = "Unit cost" },
	{ "value_fen", "m.value_fen", RT_MONEY, F(value_fen), OUT |
	    RF_COLUMN, .zh = "金额", .en = "Value" },
	{ "on_hand_after", "m.on_hand_after", RT_INT, F(on_hand_after), OUT |
	    RF_COLUMN, .zh = "结存", .en = "On hand after" },
	{ "avg_after_fen", "m.avg_after_fen", RT_MONEY, F(avg_after_fen),
	    OUT, .zh = "结存均价", .en = "Average after" },
	{ "source", "m.source", RT_TEXT, F(source), OUT, .zh = "来源",
	    .en = "Source" },
	{ "doc_kind", "m.doc_kind", RT_TEXT, F(doc_kind), OUT | RF_FILTER |
	    RF_NULLABLE, .zh = "单据类型", .en = "Document type" },
	{ "doc_id", "m.doc_id", RT_ID, F(doc_id), OUT | RF_NULLABLE | RF_FILTER,
	    .zh = "单据", .en = "Document" },
	{ "ref_kind", "m.ref_kind", RT_TEXT, F(ref_kind), OUT | RF_FILTER |
	    RF_NULLABLE, .zh = "库存单据类型", .en = "Stock document type" },
	{ "ref_id", "m.ref_id", RT_ID, F(ref_id), OUT | RF_NULLABLE | RF_FILTER,
	    .zh = "库存单据", .en = "Stock document" },
	{ "reason", "m.reason", RT_TEXT, F(reason), OUT | RF_COLUMN,
	    .zh = "原因", .en = "Reason" },
	{ "created_by", "m.created_by", RT_ID, F(created_by),
	    OUT | RF_NULLABLE | RF_FILTER,
	    .zh = "经办人", .en = "By" },
	{ "created_by_name", "coalesce(u.display_name, '')", RT_TEXT,
	    F(created_by_name), OUT | RF_COLUMN, .zh = "经办人", .en = "By" },
	{ "created_at", "m.created_at", RT_TIME, F(created_at), OUT |
	    RF_COLUMN | RF_SORT, .zh = "时间", .en = "Time" },
	{ NULL },
};

#undef F

const struct record stock_move_rec = {
	.name = "stock_move",
	.what = "stock movement",
	.table = "stock_moves",
	.from = "stock_moves m JOIN parts p ON p.id = m.part_id"
	    " JOIN warehouses w ON w.id = m.warehouse_id"
	    " LEFT JOIN users u ON u.id = m.created_by",
	.size = sizeof(struct stock_move),
	.fields = move_fields,
	.zh = "出入库流水",
	.en = "Stock movement",
};

/* The bodies of receipts and scraps: a struct stock_post_in. */
#define F(m) offsetof(struct stock_post_in, m)

static const struct rfield receipt_fields[] = {
	{ "part_id", "part_id", RT_ID, F(part_id), RF_REQUIRED,
	    .ref = "parts", .zh = "备件", .en = "Part" },
	{ "warehouse_id", "warehouse_id", RT_ID, F(warehouse_id), RF_REQUIRED,
	    .ref = "warehouses", .zh = "仓库", .en = "Warehouse" },
	{ "qty", "qty", RT_INT, F(qty), RF_REQUIRED, 1, STOCK_QTY_MAX,
	    .zh = "数量", .en = "Quantity" },
	{ "unit_cost_fen", "unit_cost_fen", RT_MONEY, F(unit_cost_fen),
	    RF_REQUIRED, 0, STOCK_COST_MAX, .zh = "单位成本",
	    .en = "Unit cost" },
	{ "source", "source", RT_ENUM, F(source), 0,
	    .enums = stock_receipt_sources, .def = "purchase", .zh = "来源",
	    .en = "Source", .doc = "purchase (采购) or good_return (好件退回)" },
	{ "reason", "reason", RT_TEXT, F(reason), RF_NULLABLE | RF_MULTI, 0,
	    500, .zh = "备注", .en = "Note" },
	{ NULL },
};

static const struct rfield scrap_fields[] = {
	{ "part_id", "part_id", RT_ID, F(part_id), RF_REQUIRED,
	    .ref = "parts", .zh = "备件", .en = "Part" },
	{ "warehouse_id", "warehouse_id", RT_ID, F(warehouse_id), RF_REQUIRED,
	    .ref = "warehouses", .zh = "仓库", .en = "Warehouse" },
	{ "qty", "qty", RT_INT, F(qty), RF_REQUIRED, 1, STOCK_QTY_MAX,
	    .zh = "数量", .en = "Quantity" },
	{ "reason", "reason", RT_TEXT, F(reason), RF_REQUIRED | RF_MULTI, 1,
	    500, .zh = "报废原因", .en = "Reason" },
	{ NULL },
};

#undef F
#undef OUT

const struct record stock_receipt_rec = {
	.name = "stock_receipt",
	.what = "receipt",
	.size = sizeof(struct stock_post_in),
	.fields = receipt_fields,
	.zh = "入库",
	.en = "Receipt",
};

const struct record stock_scrap_rec = {
	.name = "stock_scrap",
	.what = "scrap",
	.size = sizeof(struct stock_post_in),
	.fields = scrap_fields,
	.zh = "报废",
	.en = "Scrap",
};

/* ----- posting ----- */

static bool
kind_is_in(const char *kind)
{
	return strcmp(kind, "receipt") == 0 || strcmp(kind, "loan_return") ==
	    0 || strcmp(kind, "transfer_in") == 0;
}

/* the part (active) and the warehouse (active) of a movement */
static enum svc_code
move_refs(struct db *db, const struct stock_post_in *in, int64_t *price,
    struct svc_err *err)
{
	enum svc_code rc;
	int64_t active;

	rc = db_one_i64(db, "SELECT active FROM warehouses WHERE id = ?",
	    DB_ARGS(DB_I(in->warehouse_id)), &active, err);
	if (rc == SVC_ENOTFOUND || (rc == SVC_OK && !active))
		return svc_fail_field(err, SVC_EINVAL, "warehouse_id",
		    rc ? "not_found" : "inactive", rc ? "warehouse %lld not "
		    "found" : "warehouse %lld is closed",
		    (long long)in->warehouse_id);
	if (rc)
		return rc;
	rc = db_one_i64(db, "SELECT price_fen FROM parts WHERE id = ?",
	    DB_ARGS(DB_I(in->part_id)), price, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_EINVAL, "part_id", "not_found",
		    "part %lld not found", (long long)in->part_id);
	return rc;
}

/* 422 naming the part, the warehouse and what is there */
static enum svc_code
short_stock(struct db *db, struct arena *a, const struct stock_post_in *in,
    struct svc_err *err)
{
	const char *code = "", *pname = "", *wname = "";
	struct dbq *q;
	enum svc_code rc;
	int64_t avail = 0;
	struct buf b;
	struct jw w;

	rc = db_query(db, "SELECT p.code, p.name, w.name, coalesce((SELECT"
	    " l.on_hand FROM stock_levels l WHERE l.part_id = p.id AND"
	    " l.warehouse_id = w.id), 0) FROM parts p, warehouses w WHERE"
	    " p.id = ? AND w.id = ?", DB_ARGS(DB_I(in->part_id),
	    DB_I(in->warehouse_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		code = db_dup(q, 0, a);
		pname = db_dup(q, 1, a);
		wname = db_dup(q, 2, a);
		avail = db_i64(q, 3);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (code == NULL || pname == NULL || wname == NULL)
		return rec_oom(err);
	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr(&w, "field", "qty");
	jw_kstr(&w, "reason", "insufficient_stock");
	jw_ki64(&w, "part_id", in->part_id);
	jw_kstr(&w, "part_code", code);
	jw_kstr(&w, "part_name", pname);
	jw_ki64(&w, "warehouse_id", in->warehouse_id);
	jw_kstr(&w, "warehouse_name", wname);
	jw_ki64(&w, "available", avail);
	jw_ki64(&w, "asked", in->qty);
	jw_obj_close(&w);
	rc = svc_fail_field(err, SVC_EUNPROCESSABLE, "qty",
	    "insufficient_stock", "part %s %s in %s: %lld on hand, %lld asked",
	    code, pname, wname, (long long)avail, (long long)in->qty);
	err->details = b.failed ? NULL : arena_strdup(a, b.p);
	buf_release(&b);
	return rc;
}

/* the level after the change */
struct level_after {
	int64_t on_hand, avg, reorder_point, notified;
};

static enum svc_code
level_row(struct dbq *q, struct level_after *l, bool *found,
    struct svc_err *err)
{
	*found = db_next(q) == 1;
	if (*found) {
		l->on_hand = db_i64(q, 0);
		l->avg = db_i64(q, 1);
		l->reorder_point = db_i64(q, 2);
		l->notified = db_i64(q, 3);
	}
	return db_done(q, err);
}

/* The low-stock notice, once per crossing. */
static enum svc_code
low_check(struct db *db, struct arena *a, const struct stock_post_in *in,
    const struct level_after *l, struct svc_err *err)
{
	bool low = l->reorder_point > 0 && l->on_hand <= l->reorder_point;
	const char *code = NULL, *name = NULL, *wname = NULL;
	struct dbq *q;
	enum svc_code rc;
	int64_t changed;

	if (low == (l->notified != 0))
		return SVC_OK;
	rc = db_exec(db, "UPDATE stock_levels SET low_notified = ? WHERE"
	    " part_id = ? AND warehouse_id = ? AND low_notified = ?",
	    DB_ARGS(DB_I(low), DB_I(in->part_id), DB_I(in->warehouse_id),
	    DB_I(!low)), &changed, err);
	if (rc || !low || changed != 1)
		return rc;
	rc = db_query(db, "SELECT p.code, p.name, w.name FROM parts p,"
	    " warehouses w WHERE p.id = ? AND w.id = ?",
	    DB_ARGS(DB_I(in->part_id), DB_I(in->warehouse_id)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		code = db_dup(q, 0, a);
		name = db_dup(q, 1, a);
		wname = db_dup(q, 2, a);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (code == NULL || name == NULL || wname == NULL)
		return rec_oom(err);
	{
		const char *kv[] = { "part_code", code, "part_name", name,
			"warehouse_name", wname, "on_hand", arena_printf(a,
			"%lld", (long long)l->on_hand), "reorder_point",
			arena_printf(a, "%lld", (long long)l->reorder_point),
			NULL };

		return notify_role(db, "warehouse", "stock_low",
		    arena_printf(a, "低库存：%s %s（%s）", code, name, wname),
		    arena_printf(a, "在库 %lld，再订货点 %lld",
		    (long long)l->on_hand, (long long)l->reorder_point),
		    notify_args(a, kv, NULL, 0), "part", in->part_id, err);
	}
}

static enum svc_code level_ensure(struct db *, int64_t, int64_t, int64_t,
    struct svc_err *);

enum svc_code
stock_level_touch(struct db *db, int64_t part_id, int64_t warehouse_id,
    struct svc_err *err)
{
	return level_ensure(db, part_id, warehouse_id, clock_now(), err);
}

static enum svc_code
level_ensure(struct db *db, int64_t part_id, int64_t warehouse_id,
    int64_t now, struct svc_err *err)
{
	return db_exec(db, "INSERT INTO stock_levels (part_id, warehouse_id,"
	    " reorder_point, created_at, updated_at) SELECT id, ?,"
	    " reorder_point, ?, ? FROM parts WHERE id = ? ON CONFLICT"
	    " (part_id, warehouse_id) DO NOTHING", DB_ARGS(DB_I(warehouse_id),
	    DB_I(now), DB_I(now), DB_I(part_id)), NULL, err);
}

enum svc_code
stock_post(struct db *db, struct arena *a, const struct actor *who,
    const struct stock_post_in *in, struct stock_move **out,
    struct svc_err *err)
{
	int64_t now = clock_now(), price = 0, cost = 0, id;
	bool in_kind, found;
	struct level_after l;
	struct dbq *q;
	enum svc_code rc;

	if (in->qty < 1 || in->qty > STOCK_QTY_MAX)
		return svc_fail_field(err, SVC_EINVAL, "qty", "out_of_range",
		    "'qty' must be from 1 to %d", STOCK_QTY_MAX);
	rc = move_refs(db, in, &price, err);
	if (rc == SVC_OK)
		rc = level_ensure(db, in->part_id, in->warehouse_id, now, err);
	if (rc)
		return rc;
	in_kind = kind_is_in(in->kind) || (strcmp(in->kind, "count") == 0 &&
	    in->unit_cost_fen >= 0);
	if (in_kind) {
		cost = in->unit_cost_fen;
		if (cost < 0 || cost > STOCK_COST_MAX)
			return svc_fail_field(err, SVC_EINVAL, "unit_cost_fen",
			    "out_of_range", "'unit_cost_fen' must be from 0 "
			    "to %lld", STOCK_COST_MAX);
		/* avg = (n avg + q c) / (n + q), half up: (2x + d) / 2d */
		rc = db_query(db, "UPDATE stock_levels SET avg_cost_fen ="
		    " (2 * (on_hand * avg_cost_fen + ? * ?) + on_hand + ?) /"
		    " (2 * (on_hand + ?)), on_hand = on_hand + ?,"
		    " last_move_at = ?, version = version + 1, updated_at = ?"
		    " WHERE part_id = ? AND warehouse_id = ? RETURNING"
		    " on_hand, avg_cost_fen, reorder_point, low_notified",
		    DB_ARGS(DB_I(in->qty), DB_I(cost), DB_I(in->qty),
		    DB_I(in->qty), DB_I(in->qty), DB_I(now), DB_I(now),
		    DB_I(in->part_id), DB_I(in->warehouse_id)), &q, err);
	} else {
		rc = db_query(db, "UPDATE stock_levels SET on_hand = on_hand -"
		    " ?, last_move_at = ?, version = version + 1,"
		    " updated_at = ? WHERE part_id = ? AND warehouse_id = ?"
		    " AND on_hand >= ? RETURNING on_hand, avg_cost_fen,"
		    " reorder_point, low_notified", DB_ARGS(DB_I(in->qty),
		    DB_I(now), DB_I(now), DB_I(in->part_id),
		    DB_I(in->warehouse_id), DB_I(in->qty)), &q, err);
	}
	if (rc == SVC_OK)
		rc = level_row(q, &l, &found, err);
	if (rc)
		return rc;
	if (!found)
		return short_stock(db, a, in, err);
	if (!in_kind)
		cost = l.avg;
	rc = low_check(db, a, in, &l, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "INSERT INTO stock_moves (kind, part_id,"
		    " warehouse_id, qty, unit_cost_fen, value_fen,"
		    " on_hand_after, avg_after_fen, source, doc_kind, doc_id,"
		    " ref_kind, ref_id, reason, day, created_by, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		    " ?) RETURNING id", DB_ARGS(DB_S(in->kind),
		    DB_I(in->part_id), DB_I(in->warehouse_id),
		    DB_I(in_kind ? in->qty : -in->qty), DB_I(cost),
		    DB_I(in_kind ? in->qty * cost : -in->qty * cost),
		    DB_I(l.on_hand), DB_I(l.avg), DB_S(in->source ?
		    in->source : ""), in->doc_kind ? DB_S(in->doc_kind) :
		    DB_NULL, DB_ID(in->doc_kind ? in->doc_id : 0),
		    in->ref_kind ? DB_S(in->ref_kind) : DB_NULL,
		    DB_ID(in->ref_kind ? in->ref_id : 0), DB_S(in->reason ?
		    in->reason : ""), DB_I(clock_local_ymd(now)),
		    DB_ID(who->user_id), DB_I(now)), &id, err);
	if (rc || out == NULL)
		return rc;
	return rec_get(db, a, &stock_move_rec, id, (void **)out, err);
}

enum svc_code
stock_level_get(struct db *db, struct arena *a, int64_t part_id,
    int64_t warehouse_id, struct stock_level **out, struct svc_err *err)
{
	enum svc_code rc;
	int64_t id;

	rc = db_one_i64(db, "SELECT id FROM stock_levels WHERE part_id = ?"
	    " AND warehouse_id = ?", DB_ARGS(DB_I(part_id),
	    DB_I(warehouse_id)), &id, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail(err, SVC_ENOTFOUND, "part_id", "part %lld has "
		    "no stock level in warehouse %lld", (long long)part_id,
		    (long long)warehouse_id);
	if (rc)
		return rc;
	return rec_get(db, a, &stock_level_rec, id, (void **)out, err);
}

enum svc_code
stock_level_set(struct db *db, struct arena *a, const struct actor *who,
    int64_t part_id, int64_t warehouse_id, int64_t reorder_point,
    int64_t reorder_qty, struct stock_level **out, struct svc_err *err)
{
	struct stock_post_in in = { .part_id = part_id,
		.warehouse_id = warehouse_id };
	struct stock_level *before;
	struct level_after l;
	enum svc_code rc;
	int64_t price, now = clock_now();

	rc = rec_range_ok(err, "reorder_point", reorder_point, 0,
	    STOCK_QTY_MAX);
	if (rc == SVC_OK)
		rc = rec_range_ok(err, "reorder_qty", reorder_qty, 0,
		    STOCK_QTY_MAX);
	if (rc == SVC_OK)
		rc = move_refs(db, &in, &price, err);
	if (rc == SVC_OK)
		rc = level_ensure(db, part_id, warehouse_id, now, err);
	if (rc == SVC_OK)
		rc = stock_level_get(db, a, part_id, warehouse_id, &before,
		    err);
	if (rc == SVC_OK)
		rc = db_exec(db, "UPDATE stock_levels SET reorder_point = ?,"
		    " reorder_qty = ?, version = version + 1, updated_at = ?"
		    " WHERE id = ?", DB_ARGS(DB_I(reorder_point),
		    DB_I(reorder_qty), DB_I(now), DB_I(before->id)), NULL, err);
	if (rc == SVC_OK)
		rc = stock_level_get(db, a, part_id, warehouse_id, out, err);
	if (rc)
		return rc;
	/* a new point may make the level low now: the notice is due */
	l.on_hand = (*out)->on_hand;
	l.avg = (*out)->avg_cost_fen;
	l.reorder_point = reorder_point;
	rc = db_one_i64(db, "SELECT low_notified FROM stock_levels WHERE"
	    " id = ?", DB_ARGS(DB_I(before->id)), &l.notified, err);
	if (rc == SVC_OK)
		rc = low_check(db, a, &in, &l, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "stock_level", before->id,
		    rec_text(a, &stock_level_rec, before, REC_AUDIT),
		    rec_text(a, &stock_level_rec, *out, REC_AUDIT), err);
	return rc;
}
