/*
 * api_master — master data (SPEC §3): customers and contacts, product
 * models and their bills of parts, parts, contracts, sold units and their
 * warranty, sales records, the price list, a customer's history, CSV
 * import.  The rules live in domain/master; this file decodes, applies
 * customer isolation and writes the answers.
 *
 * Customer isolation: a user bound to a customer company
 * (rq->who.customer_id != 0) sees only that company.  Every read of a
 * customer's record goes through scope(): another company's record answers
 * 404, exactly as a record that does not exist (its existence is not
 * revealed); lists are filtered to the user's own company.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/master/master.h"
#include "domain/user/user.h"

#define API_IMPORT_MAX_ROWS 100000
#define API_IMPORT_ROW_BYTES 65536
#define API_IMPORT_ERRORS 1000

/* ----- shared helpers ----- */

/*
 * May the caller see a record of customer_id?  For a customer user and
 * another company: 404 naming the record as asked for.
 */
static enum svc_code
scope(struct req *rq, int64_t customer_id, const char *what, int64_t id)
{
	if (own_customer(rq) == 0 || own_customer(rq) == customer_id)
		return SVC_OK;
	return svc_fail(&rq->err, SVC_ENOTFOUND, "id", "%s %lld not found",
	    what, (long long)id);
}

/* A customer user may not create or change what belongs to no company. */
static enum svc_code
staff_only(struct req *rq)
{
	if (own_customer(rq) == 0)
		return SVC_OK;
	return svc_fail(&rq->err, SVC_EPERM, NULL,
	    "customer users cannot do this");
}

/* A date query parameter (YYYY-MM-DD), 0 when absent. */
static enum svc_code
query_date(struct req *rq, const char *name, int *out)
{
	const char *s = req_query(rq, name);

	*out = 0;
	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	if (!ymd_parse(s, out))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be a date YYYY-MM-DD", name);
	return SVC_OK;
}

#define END_FIELDS { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
#define VERSION_FIELD(type) \
	{ "version", F_I64, offsetof(type, version), 0, 1, INT64_MAX, 0, NULL, \
	    "the version you read (or send If-Match)" }

/* ===== customers ===== */

static enum svc_code
customer_q(struct req *rq, struct rec_query *q)
{
	const char *text;
	enum svc_code rc;

	rc = query_text(rq, "q", 100, &text);
	if (rc == SVC_OK && text != NULL)
		rc = customer_match(q, &rq->arena, text);
	return rc;
}

static const char *const customer_extra_query[] = { "q", NULL };

static const struct resource customer_res = {
	.rec = &customer_rec,
	.path = "/api/v1/customers",
	.owner = "id",
	.query = customer_extra_query,
	.filter = customer_q,
};

/* Load customer id as the caller may see it. */
static enum svc_code
load_customer(struct req *rq, int64_t id, struct customer **c)
{
	enum svc_code rc;

	rc = scope(rq, id, "customer", id);
	if (rc == SVC_OK)
		rc = customer_get(rq->db, &rq->arena, id, c, &rq->err);
	return rc;
}

static const char *const history_query[] = { "on", NULL };

/*
 * The history's sections that need a permission of their own: contracts
 * (contract.read), purchase totals (sales.read) and service costs
 * (cost.read), as their own routes.
 */
static enum svc_code
history_show(struct req *rq, unsigned *show)
{
	static const struct { const char *perm; unsigned bit; } need[] = {
		{ "contract.read", HISTORY_CONTRACTS },
		{ "sales.read", HISTORY_SALES },
		{ "cost.read", HISTORY_COSTS },
	};
	enum svc_code rc;
	bool ok;

	*show = 0;
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		rc = perm_allowed(rq->db, rq->who.user_id, need[i].perm, &ok,
		    &rq->err);
		if (rc)
			return rc;
		if (ok)
			*show |= need[i].bit;
	}
	return SVC_OK;
}

/*
 * GET /api/v1/customers/{id}/history?on=YYYY-MM-DD (contracts and sales
 * only for holders of contract.read and sales.read)
 */
