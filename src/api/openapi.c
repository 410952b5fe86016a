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
	case F_DATE:
		jw_kstr(w, "type", "string");
		jw_kstr(w, "format", "date");
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

/* ----- declared records ----- */

/* "customer_contact" -> "CustomerContact" */
static void
schema_name(const struct record *r, char *out, size_t len)
{
	size_t n = 0;
	bool up = true;

	for (const char *p = r->name; *p != '\0' && n + 1 < len; p++) {
		if (*p == '_') {
			up = true;
			continue;
		}
		out[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		up = false;
	}
	out[n] = '\0';
}

static void
schema_ref(struct jw *w, const struct record *r)
{
	char name[64], ref[96];

	schema_name(r, name, sizeof(name));
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", name);
	jw_obj_open(w);
	jw_kstr(w, "$ref", ref);
	jw_obj_close(w);
}

/* Which fields a schema holds: an answer's, or a body's. */
enum schema_kind { S_ANSWER, S_CREATE, S_UPDATE };

static bool
in_schema(const struct rfield *f, enum schema_kind k)
{
	if (k == S_ANSWER)
		return true;
	if (k == S_UPDATE && strcmp(f->key, "version") == 0)
		return true;
	if (f->flags & RF_OUT)
		return false;
	return k == S_CREATE || !(f->flags & RF_FIXED);
}

static void
rfield_schema(struct jw *w, const struct rfield *f, enum schema_kind k)
{
	char doc[400];

	jw_obj_open(w);
	switch (f->type) {
	case RT_TEXT:
		jw_kstr(w, "type", "string");
		if (k != S_ANSWER && f->min > 0)
			jw_ki64(w, "minLength", f->min);
		if (k != S_ANSWER && f->max > 0)
			jw_ki64(w, "maxLength", f->max);
		break;
	case RT_ENUM:
		jw_kstr(w, "type", "string");
		jw_key(w, "enum");
		jw_arr_open(w);
		for (int i = 0; f->enums[i] != NULL; i++)
			jw_str(w, f->enums[i]);
		jw_arr_close(w);
		break;
	case RT_INT:
	case RT_MONEY:
	case RT_ID:
		jw_kstr(w, "type", "integer");
		jw_kstr(w, "format", "int64");
		if (f->type == RT_ID)
			jw_ki64(w, "minimum", 1);
		else if (k != S_ANSWER && f->max > f->min) {
			jw_ki64(w, "minimum", f->min);
			jw_ki64(w, "maximum", f->max);
		}
		break;
	case RT_BOOL:
		jw_kstr(w, "type", "boolean");
		break;
	case RT_DATE:
		jw_kstr(w, "type", "string");
		jw_kstr(w, "format", "date");
		break;
	case RT_TIME:
		jw_kstr(w, "type", "string");
		jw_kstr(w, "format", "date-time");
		break;
	case RT_IDS:
		jw_kstr(w, "type", "array");
		jw_key(w, "items");
		jw_raw(w, "{\"type\":\"integer\",\"format\":\"int64\"}");
		break;
	case RT_LIST:
		jw_kstr(w, "type", "array");
		jw_key(w, "items");
		schema_ref(w, f->of);
		if (k != S_ANSWER && f->min > 0)
			jw_ki64(w, "minItems", f->min);
		if (k != S_ANSWER && f->max > 0)
			jw_ki64(w, "maxItems", f->max);
		break;
	}
	if (f->flags & RF_NULLABLE)
		jw_kbool(w, "nullable", true);
	if (f->en != NULL)
		jw_kstr(w, "title", f->en);
	/* for the web forms and list columns: the labels and the kind */
	if (f->zh != NULL && f->en != NULL) {
		jw_key(w, "x-labels");
		jw_obj_open(w);
		jw_kstr(w, "zh-CN", f->zh);
		jw_kstr(w, "en", f->en);
		jw_obj_close(w);
	}
	jw_kstr(w, "x-type", rec_type_word(f->type));
	if (k == S_ANSWER && (f->flags & RF_COLUMN))
		jw_kbool(w, "x-column", true);
	snprintf(doc, sizeof(doc), "%s%s%s%s%s", f->zh != NULL ? f->zh : "",
	    f->doc != NULL ? ": " : "", f->doc != NULL ? f->doc : "",
	    f->type == RT_MONEY ? " (fen)" : "", (f->flags & RF_INTERNAL) ?
	    " (staff only: left out for customer users)" : "");
	if (doc[0] != '\0')
		jw_kstr(w, "description", doc);
	if (f->type == RT_ENUM && f->def != NULL && k == S_CREATE)
		jw_kstr(w, "default", f->def);
	jw_obj_close(w);
}

static void
rec_schema(struct jw *w, const struct record *r, enum schema_kind k)
{
	const struct rfield *f;
	bool any = false;

	jw_obj_open(w);
	jw_kstr(w, "type", "object");
	if (k != S_ANSWER)
		jw_kbool(w, "additionalProperties", false);
	if (k == S_ANSWER && r->en != NULL)
		jw_kstr(w, "title", r->en);
	if (k == S_ANSWER && r->zh != NULL)
		jw_kstr(w, "description", r->zh);
	jw_key(w, "properties");
	jw_obj_open(w);
	for (f = r->fields; f->key != NULL; f++) {
		if (!in_schema(f, k))
			continue;
		jw_key(w, f->key);
		rfield_schema(w, f, k);
		any |= k == S_CREATE ? (f->flags & RF_REQUIRED) != 0 :
		    k == S_ANSWER && !(f->flags & RF_INTERNAL);
	}
	jw_obj_close(w);
	if (any) {
		jw_key(w, "required");
		jw_arr_open(w);
		for (f = r->fields; f->key != NULL; f++)
			if (k == S_CREATE ? (f->flags & RF_REQUIRED) &&
			    !(f->flags & RF_OUT) : k == S_ANSWER &&
			    !(f->flags & RF_INTERNAL))
				jw_str(w, f->key);
		jw_arr_close(w);
	}
	jw_obj_close(w);
}

/* The records of the route table and those nested in them, once each. */
static size_t
records_of_routes(const struct record **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < api_nroutes; i++) {
		const struct record *r = api_routes[i].res != NULL ?
		    api_routes[i].res->rec : NULL;
		size_t k;

		/* a body is inline: only the records nested in it */
		for (const struct rfield *f = api_routes[i].body_rec != NULL ?
		    api_routes[i].body_rec->fields : NULL; f != NULL &&
		    f->key != NULL; f++)
			if (f->type == RT_LIST)
				r = f->of;

		for (size_t depth = 0; r != NULL && depth < 4; depth++) {
			const struct record *next = NULL;

			for (k = 0; k < n && out[k] != r; k++)
				;
			if (k == n && n < max)
				out[n++] = r;
			for (const struct rfield *f = r->fields;
			    f->key != NULL; f++)
				if (f->type == RT_LIST)
					next = f->of;
			r = next;
		}
	}
	return n;
}

