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

static int64_t
own_customer(struct req *rq)
{
	return rq->who.customer_id;
}

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

/* The customer filter of a list: a customer user's own company only. */
static int64_t
scope_filter(struct req *rq, int64_t asked)
{
	int64_t own = own_customer(rq);

	if (own == 0)
		return asked;
	if (asked != 0 && asked != own)
		return -1;	/* matches nothing */
	return own;
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

/* limit, cursor and sort of a list. */
static enum svc_code
page_params(struct req *rq, struct md_page *pg)
{
	enum svc_code rc;
	int64_t limit;

	rc = query_i64(rq, "limit", 1, 200, 25, &limit);
	if (rc)
		return rc;
	pg->limit = (int)limit;
	pg->cursor = req_query(rq, "cursor");
	pg->sort = req_query(rq, "sort");
	if (pg->cursor != NULL && strlen(pg->cursor) > 2048)
		return svc_fail_field(&rq->err, SVC_EINVAL, "cursor", "invalid",
		    "'cursor' is not a cursor this list gave out");
	return SVC_OK;
}

/* A text query parameter: valid UTF-8 of at most max bytes, or NULL. */
static enum svc_code
query_text(struct req *rq, const char *name, size_t max, const char **out)
{
	const char *s = req_query(rq, name);

	*out = NULL;
	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	if (strlen(s) > max || !utf8_valid(s, strlen(s)))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be valid UTF-8 of at most %zu bytes", name, max);
	*out = s;
	return SVC_OK;
}

/* active=true|false -> 1|0, absent -> -1. */
static enum svc_code
query_active(struct req *rq, int *out)
{
	const char *s = req_query(rq, "active");

	*out = -1;
	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	if (strcmp(s, "true") == 0)
		*out = 1;
	else if (strcmp(s, "false") == 0)
		*out = 0;
	else
		return svc_fail_field(&rq->err, SVC_EINVAL, "active", "invalid",
		    "'active' must be true or false");
	return SVC_OK;
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

/* A date body field (decoded as text): NULL -> 0. */
static enum svc_code
body_date(struct req *rq, const char *name, const char *s, int *out)
{
	*out = 0;
	if (s == NULL)
		return SVC_OK;
	if (!ymd_parse(s, out))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "invalid",
		    "'%s' must be a date YYYY-MM-DD", name);
	return SVC_OK;
}

/* Was body member name given as JSON null? */
static bool
body_null(struct req *rq, const char *name)
{
	json_t *v = rq->json != NULL ? json_object_get(rq->json, name) : NULL;

	return v != NULL && json_is_null(v);
}

/* An optional integer: absent or null -> MD_NULL. */
static int64_t
opt_int(struct req *rq, const char *name, bool given, int64_t v)
{
	if (!given || body_null(rq, name))
		return MD_NULL;
	return v;
}

/* Write {"items": [...], "next_cursor": ...} */
typedef void (*item_json_fn)(struct jw *, const void *, int);

static void
respond_list(struct resp *rs, void **items, size_t n, const char *next,
    item_json_fn fn, int today)
{
	struct jw w;

	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (size_t i = 0; i < n; i++)
		fn(&w, items[i], today);
	jw_arr_close(&w);
	jw_kstr(&w, "next_cursor", next);
	jw_obj_close(&w);
}

static void
location(struct req *rq, struct resp *rs, const char *base, int64_t id)
{
	resp_header(rs, "Location", arena_printf(&rq->arena, "%s/%lld", base,
	    (long long)id));
}

#define END_FIELDS { NULL, 0, 0, 0, 0, 0, 0, NULL, NULL }
#define VERSION_FIELD(type) \
	{ "version", F_I64, offsetof(type, version), 0, 1, INT64_MAX, 0, NULL, \
	    "the version you read (or send If-Match)" }

/* ===== customers ===== */

struct customer_in {
	const char *code, *name, *type, *region, *address, *phone;
	int64_t distance_km;
	const char *region_class, *credit_notes, *relationship_notes;
	bool active;
	int64_t version;
};

#define CUSTOMER_FIELDS \
	{ "name", F_TEXT, offsetof(struct customer_in, name), 0, 1, 200, \
	    CUF_NAME, NULL, "company name" }, \
	{ "type", F_ENUM, offsetof(struct customer_in, type), 0, 0, 0, \
	    CUF_TYPE, customer_types, "dealer, distributor, enterprise or " \
	    "consumer" }, \
	{ "region", F_TEXT, offsetof(struct customer_in, region), F_NULLABLE, \
	    0, 50, CUF_REGION, NULL, "sales region, e.g. 华北" }, \
	{ "address", F_TEXT, offsetof(struct customer_in, address), \
	    F_NULLABLE, 0, 300, CUF_ADDRESS, NULL, "address" }, \
	{ "phone", F_TEXT, offsetof(struct customer_in, phone), F_NULLABLE, \
	    0, 40, CUF_PHONE, NULL, "main phone number" }, \
	{ "distance_km", F_I64, offsetof(struct customer_in, distance_km), 0, \
	    0, 100000, CUF_DISTANCE, NULL, \
	    "distance from the service centre (arrival targets)" }, \
	{ "region_class", F_ENUM, offsetof(struct customer_in, region_class), \
	    0, 0, 0, CUF_REGION_CLASS, region_classes, \
	    "urban or suburban (arrival targets)" }, \
	{ "credit_notes", F_TEXT, offsetof(struct customer_in, credit_notes), \
	    F_NULLABLE, 0, 2000, CUF_CREDIT, NULL, "credit notes" }, \
	{ "relationship_notes", F_TEXT, \
	    offsetof(struct customer_in, relationship_notes), F_NULLABLE, 0, \
	    2000, CUF_RELATION, NULL, "relationship notes" }

static const struct field customer_create_fields[] = {
	{ "code", F_TEXT, offsetof(struct customer_in, code), F_REQUIRED, 1,
	    32, 0, NULL, "unique customer code, e.g. C0001 (never changes)" },
	CUSTOMER_FIELDS,
	END_FIELDS,
};

static const struct field customer_update_fields[] = {
	VERSION_FIELD(struct customer_in),
	CUSTOMER_FIELDS,
	{ "active", F_BOOL, offsetof(struct customer_in, active), 0, 0, 0,
	    CUF_ACTIVE, NULL, "false marks the customer inactive" },
	END_FIELDS,
};

static const char *const customer_list_query[] = { "limit", "cursor",
	"sort", "q", "region", "type", "region_class", "active", NULL };

static void
customer_in_draft(const struct customer_in *in, struct customer *d)
{
	memset(d, 0, sizeof(*d));
	d->code = in->code;
	d->name = in->name;
	d->type = in->type;
	d->region = in->region;
	d->address = in->address;
	d->phone = in->phone;
	d->distance_km = in->distance_km;
	d->region_class = in->region_class;
	d->credit_notes = in->credit_notes;
	d->relationship_notes = in->relationship_notes;
	d->active = in->active;
}

static void
customer_item(struct jw *w, const void *c, int today)
{
	(void)today;
	customer_to_json(w, c);
}

/*
 * The customer as the caller may see it: a customer user never sees the
 * internal fields (credit and relationship notes, SPEC §3), whatever the
 * permission matrix grants.
 */
static enum svc_code
respond_customer(struct req *rq, struct resp *rs, int status,
    struct customer *c)
{
	struct jw w;

	if (own_customer(rq) != 0)
		customer_hide_internal(c);
	resp_json(rs, status, &w);
	customer_to_json(&w, c);
	return SVC_OK;
}

/*
 * A stale PATCH by a customer user: the same 409 as staff get, its current
 * record without the internal fields.
 */
static enum svc_code
customer_conflict_hidden(struct req *rq, int64_t id, int64_t version)
{
	struct customer *c;
	struct buf b;
	struct jw w;
	enum svc_code rc;

	rc = customer_get(rq->db, &rq->arena, id, &c, &rq->err);
	if (rc)
		return rc;
	customer_hide_internal(c);
	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	customer_to_json(&w, c);
	rc = stale_version(&rq->err, &rq->arena, "customer", version, b.p);
	buf_release(&b);
	return rc;
}

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

/* GET /api/v1/customers?q=&region=&type=&region_class=&active=&sort= */
static enum svc_code
api_customer_list(struct req *rq, struct resp *rs)
{
	struct customer_filter f = { .active = -1 };
	struct customer **items;
	struct md_page pg;
	enum svc_code rc;
	char *next;
	size_t n;

	rc = query_allow(rq, customer_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_text(rq, "q", 100, &f.q);
	if (rc == SVC_OK)
		rc = query_text(rq, "region", 100, &f.region);
	if (rc == SVC_OK)
		rc = query_enum(rq, "type", customer_types, &f.type);
	if (rc == SVC_OK)
		rc = query_enum(rq, "region_class", region_classes,
		    &f.region_class);
	if (rc == SVC_OK)
		rc = query_active(rq, &f.active);
	if (rc)
		return rc;
	f.only_id = own_customer(rq);
	rc = customer_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
	    &rq->err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && own_customer(rq) != 0; i++)
		customer_hide_internal(items[i]);
	respond_list(rs, (void **)items, n, next, customer_item, 0);
	return SVC_OK;
}

/* GET /api/v1/customers/{id} */
static enum svc_code
api_customer_get(struct req *rq, struct resp *rs)
{
	struct customer *c;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_customer(rq, id, &c);
	if (rc)
		return rc;
	return respond_customer(rq, rs, 200, c);
}

/* POST /api/v1/customers {code, name, type?, region?, ...} */
static enum svc_code
api_customer_create(struct req *rq, struct resp *rs)
{
	struct customer_in in = { .active = true };
	struct actor who = req_actor(rq);
	struct customer d, *c;
	enum svc_code rc;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = decode_json(rq, customer_create_fields, &in, NULL);
	if (rc)
		return rc;
	customer_in_draft(&in, &d);
	rc = customer_create(rq->db, &rq->arena, &who, &d, &c, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/customers", c->id);
	return respond_customer(rq, rs, 201, c);
}

/* PATCH /api/v1/customers/{id} {version, name?, type?, ...} */
static enum svc_code
api_customer_update(struct req *rq, struct resp *rs)
{
	struct customer_in in = { 0 };
	struct actor who = req_actor(rq);
	struct customer d, *c;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = scope(rq, id, "customer", id);
	if (rc == SVC_OK)
		rc = decode_json(rq, customer_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK && own_customer(rq) != 0 &&
	    (present & (CUF_CREDIT | CUF_RELATION)))
		rc = svc_fail_field(&rq->err, SVC_EPERM,
		    (present & CUF_CREDIT) ? "credit_notes" :
		    "relationship_notes", "not_allowed",
		    "the notes of a customer are kept by staff");
	if (rc)
		return rc;
	customer_in_draft(&in, &d);
	rc = customer_update(rq->db, &rq->arena, &who, id, version, &d, present,
	    &c, &rq->err);
	if (rc == SVC_ECONFLICT && own_customer(rq) != 0 &&
	    strcmp(rq->err.field, "version") == 0)
		return customer_conflict_hidden(rq, id, version);
	if (rc)
		return rc;
	return respond_customer(rq, rs, 200, c);
}

static const char *const history_query[] = { "on", NULL };

/*
 * The history's sections that need a permission of their own: contracts
 * (contract.read) and purchase totals (sales.read), as their own routes.
 */
static enum svc_code
history_show(struct req *rq, unsigned *show)
{
	static const struct { const char *perm; unsigned bit; } need[] = {
		{ "contract.read", HISTORY_CONTRACTS },
		{ "sales.read", HISTORY_SALES },
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

struct contact_in {
	const char *name, *title, *phone, *email;
	bool is_primary;
	int64_t version;
};

#define CONTACT_FIELDS(req) \
	{ "name", F_TEXT, offsetof(struct contact_in, name), req, 1, 100, \
	    CTF_NAME, NULL, "contact's name" }, \
	{ "title", F_TEXT, offsetof(struct contact_in, title), F_NULLABLE, 0, \
	    100, CTF_TITLE, NULL, "job title" }, \
	{ "phone", F_TEXT, offsetof(struct contact_in, phone), F_NULLABLE, 0, \
	    40, CTF_PHONE, NULL, "phone" }, \
	{ "email", F_TEXT, offsetof(struct contact_in, email), F_NULLABLE, 0, \
	    200, CTF_EMAIL, NULL, "email" }, \
	{ "is_primary", F_BOOL, offsetof(struct contact_in, is_primary), 0, 0, \
	    0, CTF_PRIMARY, NULL, "the main contact (one per customer)" }

static const struct field contact_create_fields[] = {
	CONTACT_FIELDS(F_REQUIRED),
	END_FIELDS,
};

static const struct field contact_update_fields[] = {
	VERSION_FIELD(struct contact_in),
	CONTACT_FIELDS(0),
	END_FIELDS,
};

static void
contact_in_draft(const struct contact_in *in, struct contact *d)
{
	memset(d, 0, sizeof(*d));
	d->name = in->name;
	d->title = in->title;
	d->phone = in->phone;
	d->email = in->email;
	d->is_primary = in->is_primary;
}

static enum svc_code
respond_contact(struct resp *rs, int status, const struct contact *c)
{
	struct jw w;

	resp_json(rs, status, &w);
	contact_to_json(&w, c);
	return SVC_OK;
}

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
		contact_to_json(&w, items[i]);
	jw_arr_close(&w);
	jw_knull(&w, "next_cursor");
	jw_obj_close(&w);
	return SVC_OK;
}

/* POST /api/v1/customers/{id}/contacts {name, title?, phone?, email?} */
static enum svc_code
api_contact_create(struct req *rq, struct resp *rs)
{
	struct contact_in in = { 0 };
	struct actor who = req_actor(rq);
	struct contact d, *c;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = scope(rq, id, "customer", id);
	if (rc == SVC_OK)
		rc = decode_json(rq, contact_create_fields, &in, NULL);
	if (rc)
		return rc;
	contact_in_draft(&in, &d);
	rc = contact_create(rq->db, &rq->arena, &who, id, &d, &c, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/customers/%lld/contacts/%lld", (long long)id,
	    (long long)c->id));
	return respond_contact(rs, 201, c);
}

/* PATCH /api/v1/customers/{id}/contacts/{contact_id} {version, ...} */
static enum svc_code
api_contact_update(struct req *rq, struct resp *rs)
{
	struct contact_in in = { 0 };
	struct actor who = req_actor(rq);
	struct contact d, *c;
	enum svc_code rc;
	unsigned present;
	int64_t id, cid, version;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 1, &cid);
	if (rc == SVC_OK)
		rc = scope(rq, id, "customer", id);
	if (rc == SVC_OK)
		rc = decode_json(rq, contact_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	contact_in_draft(&in, &d);
	rc = contact_update(rq->db, &rq->arena, &who, id, cid, version, &d,
	    present, &c, &rq->err);
	if (rc)
		return rc;
	return respond_contact(rs, 200, c);
}

/* DELETE /api/v1/customers/{id}/contacts/{contact_id} */
static enum svc_code
api_contact_delete(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	int64_t id, cid;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 1, &cid);
	if (rc == SVC_OK)
		rc = scope(rq, id, "customer", id);
	if (rc == SVC_OK)
		rc = contact_delete(rq->db, &rq->arena, &who, id, cid,
		    &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/* ===== product models ===== */

struct model_in {
	const char *model_no, *name, *category;
	int64_t business_unit_id;
	int64_t warranty_months;
	bool active;
	int64_t version;
};

#define MODEL_FIELDS \
	{ "category", F_TEXT, offsetof(struct model_in, category), F_NULLABLE, \
	    0, 50, PMF_CATEGORY, NULL, "category, e.g. 空调" }, \
	{ "business_unit_id", F_ID, offsetof(struct model_in, \
	    business_unit_id), F_NULLABLE, 0, 0, PMF_BU, NULL, \
	    "the department (business unit) responsible" }, \
	{ "warranty_months", F_I64, offsetof(struct model_in, \
	    warranty_months), 0, 0, 240, PMF_WARRANTY, NULL, \
	    "default warranty in months (default 12)" }

static const struct field model_create_fields[] = {
	{ "model_no", F_TEXT, offsetof(struct model_in, model_no), F_REQUIRED,
	    1, 50, 0, NULL, "unique model number (never changes)" },
	{ "name", F_TEXT, offsetof(struct model_in, name), F_REQUIRED, 1, 200,
	    PMF_NAME, NULL, "product name" },
	MODEL_FIELDS,
	END_FIELDS,
};

static const struct field model_update_fields[] = {
	VERSION_FIELD(struct model_in),
	{ "name", F_TEXT, offsetof(struct model_in, name), 0, 1, 200,
	    PMF_NAME, NULL, "product name" },
	MODEL_FIELDS,
	{ "active", F_BOOL, offsetof(struct model_in, active), 0, 0, 0,
	    PMF_ACTIVE, NULL, "false retires the model" },
	END_FIELDS,
};

static const char *const model_list_query[] = { "limit", "cursor", "sort",
	"q", "category", "active", NULL };

static void
model_in_draft(const struct model_in *in, struct product_model *d)
{
	memset(d, 0, sizeof(*d));
	d->model_no = in->model_no;
	d->name = in->name;
	d->category = in->category;
	d->business_unit_id = in->business_unit_id;
	d->warranty_months = in->warranty_months;
	d->active = in->active;
}

static void
model_item(struct jw *w, const void *m, int today)
{
	(void)today;
	model_to_json(w, m);
}

static enum svc_code
respond_model(struct resp *rs, int status, const struct product_model *m)
{
	struct jw w;

	resp_json(rs, status, &w);
	model_to_json(&w, m);
	return SVC_OK;
}

/* GET /api/v1/product-models?q=&category=&active=&sort= */
static enum svc_code
api_model_list(struct req *rq, struct resp *rs)
{
	struct model_filter f = { .active = -1 };
	struct product_model **items;
	struct md_page pg;
	enum svc_code rc;
	char *next;
	size_t n;

	rc = query_allow(rq, model_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_text(rq, "q", 100, &f.q);
	if (rc == SVC_OK)
		rc = query_text(rq, "category", 100, &f.category);
	if (rc == SVC_OK)
		rc = query_active(rq, &f.active);
	if (rc == SVC_OK)
		rc = model_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
		    &rq->err);
	if (rc)
		return rc;
	respond_list(rs, (void **)items, n, next, model_item, 0);
	return SVC_OK;
}

/* GET /api/v1/product-models/{id} */
static enum svc_code
api_model_get(struct req *rq, struct resp *rs)
{
	struct product_model *m;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = model_get(rq->db, &rq->arena, id, &m, &rq->err);
	if (rc)
		return rc;
	return respond_model(rs, 200, m);
}

/* POST /api/v1/product-models {model_no, name, category?, ...} */
static enum svc_code
api_model_create(struct req *rq, struct resp *rs)
{
	struct model_in in = { .warranty_months = 12, .active = true };
	struct actor who = req_actor(rq);
	struct product_model d, *m;
	enum svc_code rc;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = decode_json(rq, model_create_fields, &in, NULL);
	if (rc)
		return rc;
	model_in_draft(&in, &d);
	rc = model_create(rq->db, &rq->arena, &who, &d, &m, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/product-models", m->id);
	return respond_model(rs, 201, m);
}

/* PATCH /api/v1/product-models/{id} {version, name?, warranty_months?} */
static enum svc_code
api_model_update(struct req *rq, struct resp *rs)
{
	struct model_in in = { 0 };
	struct actor who = req_actor(rq);
	struct product_model d, *m;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, model_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	model_in_draft(&in, &d);
	rc = model_update(rq->db, &rq->arena, &who, id, version, &d, present,
	    &m, &rq->err);
	if (rc)
		return rc;
	return respond_model(rs, 200, m);
}

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

struct part_in {
	const char *code, *name, *unit;
	int64_t price_fen, reorder_point;
	bool active;
	int64_t version;
};

#define PART_FIELDS \
	{ "unit", F_TEXT, offsetof(struct part_in, unit), F_NULLABLE, 0, 10, \
	    PTF_UNIT, NULL, "unit of issue (default 个)" }, \
	{ "price_fen", F_I64, offsetof(struct part_in, price_fen), 0, 0, \
	    1000000000000LL, PTF_PRICE, NULL, "list price in fen" }, \
	{ "reorder_point", F_I64, offsetof(struct part_in, reorder_point), 0, \
	    0, 1000000000, PTF_REORDER, NULL, "stock level that triggers a " \
	    "reorder" }

static const struct field part_create_fields[] = {
	{ "code", F_TEXT, offsetof(struct part_in, code), F_REQUIRED, 1, 50, 0,
	    NULL, "unique part code (never changes)" },
	{ "name", F_TEXT, offsetof(struct part_in, name), F_REQUIRED, 1, 200,
	    PTF_NAME, NULL, "part name" },
	PART_FIELDS,
	END_FIELDS,
};

static const struct field part_update_fields[] = {
	VERSION_FIELD(struct part_in),
	{ "name", F_TEXT, offsetof(struct part_in, name), 0, 1, 200, PTF_NAME,
	    NULL, "part name" },
	PART_FIELDS,
	{ "active", F_BOOL, offsetof(struct part_in, active), 0, 0, 0,
	    PTF_ACTIVE, NULL, "false retires the part" },
	END_FIELDS,
};

static const char *const part_list_query[] = { "limit", "cursor", "sort",
	"q", "active", NULL };

static void
part_in_draft(const struct part_in *in, struct part *d)
{
	memset(d, 0, sizeof(*d));
	d->code = in->code;
	d->name = in->name;
	d->unit = in->unit;
	d->price_fen = in->price_fen;
	d->reorder_point = in->reorder_point;
	d->active = in->active;
}

static void
part_item(struct jw *w, const void *p, int today)
{
	(void)today;
	part_to_json(w, p);
}

static enum svc_code
respond_part(struct resp *rs, int status, const struct part *p)
{
	struct jw w;

	resp_json(rs, status, &w);
	part_to_json(&w, p);
	return SVC_OK;
}

/* GET /api/v1/parts?q=&active=&sort= */
static enum svc_code
api_part_list(struct req *rq, struct resp *rs)
{
	struct part_filter f = { .active = -1 };
	struct part **items;
	struct md_page pg;
	enum svc_code rc;
	char *next;
	size_t n;

	rc = query_allow(rq, part_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_text(rq, "q", 100, &f.q);
	if (rc == SVC_OK)
		rc = query_active(rq, &f.active);
	if (rc == SVC_OK)
		rc = part_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
		    &rq->err);
	if (rc)
		return rc;
	respond_list(rs, (void **)items, n, next, part_item, 0);
	return SVC_OK;
}

/* GET /api/v1/parts/{id} */
static enum svc_code
api_part_get(struct req *rq, struct resp *rs)
{
	struct part *p;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = part_get(rq->db, &rq->arena, id, &p, &rq->err);
	if (rc)
		return rc;
	return respond_part(rs, 200, p);
}

/* POST /api/v1/parts {code, name, unit?, price_fen?, reorder_point?} */
static enum svc_code
api_part_create(struct req *rq, struct resp *rs)
{
	struct part_in in = { .active = true };
	struct actor who = req_actor(rq);
	struct part d, *p;
	enum svc_code rc;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = decode_json(rq, part_create_fields, &in, NULL);
	if (rc)
		return rc;
	part_in_draft(&in, &d);
	rc = part_create(rq->db, &rq->arena, &who, &d, &p, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/parts", p->id);
	return respond_part(rs, 201, p);
}

/* PATCH /api/v1/parts/{id} {version, name?, price_fen?, ...} */
static enum svc_code
api_part_update(struct req *rq, struct resp *rs)
{
	struct part_in in = { 0 };
	struct actor who = req_actor(rq);
	struct part d, *p;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, part_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	part_in_draft(&in, &d);
	if ((present & PTF_UNIT) && d.unit == NULL)
		d.unit = "";
	rc = part_update(rq->db, &rq->arena, &who, id, version, &d, present, &p,
	    &rq->err);
	if (rc)
		return rc;
	return respond_part(rs, 200, p);
}

/* ===== contracts ===== */

static const char *const contract_kinds[] = { "sales", "maintenance", NULL };

struct contract_in {
	const char *contract_no, *kind, *start_date, *end_date, *notes;
	int64_t customer_id;
	int64_t warranty_months, exchange_ratio_limit_bp, exchange_days_limit;
	int64_t price_fen, visits_per_year;
	int64_t version;
};

#define CONTRACT_FIELDS(req) \
	{ "start_date", F_TEXT, offsetof(struct contract_in, start_date), req, \
	    1, 10, CNF_START, NULL, "first day, YYYY-MM-DD" }, \
	{ "end_date", F_TEXT, offsetof(struct contract_in, end_date), req, 1, \
	    10, CNF_END, NULL, "last day, YYYY-MM-DD" }, \
	{ "warranty_months", F_I64, offsetof(struct contract_in, \
	    warranty_months), F_NULLABLE, 1, 240, CNF_WARRANTY, NULL, \
	    "sales: warranty months overriding the model's (null: none)" }, \
	{ "exchange_ratio_limit_bp", F_I64, offsetof(struct contract_in, \
	    exchange_ratio_limit_bp), F_NULLABLE, 0, 10000, CNF_RATIO, NULL, \
	    "sales: exchange-ratio limit in basis points (500 = 5 %)" }, \
	{ "exchange_days_limit", F_I64, offsetof(struct contract_in, \
	    exchange_days_limit), F_NULLABLE, 0, 3650, CNF_DAYS, NULL, \
	    "sales: exchange time limit, days from delivery" }, \
	{ "price_fen", F_I64, offsetof(struct contract_in, price_fen), 0, 0, \
	    1000000000000LL, CNF_PRICE, NULL, "maintenance: price in fen" }, \
	{ "visits_per_year", F_I64, offsetof(struct contract_in, \
	    visits_per_year), 0, 0, 365, CNF_VISITS, NULL, \
	    "maintenance: visits per year" }, \
	{ "notes", F_TEXT, offsetof(struct contract_in, notes), F_NULLABLE, 0, \
	    2000, CNF_NOTES, NULL, "notes" }

static const struct field contract_create_fields[] = {
	{ "contract_no", F_TEXT, offsetof(struct contract_in, contract_no),
	    F_REQUIRED, 1, 50, 0, NULL, "unique contract number" },
	{ "customer_id", F_ID, offsetof(struct contract_in, customer_id),
	    F_REQUIRED, 0, 0, 0, NULL, "the customer" },
	{ "kind", F_ENUM, offsetof(struct contract_in, kind), F_REQUIRED, 0, 0,
	    0, contract_kinds, "sales or maintenance" },
	CONTRACT_FIELDS(F_REQUIRED),
	END_FIELDS,
};

static const struct field contract_update_fields[] = {
	VERSION_FIELD(struct contract_in),
	CONTRACT_FIELDS(0),
	END_FIELDS,
};

static const char *const contract_list_query[] = { "limit", "cursor", "sort",
	"customer_id", "kind", "active_on", NULL };

static enum svc_code
contract_in_draft(struct req *rq, const struct contract_in *in,
    unsigned present, struct contract *d)
{
	enum svc_code rc;

	memset(d, 0, sizeof(*d));
	d->contract_no = in->contract_no;
	d->customer_id = in->customer_id;
	d->kind = in->kind;
	d->notes = in->notes;
	d->warranty_months = opt_int(rq, "warranty_months",
	    present & CNF_WARRANTY, in->warranty_months);
	d->exchange_ratio_limit_bp = opt_int(rq, "exchange_ratio_limit_bp",
	    present & CNF_RATIO, in->exchange_ratio_limit_bp);
	d->exchange_days_limit = opt_int(rq, "exchange_days_limit",
	    present & CNF_DAYS, in->exchange_days_limit);
	d->price_fen = in->price_fen;
	d->visits_per_year = in->visits_per_year;
	rc = body_date(rq, "start_date", in->start_date, &d->start_date);
	if (rc == SVC_OK)
		rc = body_date(rq, "end_date", in->end_date, &d->end_date);
	return rc;
}

static void
contract_item(struct jw *w, const void *c, int today)
{
	(void)today;
	contract_to_json(w, c);
}

static enum svc_code
respond_contract(struct resp *rs, int status, const struct contract *c)
{
	struct jw w;

	resp_json(rs, status, &w);
	contract_to_json(&w, c);
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

/* GET /api/v1/contracts?customer_id=&kind=&active_on=&sort= */
static enum svc_code
api_contract_list(struct req *rq, struct resp *rs)
{
	struct contract_filter f = { 0 };
	struct contract **items;
	struct md_page pg;
	enum svc_code rc;
	int64_t cust;
	char *next;
	size_t n;

	rc = query_allow(rq, contract_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0, &cust);
	if (rc == SVC_OK)
		rc = query_enum(rq, "kind", contract_kinds, &f.kind);
	if (rc == SVC_OK)
		rc = query_date(rq, "active_on", &f.active_on);
	if (rc)
		return rc;
	f.customer_id = scope_filter(rq, cust);
	rc = contract_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
	    &rq->err);
	if (rc)
		return rc;
	respond_list(rs, (void **)items, n, next, contract_item, 0);
	return SVC_OK;
}

/* GET /api/v1/contracts/{id} */
static enum svc_code
api_contract_get(struct req *rq, struct resp *rs)
{
	struct contract *c;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_contract(rq, id, &c);
	if (rc)
		return rc;
	return respond_contract(rs, 200, c);
}

/* POST /api/v1/contracts {contract_no, customer_id, kind, start_date, ...} */
static enum svc_code
api_contract_create(struct req *rq, struct resp *rs)
{
	struct contract_in in = { 0 };
	struct actor who = req_actor(rq);
	struct contract d, *c;
	enum svc_code rc;
	unsigned present;

	rc = decode_json(rq, contract_create_fields, &in, &present);
	if (rc == SVC_OK)
		rc = scope(rq, in.customer_id, "customer", in.customer_id);
	if (rc == SVC_OK)
		rc = contract_in_draft(rq, &in, present, &d);
	if (rc)
		return rc;
	rc = contract_create(rq->db, &rq->arena, &who, &d, &c, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/contracts", c->id);
	return respond_contract(rs, 201, c);
}

/* PATCH /api/v1/contracts/{id} {version, end_date?, warranty_months?, ...} */
static enum svc_code
api_contract_update(struct req *rq, struct resp *rs)
{
	struct contract_in in = { 0 };
	struct actor who = req_actor(rq);
	struct contract d, *c;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_contract(rq, id, &c);
	if (rc == SVC_OK)
		rc = decode_json(rq, contract_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = contract_in_draft(rq, &in, present, &d);
	if (rc)
		return rc;
	rc = contract_update(rq->db, &rq->arena, &who, id, version, &d, present,
	    &c, &rq->err);
	if (rc)
		return rc;
	return respond_contract(rs, 200, c);
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

struct unit_in {
	const char *serial, *sale_order_no, *invoice_no, *purchase_date;
	const char *delivery_date, *wear, *repair_history, *known_faults;
	int64_t model_id, customer_id, contract_id;
	int64_t quantity, amount_fen, usage_years;
	bool used;
	int64_t version;
};

#define UNIT_FIELDS(req) \
	{ "model_id", F_ID, offsetof(struct unit_in, model_id), req, 0, 0, \
	    UNF_MODEL, NULL, "product model" }, \
	{ "customer_id", F_ID, offsetof(struct unit_in, customer_id), req, 0, \
	    0, UNF_CUSTOMER, NULL, "the customer who bought it" }, \
	{ "contract_id", F_ID, offsetof(struct unit_in, contract_id), \
	    F_NULLABLE, 0, 0, UNF_CONTRACT, NULL, \
	    "the sales contract (may override the warranty months)" }, \
	{ "sale_order_no", F_TEXT, offsetof(struct unit_in, sale_order_no), \
	    F_NULLABLE, 0, 50, UNF_ORDER, NULL, "sale order number" }, \
	{ "invoice_no", F_TEXT, offsetof(struct unit_in, invoice_no), \
	    F_NULLABLE, 0, 50, UNF_INVOICE, NULL, "invoice number" }, \
	{ "purchase_date", F_TEXT, offsetof(struct unit_in, purchase_date), \
	    req, 1, 10, UNF_PURCHASE, NULL, "YYYY-MM-DD; the warranty counts " \
	    "from it" }, \
	{ "delivery_date", F_TEXT, offsetof(struct unit_in, delivery_date), \
	    F_NULLABLE, 1, 10, UNF_DELIVERY, NULL, "YYYY-MM-DD" }, \
	{ "quantity", F_I64, offsetof(struct unit_in, quantity), 0, 1, \
	    1000000, UNF_QTY, NULL, "quantity (default 1)" }, \
	{ "amount_fen", F_I64, offsetof(struct unit_in, amount_fen), 0, 0, \
	    1000000000000LL, UNF_AMOUNT, NULL, "amount in fen" }, \
	{ "used", F_BOOL, offsetof(struct unit_in, used), 0, 0, 0, UNF_USED, \
	    NULL, "used goods" }, \
	{ "usage_years", F_I64, offsetof(struct unit_in, usage_years), \
	    F_NULLABLE, 0, 100, UNF_USAGE, NULL, "used goods: years in use" }, \
	{ "wear", F_TEXT, offsetof(struct unit_in, wear), F_NULLABLE, 0, 500, \
	    UNF_WEAR, NULL, "used goods: wear" }, \
	{ "repair_history", F_TEXT, offsetof(struct unit_in, repair_history), \
	    F_NULLABLE, 0, 2000, UNF_REPAIRS, NULL, "used goods: repairs" }, \
	{ "known_faults", F_TEXT, offsetof(struct unit_in, known_faults), \
	    F_NULLABLE, 0, 2000, UNF_FAULTS, NULL, "used goods: known faults" }

static const struct field unit_create_fields[] = {
	{ "serial", F_TEXT, offsetof(struct unit_in, serial), F_REQUIRED, 1,
	    64, 0, NULL, "unique serial number (never changes)" },
	UNIT_FIELDS(F_REQUIRED),
	END_FIELDS,
};

static const struct field unit_update_fields[] = {
	VERSION_FIELD(struct unit_in),
	UNIT_FIELDS(0),
	END_FIELDS,
};

static const char *const unit_list_query[] = { "limit", "cursor", "sort",
	"customer_id", "model_id", "contract_id", "serial", NULL };

static enum svc_code
unit_in_draft(struct req *rq, const struct unit_in *in, unsigned present,
    struct unit *d)
{
	enum svc_code rc;

	memset(d, 0, sizeof(*d));
	d->serial = in->serial;
	d->model_id = in->model_id;
	d->customer_id = in->customer_id;
	d->contract_id = in->contract_id;
	d->sale_order_no = in->sale_order_no;
	d->invoice_no = in->invoice_no;
	d->quantity = in->quantity;
	d->amount_fen = in->amount_fen;
	d->used = in->used;
	d->usage_years = opt_int(rq, "usage_years", present & UNF_USAGE,
	    in->usage_years);
	d->wear = in->wear;
	d->repair_history = in->repair_history;
	d->known_faults = in->known_faults;
	rc = body_date(rq, "purchase_date", in->purchase_date,
	    &d->purchase_date);
	if (rc == SVC_OK)
		rc = body_date(rq, "delivery_date", in->delivery_date,
		    &d->delivery_date);
	return rc;
}

static void
unit_item(struct jw *w, const void *u, int today)
{
	unit_to_json(w, u, today);
}

static enum svc_code
respond_unit(struct resp *rs, int status, const struct unit *u)
{
	struct jw w;

	resp_json(rs, status, &w);
	unit_to_json(&w, u, ymd_today());
	return SVC_OK;
}

static enum svc_code
load_unit(struct req *rq, int64_t id, struct unit **u)
{
	enum svc_code rc;

	rc = unit_get(rq->db, &rq->arena, id, u, &rq->err);
	if (rc == SVC_OK)
		rc = scope(rq, (*u)->customer_id, "unit", id);
	return rc;
}

/* GET /api/v1/units?customer_id=&model_id=&contract_id=&serial=&sort= */
static enum svc_code
api_unit_list(struct req *rq, struct resp *rs)
{
	struct unit_filter f = { 0 };
	struct unit **items;
	struct md_page pg;
	enum svc_code rc;
	int64_t cust;
	char *next;
	size_t n;

	rc = query_allow(rq, unit_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0, &cust);
	if (rc == SVC_OK)
		rc = query_i64(rq, "model_id", 1, INT64_MAX, 0, &f.model_id);
	if (rc == SVC_OK)
		rc = query_i64(rq, "contract_id", 1, INT64_MAX, 0,
		    &f.contract_id);
	if (rc == SVC_OK)
		rc = query_text(rq, "serial", 64, &f.serial_prefix);
	if (rc)
		return rc;
	f.customer_id = scope_filter(rq, cust);
	rc = unit_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
	    &rq->err);
	if (rc)
		return rc;
	respond_list(rs, (void **)items, n, next, unit_item, ymd_today());
	return SVC_OK;
}

/* GET /api/v1/units/{id} */
static enum svc_code
api_unit_get(struct req *rq, struct resp *rs)
{
	struct unit *u;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_unit(rq, id, &u);
	if (rc)
		return rc;
	return respond_unit(rs, 200, u);
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

/* POST /api/v1/units {serial, model_id, customer_id, purchase_date, ...} */
static enum svc_code
api_unit_create(struct req *rq, struct resp *rs)
{
	struct unit_in in = { .quantity = 1 };
	struct actor who = req_actor(rq);
	struct unit d, *u;
	enum svc_code rc;
	unsigned present;

	rc = decode_json(rq, unit_create_fields, &in, &present);
	if (rc == SVC_OK)
		rc = scope(rq, in.customer_id, "customer", in.customer_id);
	if (rc == SVC_OK)
		rc = unit_in_draft(rq, &in, present, &d);
	if (rc)
		return rc;
	rc = unit_create(rq->db, &rq->arena, &who, &d, &u, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/units", u->id);
	return respond_unit(rs, 201, u);
}

/* PATCH /api/v1/units/{id} {version, purchase_date?, contract_id?, ...} */
static enum svc_code
api_unit_update(struct req *rq, struct resp *rs)
{
	struct unit_in in = { 0 };
	struct actor who = req_actor(rq);
	struct unit d, *u;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_unit(rq, id, &u);
	if (rc == SVC_OK)
		rc = decode_json(rq, unit_update_fields, &in, &present);
	if (rc == SVC_OK && (present & UNF_CUSTOMER))
		rc = scope(rq, in.customer_id, "customer", in.customer_id);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = unit_in_draft(rq, &in, present, &d);
	if (rc)
		return rc;
	if ((present & UNF_PURCHASE) && d.purchase_date == 0)
		return svc_fail_field(&rq->err, SVC_EINVAL, "purchase_date",
		    "required", "'purchase_date' cannot be null");
	rc = unit_update(rq->db, &rq->arena, &who, id, version, &d, present, &u,
	    &rq->err);
	if (rc)
		return rc;
	return respond_unit(rs, 200, u);
}

/* ===== sales records ===== */

struct sales_in {
	int64_t customer_id, model_id, quantity, amount_fen;
	const char *sale_date, *reference;
};

static const struct field sales_create_fields[] = {
	{ "customer_id", F_ID, offsetof(struct sales_in, customer_id),
	    F_REQUIRED, 0, 0, 0, NULL, "the customer" },
	{ "model_id", F_ID, offsetof(struct sales_in, model_id), F_NULLABLE, 0,
	    0, 0, NULL, "product model (optional)" },
	{ "sale_date", F_TEXT, offsetof(struct sales_in, sale_date), F_REQUIRED,
	    1, 10, 0, NULL, "YYYY-MM-DD" },
	{ "quantity", F_I64, offsetof(struct sales_in, quantity), 0, 0,
	    1000000000, 0, NULL, "quantity" },
	{ "amount_fen", F_I64, offsetof(struct sales_in, amount_fen),
	    F_REQUIRED, 0, 100000000000000LL, 0, NULL, "amount in fen" },
	{ "reference", F_TEXT, offsetof(struct sales_in, reference), F_NULLABLE,
	    0, 100, 0, NULL, "ERP document number (unique per customer)" },
	END_FIELDS,
};

static const char *const sales_list_query[] = { "limit", "cursor", "sort",
	"customer_id", "model_id", "from", "to", NULL };

static void
sales_item(struct jw *w, const void *s, int today)
{
	(void)today;
	sales_to_json(w, s);
}

static enum svc_code
respond_sales(struct resp *rs, int status, const struct sales_record *s)
{
	struct jw w;

	resp_json(rs, status, &w);
	sales_to_json(&w, s);
	return SVC_OK;
}

/* GET /api/v1/sales?customer_id=&model_id=&from=&to=&sort= */
static enum svc_code
api_sales_list(struct req *rq, struct resp *rs)
{
	struct sales_filter f = { 0 };
	struct sales_record **items;
	struct md_page pg;
	enum svc_code rc;
	int64_t cust;
	char *next;
	size_t n;

	rc = query_allow(rq, sales_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_i64(rq, "customer_id", 1, INT64_MAX, 0, &cust);
	if (rc == SVC_OK)
		rc = query_i64(rq, "model_id", 1, INT64_MAX, 0, &f.model_id);
	if (rc == SVC_OK)
		rc = query_date(rq, "from", &f.from);
	if (rc == SVC_OK)
		rc = query_date(rq, "to", &f.to);
	if (rc)
		return rc;
	f.customer_id = scope_filter(rq, cust);
	rc = sales_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
	    &rq->err);
	if (rc)
		return rc;
	respond_list(rs, (void **)items, n, next, sales_item, 0);
	return SVC_OK;
}

static enum svc_code
load_sales(struct req *rq, int64_t id, struct sales_record **s)
{
	enum svc_code rc;

	rc = sales_get(rq->db, &rq->arena, id, s, &rq->err);
	if (rc == SVC_OK)
		rc = scope(rq, (*s)->customer_id, "sales record", id);
	return rc;
}

/* GET /api/v1/sales/{id} */
static enum svc_code
api_sales_get(struct req *rq, struct resp *rs)
{
	struct sales_record *s;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_sales(rq, id, &s);
	if (rc)
		return rc;
	return respond_sales(rs, 200, s);
}

/* POST /api/v1/sales {customer_id, sale_date, amount_fen, quantity?, ...} */
static enum svc_code
api_sales_create(struct req *rq, struct resp *rs)
{
	struct sales_in in = { 0 };
	struct actor who = req_actor(rq);
	struct sales_record d, *s;
	enum svc_code rc;

	rc = decode_json(rq, sales_create_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = scope(rq, in.customer_id, "customer", in.customer_id);
	if (rc)
		return rc;
	memset(&d, 0, sizeof(d));
	d.customer_id = in.customer_id;
	d.model_id = in.model_id;
	d.quantity = in.quantity;
	d.amount_fen = in.amount_fen;
	d.reference = in.reference;
	rc = body_date(rq, "sale_date", in.sale_date, &d.sale_date);
	if (rc == SVC_OK)
		rc = sales_create(rq->db, &rq->arena, &who, &d, &s, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/sales", s->id);
	return respond_sales(rs, 201, s);
}

/* DELETE /api/v1/sales/{id} */
static enum svc_code
api_sales_delete(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct sales_record *s;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = load_sales(rq, id, &s);
	if (rc == SVC_OK)
		rc = sales_delete(rq->db, &rq->arena, &who, id, &rq->err);
	if (rc)
		return rc;
	rs->status = 204;
	return SVC_OK;
}

/* ===== price list ===== */

struct price_in {
	const char *code, *kind, *name, *unit;
	int64_t price_fen, part_id;
	bool active;
	int64_t version;
};

#define PRICE_FIELDS \
	{ "unit", F_TEXT, offsetof(struct price_in, unit), F_NULLABLE, 0, 10, \
	    PIF_UNIT, NULL, "unit, e.g. 次, 小时, 公里 (default 次)" }, \
	{ "part_id", F_ID, offsetof(struct price_in, part_id), F_NULLABLE, 0, \
	    0, PIF_PART, NULL, "the part (items of kind part only)" }

static const struct field price_create_fields[] = {
	{ "code", F_TEXT, offsetof(struct price_in, code), F_REQUIRED, 1, 50, 0,
	    NULL, "unique code (never changes)" },
	{ "kind", F_ENUM, offsetof(struct price_in, kind), F_REQUIRED, 0, 0,
	    PIF_KIND, price_kinds, "labour, onsite, travel, part or other" },
	{ "name", F_TEXT, offsetof(struct price_in, name), F_REQUIRED, 1, 200,
	    PIF_NAME, NULL, "name shown to customers" },
	{ "price_fen", F_I64, offsetof(struct price_in, price_fen), F_REQUIRED,
	    0, 1000000000000LL, PIF_PRICE, NULL, "price in fen" },
	PRICE_FIELDS,
	END_FIELDS,
};

static const struct field price_update_fields[] = {
	VERSION_FIELD(struct price_in),
	{ "kind", F_ENUM, offsetof(struct price_in, kind), 0, 0, 0, PIF_KIND,
	    price_kinds, "labour, onsite, travel, part or other" },
	{ "name", F_TEXT, offsetof(struct price_in, name), 0, 1, 200, PIF_NAME,
	    NULL, "name shown to customers" },
	{ "price_fen", F_I64, offsetof(struct price_in, price_fen), 0, 0,
	    1000000000000LL, PIF_PRICE, NULL, "price in fen" },
	PRICE_FIELDS,
	{ "active", F_BOOL, offsetof(struct price_in, active), 0, 0, 0,
	    PIF_ACTIVE, NULL, "false takes the item off the price list" },
	END_FIELDS,
};

static const char *const price_list_query[] = { "limit", "cursor", "sort",
	"q", "kind", "active", NULL };

static void
price_in_draft(const struct price_in *in, struct price_item *d)
{
	memset(d, 0, sizeof(*d));
	d->code = in->code;
	d->kind = in->kind;
	d->name = in->name;
	d->unit = in->unit;
	d->price_fen = in->price_fen;
	d->part_id = in->part_id;
	d->active = in->active;
}

static void
price_item_json(struct jw *w, const void *p, int today)
{
	(void)today;
	price_to_json(w, p);
}

static enum svc_code
respond_price(struct resp *rs, int status, const struct price_item *p)
{
	struct jw w;

	resp_json(rs, status, &w);
	price_to_json(&w, p);
	return SVC_OK;
}

/* GET /api/v1/prices?q=&kind=&active=&sort= */
static enum svc_code
api_price_list(struct req *rq, struct resp *rs)
{
	struct price_filter f = { .active = -1 };
	struct price_item **items;
	struct md_page pg;
	enum svc_code rc;
	char *next;
	size_t n;

	rc = query_allow(rq, price_list_query);
	if (rc == SVC_OK)
		rc = page_params(rq, &pg);
	if (rc == SVC_OK)
		rc = query_text(rq, "q", 100, &f.q);
	if (rc == SVC_OK)
		rc = query_enum(rq, "kind", price_kinds, &f.kind);
	if (rc == SVC_OK)
		rc = query_active(rq, &f.active);
	if (rc == SVC_OK)
		rc = price_list(rq->db, &rq->arena, &f, &pg, &items, &n, &next,
		    &rq->err);
	if (rc)
		return rc;
	respond_list(rs, (void **)items, n, next, price_item_json, 0);
	return SVC_OK;
}

/* GET /api/v1/prices/{id} */
static enum svc_code
api_price_get(struct req *rq, struct resp *rs)
{
	struct price_item *p;
	enum svc_code rc;
	int64_t id;

	rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = price_get(rq->db, &rq->arena, id, &p, &rq->err);
	if (rc)
		return rc;
	return respond_price(rs, 200, p);
}

/* POST /api/v1/prices {code, kind, name, price_fen, unit?, part_id?} */
static enum svc_code
api_price_create(struct req *rq, struct resp *rs)
{
	struct price_in in = { .active = true };
	struct actor who = req_actor(rq);
	struct price_item d, *p;
	enum svc_code rc;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = decode_json(rq, price_create_fields, &in, NULL);
	if (rc)
		return rc;
	price_in_draft(&in, &d);
	rc = price_create(rq->db, &rq->arena, &who, &d, &p, &rq->err);
	if (rc)
		return rc;
	location(rq, rs, "/api/v1/prices", p->id);
	return respond_price(rs, 201, p);
}

/* PATCH /api/v1/prices/{id} {version, price_fen?, ...} */
static enum svc_code
api_price_update(struct req *rq, struct resp *rs)
{
	struct price_in in = { 0 };
	struct actor who = req_actor(rq);
	struct price_item d, *p;
	enum svc_code rc;
	unsigned present;
	int64_t id, version;

	rc = staff_only(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, price_update_fields, &in, &present);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc)
		return rc;
	price_in_draft(&in, &d);
	if ((present & PIF_UNIT) && d.unit == NULL)
		d.unit = "";
	rc = price_update(rq->db, &rq->arena, &who, id, version, &d, present,
	    &p, &rq->err);
	if (rc)
		return rc;
	return respond_price(rs, 200, p);
}

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
	{ HTTP_GET, "/api/v1/customers", api_customer_list, NULL,
	    "customer.read", 0, "customers", "list customers (客户状况一览表); "
	    "a customer user sees only its own company", NULL,
	    customer_list_query },
	{ HTTP_POST, "/api/v1/customers", api_customer_create, NULL,
	    "customer.manage", W | J | I, "customers", "create a customer",
	    customer_create_fields, NULL },
	{ HTTP_GET, "/api/v1/customers/{id}", api_customer_get, NULL,
	    "customer.read", 0, "customers", "one customer", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/customers/{id}", api_customer_update, NULL,
	    "customer.manage", W | J, "customers", "change a customer",
	    customer_update_fields, NULL },
	{ HTTP_GET, "/api/v1/customers/{id}/history", api_customer_history,
	    NULL, "customer.read", 0, "customers", "the customer's whole "
	    "record: contacts, units with warranty, contracts (with contract."
	    "read), sales totals (with sales.read), requests, returns",
	    NULL, history_query },
	{ HTTP_GET, "/api/v1/customers/{id}/contacts", api_contact_list, NULL,
	    "customer.read", 0, "customers", "the customer's contacts", NULL,
	    NULL },
	{ HTTP_POST, "/api/v1/customers/{id}/contacts", api_contact_create,
	    NULL, "customer.manage", W | J | I, "customers", "add a contact",
	    contact_create_fields, NULL },
	{ HTTP_PATCH, "/api/v1/customers/{id}/contacts/{contact_id}",
	    api_contact_update, NULL, "customer.manage", W | J, "customers",
	    "change a contact", contact_update_fields, NULL },
	{ HTTP_DELETE, "/api/v1/customers/{id}/contacts/{contact_id}",
	    api_contact_delete, NULL, "customer.manage", W, "customers",
	    "remove a contact", NULL, NULL },

	{ HTTP_GET, "/api/v1/product-models", api_model_list, NULL,
	    "product.read", 0, "products", "list product models", NULL,
	    model_list_query },
	{ HTTP_POST, "/api/v1/product-models", api_model_create, NULL,
	    "product.manage", W | J | I, "products", "create a product model",
	    model_create_fields, NULL },
	{ HTTP_GET, "/api/v1/product-models/{id}", api_model_get, NULL,
	    "product.read", 0, "products", "one product model", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/product-models/{id}", api_model_update, NULL,
	    "product.manage", W | J, "products", "change a product model (a "
	    "new warranty_months recomputes its units' warranty)",
	    model_update_fields, NULL },
	{ HTTP_GET, "/api/v1/product-models/{id}/parts", api_bom_get, NULL,
	    "product.read", 0, "products", "the model's bill of parts", NULL,
	    NULL },
	{ HTTP_PUT, "/api/v1/product-models/{id}/parts", api_bom_set, NULL,
	    "product.manage", W | J, "products", "replace the bill of parts: "
	    "{version, parts: [{part_id, quantity}]}", NULL, NULL },

	{ HTTP_GET, "/api/v1/parts", api_part_list, NULL, "product.read", 0,
	    "products", "list spare parts", NULL, part_list_query },
	{ HTTP_POST, "/api/v1/parts", api_part_create, NULL, "product.manage",
	    W | J | I, "products", "create a spare part", part_create_fields,
	    NULL },
	{ HTTP_GET, "/api/v1/parts/{id}", api_part_get, NULL, "product.read",
	    0, "products", "one spare part", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/parts/{id}", api_part_update, NULL,
	    "product.manage", W | J, "products", "change a spare part",
	    part_update_fields, NULL },

	{ HTTP_GET, "/api/v1/contracts", api_contract_list, NULL,
	    "contract.read", 0, "contracts", "list contracts", NULL,
	    contract_list_query },
	{ HTTP_POST, "/api/v1/contracts", api_contract_create, NULL,
	    "contract.manage", W | J | I, "contracts", "create a sales or "
	    "maintenance contract", contract_create_fields, NULL },
	{ HTTP_GET, "/api/v1/contracts/{id}", api_contract_get, NULL,
	    "contract.read", 0, "contracts", "one contract", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/contracts/{id}", api_contract_update, NULL,
	    "contract.manage", W | J, "contracts", "change a contract (a new "
	    "warranty_months recomputes its units' warranty)",
	    contract_update_fields, NULL },
	{ HTTP_PUT, "/api/v1/contracts/{id}/units", api_contract_units, NULL,
	    "contract.manage", W | J, "contracts", "replace the units a "
	    "maintenance contract covers: {version, unit_ids: [...]}", NULL,
	    NULL },

	{ HTTP_GET, "/api/v1/units", api_unit_list, NULL, "unit.read", 0,
	    "units", "list sold units (serial is a prefix)", NULL,
	    unit_list_query },
	{ HTTP_POST, "/api/v1/units", api_unit_create, NULL, "unit.manage",
	    W | J | I, "units", "register a sold unit (warranty_end is "
	    "computed)", unit_create_fields, NULL },
	{ HTTP_GET, "/api/v1/units/{id}", api_unit_get, NULL, "unit.read", 0,
	    "units", "one sold unit", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/units/{id}", api_unit_update, NULL,
	    "unit.manage", W | J, "units", "change a sold unit (warranty_end "
	    "is recomputed)", unit_update_fields, NULL },
	{ HTTP_GET, "/api/v1/units/{id}/warranty", api_unit_warranty, NULL,
	    "unit.read", 0, "units", "in warranty on a day? with the rule "
	    "that decided it", NULL, warranty_query },

	{ HTTP_GET, "/api/v1/sales", api_sales_list, NULL, "sales.read", 0,
	    "sales", "list sales records (from/to: sale dates, inclusive)",
	    NULL, sales_list_query },
	{ HTTP_POST, "/api/v1/sales", api_sales_create, NULL, "sales.manage",
	    W | J | I, "sales", "record a sale (ERP facts: never changed)",
	    sales_create_fields, NULL },
	{ HTTP_GET, "/api/v1/sales/{id}", api_sales_get, NULL, "sales.read",
	    0, "sales", "one sales record", NULL, NULL },
	{ HTTP_DELETE, "/api/v1/sales/{id}", api_sales_delete, NULL,
	    "sales.delete", W, "sales", "delete a sales record (audited)",
	    NULL, NULL },

	{ HTTP_GET, "/api/v1/prices", api_price_list, NULL, "price.read", 0,
	    "prices", "the price list (收费标准)", NULL, price_list_query },
	{ HTTP_POST, "/api/v1/prices", api_price_create, NULL, "price.manage",
	    W | J | I, "prices", "add a price item", price_create_fields,
	    NULL },
	{ HTTP_GET, "/api/v1/prices/{id}", api_price_get, NULL, "price.read",
	    0, "prices", "one price item", NULL, NULL },
	{ HTTP_PATCH, "/api/v1/prices/{id}", api_price_update, NULL,
	    "price.manage", W | J, "prices", "change a price item",
	    price_update_fields, NULL },

	{ HTTP_POST, "/api/v1/import/{kind}", api_import, NULL, "import.run",
	    W | J, "import", "import CSV: kind customers, models, parts, "
	    "units or sales; ?skip_bad=true imports the good rows",
	    import_fields, import_query },
};

const size_t master_nroutes = sizeof(master_routes) / sizeof(master_routes[0]);