static enum svc_code
api_customer_history(struct req *rq, struct resp *rs)
{
	enum svc_code rc;
	struct jw w;
	int64_t id;
	unsigned show;
	int on;

	rc = query_allow(rq, history_query);
	if (rc == SVC_OK)
		rc = query_date(rq, "on", &on);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = scope(rq, id, "customer", id);
	if (rc)
		return rc;
	rc = history_show(rq, &show);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	return customer_history_json(rq->db, &rq->arena, id, on,
	    own_customer(rq) == 0, show, &w, &rq->err);
}

/* ----- contacts ----- */

static const struct resource contact_res = {
	.rec = &contact_rec,
	.path = "/api/v1/customers/%lld/contacts",
	.owner = "customer_id",
	.customer_creates = true,
	.parent = "customer_id",
	.parent_rec = &customer_rec,
};

/* GET /api/v1/customers/{id}/contacts */
static enum svc_code
api_contact_list(struct req *rq, struct resp *rs)
{
	struct contact **items;
	struct customer *c;
	enum svc_code rc;
	struct jw w;
	int64_t id;
	size_t n;

	rc = query_allow(rq, NULL);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_customer(rq, id, &c);
	if (rc == SVC_OK)
		rc = contact_list(rq->db, &rq->arena, id, &items, &n, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		rec_to_json(&w, &contact_rec, items[i], REC_STAFF);
	jw_arr_close(&w);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return SVC_OK;
}

/* ===== product models ===== */

static enum svc_code
model_q(struct req *rq, struct rec_query *q)
{
	const char *text;
	enum svc_code rc;

	rc = query_text(rq, "q", 100, &text);
	if (rc == SVC_OK && text != NULL)
		rc = match_code_name(q, &rq->arena, "model_no", text);
	return rc;
}

static const char *const q_query[] = { "q", NULL };

static const struct resource model_res = {
	.rec = &model_rec,
	.path = "/api/v1/product-models",
	.query = q_query,
	.filter = model_q,
};

static enum svc_code
respond_bom(struct req *rq, struct resp *rs, const struct product_model *m)
{
	struct bom_line *lines;
	enum svc_code rc;
	struct jw w;
	size_t n;

	rc = model_bom_get(rq->db, &rq->arena, m->id, &lines, &n, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_ki64(&w, "model_id", m->id);
	jw_kstr(&w, "model_no", m->model_no);
	jw_ki64(&w, "version", m->version);
	jw_key(&w, "parts");
	bom_to_json(&w, lines, n);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/product-models/{id}/parts */
static enum svc_code
api_bom_get(struct req *rq, struct resp *rs)
{
	struct product_model *m;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = model_get(rq->db, &rq->arena, id, &m, &rq->err);
	if (rc)
		return rc;
	return respond_bom(rq, rs, m);
}

/* Only these members in a hand-decoded body. */
static enum svc_code
body_only(struct req *rq, const char *a, const char *b)
{
	const char *key;
	json_t *v;

	if (rq->json == NULL || !json_is_object(rq->json))
		return svc_fail(&rq->err, SVC_EINVAL, "body",
		    "the body must be a JSON object");
	json_object_foreach(rq->json, key, v) {
		(void)v;
		if (strcmp(key, a) != 0 && strcmp(key, b) != 0)
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    arena_strdup(&rq->arena, key), "unknown",
			    "unknown field '%.60s'", key);
	}
	return SVC_OK;
}

/* The body's "version" (or If-Match). */
static enum svc_code
body_version(struct req *rq, int64_t *out)
{
	json_t *v = json_object_get(rq->json, "version");

	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1))
		return svc_fail_field(&rq->err, SVC_EINVAL, "version",
		    "wrong_type", "'version' must be a positive integer");
	return req_version(rq, v != NULL ? json_integer_value(v) : 0, out);
}

/* An integer member of an array item, as "list[i].name". */
static enum svc_code
item_int(struct req *rq, json_t *item, const char *list, size_t i,
    const char *name, int64_t *out)
{
	json_t *v = json_object_get(item, name);

	if (v == NULL || !json_is_integer(v))
		return svc_fail_field(&rq->err, SVC_EINVAL, arena_printf(
		    &rq->arena, "%s[%zu].%s", list, i, name),
		    v == NULL ? "required" : "wrong_type",
		    "'%s[%zu].%s' must be an integer", list, i, name);
	*out = json_integer_value(v);
	return SVC_OK;
}

