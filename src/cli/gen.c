/*
 * gen — generated master data and request history (see gen.h).
 */
#include "cli/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/core.h"
#include "domain/master/master.h"
#include "domain/search/search.h"
#include "util/clock.h"
#include "util/log.h"

#define BATCH 5000

static const char *const cities[][3] = {
	/* city, province, region */
	{ "北京", "北京市", "华北" }, { "天津", "天津市", "华北" },
	{ "石家庄", "河北省", "华北" }, { "太原", "山西省", "华北" },
	{ "上海", "上海市", "华东" }, { "南京", "江苏省", "华东" },
	{ "苏州", "江苏省", "华东" }, { "杭州", "浙江省", "华东" },
	{ "宁波", "浙江省", "华东" }, { "合肥", "安徽省", "华东" },
	{ "济南", "山东省", "华东" }, { "青岛", "山东省", "华东" },
	{ "广州", "广东省", "华南" }, { "深圳", "广东省", "华南" },
	{ "东莞", "广东省", "华南" }, { "南宁", "广西", "华南" },
	{ "武汉", "湖北省", "华中" }, { "长沙", "湖南省", "华中" },
	{ "郑州", "河南省", "华中" }, { "成都", "四川省", "西南" },
	{ "重庆", "重庆市", "西南" }, { "昆明", "云南省", "西南" },
	{ "西安", "陕西省", "西北" }, { "兰州", "甘肃省", "西北" },
	{ "乌鲁木齐", "新疆", "西北" }, { "沈阳", "辽宁省", "东北" },
	{ "哈尔滨", "黑龙江省", "东北" }, { "长春", "吉林省", "东北" },
};
#define NCITIES (sizeof(cities) / sizeof(cities[0]))

static const char *const brands[] = { "华信", "恒达", "宏远", "金桥", "瑞丰",
	"鑫源", "东方", "盛世", "联合", "万家", "海川", "天成", "中和", "永安",
	"新时代", "百合", "富康", "佳美", "长城", "博雅" };
static const char *const trades[] = { "机电设备", "建材", "电器", "家居",
	"制冷设备", "工程机械", "商贸", "科技", "五金", "酒店管理" };
static const char *const suffixes[] = { "有限公司", "经销部", "商行",
	"股份有限公司", "连锁店" };
static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨",
	"赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭" };
static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "强", "磊",
	"军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚" };
static const char *const roads[] = { "人民路", "解放路", "中山路", "建设路",
	"和平路", "工业大道", "科技园路", "长江路", "黄河路", "新华街" };

