/*
 * openapi — the OpenAPI 3 document, generated from the route table and its
 * field tables, so that it cannot drift from what the server does.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "util/json.h"

static const char *
method_word(unsigned m)
{
	return m & HTTP_GET ? "get" : m & HTTP_POST ? "post" : m & HTTP_PUT ?
	    "put" : m & HTTP_PATCH ? "patch" : "delete";
}

static void
field_schema(struct jw *w, const struct field *f)
{
	jw_obj_open(w);
	switch (f->type) {
	case F_TEXT:
		jw_kstr(w, "type", "string");
		if (f->min > 0)
			jw_ki64(w, "minLength", f->min);
		if (f->max > 0)
			jw_ki64(w, "maxLength", f->max);
		if (f->flags & F_SECRET)
			jw_kstr(w, "format", "password");
		break;
	case F_ENUM:
		jw_kstr(w, "type", "string");
		jw_key(w, "enum");
		jw_arr_open(w);
		for (int i = 0; f->enums[i] != NULL; i++)
			jw_str(w, f->enums[i]);
		jw_arr_close(w);
		break;
	case F_I64:
		jw_kstr(w, "type", "integer");
		jw_kstr(w, "format", "int64");
		jw_ki64(w, "minimum", f->min);
		jw_ki64(w, "maximum", f->max);
		break;
	case F_ID:
		jw_kstr(w, "type", "integer");
		jw_kstr(w, "format", "int64");
		jw_ki64(w, "minimum", 1);
		break;
	case F_BOOL:
		jw_kstr(w, "type", "boolean");
		break;
	case F_STRARR:
		jw_kstr(w, "type", "array");
		jw_key(w, "items");
		jw_obj_open(w);
		jw_kstr(w, "type", "string");
		jw_obj_close(w);
		if (f->max > 0)
			jw_ki64(w, "maxItems", f->max);
		break;
	}
	if (f->flags & F_NULLABLE)
		jw_kbool(w, "nullable", true);
	if (f->doc != NULL)
		jw_kstr(w, "description", f->doc);
	jw_obj_close(w);
}

static void
body_schema(struct jw *w, const struct field *fields)
{
	bool any_required = false;

	jw_obj_open(w);
	jw_kstr(w, "type", "object");
	jw_kbool(w, "additionalProperties", false);
	jw_key(w, "properties");
	jw_obj_open(w);
	for (size_t i = 0; fields[i].name != NULL; i++) {
		jw_key(w, fields[i].name);
		field_schema(w, &fields[i]);
		if (fields[i].flags & F_REQUIRED)
			any_required = true;
	}
	jw_obj_close(w);
	if (any_required) {
		jw_key(w, "required");
		jw_arr_open(w);
		for (size_t i = 0; fields[i].name != NULL; i++)
			if (fields[i].flags & F_REQUIRED)
				jw_str(w, fields[i].name);
		jw_arr_close(w);
	}
	jw_obj_close(w);
}

static void
response_ref(struct jw *w, const char *code, const char *desc,
    const char *schema)
{
	jw_key(w, code);
	jw_obj_open(w);
	jw_kstr(w, "description", desc);
	if (schema != NULL) {
		jw_key(w, "content");
		jw_obj_open(w);
		jw_key(w, "application/json");
		jw_obj_open(w);
		jw_key(w, "schema");
		jw_obj_open(w);
		jw_kstr(w, "$ref", schema);
		jw_obj_close(w);
		jw_obj_close(w);
		jw_obj_close(w);
	}
	jw_obj_close(w);
}

/* "/api/v1/users/{id}" -> "users_id_get" style operation ids */
static void
operation_id(const struct route *r, char *out, size_t len)
{
	size_t n = 0;
	const char *p = r->pattern;

	n += (size_t)snprintf(out, len, "%s", method_word(r->method));
	for (; *p != '\0' && n + 2 < len; p++) {
		if (*p == '/' || *p == '{' || *p == '}' || *p == '.' ||
		    *p == '-') {
			if (out[n - 1] != '_')
				out[n++] = '_';
		} else
			out[n++] = *p;
	}
	while (n > 0 && out[n - 1] == '_')
		n--;
	out[n] = '\0';
}

