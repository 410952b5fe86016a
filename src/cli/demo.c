/*
 * demo — realistic demo data, idempotent: a user for every role, the
 * departments of a Chinese after-sales organisation, customer companies.
 * Running it twice changes nothing the second time.
 */
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/gen.h"
#include "domain/master/master.h"
#include "domain/print/print.h"
#include "domain/request/request.h"
#include "domain/stock/stock.h"
#include "domain/user/user.h"
#include "util/clock.h"

#define DEMO_PASSWORD "demo-2026"

static const struct {
	const char *code;
	const char *name;
} departments[] = {
	{ "AS", "售后服务部" }, { "QC", "质管部" }, { "WH", "仓库" },
	{ "FIN", "财务部" }, { "SALES", "经营部" }, { "BU1", "第一事业部" },
	{ "BU2", "第二事业部" }, { "LOG", "物流部" }, { "GM", "总经理办公室" },
	{ "IT", "信息部" },
};

static const struct {
	const char *code;
	const char *name;
	const char *region;
	const char *phone;
	int km;
	const char *cls;
} customers[] = {
	{ "C0001", "北京华信机电设备有限公司", "华北", "010-82345678", 12, "urban" },
	{ "C0002", "上海东方建材经销部", "华东", "021-63456789", 1080, "suburban" },
	{ "C0003", "广州南粤电器商行", "华南", "020-87654321", 1890, "urban" },
	{ "C0004", "成都天府工程机械有限公司", "西南", "028-85551234", 1520, "suburban" },
	{ "C0005", "武汉江城家居连锁", "华中", "027-88886666", 1050, "urban" },
	{ "C0006", "西安秦川制冷设备厂", "西北", "029-87771234", 910, "remote" },
};

static const struct {
	const char *username;
	const char *display;
	const char *role;
	const char *dept;
} users[] = {
	{ "admin", "系统管理员", "admin", "IT" },
	{ "agent", "王丽(客服)", "agent", "AS" },
	{ "asmanager", "张伟(售后部经理)", "aftersales_manager", "AS" },
	{ "tech", "李强(维修技师)", "technician", "BU1" },
	{ "bulead", "赵军(事业部经理)", "business_unit_lead", "BU1" },
	{ "qc", "陈静(质检员)", "qc_inspector", "QC" },
	{ "warehouse", "刘洋(仓库主管)", "warehouse", "WH" },
	{ "finance", "孙敏(财务)", "finance", "FIN" },
	{ "sales", "周涛(经营部负责人)", "sales_manager", "SALES" },
	{ "salesvp", "吴刚(销售副总)", "sales_vp", "SALES" },
	{ "gm", "郑国华(总经理)", "general_manager", "GM" },
	{ "stats", "黄芳(营销统计员)", "statistician", "SALES" },
	{ "clerk", "林娜(营销文员)", "clerk", "SALES" },
	{ "driver", "马师傅(驾驶员)", "driver", "LOG" },
	{ "customer", "华信机电(客户)", "customer", NULL },
};

#define NUSERS (sizeof(users) / sizeof(users[0]))

struct demo_ctx {
	struct arena *a;
	char hashes[NUSERS][crypto_pwhash_STRBYTES];
	bool need[NUSERS];
	int created;
};

/* The warehouses: the central store, a regional one, a technician's van. */
static const struct {
	const char *code, *name, *kind, *dept, *keeper, *address;
} warehouses[] = {
	{ "WH-HQ", "总库", "central", "WH", "warehouse", "北京市大兴区仓储路 8 号" },
	{ "WH-EAST", "华东分库", "regional", "WH", "warehouse",
	    "上海市嘉定区物流园 3 号库" },
	{ "WH-VAN-01", "李强车载库", "vehicle", "BU1", "tech", "" },
};

