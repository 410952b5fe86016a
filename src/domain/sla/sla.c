/*
 * sla — SLA clocks: start one for a document from a policy, pause and
 * resume it (the paused time does not count), stop it (met or breached),
 * explain its due time, and the scheduler step that raises each warning and
 * each breach exactly once, across any number of servers.
 *
 * Invariants (see also sla.h):
 *  - state running: due_at and warn_at are current; paused_at, pause_reason
 *    and remaining_s are NULL;
 *  - state paused: paused_at and remaining_s are set, and exactly one
 *    sla_pauses row of the clock has to_at NULL;
 *  - state stopped: stopped_at and outcome are set and nothing changes any
 *    more;
 *  - every change but the scheduler's claims bumps version (the claims touch
 *    only warned_at and breached_at, so they never conflict with a pause).
 *
 * Counted time: "working" and "next_day" clocks count the working time of the
 * business calendar (a next_day clock's pause pushes its due time by the
 * paused working time), "calendar" clocks count elapsed time.
 */
#include "domain/sla/sla.h"
#include "domain/sla/sla_int.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

static const char *const state_names[] = { "running", "paused", "stopped" };

static const struct actor system_actor = { 0, "system", "", "scheduler" };

/* ----- counted time by mode ----- */

static bool
counted_add(const struct calendar *cal, enum sla_mode m, int64_t t,
    int64_t s, int64_t *due)
{
	if (m == SLA_CALENDAR) {
		*due = t + (s > 0 ? s : 0);
		return true;
	}
	return cal_add(cal, t, s, due);
}

static int64_t
counted_between(const struct calendar *cal, enum sla_mode m, int64_t a,
    int64_t b)
{
	if (m == SLA_CALENDAR)
		return b > a ? b - a : 0;
	return cal_between(cal, a, b);
}

static bool
initial_due(const struct calendar *cal, enum sla_mode m, int64_t target_min,
    int64_t start, int64_t *due)
{
	switch (m) {
	case SLA_WORKING:
		return cal_add(cal, start, target_min * 60, due);
	case SLA_CALENDAR:
		*due = start + target_min * 60;
		return true;
	case SLA_NEXT_DAY:
		return cal_next_day_at(cal, start, (int)target_min, due);
	case SLA_MODE__MAX:
		break;
	}
	return false;
}

/*
 * The warning time of a clock whose counting restarts at t with left
 * seconds to go and due time due: for working clocks the lead is working
 * time (the instant at which lead minutes of working time remain, the end
 * of the previous working interval if that is earlier than the morning),
 * for calendar and next_day clocks elapsed time before due.
 */
static int64_t
warn_time(const struct calendar *cal, enum sla_mode m, int64_t t,
    int64_t left, int64_t due, int64_t warn_min)
{
	int64_t lead = warn_min * 60, w;

	if (m != SLA_WORKING)
		return due - lead;
	if (left <= lead)
		return t;
	if (!cal_add(cal, t, left - lead, &w))
		return due - lead;
	return w;
}

static enum svc_code
no_working_time(struct svc_err *err)
{
	return svc_fail_field(err, SVC_EUNPROCESSABLE, "calendar", "no_hours",
	    "the business calendar has too little working time to reach the "
	    "target within %d days", CAL_HORIZON_DAYS);
}

/* ----- reading ----- */

#define CLOCK_COLS "c.id, c.doc_kind, c.doc_id, c.doc_ref, c.metric," \
	" c.policy_id, p.name, c.mode, c.target_min, c.warn_min," \
	" c.basis_given, c.basis_type, c.basis_severity, c.basis_region," \
	" c.basis_distance_km, c.owner_user_id, c.state, c.started_at," \
	" c.due_at, c.warn_at, c.paused_at, c.pause_reason, c.remaining_s," \
	" c.paused_s, c.warned_at, c.breached_at, c.stopped_at, c.outcome," \
	" c.version, c.created_at, c.updated_at" \
	" FROM sla_clocks c JOIN sla_policies p ON p.id = c.policy_id"

static void
clock_from_row(struct dbq *q, struct arena *a, struct sla_clock *c)
{
	const char *st;

	memset(c, 0, sizeof(*c));
	c->id = db_i64(q, 0);
	c->doc_kind = db_dup(q, 1, a);
	c->doc_id = db_i64(q, 2);
	c->doc_ref = db_dup(q, 3, a);
	c->metric = db_dup(q, 4, a);
	c->policy_id = db_i64(q, 5);
	c->policy_name = db_dup(q, 6, a);
	if (!sla_mode_parse(db_str(q, 7), &c->mode))
		c->mode = SLA_WORKING;
	c->target_min = db_i64(q, 8);
	c->warn_min = db_i64(q, 9);
	c->basis_given = db_i64(q, 10) != 0;
	c->basis_type = db_dup(q, 11, a);
	c->basis_severity = db_dup(q, 12, a);
	c->basis_region = db_dup(q, 13, a);
	c->basis_distance_km = db_null(q, 14) ? -1 : db_i64(q, 14);
	c->owner_user_id = db_i64(q, 15);
	st = db_str(q, 16);
	c->state = strcmp(st, "paused") == 0 ? SLA_PAUSED :
	    strcmp(st, "stopped") == 0 ? SLA_STOPPED : SLA_RUNNING;
	c->started_at = db_i64(q, 17);
	c->due_at = db_i64(q, 18);
	c->warn_at = db_i64(q, 19);
	c->paused_at = db_i64(q, 20);
	c->pause_reason = db_dup(q, 21, a);
	c->remaining_s = db_i64(q, 22);
	c->paused_s = db_i64(q, 23);
	c->warned_at = db_i64(q, 24);
	c->breached_at = db_i64(q, 25);
	c->stopped_at = db_i64(q, 26);
	c->outcome = db_dup(q, 27, a);
	c->version = db_i64(q, 28);
	c->created_at = db_i64(q, 29);
	c->updated_at = db_i64(q, 30);
}

