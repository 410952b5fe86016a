/*
 * import — master data from CSV (customers, product models, parts, sold
 * units, sales records), as exported by an ERP or a spreadsheet.
 *
 * The text is read record by record (util/csv.h); the first record names
 * the columns (English names or their Chinese aliases, in any order,
 * case-insensitive).  Each data row becomes a draft that goes through the
 * same create function as the API, so it is validated, checked for taken
 * codes and audited the same way.  Everything runs in the caller's one
 * write transaction: when any row is bad and the caller did not ask to
 * skip bad rows, the caller rolls the whole run back.
 *
 * Memory: each row gets a scratch arena, released after the row, so a file
 * of a million rows needs no more memory than one row (plus the kept
 * errors, capped).
 */
#include "domain/master/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/csv.h"
#include "util/text.h"

#define COLS_MAX 24
#define ROW_ARENA (4u << 20)

struct col {
	const char *name;	/* canonical header */
	const char *aliases;	/* other headers, '|' separated */
	const char *field;	/* the domain field its errors name */
	bool required;
};

enum { C_CODE, C_NAME, C_TYPE, C_REGION, C_ADDRESS, C_PHONE, C_DISTANCE,
	C_REGION_CLASS, C_CREDIT, C_RELATION, C_CONTACT, C_CONTACT_PHONE,
	C_CONTACT_EMAIL, C_ACTIVE };

static const struct col customer_cols[] = {
	[C_CODE] = { "code", "客户编码|客户代码|编码", "code", true },
	[C_NAME] = { "name", "客户名称|名称|客户", "name", true },
	[C_TYPE] = { "type", "客户类型|类型", "type", false },
	[C_REGION] = { "region", "区域|地区", "region", false },
	[C_ADDRESS] = { "address", "地址", "address", false },
	[C_PHONE] = { "phone", "电话|公司电话", "phone", false },
	[C_DISTANCE] = { "distance_km", "距离|距离(公里)|距离公里",
	    "distance_km", false },
	[C_REGION_CLASS] = { "region_class", "区域类别|城郊", "region_class",
	    false },
	[C_CREDIT] = { "credit_notes", "信用|信用备注", "credit_notes", false },
	[C_RELATION] = { "relationship_notes", "关系备注|备注",
	    "relationship_notes", false },
	[C_CONTACT] = { "contact_name", "联系人", "contact_name", false },
	[C_CONTACT_PHONE] = { "contact_phone", "联系人电话|联系电话",
	    "contact_phone", false },
	[C_CONTACT_EMAIL] = { "contact_email", "联系人邮箱|邮箱|email",
	    "contact_email", false },
	[C_ACTIVE] = { "active", "启用|状态", "active", false },
	{ NULL, NULL, NULL, false },
};

enum { M_MODEL_NO, M_NAME, M_CATEGORY, M_BU, M_WARRANTY, M_ACTIVE };

static const struct col model_cols[] = {
	[M_MODEL_NO] = { "model_no", "型号|产品型号", "model_no", true },
	[M_NAME] = { "name", "名称|产品名称", "name", true },
	[M_CATEGORY] = { "category", "类别|产品类别", "category", false },
	[M_BU] = { "business_unit", "事业部|责任事业部", "business_unit_id",
	    false },
	[M_WARRANTY] = { "warranty_months", "保修月数|保修期(月)|保修期",
	    "warranty_months", false },
	[M_ACTIVE] = { "active", "启用|状态", "active", false },
	{ NULL, NULL, NULL, false },
};

enum { P_CODE, P_NAME, P_UNIT, P_PRICE, P_PRICE_FEN, P_REORDER, P_ACTIVE };

static const struct col part_cols[] = {
	[P_CODE] = { "code", "配件编码|备件编码|编码", "code", true },
	[P_NAME] = { "name", "配件名称|备件名称|名称", "name", true },
	[P_UNIT] = { "unit", "单位", "unit", false },
	[P_PRICE] = { "price", "单价|价格|单价(元)", "price_fen", false },
	[P_PRICE_FEN] = { "price_fen", "单价(分)", "price_fen", false },
	[P_REORDER] = { "reorder_point", "补货点|再订货点|最低库存",
	    "reorder_point", false },
	[P_ACTIVE] = { "active", "启用|状态", "active", false },
	{ NULL, NULL, NULL, false },
};