static enum svc_code
demo_warehouses(struct db *db, struct arena *a, const struct actor *who,
    int *created, struct svc_err *err)
{
	enum svc_code rc = SVC_OK;

	for (size_t i = 0; rc == SVC_OK &&
	    i < sizeof(warehouses) / sizeof(warehouses[0]); i++) {
		struct warehouse d;
		void *out;

		rc = rec_get_by(db, a, &warehouse_rec, "code",
		    warehouses[i].code, &out, err);
		if (rc != SVC_ENOTFOUND)
			continue;
		svc_err_clear(err);
		rec_init(&warehouse_rec, &d);
		d.code = warehouses[i].code;
		d.name = warehouses[i].name;
		d.kind = warehouses[i].kind;
		d.address = warehouses[i].address;
		rc = db_one_i64(db, "SELECT id FROM departments WHERE code = ?",
		    DB_ARGS(DB_S(warehouses[i].dept)), &d.department_id, err);
		if (rc == SVC_OK)
			rc = db_one_i64(db, "SELECT id FROM users"
			    " WHERE username = ?",
			    DB_ARGS(DB_S(warehouses[i].keeper)), &d.keeper_id,
			    err);
		if (rc == SVC_OK)
			rc = rec_create(db, a, who, &warehouse_rec, &d, &out,
			    err);
		*created += rc == SVC_OK;
	}
	return rc;
}

/*
 * The document templates: the demo company on every printed document
 * (a template an admin already filled in is left as it is).
 */
static enum svc_code
demo_templates(struct db *db, struct arena *a, const struct actor *who,
    struct svc_err *err)
{
	enum svc_code rc = SVC_OK;
	rec_mask mask = 0;

	mask |= REC_BIT(rec_field(&doc_template_rec, "company"));
	mask |= REC_BIT(rec_field(&doc_template_rec, "address"));
	mask |= REC_BIT(rec_field(&doc_template_rec, "phone"));
	mask |= REC_BIT(rec_field(&doc_template_rec, "footer"));
	for (size_t i = 0; rc == SVC_OK && doc_types[i] != NULL; i++) {
		struct doc_template d, *t;
		void *out;

		rc = rec_get_by(db, a, &doc_template_rec, "doc_type",
		    doc_types[i], &out, err);
		t = out;
		if (rc || t->company[0] != '\0')
			continue;
		d = *t;
		d.company = "华东精工售后服务有限公司";
		d.address = "上海市嘉定区安亭镇墨玉路 88 号";
		d.phone = "021-6999-0000";
		d.footer = strcmp(doc_types[i], "report") == 0 ?
		    "内部资料，注意保密" : "本单一式三联：客户、售后、财务";
		rc = rec_update(db, a, who, &doc_template_rec, t->id,
		    t->version, &d, mask, &out, err);
	}
	return rc;
}

static enum svc_code
demo_tx(struct db *db, void *arg, struct svc_err *err)
{
	struct demo_ctx *c = arg;
	struct actor who = { 0, "demo", "local", "demo" };
	int64_t now = clock_now(), id, changes;
	enum svc_code rc;

	for (size_t i = 0; i < sizeof(departments) / sizeof(departments[0]);
	    i++) {
		rc = db_exec(db, "INSERT INTO departments (code, name, active,"
		    " version, created_at, updated_at) VALUES (?, ?, 1, 1, ?, ?)"
		    " ON CONFLICT (code) DO NOTHING",
		    DB_ARGS(DB_S(departments[i].code), DB_S(departments[i].name),
		    DB_I(now), DB_I(now)), &changes, err);
		if (rc)
			return rc;
		c->created += (int)changes;
	}
	for (size_t i = 0; i < sizeof(customers) / sizeof(customers[0]); i++) {
		rc = db_exec(db, "INSERT INTO customers (code, name, region,"
		    " phone, distance_km, region_class, active, version,"
		    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?)"
		    " ON CONFLICT (code) DO NOTHING",
		    DB_ARGS(DB_S(customers[i].code), DB_S(customers[i].name),
		    DB_S(customers[i].region), DB_S(customers[i].phone),
		    DB_I(customers[i].km), DB_S(customers[i].cls),
		    DB_I(now), DB_I(now)), &changes, err);
		if (rc == SVC_OK && changes > 0)
			rc = db_one_i64(db, "SELECT id FROM customers WHERE code = ?",
			    DB_ARGS(DB_S(customers[i].code)), &id, err);
		if (rc == SVC_OK && changes > 0)
			rc = master_index_customer(db, c->a, id, err);
		if (rc)
			return rc;
		c->created += (int)changes;
	}
	for (size_t i = 0; i < NUSERS; i++) {
		struct user_draft d = { 0 };
		struct user *u;
		const char *roles[1] = { users[i].role };

		if (!c->need[i])
			continue;
		d.username = users[i].username;
		d.display_name = users[i].display;
		d.roles = roles;
		d.nroles = 1;
		d.active = true;
		d.password_hash = c->hashes[i];
		if (users[i].dept != NULL) {
			rc = db_one_i64(db, "SELECT id FROM departments"
			    " WHERE code = ?", DB_ARGS(DB_S(users[i].dept)), &id,
			    err);
			if (rc)
				return rc;
			d.department_id = id;
		}
		if (strcmp(users[i].role, "customer") == 0) {
			rc = db_one_i64(db, "SELECT id FROM customers"
			    " WHERE code = 'C0001'", DB_NOARGS, &id, err);
			if (rc)
				return rc;
			d.customer_id = id;
		}
		rc = user_create(db, c->a, &who, &d, &u, err);
		if (rc)
			return rc;
		c->created++;
	}
	rc = demo_warehouses(db, c->a, &who, &c->created, err);
	if (rc == SVC_OK)
		rc = demo_templates(db, c->a, &who, err);
	return rc;
}