/*
 * PUT /api/v1/product-models/{id}/parts
 *   {version, parts: [{part_id, quantity}, ...]}: the whole bill of parts
 */
static enum svc_code
api_bom_set(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct product_model *m;
	struct bom_line *lines;
	enum svc_code rc;
	json_t *parts, *item;
	int64_t id, version;
	size_t n, i;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = body_only(rq, "version", "parts");
	if (rc == SVC_OK)
		rc = body_version(rq, &version);
	if (rc)
		return rc;
	parts = json_object_get(rq->json, "parts");
	if (parts == NULL || !json_is_array(parts))
		return svc_fail_field(&rq->err, SVC_EINVAL, "parts",
		    parts == NULL ? "required" : "wrong_type",
		    "'parts' must be an array of {part_id, quantity}");
	n = json_array_size(parts);
	if (n > BOM_MAX)
		return svc_fail_field(&rq->err, SVC_EINVAL, "parts", "too_many",
		    "a bill of parts has at most %d lines", BOM_MAX);
	lines = arena_alloc(&rq->arena, (n + 1) * sizeof(*lines));
	if (lines == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	json_array_foreach(parts, i, item) {
		const char *key;
		json_t *v;

		if (!json_is_object(item))
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    arena_printf(&rq->arena, "parts[%zu]", i),
			    "wrong_type", "'parts[%zu]' must be {part_id, "
			    "quantity}", i);
		json_object_foreach(item, key, v) {
			(void)v;
			if (strcmp(key, "part_id") != 0 &&
			    strcmp(key, "quantity") != 0)
				return svc_fail_field(&rq->err, SVC_EINVAL,
				    arena_printf(&rq->arena, "parts[%zu].%.40s",
				    i, key), "unknown", "unknown field "
				    "'parts[%zu].%.40s'", i, key);
		}
		rc = item_int(rq, item, "parts", i, "part_id",
		    &lines[i].part_id);
		if (rc == SVC_OK)
			rc = item_int(rq, item, "parts", i, "quantity",
			    &lines[i].quantity);
		if (rc)
			return rc;
	}
	rc = model_bom_set(rq->db, &rq->arena, &who, id, version, lines, n, &m,
	    &rq->err);
	if (rc)
		return rc;
	return respond_bom(rq, rs, m);
}

/* ===== parts ===== */

static enum svc_code
part_q(struct req *rq, struct rec_query *q)
{
	const char *text;
	enum svc_code rc;

	rc = query_text(rq, "q", 100, &text);
	if (rc == SVC_OK && text != NULL)
		rc = match_code_name(q, &rq->arena, "code", text);
	return rc;
}

static const struct resource part_res = {
	.rec = &part_rec,
	.path = "/api/v1/parts",
	.query = q_query,
	.filter = part_q,
};

/* ===== contracts ===== */

/* ?active_on=YYYY-MM-DD: contracts running on that day. */
static enum svc_code
contract_q(struct req *rq, struct rec_query *q)
{
	enum svc_code rc;
	int day;

	rc = query_date(rq, "active_on", &day);
	if (rc == SVC_OK)
		rc = contract_active_on(q, day);
	return rc;
}

static const char *const contract_extra_query[] = { "active_on", NULL };

static const struct resource contract_res = {
	.rec = &contract_rec,
	.path = "/api/v1/contracts",
	.owner = "customer_id",
	.query = contract_extra_query,
	.filter = contract_q,
};

static enum svc_code
respond_contract(struct resp *rs, int status, const struct contract *c)
{
	struct jw w;

	resp_json(rs, status, &w);
	rec_to_json(&w, &contract_rec, c, REC_STAFF);
	return SVC_OK;
}

/* Load contract id as the caller may see it. */
static enum svc_code
load_contract(struct req *rq, int64_t id, struct contract **c)
{
	enum svc_code rc;

	rc = contract_get(rq->db, &rq->arena, id, c, &rq->err);
	if (rc == SVC_OK)
		rc = scope(rq, (*c)->customer_id, "contract", id);
	return rc;
}

/*
 * PUT /api/v1/contracts/{id}/units {version, unit_ids: [...]}: the units a
 * maintenance contract covers
 */
