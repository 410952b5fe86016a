/*
 * json — a streaming JSON writer into a struct buf (output only; input is
 * parsed with jansson in api/decode.c).
 *
 * The writer tracks commas itself: call jw_key() before a value inside an
 * object, or use the jw_k*() shorthands.  Nesting deeper than JW_DEPTH sets
 * b->failed.  Strings must be valid UTF-8; control characters, quotes and
 * backslashes are escaped, and "/" is left alone.
 */
#ifndef AS_JSON_H
#define AS_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "util/mem.h"

#define JW_DEPTH 32

/*
 * A tap: a writer with one hands every token to tap->fn instead of writing
 * it (the exports read a list's items so, without JSON text in between).
 * depth: of the token's container (0 for the outermost value; a key and
 * its value share it); an opening gives the depth it opens at, a closing
 * the depth it returns to.  s/len: a key or string (not NUL-terminated)
 * or a raw value; i: an integer, boolean or time (UTC seconds, 0: null).
 */
enum jw_token {
	JW_OBJ_OPEN, JW_ARR_OPEN, JW_CLOSE, JW_KEY, JW_STR, JW_INT, JW_BOOL,
	JW_NULL, JW_RAW, JW_TIME,
};

struct jw_tap {
	void (*fn)(struct jw_tap *, enum jw_token, int depth, const char *s,
	    size_t len, int64_t i);
};

struct jw {
	struct buf *b;
	int depth;
	bool need_comma[JW_DEPTH];
	bool after_key;
	struct jw_tap *tap;	/* NULL: write JSON text into b */
};

void jw_init(struct jw *, struct buf *);
void jw_obj_open(struct jw *);
void jw_obj_close(struct jw *);
void jw_arr_open(struct jw *);
void jw_arr_close(struct jw *);
void jw_key(struct jw *, const char *key);
void jw_str(struct jw *, const char *s);	/* NULL writes null */
void jw_strn(struct jw *, const char *s, size_t len);
void jw_i64(struct jw *, int64_t v);
void jw_bool(struct jw *, bool v);
void jw_null(struct jw *);
/* A pre-encoded JSON value (trusted: produced by this writer or jansson). */
void jw_raw(struct jw *, const char *json);
/* A UTC time as ISO-8601 in the company time zone; 0 writes null. */
void jw_time(struct jw *, int64_t utc);

void jw_kstr(struct jw *, const char *k, const char *v);
void jw_ki64(struct jw *, const char *k, int64_t v);
void jw_kbool(struct jw *, const char *k, bool v);
void jw_knull(struct jw *, const char *k);
void jw_ktime(struct jw *, const char *k, int64_t utc);
void jw_kraw(struct jw *, const char *k, const char *json);
/* v == 0 writes null (for optional foreign keys). */
void jw_kid(struct jw *, const char *k, int64_t v);

/* Append s as a JSON string literal (quotes included) to b. */
void json_escape(struct buf *b, const char *s, size_t len);

#endif