static void
operation(struct jw *w, const struct route *r)
{
	char opid[160];
	const char *p;
	bool has_param = strchr(r->pattern, '{') != NULL;

	operation_id(r, opid, sizeof(opid));
	jw_key(w, method_word(r->method));
	jw_obj_open(w);
	jw_kstr(w, "operationId", opid);
	jw_kstr(w, "summary", r->summary);
	jw_key(w, "tags");
	jw_arr_open(w);
	jw_str(w, r->tag);
	jw_arr_close(w);
	if (r->flags & R_PUBLIC) {
		jw_key(w, "security");
		jw_raw(w, "[]");
	} else {
		jw_kstr(w, "x-permission", r->perm);
	}
	if (has_param || r->query != NULL || (r->flags & R_IDEMPOTENT)) {
		jw_key(w, "parameters");
		jw_arr_open(w);
		for (p = strchr(r->pattern, '{'); p != NULL;
		    p = strchr(p + 1, '{')) {
			const char *e = strchr(p, '}');

			jw_obj_open(w);
			jw_key(w, "name");
			jw_strn(w, p + 1, (size_t)(e - p - 1));
			jw_kstr(w, "in", "path");
			jw_kbool(w, "required", true);
			jw_key(w, "schema");
			jw_raw(w, strncmp(p, "{id}", 4) == 0 ?
			    "{\"type\":\"integer\",\"format\":\"int64\"}" :
			    "{\"type\":\"string\"}");
			jw_obj_close(w);
		}
		for (size_t i = 0; r->query != NULL && r->query[i] != NULL;
		    i++) {
			jw_obj_open(w);
			jw_kstr(w, "name", r->query[i]);
			jw_kstr(w, "in", "query");
			jw_kbool(w, "required", false);
			jw_key(w, "schema");
			jw_raw(w, strcmp(r->query[i], "limit") == 0 ?
			    "{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,"
			    "\"default\":25}" : "{\"type\":\"string\"}");
			jw_obj_close(w);
		}
		if (r->flags & R_IDEMPOTENT) {
			jw_obj_open(w);
			jw_kstr(w, "name", "Idempotency-Key");
			jw_kstr(w, "in", "header");
			jw_kbool(w, "required", false);
			jw_kstr(w, "description", "the same key within 24 h "
			    "returns the first answer and creates one record");
			jw_key(w, "schema");
			jw_raw(w, "{\"type\":\"string\",\"maxLength\":200}");
			jw_obj_close(w);
		}
		jw_arr_close(w);
	}
	if (r->body != NULL) {
		jw_key(w, "requestBody");
		jw_obj_open(w);
		jw_kbool(w, "required", true);
		jw_key(w, "content");
		jw_obj_open(w);
		jw_key(w, "application/json");
		jw_obj_open(w);
		jw_key(w, "schema");
		body_schema(w, r->body);
		jw_obj_close(w);
		jw_obj_close(w);
		jw_obj_close(w);
	}
	jw_key(w, "responses");
	jw_obj_open(w);
	if (r->method & HTTP_DELETE || strstr(r->pattern, "password") != NULL)
		response_ref(w, "204", "done", NULL);
	else if (r->method & HTTP_POST && (r->flags & R_IDEMPOTENT))
		response_ref(w, "201", "created", "#/components/schemas/Object");
	else if (strcmp(r->pattern, "/metrics") == 0) {
		jw_key(w, "200");
		jw_raw(w, "{\"description\":\"Prometheus text\",\"content\":"
		    "{\"text/plain\":{\"schema\":{\"type\":\"string\"}}}}");
	} else
		response_ref(w, "200", "OK", "#/components/schemas/Object");
	response_ref(w, "default", "an error (SPEC §7)",
	    "#/components/schemas/Error");
	jw_obj_close(w);
	jw_obj_close(w);
}

void
openapi_render(struct buf *b)
{
	struct jw w;

	jw_init(&w, b);
	jw_obj_open(&w);
	jw_kstr(&w, "openapi", "3.0.3");
	jw_key(&w, "info");
	jw_obj_open(&w);
	jw_kstr(&w, "title", "Aftersales API");
	jw_kstr(&w, "version", "1");
	jw_kstr(&w, "description", "售后服务管理系统: the JSON API. Money is "
	    "integer fen; times are ISO-8601 in the company time zone. "
	    "Writes with the session cookie need the X-CSRF-Token header.");
	jw_key(&w, "license");
	jw_raw(&w, "{\"name\":\"Proprietary\",\"url\":\"https://example.com/license\"}");
	jw_obj_close(&w);
	jw_key(&w, "servers");
	jw_raw(&w, "[{\"url\":\"http://127.0.0.1:8080\"}]");
	jw_key(&w, "security");
	jw_raw(&w, "[{\"bearer\":[]},{\"cookie\":[]}]");
	jw_key(&w, "tags");
	jw_arr_open(&w);
	{
		const char *seen[32];
		size_t ns = 0;

		for (size_t i = 0; i < api_nroutes; i++) {
			bool dup = false;

			for (size_t k = 0; k < ns; k++)
				if (strcmp(seen[k], api_routes[i].tag) == 0)
					dup = true;
			if (dup || ns >= 32)
				continue;
			seen[ns++] = api_routes[i].tag;
			jw_obj_open(&w);
			jw_kstr(&w, "name", api_routes[i].tag);
			jw_kstr(&w, "description", api_routes[i].tag);
			jw_obj_close(&w);
		}
	}
	jw_arr_close(&w);
	jw_key(&w, "paths");
	jw_obj_open(&w);
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *r = &api_routes[i];

		/* routes sharing a path are adjacent in the table */
		if (i == 0 || strcmp(api_routes[i - 1].pattern, r->pattern) != 0) {
			if (i > 0)
				jw_obj_close(&w);
			jw_key(&w, r->pattern);
			jw_obj_open(&w);
		}
		operation(&w, r);
	}
	if (api_nroutes > 0)
		jw_obj_close(&w);
	jw_obj_close(&w);
	jw_key(&w, "components");
	jw_raw(&w, "{\"securitySchemes\":{"
	    "\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"},"
	    "\"cookie\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":\"as_session\"}},"
	    "\"schemas\":{"
	    "\"Object\":{\"type\":\"object\",\"additionalProperties\":true},"
	    "\"Error\":{\"type\":\"object\",\"required\":[\"error\"],"
	    "\"properties\":{\"error\":{\"type\":\"object\","
	    "\"required\":[\"code\",\"message\",\"details\"],\"properties\":{"
	    "\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"},"
	    "\"details\":{\"type\":\"object\",\"additionalProperties\":true}}}}}}}");
	jw_obj_close(&w);
}
