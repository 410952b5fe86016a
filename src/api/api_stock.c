/*
 * api_stock — the spare-parts store and the cost ledger (SPEC §4.9,
 * §4.10): warehouses, levels, the movement journal and the documents
 * (requisitions, loans, transfers, counts) served from their declarations;
 * the steps through their state machines; cost lines and their summary.
 */
#include <stddef.h>
#include <string.h>

#include <unistd.h>

#include "api/api.h"
#include "domain/print/print.h"
#include "domain/stock/stock.h"
#include "util/clock.h"
#include "util/date.h"

static struct stock_caller
caller(struct req *rq)
{
	struct stock_caller c = {
		.actor = req_actor(rq),
		.fsm = { rq->who.user_id, rq->who.roles, rq->who.nroles },
	};

	return c;
}

/*
 * The store and the ledger are the company's own: a customer user is
 * refused whatever permissions its role holds (its company's costs are
 * internal figures, and stock documents point at other companies'
 * requests).
 */
static enum svc_code
staff(struct req *rq)
{
	if (own_customer(rq) == 0)
		return SVC_OK;
	return svc_fail(&rq->err, SVC_EPERM, NULL, "the spare-parts store and "
	    "the cost ledger are for staff only");
}

/* ===== warehouses, levels, moves ===== */

static const struct resource warehouse_res = {
	.rec = &warehouse_rec,
	.path = "/api/v1/warehouses",
};

static const char *const level_query[] = { "low", "idle", "q", NULL };

/* ?low=true, ?idle=true, ?q= (part code or name) */
static enum svc_code
level_filter(struct req *rq, struct rec_query *q)
{
	struct stock_settings s;
	const char *text;
	enum svc_code rc;
	bool low, idle;

	rc = query_bool(rq, "low", &low);
	if (rc == SVC_OK)
		rc = query_bool(rq, "idle", &idle);
	if (rc == SVC_OK)
		rc = query_text(rq, "q", 100, &text);
	if (rc)
		return rc;
	if (low)
		stock_level_low(q);
	if (idle) {
		rc = settings_get(rq->db, &stock_settings_group, &s, &rq->err);
		if (rc)
			return rc;
		stock_level_idle(q, clock_now() - s.idle_days * 86400);
	}
	if (text != NULL && text[0] != '\0')
		rc = stock_level_q(q, rq->db, &rq->arena, text, &rq->err);
	return rc;
}

static const struct resource level_res = {
	.rec = &stock_level_rec,
	.path = "/api/v1/stock/levels",
	.query = level_query,
	.filter = level_filter,
	.staff_only = true,
};

static const struct resource move_res = {
	.rec = &stock_move_rec,
	.path = "/api/v1/stock/moves",
	.staff_only = true,
};

struct level_in {
	int64_t reorder_point, reorder_qty;
};

static const struct field level_fields[] = {
	{ "reorder_point", F_I64, offsetof(struct level_in, reorder_point),
	    F_REQUIRED, 0, STOCK_QTY_MAX, 0, NULL,
	    "low at or below it (0: never low)" },
	{ "reorder_qty", F_I64, offsetof(struct level_in, reorder_qty), 0, 0,
	    STOCK_QTY_MAX, 0, NULL, "the quantity to order" },
	{ NULL },
};

