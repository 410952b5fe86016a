/*
 * decode — JSON bodies into C structs by field tables (Kore validators,
 * kcgi kvalid): everything not declared is refused.
 */
#include <jansson.h>
#include <string.h>

#include "api/api.h"
#include "domain/core/text.h"
#include "util/mem.h"
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

void
api_req_cleanup(struct req *rq)
{
	if (rq->json != NULL)
		json_decref(rq->json);
	rq->json = NULL;
}
