/*
 * request — service requests (服务工单, SPEC §4.1): intake with the warranty
 * verdict, first-contact ownership, dispatch to a department then a person,
 * the timeline, attachments, links to spawned documents, close and reopen —
 * all through the state machine of request_state.c.
 *
 * Invariants:
 *  - owner_id is never NULL: the taker owns a request until an explicit
 *    handover, which is recorded in the timeline and the audit log;
 *  - state changes only through request_transition(), which asks fsm_check();
 *  - a closed repair request has customer_confirmed_at set;
 *  - only a consultation is resolved from new; any other type is resolved
 *    by its assignee or a manager (request_state.c);
 *  - mandatory texts (title, resolution, reasons, event bodies) are stored
 *    trimmed and never blank (domain/core/text.h);
 *  - attachments stay within the quotas of the settings (attachment.c);
 *  - in_warranty is computed from the unit at intake, never typed;
 *  - a customer user reads and writes only its own company's requests.
 */
#ifndef AS_REQUEST_H
#define AS_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/core/core.h"
#include "domain/core/fsm.h"
#include "domain/core/settings.h"
#include "domain/sla/sla.h"
#include "store/store.h"
#include "util/json.h"
#include "util/mem.h"

enum request_state {
	RQ_NEW, RQ_DISPATCHED, RQ_ASSIGNED, RQ_IN_PROGRESS, RQ_WAITING,
	RQ_RESOLVED, RQ_CLOSED, RQ_CANCELLED, RQ_REOPENED, RQ__MAX
};

extern const struct fsm_def request_fsm;
extern const char *const request_types[];	/* NULL-ended */
extern const char *const request_channels[];
extern const char *const request_severities[];

struct request {
	int64_t id;
	char *number;
	const char *type;
	const char *channel;
	const char *severity;
	int state;
	int64_t customer_id;
	char *customer_name;
	char *contact_name;
	char *contact_phone;
	int64_t unit_id;
	char *serial;
	char *title;
	char *description;
	int in_warranty;		/* 1, 0, -1 unknown */
	char *warranty_rule;
	int64_t owner_id;
	int64_t department_id;
	int64_t assignee_id;
	char *resolution;
	int64_t customer_confirmed_at;
	char *wait_reason;
	int reopen_count;
	int64_t created_by;
	int64_t closed_at;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
	/* filled by request_list_page() only */
	char *assignee_name;		/* display name; NULL = none */
	struct sla_next due;		/* the clock the list shows */
	int64_t sort_due_at;		/* sort due: the key, 0 = no clock */
};

/* Who acts, with roles (for the state machine) and customer binding. */
struct request_caller {
	struct actor actor;
	struct fsm_caller fsm;
	int64_t customer_id;	/* 0 = staff */
};

struct request_draft {
	const char *type;
	const char *channel;
	const char *severity;
	int64_t customer_id;
	int64_t unit_id;
	const char *serial;
	const char *title;
	const char *description;
	const char *contact_name;
	const char *contact_phone;
};

/* Inputs a transition may carry (which ones a step needs: see its guard). */
struct request_step {
	int64_t department_id;
	int64_t assignee_id;
	const char *resolution;
	const char *reason;
	const char *note;
};

enum svc_code request_create(struct db *, struct arena *,
    const struct request_caller *, const struct request_draft *,
    struct request **out, struct svc_err *) WARN_UNUSED_RESULT;