enum { U_SERIAL, U_MODEL, U_CUSTOMER, U_CONTRACT, U_ORDER, U_INVOICE,
	U_PURCHASE, U_DELIVERY, U_QTY, U_AMOUNT, U_AMOUNT_FEN, U_USED, U_USAGE,
	U_WEAR, U_REPAIRS, U_FAULTS };

static const struct col unit_cols[] = {
	[U_SERIAL] = { "serial", "序列号|机身号|出厂编号", "serial", true },
	[U_MODEL] = { "model_no", "型号|产品型号", "model_id", true },
	[U_CUSTOMER] = { "customer_code", "客户编码|客户代码", "customer_id",
	    true },
	[U_CONTRACT] = { "contract_no", "合同号|合同编号", "contract_id",
	    false },
	[U_ORDER] = { "sale_order_no", "销售订单号|订单号", "sale_order_no",
	    false },
	[U_INVOICE] = { "invoice_no", "发票号|发票号码", "invoice_no", false },
	[U_PURCHASE] = { "purchase_date", "购买日期|销售日期|购买时间",
	    "purchase_date", true },
	[U_DELIVERY] = { "delivery_date", "交货日期|发货日期",
	    "delivery_date", false },
	[U_QTY] = { "quantity", "数量", "quantity", false },
	[U_AMOUNT] = { "amount", "金额|金额(元)", "amount_fen", false },
	[U_AMOUNT_FEN] = { "amount_fen", "金额(分)", "amount_fen", false },
	[U_USED] = { "used", "二手|是否二手", "used", false },
	[U_USAGE] = { "usage_years", "使用年限", "usage_years", false },
	[U_WEAR] = { "wear", "磨损|成色", "wear", false },
	[U_REPAIRS] = { "repair_history", "维修记录|维修历史",
	    "repair_history", false },
	[U_FAULTS] = { "known_faults", "已知故障", "known_faults", false },
	{ NULL, NULL, NULL, false },
};

enum { S_CUSTOMER, S_MODEL, S_DATE, S_QTY, S_AMOUNT, S_AMOUNT_FEN, S_REF };

static const struct col sales_cols[] = {
	[S_CUSTOMER] = { "customer_code", "客户编码|客户代码", "customer_id",
	    true },
	[S_MODEL] = { "model_no", "型号|产品型号", "model_id", false },
	[S_DATE] = { "sale_date", "销售日期|日期", "sale_date", true },
	[S_QTY] = { "quantity", "数量", "quantity", false },
	[S_AMOUNT] = { "amount", "金额|金额(元)", "amount_fen", false },
	[S_AMOUNT_FEN] = { "amount_fen", "金额(分)", "amount_fen", false },
	[S_REF] = { "reference", "单据号|参考号|销售单号", "reference", false },
	{ NULL, NULL, NULL, false },
};

struct run;
typedef enum svc_code (*row_fn)(struct run *, struct arena *,
    struct svc_err *);

struct kind_def {
	const char *name;
	const struct col *cols;
	row_fn row;
};

/* One import run. */
struct run {
	struct db *db;
	struct arena *a;	/* the caller's: errors live here */
	const struct actor *who;
	const struct import_opts *opts;
	struct import_result *res;
	const struct kind_def *kind;
	int ncols;
	int pos[COLS_MAX];	/* column -> index in the record, -1 absent */
	const char *header[COLS_MAX];	/* column -> header as written */
	const char *v[COLS_MAX];	/* column -> trimmed value or NULL */
	size_t line;
};

/* ----- errors ----- */

static void
add_error(struct run *r, size_t line, const char *field, const char *reason,
    const char *msg)
{
	struct import_error *e;

	r->res->error_count++;
	if (r->res->nerrors >= r->opts->max_errors)
		return;
	if (r->res->errors == NULL) {
		r->res->errors = arena_alloc(r->a, r->opts->max_errors *
		    sizeof(*r->res->errors));
		if (r->res->errors == NULL)
			return;
	}
	e = &r->res->errors[r->res->nerrors++];
	e->line = line;
	e->field = field != NULL ? arena_strdup(r->a, field) : NULL;
	e->reason = arena_strdup(r->a, reason != NULL && reason[0] ? reason :
	    "invalid");
	/* "%.60s" may have cut a character of the value it quotes */
	e->message = utf8_scrub(arena_strdup(r->a, msg));
}

