/*
 * policy — service-level policies (type x severity x region class /
 * distance band -> a target in working or calendar time) and the
 * deterministic choice of one for a document (sla_select(), rule in sla.h).
 *
 * Invariants:
 *  - metric, request_type and region_class are keys [a-z][a-z0-9_]*;
 *    severity is minor, moderate or severe; NULL criteria match anything;
 *  - a distance band has distance_max_km NULL or > distance_min_km;
 *  - working and calendar targets are 1..SLA_TARGET_MAX minutes, a next_day
 *    target a time of day 0..1439;
 *  - policies are never deleted (clocks refer to them): set active = 0.
 */
#include "domain/sla/sla.h"
#include "domain/sla/sla_int.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

static const char *const mode_names[SLA_MODE__MAX] = { "working", "calendar",
	"next_day" };

const char *
sla_mode_name(enum sla_mode m)
{
	return (unsigned)m < SLA_MODE__MAX ? mode_names[m] : "working";
}

bool
sla_mode_parse(const char *s, enum sla_mode *out)
{
	for (int i = 0; s != NULL && i < SLA_MODE__MAX; i++) {
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum sla_mode)i;
			return true;
		}
	}
	return false;
}

bool
sla_valid_key(const char *s)
{
	size_t len;

	if (s == NULL || s[0] < 'a' || s[0] > 'z')
		return false;
	len = strlen(s);
	if (len > SLA_KEY_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool
valid_severity(const char *s)
{
	return strcmp(s, "minor") == 0 || strcmp(s, "moderate") == 0 ||
	    strcmp(s, "severe") == 0;
}

#define POLICY_COLS "id, name, metric, request_type, severity, region_class," \
	" distance_min_km, distance_max_km, mode, target_min, warn_min," \
	" active, version, created_at, updated_at"

static void
policy_from_row(struct dbq *q, struct arena *a, struct sla_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->id = db_i64(q, 0);
	p->name = db_dup(q, 1, a);
	p->metric = db_dup(q, 2, a);
	p->request_type = db_dup(q, 3, a);
	p->severity = db_dup(q, 4, a);
	p->region_class = db_dup(q, 5, a);
	p->distance_min_km = db_i64(q, 6);
	p->distance_max_km = db_null(q, 7) ? 0 : db_i64(q, 7);
	if (!sla_mode_parse(db_str(q, 8), &p->mode))
		p->mode = SLA_WORKING;
	p->target_min = db_i64(q, 9);
	p->warn_min = db_i64(q, 10);
	p->active = db_i64(q, 11) != 0;
	p->version = db_i64(q, 12);
	p->created_at = db_i64(q, 13);
	p->updated_at = db_i64(q, 14);
}

void
sla_policy_to_json(struct jw *w, const struct sla_policy *p)
{
	jw_obj_open(w);
	jw_ki64(w, "id", p->id);
	jw_kstr(w, "name", p->name);
	jw_kstr(w, "metric", p->metric);
	jw_kstr(w, "request_type", p->request_type);
	jw_kstr(w, "severity", p->severity);
	jw_kstr(w, "region_class", p->region_class);
	jw_ki64(w, "distance_min_km", p->distance_min_km);
	if (p->distance_max_km > 0)
		jw_ki64(w, "distance_max_km", p->distance_max_km);
	else
		jw_knull(w, "distance_max_km");
	jw_kstr(w, "mode", sla_mode_name(p->mode));
	jw_ki64(w, "target_min", p->target_min);
	jw_ki64(w, "warn_min", p->warn_min);
	jw_kbool(w, "active", p->active);
	jw_ki64(w, "version", p->version);
	jw_ktime(w, "created_at", p->created_at);
	jw_ktime(w, "updated_at", p->updated_at);
	if (p->why != NULL) {
		jw_ki64(w, "specificity", p->specificity);
		jw_kstr(w, "why", p->why);
	}
	jw_obj_close(w);
}

static char *
policy_json_text(struct arena *a, const struct sla_policy *p)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	sla_policy_to_json(&w, p);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

enum svc_code
sla_policy_get(struct db *db, struct arena *a, int64_t id,
    struct sla_policy **out, struct svc_err *err)
{
	struct sla_policy *p;
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT " POLICY_COLS " FROM sla_policies WHERE id = ?",
	    DB_ARGS(DB_I(id)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	p = arena_alloc(a, sizeof(*p));
	if (r == 1 && p != NULL)
		policy_from_row(q, a, p);
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (r != 1 || p == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "id",
		    "SLA policy %lld not found", (long long)id);
	*out = p;
	return SVC_OK;
}

enum svc_code
sla_policy_list(struct db *db, struct arena *a, const char *metric,
    int active, int64_t after_id, int limit, struct sla_policy ***out,
    size_t *n, bool *more, struct svc_err *err)
{
	struct sla_policy **items;
	struct dbv args[4];
	struct buf sql;
	struct dbq *q;
	enum svc_code rc;
	size_t na = 0, cnt = 0;

	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	/* fixed fragments only; values are bound */
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT " POLICY_COLS " FROM sla_policies WHERE id > ?");
	args[na++] = DB_I(after_id);
	if (metric != NULL) {
		buf_adds(&sql, " AND metric = ?");
		args[na++] = DB_S(metric);
	}
	if (active >= 0) {
		buf_adds(&sql, " AND active = ?");
		args[na++] = DB_I(active);
	}
	buf_adds(&sql, " ORDER BY id LIMIT ?");
	args[na++] = DB_I(limit + 1);
	rc = db_query(db, sql.p, args, na, &q, err);
	buf_release(&sql);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < (size_t)limit + 1) {
		items[cnt] = arena_alloc(a, sizeof(struct sla_policy));
		if (items[cnt] == NULL)
			break;
		policy_from_row(q, a, items[cnt++]);
	}
	rc = db_done(q, err);
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	return rc;
}

/* Validate a whole policy; errors name the field. */
static enum svc_code
policy_check(const struct sla_policy *p, struct svc_err *err)
{
	if (p->name == NULL || p->name[0] == '\0')
		return svc_fail_field(err, SVC_EINVAL, "name", "required",
		    "'name' is required");
	if (!sla_valid_key(p->metric))
		return svc_fail_field(err, SVC_EINVAL, "metric", "invalid",
		    "'metric' must be a key of a-z, 0-9 and _ (at most %d)",
		    SLA_KEY_MAX);
	if (p->request_type != NULL && !sla_valid_key(p->request_type))
		return svc_fail_field(err, SVC_EINVAL, "request_type",
		    "invalid", "'request_type' must be a key of a-z, 0-9 and _"
		    " or null");
	if (p->severity != NULL && !valid_severity(p->severity))
		return svc_fail_field(err, SVC_EINVAL, "severity", "not_allowed",
		    "'severity' must be minor, moderate, severe or null");
	if (p->region_class != NULL && !sla_valid_key(p->region_class))
		return svc_fail_field(err, SVC_EINVAL, "region_class",
		    "invalid", "'region_class' must be a key (urban, suburban,"
		    " remote ...) or null");
	if (p->distance_min_km < 0 || p->distance_min_km > 100000)
		return svc_fail_field(err, SVC_EINVAL, "distance_min_km",
		    "out_of_range", "'distance_min_km' must be 0 to 100000");
	if (p->distance_max_km != 0 && (p->distance_max_km <= p->distance_min_km
	    || p->distance_max_km > 100000))
		return svc_fail_field(err, SVC_EINVAL, "distance_max_km",
		    "out_of_range", "'distance_max_km' must be above "
		    "'distance_min_km' (%lld) and at most 100000, or null",
		    (long long)p->distance_min_km);
	if ((unsigned)p->mode >= SLA_MODE__MAX)
		return svc_fail_field(err, SVC_EINVAL, "mode", "not_allowed",
		    "'mode' must be working, calendar or next_day");
	if (p->mode == SLA_NEXT_DAY && (p->target_min < 0 ||
	    p->target_min > 1439))
		return svc_fail_field(err, SVC_EINVAL, "target_min",
		    "out_of_range", "for mode next_day 'target_min' is the time "
		    "of day in minutes, 0 to 1439 (720 = 12:00)");
	if (p->mode != SLA_NEXT_DAY && (p->target_min < 1 ||
	    p->target_min > SLA_TARGET_MAX))
		return svc_fail_field(err, SVC_EINVAL, "target_min",
		    "out_of_range", "'target_min' must be 1 to %d minutes",
		    SLA_TARGET_MAX);
	if (p->warn_min < 0 || p->warn_min > SLA_TARGET_MAX)
		return svc_fail_field(err, SVC_EINVAL, "warn_min",
		    "out_of_range", "'warn_min' must be 0 to %d minutes",
		    SLA_TARGET_MAX);
	return SVC_OK;
}

enum svc_code
sla_policy_create(struct db *db, struct arena *a, const struct actor *who,
    const struct sla_policy *p, struct sla_policy **out, struct svc_err *err)
{
	enum svc_code rc;
	int64_t id, now = clock_now();

	rc = policy_check(p, err);
	if (rc)
		return rc;
	rc = db_one_i64(db, "INSERT INTO sla_policies (name, metric,"
	    " request_type, severity, region_class, distance_min_km,"
	    " distance_max_km, mode, target_min, warn_min, active, version,"
	    " created_at, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
	    DB_ARGS(DB_S(p->name), DB_S(p->metric), DB_S(p->request_type),
	    DB_S(p->severity), DB_S(p->region_class), DB_I(p->distance_min_km),
	    DB_ID(p->distance_max_km), DB_S(sla_mode_name(p->mode)),
	    DB_I(p->target_min), DB_I(p->warn_min), DB_I(p->active), DB_I(now),
	    DB_I(now)), &id, err);
	if (rc == SVC_OK)
		rc = sla_policy_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "sla_policy", id, NULL,
		    policy_json_text(a, *out), err);
	return rc;
}

enum svc_code
sla_policy_update(struct db *db, struct arena *a, const struct actor *who,
    int64_t id, int64_t expected, const struct sla_policy *in, unsigned mask,
    struct sla_policy **out, struct svc_err *err)
{
	struct sla_policy *cur, p;
	enum svc_code rc;
	int64_t changed;
	char *before;

	rc = sla_policy_get(db, a, id, &cur, err);
	if (rc)
		return rc;
	before = policy_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "sla_policy", expected, before);
	p = *cur;
	if (mask & SPF_NAME)
		p.name = in->name;
	if (mask & SPF_METRIC)
		p.metric = in->metric;
	if (mask & SPF_TYPE)
		p.request_type = in->request_type;
	if (mask & SPF_SEVERITY)
		p.severity = in->severity;
	if (mask & SPF_REGION)
		p.region_class = in->region_class;
	if (mask & SPF_DIST_MIN)
		p.distance_min_km = in->distance_min_km;
	if (mask & SPF_DIST_MAX)
		p.distance_max_km = in->distance_max_km;
	if (mask & SPF_MODE)
		p.mode = in->mode;
	if (mask & SPF_TARGET)
		p.target_min = in->target_min;
	if (mask & SPF_WARN)
		p.warn_min = in->warn_min;
	if (mask & SPF_ACTIVE)
		p.active = in->active;
	rc = policy_check(&p, err);
	if (rc)
		return rc;
	rc = db_exec(db, "UPDATE sla_policies SET name = ?, metric = ?,"
	    " request_type = ?, severity = ?, region_class = ?,"
	    " distance_min_km = ?, distance_max_km = ?, mode = ?,"
	    " target_min = ?, warn_min = ?, active = ?, version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_S(p.name), DB_S(p.metric), DB_S(p.request_type),
	    DB_S(p.severity), DB_S(p.region_class), DB_I(p.distance_min_km),
	    DB_ID(p.distance_max_km), DB_S(sla_mode_name(p.mode)),
	    DB_I(p.target_min), DB_I(p.warn_min), DB_I(p.active),
	    DB_I(clock_now()), DB_I(id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "sla_policy", expected, before);
	rc = sla_policy_get(db, a, id, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "sla_policy", id, before,
		    policy_json_text(a, *out), err);
	return rc;
}

/* ----- selection ----- */

static bool
has_band(const struct sla_policy *p)
{
	return p->distance_min_km > 0 || p->distance_max_km > 0;
}

/* Does p match; *score gets its specificity. */
static bool
policy_matches(const struct sla_policy *p, const struct sla_key *k, int *score)
{
	*score = 0;
	if (p->request_type != NULL) {
		if (k->request_type == NULL ||
		    strcmp(p->request_type, k->request_type) != 0)
			return false;
		*score += 8;
	}
	if (p->severity != NULL) {
		if (k->severity == NULL || strcmp(p->severity, k->severity) != 0)
			return false;
		*score += 4;
	}
	if (p->region_class != NULL) {
		if (k->region_class == NULL ||
		    strcmp(p->region_class, k->region_class) != 0)
			return false;
		*score += 2;
	}
	if (has_band(p)) {
		if (k->distance_km < 0 || k->distance_km < p->distance_min_km ||
		    (p->distance_max_km > 0 &&
		    k->distance_km >= p->distance_max_km))
			return false;
		*score += 1;
	}
	return true;
}

static int64_t
band_width(const struct sla_policy *p)
{
	return p->distance_max_km > 0 ? p->distance_max_km - p->distance_min_km
	    : INT64_MAX;
}

/* Is a a better choice than b (both matching with scores sa, sb)? */
static bool
better(const struct sla_policy *a, int sa, const struct sla_policy *b, int sb)
{
	if (sa != sb)
		return sa > sb;
	if (band_width(a) != band_width(b))
		return band_width(a) < band_width(b);
	return a->id < b->id;
}

/* "region_class urban = urban; distance 999 km in [0, 1000) km; ..." */
static void
why_criteria(struct buf *b, const struct sla_policy *p, const struct sla_key *k)
{
	const char *any[4];
	int nany = 0;

	if (p->request_type != NULL)
		buf_addf(b, "request_type '%s' = '%s'; ", k->request_type ?
		    k->request_type : "?", p->request_type);
	else
		any[nany++] = "request_type";
	if (p->severity != NULL)
		buf_addf(b, "severity '%s' = '%s'; ", k->severity ?
		    k->severity : "?", p->severity);
	else
		any[nany++] = "severity";
	if (p->region_class != NULL)
		buf_addf(b, "region_class '%s' = '%s'; ", k->region_class ?
		    k->region_class : "?", p->region_class);
	else
		any[nany++] = "region_class";
	if (has_band(p)) {
		buf_addf(b, "distance %lld km in [%lld, ", (long long)
		    k->distance_km, (long long)p->distance_min_km);
		if (p->distance_max_km > 0)
			buf_addf(b, "%lld) km; ", (long long)p->distance_max_km);
		else
			buf_adds(b, "no limit) km; ");
	} else {
		any[nany++] = "distance";
	}
	for (int i = 0; i < nany; i++)
		buf_addf(b, "%s%s", any[i], i + 1 < nany ? ", " : ": any; ");
}

enum svc_code
sla_select(struct db *db, struct arena *a, const char *request_type,
    const char *severity, const char *region_class, int64_t distance_km,
    const char *metric, struct sla_policy **out, struct svc_err *err)
{
	struct sla_key k = { request_type, severity, region_class, distance_km };
	struct sla_policy *best = NULL, *p;
	struct dbq *q;
	enum svc_code rc;
	int best_score = -1, score, nactive = 0, nmatch = 0;
	struct buf b;

	if (metric == NULL || metric[0] == '\0')
		return svc_fail_field(err, SVC_EINVAL, "metric", "required",
		    "'metric' is required");
	rc = db_query(db, "SELECT " POLICY_COLS " FROM sla_policies"
	    " WHERE metric = ? AND active = 1 ORDER BY id",
	    DB_ARGS(DB_S(metric)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		p = arena_alloc(a, sizeof(*p));
		if (p == NULL)
			break;
		policy_from_row(q, a, p);
		nactive++;
		if (!policy_matches(p, &k, &score))
			continue;
		nmatch++;
		if (best == NULL || better(p, score, best, best_score)) {
			best = p;
			best_score = score;
		}
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	if (best == NULL)
		return svc_fail_field(err, SVC_ENOTFOUND, "metric", "no_policy",
		    "no active SLA policy for '%.40s' matches (request_type "
		    "%.32s, severity %.32s, region_class %.32s, distance %lld "
		    "km)", metric, request_type ? request_type : "?",
		    severity ? severity : "?", region_class ? region_class : "?",
		    (long long)distance_km);
	buf_init(&b, 4096);
	buf_addf(&b, "policy %lld '%s': ", (long long)best->id, best->name);
	why_criteria(&b, best, &k);
	buf_addf(&b, "specificity %d (request_type 8, severity 4, region_class"
	    " 2, distance 1); the most specific of %d matching among %d active"
	    " '%s' policies", best_score, nmatch, nactive, metric);
	best->specificity = best_score;
	best->why = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	*out = best;
	return SVC_OK;
}

char *
sla_policy_why(struct arena *a, const struct sla_policy *p,
    const struct sla_key *k)
{
	struct buf b;
	char *s;
	int score;

	buf_init(&b, 4096);
	if (k == NULL) {
		buf_addf(&b, "policy %lld '%s' was given by the caller (no "
		    "selection basis recorded)", (long long)p->id, p->name);
	} else {
		bool ok = policy_matches(p, k, &score);

		buf_addf(&b, "policy %lld '%s': ", (long long)p->id, p->name);
		why_criteria(&b, p, k);
		if (ok)
			buf_addf(&b, "specificity %d (request_type 8, severity 4,"
			    " region_class 2, distance 1)", score);
		else
			buf_adds(&b, "the policy no longer matches the basis "
			    "(it was edited after the clock started)");
	}
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}