/* PUT /api/v1/stock/levels/{part_id}/{warehouse_id} */
static enum svc_code
level_put_h(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct level_in in = { 0, 0 };
	struct stock_level *l;
	int64_t part, wh;
	enum svc_code rc;
	struct jw w;

	rc = staff(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &part);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 1, &wh);
	if (rc == SVC_OK)
		rc = decode_json(rq, level_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = stock_level_set(rq->db, &rq->arena, &who, part, wh,
		    in.reorder_point, in.reorder_qty, &l, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	rec_to_json(&w, &stock_level_rec, l, REC_STAFF);
	return SVC_OK;
}

/* POST /api/v1/stock/receipts and /scraps: one movement */
static enum svc_code
post_move(struct req *rq, struct resp *rs, const struct record *body,
    const char *kind)
{
	struct actor who = req_actor(rq);
	struct stock_post_in in;
	struct stock_move *m;
	enum svc_code rc;
	rec_mask given;
	struct jw w;

	rec_init(body, &in);
	rc = staff(rq);
	if (rc == SVC_OK)
		rc = decode_record(rq, body, REC_CREATE, &in, &given);
	if (rc)
		return rc;
	rec_normalize(body, &in);
	in.kind = kind;
	if (strcmp(kind, "scrap") == 0)
		in.unit_cost_fen = -1;
	rc = stock_post(rq->db, &rq->arena, &who, &in, &m, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/stock/moves/%lld", (long long)m->id));
	resp_json(rs, 201, &w);
	rec_to_json(&w, &stock_move_rec, m, REC_STAFF);
	return SVC_OK;
}

static enum svc_code
receipt_h(struct req *rq, struct resp *rs)
{
	return post_move(rq, rs, &stock_receipt_rec, "receipt");
}

static enum svc_code
scrap_h(struct req *rq, struct resp *rs)
{
	return post_move(rq, rs, &stock_scrap_rec, "scrap");
}

/* ===== the documents ===== */

static const char *const loan_query[] = { "overdue", NULL };

/* ?overdue=true: open loans past their due date */
static enum svc_code
loan_filter(struct req *rq, struct rec_query *q)
{
	enum svc_code rc;
	bool overdue;

	rc = query_bool(rq, "overdue", &overdue);
	if (rc == SVC_OK && overdue)
		stock_loan_overdue(q, ymd_today());
	return rc;
}

static const struct resource rq_res = {
	.rec = &stock_requisition_rec,
	.path = "/api/v1/stock/requisitions",
	.staff_only = true,
};
static const struct resource loan_res = {
	.rec = &stock_loan_rec,
	.path = "/api/v1/stock/loans",
	.query = loan_query,
	.filter = loan_filter,
	.staff_only = true,
};
static const struct resource transfer_res = {
	.rec = &stock_transfer_rec,
	.path = "/api/v1/stock/transfers",
	.staff_only = true,
};
static const struct resource count_res = {
	.rec = &stock_count_rec,
	.path = "/api/v1/stock/counts",
	.staff_only = true,
};

typedef enum svc_code (*doc_create_fn)(struct db *, struct arena *,
    const struct stock_caller *, void *draft, void **out, struct svc_err *);
typedef enum svc_code (*doc_step_fn)(struct db *, struct arena *,
    const struct stock_caller *, int64_t id, int64_t expected,
    const char *name, const struct stock_step *, void **out,
    struct svc_err *);

/* One document type: its declaration, machine and operations. */
struct doc_type {
	const struct resource *res;
	const struct fsm_def *fsm;
	size_t state_off;
	doc_create_fn create;
	doc_step_fn step;
};

/* each type's create and step behind the shared signatures */
#define WRAP(K, T) \
static enum svc_code \
K##_create(struct db *db, struct arena *a, const struct stock_caller *c, \
    void *draft, void **out, struct svc_err *err) \
{ \
	return stock_##K##_create(db, a, c, draft, (T **)out, err); \
} \
static enum svc_code \
K##_step(struct db *db, struct arena *a, const struct stock_caller *c, \
    int64_t id, int64_t expected, const char *name, \
    const struct stock_step *st, void **out, struct svc_err *err) \
{ \
	return stock_##K##_step(db, a, c, id, expected, name, st, \
	    (T **)out, err); \
}
WRAP(requisition, struct stock_requisition)
WRAP(loan, struct stock_loan)
WRAP(transfer, struct stock_transfer)
WRAP(count, struct stock_count)
#undef WRAP

#define DOC(res, T, fsm, name) \
	{ &res, &fsm, offsetof(T, state), name##_create, name##_step }

static const struct doc_type stock_docs[] = {
	DOC(rq_res, struct stock_requisition, stock_requisition_fsm,
	    requisition),
	DOC(loan_res, struct stock_loan, stock_loan_fsm, loan),
	DOC(transfer_res, struct stock_transfer, stock_transfer_fsm, transfer),
	DOC(count_res, struct stock_count, stock_count_fsm, count),
};

#undef DOC

static const struct doc_type *
doc_type_of(struct req *rq)
{
	for (size_t i = 0; i < sizeof(stock_docs) / sizeof(stock_docs[0]); i++)
		if (stock_docs[i].res == rq->route->res)
			return &stock_docs[i];
	BUG("route %s has no stock document type", rq->route->pattern);
}

/* The document with the steps the caller may take. */
static void
doc_json(struct jw *w, const struct doc_type *t, const void *doc,
    const struct stock_caller *c)
{
	const char *state = *(const char *const *)((const char *)doc +
	    t->state_off);

	jw_obj_open(w);
	rec_json_members(w, t->res->rec, doc, REC_STAFF);
	jw_key(w, "transitions");
	fsm_options_json(t->fsm, w, fsm_state_by_name(t->fsm, state), &c->fsm,
	    doc);
	jw_obj_close(w);
}

/* POST /api/v1/stock/{requisitions,loans,transfers,counts} */
static enum svc_code
doc_create_h(struct req *rq, struct resp *rs)
{
	const struct doc_type *t = doc_type_of(rq);
	const struct record *r = t->res->rec;
	struct stock_caller c = caller(rq);
	void *draft = arena_alloc(&rq->arena, r->size), *doc;
	enum svc_code rc;
	rec_mask given;
	struct jw w;

	if (draft == NULL)
		return rec_oom(&rq->err);
	rec_init(r, draft);
	rc = staff(rq);
	if (rc == SVC_OK)
		rc = decode_record(rq, r, REC_CREATE, draft, &given);
	if (rc == SVC_OK)
		rc = t->create(rq->db, &rq->arena, &c, draft, &doc, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena, "%s/%lld",
	    t->res->path, (long long)*(int64_t *)doc));
	resp_json(rs, 201, &w);
	doc_json(&w, t, doc, &c);
	return SVC_OK;
}