static enum svc_code
api_contract_units(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct contract *c;
	enum svc_code rc;
	json_t *ids, *item;
	int64_t id, version, *v;
	size_t n, i;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_contract(rq, id, &c);
	if (rc == SVC_OK)
		rc = body_only(rq, "version", "unit_ids");
	if (rc == SVC_OK)
		rc = body_version(rq, &version);
	if (rc)
		return rc;
	ids = json_object_get(rq->json, "unit_ids");
	if (ids == NULL || !json_is_array(ids))
		return svc_fail_field(&rq->err, SVC_EINVAL, "unit_ids",
		    ids == NULL ? "required" : "wrong_type",
		    "'unit_ids' must be an array of unit ids");
	n = json_array_size(ids);
	if (n > CONTRACT_UNITS_MAX)
		return svc_fail_field(&rq->err, SVC_EINVAL, "unit_ids",
		    "too_many", "a contract covers at most %d units",
		    CONTRACT_UNITS_MAX);
	v = arena_alloc(&rq->arena, (n + 1) * sizeof(*v));
	if (v == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, NULL, "out of memory");
	json_array_foreach(ids, i, item) {
		if (!json_is_integer(item) || json_integer_value(item) < 1)
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    arena_printf(&rq->arena, "unit_ids[%zu]", i),
			    "wrong_type", "'unit_ids[%zu]' must be a unit id",
			    i);
		v[i] = json_integer_value(item);
	}
	rc = contract_set_units(rq->db, &rq->arena, &who, id, version, v, n, &c,
	    &rq->err);
	if (rc)
		return rc;
	return respond_contract(rs, 200, c);
}

/* ===== sold units ===== */

/* ?contract_id= (sold under it or maintained by it), ?serial= (prefix). */
static enum svc_code
unit_q(struct req *rq, struct rec_query *q)
{
	const char *serial;
	enum svc_code rc;
	int64_t contract;

	rc = query_i64(rq, "contract_id", 1, INT64_MAX, 0, &contract);
	if (rc == SVC_OK)
		rc = query_text(rq, "serial", 64, &serial);
	if (rc == SVC_OK)
		rc = unit_match(q, &rq->arena, contract, serial);
	return rc;
}

static const char *const unit_extra_query[] = { "contract_id", "serial",
	NULL };

static const struct resource unit_res = {
	.rec = &unit_rec,
	.path = "/api/v1/units",
	.owner = "customer_id",
	.query = unit_extra_query,
	.filter = unit_q,
};

static enum svc_code
load_unit(struct req *rq, int64_t id, struct unit **u)
{
	enum svc_code rc;

	rc = unit_get(rq->db, &rq->arena, id, u, &rq->err);
	if (rc == SVC_OK)
		rc = scope(rq, (*u)->customer_id, "unit", id);
	return rc;
}

static const char *const warranty_query[] = { "on", NULL };