/* Up to max clocks of a query ending in a WHERE clause (fixed text). */
static enum svc_code
clock_query(struct db *db, struct arena *a, const char *where,
    const struct dbv *args, size_t nargs, size_t max, struct sla_clock ***out,
    size_t *n, struct svc_err *err)
{
	struct sla_clock **items;
	struct dbq *q;
	enum svc_code rc;
	struct buf sql;
	size_t cnt = 0;

	items = arena_alloc(a, (max + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " CLOCK_COLS " ");
	buf_adds(&sql, where);
	rc = db_query(db, sql.p, args, nargs, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (cnt < max && db_next(q) == 1) {
		items[cnt] = arena_alloc(a, sizeof(struct sla_clock));
		if (items[cnt] == NULL)
			break;
		clock_from_row(q, a, items[cnt++]);
	}
	rc = db_done(q, err);
	*out = items;
	*n = cnt;
	return rc;
}

enum svc_code
sla_get(struct db *db, struct arena *a, int64_t clock_id,
    struct sla_clock **out, struct svc_err *err)
{
	struct sla_clock **items;
	enum svc_code rc;
	size_t n;

	rc = clock_query(db, a, "WHERE c.id = ?", DB_ARGS(DB_I(clock_id)), 1,
	    &items, &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "SLA clock %lld not found", (long long)clock_id);
	*out = items[0];
	return SVC_OK;
}

/*
 * The documents that carry clocks and belong to a customer: the query of a
 * document's customer, and the same as a condition on clock c (one ?).
 */
static const struct {
	const char *kind;
	const char *owner_sql;
	const char *cond;
} doc_owners[] = {
	{ "request", "SELECT customer_id FROM service_requests WHERE id = ?",
	    "(c.doc_kind = 'request' AND c.doc_id IN (SELECT id FROM"
	    " service_requests WHERE customer_id = ?))" },
	{ "return", "SELECT customer_id FROM returns WHERE id = ?",
	    "(c.doc_kind = 'return' AND c.doc_id IN (SELECT id FROM returns"
	    " WHERE customer_id = ?))" },
};

#define NDOC_OWNERS (sizeof(doc_owners) / sizeof(doc_owners[0]))

enum svc_code
sla_doc_customer(struct db *db, const char *doc_kind, int64_t doc_id,
    int64_t *customer_id, struct svc_err *err)
{
	for (size_t i = 0; i < NDOC_OWNERS; i++)
		if (strcmp(doc_owners[i].kind, doc_kind) == 0)
			return db_one_i64(db, doc_owners[i].owner_sql,
			    DB_ARGS(DB_I(doc_id)), customer_id, err);
	return svc_fail(err, SVC_ENOTFOUND, "doc_id", "%s %lld not found",
	    doc_kind, (long long)doc_id);
}

enum svc_code
sla_get_scoped(struct db *db, struct arena *a, int64_t clock_id,
    int64_t customer_id, struct sla_clock **out, struct svc_err *err)
{
	enum svc_code rc;
	int64_t owner = 0;

	rc = sla_get(db, a, clock_id, out, err);
	if (rc || customer_id == 0)
		return rc;
	rc = sla_doc_customer(db, (*out)->doc_kind, (*out)->doc_id, &owner,
	    err);
	if (rc == SVC_ENOTFOUND || (rc == SVC_OK && owner != customer_id)) {
		svc_err_clear(err);
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "SLA clock %lld not found", (long long)clock_id);
	}
	return rc;
}

enum svc_code
sla_get_for_scoped(struct db *db, struct arena *a, const char *doc_kind,
    int64_t doc_id, int64_t customer_id, struct sla_clock ***out, size_t *n,
    struct svc_err *err)
{
	enum svc_code rc;
	int64_t owner = 0;

	if (customer_id != 0) {
		rc = sla_doc_customer(db, doc_kind, doc_id, &owner, err);
		if (rc == SVC_ENOTFOUND || (rc == SVC_OK &&
		    owner != customer_id)) {
			svc_err_clear(err);
			return svc_fail(err, SVC_ENOTFOUND, "doc_id",
			    "%s %lld not found", doc_kind, (long long)doc_id);
		}
		if (rc)
			return rc;
	}
	return sla_get_for(db, a, doc_kind, doc_id, out, n, err);
}

enum svc_code
sla_get_for(struct db *db, struct arena *a, const char *doc_kind,
    int64_t doc_id, struct sla_clock ***out, size_t *n, struct svc_err *err)
{
	enum svc_code rc;
	int64_t cnt;

	rc = db_one_i64(db, "SELECT count(*) FROM sla_clocks"
	    " WHERE doc_kind = ? AND doc_id = ?", DB_ARGS(DB_S(doc_kind),
	    DB_I(doc_id)), &cnt, err);
	if (rc)
		return rc;
	return clock_query(db, a, "WHERE c.doc_kind = ? AND c.doc_id = ?"
	    " ORDER BY c.id", DB_ARGS(DB_S(doc_kind), DB_I(doc_id)),
	    (size_t)cnt, out, n, err);
}

enum svc_code
sla_due_list(struct db *db, struct arena *a, const struct sla_due_filter *f,
    int64_t now, int64_t after_due, int64_t after_id, int limit,
    struct sla_clock ***out, size_t *n, bool *more, int64_t *total,
    struct svc_err *err)
{
	struct dbv args[12 + NDOC_OWNERS];
	struct buf where;
	enum svc_code rc;
	size_t na = 0, nf, cnt;

	buf_init(&where, 4096);
	buf_adds(&where, "WHERE c.state = 'running'");
	if (f->due == SLA_DUE_OVERDUE) {
		buf_adds(&where, " AND c.due_at <= ?");
		args[na++] = DB_I(now);
	} else if (f->due == SLA_DUE_SOON) {
		buf_adds(&where, " AND c.due_at > ? AND c.warn_at <= ?");
		args[na++] = DB_I(now);
		args[na++] = DB_I(now);
	}
	if (f->before != 0) {
		buf_adds(&where, " AND c.due_at < ?");
		args[na++] = DB_I(f->before);
	}
	if (f->owner_id != 0) {
		buf_adds(&where, " AND c.owner_user_id = ?");
		args[na++] = DB_I(f->owner_id);
	}
	if (f->metric != NULL) {
		buf_adds(&where, " AND c.metric = ?");
		args[na++] = DB_S(f->metric);
	}
	if (f->doc_kind != NULL) {
		buf_adds(&where, " AND c.doc_kind = ?");
		args[na++] = DB_S(f->doc_kind);
	}
	if (f->customer_id != 0) {
		for (size_t i = 0; i < NDOC_OWNERS; i++) {
			buf_adds(&where, i == 0 ? " AND (" : " OR ");
			buf_adds(&where, doc_owners[i].cond);
			args[na++] = DB_I(f->customer_id);
		}
		buf_addc(&where, ')');
	}
	nf = na;
	{
		struct buf sql;

		buf_init(&sql, 4096);
		buf_adds(&sql, "SELECT count(*) FROM sla_clocks c ");
		buf_add(&sql, where.p, where.len);
		rc = db_one_i64(db, sql.p, args, nf, total, err);
		buf_release(&sql);
	}
	if (rc == SVC_OK) {
		if (after_id != 0) {
			buf_adds(&where, " AND (c.due_at > ? OR (c.due_at = ?"
			    " AND c.id > ?))");
			args[na++] = DB_I(after_due);
			args[na++] = DB_I(after_due);
			args[na++] = DB_I(after_id);
		}
		buf_adds(&where, " ORDER BY c.due_at, c.id LIMIT ?");
		args[na++] = DB_I(limit + 1);
		rc = clock_query(db, a, where.p, args, na, (size_t)limit + 1,
		    out, &cnt, err);
	}
	buf_release(&where);
	if (rc)
		return rc;
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	return SVC_OK;
}

/* Is clock (state st, due, id) before the one in *cur (id cur_id)? */
static bool
next_before(const struct sla_next *cur, int64_t cur_id, enum sla_state st,
    int64_t due, int64_t id)
{
	if (cur->metric == NULL)
		return true;
	if (st != cur->state)
		return st == SLA_RUNNING;
	if (st == SLA_RUNNING && due != cur->due_at)
		return due < cur->due_at;
	return id < cur_id;
}

enum svc_code
sla_next_for(struct db *db, struct arena *a, const char *doc_kind,
    const int64_t *doc_ids, size_t n, int64_t now, struct sla_next *out,
    struct svc_err *err)
{
	struct calendar *cal = NULL;
	struct dbv *args;
	int64_t *ids;
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	enum sla_mode *modes;

	if (n == 0)
		return SVC_OK;
	if (n > SLA_NEXT_MAX)
		return svc_fail(err, SVC_EINVAL, NULL, "too many documents");
	memset(out, 0, n * sizeof(*out));
	args = arena_alloc(a, (n + 1) * sizeof(*args));
	ids = arena_alloc(a, n * sizeof(*ids));
	modes = arena_alloc(a, n * sizeof(*modes));
	if (args == NULL || ids == NULL || modes == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT doc_id, id, metric, state, due_at, warn_at,"
	    " remaining_s, mode FROM sla_clocks WHERE doc_kind = ?"
	    " AND state <> 'stopped' AND doc_id IN (");
	args[0] = DB_S(doc_kind);
	for (size_t i = 0; i < n; i++) {
		buf_adds(&sql, i ? ", ?" : "?");
		args[i + 1] = DB_I(doc_ids[i]);
	}
	buf_addc(&sql, ')');
	rc = db_query(db, sql.p, args, n + 1, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		int64_t doc = db_i64(q, 0), id = db_i64(q, 1);
		enum sla_state st = strcmp(db_str(q, 3), "running") == 0 ?
		    SLA_RUNNING : SLA_PAUSED;
		int64_t due = db_i64(q, 4);

		for (size_t i = 0; i < n; i++) {
			struct sla_next *x = &out[i];

			if (doc_ids[i] != doc ||
			    !next_before(x, ids[i], st, due, id))
				continue;
			x->metric = db_dup(q, 2, a);
			x->state = st;
			x->due_at = st == SLA_RUNNING ? due : 0;
			x->warn_at = st == SLA_RUNNING ? db_i64(q, 5) : 0;
			x->remaining_min = st == SLA_PAUSED ?
			    db_i64(q, 6) / 60 : 0;
			x->overdue_min = 0;
			ids[i] = id;
			if (!sla_mode_parse(db_str(q, 7), &modes[i]))
				modes[i] = SLA_CALENDAR;
		}
	}
	rc = db_done(q, err);
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		struct sla_next *x = &out[i];

		if (x->metric == NULL || x->state != SLA_RUNNING)
			continue;
		if (now > x->due_at) {
			x->overdue_min = (now - x->due_at) / 60;
			continue;
		}
		if (modes[i] != SLA_CALENDAR && cal == NULL)
			rc = cal_load(db, a, &cal, err);
		if (rc == SVC_OK)
			x->remaining_min = counted_between(cal, modes[i], now,
			    x->due_at) / 60;
	}
	return rc;
}

/* ----- JSON ----- */

static void
basis_json(struct jw *w, const struct sla_clock *c)
{
	if (!c->basis_given) {
		jw_null(w);
		return;
	}
	jw_obj_open(w);
	jw_kstr(w, "request_type", c->basis_type);
	jw_kstr(w, "severity", c->basis_severity);
	jw_kstr(w, "region_class", c->basis_region);
	if (c->basis_distance_km >= 0)
		jw_ki64(w, "distance_km", c->basis_distance_km);
	else
		jw_knull(w, "distance_km");
	jw_obj_close(w);
}

void
sla_clock_to_json(struct jw *w, const struct sla_clock *c,
    const struct calendar *cal, int64_t now)
{
	jw_obj_open(w);
	jw_ki64(w, "id", c->id);
	jw_kstr(w, "doc_kind", c->doc_kind);
	jw_ki64(w, "doc_id", c->doc_id);
	jw_kstr(w, "doc_ref", c->doc_ref);
	jw_kstr(w, "metric", c->metric);
	jw_ki64(w, "policy_id", c->policy_id);
	jw_kstr(w, "policy_name", c->policy_name);
	jw_kstr(w, "mode", sla_mode_name(c->mode));
	jw_ki64(w, "target_min", c->target_min);
	jw_ki64(w, "warn_min", c->warn_min);
	jw_key(w, "basis");
	basis_json(w, c);
	jw_kid(w, "owner_user_id", c->owner_user_id);
	jw_kstr(w, "state", state_names[c->state]);
	jw_ktime(w, "started_at", c->started_at);
	jw_ktime(w, "due_at", c->due_at);
	jw_ktime(w, "warn_at", c->warn_at);
	jw_ktime(w, "paused_at", c->paused_at);
	jw_kstr(w, "pause_reason", c->pause_reason);
	jw_ki64(w, "paused_min", c->paused_s / 60);
	jw_ktime(w, "warned_at", c->warned_at);
	jw_ktime(w, "breached_at", c->breached_at);
	jw_ktime(w, "stopped_at", c->stopped_at);
	jw_kstr(w, "outcome", c->outcome);
	if (cal != NULL && c->state == SLA_RUNNING) {
		jw_ki64(w, "remaining_min", now < c->due_at ?
		    counted_between(cal, c->mode, now, c->due_at) / 60 : 0);
		jw_ki64(w, "overdue_min", now > c->due_at ?
		    (now - c->due_at) / 60 : 0);
	} else if (c->state == SLA_PAUSED) {
		jw_ki64(w, "remaining_min", c->remaining_s / 60);
	}
	jw_ki64(w, "version", c->version);
	jw_ktime(w, "created_at", c->created_at);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_obj_close(w);
}

static char *
clock_json_text(struct arena *a, const struct sla_clock *c)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	sla_clock_to_json(&w, c, NULL, 0);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

/* ----- start, pause, resume, stop ----- */

enum svc_code
sla_start(struct db *db, struct arena *a, const struct actor *who,
    const struct sla_start *in, struct sla_clock **out, struct svc_err *err)
{
	const struct sla_key *k = in->key;
	struct sla_policy *p;
	struct calendar *cal;
	enum svc_code rc;
	int64_t due, warn_at, n, id, now = clock_now();

	if (!sla_valid_key(in->doc_kind))
		return svc_fail_field(err, SVC_EINVAL, "doc_kind", "invalid",
		    "'doc_kind' must be a key of a-z, 0-9 and _");
	if (in->doc_id < 1)
		return svc_fail_field(err, SVC_EINVAL, "doc_id", "invalid",
		    "'doc_id' must be a positive id");
	if (in->started_at <= 0)
		return svc_fail_field(err, SVC_EINVAL, "started_at", "invalid",
		    "'started_at' must be a time");
	rc = sla_policy_get(db, a, in->policy_id, &p, err);
	if (rc == SVC_ENOTFOUND)
		return svc_fail_field(err, SVC_ENOTFOUND, "policy_id",
		    "not_found", "SLA policy %lld not found",
		    (long long)in->policy_id);
	if (rc)
		return rc;
	if (!p->active)
		return svc_fail_field(err, SVC_EINVAL, "policy_id", "inactive",
		    "SLA policy %lld is not active", (long long)p->id);
	rc = cal_load(db, a, &cal, err);
	if (rc)
		return rc;
	if (!initial_due(cal, p->mode, p->target_min, in->started_at, &due))
		return no_working_time(err);
	warn_at = warn_time(cal, p->mode, in->started_at, p->target_min * 60,
	    due, p->warn_min);
	rc = db_one_i64(db, "SELECT count(*) FROM sla_clocks WHERE doc_kind = ?"
	    " AND doc_id = ? AND metric = ? AND state <> 'stopped'",
	    DB_ARGS(DB_S(in->doc_kind), DB_I(in->doc_id), DB_S(p->metric)), &n,
	    err);
	if (rc)
		return rc;
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, "metric", "taken",
		    "%s %lld already has a running '%s' clock", in->doc_kind,
		    (long long)in->doc_id, p->metric);
	rc = db_one_i64(db, "INSERT INTO sla_clocks (doc_kind, doc_id, doc_ref,"
	    " metric, policy_id, mode, target_min, warn_min, basis_given,"
	    " basis_type, basis_severity, basis_region, basis_distance_km,"
	    " owner_user_id, state, started_at, due_at, warn_at, paused_s,"
	    " version, created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?,"
	    " ?, 0, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(in->doc_kind), DB_I(in->doc_id),
	    DB_S(in->doc_ref ? in->doc_ref : ""), DB_S(p->metric), DB_I(p->id),
	    DB_S(sla_mode_name(p->mode)), DB_I(p->target_min),
	    DB_I(p->warn_min), DB_I(k != NULL),
	    DB_S(k ? k->request_type : NULL), DB_S(k ? k->severity : NULL),
	    DB_S(k ? k->region_class : NULL),
	    k && k->distance_km >= 0 ? DB_I(k->distance_km) : DB_NULL,
	    DB_ID(in->owner_user_id), DB_I(in->started_at), DB_I(due),
	    DB_I(warn_at), DB_I(now), DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = sla_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "start", "sla_clock", id, NULL,
		    clock_json_text(a, *out), err);
	return rc;
}

