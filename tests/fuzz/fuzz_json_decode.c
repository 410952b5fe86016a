/*
 * fuzz_json_decode — a request body through what the router does with it
 * (UTF-8 check, jansson with duplicate keys refused, "must be an object")
 * and then decode_json() with every body field table of the route table,
 * plus one table of our own that has each field type and flag; and
 * decode_record() with every declared record of the route table (create
 * and update bodies, a return form's nested lines).
 *
 * Besides the sanitizers, it checks what decode_json() promises: it answers
 * SVC_OK or SVC_EINVAL (naming a field), and on SVC_OK every given field
 * obeys its declaration (text: valid UTF-8 without NUL, min..max code
 * points; integers in range; ids >= 1 or 0 for null; enums one of the list;
 * string arrays at most max items of 1..200 characters) and every required
 * field was given.
 *
 *   build-fuzz/fuzz_json_decode tests/fuzz/corpus/fuzz_json_decode
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TABLES_MAX 128
#define OUT_MAX 4096

struct rep {
	const char *text;
	const char *note;
	int64_t n;
	int64_t id;
	bool flag;
	const char *kind;
	struct strarr tags;
};

static const char *const rep_kinds[] = { "repair", "complaint", "咨询", NULL };

static const struct field rep_fields[] = {
	{ "text", F_TEXT, offsetof(struct rep, text), F_REQUIRED, 1, 10,
	    1u << 0, NULL, NULL },
	{ "note", F_TEXT, offsetof(struct rep, note), F_NULLABLE, 0, 2000,
	    1u << 1, NULL, NULL },
	{ "n", F_I64, offsetof(struct rep, n), 0, -5, 1000, 1u << 2, NULL,
	    NULL },
	{ "id", F_ID, offsetof(struct rep, id), 0, 0, 0, 1u << 3, NULL, NULL },
	{ "flag", F_BOOL, offsetof(struct rep, flag), 0, 0, 0, 1u << 4, NULL,
	    NULL },
	{ "kind", F_ENUM, offsetof(struct rep, kind), F_NULLABLE, 0, 0, 1u << 5,
	    rep_kinds, NULL },
	{ "tags", F_STRARR, offsetof(struct rep, tags), 0, 0, 3, 1u << 6, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static const struct field *tables[TABLES_MAX];
static size_t ntables;

static void
add_table(const struct field *f)
{
	size_t n = 0;

	if (f == NULL)
		return;
	for (size_t i = 0; i < ntables; i++)
		if (tables[i] == f)
			return;
	while (f[n].name != NULL) {
		if (f[n].off + sizeof(struct strarr) > OUT_MAX) {
			fprintf(stderr, "field '%s' beyond OUT_MAX\n",
			    f[n].name);
			abort();
		}
		n++;
	}
	/* decode_json() keeps the fields seen in an unsigned bit set */
	if (n > 32) {
		fprintf(stderr, "a field table has %zu fields (> 32), starting "
		    "with '%s'\n", n, f[0].name);
		abort();
	}
	if (ntables < TABLES_MAX)
		tables[ntables++] = f;
}

static void
init(void)
{
	api_routes_init();
	add_table(rep_fields);
	for (size_t i = 0; i < api_nroutes; i++)
		add_table(api_routes[i].body);
}

static void
fail(const char *what, const struct field *f)
{
	fprintf(stderr, "fuzz_json_decode: %s (field '%s')\n", what,
	    f ? f->name : "-");
	abort();
}

/* What decode_json() promises for one given field f with JSON value v. */
static void
check_field(const struct field *f, json_t *v, const unsigned char *out)
{
	const void *dst = out + f->off;

	if (json_is_null(v)) {
		if (f->type == F_TEXT || f->type == F_ENUM) {
			if (*(const char *const *)dst != NULL)
				fail("null text not NULL", f);
		} else if (f->type == F_ID || f->type == F_I64) {
			if (*(const int64_t *)dst != 0)
				fail("null number not 0", f);
		}
		if (!(f->flags & F_NULLABLE) && f->type != F_ID)
			fail("null accepted for a field that is not nullable",
			    f);
		return;
	}
	switch (f->type) {
	case F_TEXT: {
		const char *s = *(const char *const *)dst;
		size_t len, chars;

		if (s == NULL || !json_is_string(v))
			fail("text", f);
		len = strlen(s);
		if (len != json_string_length(v) || !utf8_valid(s, len))
			fail("text not the JSON string, or not UTF-8", f);
		chars = utf8_len(s, len);
		if ((f->min > 0 && chars < (size_t)f->min) ||
		    (f->max > 0 && chars > (size_t)f->max))
			fail("text length outside min..max", f);
		break;
	}
	case F_ENUM: {
		const char *s = *(const char *const *)dst;
		bool found = false;

		for (int i = 0; f->enums[i] != NULL; i++)
			if (s == f->enums[i])
				found = true;
		if (!found)
			fail("enum value not from the list", f);
		break;
	}
	case F_I64: {
		int64_t n = *(const int64_t *)dst;

		if (n < f->min || n > f->max || n != json_integer_value(v))
			fail("integer outside min..max", f);
		break;
	}
	case F_ID:
		if (*(const int64_t *)dst < 1)
			fail("id < 1", f);
		break;
	case F_BOOL:
		if (*(const bool *)dst != json_is_true(v))
			fail("bool", f);
		break;
	case F_DATE:
		if (!ymd_valid(*(const int *)dst))
			fail("a date that is not a calendar day", f);
		break;
	case F_STRARR: {
		const struct strarr *sa = dst;

		if (f->max > 0 && sa->n > (size_t)f->max)
			fail("too many items", f);
		if (sa->n != json_array_size(v))
			fail("item count", f);
		for (size_t i = 0; i < sa->n; i++) {
			size_t len = strlen(sa->v[i]);
			size_t chars = utf8_len(sa->v[i], len);

			if (!utf8_valid(sa->v[i], len) || chars < 1 ||
			    chars > 200)
				fail("item text", f);
		}
		break;
	}
	}
}

