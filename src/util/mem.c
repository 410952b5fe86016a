/*
 * mem — arena, capped buffer, string helpers.
 */
#include "util/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t off;
	_Alignas(16) unsigned char data[];
};

#define CHUNK_MIN 8192

/* SVC_FAIL_ALLOC, read once (-1: not yet; 0: unset or not a number) */
static long fail_alloc = -1;

static size_t
fail_alloc_at(void)
{
	long n = __atomic_load_n(&fail_alloc, __ATOMIC_RELAXED);
	const char *s;
	int64_t v = 0;

	if (n >= 0)
		return (size_t)n;
	s = getenv("SVC_FAIL_ALLOC");
	if (s == NULL || !str_to_i64(s, strlen(s), 1, 1000000000, &v))
		v = 0;
	n = (long)v;
	__atomic_store_n(&fail_alloc, n, __ATOMIC_RELAXED);
	return (size_t)n;
}

void
arena_init(struct arena *a, size_t max)
{
	a->head = NULL;
	a->used = 0;
	a->max = max;
	a->oom = false;
	a->nalloc = 0;
	a->fail_at = fail_alloc_at();
}

void
arena_release(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->used = 0;
}

void *
arena_alloc(struct arena *a, size_t len)
{
	struct arena_chunk *c;
	size_t need, size;
	void *p;

	if (a->fail_at != 0 && ++a->nalloc == a->fail_at) {
		a->oom = true;	/* SVC_FAIL_ALLOC: as if the cap were hit */
		return NULL;
	}
	/* no sum below can wrap: each is checked against SIZE_MAX first */
	if (len > SIZE_MAX - 15) {
		a->oom = true;
		return NULL;
	}
	need = (len + 15) & ~(size_t)15;
	if (a->used > a->max || need > a->max - a->used) {
		a->oom = true;
		return NULL;
	}
	c = a->head;
	if (c == NULL || c->size - c->off < need) {
		size = need > CHUNK_MIN ? need : CHUNK_MIN;
		if (size > SIZE_MAX - sizeof(*c)) {
			a->oom = true;
			return NULL;
		}
		c = malloc(sizeof(*c) + size);
		if (c == NULL) {
			a->oom = true;
			return NULL;
		}
		c->size = size;
		c->off = 0;
		if (need > CHUNK_MIN / 2 && a->head != NULL) {
			/* a big block: keep the current chunk in front */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->off;
	c->off += need;
	a->used += need;
	memset(p, 0, len);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	p = len < SIZE_MAX ? arena_alloc(a, len + 1) : NULL;
	if (p == NULL) {
		a->oom = true;
		return (char *)"";
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char tmp[256], *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return (char *)"";
	if ((size_t)n < sizeof(tmp))
		return arena_strndup(a, tmp, (size_t)n);
	p = arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return (char *)"";
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->p = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->failed = false;
}

void
buf_release(struct buf *b)
{
	if (b->cap > 0)
		free(b->p);
	b->p = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->p[0] = '\0';
	b->failed = false;
}

static bool
buf_grow(struct buf *b, size_t extra)
{
	size_t want, ncap;
	char *np;

	if (b->failed)
		return false;
	/* len + extra + 1 must neither pass max nor wrap past SIZE_MAX */
	if (b->len > b->max || extra > b->max - b->len ||
	    b->len + extra > SIZE_MAX - 1) {
		b->failed = true;
		return false;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < want)
		ncap = ncap > SIZE_MAX / 2 ? want : ncap * 2;
	np = b->cap ? realloc(b->p, ncap) : malloc(ncap);
	if (np == NULL) {
		b->failed = true;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

void
buf_add_slow(struct buf *b, const void *data, size_t len)
{
	if (!buf_grow(b, len))
		return;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (b->cap == 0) {
		p = xmalloc(1);
		p[0] = '\0';
	} else
		p = b->p;
	if (len != NULL)
		*len = b->len;
	b->p = buf_empty;
	b->len = 0;
	b->cap = 0;
	return p;
}

bool
str_to_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;

	if (len == 0)
		return false;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
		if (len == 1)
			return false;
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg) {
		if (v == (uint64_t)INT64_MAX + 1)
			*out = INT64_MIN;
		else
			*out = -(int64_t)v;
	} else
		*out = (int64_t)v;
	return *out >= min && *out <= max;
}

bool
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	uint32_t cp;
	int n;

	while (i < len) {
		unsigned char c = s[i];

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if (len - i <= (size_t)n)
			return false;
		for (int k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += (size_t)n + 1;
	}
	return true;
}

size_t
utf8_len(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

char *
utf8_scrub(char *s)
{
	size_t r = 0, w = 0, len = strlen(s);

	while (r < len) {
		unsigned char c = (unsigned char)s[r];
		size_t n = 1;

		if (c >= 0x80) {
			n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			if (n == 1 || r + n > len || !utf8_valid(s + r, n)) {
				r++;	/* a stray byte: drop it */
				continue;
			}
		}
		if (w != r)
			memmove(s + w, s + r, n);
		w += n;
		r += n;
	}
	if (w < len)	/* never writes an intact string (it may be "") */
		s[w] = '\0';
	return s;
}

void *
xmalloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (p == NULL)
		BUG("out of memory allocating %zu bytes", len);
	return p;
}

void *
xcalloc(size_t n, size_t len)
{
	void *p = calloc(n ? n : 1, len ? len : 1);

	if (p == NULL)
		BUG("out of memory allocating %zu x %zu bytes", n, len);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len + 1);
	return p;
}