/* GET /api/v1/stock/{...}/{id} */
static enum svc_code
doc_get_h(struct req *rq, struct resp *rs)
{
	const struct doc_type *t = doc_type_of(rq);
	struct stock_caller c = caller(rq);
	enum svc_code rc;
	struct jw w;
	int64_t id;
	void *doc;

	rc = staff(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = rec_get(rq->db, &rq->arena, t->res->rec, id, &doc,
		    &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	doc_json(&w, t, doc, &c);
	return SVC_OK;
}

struct step_in {
	int64_t version;
	struct stock_step s;
};

static const struct field step_fields[] = {
	{ "version", F_I64, offsetof(struct step_in, version), 0, 1, INT64_MAX,
	    0, NULL, "the version you read (or If-Match)" },
	{ "note", F_TEXT, offsetof(struct step_in, s.note), F_NULLABLE, 0, 500,
	    0, NULL, "the decision's note; reject: why (required)" },
	{ "qty", F_I64, offsetof(struct step_in, s.qty), 0, 1, STOCK_QTY_MAX,
	    0, NULL, "a loan's return: the quantity returned" },
	{ NULL },
};

/* POST /api/v1/stock/{...}/{id}/transitions/{name} {version, note, qty} */
static enum svc_code
doc_step_h(struct req *rq, struct resp *rs)
{
	const struct doc_type *t = doc_type_of(rq);
	struct stock_caller c = caller(rq);
	struct step_in in;
	enum svc_code rc;
	int64_t id, version;
	struct jw w;
	void *doc;

	memset(&in, 0, sizeof(in));
	rc = staff(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc == SVC_OK)
		rc = decode_json(rq, step_fields, &in, NULL);
	if (rc == SVC_OK)
		rc = req_version(rq, in.version, &version);
	if (rc == SVC_OK)
		rc = t->step(rq->db, &rq->arena, &c, id, version,
		    rq->params[1], &in.s, &doc, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	doc_json(&w, t, doc, &c);
	return SVC_OK;
}

/* GET /api/v1/stock/requisitions/{id}/print: 《费用领料单》 as PDF */
static enum svc_code
requisition_print_h(struct req *rq, struct resp *rs)
{
	struct print_out o = { 0 };
	enum svc_code rc;
	int64_t id;
	int fd;

	rc = staff(rq);
	if (rc == SVC_OK)
		rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	fd = pdf_tmpfd(NULL, &rq->err);
	if (fd < 0)
		return rq->err.code;
	rc = print_requisition(rq->db, &rq->arena, id, fd, &o, &rq->err);
	if (rc) {
		close(fd);
		return rc;
	}
	api_send_pdf(rq, rs, fd, &o);
	return SVC_OK;
}

static const char *const serial_query[] = { "unit_id", "part_id", NULL };

/* GET /api/v1/stock/serials?unit_id=&part_id= */
static enum svc_code
serials_h(struct req *rq, struct resp *rs)
{
	int64_t unit, part;
	enum svc_code rc;
	struct jw w;

	rc = staff(rq);
	if (rc == SVC_OK)
		rc = query_allow(rq, serial_query);
	if (rc == SVC_OK)
		rc = query_i64(rq, "unit_id", 1, INT64_MAX, 0, &unit);
	if (rc == SVC_OK)
		rc = query_i64(rq, "part_id", 1, INT64_MAX, 0, &part);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_key(&w, "items");
	rc = stock_serials_json(rq->db, &w, unit, part, &rq->err);
	jw_obj_close(&w);
	return rc;
}

/* ===== settings ===== */

static const struct field settings_fields[] = {
	{ "approval_over_fen", F_I64, offsetof(struct stock_settings,
	    approval_over_fen), 0, 0, COST_AMOUNT_MAX, 1 << 0, NULL,
	    "an issue worth more than this needs the after-sales manager's "
	    "approval (exactly this: none)" },
	{ "idle_days", F_I64, offsetof(struct stock_settings, idle_days), 0, 1,
	    3650, 1 << 1, NULL, "parts unmoved this many days are idle" },
	{ "labour_rate_fen", F_I64, offsetof(struct stock_settings,
	    labour_rate_fen), 0, 0, 10000000, 1 << 2, NULL,
	    "the labour rate per hour" },
	{ "version", F_I64, offsetof(struct stock_settings, version), 0, 1,
	    INT64_MAX, 0, NULL, "the version you read (or If-Match)" },
	{ NULL },
};

static enum svc_code
settings_get_h(struct req *rq, struct resp *rs)
{
	enum svc_code rc = staff(rq);

	return rc ? rc : api_settings_get(rq, rs, &stock_settings_group);
}

static enum svc_code
settings_put_h(struct req *rq, struct resp *rs)
{
	enum svc_code rc = staff(rq);

	return rc ? rc : api_settings_put(rq, rs, &stock_settings_group,
	    settings_fields);
}

/* ===== costs ===== */

static const struct resource cost_res = {
	.rec = &cost_line_rec,
	.path = "/api/v1/costs",
	.staff_only = true,
};

/* POST /api/v1/costs */
static enum svc_code
cost_create_h(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	struct cost_line d, *out;
	enum svc_code rc;
	rec_mask given;
	struct jw w;

	rec_init(&cost_line_rec, &d);
	rc = staff(rq);
	if (rc == SVC_OK)
		rc = decode_record(rq, &cost_line_rec, REC_CREATE, &d, &given);
	if (rc == SVC_OK)
		rc = cost_add(rq->db, &rq->arena, &who, &d, &out, &rq->err);
	if (rc)
		return rc;
	resp_header(rs, "Location", arena_printf(&rq->arena,
	    "/api/v1/costs/%lld", (long long)out->id));
	resp_json(rs, 201, &w);
	rec_to_json(&w, &cost_line_rec, out, REC_STAFF);
	return SVC_OK;
}

static const char *const summary_query[] = { "doc_kind", "doc_id", NULL };

/* GET /api/v1/costs/summary?doc_kind=&doc_id= */
static enum svc_code
cost_summary_h(struct req *rq, struct resp *rs)
{
	const char *kind;
	enum svc_code rc;
	int64_t id;
	struct jw w;

	rc = staff(rq);
	if (rc == SVC_OK)
		rc = query_allow(rq, summary_query);
	if (rc == SVC_OK)
		rc = query_enum(rq, "doc_kind", stock_doc_kinds, &kind);
	if (rc == SVC_OK)
		rc = query_i64(rq, "doc_id", 1, INT64_MAX, 0, &id);
	if (rc)
		return rc;
	if (kind == NULL)
		return svc_fail_field(&rq->err, SVC_EINVAL, "doc_kind",
		    "required", "'doc_kind' is required");
	if (id == 0)
		return svc_fail_field(&rq->err, SVC_EINVAL, "doc_id",
		    "required", "'doc_id' is required");
	resp_json(rs, 200, &w);
	return cost_summary_json(rq->db, &w, kind, id, &rq->err);
}

/* ===== the route table ===== */

#define W R_WRITE
#define J R_JSON
#define I R_IDEMPOTENT
#define DOC_ROUTES(p, what, perm_new, body) \
	{ HTTP_GET, "/api/v1/stock/" p, api_rec_list, NULL, "stock.read", 0, \
	    "stock", "list " what "s", NULL, NULL, 0, &body##_res }, \
	{ HTTP_POST, "/api/v1/stock/" p, doc_create_h, NULL, perm_new, \
	    W | J | I, "stock", "create a " what, NULL, NULL, 0, &body##_res, \
	    &stock_##body##_rec }, \
	{ HTTP_GET, "/api/v1/stock/" p "/{id}", doc_get_h, NULL, \
	    "stock.read", 0, "stock", "one " what " with its steps", NULL, \
	    NULL, 0, &body##_res }, \
	{ HTTP_POST, "/api/v1/stock/" p "/{id}/transitions/{name}", \
	    doc_step_h, NULL, "stock.read", W | J, "stock", "a step of a " \
	    what " (its state machine says who)", step_fields, NULL, 0, \
	    &body##_res }

#define stock_rq_rec stock_requisition_rec

const struct route stock_routes[] = {
	{ HTTP_GET, "/api/v1/warehouses", api_rec_list, NULL,
	    "warehouse.read", 0, "stock", "list warehouses", NULL, NULL, 0,
	    &warehouse_res },
	{ HTTP_POST, "/api/v1/warehouses", api_rec_create, NULL,
	    "warehouse.manage", W | J | I, "stock", "create a warehouse", NULL,
	    NULL, 0, &warehouse_res },
	{ HTTP_GET, "/api/v1/warehouses/{id}", api_rec_get, NULL,
	    "warehouse.read", 0, "stock", "one warehouse", NULL, NULL, 0,
	    &warehouse_res },
	{ HTTP_PATCH, "/api/v1/warehouses/{id}", api_rec_update, NULL,
	    "warehouse.manage", W | J, "stock", "change a warehouse", NULL,
	    NULL, 0, &warehouse_res },
	{ HTTP_GET, "/api/v1/stock/levels", api_rec_list, NULL, "stock.read",
	    0, "stock", "stock levels: on hand, on loan, in transit, value, "
	    "low and idle", NULL, NULL, 0, &level_res },
	{ HTTP_PUT, "/api/v1/stock/levels/{part_id}/{warehouse_id}",
	    level_put_h, NULL, "stock.move", W | J, "stock",
	    "set a level's reorder point and quantity", level_fields, NULL },
	{ HTTP_GET, "/api/v1/stock/moves", api_rec_list, NULL, "stock.read", 0,
	    "stock", "the movement journal", NULL, NULL, 0, &move_res },
	{ HTTP_POST, "/api/v1/stock/receipts", receipt_h, NULL, "stock.move",
	    W | J | I, "stock", "receive parts (purchase or good part "
	    "returned)", NULL, NULL, 0, NULL, &stock_receipt_rec },
	{ HTTP_POST, "/api/v1/stock/scraps", scrap_h, NULL, "stock.move",
	    W | J | I, "stock", "scrap parts with the reason", NULL, NULL, 0,
	    NULL, &stock_scrap_rec },
	{ HTTP_GET, "/api/v1/stock/settings", settings_get_h, NULL,
	    "stock.read", 0, "stock", "approval limit, idle days, labour rate",
	    NULL, NULL },
	{ HTTP_PUT, "/api/v1/stock/settings", settings_put_h, NULL,
	    "stock.manage", W | J, "stock", "change the stock settings (with "
	    "version)", settings_fields, NULL },
	{ HTTP_GET, "/api/v1/stock/serials", serials_h, NULL, "stock.read", 0,
	    "stock", "serial-tracked parts replaced in units", NULL,
	    serial_query },
	DOC_ROUTES("requisitions", "requisition", "stock.issue", rq),
	{ HTTP_GET, "/api/v1/stock/requisitions/{id}/print",
	    requisition_print_h, NULL, "stock.read", 0, "stock",
	    "the requisition as 费用领料单 (PDF)", NULL, NULL },
	DOC_ROUTES("loans", "loan", "stock.move", loan),
	DOC_ROUTES("transfers", "transfer", "stock.move", transfer),
	DOC_ROUTES("counts", "count", "stock.move", count),
	{ HTTP_GET, "/api/v1/costs", api_rec_list, NULL, "cost.read", 0,
	    "costs", "cost lines of documents", NULL, NULL, 0, &cost_res },
	{ HTTP_POST, "/api/v1/costs", cost_create_h, NULL, "cost.write",
	    W | J | I, "costs", "add a cost line (labour, travel, transport, "
	    "compensation, other)", NULL, NULL, 0, NULL, &cost_line_rec },
	{ HTTP_GET, "/api/v1/costs/summary", cost_summary_h, NULL,
	    "cost.read", 0, "costs", "a document's costs by kind and billing",
	    NULL, summary_query },
};

#undef stock_rq_rec
#undef DOC_ROUTES
#undef W
#undef J
#undef I

const size_t stock_nroutes = sizeof(stock_routes) / sizeof(stock_routes[0]);