/* The header (as written) of the column whose errors name field. */
static const char *
column_of(struct run *r, const char *field)
{
	if (field == NULL || field[0] == '\0')
		return NULL;
	for (int i = 0; i < r->ncols; i++)
		if (r->pos[i] >= 0 &&
		    strcmp(r->kind->cols[i].field, field) == 0)
			return r->header[i];
	for (int i = 0; i < r->ncols; i++)
		if (strcmp(r->kind->cols[i].field, field) == 0)
			return r->kind->cols[i].name;
	return field;
}

/* A conversion problem in column c: SVC_EINVAL naming its header. */
static enum svc_code
bad_value(struct run *r, struct svc_err *err, int c, const char *reason,
    const char *what)
{
	const char *h = r->pos[c] >= 0 ? r->header[c] : r->kind->cols[c].name;

	return svc_fail_field(err, SVC_EINVAL, r->kind->cols[c].field, reason,
	    "'%s': %s", h, what);
}

/* ----- values ----- */

/*
 * A code, number or name in the row holding a character a reader cannot
 * see (util/text.h): the row's error, naming the column and the code point.
 */
static bool
invisible_in_row(struct run *r, int line)
{
	char msg[160];
	uint32_t cp;
	long at;

	for (int i = 0; i < r->ncols; i++) {
		if (r->v[i] == NULL ||
		    !text_names_a_thing(r->kind->cols[i].field))
			continue;
		at = text_invisible_at(r->v[i], strlen(r->v[i]), &cp);
		if (at < 0)
			continue;
		snprintf(msg, sizeof(msg), "'%s' holds U+%04X, an invisible or "
		    "bidirectional control character (at byte %ld)",
		    r->header[i], (unsigned)cp, at);
		add_error(r, line, r->header[i], "invisible_character", msg);
		return true;
	}
	return false;
}

static bool
has(struct run *r, int c)
{
	return r->v[c] != NULL && r->v[c][0] != '\0';
}

static const char *
text(struct run *r, int c)
{
	return r->v[c] != NULL ? r->v[c] : "";
}

static enum svc_code
int_value(struct run *r, struct svc_err *err, int c, int64_t min,
    int64_t max, int64_t dflt, int64_t *out)
{
	char msg[96];

	if (!has(r, c)) {
		*out = dflt;
		return SVC_OK;
	}
	if (str_to_i64(r->v[c], strlen(r->v[c]), min, max, out))
		return SVC_OK;
	snprintf(msg, sizeof(msg), "must be a whole number from %lld to %lld",
	    (long long)min, (long long)max);
	return bad_value(r, err, c, "invalid", msg);
}

/* Yuan with up to two decimals ("1234.5") into fen. */
static bool
parse_yuan(const char *s, int64_t *out)
{
	int64_t y = 0, f = 0;
	int nd = 0, nf = 0;

	for (; *s >= '0' && *s <= '9'; s++, nd++) {
		if (y > 100000000000LL)
			return false;
		y = y * 10 + (*s - '0');
	}
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, nf++) {
			if (nf >= 2)
				return false;
			f = f * 10 + (*s - '0');
		}
		if (nf == 1)
			f *= 10;
	}
	if (*s != '\0' || nd == 0)
		return false;
	*out = y * 100 + f;
	return true;
}

/* Money from a yuan column or a fen column (at most one in the header). */
static enum svc_code
money_value(struct run *r, struct svc_err *err, int yuan, int fen,
    int64_t *out)
{
	*out = 0;
	if (has(r, yuan)) {
		if (!parse_yuan(r->v[yuan], out))
			return bad_value(r, err, yuan, "invalid", "must be an "
			    "amount in yuan with at most two decimals, e.g. "
			    "1234.50");
		return SVC_OK;
	}
	return int_value(r, err, fen, 0, 100000000000000LL, 0, out);
}

