/*
 * settings — groups of whole-number settings in the settings table; the
 * contract is in settings.h.
 */
#include "domain/core/settings.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "util/clock.h"

static int64_t *
member(void *s, size_t off)
{
	return (int64_t *)(void *)((char *)s + off);
}

static int64_t
value_of(const void *s, size_t off)
{
	int64_t v;

	memcpy(&v, (const char *)s + off, sizeof(v));
	return v;
}

static enum svc_code
get_one(struct db *db, const struct setting_field *f, int64_t *val,
    int64_t *ver, struct svc_err *err)
{
	struct dbq *q;
	enum svc_code rc;
	const char *s;

	*val = f->dflt;
	*ver = 0;
	rc = db_query(db, "SELECT value, version FROM settings WHERE key = ?",
	    DB_ARGS(DB_S(f->key)), &q, err);
	if (rc)
		return rc;
	if (db_next(q) == 1) {
		s = db_str(q, 0);
		if (s == NULL || !str_to_i64(s, strlen(s), f->min, f->max, val))
			*val = f->dflt;
		*ver = db_i64(q, 1);
	}
	return db_done(q, err);
}

enum svc_code
settings_get(struct db *db, const struct setting_group *g, void *out,
    struct svc_err *err)
{
	enum svc_code rc = SVC_OK;
	int64_t version = 1, ver;

	for (const struct setting_field *f = g->fields; f->key != NULL; f++) {
		rc = get_one(db, f, member(out, f->off), &ver, err);
		if (rc)
			break;
		version += ver;
	}
	*member(out, g->version_off) = rc == SVC_OK ? version : 0;
	return rc;
}

void
settings_to_json(struct jw *w, const struct setting_group *g, const void *s)
{
	jw_obj_open(w);
	for (const struct setting_field *f = g->fields; f->key != NULL; f++)
		jw_ki64(w, f->name, value_of(s, f->off));
	jw_ki64(w, "version", value_of(s, g->version_off));
	jw_obj_close(w);
}

/* The group as JSON text in the arena (the audit row's before/after). */
static char *
settings_text(struct arena *a, const struct setting_group *g, const void *s)
{
	char *t = arena_strdup(a, "{");

	for (const struct setting_field *f = g->fields; f->key != NULL; f++)
		t = arena_printf(a, "%s\"%s\":%lld,", t ? t : "", f->name,
		    (long long)value_of(s, f->off));
	return arena_printf(a, "%s\"version\":%lld}", t ? t : "",
	    (long long)value_of(s, g->version_off));
}

static enum svc_code
put_one(struct db *db, const char *key, int64_t v, int64_t now,
    struct svc_err *err)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	return db_exec(db, "INSERT INTO settings (key, value, version,"
	    " updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (key) DO UPDATE"
	    " SET value = excluded.value, version = settings.version + 1,"
	    " updated_at = excluded.updated_at",
	    DB_ARGS(DB_S(key), DB_S(tmp), DB_I(now)), NULL, err);
}

enum svc_code
settings_set(struct db *db, struct arena *a, const struct actor *who,
    const struct setting_group *g, int64_t expected, const void *in,
    void *out, struct svc_err *err)
{
	const struct setting_field *f;
	int64_t now = clock_now();
	enum svc_code rc;
	char *before;
	void *curp = arena_alloc(a, g->size);

	if (curp == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL,
		    "out of request memory");
	rc = settings_get(db, g, curp, err);
	if (rc)
		return rc;
	before = settings_text(a, g, curp);
	if (value_of(curp, g->version_off) != expected)
		return stale_version(err, a, "settings", expected, before);
	for (f = g->fields; f->key != NULL; f++) {
		int64_t v = value_of(in, f->off);

		if (v < f->min || v > f->max)
			return svc_fail_field(err, SVC_EINVAL, f->name,
			    "out_of_range", "'%s' must be between %lld and "
			    "%lld", f->name, (long long)f->min,
			    (long long)f->max);
	}
	for (f = g->fields; f->key != NULL && rc == SVC_OK; f++)
		if (value_of(in, f->off) != value_of(curp, f->off))
			rc = put_one(db, f->key, value_of(in, f->off), now,
			    err);
	if (rc == SVC_OK)
		rc = settings_get(db, g, out, err);
	if (rc == SVC_OK)
		rc = audit_write(db, who, "update", "settings", 0, before,
		    settings_text(a, g, out), err);
	return rc;
}