static enum svc_code
not_in_state(struct svc_err *err, const struct sla_clock *c, const char *op)
{
	return svc_fail_field(err, SVC_ETRANSITION, "state",
	    state_names[c->state], "cannot %s SLA clock %lld: it is %s", op,
	    (long long)c->id, state_names[c->state]);
}

/* The end of the clock's last pause (0 if none). */
static enum svc_code
last_resume(struct db *db, int64_t clock_id, int64_t *out,
    struct svc_err *err)
{
	return db_one_i64(db, "SELECT coalesce(max(to_at), 0) FROM sla_pauses"
	    " WHERE clock_id = ?", DB_ARGS(DB_I(clock_id)), out, err);
}

/* After an UPDATE ... WHERE version = ?: 0 rows is a concurrent change. */
static enum svc_code
finish_change(struct db *db, struct arena *a, const struct actor *who,
    const char *action, int64_t changed, const struct sla_clock *before,
    struct sla_clock **out, struct svc_err *err)
{
	struct sla_clock *after;
	enum svc_code rc;
	char *bj = clock_json_text(a, before);

	if (changed == 0)
		return stale_version(err, a, "sla_clock", before->version, bj);
	rc = sla_get(db, a, before->id, &after, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, action, "sla_clock", before->id, bj,
		    clock_json_text(a, after), err);
	if (rc == SVC_OK && out != NULL)
		*out = after;
	return rc;
}

