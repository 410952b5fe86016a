/*
 * gen_stock — generated spare-parts stock for the benchmarks (see gen.h):
 * parts GP-000001 .. GP-<N>, warehouses GW-01 .. GW-<M>, and a stock level
 * for every part in every warehouse.  Each level that holds something has
 * the receipt movement that brought it (a purchase at the level's average
 * cost, on the day of its last movement), so the journal explains every
 * level; some levels are at or below their reorder point (and marked
 * notified, as the movement that made them low would have), some are empty,
 * some have not moved for more than 180 days.
 *
 * Deterministic (a fixed seed); written in transactions of a few thousand
 * rows; a second run adds nothing (codes and (part, warehouse) unique).
 */
#include "cli/gen.h"
#include "domain/master/master.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/mem.h"

#define PARTS_PER_TX 500

static const char *const kinds[] = { "压缩机", "风机", "主控板",
	"显示板", "传感器", "四通阀", "电容", "排水泵", "电机", "门封条",
	"滤芯", "遥控器", "膨胀阀", "换热器", "温控器", "继电器" };
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *const units[] = { "个", "台", "块", "套", "条", "支" };
#define NUNITS (sizeof(units) / sizeof(units[0]))

struct gs {
	const struct gen_size *size;
	uint64_t rng;
	int64_t now;
	int64_t wh_dept, keeper;
	int64_t *wh_ids;
	int done;
};

/* xorshift64*, as gen.c */
static int64_t
gs_pick(struct gs *g, int64_t n)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (int64_t)((g->rng * 2685821657736338717ull) % (uint64_t)n);
}

/* The warehouses and who keeps them. */
static enum svc_code
gs_warehouses(struct db *db, void *arg, struct svc_err *err)
{
	struct gs *g = arg;
	struct arena a;
	enum svc_code rc;

	arena_init(&a, 1u << 20);
	rc = db_one_i64(db, "SELECT id FROM departments WHERE code = 'WH'",
	    DB_NOARGS, &g->wh_dept, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT id FROM users"
		    " WHERE username = 'warehouse'", DB_NOARGS, &g->keeper,
		    err);
	for (int i = 0; rc == SVC_OK && i < g->size->warehouses; i++) {
		const char *code = arena_printf(&a, "GW-%02d", i + 1);
		const char *name = arena_printf(&a, "第%d分库", i + 1);

		rc = db_exec(db, "INSERT INTO warehouses (code, name, kind,"
		    " department_id, keeper_id, address, created_at,"
		    " updated_at) VALUES (?, ?, 'regional', ?, ?, '', ?, ?)"
		    " ON CONFLICT (code) DO NOTHING",
		    DB_ARGS(DB_S(code), DB_S(name), DB_I(g->wh_dept),
		    DB_I(g->keeper), DB_I(g->now), DB_I(g->now)), NULL, err);
		if (rc == SVC_OK)
			rc = db_one_i64(db, "SELECT id FROM warehouses"
			    " WHERE code = ?", DB_ARGS(DB_S(code)),
			    &g->wh_ids[i], err);
	}
	arena_release(&a);
	return rc;
}

/* One part's row and its levels in every warehouse. */
static enum svc_code
gs_part(struct db *db, struct gs *g, struct arena *a, int i,
    struct svc_err *err)
{
	const char *code = arena_printf(a, "GP-%06d", i + 1);
	const char *name = arena_printf(a, "%s %c%d型",
	    kinds[(size_t)i % NKINDS], 'A' + i / (int)NKINDS % 26,
	    i / (int)NKINDS / 26 + 1);
	int64_t price = 500 + gs_pick(g, 200000), id, changes;
	enum svc_code rc;

