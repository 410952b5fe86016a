/*
 * decode — JSON bodies into C structs by field tables (Kore validators,
 * kcgi kvalid): everything not declared is refused.
 */
#include <jansson.h>
#include <string.h>

#include "api/api.h"
#include "domain/core/text.h"
#include "util/mem.h"
#include "util/date.h"
#include "util/text.h"

static const char *
type_word(enum ftype t)
{
	switch (t) {
	case F_TEXT:
	case F_ENUM:
		return "a string";
	case F_I64:
		return "an integer";
	case F_ID:
		return "an id (positive integer)";
	case F_BOOL:
		return "true or false";
	case F_STRARR:
		return "an array of strings";
	case F_DATE:
		return "a date YYYY-MM-DD";
	}
	return "a value";
}

static enum svc_code
bad_type(struct req *rq, const struct field *f)
{
	return svc_fail_field(&rq->err, SVC_EINVAL, f->name, "wrong_type",
	    "'%s' must be %s", f->name, type_word(f->type));
}

static enum svc_code
decode_text(struct req *rq, const struct field *f, json_t *v,
    const char **out)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v), chars;
	uint32_t cp = 0;
	long at;

	chars = utf8_len(s, len);
	if (f->min > 0 && chars < (size_t)f->min)
		return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
		    f->min == 1 ? "required" : "too_short",
		    "'%s' must have at least %lld characters", f->name,
		    (long long)f->min);
	if (f->max > 0 && chars > (size_t)f->max)
		return svc_fail_field(&rq->err, SVC_EINVAL, f->name, "too_long",
		    "'%s' must have at most %lld characters", f->name,
		    (long long)f->max);
	/* white space alone is not a value of a field that must have one */
	if (f->min > 0 && !(f->flags & F_SECRET) && !text_given(s))
		return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
		    "required", "'%s' must not be blank", f->name);
	at = text_names_a_thing(f->name) ? text_invisible_at(s, len, &cp) : -1;
	if (at >= 0)
		return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
		    "invisible_character", "'%s' holds U+%04X, an invisible "
		    "or bidirectional control character (at byte %ld)",
		    f->name, (unsigned)cp, at);
	*out = arena_strndup(&rq->arena, s, len);
	return SVC_OK;
}

static enum svc_code
decode_one(struct req *rq, const struct field *f, json_t *v, char *base)
{
	void *dst = base + f->off;
	enum svc_code rc;
	json_int_t n;

	if (json_is_null(v)) {
		if (!(f->flags & F_NULLABLE) && f->type != F_ID)
			return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
			    "null", "'%s' cannot be null", f->name);
		if (f->type == F_TEXT || f->type == F_ENUM)
			*(const char **)dst = NULL;
		else if (f->type == F_ID || f->type == F_I64)
			*(int64_t *)dst = 0;
		else if (f->type == F_DATE)
			*(int *)dst = 0;
		return SVC_OK;
	}
	switch (f->type) {
	case F_TEXT:
		if (!json_is_string(v))
			return bad_type(rq, f);
		return decode_text(rq, f, v, (const char **)dst);
	case F_ENUM:
		if (!json_is_string(v))
			return bad_type(rq, f);
		for (int i = 0; f->enums[i] != NULL; i++) {
			if (strcmp(f->enums[i], json_string_value(v)) == 0) {
				*(const char **)dst = f->enums[i];
				return SVC_OK;
			}
		}
		return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
		    "not_allowed", "'%s' has a value that is not allowed",
		    f->name);
	case F_I64:
	case F_ID:
		if (!json_is_integer(v))
			return bad_type(rq, f);
		n = json_integer_value(v);
		if (f->type == F_ID && n < 1)
			return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
			    "out_of_range", "'%s' must be a positive id",
			    f->name);
		if (f->type == F_I64 && (n < f->min || n > f->max))
			return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
			    "out_of_range", "'%s' must be between %lld and %lld",
			    f->name, (long long)f->min, (long long)f->max);
		*(int64_t *)dst = (int64_t)n;
		return SVC_OK;
	case F_DATE:
		if (!json_is_string(v) ||
		    !ymd_parse(json_string_value(v), (int *)dst))
			return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
			    "invalid", "'%s' must be a date YYYY-MM-DD",
			    f->name);
		return SVC_OK;
	case F_BOOL:
		if (!json_is_boolean(v))
			return bad_type(rq, f);
		*(bool *)dst = json_is_true(v);
		return SVC_OK;
	case F_STRARR: {
		struct strarr *sa = dst;
		size_t i, len = json_array_size(v);
		json_t *item;

		if (!json_is_array(v))
			return bad_type(rq, f);
		if (f->max > 0 && len > (size_t)f->max)
			return svc_fail_field(&rq->err, SVC_EINVAL, f->name,
			    "too_many", "'%s' may have at most %lld items",
			    f->name, (long long)f->max);
		sa->v = arena_alloc(&rq->arena, (len + 1) * sizeof(char *));
		if (sa->v == NULL)
			return svc_fail(&rq->err, SVC_ETOOBIG, f->name,
			    "out of request memory");
		json_array_foreach(v, i, item) {
			struct field one = { .name = f->name, .type = F_TEXT,
				.min = 1, .max = 200 };

			if (!json_is_string(item))
				return bad_type(rq, f);
			rc = decode_text(rq, &one, item, &sa->v[i]);
			if (rc)
				return rc;
		}
		sa->n = len;
		return SVC_OK;
	}
	}
	return bad_type(rq, f);
}