static const struct {
	const char *no, *name, *cat, *bu;
	int months;
	int64_t price;
} models[] = {
	{ "KFR-35GW", "挂壁式空调 1.5匹", "空调", "BU1", 24, 329900 },
	{ "KFR-72LW", "立柜式空调 3匹", "空调", "BU1", 24, 799900 },
	{ "BCD-470", "对开门冰箱 470升", "冰箱", "BU1", 36, 459900 },
	{ "XQG-100", "滚筒洗衣机 10公斤", "洗衣机", "BU1", 24, 259900 },
	{ "JSQ-16", "燃气热水器 16升", "热水器", "BU2", 36, 189900 },
	{ "RO-600", "反渗透净水器", "净水器", "BU2", 12, 149900 },
	{ "LSQ-30", "风冷螺杆冷水机组", "商用制冷", "BU2", 12, 8500000 },
	{ "YJ-220", "工业压缩机", "压缩机", "BU2", 18, 2380000 },
	{ "CDX-50", "电动叉车 5吨", "工程机械", "BU2", 12, 16800000 },
	{ "ZX-100", "智能展示柜", "商用冷柜", "BU1", 12, 689900 },
	{ "DHF-8", "除湿机", "小家电", "BU1", 12, 199900 },
	{ "KT-5P", "多联机室外机 5匹", "空调", "BU1", 36, 1599900 },
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

static const struct {
	const char *code, *name, *unit;
	int64_t price;
} parts[] = {
	{ "P-CMP-01", "压缩机", "台", 98000 }, { "P-FAN-01", "室内风机", "个", 12000 },
	{ "P-FAN-02", "室外风机", "个", 15000 }, { "P-PCB-01", "主控板", "块", 36000 },
	{ "P-PCB-02", "显示板", "块", 8000 }, { "P-SEN-01", "温度传感器", "个", 1500 },
	{ "P-VAL-01", "四通阀", "个", 9000 }, { "P-CAP-01", "启动电容", "个", 2500 },
	{ "P-DRN-01", "排水管", "根", 800 }, { "P-PMP-01", "排水泵", "个", 6500 },
	{ "P-MTR-01", "洗涤电机", "台", 42000 }, { "P-SEL-01", "门封条", "条", 5500 },
	{ "P-IGN-01", "点火针", "个", 1200 }, { "P-FLT-01", "RO滤芯", "支", 26000 },
	{ "P-BAT-01", "动力电池组", "组", 680000 }, { "P-BRK-01", "制动片", "套", 18000 },
	{ "P-REM-01", "遥控器", "个", 3500 }, { "P-GAS-01", "R32冷媒", "公斤", 9000 },
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

static const struct {
	const char *fault;	/* short, goes into the title */
	const char *detail;	/* the customer's words */
	const char *fix;	/* the resolution */
} faults[] = {
	{ "漏水", "室内机滴水，地板上有积水", "清理排水管堵塞，重新固定接水盘" },
	{ "异响", "运行时有咔咔的异响，晚上很吵", "更换减震垫，紧固外壳螺丝" },
	{ "不制冷", "开机半小时温度不下降", "补充冷媒，检漏后焊接铜管" },
	{ "不启动", "按开机键没有反应，指示灯不亮", "更换主控板" },
	{ "显示故障代码E1", "屏幕显示E1，无法运行", "更换温度传感器" },
	{ "噪音大", "压缩机启动时噪音很大", "调整底座，更换压缩机脚垫" },
	{ "漏电", "触摸外壳有麻手感", "更换电源线，检查接地" },
	{ "振动", "脱水时整机振动剧烈", "调整地脚，更换减震器" },
	{ "温度不稳定", "冷藏室温度忽高忽低", "更换温控器" },
	{ "遥控失灵", "遥控器按键无反应", "更换遥控器" },
	{ "不出热水", "打开水龙头不出热水，点火失败", "更换点火针" },
	{ "出水慢", "净水器出水越来越慢", "更换RO滤芯" },
	{ "无法充电", "叉车电池无法充满", "更换动力电池组" },
	{ "刹车失灵", "制动距离变长", "更换制动片，调整制动系统" },
};
#define NFAULTS (sizeof(faults) / sizeof(faults[0]))

static const struct {
	const char *type;
	int weight;
} types[] = {
	{ "repair", 40 }, { "consultation", 20 }, { "complaint", 8 },
	{ "installation", 10 }, { "maintenance", 8 }, { "return", 5 },
	{ "guidance", 3 }, { "suggestion", 2 }, { "appointment", 2 },
	{ "feedback", 2 },
};

static const char *const channels[] = { "phone", "phone", "phone", "web",
	"dealer", "email", "walk_in", "fax" };

/* ----- a small deterministic PRNG (xorshift64*) ----- */

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ull;
}

static int
pick(struct rng *r, int n)
{
	return (int)(rnd(r) % (uint64_t)n);
}

/* ----- the generation, in transactions of BATCH rows ----- */

struct gen {
	const struct gen_size *size;
	struct rng rng;
	struct arena arena;
	int64_t now;
	int today;
	int64_t model_ids[NMODELS];
	int64_t bu_dept[2];
	int64_t agents[8], techs[8];
	int nagents, ntechs;
	int64_t first_customer;		/* generated customers: ids from .. */
	int64_t ncustomers;
	int64_t first_unit;
	int64_t nunits;
	int done;			/* rows of the current phase done */
};

static enum svc_code
one_id(struct db *db, const char *sql, const char *arg, int64_t *out,
    struct svc_err *err)
{
	return db_one_i64(db, sql, DB_ARGS(DB_S(arg)), out, err);
}

/* Models, parts, bills of parts, articles, and who works here. */
static enum svc_code
gen_catalogue(struct db *db, void *arg, struct svc_err *err)
{
	struct gen *g = arg;
	enum svc_code rc = SVC_OK;
	int64_t now = g->now, pid, n;
	struct dbq *q;

	rc = one_id(db, "SELECT id FROM departments WHERE code = ?", "BU1",
	    &g->bu_dept[0], err);
	if (rc == SVC_OK)
		rc = one_id(db, "SELECT id FROM departments WHERE code = ?",
		    "BU2", &g->bu_dept[1], err);
	for (size_t i = 0; rc == SVC_OK && i < NMODELS; i++) {
		rc = db_exec(db, "INSERT INTO product_models (model_no, name,"
		    " category, business_unit_id, warranty_months, created_at,"
		    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (model_no) DO NOTHING",
		    DB_ARGS(DB_S(models[i].no), DB_S(models[i].name),
		    DB_S(models[i].cat), DB_I(g->bu_dept[models[i].bu[2] - '1']),
		    DB_I(models[i].months), DB_I(now), DB_I(now)), NULL, err);
		if (rc == SVC_OK)
			rc = one_id(db, "SELECT id FROM product_models"
			    " WHERE model_no = ?", models[i].no, &g->model_ids[i],
			    err);
	}
	for (size_t i = 0; rc == SVC_OK && i < NPARTS; i++) {
		rc = db_exec(db, "INSERT INTO parts (code, name, unit, price_fen,"
		    " reorder_point, created_at, updated_at)"
		    " VALUES (?, ?, ?, ?, 5, ?, ?) ON CONFLICT (code) DO NOTHING",
		    DB_ARGS(DB_S(parts[i].code), DB_S(parts[i].name),
		    DB_S(parts[i].unit), DB_I(parts[i].price), DB_I(now),
		    DB_I(now)), NULL, err);
		if (rc == SVC_OK)
			rc = one_id(db, "SELECT id FROM parts WHERE code = ?",
			    parts[i].code, &pid, err);
		if (rc == SVC_OK)
			rc = master_index_part(db, &g->arena, pid, err);
	}
	for (size_t i = 0; rc == SVC_OK && i < NMODELS; i++) {
		for (int k = 0; rc == SVC_OK && k < 4; k++) {
			rc = one_id(db, "SELECT id FROM parts WHERE code = ?",
			    parts[(i * 3 + (size_t)k * 5) % NPARTS].code, &pid, err);
			if (rc == SVC_OK)
				rc = db_exec(db, "INSERT INTO model_parts (model_id,"
				    " part_id, quantity) VALUES (?, ?, 1)"
				    " ON CONFLICT DO NOTHING",
				    DB_ARGS(DB_I(g->model_ids[i]), DB_I(pid)), NULL,
				    err);
		}
	}
	for (size_t i = 0; rc == SVC_OK && i < NFAULTS; i++) {
		struct search_doc d = { .kind = "article", .number = "",
			.title = arena_printf(&g->arena, "%s的处理方法",
			    faults[i].fault),
			.body = arena_printf(&g->arena, "现象：%s。\n处理：%s。\n"
			    "注意：处理前先断电，确认保修状态。", faults[i].detail,
			    faults[i].fix) };

		rc = db_one_i64(db, "INSERT INTO kb_articles (kind, title, body,"
		    " model_id, category, created_at, updated_at)"
		    " VALUES ('fault_solution', ?, ?, NULL, ?, ?, ?) RETURNING id",
		    DB_ARGS(DB_S(d.title), DB_S(d.body), DB_S(faults[i].fault),
		    DB_I(now), DB_I(now)), &d.ref_id, err);
		if (rc == SVC_OK)
			rc = search_put(db, &d, err);
	}
	if (rc == SVC_OK)
		rc = db_exec(db, "INSERT INTO kb_articles (kind, title, body,"
		    " category, created_at, updated_at) VALUES ('complaint_guide',"
		    " '服务态度投诉的处理指引', '一、24小时内致电客户致歉；二、核实当事人"
		    "经过；三、48小时内书面答复；四、跟踪回访。', '服务态度', ?, ?)",
		    DB_ARGS(DB_I(now), DB_I(now)), NULL, err);
	/* staff who take and work requests */
	if (rc == SVC_OK)
		rc = db_query(db, "SELECT u.id, ur.role FROM users u JOIN user_roles"
		    " ur ON ur.user_id = u.id WHERE ur.role IN ('agent',"
		    " 'aftersales_manager', 'technician') AND u.active = 1"
		    " ORDER BY u.id", DB_NOARGS, &q, err);
	if (rc == SVC_OK) {
		while (db_next(q) == 1) {
			if (strcmp(db_str(q, 1), "technician") == 0) {
				if (g->ntechs < 8)
					g->techs[g->ntechs++] = db_i64(q, 0);
			} else if (g->nagents < 8)
				g->agents[g->nagents++] = db_i64(q, 0);
		}
		rc = db_done(q, err);
	}
	if (rc == SVC_OK && (g->nagents == 0 || g->ntechs == 0))
		rc = svc_fail(err, SVC_EUNPROCESSABLE, NULL,
		    "generate needs the demo users (agent, technician)");
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT count(*) FROM customers", DB_NOARGS,
		    &n, err);
	return rc;
}