	rc = db_exec(db, "INSERT INTO parts (code, name, unit, price_fen,"
	    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (code) DO NOTHING", DB_ARGS(DB_S(code), DB_S(name),
	    DB_S(units[(size_t)i % NUNITS]), DB_I(price), DB_I(g->now),
	    DB_I(g->now)), NULL, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT id FROM parts WHERE code = ?",
		    DB_ARGS(DB_S(code)), &id, err);
	if (rc == SVC_OK)
		rc = master_index_part(db, a, id, err);
	for (int w = 0; rc == SVC_OK && w < g->size->warehouses; w++) {
		int64_t roll = gs_pick(g, 100);
		int64_t on_hand = roll < 8 ? 0 : 1 + gs_pick(g, 120);
		int64_t rp = roll % 10 < 3 ? 5 + gs_pick(g, 16) : 0;
		int64_t avg = price * (60 + gs_pick(g, 41)) / 100;
		int64_t at = g->now - gs_pick(g, 365 * 86400);
		int low = rp > 0 && on_hand <= rp;

		rc = db_exec(db, "INSERT INTO stock_levels (part_id,"
		    " warehouse_id, on_hand, avg_cost_fen, reorder_point,"
		    " reorder_qty, low_notified, last_move_at, created_at,"
		    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (part_id, warehouse_id) DO NOTHING",
		    DB_ARGS(DB_I(id), DB_I(g->wh_ids[w]), DB_I(on_hand),
		    DB_I(avg), DB_I(rp), DB_I(rp * 2), DB_I(low), DB_I(at),
		    DB_I(at), DB_I(at)), &changes, err);
		if (rc || changes == 0 || on_hand == 0)
			continue;
		rc = db_exec(db, "INSERT INTO stock_moves (kind, part_id,"
		    " warehouse_id, qty, unit_cost_fen, value_fen,"
		    " on_hand_after, avg_after_fen, source, reason, day,"
		    " created_by, created_at) VALUES ('receipt', ?, ?, ?, ?,"
		    " ?, ?, ?, 'purchase', '', ?, ?, ?)", DB_ARGS(DB_I(id),
		    DB_I(g->wh_ids[w]), DB_I(on_hand),
		    DB_I(avg), DB_I(on_hand * avg), DB_I(on_hand), DB_I(avg),
		    DB_I(clock_local_ymd(at)), DB_I(g->keeper), DB_I(at)), NULL,
		    err);
	}
	return rc;
}

static enum svc_code
gs_parts(struct db *db, void *arg, struct svc_err *err)
{
	struct gs *g = arg;
	struct arena a;
	enum svc_code rc = SVC_OK;
	int end = g->done + PARTS_PER_TX;

	if (end > g->size->parts)
		end = g->size->parts;
	arena_init(&a, 4u << 20);
	for (int i = g->done; rc == SVC_OK && i < end; i++)
		rc = gs_part(db, g, &a, i, err);
	arena_release(&a);
	if (rc == SVC_OK)
		g->done = end;
	return rc;
}

enum svc_code
gen_stock_run(struct store *s, const struct gen_size *size,
    struct svc_err *err)
{
	struct gs g = { .size = size, .rng = 0x570c4ed5eedull,
		.now = clock_now() };
	struct db *db;
	enum svc_code rc;
	int64_t t0 = clock_mono_us();

	if (size->parts <= 0 || size->warehouses <= 0)
		return SVC_OK;
	g.wh_ids = xcalloc((size_t)size->warehouses, sizeof(*g.wh_ids));
	rc = store_acquire(s, &db, err);
	if (rc) {
		free(g.wh_ids);
		return rc;
	}
	rc = store_write(s, db, gs_warehouses, &g, err);
	while (rc == SVC_OK && g.done < size->parts) {
		rc = store_write(s, db, gs_parts, &g, err);
		if (size->progress)
			fprintf(stderr, "\r%-10s %d/%d x %d", "stock", g.done,
			    size->parts, size->warehouses);
	}
	if (size->progress)
		fprintf(stderr, "  (%.1f s)\n",
		    (double)(clock_mono_us() - t0) / 1e6);
	store_release(s, db);
	free(g.wh_ids);
	return rc;
}
