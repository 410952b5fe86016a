/*
 * json — streaming writer.
 */
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

void
jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

static void
jw_value_prefix(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			buf_addc(w->b, ',');
		w->need_comma[w->depth - 1] = true;
	}
}

static void
jw_push(struct jw *w, char c)
{
	jw_value_prefix(w);
	if (w->depth >= JW_DEPTH) {
		w->b->failed = true;
		return;
	}
	w->need_comma[w->depth++] = false;
	buf_addc(w->b, c);
}

static void
jw_pop(struct jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	buf_addc(w->b, c);
}

void jw_obj_open(struct jw *w) { jw_push(w, '{'); }
void jw_obj_close(struct jw *w) { jw_pop(w, '}'); }
void jw_arr_open(struct jw *w) { jw_push(w, '['); }
void jw_arr_close(struct jw *w) { jw_pop(w, ']'); }

void
json_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char u[6];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		default:
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			break;
		}
		buf_add(b, s + start, i - start);
		if (rep != NULL)
			buf_adds(b, rep);
		else
			buf_add(b, u, 6);
		start = i + 1;
	}
	buf_add(b, s + start, len - start);
	buf_addc(b, '"');
}

void
jw_key(struct jw *w, const char *key)
{
	jw_value_prefix(w);
	json_escape(w->b, key, strlen(key));
	buf_addc(w->b, ':');
	w->after_key = true;
}

void
jw_strn(struct jw *w, const char *s, size_t len)
{
	jw_value_prefix(w);
	json_escape(w->b, s, len);
}

void
jw_str(struct jw *w, const char *s)
{
	if (s == NULL) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void
jw_i64(struct jw *w, int64_t v)
{
	char tmp[24];
	int n;

	jw_value_prefix(w);
	n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	buf_add(w->b, tmp, (size_t)n);
}

void
jw_bool(struct jw *w, bool v)
{
	jw_value_prefix(w);
	buf_adds(w->b, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	jw_value_prefix(w);
	buf_adds(w->b, "null");
}

void
jw_raw(struct jw *w, const char *json)
{
	jw_value_prefix(w);
	buf_adds(w->b, json ? json : "null");
}

void
jw_time(struct jw *w, int64_t utc)
{
	char tmp[40];

	if (utc == 0) {
		jw_null(w);
		return;
	}
	clock_format_local(utc, tmp, sizeof(tmp));
	jw_str(w, tmp);
}

void jw_kstr(struct jw *w, const char *k, const char *v) { jw_key(w, k); jw_str(w, v); }
void jw_ki64(struct jw *w, const char *k, int64_t v) { jw_key(w, k); jw_i64(w, v); }
void jw_kbool(struct jw *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }
void jw_knull(struct jw *w, const char *k) { jw_key(w, k); jw_null(w); }
void jw_ktime(struct jw *w, const char *k, int64_t t) { jw_key(w, k); jw_time(w, t); }
void jw_kraw(struct jw *w, const char *k, const char *j) { jw_key(w, k); jw_raw(w, j); }

void
jw_kid(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	if (v == 0)
		jw_null(w);
	else
		jw_i64(w, v);
}