enum svc_code
sla_pause(struct db *db, struct arena *a, const struct actor *who,
    int64_t clock_id, const char *reason, int64_t at, struct sla_clock **out,
    struct svc_err *err)
{
	struct sla_clock *c;
	struct calendar *cal;
	enum svc_code rc;
	int64_t resumed, remaining, changed;

	if (reason == NULL || (strcmp(reason, SLA_PAUSE_WAITING_CUSTOMER) != 0 &&
	    strcmp(reason, SLA_PAUSE_WAITING_PARTS) != 0))
		return svc_fail_field(err, SVC_EINVAL, "reason", "not_allowed",
		    "'reason' must be waiting_customer or waiting_parts");
	rc = sla_get(db, a, clock_id, &c, err);
	if (rc)
		return rc;
	if (c->state != SLA_RUNNING)
		return not_in_state(err, c, "pause");
	rc = last_resume(db, clock_id, &resumed, err);
	if (rc)
		return rc;
	if (at < c->started_at || at < resumed)
		return svc_fail_field(err, SVC_EINVAL, "at", "out_of_range",
		    "a pause cannot begin before the clock's start or its last "
		    "resume");
	rc = cal_load(db, a, &cal, err);
	if (rc)
		return rc;
	remaining = at < c->due_at ? counted_between(cal, c->mode, at, c->due_at)
	    : 0;
	rc = db_exec(db, "UPDATE sla_clocks SET state = 'paused', paused_at = ?,"
	    " pause_reason = ?, remaining_s = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?", DB_ARGS(DB_I(at),
	    DB_S(reason), DB_I(remaining), DB_I(clock_now()), DB_I(clock_id),
	    DB_I(c->version)), &changed, err);
	if (rc == SVC_OK && changed == 1)
		rc = db_exec(db, "INSERT INTO sla_pauses (clock_id, reason,"
		    " from_at, excluded_s) VALUES (?, ?, ?, 0)",
		    DB_ARGS(DB_I(clock_id), DB_S(reason), DB_I(at)), NULL, err);
	if (rc)
		return rc;
	return finish_change(db, a, who, "pause", changed, c, out, err);
}