static enum svc_code
date_value(struct run *r, struct svc_err *err, int c, int *out)
{
	*out = 0;
	if (!has(r, c))
		return SVC_OK;
	if (ymd_parse(r->v[c], out))
		return SVC_OK;
	return bad_value(r, err, c, "invalid", "must be a date YYYY-MM-DD");
}

static enum svc_code
bool_value(struct run *r, struct svc_err *err, int c, bool dflt, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "y", "是",
		"有效", "启用", NULL };
	static const char *const no[] = { "0", "false", "no", "n", "否",
		"无效", "停用", NULL };

	*out = dflt;
	if (!has(r, c))
		return SVC_OK;
	for (int i = 0; yes[i] != NULL; i++)
		if (strcasecmp(r->v[c], yes[i]) == 0) {
			*out = true;
			return SVC_OK;
		}
	for (int i = 0; no[i] != NULL; i++)
		if (strcasecmp(r->v[c], no[i]) == 0) {
			*out = false;
			return SVC_OK;
		}
	return bad_value(r, err, c, "invalid", "must be true/false, 1/0 or "
	    "是/否");
}

/* An enum value given as its key or a Chinese label. */
struct label {
	const char *label;
	const char *key;
};

static enum svc_code
enum_value(struct run *r, struct svc_err *err, int c,
    const struct label *labels, const char *dflt, const char **out)
{
	*out = dflt;
	if (!has(r, c))
		return SVC_OK;
	for (int i = 0; labels[i].label != NULL; i++)
		if (strcasecmp(r->v[c], labels[i].label) == 0) {
			*out = labels[i].key;
			return SVC_OK;
		}
	return bad_value(r, err, c, "not_allowed", "is not one of the allowed "
	    "values (see the import documentation)");
}

/* Code -> id by a "SELECT id FROM ... WHERE code = ?" query. */
static enum svc_code
lookup(struct run *r, struct svc_err *err, int c, const char *sql,
    const char *what, int64_t *id)
{
	enum svc_code rc;
	char msg[160];

	*id = 0;
	if (!has(r, c))
		return SVC_OK;
	rc = db_one_i64(r->db, sql, DB_ARGS(DB_S(r->v[c])), id, err);
	if (rc != SVC_ENOTFOUND)
		return rc;
	snprintf(msg, sizeof(msg), "no %s '%.80s'", what, r->v[c]);
	return bad_value(r, err, c, "not_found", msg);
}

/* ----- one row per kind ----- */

static const struct label customer_type_labels[] = {
	{ "dealer", "dealer" }, { "经销商", "dealer" },
	{ "distributor", "distributor" }, { "代理商", "distributor" },
	{ "分销商", "distributor" },
	{ "enterprise", "enterprise" }, { "企业", "enterprise" },
	{ "企业客户", "enterprise" },
	{ "consumer", "consumer" }, { "消费者", "consumer" },
	{ "个人", "consumer" },
	{ NULL, NULL },
};

static const struct label region_class_labels[] = {
	{ "urban", "urban" }, { "市区", "urban" }, { "城区", "urban" },
	{ "城市", "urban" },
	{ "suburban", "suburban" }, { "郊区", "suburban" },
	{ "城郊", "suburban" },
	{ "remote", "remote" }, { "外地", "remote" }, { "异地", "remote" },
	{ NULL, NULL },
};