enum svc_code
decode_json(struct req *rq, const struct field *fields, void *out,
    unsigned *present)
{
	const char *key;
	json_t *v;
	enum svc_code rc;
	unsigned seen = 0;

	if (present != NULL)
		*present = 0;
	if (rq->json == NULL || !json_is_object(rq->json))
		return svc_fail(&rq->err, SVC_EINVAL, "body",
		    "the body must be a JSON object");
	json_object_foreach(rq->json, key, v) {
		const struct field *f = NULL;

		for (size_t i = 0; fields[i].name != NULL; i++) {
			if (strcmp(fields[i].name, key) == 0) {
				f = &fields[i];
				seen |= 1u << i;
				break;
			}
		}
		if (f == NULL)
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    arena_strdup(&rq->arena, key), "unknown",
			    "unknown field '%.60s'", key);
		rc = decode_one(rq, f, v, out);
		if (rc)
			return rc;
		if (present != NULL)
			*present |= f->mask;
	}
	for (size_t i = 0; fields[i].name != NULL; i++)
		if ((fields[i].flags & F_REQUIRED) && !(seen & (1u << i)))
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    fields[i].name, "required", "'%s' is required",
			    fields[i].name);
	return SVC_OK;
}

/* ----- by a record's declaration ----- */

/* The decoding field of a declared one (name: its key, or a path). */
static struct field
as_field(const struct rfield *rf, const char *name, enum rec_mode mode)
{
	static const enum ftype types[] = {
		[RT_TEXT] = F_TEXT, [RT_ENUM] = F_ENUM, [RT_INT] = F_I64,
		[RT_MONEY] = F_I64, [RT_ID] = F_ID, [RT_BOOL] = F_BOOL,
		[RT_DATE] = F_DATE, [RT_TIME] = F_I64, [RT_LIST] = F_I64,
		[RT_IDS] = F_I64,
	};
	struct field f = {
		.name = name, .type = types[rf->type], .off = rf->off,
		.min = rf->min, .max = rf->max, .enums = rf->enums,
	};

	if (rf->flags & RF_NULLABLE)
		f.flags |= F_NULLABLE;
	if ((rf->flags & RF_REQUIRED) && mode == REC_CREATE)
		f.flags |= F_REQUIRED;
	return f;
}

/* May a body give field rf in this mode? */
static bool
takes(const struct rfield *rf, enum rec_mode mode)
{
	if (mode == REC_UPDATE && strcmp(rf->key, "version") == 0)
		return true;
	if (rf->flags & RF_OUT)
		return false;
	return mode == REC_CREATE || !(rf->flags & RF_FIXED);
}

static enum svc_code decode_obj(struct req *, const struct record *,
    enum rec_mode, json_t *, void *out, rec_mask *, const char *prefix);