static enum svc_code
flag_tx(struct db *db, void *arg, struct svc_err *err)
{
	(void)arg;
	return db_exec(db, "INSERT INTO settings (key, value, updated_at)"
	    " VALUES ('demo.generated', '1', ?)", DB_ARGS(DB_I(clock_now())),
	    NULL, err);
}

/*
 * The SLA clocks of the generated requests still waiting for the
 * technician (new, dispatched, assigned) or, for complaints, for the
 * answer: started at their creation, as intake would have, so that the
 * dashboard has clocks due soon and overdue.
 */
static enum svc_code
clocks_tx(struct db *db, void *arg, struct svc_err *err)
{
	const struct actor who = { 0, "demo", "", "" };
	struct request *rs;
	struct arena a;
	struct dbq *q;
	enum svc_code rc;
	size_t n = 0, max = 4096;

	(void)arg;
	arena_init(&a, 64u << 20);
	rs = arena_alloc(&a, max * sizeof(*rs));
	if (rs == NULL) {
		arena_release(&a);
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	}
	rc = db_query(db, "SELECT id, number, type, severity, customer_id,"
	    " owner_id, created_at FROM service_requests"
	    " WHERE state IN ('new', 'dispatched', 'assigned')"
	    " ORDER BY id", DB_NOARGS, &q, err);
	while (rc == SVC_OK && n < max && db_next(q) == 1) {
		memset(&rs[n], 0, sizeof(rs[n]));
		rs[n].id = db_i64(q, 0);
		rs[n].number = db_dup(q, 1, &a);
		rs[n].type = db_dup(q, 2, &a);
		rs[n].severity = db_dup(q, 3, &a);
		rs[n].customer_id = db_i64(q, 4);
		rs[n].owner_id = db_i64(q, 5);
		rs[n].created_at = db_i64(q, 6);
		n++;
	}
	if (rc == SVC_OK)
		rc = db_done(q, err);
	for (size_t i = 0; i < n && rc == SVC_OK; i++)
		rc = request_clock_start(db, &a, &who, &rs[i], err);
	arena_release(&a);
	return rc;
}

/* A year of history, the first time only (settings demo.generated). */
static enum svc_code
demo_generate_once(struct store *s, struct db *db, int *created,
    struct svc_err *err)
{
	static const struct gen_size small = { 60, 400, 1500, 12, false };
	enum svc_code rc;
	int64_t n;

	rc = db_one_i64(db, "SELECT count(*) FROM settings"
	    " WHERE key = 'demo.generated'", DB_NOARGS, &n, err);
	if (rc || n > 0)
		return rc;
	rc = gen_run(s, &small, err);
	if (rc == SVC_OK)
		rc = store_write(s, db, clocks_tx, NULL, err);
	if (rc == SVC_OK)
		rc = demo_stock_load(s, db, created, err);
	if (rc == SVC_OK)
		rc = store_write(s, db, flag_tx, NULL, err);
	if (rc == SVC_OK)
		*created += small.customers + small.units + small.requests;
	return rc;
}

