/*
 * print — the printed documents (SPEC §4.15, §4.17): each form built from
 * the domain and laid out by the one engine (util/pdf.h), and the document
 * templates every PDF's header and footer come from.
 *
 * Forms:
 *   request    服务工单      the request, its customer, unit, contact, SLA
 *                            due times, description and history (timeline)
 *   return     调退货明细表  the form, its lines with totals, its signatures
 *                            (step, name, role, time)
 *   transport  退货运输单    the form's latest transport order and the
 *                            goods to carry
 *   receipt    退货入库单    the warehouse receipt: QC's verdict, the
 *                            resolution, refund or exchange, the lines
 *   slip       退货单        the clerk's return slip to the customer
 *   requisition 费用领料单   a parts requisition: the part, warehouse,
 *                            quantity, value, billing, what it went to,
 *                            the serials, who asked and who approved
 *
 * Invariants:
 *  - a form reads its document through the module's own getter
 *    (request_get, rma_get) with the caller, so who may print a document
 *    is exactly who may read it: a customer user gets SVC_ENOTFOUND for
 *    another company's, and sees only the timeline visible to customers;
 *  - a document that does not exist yet is SVC_ECONFLICT naming why
 *    (no transport order before issue_transport; no receipt or slip before
 *    the warehouse received the goods);
 *  - every PDF carries the template of its type and the one logo.
 *
 * Templates are declared once (doc_template_rec, domain/record): one row
 * per type of doc_types[], seeded by migration 15, changed only (company,
 * address, phone, footer).  The logo: PNG or JPEG of at most 512 KB that
 * the engine can print (pdf_logo_check), stored in the database, audited.
 *
 * Ownership: strings returned are arena-owned; inputs borrowed.  Writes
 * run inside a store_write() callback.
 */
#ifndef AS_PRINT_H
#define AS_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "domain/record/record.h"
#include "domain/request/request.h"
#include "domain/rma/rma.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/pdf.h"

/* request, return, transport, receipt, slip, report, requisition;
 * NULL-ended */
extern const char *const doc_types[];

struct doc_template {
	int64_t id;
	const char *doc_type;	/* fixed: one of doc_types */
	const char *company;
	const char *address;
	const char *phone;
	const char *footer;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct record doc_template_rec;

/*
 * The template of doc_type with the logo, ready for pdf_open() (strings
 * and logo bytes arena-owned).  An unknown type: SVC_EINVAL.
 */
enum svc_code print_template(struct db *, struct arena *,
    const char *doc_type, struct pdf_template *out,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Store the logo (replacing any), audited.  Refused with SVC_EINVAL naming
 * "logo" and why when pdf_logo_check() refuses it (SVC_ETOOBIG over 512
 * KB).
 */
enum svc_code print_logo_put(struct db *, struct arena *,
    const struct actor *, const void *data, size_t len,
    struct svc_err *) WARN_UNUSED_RESULT;
/* The logo's bytes appended to out and its type; SVC_ENOTFOUND: none. */
enum svc_code print_logo_get(struct db *, const char **mime, struct buf *out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Remove the logo, audited; SVC_ENOTFOUND when there is none. */
enum svc_code print_logo_delete(struct db *, struct arena *,
    const struct actor *, struct svc_err *) WARN_UNUSED_RESULT;

/* A printed document: its bytes are in the fd given. */
struct print_out {
	size_t len;		/* bytes written */
	const char *number;	/* the document number, for its file name */
	int pages;
};

/* The service request id as 服务工单 into fd. */
enum svc_code print_request(struct db *, struct arena *,
    const struct request_caller *, int64_t id, int fd,
    struct print_out *out, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Form form ("return", "transport", "receipt" or "slip") of the return id
 * into fd.
 */
enum svc_code print_return(struct db *, struct arena *,
    const struct rma_caller *, int64_t id, const char *form, int fd,
    struct print_out *out, struct svc_err *) WARN_UNUSED_RESULT;

/* The parts requisition id as 费用领料单 into fd (staff only: the caller
 * checks). */
enum svc_code print_requisition(struct db *, struct arena *, int64_t id,
    int fd, struct print_out *out, struct svc_err *) WARN_UNUSED_RESULT;

#endif