static enum svc_code
row_customer(struct run *r, struct arena *a, struct svc_err *err)
{
	struct customer d = { 0 }, *out;
	struct contact cd = { 0 }, *cout;
	enum svc_code rc;

	d.code = text(r, C_CODE);
	d.name = text(r, C_NAME);
	d.region = text(r, C_REGION);
	d.address = text(r, C_ADDRESS);
	d.phone = text(r, C_PHONE);
	d.credit_notes = text(r, C_CREDIT);
	d.relationship_notes = text(r, C_RELATION);
	rc = enum_value(r, err, C_TYPE, customer_type_labels, "dealer",
	    &d.type);
	if (rc == SVC_OK)
		rc = enum_value(r, err, C_REGION_CLASS, region_class_labels,
		    "urban", &d.region_class);
	if (rc == SVC_OK)
		rc = int_value(r, err, C_DISTANCE, 0, 100000, 0,
		    &d.distance_km);
	if (rc == SVC_OK)
		rc = bool_value(r, err, C_ACTIVE, true, &d.active);
	if (rc)
		return rc;
	cd.name = text(r, C_CONTACT);
	cd.phone = text(r, C_CONTACT_PHONE);
	cd.email = text(r, C_CONTACT_EMAIL);
	cd.title = "";
	cd.is_primary = true;
	/* the contact is checked before the customer is written */
	if (cd.name[0] == '\0' && (cd.phone[0] != '\0' || cd.email[0] != '\0'))
		return bad_value(r, err, C_CONTACT, "required", "is required "
		    "when a contact phone or email is given");
	if (cd.name[0] != '\0') {
		rc = rec_text_ok(err, "contact_name", cd.name, 1, 100,
		    REC_LINE);
		if (rc == SVC_OK)
			rc = rec_text_ok(err, "contact_phone", cd.phone, 0, 40,
			    REC_LINE);
		if (rc == SVC_OK)
			rc = rec_text_ok(err, "contact_email", cd.email, 0, 200,
			    REC_LINE);
		if (rc == SVC_OK)
			rc = rec_email_ok(err, "contact_email", cd.email);
		if (rc)
			return rc;
	}
	rc = customer_create(r->db, a, r->who, &d, &out, err);
	if (rc == SVC_OK && cd.name[0] != '\0')
		rc = contact_create(r->db, a, r->who, out->id, &cd, &cout, err);
	return rc;
}

static enum svc_code
row_model(struct run *r, struct arena *a, struct svc_err *err)
{
	struct product_model d = { 0 }, *out;
	enum svc_code rc;

	d.model_no = text(r, M_MODEL_NO);
	d.name = text(r, M_NAME);
	d.category = text(r, M_CATEGORY);
	rc = lookup(r, err, M_BU, "SELECT id FROM departments WHERE code = ?",
	    "department", &d.business_unit_id);
	if (rc == SVC_OK)
		rc = int_value(r, err, M_WARRANTY, 0, 240, 12,
		    &d.warranty_months);
	if (rc == SVC_OK)
		rc = bool_value(r, err, M_ACTIVE, true, &d.active);
	if (rc == SVC_OK)
		rc = model_create(r->db, a, r->who, &d, &out, err);
	return rc;
}

static enum svc_code
row_part(struct run *r, struct arena *a, struct svc_err *err)
{
	struct part d = { 0 }, *out;
	enum svc_code rc;

	d.code = text(r, P_CODE);
	d.name = text(r, P_NAME);
	d.unit = text(r, P_UNIT);
	rc = money_value(r, err, P_PRICE, P_PRICE_FEN, &d.price_fen);
	if (rc == SVC_OK)
		rc = int_value(r, err, P_REORDER, 0, 1000000000, 0,
		    &d.reorder_point);
	if (rc == SVC_OK)
		rc = bool_value(r, err, P_ACTIVE, true, &d.active);
	if (rc == SVC_OK)
		rc = part_create(r->db, a, r->who, &d, &out, err);
	return rc;
}

static enum svc_code
row_unit(struct run *r, struct arena *a, struct svc_err *err)
{
	struct unit d = { 0 }, *out;
	enum svc_code rc;
	int64_t usage;

	d.serial = text(r, U_SERIAL);
	d.sale_order_no = text(r, U_ORDER);
	d.invoice_no = text(r, U_INVOICE);
	d.wear = text(r, U_WEAR);
	d.repair_history = text(r, U_REPAIRS);
	d.known_faults = text(r, U_FAULTS);
	if (!has(r, U_SERIAL))
		return bad_value(r, err, U_SERIAL, "required", "is required");
	if (!has(r, U_MODEL))
		return bad_value(r, err, U_MODEL, "required", "is required");
	if (!has(r, U_CUSTOMER))
		return bad_value(r, err, U_CUSTOMER, "required", "is required");
	if (!has(r, U_PURCHASE))
		return bad_value(r, err, U_PURCHASE, "required", "is required");
	rc = lookup(r, err, U_MODEL, "SELECT id FROM product_models"
	    " WHERE model_no = ?", "product model", &d.model_id);
	if (rc == SVC_OK)
		rc = lookup(r, err, U_CUSTOMER, "SELECT id FROM customers"
		    " WHERE code = ?", "customer", &d.customer_id);
	if (rc == SVC_OK)
		rc = lookup(r, err, U_CONTRACT, "SELECT id FROM contracts"
		    " WHERE contract_no = ?", "contract", &d.contract_id);
	if (rc == SVC_OK)
		rc = date_value(r, err, U_PURCHASE, &d.purchase_date);
	if (rc == SVC_OK)
		rc = date_value(r, err, U_DELIVERY, &d.delivery_date);
	if (rc == SVC_OK)
		rc = int_value(r, err, U_QTY, 1, 1000000, 1, &d.quantity);
	if (rc == SVC_OK)
		rc = money_value(r, err, U_AMOUNT, U_AMOUNT_FEN, &d.amount_fen);
	if (rc == SVC_OK)
		rc = bool_value(r, err, U_USED, false, &d.used);
	if (rc == SVC_OK)
		rc = int_value(r, err, U_USAGE, 0, 100, REC_NULL, &usage);
	if (rc)
		return rc;
	d.usage_years = usage;
	return unit_create(r->db, a, r->who, &d, &out, err);
}