static enum svc_code
decode_list(struct req *rq, const struct rfield *rf, const char *name,
    json_t *v, void *out)
{
	struct rec_list *l = (void *)REC_AT(out, rf);
	const struct record *of = rf->of;
	size_t n = json_array_size(v);
	enum svc_code rc;
	rec_mask m;

	if (json_is_null(v) && (rf->flags & RF_REQUIRED))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "required",
		    "'%s' is required", name);
	if (json_is_null(v))
		v = NULL;
	else if (!json_is_array(v))
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "wrong_type",
		    "'%s' must be an array of objects", name);
	if (n < (size_t)rf->min)
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "required",
		    "'%s' must have at least %lld items", name,
		    (long long)rf->min);
	if (rf->max > 0 && n > (size_t)rf->max)
		return svc_fail_field(&rq->err, SVC_EINVAL, name, "too_many",
		    "'%s' may have at most %lld items", name,
		    (long long)rf->max);
	l->v = arena_alloc(&rq->arena, (n ? n : 1) * of->size);
	if (l->v == NULL)
		return svc_fail(&rq->err, SVC_ETOOBIG, name,
		    "out of request memory");
	l->n = n;
	for (size_t i = 0; i < n; i++) {
		char *item = (char *)l->v + i * of->size;
		const char *at = arena_printf(&rq->arena, "%s[%zu]", name, i);

		rec_init(of, item);
		if (!json_is_object(json_array_get(v, i)))
			return svc_fail_field(&rq->err, SVC_EINVAL, at,
			    "wrong_type", "'%s' must be an object", at);
		rc = decode_obj(rq, of, REC_CREATE, json_array_get(v, i), item,
		    &m, at);
		if (rc)
			return rc;
	}
	return SVC_OK;
}

static enum svc_code
decode_obj(struct req *rq, const struct record *r, enum rec_mode mode,
    json_t *obj, void *out, rec_mask *mask, const char *prefix)
{
	const char *key;
	json_t *v;
	enum svc_code rc;
	rec_mask seen = 0;

	*mask = 0;
	json_object_foreach(obj, key, v) {
		int i = rec_field(r, key);
		const struct rfield *rf = i >= 0 ? &r->fields[i] : NULL;
		const char *name = prefix == NULL ? (rf ? rf->key : key) :
		    arena_printf(&rq->arena, "%s.%s", prefix, key);
		struct field f;

		if (rf == NULL || !takes(rf, mode))
			return svc_fail_field(&rq->err, SVC_EINVAL,
			    arena_strdup(&rq->arena, name), "unknown",
			    "unknown field '%.60s'", name);
		seen |= REC_BIT(i);
		if (rf->type == RT_LIST) {
			rc = decode_list(rq, rf, name, v, out);
		} else {
			f = as_field(rf, name, mode);
			if (strcmp(rf->key, "version") == 0)
				f.min = 1, f.max = INT64_MAX;
			rc = decode_one(rq, &f, v, out);
			if (rc == SVC_OK && json_is_null(v) &&
			    (rf->type == RT_INT || rf->type == RT_MONEY))
				*(int64_t *)(void *)REC_AT(out, rf) = REC_NULL;
		}
		if (rc)
			return rc;
	}
	for (int i = 0; mode == REC_CREATE && r->fields[i].key != NULL; i++)
		if ((r->fields[i].flags & RF_REQUIRED) &&
		    !(r->fields[i].flags & RF_OUT) && !(seen & REC_BIT(i))) {
			const char *name = prefix == NULL ? r->fields[i].key :
			    arena_printf(&rq->arena, "%s.%s", prefix,
			    r->fields[i].key);

			return svc_fail_field(&rq->err, SVC_EINVAL, name,
			    "required", "'%s' is required", name);
		}
	*mask = seen;
	return SVC_OK;
}

enum svc_code
decode_record(struct req *rq, const struct record *r, enum rec_mode mode,
    void *out, rec_mask *mask)
{
	if (rq->json == NULL || !json_is_object(rq->json))
		return svc_fail(&rq->err, SVC_EINVAL, "body",
		    "the body must be a JSON object");
	return decode_obj(rq, r, mode, rq->json, out, mask, NULL);
}

void
api_req_cleanup(struct req *rq)
{
	if (rq->json != NULL)
		json_decref(rq->json);
	rq->json = NULL;
}