static void
person(struct rng *r, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", surnames[pick(r, 18)], given[pick(r, 18)],
	    pick(r, 2) ? given[pick(r, 18)] : "");
}

/* The next BATCH customers, with a contact and, for dealers, a contract. */
static enum svc_code
gen_customers(struct db *db, void *arg, struct svc_err *err)
{
	struct gen *g = arg;
	enum svc_code rc = SVC_OK;
	int end = g->done + BATCH;

	if (end > g->size->customers)
		end = g->size->customers;
	for (int i = g->done; rc == SVC_OK && i < end; i++) {
		struct rng *r = &g->rng;
		int c = pick(r, NCITIES), far = pick(r, 10) == 0;
		int urban = !far && pick(r, 10) < 6;
		int km = far ? 1000 + pick(r, 1800) : urban ? 3 + pick(r, 40) :
		    40 + pick(r, 300);
		int dealer = pick(r, 3) == 0;
		char code[16], name[128], addr[160], phone[16], who[32];
		int64_t id;

		if (i == 0 && g->size->customers > 1)
			km = 999;	/* the boundary, for the SLA rules */
		if (i == 1 && g->size->customers > 1)
			km = 1000;
		snprintf(code, sizeof(code), "C%06d", 100000 + i);
		snprintf(name, sizeof(name), "%s%s%s%s", cities[c][0],
		    brands[pick(r, 20)], trades[pick(r, 10)],
		    suffixes[pick(r, 5)]);
		snprintf(addr, sizeof(addr), "%s%s%s%d号", cities[c][1],
		    cities[c][0], roads[pick(r, 10)], 1 + pick(r, 999));
		snprintf(phone, sizeof(phone), "1%d%09d", 3 + pick(r, 7),
		    (int)(rnd(r) % 1000000000u));
		rc = db_one_i64(db, "INSERT INTO customers (code, name, type,"
		    " region, address, phone, distance_km, region_class,"
		    " active, version, created_at, updated_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?) RETURNING id",
		    DB_ARGS(DB_S(code), DB_S(name), DB_S(dealer ? "dealer" :
		    pick(r, 2) ? "enterprise" : "consumer"), DB_S(cities[c][2]),
		    DB_S(addr), DB_S(phone), DB_I(km),
		    DB_S(urban ? "urban" : km >= 300 && km < 1000 ? "remote" :
		    "suburban"), DB_I(g->now),
		    DB_I(g->now)), &id, err);
		if (g->first_customer == 0)
			g->first_customer = id;
		person(r, who, sizeof(who));
		if (rc == SVC_OK)
			rc = db_exec(db, "INSERT INTO customer_contacts"
			    " (customer_id, name, title, phone, is_primary,"
			    " created_at, updated_at) VALUES (?, ?, '采购经理', ?, 1,"
			    " ?, ?)", DB_ARGS(DB_I(id), DB_S(who), DB_S(phone),
			    DB_I(g->now), DB_I(g->now)), NULL, err);
		if (rc == SVC_OK)
			rc = master_index_customer(db, &g->arena, id, err);
		if (rc == SVC_OK && dealer) {
			char no[32];
			int start = ymd_add_months(g->today, -12);

			snprintf(no, sizeof(no), "HT-%s", code);
			rc = db_exec(db, "INSERT INTO contracts (contract_no,"
			    " customer_id, kind, start_date, end_date,"
			    " warranty_months, exchange_ratio_limit_bp,"
			    " exchange_days_limit, created_at, updated_at)"
			    " VALUES (?, ?, 'sales', ?, ?, ?, 500, 90, ?, ?)",
			    DB_ARGS(DB_S(no), DB_I(id), DB_I(start),
			    DB_I(ymd_add_months(start, 24)),
			    pick(r, 4) == 0 ? DB_I(36) : DB_NULL, DB_I(g->now),
			    DB_I(g->now)), NULL, err);
			/* a year of monthly purchases: the ratio's base */
			for (int m = 0; rc == SVC_OK && m < 12; m++)
				rc = db_exec(db, "INSERT INTO sales_records"
				    " (customer_id, model_id, sale_date, quantity,"
				    " amount_fen, reference, created_at)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?)",
				    DB_ARGS(DB_I(id),
				    DB_I(g->model_ids[pick(r, NMODELS)]),
				    DB_I(ymd_add_months(start, m) / 100 * 100 + 15),
				    DB_I(5 + pick(r, 40)),
				    DB_I(100000 * (int64_t)(20 + pick(r, 400))),
				    DB_S(arena_printf(&g->arena, "ERP-%s-%02d", code,
				    m + 1)), DB_I(g->now)), NULL, err);
		}
	}
	g->ncustomers += end - g->done;
	g->done = end;
	arena_release(&g->arena);
	return rc;
}