static enum svc_code
row_sales(struct run *r, struct arena *a, struct svc_err *err)
{
	struct sales_record d = { 0 }, *out;
	enum svc_code rc;

	d.reference = text(r, S_REF);
	if (!has(r, S_CUSTOMER))
		return bad_value(r, err, S_CUSTOMER, "required", "is required");
	if (!has(r, S_DATE))
		return bad_value(r, err, S_DATE, "required", "is required");
	if (!has(r, S_AMOUNT) && !has(r, S_AMOUNT_FEN))
		return bad_value(r, err, r->pos[S_AMOUNT] >= 0 ? S_AMOUNT :
		    S_AMOUNT_FEN, "required", "is required");
	rc = lookup(r, err, S_CUSTOMER, "SELECT id FROM customers"
	    " WHERE code = ?", "customer", &d.customer_id);
	if (rc == SVC_OK)
		rc = lookup(r, err, S_MODEL, "SELECT id FROM product_models"
		    " WHERE model_no = ?", "product model", &d.model_id);
	if (rc == SVC_OK)
		rc = date_value(r, err, S_DATE, &d.sale_date);
	if (rc == SVC_OK)
		rc = int_value(r, err, S_QTY, 0, 1000000000, 0, &d.quantity);
	if (rc == SVC_OK)
		rc = money_value(r, err, S_AMOUNT, S_AMOUNT_FEN, &d.amount_fen);
	if (rc == SVC_OK)
		rc = sales_create(r->db, a, r->who, &d, &out, err);
	return rc;
}

static const struct kind_def kinds[IMPORT__MAX] = {
	[IMPORT_CUSTOMERS] = { "customers", customer_cols, row_customer },
	[IMPORT_MODELS] = { "models", model_cols, row_model },
	[IMPORT_PARTS] = { "parts", part_cols, row_part },
	[IMPORT_UNITS] = { "units", unit_cols, row_unit },
	[IMPORT_SALES] = { "sales", sales_cols, row_sales },
};

bool
import_kind_parse(const char *s, enum import_kind *out)
{
	for (int i = 0; i < IMPORT__MAX; i++)
		if (s != NULL && strcmp(s, kinds[i].name) == 0) {
			*out = (enum import_kind)i;
			return true;
		}
	return false;
}

const char *
import_kind_name(enum import_kind k)
{
	return (unsigned)k < IMPORT__MAX ? kinds[k].name : "?";
}

/* ----- the header ----- */

/* Does the header h (trimmed) name column c? */
static bool
header_is(const struct col *c, const char *h)
{
	const char *p = c->aliases;

	if (strcasecmp(h, c->name) == 0)
		return true;
	while (p != NULL && *p != '\0') {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (strlen(h) == len && strncasecmp(h, p, len) == 0)
			return true;
		p += len;
		if (*p == '|')
			p++;
	}
	return false;
}

/* Trim ASCII blanks in place (the field is NUL-terminated in csv's buf). */
static const char *
trim(struct str *f)
{
	char *s = (char *)(uintptr_t)f->p;
	size_t len = f->len;

	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	return s;
}