static void
decode_with(json_t *obj, const struct field *fields)
{
	_Alignas(16) unsigned char out[OUT_MAX];
	struct req rq;
	enum svc_code rc;
	unsigned present = 0, want = 0;
	const char *key;
	json_t *v;

	memset(&rq, 0, sizeof(rq));
	memset(out, 0, sizeof(out));
	arena_init(&rq.arena, 4u << 20);
	rq.json = obj;
	rc = decode_json(&rq, fields, out, &present);
	if (rc != SVC_OK && rc != SVC_EINVAL && !(rc == SVC_ETOOBIG &&
	    rq.arena.oom))
		fail("decode_json answered a code other than OK/EINVAL", NULL);
	/* (an unknown key "" is named by the message only) */
	if (rc != SVC_OK && rq.err.field[0] == '\0' &&
	    json_object_get(obj, "") == NULL)
		fail("an error that names no field", NULL);
	if (rc != SVC_OK && (!utf8_valid(rq.err.field,
	    strlen(rq.err.field)) || !utf8_valid(rq.err.msg,
	    strlen(rq.err.msg))))
		fail("an error that is not UTF-8", NULL);
	if (rc == SVC_OK) {
		json_object_foreach(obj, key, v) {
			const struct field *f = NULL;

			for (size_t i = 0; fields[i].name != NULL; i++)
				if (strcmp(fields[i].name, key) == 0)
					f = &fields[i];
			if (f == NULL)
				fail("an unknown field was accepted", NULL);
			want |= f->mask;
			check_field(f, v, out);
		}
		for (size_t i = 0; fields[i].name != NULL; i++)
			if ((fields[i].flags & F_REQUIRED) &&
			    json_object_get(obj, fields[i].name) == NULL)
				fail("a required field was missing",
				    &fields[i]);
		if (present != want)
			fail("*present is not the masks of the given fields",
			    NULL);
	}
	rq.json = NULL;
	arena_release(&rq.arena);
}

/*
 * A declared record's body (domain/record) in one mode: OK or EINVAL
 * naming a field; on OK every key given is one the mode takes.
 */
static void
decode_rec_with(json_t *obj, const struct record *r, enum rec_mode mode)
{
	_Alignas(16) unsigned char out[OUT_MAX];
	struct req rq;
	enum svc_code rc;
	rec_mask mask = 0;
	const char *key;
	json_t *v;

	if (r->size > sizeof(out))
		return;
	memset(&rq, 0, sizeof(rq));
	arena_init(&rq.arena, 4u << 20);
	rec_init(r, out);
	rq.json = obj;
	rc = decode_record(&rq, r, mode, out, &mask);
	if (rc != SVC_OK && rc != SVC_EINVAL && !(rc == SVC_ETOOBIG &&
	    rq.arena.oom))
		fail("decode_record answered a code other than OK/EINVAL",
		    NULL);
	if (rc != SVC_OK && rq.err.field[0] == '\0' &&
	    json_object_get(obj, "") == NULL)
		fail("decode_record: an error that names no field", NULL);
	if (rc == SVC_OK) {
		json_object_foreach(obj, key, v) {
			int i = rec_field(r, key);

			(void)v;
			if (i < 0 || !(mask & REC_BIT(i)))
				fail("decode_record took a key it does not "
				    "declare", NULL);
			if ((r->fields[i].flags & RF_OUT) &&
			    strcmp(key, "version") != 0)
				fail("decode_record took a read-only field",
				    NULL);
		}
	}
	rq.json = NULL;
	arena_release(&rq.arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	json_error_t jerr;
	json_t *obj;

	if (!inited) {
		init();
		inited = true;
	}
	/* as the router's parse_body() */
	if (!utf8_valid((const char *)data, size))
		return 0;
	obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (obj == NULL)
		return 0;
	if (json_is_object(obj)) {
		for (size_t i = 0; i < ntables; i++)
			decode_with(obj, tables[i]);
		for (size_t i = 0; i < api_nroutes; i++) {
			const struct route *rt = &api_routes[i];

			if (rt->body_rec != NULL)
				decode_rec_with(obj, rt->body_rec, REC_CREATE);
			if (rt->res != NULL && (rt->method & HTTP_POST))
				decode_rec_with(obj, rt->res->rec, REC_CREATE);
			if (rt->res != NULL && (rt->method & HTTP_PATCH))
				decode_rec_with(obj, rt->res->rec, REC_UPDATE);
		}
	}
	json_decref(obj);
	return 0;
}