enum svc_code
sla_resume(struct db *db, struct arena *a, const struct actor *who,
    int64_t clock_id, int64_t at, struct sla_clock **out,
    struct svc_err *err)
{
	struct sla_clock *c;
	struct calendar *cal;
	enum svc_code rc;
	int64_t due, excluded = 0, changed, warn_at;

	rc = sla_get(db, a, clock_id, &c, err);
	if (rc)
		return rc;
	if (c->state != SLA_PAUSED)
		return not_in_state(err, c, "resume");
	if (at < c->paused_at)
		return svc_fail_field(err, SVC_EINVAL, "at", "out_of_range",
		    "a resume cannot be before the pause");
	rc = cal_load(db, a, &cal, err);
	if (rc)
		return rc;
	due = c->due_at;
	warn_at = c->warn_at;
	if (c->remaining_s > 0) {
		excluded = counted_between(cal, c->mode, c->paused_at, at);
		if (!counted_add(cal, c->mode, at, c->remaining_s, &due))
			return no_working_time(err);
		warn_at = warn_time(cal, c->mode, at, c->remaining_s, due,
		    c->warn_min);
	}
	rc = db_exec(db, "UPDATE sla_clocks SET state = 'running', due_at = ?,"
	    " warn_at = ?, paused_at = NULL, pause_reason = NULL,"
	    " remaining_s = NULL, paused_s = paused_s + ?,"
	    " version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?", DB_ARGS(DB_I(due), DB_I(warn_at),
	    DB_I(excluded), DB_I(clock_now()), DB_I(clock_id),
	    DB_I(c->version)), &changed, err);
	if (rc == SVC_OK && changed == 1)
		rc = db_exec(db, "UPDATE sla_pauses SET to_at = ?, excluded_s = ?"
		    " WHERE clock_id = ? AND to_at IS NULL", DB_ARGS(DB_I(at),
		    DB_I(excluded), DB_I(clock_id)), NULL, err);
	if (rc)
		return rc;
	return finish_change(db, a, who, "resume", changed, c, out, err);
}

enum svc_code
sla_stop(struct db *db, struct arena *a, const struct actor *who,
    int64_t clock_id, int64_t at, struct sla_clock **out, struct svc_err *err)
{
	struct sla_clock *c;
	struct calendar *cal;
	enum svc_code rc;
	int64_t excluded = 0, changed;
	bool met;

	rc = sla_get(db, a, clock_id, &c, err);
	if (rc)
		return rc;
	if (c->state == SLA_STOPPED)
		return not_in_state(err, c, "stop");
	if (at < c->started_at || (c->state == SLA_PAUSED && at < c->paused_at))
		return svc_fail_field(err, SVC_EINVAL, "at", "out_of_range",
		    "a clock cannot stop before its start or its pause");
	if (c->state == SLA_PAUSED) {
		met = c->remaining_s > 0;
		if (met) {
			rc = cal_load(db, a, &cal, err);
			if (rc)
				return rc;
			excluded = counted_between(cal, c->mode, c->paused_at,
			    at);
		}
	} else {
		met = at <= c->due_at;
	}
	rc = db_exec(db, "UPDATE sla_clocks SET state = 'stopped',"
	    " stopped_at = ?, outcome = ?, paused_at = NULL,"
	    " pause_reason = NULL, remaining_s = NULL,"
	    " paused_s = paused_s + ?, version = version + 1, updated_at = ?"
	    " WHERE id = ? AND version = ?", DB_ARGS(DB_I(at),
	    DB_S(met ? "met" : "breached"), DB_I(excluded), DB_I(clock_now()),
	    DB_I(clock_id), DB_I(c->version)), &changed, err);
	if (rc == SVC_OK && changed == 1 && c->state == SLA_PAUSED)
		rc = db_exec(db, "UPDATE sla_pauses SET to_at = ?, excluded_s = ?"
		    " WHERE clock_id = ? AND to_at IS NULL", DB_ARGS(DB_I(at),
		    DB_I(excluded), DB_I(clock_id)), NULL, err);
	if (rc)
		return rc;
	return finish_change(db, a, who, "stop", changed, c, out, err);
}

/* ----- document-level helpers ----- */

enum sla_op { OP_PAUSE, OP_RESUME, OP_STOP };

static enum svc_code
for_doc(struct db *db, struct arena *a, const struct actor *who,
    const char *doc_kind, int64_t doc_id, const char *metric, enum sla_op op,
    const char *reason, int64_t at, int *n, struct svc_err *err)
{
	struct sla_clock **items;
	enum svc_code rc;
	size_t cnt;
	int done = 0;

	if (n != NULL)
		*n = 0;
	rc = sla_get_for(db, a, doc_kind, doc_id, &items, &cnt, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < cnt && rc == SVC_OK; i++) {
		const struct sla_clock *c = items[i];

		if (metric != NULL && strcmp(c->metric, metric) != 0)
			continue;
		if (op == OP_PAUSE && c->state == SLA_RUNNING)
			rc = sla_pause(db, a, who, c->id, reason, at, NULL, err);
		else if (op == OP_RESUME && c->state == SLA_PAUSED)
			rc = sla_resume(db, a, who, c->id, at, NULL, err);
		else if (op == OP_STOP && c->state != SLA_STOPPED)
			rc = sla_stop(db, a, who, c->id, at, NULL, err);
		else
			continue;
		if (rc == SVC_OK)
			done++;
	}
	if (n != NULL)
		*n = done;
	return rc;
}

enum svc_code
sla_pause_for(struct db *db, struct arena *a, const struct actor *who,
    const char *doc_kind, int64_t doc_id, const char *metric,
    const char *reason, int64_t at, int *n, struct svc_err *err)
{
	return for_doc(db, a, who, doc_kind, doc_id, metric, OP_PAUSE, reason,
	    at, n, err);
}

enum svc_code
sla_resume_for(struct db *db, struct arena *a, const struct actor *who,
    const char *doc_kind, int64_t doc_id, const char *metric, int64_t at,
    int *n, struct svc_err *err)
{
	return for_doc(db, a, who, doc_kind, doc_id, metric, OP_RESUME, NULL,
	    at, n, err);
}

enum svc_code
sla_stop_for(struct db *db, struct arena *a, const struct actor *who,
    const char *doc_kind, int64_t doc_id, const char *metric, int64_t at,
    int *n, struct svc_err *err)
{
	return for_doc(db, a, who, doc_kind, doc_id, metric, OP_STOP, NULL, at,
	    n, err);
}

