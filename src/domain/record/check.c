/*
 * check — the validators of every field of the domain (each error names
 * its field), the JSON helpers of audit texts and LIKE patterns.
 */
#include "domain/record/record.h"

#include <stdio.h>
#include <string.h>

#include "util/date.h"

enum svc_code
rec_oom(struct svc_err *err)
{
	return svc_fail(err, SVC_ETOOBIG, NULL, "out of request memory");
}

/* ----- validation ----- */

enum svc_code
rec_text_ok(struct svc_err *err, const char *field, const char *s, size_t min,
    size_t max, enum rec_text kind)
{
	size_t len, chars;

	if (s == NULL)
		s = "";
	len = strlen(s);
	if (!utf8_valid(s, len))
		return svc_fail_field(err, SVC_EINVAL, field, "invalid",
		    "'%s' is not valid UTF-8", field);
	chars = utf8_len(s, len);
	if (chars < min)
		return svc_fail_field(err, SVC_EINVAL, field,
		    min == 1 ? "required" : "too_short",
		    min == 1 ? "'%s' is required" :
		    "'%s' must have at least %zu characters", field, min);
	if (chars > max)
		return svc_fail_field(err, SVC_EINVAL, field, "too_long",
		    "'%s' must have at most %zu characters", field, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (kind == REC_MULTI && (c == '\n' || c == '\t' || c == '\r'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return svc_fail_field(err, SVC_EINVAL, field, "invalid",
			    "'%s' must not contain control characters", field);
		if (kind == REC_CODE && c == ' ')
			return svc_fail_field(err, SVC_EINVAL, field, "invalid",
			    "'%s' must not contain spaces", field);
	}
	return SVC_OK;
}

enum svc_code
rec_enum_ok(struct svc_err *err, const char *field, const char *s,
    const char *const *values)
{
	char list[200];
	size_t off = 0;

	for (size_t i = 0; s != NULL && values[i] != NULL; i++)
		if (strcmp(s, values[i]) == 0)
			return SVC_OK;
	list[0] = '\0';
	for (size_t i = 0; values[i] != NULL && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
		    i ? ", " : "", values[i]);
	return svc_fail_field(err, SVC_EINVAL, field, "not_allowed",
	    "'%s' must be one of: %s", field, list);
}

enum svc_code
rec_range_ok(struct svc_err *err, const char *field, int64_t v, int64_t min,
    int64_t max)
{
	if (v < min || v > max)
		return svc_fail_field(err, SVC_EINVAL, field, "out_of_range",
		    "'%s' must be between %lld and %lld", field,
		    (long long)min, (long long)max);
	return SVC_OK;
}

enum svc_code
rec_date_ok(struct svc_err *err, const char *field, int ymd, bool optional)
{
	if (ymd == 0 && optional)
		return SVC_OK;
	if (ymd == 0)
		return svc_fail_field(err, SVC_EINVAL, field, "required",
		    "'%s' is required", field);
	if (!ymd_valid(ymd))
		return svc_fail_field(err, SVC_EINVAL, field, "invalid",
		    "'%s' must be a date YYYY-MM-DD", field);
	return SVC_OK;
}

enum svc_code
rec_email_ok(struct svc_err *err, const char *field, const char *s)
{
	const char *at;

	if (s == NULL || s[0] == '\0')
		return SVC_OK;
	at = strchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') ||
	    strchr(s, ' ') != NULL || strchr(at, '.') == NULL)
		return svc_fail_field(err, SVC_EINVAL, field, "invalid",
		    "'%s' is not an email address", field);
	return SVC_OK;
}

enum svc_code
rec_ref_ok(struct db *db, struct svc_err *err, const char *field,
    const char *table, const char *what, int64_t id)
{
	char sql[128];
	enum svc_code rc;
	int64_t n = 0;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = ?",
	    table);
	rc = db_one_i64(db, sql, DB_ARGS(DB_I(id)), &n, err);
	if (rc)
		return rc;
	if (n == 0)
		return svc_fail_field(err, SVC_EINVAL, field, "not_found",
		    "%s %lld not found", what, (long long)id);
	return SVC_OK;
}

enum svc_code
rec_unique_ok(struct db *db, struct svc_err *err, const char *field,
    const char *sql, const char *value, const char *what)
{
	enum svc_code rc;
	int64_t n = 0;

	rc = db_one_i64(db, sql, DB_ARGS(DB_S(value)), &n, err);
	if (rc)
		return rc;
	if (n > 0)
		return svc_fail_field(err, SVC_ECONFLICT, field, "taken",
		    "%s '%s' is taken", what, value);
	return SVC_OK;
}

/* ----- JSON ----- */

char *
rec_json_text(struct arena *a, rec_json_fn fn, const void *obj)
{
	struct buf b;
	struct jw w;
	char *s;

	buf_init(&b, 1u << 20);
	jw_init(&w, &b);
	fn(&w, obj);
	s = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return s;
}

void
rec_kdate(struct jw *w, const char *k, int ymd)
{
	char tmp[16];

	if (ymd == 0) {
		jw_knull(w, k);
		return;
	}
	ymd_format(ymd, tmp, sizeof(tmp));
	jw_kstr(w, k, tmp);
}

void
rec_knull(struct jw *w, const char *k, int64_t v)
{
	if (v == REC_NULL)
		jw_knull(w, k);
	else
		jw_ki64(w, k, v);
}

char *
rec_like(struct arena *a, const char *q, bool prefix_only)
{
	size_t len = strlen(q), n = 0;
	char *p = arena_alloc(a, len * 2 + 3);

	if (p == NULL)
		return (char *)"";
	if (!prefix_only)
		p[n++] = '%';
	for (size_t i = 0; i < len; i++) {
		if (q[i] == '%' || q[i] == '_' || q[i] == '\\')
			p[n++] = '\\';
		p[n++] = q[i];
	}
	p[n++] = '%';
	p[n] = '\0';
	return p;
}