/* Users, departments, customers; and with history, a generated year. */
static int
demo_load(struct cli_args *a, bool history)
{
	struct demo_ctx *c;
	struct arena arena;
	struct svc_err err = { 0 };
	struct store *s;
	struct db *db = NULL;
	enum svc_code rc;
	sem_t slots;
	int64_t n;

	s = cli_open_store(&a->cfg, true);
	if (s == NULL)
		return 1;
	c = xcalloc(1, sizeof(*c));
	arena_init(&arena, 16u << 20);
	c->a = &arena;
	sem_init(&slots, 0, 2);
	rc = store_acquire(s, &db, &err);
	for (size_t i = 0; rc == SVC_OK && i < NUSERS; i++) {
		rc = db_one_i64(db, "SELECT count(*) FROM users WHERE username = ?",
		    DB_ARGS(DB_S(users[i].username)), &n, &err);
		c->need[i] = n == 0;
		if (rc == SVC_OK && c->need[i] &&
		    !auth_hash_password(&slots, DEMO_PASSWORD, c->hashes[i]))
			rc = svc_fail(&err, SVC_EINTERNAL, NULL, "cannot hash");
	}
	if (rc == SVC_OK)
		rc = store_write(s, db, demo_tx, c, &err);
	if (rc == SVC_OK && history)
		rc = demo_generate_once(s, db, &c->created, &err);
	if (db != NULL)
		store_release(s, db);
	store_close(s);
	sem_destroy(&slots);
	if (rc) {
		arena_release(&arena);
		free(c);
		return cli_fail("demo: %s", err.msg);
	}
	printf("demo data loaded into %s (%d new records)\n", a->cfg.db,
	    c->created);
	printf("logins (password for all: %s):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < NUSERS; i++)
		printf("  %-10s %-20s %s\n", users[i].username, users[i].role,
		    users[i].display);
	arena_release(&arena);
	free(c);
	return 0;
}

int
cmd_demo(struct cli_args *a)
{
	static const char *const flags[] = { "db", NULL };

	if (!cli_check_flags(a, flags, "demo"))
		return 1;
	return demo_load(a, true);
}

/*
 * generate — a large data set for benchmarks, after the demo users:
 * aftersales generate [--db DB] [--customers N] [--units N] [--requests N]
 *     [--months N] [--parts N] [--warehouses N]
 * (--parts 100000 --warehouses 10: a million stock levels)
 */
int
cmd_generate(struct cli_args *a)
{
	static const char *const flags[] = { "db", "customers", "units",
		"requests", "months", "parts", "warehouses", NULL };
	static const char *const names[] = { "customers", "units", "requests",
		"months", "parts", "warehouses" };
	struct gen_size size = { 50000, 200000, 1000000, 24, true, 1000, 3 };
	int *fields[] = { &size.customers, &size.units, &size.requests,
		&size.months, &size.parts, &size.warehouses };
	struct svc_err err = { 0 };
	struct store *s;
	enum svc_code rc;
	int64_t t0 = clock_mono_us(), v;

	if (!cli_check_flags(a, flags, "generate"))
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *f = cli_flag(a, names[i]);

		if (f == NULL)
			continue;
		if (!str_to_i64(f, strlen(f), 0, 100000000, &v))
			return cli_fail("generate: bad --%s", names[i]);
		*fields[i] = (int)v;
	}
	if (size.months < 1)
		return cli_fail("generate: --months must be at least 1");
	if (size.warehouses > 1000)
		return cli_fail("generate: --warehouses must be at most 1000");
	if (demo_load(a, false) != 0)
		return 1;
	s = cli_open_store(&a->cfg, true);
	if (s == NULL)
		return 1;
	rc = gen_run(s, &size, &err);
	store_close(s);
	if (rc)
		return cli_fail("generate: %s", err.msg);
	printf("generated %d customers, %d units, %d requests, %d parts x %d"
	    " warehouses in %.1f s\n", size.customers, size.units,
	    size.requests, size.parts, size.warehouses,
	    (double)(clock_mono_us() - t0) / 1e6);
	return 0;
}
