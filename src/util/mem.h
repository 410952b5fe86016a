/*
 * mem — arena, growable buffer and string slices.
 *
 * struct arena: one per request (or per command).  Allocations live until
 * arena_release().  The arena has a cap; past it arena_alloc() returns NULL
 * and sets arena->oom, and the router answers 413 and rolls back.  The string
 * helpers never return NULL: on failure they return "" so that code carries
 * on harmlessly until the router sees oom.
 *
 * Fault injection (the allocation-failure loop, tests/faults/run.mjs): with
 * SVC_FAIL_ALLOC=N in the environment, the Nth allocation of every arena
 * fails as if the cap were hit.  Unset (always in production), nothing
 * fails but the cap.
 *
 * struct buf: a heap buffer with a ceiling (curl dynbuf).  Invariants: p is
 * never NULL after buf_init(), and p[len] == '\0'.  Appends past max set
 * b->failed and are dropped; callers check buf_failed() once at the end.
 */
#ifndef AS_MEM_H
#define AS_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used;		/* bytes handed out, for the cap */
	size_t max;		/* cap in bytes */
	bool oom;		/* an allocation was refused */
	size_t nalloc;		/* allocations so far */
	size_t fail_at;		/* SVC_FAIL_ALLOC: this one fails (0: none) */
};

void arena_init(struct arena *, size_t max);
void arena_release(struct arena *);
/* Zeroed memory, 16-byte aligned; NULL (and a->oom) past the cap. */
void *arena_alloc(struct arena *, size_t len);
/* Arena-owned copy of s (len bytes) with a NUL; "" on failure. */
char *arena_strndup(struct arena *, const char *s, size_t len);
char *arena_strdup(struct arena *, const char *s);
char *arena_printf(struct arena *, const char *fmt, ...) PRINTF_LIKE(2, 3);

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;
	bool failed;
};

void buf_init(struct buf *, size_t max);
void buf_release(struct buf *);
void buf_reset(struct buf *);
void buf_add_slow(struct buf *, const void *data, size_t len);
void buf_adds(struct buf *, const char *s);
void buf_addf(struct buf *, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * Append len bytes (kept NUL-terminated).  Inline: the JSON writer calls it
 * for every token; the room check is all it does when the buffer has room.
 */
static inline void
buf_add(struct buf *b, const void *data, size_t len)
{
	if (!b->failed && len < b->cap - b->len && b->len + len <= b->max) {
		memcpy(b->p + b->len, data, len);
		b->len += len;
		b->p[b->len] = '\0';
		return;
	}
	buf_add_slow(b, data, len);
}

static inline void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}
/* Caller-owned copy of the contents; the buf is reset. */
char *buf_detach(struct buf *, size_t *len);

struct str {
	const char *p;
	size_t len;
};
#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

/* Parse a decimal integer in [min, max]; the whole string must be used. */
bool str_to_i64(const char *s, size_t len, int64_t min, int64_t max,
    int64_t *out);
/* Does s (len bytes) hold valid UTF-8 without NUL bytes? */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t utf8_len(const char *s, size_t len);
/*
 * Drop, in place, the bytes of s (NUL-terminated) that are not part of a
 * valid UTF-8 sequence: what is left of a character cut by a length limit
 * ("%.60s", a full buffer).  Returns s.
 */
char *utf8_scrub(char *s);

/* malloc that aborts on failure (long-lived state only). */
void *xmalloc(size_t len);
void *xcalloc(size_t n, size_t len);
char *xstrdup(const char *s);

#endif
