/*
 * core — mechanisms every module uses: who acts (struct actor), the audit
 * log, document numbers, idempotency keys, optimistic versions.
 *
 * Invariants:
 *  - every create, update, delete and transition calls audit_write() in the
 *    same transaction as the change (the store_write callback);
 *  - audit rows are never changed or deleted (the schema refuses it);
 *  - document numbers are PREFIX-YYYYMMDD-NNNN, the day in the company time
 *    zone, unique across every server sharing one database.
 */
#ifndef AS_CORE_H
#define AS_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"
#include "util/json.h"
#include "util/mem.h"

/* The user on whose behalf a change is made, and from where. */
struct actor {
	int64_t user_id;	/* 0 for the system (CLI, scheduler) */
	const char *username;
	const char *ip;
	const char *request_id;
};

/*
 * Append an audit row.  before/after are JSON texts of the record (NULL when
 * there is none: a create has no before, a delete no after).
 */
enum svc_code audit_write(struct db *, const struct actor *,
    const char *action, const char *entity, int64_t entity_id,
    const char *before_json, const char *after_json,
    struct svc_err *) WARN_UNUSED_RESULT;

/* What GET /api/v1/audit filters on; 0 / NULL: no filter. */
struct audit_filter {
	int64_t before;		/* rows with id < before (the cursor) */
	const char *entity;
	const char *action;
	int64_t entity_id;
	int64_t user_id;
	bool has_from, has_to;
	int64_t from, to;	/* at in [from, to) */
	int limit;		/* 1 .. 200 rows */
};

/*
 * The audit rows matching f, newest first, as a JSON array written to w:
 * {id, at, user_id, username, ip, request_id, action, entity, entity_id,
 * before, after, display_name, doc_kind, doc_id, doc_number}: the user's
 * name now (null for a deleted or system user), and the request or return
 * the row is about (itself, or the parent of its event, attachment,
 * signature, transport order or SLA clock; nulls for anything else).
 * *more tells whether rows are left past the limit, *last is the id of
 * the last row written (the next cursor).
 */
enum svc_code audit_list_json(struct db *, struct jw *,
    const struct audit_filter *f, bool *more, int64_t *last,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * Next document number for prefix ("SR", "RT" ...) on the company-local day
 * of now: "SR-20261122-0001".  Must run inside a write transaction; the
 * counter row is the lock that keeps numbers unique across servers.
 * *out is arena-owned.
 */
enum svc_code docno_next(struct db *, struct arena *, const char *prefix,
    int64_t now, char **out, struct svc_err *) WARN_UNUSED_RESULT;

/* ----- idempotency keys (24 h) ----- */

#define IDEM_TTL_S (24 * 3600)

enum idem_state { IDEM_CLAIMED, IDEM_REPLAY, IDEM_MISMATCH };

/*
 * Claim key for user inside the current write transaction.  IDEM_CLAIMED:
 * go on and call idem_finish() with the answer.  IDEM_REPLAY: *status,
 * *body and *location (arena-owned) hold the answer given the first time.  IDEM_MISMATCH:
 * the key was used for a different request.
 */
enum svc_code idem_claim(struct db *, struct arena *, int64_t user_id,
    const char *key, const char *method, const char *path,
    const char *body_hash, int64_t now, enum idem_state *state, int *status,
    char **body, char **location, struct svc_err *) WARN_UNUSED_RESULT;
/* Store the answer (status, body and Location header) for replays. */
enum svc_code idem_finish(struct db *, int64_t user_id, const char *key,
    int status, const char *body, const char *location,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Delete keys older than IDEM_TTL_S; *n gets the count. */
enum svc_code idem_sweep(struct db *, int64_t now, int64_t *n,
    struct svc_err *) WARN_UNUSED_RESULT;

/*
 * A document's timeline as a JSON array.  sql is the module's query over its
 * events table, taking (document id, customer_only) and selecting id, at,
 * user_id, user display name, kind, visibility, body, data; customer_only
 * keeps only what the customer may see.
 */
enum svc_code timeline_json(struct db *, struct jw *, const char *sql,
    int64_t doc_id, bool customer_only, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * The error for a stale write: SVC_ECONFLICT with details
 * {"current": current_json, "expected_version": v}.
 */
enum svc_code stale_version(struct svc_err *, struct arena *,
    const char *entity, int64_t expected, const char *current_json);

#endif