static bool
read_header(struct run *r, struct csv *c)
{
	const struct col *cols = r->kind->cols;
	char msg[200];
	bool ok = true;

	for (int i = 0; i < r->ncols; i++)
		r->pos[i] = -1;
	for (size_t k = 0; k < c->nfields; k++) {
		const char *h = trim(&c->fields[k]);
		int found = -1;

		if (h[0] == '\0' && k + 1 == c->nfields && k > 0)
			break;	/* a trailing comma */
		for (int i = 0; i < r->ncols && found < 0; i++)
			if (header_is(&cols[i], h))
				found = i;
		if (found < 0) {
			snprintf(msg, sizeof(msg), "unknown column '%.60s' "
			    "(column %zu); the %s import knows: ", h, k + 1,
			    r->kind->name);
			for (int i = 0; i < r->ncols; i++)
				snprintf(msg + strlen(msg), sizeof(msg) -
				    strlen(msg), "%s%s", i ? ", " : "",
				    cols[i].name);
			add_error(r, c->line, h, "unknown", msg);
			ok = false;
			continue;
		}
		if (r->pos[found] >= 0) {
			snprintf(msg, sizeof(msg), "column '%s' is given twice",
			    cols[found].name);
			add_error(r, c->line, h, "duplicate", msg);
			ok = false;
			continue;
		}
		r->pos[found] = (int)k;
		r->header[found] = arena_strdup(r->a, h);
	}
	for (int i = 0; i < r->ncols; i++) {
		if (!cols[i].required || r->pos[i] >= 0)
			continue;
		snprintf(msg, sizeof(msg), "the %s import needs a column '%s'",
		    r->kind->name, cols[i].name);
		add_error(r, c->line, cols[i].name, "required", msg);
		ok = false;
	}
	/* yuan and fen columns of one amount exclude each other */
	for (int i = 0; i < r->ncols; i++)
		for (int j = i + 1; j < r->ncols; j++)
			if (r->pos[i] >= 0 && r->pos[j] >= 0 &&
			    strcmp(cols[i].field, cols[j].field) == 0) {
				snprintf(msg, sizeof(msg), "give either '%s' "
				    "or '%s', not both", cols[i].name,
				    cols[j].name);
				add_error(r, c->line, cols[j].name,
				    "duplicate", msg);
				ok = false;
			}
	if (r->kind->row == row_sales && r->pos[S_AMOUNT] < 0 &&
	    r->pos[S_AMOUNT_FEN] < 0) {
		add_error(r, c->line, "amount", "required", "the sales import "
		    "needs a column 'amount' (yuan) or 'amount_fen'");
		ok = false;
	}
	return ok;
}

/* ----- the run ----- */

static void
audit_summary(struct run *r, enum import_kind k, struct svc_err *err,
    enum svc_code *rc)
{
	char *after;

	after = arena_printf(r->a, "{\"kind\":\"%s\",\"rows\":%zu,"
	    "\"imported\":%zu,\"skipped\":%zu}", import_kind_name(k),
	    r->res->rows, r->res->imported, r->res->skipped);
	*rc = audit_write(r->db, r->who, "import", "import", 0, NULL, after,
	    err);
}

