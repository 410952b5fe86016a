/*
 * api_print — printed documents (PDF, SPEC §4.15) and their templates
 * (§4.17).  Each document's print route has the permission of reading it
 * and reads it through its module's getter with the caller, so a customer
 * user gets 404 for another company's document as on GET.  The PDF is
 * written into an unlinked temporary file and sent from it (rs->fd).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/print/print.h"

void
api_send_pdf(struct req *rq, struct resp *rs, int fd, const struct print_out *o)
{
	char name[96];
	size_t k = 0;

	/* the number as a file name: letters, digits, '-', '_' only */
	for (const char *p = o->number; p != NULL && *p != '\0' &&
	    k + 1 < sizeof(name); p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
			name[k++] = *p;
	name[k] = '\0';
	rs->status = 200;
	rs->content_type = "application/pdf";
	rs->fd = fd;
	rs->fd_len = o->len;
	resp_header(rs, "Content-Disposition", arena_printf(&rq->arena,
	    "inline; filename=\"%s.pdf\"", k > 0 ? name : "document"));
	resp_header(rs, "Cache-Control", "private, no-store");
}

/* GET /api/v1/requests/{id}/print */
static enum svc_code
request_print_h(struct req *rq, struct resp *rs)
{
	struct request_caller c = {
		.actor = req_actor(rq),
		.fsm = { rq->who.user_id, rq->who.roles, rq->who.nroles },
		.customer_id = rq->who.customer_id,
	};
	struct print_out o = { 0 };
	enum svc_code rc;
	int64_t id;
	int fd;

	rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	fd = pdf_tmpfd(NULL, &rq->err);
	if (fd < 0)
		return rq->err.code;
	rc = print_request(rq->db, &rq->arena, &c, id, fd, &o, &rq->err);
	if (rc) {
		close(fd);
		return rc;
	}
	api_send_pdf(rq, rs, fd, &o);
	return SVC_OK;
}

/* A return's form ("return", "transport", "receipt", "slip"). */
static enum svc_code
return_print(struct req *rq, struct resp *rs, const char *form)
{
	struct rma_caller c = {
		.actor = req_actor(rq),
		.fsm = { rq->who.user_id, rq->who.roles, rq->who.nroles },
		.customer_id = rq->who.customer_id,
	};
	struct print_out o = { 0 };
	enum svc_code rc;
	int64_t id;
	int fd;

	rc = req_param_id(rq, 0, &id);
	if (rc)
		return rc;
	fd = pdf_tmpfd(NULL, &rq->err);
	if (fd < 0)
		return rq->err.code;
	rc = print_return(rq->db, &rq->arena, &c, id, form, fd, &o,
	    &rq->err);
	if (rc) {
		close(fd);
		return rc;
	}
	api_send_pdf(rq, rs, fd, &o);
	return SVC_OK;
}

/* GET /api/v1/returns/{id}/print */
static enum svc_code
return_print_h(struct req *rq, struct resp *rs)
{
	return return_print(rq, rs, "return");
}

/* GET /api/v1/returns/{id}/transport/print */
static enum svc_code
transport_print_h(struct req *rq, struct resp *rs)
{
	return return_print(rq, rs, "transport");
}

/* GET /api/v1/returns/{id}/receipt/print */
static enum svc_code
receipt_print_h(struct req *rq, struct resp *rs)
{
	return return_print(rq, rs, "receipt");
}

/* GET /api/v1/returns/{id}/slip/print */
static enum svc_code
slip_print_h(struct req *rq, struct resp *rs)
{
	return return_print(rq, rs, "slip");
}

/* ----- templates ----- */

static const struct resource template_res = {
	.rec = &doc_template_rec,
	.path = "/api/v1/templates",
};

