/*
 * calendar_db — the stored business calendar: load it whole (weekly hours
 * and every special day) for the arithmetic of calendar.c, replace the
 * weekly hours under the calendar's version, add and remove special days.
 *
 * Invariants:
 *  - calendar_hours of one weekday never overlap and number at most
 *    CAL_SPANS_MAX (checked here, before any write);
 *  - the stored week has some working time (else no due time exists);
 *  - a special day's own hours are stored normalised ("08:30-12:00,...").
 */
#include "domain/sla/sla.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

static const char *const wd_keys[7] = { "mon", "tue", "wed", "thu", "fri",
	"sat", "sun" };

static enum svc_code
load_head(struct db *db, struct arena *a, struct calendar *c,
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	int r;

	rc = db_query(db, "SELECT id, name, version, updated_at FROM calendars"
	    " ORDER BY id LIMIT 1", DB_NOARGS, &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	if (r == 1) {
		c->id = db_i64(q, 0);
		c->name = db_dup(q, 1, a);
		c->version = db_i64(q, 2);
		c->updated_at = db_i64(q, 3);
	}
	rc = db_done(q, err);
	if (rc == SVC_OK && r != 1)
		rc = svc_fail(err, SVC_ENOTFOUND, "calendar",
		    "no business calendar: run 'aftersales migrate'");
	return rc;
}

static enum svc_code
load_week(struct db *db, int64_t cal_id, struct cal_hours week[7],
    struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	const char *why;

	memset(week, 0, 7 * sizeof(week[0]));
	rc = db_query(db, "SELECT weekday, start_min, end_min FROM calendar_hours"
	    " WHERE calendar_id = ? ORDER BY weekday, start_min",
	    DB_ARGS(DB_I(cal_id)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1) {
		int64_t wd = db_i64(q, 0);
		struct cal_hours *h;

		if (wd < 1 || wd > 7)
			continue;
		h = &week[wd - 1];
		if (h->n == CAL_SPANS_MAX)
			continue;
		h->v[h->n].start_min = (int)db_i64(q, 1);
		h->v[h->n].end_min = (int)db_i64(q, 2);
		h->n++;
	}
	rc = db_done(q, err);
	for (int i = 0; i < 7 && rc == SVC_OK; i++)
		if (!cal_hours_normalize(&week[i], &why))
			week[i].n = 0;	/* unreachable: checked on write */
	return rc;
}

/* A special day's effective hours. */
static void
resolve_day(struct cal_day *d, const struct cal_hours week[7])
{
	const char *why;

	memset(&d->hours, 0, sizeof(d->hours));
	if (d->kind != CAL_WORKDAY)
		return;
	if (d->hours_text != NULL && d->hours_text[0] != '\0' &&
	    cal_parse_hours(d->hours_text, &d->hours, &why))
		return;
	if (d->as_weekday >= 1 && d->as_weekday <= 7)
		d->hours = week[d->as_weekday - 1];
}

#define DAY_COLS "id, day, kind, name, as_weekday, hours, created_at"

static void
day_from_row(struct dbq *q, struct arena *a, struct cal_day *d)
{
	d->id = db_i64(q, 0);
	d->ymd = (int)db_i64(q, 1);
	d->kind = strcmp(db_str(q, 2), "holiday") == 0 ? CAL_HOLIDAY :
	    CAL_WORKDAY;
	d->name = db_dup(q, 3, a);
	d->as_weekday = (int)db_i64(q, 4);
	d->hours_text = db_dup(q, 5, a);
	d->created_at = db_i64(q, 6);
}

/*
 * The calendar, cached: every request intake starts an SLA clock, and
 * loading the calendar (four queries and every special day) was 8 % of
 * the writer's time per create.  The copy holds while no commit in this
 * process wrote calendars, calendar_hours or calendar_days
 * (store_watch_gen) and for at most a second (another server sharing a
 * PostgreSQL database); a transaction that wrote them itself reads them.
 * Callers get an arena copy, as from the database.
 */
#define CAL_CACHE_TTL_S 1

static struct {
	pthread_mutex_t mu;
	bool valid;
	uint64_t gen;
	int64_t until;
	struct arena a;		/* owns cal and everything it points to */
	struct calendar *cal;
} cal_cache = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* A deep copy of c in a. */
static struct calendar *
cal_copy(struct arena *a, const struct calendar *c)
{
	struct calendar *o = arena_alloc(a, sizeof(*o));

	if (o == NULL)
		return NULL;
	*o = *c;
	o->name = arena_strdup(a, c->name);
	o->days = arena_alloc(a, (c->ndays + 1) * sizeof(*o->days));
	if (o->days == NULL)
		return NULL;
	for (size_t i = 0; i < c->ndays; i++) {
		o->days[i] = c->days[i];
		o->days[i].name = arena_strdup(a, c->days[i].name);
		o->days[i].hours_text = arena_strdup(a, c->days[i].hours_text);
	}
	return a->oom ? NULL : o;
}

static enum svc_code cal_load_db(struct db *, struct arena *,
    struct calendar **, struct svc_err *);

enum svc_code
cal_load(struct db *db, struct arena *a, struct calendar **out,
    struct svc_err *err)
{
	bool mine = db->dirty & (1u << WATCH_CALENDAR);
	struct calendar *c = NULL;
	enum svc_code rc;
	uint64_t gen;

	if (!mine) {
		pthread_mutex_lock(&cal_cache.mu);
		if (cal_cache.valid &&
		    cal_cache.gen == store_watch_gen(WATCH_CALENDAR) &&
		    clock_now() < cal_cache.until)
			c = cal_copy(a, cal_cache.cal);
		pthread_mutex_unlock(&cal_cache.mu);
		if (c != NULL) {
			*out = c;
			return SVC_OK;
		}
	}
	gen = store_watch_gen(WATCH_CALENDAR);	/* before the read */
	rc = cal_load_db(db, a, out, err);
	if (rc != SVC_OK || mine)
		return rc;
	pthread_mutex_lock(&cal_cache.mu);
	arena_release(&cal_cache.a);
	arena_init(&cal_cache.a, 16u << 20);
	cal_cache.cal = cal_copy(&cal_cache.a, *out);
	cal_cache.valid = cal_cache.cal != NULL;
	cal_cache.gen = gen;
	cal_cache.until = clock_now() + CAL_CACHE_TTL_S;
	pthread_mutex_unlock(&cal_cache.mu);
	return SVC_OK;
}

static enum svc_code
cal_load_db(struct db *db, struct arena *a, struct calendar **out,
    struct svc_err *err)
{
	struct calendar *c;
	struct dbq *q;
	enum svc_code rc;
	int64_t n;
	size_t k = 0;

	c = arena_alloc(a, sizeof(*c));
	if (c == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = load_head(db, a, c, err);
	if (rc == SVC_OK)
		rc = load_week(db, c->id, c->week, err);
	if (rc == SVC_OK)
		rc = db_one_i64(db, "SELECT count(*) FROM calendar_days"
		    " WHERE calendar_id = ?", DB_ARGS(DB_I(c->id)), &n, err);
	if (rc)
		return rc;
	c->days = arena_alloc(a, (size_t)(n + 1) * sizeof(*c->days));
	if (c->days == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	rc = db_query(db, "SELECT " DAY_COLS " FROM calendar_days"
	    " WHERE calendar_id = ? ORDER BY day", DB_ARGS(DB_I(c->id)), &q,
	    err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && k < (size_t)n) {
		day_from_row(q, a, &c->days[k]);
		resolve_day(&c->days[k], c->week);
		k++;
	}
	c->ndays = k;
	rc = db_done(q, err);
	if (rc)
		return rc;
	*out = c;
	return SVC_OK;
}

/* ----- JSON ----- */

static void
hours_json(struct jw *w, const struct cal_hours *h)
{
	char x[8], y[8], s[16];

	jw_arr_open(w);
	for (int i = 0; i < h->n; i++) {
		cal_format_min(h->v[i].start_min, x, sizeof(x));
		cal_format_min(h->v[i].end_min, y, sizeof(y));
		snprintf(s, sizeof(s), "%s-%s", x, y);
		jw_str(w, s);
	}
	jw_arr_close(w);
}

void
cal_to_json(struct jw *w, const struct calendar *c)
{
	jw_obj_open(w);
	jw_ki64(w, "id", c->id);
	jw_kstr(w, "name", c->name);
	jw_kstr(w, "timezone", clock_zone());
	jw_ki64(w, "version", c->version);
	jw_ktime(w, "updated_at", c->updated_at);
	jw_key(w, "week");
	jw_obj_open(w);
	for (int i = 0; i < 7; i++) {
		jw_key(w, wd_keys[i]);
		hours_json(w, &c->week[i]);
	}
	jw_obj_close(w);
	jw_obj_close(w);
}

void
cal_day_to_json(struct jw *w, const struct cal_day *d)
{
	char date[16];
	struct cal_hours own;
	const char *why;

	cal_format_ymd(d->ymd, date, sizeof(date));
	jw_obj_open(w);
	jw_ki64(w, "id", d->id);
	jw_kstr(w, "date", date);
	jw_ki64(w, "weekday", cal_weekday(d->ymd));
	jw_kstr(w, "kind", d->kind == CAL_HOLIDAY ? "holiday" : "workday");
	jw_kstr(w, "name", d->name);
	if (d->kind == CAL_WORKDAY) {
		bool has_own = d->hours_text != NULL &&
		    d->hours_text[0] != '\0' &&
		    cal_parse_hours(d->hours_text, &own, &why);

		jw_key(w, "hours");
		if (has_own)
			hours_json(w, &own);
		else
			jw_null(w);
		if (has_own)
			jw_knull(w, "as_weekday");
		else
			jw_ki64(w, "as_weekday", d->as_weekday);
		jw_key(w, "effective_hours");
		hours_json(w, &d->hours);
	}
	jw_ktime(w, "created_at", d->created_at);
	jw_obj_close(w);
}

static char *
cal_json_text(struct arena *a, const struct calendar *c)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	cal_to_json(&w, c);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

static char *
day_json_text(struct arena *a, const struct cal_day *d)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 16);
	jw_init(&w, &b);
	cal_day_to_json(&w, d);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

/* ----- editing ----- */

enum svc_code
cal_set_week(struct db *db, struct arena *a, const struct actor *who,
    int64_t expected, const struct cal_hours week[7], struct calendar **out,
    struct svc_err *err)
{
	struct cal_hours w[7];
	struct calendar *cur;
	enum svc_code rc;
	const char *why;
	char *before;
	int64_t changed, now = clock_now();
	int total = 0;

	memcpy(w, week, sizeof(w));
	for (int i = 0; i < 7; i++) {
		if (!cal_hours_normalize(&w[i], &why))
			return svc_fail_field(err, SVC_EINVAL, wd_keys[i],
			    "invalid", "'%s': %s", wd_keys[i], why);
		total += w[i].n;
	}
	if (total == 0)
		return svc_fail_field(err, SVC_EINVAL, "week", "empty",
		    "the week must have some working hours");
	rc = cal_load(db, a, &cur, err);
	if (rc)
		return rc;
	before = cal_json_text(a, cur);
	if (cur->version != expected)
		return stale_version(err, a, "calendar", expected, before);
	rc = db_exec(db, "UPDATE calendars SET version = version + 1,"
	    " updated_at = ? WHERE id = ? AND version = ?",
	    DB_ARGS(DB_I(now), DB_I(cur->id), DB_I(expected)), &changed, err);
	if (rc)
		return rc;
	if (changed == 0)
		return stale_version(err, a, "calendar", expected, before);
	rc = db_exec(db, "DELETE FROM calendar_hours WHERE calendar_id = ?",
	    DB_ARGS(DB_I(cur->id)), NULL, err);
	for (int i = 0; i < 7 && rc == SVC_OK; i++)
		for (int j = 0; j < w[i].n && rc == SVC_OK; j++)
			rc = db_exec(db, "INSERT INTO calendar_hours"
			    " (calendar_id, weekday, start_min, end_min)"
			    " VALUES (?, ?, ?, ?)", DB_ARGS(DB_I(cur->id),
			    DB_I(i + 1), DB_I(w[i].v[j].start_min),
			    DB_I(w[i].v[j].end_min)), NULL, err);
	if (rc == SVC_OK)
		rc = cal_load(db, a, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "calendar", cur->id, before,
		    cal_json_text(a, *out), err);
	return rc;
}

static enum svc_code
day_get(struct db *db, struct arena *a, int64_t cal_id, int ymd,
    const struct cal_hours week[7], struct cal_day **out, struct svc_err *err)
{
	struct cal_day *d;
	struct dbq *q;
	enum svc_code rc;
	char date[16];
	int r;

	rc = db_query(db, "SELECT " DAY_COLS " FROM calendar_days"
	    " WHERE calendar_id = ? AND day = ?", DB_ARGS(DB_I(cal_id),
	    DB_I(ymd)), &q, err);
	if (rc)
		return rc;
	r = db_next(q);
	d = arena_alloc(a, sizeof(*d));
	if (r == 1 && d != NULL) {
		day_from_row(q, a, d);
		resolve_day(d, week);
	}
	rc = db_done(q, err);
	if (rc)
		return rc;
	cal_format_ymd(ymd, date, sizeof(date));
	if (r != 1 || d == NULL)
		return svc_fail(err, SVC_ENOTFOUND, "date",
		    "no special day on %s", date);
	*out = d;
	return SVC_OK;
}

enum svc_code
cal_day_add(struct db *db, struct arena *a, const struct actor *who,
    const struct cal_day_draft *in, struct cal_day **out, struct svc_err *err)
{
	struct calendar *cal;
	struct cal_hours own;
	enum svc_code rc;
	const char *why, *text = "";
	int64_t n, id;
	int wd = in->as_weekday ? in->as_weekday : 1;
	bool has_hours = in->hours != NULL && in->hours[0] != '\0';
	char date[16];

	if (!cal_ymd_valid(in->ymd))
		return svc_fail_field(err, SVC_EINVAL, "date", "invalid",
		    "'date' must be a date YYYY-MM-DD");
	if (in->kind != CAL_HOLIDAY && in->kind != CAL_WORKDAY)
		return svc_fail_field(err, SVC_EINVAL, "kind", "not_allowed",
		    "'kind' must be holiday or workday");
	if (wd < 1 || wd > 7)
		return svc_fail_field(err, SVC_EINVAL, "as_weekday",
		    "out_of_range", "'as_weekday' must be 1 (Monday) to 7");
	if (in->kind == CAL_HOLIDAY && has_hours)
		return svc_fail_field(err, SVC_EINVAL, "hours", "not_allowed",
		    "a holiday has no working hours");
	if (in->kind == CAL_HOLIDAY && in->as_weekday != 0)
		return svc_fail_field(err, SVC_EINVAL, "as_weekday",
		    "not_allowed", "a holiday has no working hours");
	rc = cal_load(db, a, &cal, err);
	if (rc)
		return rc;
	if (has_hours) {
		if (in->as_weekday != 0)
			return svc_fail_field(err, SVC_EINVAL, "as_weekday",
			    "not_allowed", "give either 'hours' or "
			    "'as_weekday', not both");
		if (!cal_parse_hours(in->hours, &own, &why))
			return svc_fail_field(err, SVC_EINVAL, "hours",
			    "invalid", "'hours': %s", why);
		if (own.n == 0)
			return svc_fail_field(err, SVC_EINVAL, "hours",
			    "empty", "a working day needs working hours");
		text = cal_hours_text(a, &own);
	} else if (in->kind == CAL_WORKDAY && cal->week[wd - 1].n == 0) {
		return svc_fail_field(err, SVC_EINVAL, "as_weekday", "no_hours",
		    "weekday %d has no working hours: give 'hours'", wd);
	}
	rc = db_one_i64(db, "SELECT count(*) FROM calendar_days"
	    " WHERE calendar_id = ? AND day = ?", DB_ARGS(DB_I(cal->id),
	    DB_I(in->ymd)), &n, err);
	if (rc)
		return rc;
	cal_format_ymd(in->ymd, date, sizeof(date));
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, "date", "taken",
		    "%s already is a special day: delete it first", date);
	rc = db_one_i64(db, "INSERT INTO calendar_days (calendar_id, day, kind,"
	    " name, as_weekday, hours, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	    " RETURNING id", DB_ARGS(DB_I(cal->id), DB_I(in->ymd),
	    DB_S(in->kind == CAL_HOLIDAY ? "holiday" : "workday"),
	    DB_S(in->name ? in->name : ""), DB_I(wd), DB_S(text),
	    DB_I(clock_now())), &id, err);
	if (rc == SVC_OK)
		rc = day_get(db, a, cal->id, in->ymd, cal->week, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "create", "calendar_day", id, NULL,
		    day_json_text(a, *out), err);
	return rc;
}

enum svc_code
cal_day_delete(struct db *db, struct arena *a, const struct actor *who,
    int ymd, struct svc_err *err)
{
	struct calendar *cal = NULL;
	struct cal_day *d = NULL;
	enum svc_code rc;

	rc = cal_load(db, a, &cal, err);
	if (rc == SVC_OK)
		rc = day_get(db, a, cal->id, ymd, cal->week, &d, err);
	if (rc == SVC_OK)
		rc = db_exec(db, "DELETE FROM calendar_days WHERE id = ?",
		    DB_ARGS(DB_I(d->id)), NULL, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "delete", "calendar_day", d->id,
		    day_json_text(a, d), NULL, err);
	return rc;
}

enum svc_code
cal_day_list(struct db *db, struct arena *a, int from_ymd, int to_ymd,
    int after_ymd, int limit, struct cal_day **out, size_t *n, bool *more,
    struct svc_err *err)
{
	struct cal_hours week[7];
	struct cal_day *items;
	struct dbq *q;
	enum svc_code rc;
	int64_t cal_id = 0;
	size_t cnt = 0;

	rc = db_one_i64(db, "SELECT id FROM calendars ORDER BY id LIMIT 1",
	    DB_NOARGS, &cal_id, err);
	if (rc == SVC_OK)
		rc = load_week(db, cal_id, week, err);
	if (rc)
		return rc;
	items = arena_alloc(a, (size_t)(limit + 1) * sizeof(*items));
	if (items == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
	rc = db_query(db, "SELECT " DAY_COLS " FROM calendar_days"
	    " WHERE calendar_id = ? AND day >= ? AND day <= ? AND day > ?"
	    " ORDER BY day LIMIT ?", DB_ARGS(DB_I(cal_id), DB_I(from_ymd),
	    DB_I(to_ymd), DB_I(after_ymd), DB_I(limit + 1)), &q, err);
	if (rc)
		return rc;
	while (db_next(q) == 1 && cnt < (size_t)limit + 1) {
		day_from_row(q, a, &items[cnt]);
		resolve_day(&items[cnt], week);
		cnt++;
	}
	rc = db_done(q, err);
	*more = cnt > (size_t)limit;
	*n = *more ? (size_t)limit : cnt;
	*out = items;
	return rc;
}