/* The next BATCH sold units, each of a random customer. */
static enum svc_code
gen_units(struct db *db, void *arg, struct svc_err *err)
{
	struct gen *g = arg;
	enum svc_code rc = SVC_OK;
	int end = g->done + BATCH;

	if (end > g->size->units)
		end = g->size->units;
	for (int i = g->done; rc == SVC_OK && i < end; i++) {
		struct rng *r = &g->rng;
		int m = pick(r, NMODELS), months = models[m].months;
		int64_t cust = g->first_customer + pick(r, (int)g->ncustomers);
		int purchase = ymd_add_days(g->today, -pick(r, 365 * 3));
		int64_t contract = 0, cm = 0, id;
		char serial[40];
		struct dbq *q;

		if (i == 0)	/* the last day of its warranty is today */
			purchase = ymd_add_days(ymd_add_months(g->today,
			    -months), 1);
		rc = db_query(db, "SELECT id, coalesce(warranty_months, 0) FROM"
		    " contracts WHERE customer_id = ? AND kind = 'sales'",
		    DB_ARGS(DB_I(cust)), &q, err);
		if (rc)
			break;
		if (db_next(q) == 1) {
			contract = db_i64(q, 0);
			cm = db_i64(q, 1);
		}
		rc = db_done(q, err);
		if (cm > 0)
			months = (int)cm;
		snprintf(serial, sizeof(serial), "%.6s%d%07d", models[m].no,
		    purchase / 10000, i + 1);
		for (char *p = serial; *p != '\0'; p++)
			if (*p == '-')
				*p = 'X';
		if (rc == SVC_OK)
			rc = db_one_i64(db, "INSERT INTO sold_units (serial,"
			    " model_id, customer_id, contract_id, sale_order_no,"
			    " invoice_no, purchase_date, delivery_date, quantity,"
			    " amount_fen, warranty_end, created_at, updated_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)"
			    " RETURNING id",
			    DB_ARGS(DB_S(serial), DB_I(g->model_ids[m]),
			    DB_I(cust), DB_ID(contract),
			    DB_S(arena_printf(&g->arena, "SO%07d", i + 1)),
			    DB_S(arena_printf(&g->arena, "FP%08d", 3000000 + i)),
			    DB_I(purchase), DB_I(ymd_add_days(purchase,
			    pick(r, 8))), DB_I(models[m].price),
			    DB_I(warranty_end_of(purchase, months)),
			    DB_I(g->now), DB_I(g->now)), &id, err);
		if (rc == SVC_OK)
			rc = master_index_unit(db, &g->arena, id, err);
		if (g->first_unit == 0)
			g->first_unit = id;
	}
	g->nunits += end - g->done;
	g->done = end;
	arena_release(&g->arena);
	return rc;
}