/* GET /api/v1/units/{id}/warranty?on=YYYY-MM-DD (default today) */
static enum svc_code
api_unit_warranty(struct req *rq, struct resp *rs)
{
	struct warranty_verdict v;
	struct unit *u;
	enum svc_code rc;
	struct jw w;
	int64_t id;
	int on;

	rc = query_allow(rq, warranty_query);
	if (rc == SVC_OK)
		rc = query_date(rq, "on", &on);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_unit(rq, id, &u);
	if (rc == SVC_OK)
		rc = unit_warranty_verdict(rq->db, &rq->arena, id, on, &v,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	warranty_verdict_to_json(&w, &v);
	return SVC_OK;
}

/* ===== sales records ===== */

/* ?from=&to=: sale dates, inclusive. */
static enum svc_code
sales_q(struct req *rq, struct rec_query *q)
{
	enum svc_code rc;
	int from, to;

	rc = query_date(rq, "from", &from);
	if (rc == SVC_OK)
		rc = query_date(rq, "to", &to);
	if (rc == SVC_OK)
		rc = sales_between(q, from, to);
	return rc;
}

static const char *const sales_extra_query[] = { "from", "to", NULL };

static const struct resource sales_res = {
	.rec = &sales_rec,
	.path = "/api/v1/sales",
	.owner = "customer_id",
	.query = sales_extra_query,
	.filter = sales_q,
};

/* ===== price list ===== */

static enum svc_code
price_q(struct req *rq, struct rec_query *q)
{
	const char *text;
	enum svc_code rc;

	rc = query_text(rq, "q", 100, &text);
	if (rc == SVC_OK && text != NULL)
		rc = match_code_name(q, &rq->arena, "code", text);
	return rc;
}

static const struct resource price_res = {
	.rec = &price_rec,
	.path = "/api/v1/prices",
	.query = q_query,
	.filter = price_q,
};

/* ===== CSV import ===== */

struct import_in {
	const char *csv;
};

static const struct field import_fields[] = {
	{ "csv", F_TEXT, offsetof(struct import_in, csv), F_REQUIRED, 1, 0, 0,
	    NULL, "the CSV text (UTF-8), header row first; within the request "
	    "body limit (1 MiB by default): use the CLI for larger files" },
	END_FIELDS,
};

static const char *const import_query[] = { "skip_bad", NULL };

/* The permission to create what each kind imports, besides import.run. */
static const char *const import_perm[IMPORT__MAX] = {
	[IMPORT_CUSTOMERS] = "customer.manage",
	[IMPORT_MODELS] = "product.manage",
	[IMPORT_PARTS] = "product.manage",
	[IMPORT_UNITS] = "unit.manage",
	[IMPORT_SALES] = "sales.manage",
};

/*
 * POST /api/v1/import/{kind}?skip_bad=true {csv}: 200 {rows, imported,
 * skipped, error_count, errors: [{line, field, reason, message}]}; any bad
 * row without skip_bad: 422 with the same members in error.details and
 * nothing imported.
 */
static enum svc_code
api_import(struct req *rq, struct resp *rs)
{
	struct import_opts opts = {
		.max_rows = API_IMPORT_MAX_ROWS,
		.max_row_bytes = API_IMPORT_ROW_BYTES,
		.max_errors = API_IMPORT_ERRORS,
	};
	struct import_in in = { 0 };
	struct actor who = req_actor(rq);
	struct import_result res;
	enum import_kind kind;
	const char *skip;
	enum svc_code rc;
	struct jw w;
	bool ok;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = query_allow(rq, import_query);
	if (rc)
		return rc;
	if (!import_kind_parse(rq->params[0], &kind))
		return svc_fail(&rq->err, SVC_ENOTFOUND, "kind", "no import of "
		    "'%.40s': customers, models, parts, units or sales",
		    rq->params[0]);
	skip = req_query(rq, "skip_bad");
	if (skip != NULL && strcmp(skip, "true") != 0 &&
	    strcmp(skip, "false") != 0)
		return svc_fail_field(&rq->err, SVC_EINVAL, "skip_bad",
		    "invalid", "'skip_bad' must be true or false");
	opts.skip_bad = skip != NULL && strcmp(skip, "true") == 0;
	rc = perm_allowed(rq->db, rq->who.user_id, import_perm[kind], &ok,
	    &rq->err);
	if (rc)
		return rc;
	if (!ok)
		return svc_fail(&rq->err, SVC_EPERM, NULL, "importing %s also "
		    "needs '%s'", import_kind_name(kind), import_perm[kind]);
	rc = decode_json(rq, import_fields, &in, NULL);
	if (rc)
		return rc;
	rc = master_import(rq->db, &rq->arena, &who, kind, in.csv,
	    strlen(in.csv), &opts, &res, &rq->err);
	if (rc == SVC_EUNPROCESSABLE) {
		struct buf b;

		buf_init(&b, 4u << 20);
		jw_init(&w, &b);
		import_result_to_json(&w, &res);
		/* details: {"field":"csv","reason":"bad_rows", + the result} */
		if (b.len > 1 && !b.failed)
			rq->err.details = arena_printf(&rq->arena,
			    "{\"field\":\"csv\",\"reason\":\"bad_rows\",%s",
			    b.p + 1);
		buf_release(&b);
		return rc;
	}
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	import_result_to_json(&w, &res);
	return SVC_OK;
}

/* ===== the route table ===== */

#define J (R_JSON)
#define W (R_WRITE)
#define I (R_IDEMPOTENT)

const struct route master_routes[] = {
	/* method, path, handler, prepare, permission, flags, tag, summary,
	 * body, query */
	{ HTTP_GET, "/api/v1/customers", api_rec_list, NULL,
	    "customer.read", 0, "customers", "list customers (客户状况一览表); "
	    "a customer user sees only its own company", NULL, NULL, 0,
	    &customer_res },
	{ HTTP_POST, "/api/v1/customers", api_rec_create, NULL,
	    "customer.manage", W | J | I, "customers", "create a customer",
	    NULL, NULL, 0, &customer_res },
	{ HTTP_GET, "/api/v1/customers/{id}", api_rec_get, NULL,
	    "customer.read", 0, "customers", "one customer", NULL, NULL, 0,
	    &customer_res },
	{ HTTP_PATCH, "/api/v1/customers/{id}", api_rec_update, NULL,
	    "customer.manage", W | J, "customers", "change a customer", NULL,
	    NULL, 0, &customer_res },
	{ HTTP_GET, "/api/v1/customers/{id}/history", api_customer_history,
	    NULL, "customer.read", 0, "customers", "the customer's whole "
	    "record: contacts, units with warranty, contracts (with contract."
	    "read), sales totals (with sales.read), requests, returns",
	    NULL, history_query },
	{ HTTP_GET, "/api/v1/customers/{id}/contacts", api_contact_list, NULL,
	    "customer.read", 0, "customers", "the customer's contacts", NULL,
	    NULL },
	{ HTTP_POST, "/api/v1/customers/{id}/contacts", api_rec_create,
	    NULL, "customer.manage", W | J | I, "customers", "add a contact",
	    NULL, NULL, 0, &contact_res },
	{ HTTP_PATCH, "/api/v1/customers/{id}/contacts/{contact_id}",
	    api_rec_update, NULL, "customer.manage", W | J, "customers",
	    "change a contact", NULL, NULL, 0, &contact_res },
	{ HTTP_DELETE, "/api/v1/customers/{id}/contacts/{contact_id}",
	    api_rec_delete, NULL, "customer.manage", W, "customers",
	    "remove a contact", NULL, NULL, 0, &contact_res },

	{ HTTP_GET, "/api/v1/product-models", api_rec_list, NULL,
	    "product.read", 0, "products", "list product models", NULL, NULL, 0,
	    &model_res },
	{ HTTP_POST, "/api/v1/product-models", api_rec_create, NULL,
	    "product.manage", W | J | I, "products", "create a product model",
	    NULL, NULL, 0, &model_res },
	{ HTTP_GET, "/api/v1/product-models/{id}", api_rec_get, NULL,
	    "product.read", 0, "products", "one product model", NULL, NULL, 0,
	    &model_res },
	{ HTTP_PATCH, "/api/v1/product-models/{id}", api_rec_update, NULL,
	    "product.manage", W | J, "products", "change a product model (a "
	    "new warranty_months recomputes its units' warranty)", NULL, NULL,
	    0, &model_res },
	{ HTTP_GET, "/api/v1/product-models/{id}/parts", api_bom_get, NULL,
	    "product.read", 0, "products", "the model's bill of parts", NULL,
	    NULL },
	{ HTTP_PUT, "/api/v1/product-models/{id}/parts", api_bom_set, NULL,
	    "product.manage", W | J, "products", "replace the bill of parts: "
	    "{version, parts: [{part_id, quantity}]}", NULL, NULL },

	{ HTTP_GET, "/api/v1/parts", api_rec_list, NULL, "product.read", 0,
	    "products", "list spare parts", NULL, NULL, 0, &part_res },
	{ HTTP_POST, "/api/v1/parts", api_rec_create, NULL, "product.manage",
	    W | J | I, "products", "create a spare part", NULL, NULL, 0,
	    &part_res },
	{ HTTP_GET, "/api/v1/parts/{id}", api_rec_get, NULL, "product.read",
	    0, "products", "one spare part", NULL, NULL, 0, &part_res },
	{ HTTP_PATCH, "/api/v1/parts/{id}", api_rec_update, NULL,
	    "product.manage", W | J, "products", "change a spare part", NULL,
	    NULL, 0, &part_res },

	{ HTTP_GET, "/api/v1/contracts", api_rec_list, NULL,
	    "contract.read", 0, "contracts", "list contracts (active_on: "
	    "running on that day)", NULL, NULL, 0, &contract_res },
	{ HTTP_POST, "/api/v1/contracts", api_rec_create, NULL,
	    "contract.manage", W | J | I, "contracts", "create a sales or "
	    "maintenance contract", NULL, NULL, 0, &contract_res },
	{ HTTP_GET, "/api/v1/contracts/{id}", api_rec_get, NULL,
	    "contract.read", 0, "contracts", "one contract", NULL, NULL, 0,
	    &contract_res },
	{ HTTP_PATCH, "/api/v1/contracts/{id}", api_rec_update, NULL,
	    "contract.manage", W | J, "contracts", "change a contract's terms "
	    "(a new warranty_months recomputes its units)", NULL, NULL, 0,
	    &contract_res },
	{ HTTP_PUT, "/api/v1/contracts/{id}/units", api_contract_units, NULL,
	    "contract.manage", W | J, "contracts", "replace the units a "
	    "maintenance contract covers: {version, unit_ids: [...]}", NULL,
	    NULL },

	{ HTTP_GET, "/api/v1/units", api_rec_list, NULL, "unit.read", 0,
	    "units", "list sold units (serial is a prefix)", NULL, NULL, 0,
	    &unit_res },
	{ HTTP_POST, "/api/v1/units", api_rec_create, NULL, "unit.manage",
	    W | J | I, "units", "register a sold unit (warranty_end is "
	    "computed)", NULL, NULL, 0, &unit_res },
	{ HTTP_GET, "/api/v1/units/{id}", api_rec_get, NULL, "unit.read", 0,
	    "units", "one sold unit", NULL, NULL, 0, &unit_res },
	{ HTTP_PATCH, "/api/v1/units/{id}", api_rec_update, NULL,
	    "unit.manage", W | J, "units", "change a sold unit (warranty_end "
	    "is recomputed)", NULL, NULL, 0, &unit_res },
	{ HTTP_GET, "/api/v1/units/{id}/warranty", api_unit_warranty, NULL,
	    "unit.read", 0, "units", "in warranty on a day? with the rule "
	    "that decided it", NULL, warranty_query },

	{ HTTP_GET, "/api/v1/sales", api_rec_list, NULL, "sales.read", 0,
	    "sales", "list sales records (from/to: sale dates, inclusive)",
	    NULL, NULL, 0, &sales_res },
	{ HTTP_POST, "/api/v1/sales", api_rec_create, NULL, "sales.manage",
	    W | J | I, "sales", "record a sale (ERP facts: never changed)",
	    NULL, NULL, 0, &sales_res },
	{ HTTP_GET, "/api/v1/sales/{id}", api_rec_get, NULL, "sales.read",
	    0, "sales", "one sales record", NULL, NULL, 0, &sales_res },
	{ HTTP_DELETE, "/api/v1/sales/{id}", api_rec_delete, NULL,
	    "sales.delete", W, "sales", "delete a sales record (audited)",
	    NULL, NULL, 0, &sales_res },

	{ HTTP_GET, "/api/v1/prices", api_rec_list, NULL, "price.read", 0,
	    "prices", "the price list (收费标准)", NULL, NULL, 0, &price_res },
	{ HTTP_POST, "/api/v1/prices", api_rec_create, NULL, "price.manage",
	    W | J | I, "prices", "add a price item", NULL, NULL, 0,
	    &price_res },
	{ HTTP_GET, "/api/v1/prices/{id}", api_rec_get, NULL, "price.read",
	    0, "prices", "one price item", NULL, NULL, 0, &price_res },
	{ HTTP_PATCH, "/api/v1/prices/{id}", api_rec_update, NULL,
	    "price.manage", W | J, "prices", "change a price item", NULL, NULL,
	    0, &price_res },

	{ HTTP_POST, "/api/v1/import/{kind}", api_import, NULL, "import.run",
	    W | J, "import", "import CSV: kind customers, models, parts, "
	    "units or sales; ?skip_bad=true imports the good rows",
	    import_fields, import_query },
};

const size_t master_nroutes = sizeof(master_routes) / sizeof(master_routes[0]);