static void
content_schema(struct jw *w, const char *desc, const struct record *r,
    bool list)
{
	jw_obj_open(w);
	jw_kstr(w, "description", desc);
	jw_key(w, "content");
	jw_obj_open(w);
	jw_key(w, "application/json");
	jw_obj_open(w);
	jw_key(w, "schema");
	if (list) {
		jw_obj_open(w);
		jw_kstr(w, "type", "object");
		jw_key(w, "required");
		jw_raw(w, "[\"items\",\"next_cursor\"]");
		jw_key(w, "properties");
		jw_obj_open(w);
		jw_key(w, "items");
		jw_obj_open(w);
		jw_kstr(w, "type", "array");
		jw_key(w, "items");
		schema_ref(w, r);
		jw_obj_close(w);
		jw_key(w, "next_cursor");
		jw_raw(w, "{\"type\":\"string\",\"nullable\":true,"
		    "\"description\":\"give it as cursor for the next page; "
		    "null on the last\"}");
		jw_obj_close(w);
		jw_obj_close(w);
	} else
		schema_ref(w, r);
	jw_obj_close(w);
	jw_obj_close(w);
	jw_obj_close(w);
}

/* The query parameters of a declared list. */
static void
rec_list_params(struct jw *w, const struct resource *res)
{
	const struct record *r = res->rec;
	struct buf b;

	buf_init(&b, 4096);
	buf_adds(&b, "a key, '-key' for descending: id");
	for (const struct rfield *f = r->fields; f->key != NULL; f++)
		if (f->flags & RF_SORT) {
			buf_adds(&b, ", ");
			buf_adds(&b, f->key);
		}
	jw_raw(w, "{\"name\":\"limit\",\"in\":\"query\",\"required\":false,"
	    "\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,"
	    "\"default\":25}}");
	jw_raw(w, "{\"name\":\"cursor\",\"in\":\"query\",\"required\":false,"
	    "\"description\":\"next_cursor of the page before\","
	    "\"schema\":{\"type\":\"string\",\"maxLength\":2048}}");
	jw_obj_open(w);
	jw_kstr(w, "name", "sort");
	jw_kstr(w, "in", "query");
	jw_kbool(w, "required", false);
	jw_kstr(w, "description", b.p);
	jw_key(w, "schema");
	jw_raw(w, "{\"type\":\"string\"}");
	jw_obj_close(w);
	buf_release(&b);
	for (const struct rfield *f = r->fields; f->key != NULL; f++) {
		if (!(f->flags & RF_FILTER))
			continue;
		jw_obj_open(w);
		jw_kstr(w, "name", f->key);
		jw_kstr(w, "in", "query");
		jw_kbool(w, "required", false);
		jw_kstr(w, "description", "only records holding this value");
		jw_key(w, "schema");
		rfield_schema(w, f, S_UPDATE);
		jw_obj_close(w);
	}
	for (size_t i = 0; res->query != NULL && res->query[i] != NULL; i++) {
		jw_obj_open(w);
		jw_kstr(w, "name", res->query[i]);
		jw_kstr(w, "in", "query");
		jw_kbool(w, "required", false);
		jw_key(w, "schema");
		jw_raw(w, "{\"type\":\"string\"}");
		jw_obj_close(w);
	}
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
	if (has_param || r->query != NULL || (r->flags & R_IDEMPOTENT) ||
	    api_can_export(r) ||
	    (r->res != NULL && !has_param && (r->method & HTTP_GET))) {
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
		if (r->res != NULL && !has_param && (r->method & HTTP_GET))
			rec_list_params(w, r->res);
		if (api_can_export(r))
			jw_raw(w, "{\"name\":\"format\",\"in\":\"query\","
			    "\"required\":false,\"description\":\"the whole "
			    "list (every page, the same filters) as a file: "
			    "csv (UTF-8 with a BOM) or xlsx\",\"schema\":{"
			    "\"type\":\"string\",\"enum\":[\"json\",\"csv\","
			    "\"xlsx\"]}},{\"name\":\"lang\",\"in\":\"query\","
			    "\"required\":false,\"description\":\"the "
			    "file's headers: zh-CN (default) or en\","
			    "\"schema\":{\"type\":\"string\",\"enum\":["
			    "\"zh-CN\",\"en\"]}}");
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
	if (r->body_rec != NULL || r->body != NULL || (r->res != NULL &&
	    (r->method & (HTTP_POST | HTTP_PATCH)))) {
		jw_key(w, "requestBody");
		jw_obj_open(w);
		jw_kbool(w, "required", true);
		jw_key(w, "content");
		jw_obj_open(w);
		jw_key(w, "application/json");
		jw_obj_open(w);
		jw_key(w, "schema");
		if (r->body_rec != NULL)
			rec_schema(w, r->body_rec, S_CREATE);
		else if (r->body != NULL)
			body_schema(w, r->body);
		else
			rec_schema(w, r->res->rec, r->method & HTTP_POST ?
			    S_CREATE : S_UPDATE);
		jw_obj_close(w);
		jw_obj_close(w);
		jw_obj_close(w);
	}
	jw_key(w, "responses");
	jw_obj_open(w);
	if (r->res != NULL && !(r->method & HTTP_DELETE)) {
		jw_key(w, r->method & HTTP_POST ? "201" : "200");
		content_schema(w, r->method & HTTP_POST ? "created" : "OK",
		    r->res->rec, (r->method & HTTP_GET) && !has_param);
	} else if (r->method & HTTP_DELETE ||
	    strstr(r->pattern, "password") != NULL)
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
	jw_obj_open(&w);
	jw_key(&w, "schemas");
	jw_obj_open(&w);
	{
		const struct record *recs[64];
		size_t n = records_of_routes(recs, 64);
		char name[64];

		for (size_t i = 0; i < n; i++) {
			schema_name(recs[i], name, sizeof(name));
			jw_key(&w, name);
			/* a body's record (no table) is described as given */
			rec_schema(&w, recs[i], recs[i]->table == NULL ?
			    S_CREATE : S_ANSWER);
		}
	}
	jw_key(&w, "Object");
	jw_raw(&w, "{\"type\":\"object\",\"additionalProperties\":true}");
	jw_key(&w, "Error");
	jw_raw(&w, "{\"type\":\"object\",\"required\":[\"error\"],"
	    "\"properties\":{\"error\":{\"type\":\"object\","
	    "\"required\":[\"code\",\"message\",\"details\"],\"properties\":{"
	    "\"code\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"},"
	    "\"details\":{\"type\":\"object\",\"additionalProperties\":true}}}}}");
	jw_obj_close(&w);
	jw_key(&w, "securitySchemes");
	jw_raw(&w, "{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"},"
	    "\"cookie\":{\"type\":\"apiKey\",\"in\":\"cookie\","
	    "\"name\":\"as_session\"}}");
	jw_obj_close(&w);
	jw_obj_close(&w);
}