enum svc_code
sla_set_owner(struct db *db, struct arena *a, const struct actor *who,
    const char *doc_kind, int64_t doc_id, int64_t owner_user_id,
    struct svc_err *err)
{
	struct sla_clock **items;
	enum svc_code rc;
	int64_t changed;
	size_t cnt;

	rc = sla_get_for(db, a, doc_kind, doc_id, &items, &cnt, err);
	for (size_t i = 0; i < cnt && rc == SVC_OK; i++) {
		const struct sla_clock *c = items[i];

		if (c->state == SLA_STOPPED || c->owner_user_id == owner_user_id)
			continue;
		rc = db_exec(db, "UPDATE sla_clocks SET owner_user_id = ?,"
		    " version = version + 1, updated_at = ?"
		    " WHERE id = ? AND version = ?", DB_ARGS(DB_ID(owner_user_id),
		    DB_I(clock_now()), DB_I(c->id), DB_I(c->version)), &changed,
		    err);
		if (rc == SVC_OK)
			rc = finish_change(db, a, who, "owner", changed, c, NULL,
			    err);
	}
	return rc;
}

/* ----- explanation ----- */

struct pause_win {
	int64_t from;
	int64_t to;		/* end, or the end of the explained range */
	bool open;
	char *reason;
	int64_t excluded_s;
};

struct explain_ctx {
	struct jw *w;
	const struct calendar *cal;
	const struct pause_win *p;
	size_t np;
	int64_t counted;
	int64_t excluded;
};

static void
seg_json(struct jw *w, int64_t from, int64_t to)
{
	jw_obj_open(w);
	jw_ktime(w, "from", from);
	jw_ktime(w, "to", to);
	jw_ki64(w, "minutes", (to - from) / 60);
	jw_obj_close(w);
}

static const char *
day_kind_word(enum cal_day_kind kind, bool working)
{
	if (kind == CAL_HOLIDAY)
		return "holiday";
	if (kind == CAL_WORKDAY)
		return "special_workday";
	return working ? "working_day" : "rest_day";
}

/* One day of the walk: its working segments minus the pauses. */
static void
explain_day(void *arg, int ymd, enum cal_day_kind kind,
    const struct cal_day *sp, bool working, const int64_t *segs, int nsegs)
{
	struct explain_ctx *x = arg;
	struct jw *w = x->w;
	const struct cal_hours *h = cal_hours_on(x->cal, ymd, NULL, NULL);
	int64_t day_counted = 0;
	char date[16], hx[8], hy[8];
	struct buf hb;

	cal_format_ymd(ymd, date, sizeof(date));
	buf_init(&hb, 256);
	for (int i = 0; i < h->n; i++) {
		cal_format_min(h->v[i].start_min, hx, sizeof(hx));
		cal_format_min(h->v[i].end_min, hy, sizeof(hy));
		buf_addf(&hb, "%s%s-%s", i ? "," : "", hx, hy);
	}
	jw_obj_open(w);
	jw_kstr(w, "date", date);
	jw_ki64(w, "weekday", cal_weekday(ymd));
	jw_kstr(w, "kind", day_kind_word(kind, working));
	jw_kstr(w, "name", sp != NULL && sp->name != NULL && sp->name[0] ?
	    sp->name : NULL);
	jw_kstr(w, "hours", hb.p);
	buf_release(&hb);
	jw_key(w, "counted");
	jw_arr_open(w);
	for (int i = 0; i < nsegs; i++) {
		int64_t cur = segs[2 * i], end = segs[2 * i + 1];

		for (size_t k = 0; k < x->np; k++) {
			int64_t pf = x->p[k].from, pt = x->p[k].to;

			if (pt <= cur || pf >= end)
				continue;
			if (pf > cur) {
				seg_json(w, cur, pf);
				day_counted += pf - cur;
			}
			cur = pt < end ? pt : end;
		}
		if (cur < end) {
			seg_json(w, cur, end);
			day_counted += end - cur;
		}
	}
	jw_arr_close(w);
	jw_key(w, "excluded");
	jw_arr_open(w);
	for (int i = 0; i < nsegs; i++) {
		for (size_t k = 0; k < x->np; k++) {
			int64_t a = x->p[k].from, b = x->p[k].to;

			if (a < segs[2 * i])
				a = segs[2 * i];
			if (b > segs[2 * i + 1])
				b = segs[2 * i + 1];
			if (b > a) {
				seg_json(w, a, b);
				x->excluded += b - a;
			}
		}
	}
	jw_arr_close(w);
	jw_ki64(w, "minutes", day_counted / 60);
	jw_obj_close(w);
	x->counted += day_counted;
}

#define EXPLAIN_MAX_DAYS 120

/*
 * "days": the walk over [from, to) minus pauses; adds counted_min,
 * excluded_min and days_truncated.  Calendar mode lists no days.
 */
static void
explain_days(struct jw *w, const struct calendar *cal, enum sla_mode m,
    int64_t from, int64_t to, const struct pause_win *p, size_t np,
    int64_t *counted)
{
	struct explain_ctx x = { w, cal, p, np, 0, 0 };
	bool more = false;

	jw_key(w, "days");
	jw_arr_open(w);
	if (m != SLA_CALENDAR)
		cal_walk(cal, from, to, EXPLAIN_MAX_DAYS, explain_day, &x, &more);
	jw_arr_close(w);
	jw_kbool(w, "days_truncated", more);
	if (m == SLA_CALENDAR || more) {
		/* count without listing */
		x.counted = counted_between(cal, m, from, to);
		x.excluded = 0;
		for (size_t k = 0; k < np; k++) {
			int64_t a = p[k].from > from ? p[k].from : from;
			int64_t b = p[k].to < to ? p[k].to : to;

			if (b > a)
				x.excluded += counted_between(cal, m, a, b);
		}
		x.counted -= x.excluded;
	}
	jw_ki64(w, "counted_min", x.counted / 60);
	jw_ki64(w, "excluded_min", x.excluded / 60);
	*counted = x.counted;
}

static const char *
target_text(struct arena *a, enum sla_mode m, int64_t target_min)
{
	char t[8];

	switch (m) {
	case SLA_WORKING:
		return arena_printf(a, "%lld working minutes (%lld h %lld min) of"
		    " the business calendar's working hours",
		    (long long)target_min, (long long)target_min / 60,
		    (long long)target_min % 60);
	case SLA_CALENDAR:
		return arena_printf(a, "%lld minutes (%lld h %lld min) of "
		    "elapsed time: nights, weekends and holidays count",
		    (long long)target_min, (long long)target_min / 60,
		    (long long)target_min % 60);
	case SLA_NEXT_DAY:
	case SLA_MODE__MAX:
		break;
	}
	cal_format_min((int)target_min, t, sizeof(t));
	return arena_printf(a, "by %s on the calendar day after the day of "
	    "the start (holidays included); a pause moves it by the paused "
	    "working time", t);
}