static const char *
pick_type(struct rng *r)
{
	int w = pick(r, 100);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (w < types[i].weight)
			return types[i].type;
		w -= types[i].weight;
	}
	return "repair";
}

/* The next BATCH requests, spread over the months up to now. */
static enum svc_code
gen_requests(struct db *db, void *arg, struct svc_err *err)
{
	struct gen *g = arg;
	enum svc_code rc = SVC_OK;
	int end = g->done + BATCH;
	int64_t span = (int64_t)g->size->months * 30 * 86400;
	int64_t start = g->now - span;

	if (end > g->size->requests)
		end = g->size->requests;
	for (int i = g->done; rc == SVC_OK && i < end; i++) {
		struct rng *r = &g->rng;
		int64_t at = start + span * i / g->size->requests +
		    pick(r, 3600), unit = 0, cust, id, owner, tech;
		int64_t age = g->now - at, closed_at = 0;
		const char *type = pick_type(r), *state, *sev, *title;
		int f = pick(r, NFAULTS), in_w = -1, wend = 0;
		char *number, *rule = (char *)"", serial[40] = "";
		bool with_unit = strcmp(type, "consultation") != 0 &&
		    strcmp(type, "suggestion") != 0;
		struct dbq *q;

		/* working hours, mostly */
		at -= at % 86400 % 3600;
		if (with_unit) {
			unit = g->first_unit + pick(r, (int)g->nunits);
			rc = db_query(db, "SELECT customer_id, serial, warranty_end"
			    " FROM sold_units WHERE id = ?", DB_ARGS(DB_I(unit)), &q,
			    err);
			if (rc)
				break;
			cust = g->first_customer;
			if (db_next(q) == 1) {
				cust = db_i64(q, 0);
				snprintf(serial, sizeof(serial), "%s", db_str(q, 1));
				wend = (int)db_i64(q, 2);
			}
			rc = db_done(q, err);
			in_w = clock_local_ymd(at) <= wend;
			rule = arena_printf(&g->arena, "warranty ends %04d-%02d-%02d",
			    wend / 10000, wend / 100 % 100, wend % 100);
		} else
			cust = g->first_customer + pick(r, (int)g->ncustomers);
		/* older requests are closed; the last weeks are in flight */
		if (age > 30 * 86400 || pick(r, 3) == 0) {
			state = pick(r, 40) == 0 ? "cancelled" : "closed";
			closed_at = at + 3600 * (2 + pick(r, 96));
		} else {
			static const char *const open[] = { "new", "dispatched",
				"assigned", "in_progress", "waiting", "resolved" };

			state = open[pick(r, 6)];
		}
		sev = pick(r, 20) == 0 ? "severe" : pick(r, 4) == 0 ?
		    "moderate" : "minor";
		owner = g->agents[pick(r, g->nagents)];
		tech = g->techs[pick(r, g->ntechs)];
		title = strcmp(type, "consultation") == 0 ?
		    "咨询保修政策和收费标准" : arena_printf(&g->arena, "%s%s",
		    models[pick(r, NMODELS)].cat, faults[f].fault);
		if (rc == SVC_OK)
			rc = docno_next(db, &g->arena, "SR", at, &number, err);
		if (rc == SVC_OK)
			rc = db_one_i64(db, "INSERT INTO service_requests (number,"
			    " type, channel, severity, state, customer_id,"
			    " contact_name, contact_phone, unit_id, serial, title,"
			    " description, in_warranty, warranty_rule, owner_id,"
			    " department_id, assignee_id, resolution,"
			    " customer_confirmed_at, created_by, closed_at,"
			    " created_day, version, created_at, updated_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, ?, ?,"
			    " ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
			    DB_ARGS(DB_S(number), DB_S(type),
			    DB_S(channels[pick(r, 8)]), DB_S(sev), DB_S(state),
			    DB_I(cust), DB_ID(unit), DB_S(serial),
			    DB_S(title),
			    DB_S(faults[f].detail), in_w < 0 ? DB_NULL : DB_I(in_w),
			    DB_S(rule), DB_I(owner),
			    strcmp(state, "new") == 0 ? DB_NULL :
			    DB_I(g->bu_dept[pick(r, 2)]),
			    strcmp(state, "new") == 0 ||
			    strcmp(state, "dispatched") == 0 ? DB_NULL : DB_I(tech),
			    DB_S(closed_at || strcmp(state, "resolved") == 0 ?
			    faults[f].fix : ""),
			    closed_at && strcmp(state, "closed") == 0 ?
			    DB_I(closed_at) : DB_NULL, DB_I(owner), DB_ID(closed_at),
			    DB_I(clock_local_ymd(at)), DB_I(at),
			    DB_I(closed_at ? closed_at : at)), &id, err);
		if (rc == SVC_OK)
			rc = db_exec(db, "INSERT INTO request_events (request_id,"
			    " at, user_id, kind, visibility, body)"
			    " VALUES (?, ?, ?, 'created', 'customer', '已受理')",
			    DB_ARGS(DB_I(id), DB_I(at), DB_I(owner)), NULL, err);
		if (rc == SVC_OK && closed_at)
			rc = db_exec(db, "INSERT INTO request_events (request_id,"
			    " at, user_id, kind, visibility, body)"
			    " VALUES (?, ?, ?, 'transition', 'customer', ?)",
			    DB_ARGS(DB_I(id), DB_I(closed_at), DB_I(tech),
			    DB_S(faults[f].fix)), NULL, err);
		if (rc == SVC_OK) {
			struct search_doc d = { .kind = "request", .ref_id = id,
				.customer_id = cust,
				.number = arena_printf(&g->arena, "%s %s", number,
				    serial),
				.title = title,
				.body = arena_printf(&g->arena, "%s %s",
				    faults[f].detail, closed_at ? faults[f].fix : ""),
				.updated_at = closed_at ? closed_at : at };

			rc = search_put(db, &d, err);
		}
	}
	g->done = end;
	arena_release(&g->arena);
	return rc;
}