/* PUT /api/v1/templates/logo (raw PNG or JPEG body) */
static enum svc_code
logo_put_h(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	struct jw w;

	rc = print_logo_put(rq->db, &rq->arena, &who, rq->body.p,
	    rq->body.len, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_ki64(&w, "size", (int64_t)rq->body.len);
	jw_obj_close(&w);
	return SVC_OK;
}

/* GET /api/v1/templates/logo: the bytes */
static enum svc_code
logo_get_h(struct req *rq, struct resp *rs)
{
	const char *mime;
	enum svc_code rc;

	buf_reset(&rs->body);
	rc = print_logo_get(rq->db, &mime, &rs->body, &rq->err);
	if (rc)
		return rc;
	rs->status = 200;
	rs->content_type = mime;
	resp_header(rs, "Content-Disposition", "inline");
	return SVC_OK;
}

/* DELETE /api/v1/templates/logo */
static enum svc_code
logo_delete_h(struct req *rq, struct resp *rs)
{
	struct actor who = req_actor(rq);
	enum svc_code rc;
	struct jw w;

	rc = print_logo_delete(rq->db, &rq->arena, &who, &rq->err);
	if (rc)
		return rc;
	resp_json(rs, 200, &w);
	jw_obj_open(&w);
	jw_kbool(&w, "deleted", true);
	jw_obj_close(&w);
	return SVC_OK;
}

#define PDF_NOTE " (application/pdf, inline; a customer user: its own " \
	"company's only)"

const struct route print_routes[] = {
	{ HTTP_GET, "/api/v1/requests/{id}/print", request_print_h, NULL,
	    "request.read", 0, "print", "the service request as a printed "
	    "form (服务工单)" PDF_NOTE, NULL, NULL },
	{ HTTP_GET, "/api/v1/returns/{id}/print", return_print_h, NULL,
	    "return.read", 0, "print", "the return/exchange form with its "
	    "lines, totals and signatures (调退货明细表)" PDF_NOTE, NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/returns/{id}/transport/print", transport_print_h,
	    NULL, "return.read", 0, "print", "the return's latest transport "
	    "order (退货运输单); 409 before one is issued" PDF_NOTE, NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/returns/{id}/receipt/print", receipt_print_h,
	    NULL, "return.read", 0, "print", "the warehouse return receipt "
	    "(退货入库单); 409 before the goods are received" PDF_NOTE, NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/returns/{id}/slip/print", slip_print_h, NULL,
	    "return.read", 0, "print", "the return slip to the customer "
	    "(退货单); 409 before the goods are received" PDF_NOTE, NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/templates/logo", logo_get_h, NULL,
	    "template.read", 0, "print", "the logo of printed documents (PNG "
	    "or JPEG bytes); 404 when none", NULL, NULL },
	{ HTTP_PUT, "/api/v1/templates/logo", logo_put_h, NULL,
	    "template.manage", R_WRITE | R_RAW, "print", "set the logo of "
	    "printed documents (raw PNG or JPEG body, at most 512 KB)", NULL,
	    NULL, PDF_LOGO_MAX },
	{ HTTP_DELETE, "/api/v1/templates/logo", logo_delete_h, NULL,
	    "template.manage", R_WRITE, "print", "remove the logo", NULL,
	    NULL },
	{ HTTP_GET, "/api/v1/templates", api_rec_list, NULL, "template.read",
	    0, "print", "the document templates: per document type the "
	    "company name, address, phone and footer note of its PDF", NULL,
	    NULL, 0, &template_res },
	{ HTTP_GET, "/api/v1/templates/{id}", api_rec_get, NULL,
	    "template.read", 0, "print", "one document template", NULL, NULL,
	    0, &template_res },
	{ HTTP_PATCH, "/api/v1/templates/{id}", api_rec_update, NULL,
	    "template.manage", R_WRITE | R_JSON, "print", "change a document "
	    "template (with version)", NULL, NULL, 0, &template_res },
};

const size_t print_nroutes = sizeof(print_routes) / sizeof(print_routes[0]);