static enum svc_code
load_pauses(struct db *db, struct arena *a, int64_t clock_id, int64_t open_end,
    struct pause_win **out, size_t *n, struct svc_err *err)
{
	struct pause_win *p;
	struct dbq *q;
	enum svc_code rc;
	int64_t cnt;
	size_t k = 0;

	rc = db_one_i64(db, "SELECT count(*) FROM sla_pauses WHERE clock_id = ?",
	    DB_ARGS(DB_I(clock_id)), &cnt, err);
	if (rc)
		return rc;
	p = arena_alloc(a, (size_t)(cnt + 1) * sizeof(*p));
	if (p == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = db_query(db, "SELECT from_at, to_at, reason, excluded_s"
	    " FROM sla_pauses WHERE clock_id = ? ORDER BY from_at, id",
	    DB_ARGS(DB_I(clock_id)), &q, err);
	if (rc)
		return rc;
	while (k < (size_t)cnt && db_next(q) == 1) {
		p[k].from = db_i64(q, 0);
		p[k].open = db_null(q, 1);
		p[k].to = p[k].open ? open_end : db_i64(q, 1);
		p[k].reason = db_dup(q, 2, a);
		p[k].excluded_s = db_i64(q, 3);
		k++;
	}
	rc = db_done(q, err);
	*out = p;
	*n = k;
	return rc;
}

enum svc_code
sla_explain(struct db *db, struct arena *a, int64_t clock_id, int64_t now,
    struct jw *w, struct svc_err *err)
{
	struct sla_policy *p;
	struct sla_clock *c;
	struct calendar *cal;
	struct pause_win *pw = NULL;
	struct sla_key k;
	enum svc_code rc;
	int64_t end, counted;
	size_t np = 0;

	rc = sla_get(db, a, clock_id, &c, err);
	if (rc == SVC_OK)
		rc = sla_policy_get(db, a, c->policy_id, &p, err);
	if (rc == SVC_OK)
		rc = cal_load(db, a, &cal, err);
	if (rc)
		return rc;
	/* a paused clock's due time is not known yet: explain up to the pause */
	end = c->state == SLA_PAUSED ? c->paused_at : c->due_at;
	rc = load_pauses(db, a, clock_id, end, &pw, &np, err);
	if (rc)
		return rc;
	k = (struct sla_key){ c->basis_type, c->basis_severity, c->basis_region,
		c->basis_distance_km };

	jw_obj_open(w);
	jw_key(w, "clock");
	sla_clock_to_json(w, c, cal, now);
	jw_key(w, "policy");
	sla_policy_to_json(w, p);
	if (p->version > 1 && p->updated_at > c->started_at)
		jw_kstr(w, "policy_note", "the policy was changed after the "
		    "clock started; the clock keeps the target, mode and lead "
		    "copied at its start");
	jw_kstr(w, "why", sla_policy_why(a, p, c->basis_given ? &k : NULL));
	jw_key(w, "target");
	jw_obj_open(w);
	jw_kstr(w, "mode", sla_mode_name(c->mode));
	jw_ki64(w, "minutes", c->target_min);
	jw_kstr(w, "text", target_text(a, c->mode, c->target_min));
	jw_obj_close(w);
	jw_ktime(w, "started_at", c->started_at);
	explain_days(w, cal, c->mode, c->started_at, end, pw, np, &counted);
	jw_key(w, "pauses");
	jw_arr_open(w);
	for (size_t i = 0; i < np; i++) {
		jw_obj_open(w);
		jw_kstr(w, "reason", pw[i].reason);
		jw_ktime(w, "from", pw[i].from);
		jw_ktime(w, "to", pw[i].open ? 0 : pw[i].to);
		jw_ki64(w, "excluded_min", pw[i].excluded_s / 60);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_ki64(w, "paused_min", c->paused_s / 60);
	if (c->mode != SLA_NEXT_DAY && c->state != SLA_PAUSED &&
	    counted != c->target_min * 60)
		jw_kstr(w, "calendar_note", "the business calendar changed after "
		    "the due time was computed; the stored due time stands");
	jw_ktime(w, "due_at", c->state == SLA_PAUSED ? 0 : c->due_at);
	jw_ktime(w, "warn_at", c->state == SLA_PAUSED ? 0 : c->warn_at);
	jw_ktime(w, "now", now);
	switch (c->state) {
	case SLA_RUNNING:
		jw_kstr(w, "status", now > c->due_at ? "breached" :
		    now >= c->warn_at ? "warning" : "on_time");
		jw_ki64(w, "remaining_min", now < c->due_at ?
		    counted_between(cal, c->mode, now, c->due_at) / 60 : 0);
		jw_ki64(w, "overdue_min", now > c->due_at ?
		    (now - c->due_at) / 60 : 0);
		break;
	case SLA_PAUSED:
		jw_kstr(w, "status", c->remaining_s > 0 ? "paused" :
		    "paused_breached");
		jw_ki64(w, "remaining_min", c->remaining_s / 60);
		jw_kstr(w, "paused_note", "paused: the due time moves later by "
		    "the paused working time when the clock resumes");
		break;
	case SLA_STOPPED:
		jw_kstr(w, "status", c->outcome);
		jw_ktime(w, "stopped_at", c->stopped_at);
		break;
	}
	jw_obj_close(w);
	return SVC_OK;
}

enum svc_code
sla_preview(struct db *db, struct arena *a, int64_t start, enum sla_mode m,
    int64_t minutes, struct jw *w, struct svc_err *err)
{
	struct calendar *cal;
	enum svc_code rc;
	int64_t due, counted;

	if ((unsigned)m >= SLA_MODE__MAX)
		return svc_fail_field(err, SVC_EINVAL, "mode", "not_allowed",
		    "'mode' must be working, calendar or next_day");
	rc = cal_load(db, a, &cal, err);
	if (rc)
		return rc;
	if (!initial_due(cal, m, minutes, start, &due))
		return no_working_time(err);
	jw_obj_open(w);
	jw_ktime(w, "start", start);
	jw_kstr(w, "mode", sla_mode_name(m));
	jw_ki64(w, "minutes", minutes);
	jw_kstr(w, "text", target_text(a, m, minutes));
	jw_ktime(w, "due_at", due);
	explain_days(w, cal, m, start, due, NULL, 0, &counted);
	jw_ki64(w, "calendar_version", cal->version);
	jw_obj_close(w);
	return SVC_OK;
}

/* ----- the scheduler step ----- */

struct tick_row {
	int64_t id;
	char *doc_kind;
	int64_t doc_id;
	char *doc_ref;
	char *metric;
	char *policy_name;
	int64_t owner;
	int64_t due_at;
};

/* Up to SLA_TICK_BATCH candidates, in the order of a partial index. */
static enum svc_code
tick_rows(struct db *db, struct arena *a, const char *where,
    const char *order, int64_t now, struct tick_row **out, size_t *n,
    struct svc_err *err)
{
	struct tick_row *rows;
	struct dbq *q;
	enum svc_code rc;
	struct buf sql;
	size_t k = 0;