/* SVC_ENOTFOUND also when a customer caller asks for another company's. */
enum svc_code request_get(struct db *, struct arena *,
    const struct request_caller *, int64_t id, struct request **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code request_transition(struct db *, struct arena *,
    const struct request_caller *, int64_t id, int64_t expected_version,
    const char *name, const struct request_step *, struct request **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code request_handover(struct db *, struct arena *,
    const struct request_caller *, int64_t id, int64_t expected_version,
    int64_t to_user_id, const char *note, struct request **out,
    struct svc_err *) WARN_UNUSED_RESULT;
/* kind "note" (internal) or "reply" (to the customer). */
enum svc_code request_add_event(struct db *, struct arena *,
    const struct request_caller *, int64_t id, const char *kind,
    const char *body, int64_t *event_id, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Attach a file to request id (a photo or a scan: JPEG, PNG, WebP, GIF, PDF
 * or plain text, 1 byte to ATTACH_MAX), within the quotas (see
 * attach_quota_check).  Writes the timeline event and the audit row.
 */
enum svc_code request_attach(struct db *, struct arena *,
    const struct request_caller *, int64_t id, const char *filename,
    const char *content_type, const void *data, size_t len, int64_t *att_id,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Attachment id as the caller may see it (a customer user: its own
 * company's only; another's answers as one that does not exist): its
 * content type (arena-owned) and its bytes appended to data.
 */
enum svc_code request_attachment_read(struct db *,
    const struct request_caller *, int64_t id, struct arena *,
    const char **content_type, struct buf *data,
    struct svc_err *) WARN_UNUSED_RESULT;

/* ----- attachment quotas (attachment.c; settings attachments.*) ----- */

/* one file, bytes; the defaults of the quotas; the settings' upper bounds */
#define ATTACH_MAX (10u << 20)
#define ATTACH_DEFAULT_COUNT 20
#define ATTACH_DEFAULT_DOC_BYTES (50LL << 20)
#define ATTACH_DEFAULT_CUSTOMER_BYTES (1LL << 30)
#define ATTACH_MAX_COUNT 10000
#define ATTACH_MAX_BYTES (1LL << 40)

struct attach_settings {
	int64_t max_per_document;	/* files on one request */
	int64_t max_bytes_per_document;	/* their bytes */
	int64_t max_bytes_per_customer;	/* a customer's, in all */
	int64_t version;		/* 1 + the sum of the rows' versions */
};

/*
 * The quotas as data (domain/core/settings.h: settings_get, settings_set,
 * settings_to_json): each 1 .. ATTACH_MAX_COUNT or ATTACH_MAX_BYTES.
 */
extern const struct setting_group attach_settings_group;
/*
 * May a file of len bytes be added to request_id of customer_id?  Exactly
 * at a quota is within it.  Over the count: SVC_EUNPROCESSABLE (422); over
 * a byte quota: SVC_ETOOBIG (413); either names the setting in
 * details.limit with max, used and adding.  Locks the customer's row
 * (inside the caller's write) so that concurrent uploads are counted.
 */
enum svc_code attach_quota_check(struct db *, struct arena *,
    int64_t request_id, int64_t customer_id, size_t len,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code request_link(struct db *, int64_t request_id,
    const char *doc_kind, int64_t doc_id, const char *doc_number,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Put the request into the search index (inside the caller's write). */
enum svc_code request_index(struct db *, struct arena *,
    const struct request *, struct svc_err *) WARN_UNUSED_RESULT;

void request_to_json(struct jw *, const struct request *);
char *request_json_text(struct arena *, const struct request *);
/* The timeline; customers see only what is visible to them. */
enum svc_code request_events_json(struct db *, struct jw *,
    const struct request_caller *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * The people a request may be assigned to: active staff of an active
 * department, by department, each with open_requests (assigned to them and
 * not resolved, closed or cancelled).  Staff of no department are left out.
 */
enum svc_code request_assignees_json(struct db *, struct jw *,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code request_links_json(struct db *, struct jw *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code request_attachments_json(struct db *, struct jw *, int64_t id,
    struct svc_err *) WARN_UNUSED_RESULT;

struct request_filter {
	unsigned states;	/* bit (1u << RQ_...) per state; 0 = any */
	const char *type;
	const char *severity;
	int64_t customer_id;
	int64_t unit_id;
	int64_t owner_id;
	int64_t assignee_id;
	int64_t department_id;
	int64_t from;		/* created_at >= */
	int64_t to;		/* created_at < */
};

/*
 * Start the SLA clocks the policies give a request of r's type, severity
 * and customer: its type's metric (arrival, answer) and resolution (none
 * when no policy matches), from r->created_at; r needs id,
 * number, type, severity, customer_id, owner_id, created_at.  Intake does
 * this; the demo data does it for the requests it loads in flight.
 */
enum svc_code request_clock_start(struct db *, struct arena *,
    const struct actor *, const struct request *,
    struct svc_err *) WARN_UNUSED_RESULT;

/* The orders of request_list_page(). */
enum request_sort {
	RQ_SORT_NEWEST,		/* id descending */
	/*
	 * the running SLA clock due soonest (due_at, id): overdue first;
	 * then the requests without a running clock, newest first
	 */
	RQ_SORT_DUE,
};

/* Where a page starts: after the last row of the page before. */
struct request_cursor {
	int64_t id;		/* 0 = the first page */
	int64_t due_at;		/* RQ_SORT_DUE: its due time; 0 = the part
				 * without a running clock */
};

/*
 * A page of the work list in order sort, after cur, at most limit rows,
 * each with its assignee's name and the clock it shows (see struct
 * sla_next).  total (may be NULL) gets the count of every request matching
 * f.  *next gets the cursor of the page after (when *more).
 */
enum svc_code request_list_page(struct db *, struct arena *,
    const struct request_caller *, const struct request_filter *,
    enum request_sort sort, const struct request_cursor *cur, int limit,
    struct request ***out, size_t *n, bool *more, int64_t *total,
    struct svc_err *) WARN_UNUSED_RESULT;
/* A list row: request_to_json() plus assignee_name and the due clock. */
void request_row_to_json(struct jw *, const struct request *);

/* Newest first; before_id = 0 for the first page. */
enum svc_code request_list(struct db *, struct arena *,
    const struct request_caller *, const struct request_filter *,
    int64_t before_id, int limit, struct request ***out, size_t *n,
    bool *more, struct svc_err *) WARN_UNUSED_RESULT;

/* ----- intake (intake.c) ----- */

/* What intake looks for: the first given of serial, phone, customer. */
struct request_intake_key {
	const char *serial;
	const char *phone;
	const char *customer;	/* name or code */
};

/*
 * Find the unit (by serial; 0 otherwise) and its customer, or the customer
 * by phone (its own or a contact's) or by name or code.  SVC_ENOTFOUND
 * naming the key given when nothing is found (for a customer caller:
 * nothing of another company is ever found); SVC_EINVAL when no key.
 */
enum svc_code request_intake_find(struct db *, const struct request_caller *,
    const struct request_intake_key *, int64_t *unit_id, int64_t *customer_id,
    struct svc_err *) WARN_UNUSED_RESULT;
/*
 * {customer, contacts (the primary first), units (the customer's sold
 * units), unit (with today's warranty verdict) or null, open_requests,
 * past_requests} of what request_intake_find() found.
 */
enum svc_code request_intake_json(struct db *, struct arena *,
    const struct request_caller *, int64_t unit_id, int64_t customer_id,
    struct jw *, struct svc_err *) WARN_UNUSED_RESULT;

/* ----- knowledge base ----- */

struct kb_article {
	int64_t id;
	const char *kind;
	char *title;
	char *body;
	int64_t model_id;
	char *category;
	bool active;
	int64_t version;
	int64_t created_at;
	int64_t updated_at;
};

extern const char *const kb_kinds[];

enum svc_code kb_create(struct db *, struct arena *, const struct actor *,
    const struct kb_article *draft, struct kb_article **out,
    struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code kb_get(struct db *, struct arena *, int64_t id,
    struct kb_article **out, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code kb_update(struct db *, struct arena *, const struct actor *,
    int64_t id, int64_t expected_version, const struct kb_article *draft,
    struct kb_article **out, struct svc_err *) WARN_UNUSED_RESULT;
/*
 * Articles for a request being recorded: those of the model (or of no
 * model) whose category or title/body shares words with text, best first.
 */
enum svc_code kb_suggest(struct db *, struct arena *, int64_t model_id,
    const char *category, const char *text, int limit,
    struct kb_article ***out, size_t *n, struct svc_err *) WARN_UNUSED_RESULT;
enum svc_code kb_list(struct db *, struct arena *, int64_t model_id,
    const char *category, int64_t after_id, int limit,
    struct kb_article ***out, size_t *n, bool *more,
    struct svc_err *) WARN_UNUSED_RESULT;
void kb_to_json(struct jw *, const struct kb_article *);

#endif
