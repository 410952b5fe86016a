/*
 * json — streaming writer.
 */
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* A tapped writer is the exception (an export): its branch out of line. */
#define TAPPED(w) __builtin_expect((w)->tap != NULL, 0)

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
	if (TAPPED(w)) {
		w->tap->fn(w->tap, c == '{' ? JW_OBJ_OPEN : JW_ARR_OPEN,
		    w->depth, NULL, 0, 0);
		w->depth++;
		return;
	}
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
	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_CLOSE, w->depth, NULL, 0, 0);
		return;
	}
	buf_addc(w->b, c);
}

void jw_obj_open(struct jw *w) { jw_push(w, '{'); }
void jw_obj_close(struct jw *w) { jw_pop(w, '}'); }
void jw_arr_open(struct jw *w) { jw_push(w, '['); }
void jw_arr_close(struct jw *w) { jw_pop(w, ']'); }

/*
 * Does any of the 8 bytes at p need escaping (a control byte, '"' or '\\')?
 * Word-at-a-time: a byte b is below 0x20 when (b - 0x20) borrows into bit 7
 * while b itself has bit 7 clear; '"' and '\\' are the zero bytes of p ^ c.
 */
static inline bool
needs_escape8(const char *p)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t v, q, bs;

	memcpy(&v, p, 8);
	q = v ^ (ones * '"');
	bs = v ^ (ones * '\\');
	return (((v - ones * 0x20) & ~v) | ((q - ones) & ~q) |
	    ((bs - ones) & ~bs)) & high;
}

void
json_escape(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, start = 0;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c;
		const char *rep = NULL;
		char u[6];

		/* skip eight plain bytes at a time */
		while (len - i >= 8 && !needs_escape8(s + i))
			i += 8;
		if (i == len)
			break;
		c = (unsigned char)s[i];
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

/* Does s need no escaping? (For short strings: a byte at a time.) */
static bool
plain(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return false;
	}
	return true;
}

void
jw_key(struct jw *w, const char *key)
{
	size_t len = strlen(key);
	char tmp[40];

	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_KEY, w->depth, key, len, 0);
		return;
	}
	jw_value_prefix(w);
	if (len + 3 <= sizeof(tmp) && plain(key, len)) {
		/* a plain key (all of ours): one append */
		tmp[0] = '"';
		memcpy(tmp + 1, key, len);
		tmp[len + 1] = '"';
		tmp[len + 2] = ':';
		buf_add(w->b, tmp, len + 3);
	} else {
		json_escape(w->b, key, len);
		buf_addc(w->b, ':');
	}
	w->after_key = true;
}

void
jw_strn(struct jw *w, const char *s, size_t len)
{
	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_STR, w->depth, s, len, 0);
		return;
	}
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

/* v in decimal at out (up to 20 bytes, no NUL); its length. */
static int
fmt_i64(char *out, int64_t v)
{
	char tmp[20];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	int n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		out[len++] = '-';
	while (n > 0)
		out[len++] = tmp[--n];
	return len;
}

void
jw_i64(struct jw *w, int64_t v)
{
	char tmp[24];
	int n;

	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_INT, w->depth, NULL, 0, v);
		return;
	}
	jw_value_prefix(w);
	n = fmt_i64(tmp, v);
	buf_add(w->b, tmp, (size_t)n);
}

void
jw_bool(struct jw *w, bool v)
{
	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_BOOL, w->depth, NULL, 0, v);
		return;
	}
	jw_value_prefix(w);
	buf_adds(w->b, v ? "true" : "false");
}

void
jw_null(struct jw *w)
{
	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_NULL, w->depth, NULL, 0, 0);
		return;
	}
	jw_value_prefix(w);
	buf_adds(w->b, "null");
}

void
jw_raw(struct jw *w, const char *json)
{
	if (TAPPED(w)) {
		json = json != NULL ? json : "null";
		w->tap->fn(w->tap, JW_RAW, w->depth, json, strlen(json), 0);
		return;
	}
	jw_value_prefix(w);
	buf_adds(w->b, json ? json : "null");
}

void
jw_time(struct jw *w, int64_t utc)
{
	char tmp[40];

	if (TAPPED(w)) {
		w->tap->fn(w->tap, JW_TIME, w->depth, NULL, 0, utc);
		return;
	}
	if (utc == 0) {
		jw_null(w);
		return;
	}
	clock_format_local(utc, tmp, sizeof(tmp));
	jw_str(w, tmp);
}

void
jw_kstr(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

void
jw_ki64(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_i64(w, v);
}

void
jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void
jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}

void
jw_ktime(struct jw *w, const char *k, int64_t t)
{
	jw_key(w, k);
	jw_time(w, t);
}

void
jw_kraw(struct jw *w, const char *k, const char *j)
{
	jw_key(w, k);
	jw_raw(w, j);
}

void
jw_kid(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	if (v == 0)
		jw_null(w);
	else
		jw_i64(w, v);
}