	rows = arena_alloc(a, SLA_TICK_BATCH * sizeof(*rows));
	if (rows == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	buf_init(&sql, 2048);
	buf_adds(&sql, "SELECT c.id, c.doc_kind, c.doc_id, c.doc_ref, c.metric,"
	    " p.name, c.owner_user_id, c.due_at FROM sla_clocks c"
	    " JOIN sla_policies p ON p.id = c.policy_id WHERE ");
	buf_adds(&sql, where);
	buf_adds(&sql, " ORDER BY ");
	buf_adds(&sql, order);
	buf_adds(&sql, ", c.id LIMIT ?");
	rc = db_query(db, sql.p, DB_ARGS(DB_I(now), DB_I(SLA_TICK_BATCH)), &q,
	    err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (k < SLA_TICK_BATCH && db_next(q) == 1) {
		rows[k].id = db_i64(q, 0);
		rows[k].doc_kind = db_dup(q, 1, a);
		rows[k].doc_id = db_i64(q, 2);
		rows[k].doc_ref = db_dup(q, 3, a);
		rows[k].metric = db_dup(q, 4, a);
		rows[k].policy_name = db_dup(q, 5, a);
		rows[k].owner = db_i64(q, 6);
		rows[k].due_at = db_i64(q, 7);
		k++;
	}
	rc = db_done(q, err);
	*out = rows;
	*n = k;
	return rc;
}

static const char *
doc_label(struct arena *a, const struct tick_row *r)
{
	if (r->doc_ref != NULL && r->doc_ref[0] != '\0')
		return r->doc_ref;
	return arena_printf(a, "%s #%lld", r->doc_kind, (long long)r->doc_id);
}

static enum svc_code
raise_event(struct db *db, struct arena *a, const struct tick_row *r,
    bool breach, int64_t now, struct sla_tick_stats *st, struct svc_err *err)
{
	const char *label = doc_label(a, r), *title, *body, *kind, *args;
	enum svc_code rc = SVC_OK;
	int64_t n = 0;
	char due[40];

	clock_format_local(r->due_at, due, sizeof(due));
	kind = breach ? "sla_breach" : "sla_warning";
	if (breach) {
		title = arena_printf(a, "服务时限已超时：%s", label);
		body = arena_printf(a, "%s 的 %s 时限（%s）已于 %s 到期，尚未完成，"
		    "已升级至售后部经理。", label, r->metric, r->policy_name, due);
	} else {
		title = arena_printf(a, "服务时限预警：%s", label);
		body = arena_printf(a, "%s 的 %s 时限（%s）将于 %s 到期。", label,
		    r->metric, r->policy_name, due);
	}
	args = notify_args(a, (const char *const[]){ "doc_kind", r->doc_kind,
	    "number", label, "metric", r->metric, "policy", r->policy_name,
	    NULL }, "due_at", r->due_at);
	if (r->owner != 0) {
		rc = notify_user(db, r->owner, kind, title, body, args,
		    r->doc_kind, r->doc_id, err);
		n++;
	}
	/* escalation on breach; a warning without an owner goes there too */
	if (rc == SVC_OK && (breach || r->owner == 0)) {
		int64_t m = 0;

		rc = notify_role_except(db, "aftersales_manager", kind, title,
		    body, args, r->doc_kind, r->doc_id, r->owner, &m, err);
		n += m;
	}
	if (rc == SVC_OK)
		rc = audit_write(db, &system_actor, breach ? "sla_breach" :
		    "sla_warning", "sla_clock", r->id, NULL, arena_printf(a,
		    "{\"due_at\":%lld,\"raised_at\":%lld,\"notified\":%lld}",
		    (long long)r->due_at, (long long)now, (long long)n), err);
	if (rc == SVC_OK && st != NULL) {
		if (breach)
			st->breached++;
		else
			st->warned++;
		st->notified += (int)n;
	}
	return rc;
}

enum svc_code
sla_tick(struct db *db, int64_t now, struct sla_tick_stats *st,
    struct svc_err *err)
{
	struct tick_row *rows;
	struct arena a;
	enum svc_code rc;
	int64_t changed;
	size_t n;

	if (st != NULL)
		memset(st, 0, sizeof(*st));
	arena_init(&a, 16u << 20);
	/* breaches first: a clock past due gets no late warning */
	rc = tick_rows(db, &a, "c.state = 'running' AND c.breached_at IS NULL"
	    " AND c.due_at < ?", "c.due_at", now, &rows, &n, err);
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		rc = db_exec(db, "UPDATE sla_clocks SET breached_at = ?"
		    " WHERE id = ? AND state = 'running' AND breached_at IS NULL"
		    " AND due_at < ?", DB_ARGS(DB_I(now), DB_I(rows[i].id),
		    DB_I(now)), &changed, err);
		if (rc == SVC_OK && changed == 1)
			rc = raise_event(db, &a, &rows[i], true, now, st, err);
	}
	if (rc == SVC_OK)
		rc = tick_rows(db, &a, "c.state = 'running' AND"
		    " c.warned_at IS NULL AND c.breached_at IS NULL AND"
		    " c.warn_at <= ?", "c.warn_at", now, &rows, &n, err);
	for (size_t i = 0; i < n && rc == SVC_OK; i++) {
		if (rows[i].due_at < now)
			continue;	/* became due meanwhile: next tick */
		rc = db_exec(db, "UPDATE sla_clocks SET warned_at = ?"
		    " WHERE id = ? AND state = 'running' AND warned_at IS NULL"
		    " AND breached_at IS NULL AND warn_at <= ? AND due_at >= ?",
		    DB_ARGS(DB_I(now), DB_I(rows[i].id), DB_I(now), DB_I(now)),
		    &changed, err);
		if (rc == SVC_OK && changed == 1)
			rc = raise_event(db, &a, &rows[i], false, now, st, err);
	}
	arena_release(&a);
	return rc;
}