enum svc_code
master_import(struct db *db, struct arena *a, const struct actor *who,
    enum import_kind k, const char *data, size_t len,
    const struct import_opts *opts, struct import_result *res,
    struct svc_err *err)
{
	struct run r;
	struct csv c;
	struct str *fields;
	char *buf;
	enum csv_rc cr;
	enum svc_code rc = SVC_OK;
	bool header = false, header_ok = false;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	if ((unsigned)k >= IMPORT__MAX)
		return svc_fail(err, SVC_EINVAL, "kind", "unknown import kind");
	r.db = db;
	r.a = a;
	r.who = who;
	r.opts = opts;
	r.res = res;
	r.kind = &kinds[k];
	while (r.kind->cols[r.ncols].name != NULL)
		r.ncols++;
	buf = arena_alloc(a, CSV_BUF_SIZE(opts->max_row_bytes, COLS_MAX * 2));
	fields = arena_alloc(a, COLS_MAX * 2 * sizeof(*fields));
	if (buf == NULL || fields == NULL)
		return rec_oom(err);
	csv_init(&c, data, len, opts->max_row_bytes, COLS_MAX * 2, buf, fields);
	while ((cr = csv_next(&c)) != CSV_END) {
		struct arena row;
		struct svc_err rerr = { 0 };
		char msg[200];

		if (cr == CSV_BAD) {
			snprintf(msg, sizeof(msg), "%s (limits: %zu bytes and "
			    "%d fields a row)", c.err, opts->max_row_bytes,
			    COLS_MAX * 2);
			add_error(&r, c.err_line, NULL, "bad_csv", msg);
			if (!header)
				break;
			res->rows++;
			res->skipped++;
			continue;
		}
		if (!header) {
			header = true;
			header_ok = read_header(&r, &c);
			if (!header_ok)
				break;
			continue;
		}
		if (csv_blank(&c))
			continue;
		if (res->rows >= opts->max_rows) {
			rc = svc_fail(err, SVC_ETOOBIG, "csv", "the file has "
			    "more than %zu data rows; split it",
			    opts->max_rows);
			break;
		}
		res->rows++;
		r.line = c.line;
		/* the record's values by column */
		{
			size_t want = 0, extra = 0;

			for (int i = 0; i < r.ncols; i++) {
				r.v[i] = NULL;
				if (r.pos[i] >= 0 &&
				    (size_t)r.pos[i] + 1 > want)
					want = (size_t)r.pos[i] + 1;
			}
			for (size_t i = want; i < c.nfields; i++)
				if (c.fields[i].len > 0)
					extra++;
			if (c.nfields < want || extra > 0) {
				snprintf(msg, sizeof(msg), "the row has %zu "
				    "fields, the header %zu", c.nfields, want);
				add_error(&r, c.line, NULL, c.nfields < want ?
				    "short_row" : "long_row", msg);
				res->skipped++;
				continue;
			}
			for (int i = 0; i < r.ncols; i++)
				if (r.pos[i] >= 0)
					r.v[i] = trim(&c.fields[r.pos[i]]);
		}
		if (invisible_in_row(&r, c.line)) {
			res->skipped++;
			continue;
		}
		arena_init(&row, ROW_ARENA);
		rc = r.kind->row(&r, &row, &rerr);
		arena_release(&row);
		if (rc == SVC_OK) {
			res->imported++;
		} else if (rc == SVC_EINVAL || rc == SVC_ECONFLICT ||
		    rc == SVC_ENOTFOUND || rc == SVC_EUNPROCESSABLE) {
			add_error(&r, c.line, column_of(&r, rerr.field),
			    rerr.reason, rerr.msg);
			res->skipped++;
			rc = SVC_OK;
		} else {
			*err = rerr;
			return rc;
		}
		if (opts->progress != NULL && opts->progress_every > 0 &&
		    res->rows % opts->progress_every == 0)
			opts->progress(opts->progress_ctx, res->rows,
			    res->imported);
	}
	if (rc)
		return rc;
	if (!header && res->error_count == 0)
		add_error(&r, 1, NULL, "empty", "the file is empty: it needs a "
		    "header row naming the columns");
	if (!header_ok || (res->error_count > 0 && !opts->skip_bad)) {
		/* header problems are never skipped */
		res->imported = 0;
		return svc_fail_field(err, SVC_EUNPROCESSABLE, "csv",
		    "bad_rows", "%zu bad row%s: nothing was imported",
		    res->error_count, res->error_count == 1 ? "" : "s");
	}
	audit_summary(&r, k, err, &rc);
	return rc;
}

void
import_result_to_json(struct jw *w, const struct import_result *res)
{
	jw_obj_open(w);
	jw_ki64(w, "rows", (int64_t)res->rows);
	jw_ki64(w, "imported", (int64_t)res->imported);
	jw_ki64(w, "skipped", (int64_t)res->skipped);
	jw_ki64(w, "error_count", (int64_t)res->error_count);
	jw_key(w, "errors");
	jw_arr_open(w);
	for (size_t i = 0; i < res->nerrors; i++) {
		const struct import_error *e = &res->errors[i];

		jw_obj_open(w);
		jw_ki64(w, "line", (int64_t)e->line);
		jw_kstr(w, "field", e->field);
		jw_kstr(w, "reason", e->reason);
		jw_kstr(w, "message", e->message);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}