static enum svc_code
phase(struct store *s, struct db *db, const char *name, int total,
    store_write_fn fn, struct gen *g, struct svc_err *err)
{
	enum svc_code rc = SVC_OK;
	int64_t t0 = clock_mono_us();

	g->done = 0;
	while (rc == SVC_OK && g->done < total) {
		rc = store_write(s, db, fn, g, err);
		if (g->size->progress)
			fprintf(stderr, "\r%-10s %d/%d", name, g->done, total);
	}
	if (g->size->progress)
		fprintf(stderr, "  (%.1f s)\n",
		    (double)(clock_mono_us() - t0) / 1e6);
	return rc;
}

static enum svc_code
catalogue_tx(struct db *db, void *arg, struct svc_err *err)
{
	return gen_catalogue(db, arg, err);
}

enum svc_code
gen_run(struct store *s, const struct gen_size *size, struct svc_err *err)
{
	struct gen *g;
	struct db *db;
	enum svc_code rc;

	g = xcalloc(1, sizeof(*g));
	g->size = size;
	g->rng.s = 0x5eed5eed12345ull;
	g->now = clock_now();
	g->today = clock_local_ymd(g->now);
	arena_init(&g->arena, 64u << 20);
	rc = store_acquire(s, &db, err);
	if (rc) {
		free(g);
		return rc;
	}
	rc = store_write(s, db, catalogue_tx, g, err);
	arena_release(&g->arena);
	if (rc == SVC_OK && size->customers > 0)
		rc = phase(s, db, "customers", size->customers, gen_customers, g,
		    err);
	if (rc == SVC_OK && size->units > 0)
		rc = phase(s, db, "units", size->units, gen_units, g, err);
	if (rc == SVC_OK && size->requests > 0 && g->nunits > 0)
		rc = phase(s, db, "requests", size->requests, gen_requests, g,
		    err);
	store_release(s, db);
	if (rc == SVC_OK)
		rc = gen_stock_run(s, size, err);
	arena_release(&g->arena);
	free(g);
	return rc;
}
