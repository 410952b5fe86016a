/*
 * tokenize — the word splitter of full-text search (rules in tokenize.h).
 *
 * No tables: the separator ranges below cover the punctuation, symbol and
 * emoji blocks that occur in Chinese business text; everything else outside
 * ASCII is treated as a letter and becomes a token of one character.
 */
#include "util/tokenize.h"

#include <string.h>

size_t
tok_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0];
	uint32_t v, min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (len < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

uint32_t
tok_fold_width(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e)
		return cp - 0xfee0;
	if (cp == 0x3000)
		return ' ';
	return cp;
}

static bool
ascii_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

bool
tok_is_sep(uint32_t cp)
{
	if (cp < 0x80)
		return !ascii_alnum(cp);
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return true;	/* C1 controls, Latin-1 punctuation, x and / */
	if ((cp >= 0x2b0 && cp < 0x370) || (cp >= 0x1ab0 && cp < 0x1b00) ||
	    (cp >= 0x1dc0 && cp < 0x1e00))
		return true;	/* modifier letters, combining marks */
	if ((cp >= 0x2000 && cp < 0x2c00) || (cp >= 0x2e00 && cp < 0x2e80))
		return true;	/* punctuation, symbols, arrows, dingbats */
	if (cp >= 0x3000 && cp < 0x3040)
		return cp < 0x3005 || cp > 0x3007;	/* 、。「」 but not 々〆〇 */
	if (cp >= 0xd800 && cp < 0xf900)
		return true;	/* surrogates, private use */
	if ((cp >= 0xfe00 && cp < 0xfe70) || cp == 0xfeff)
		return true;	/* variation selectors, CJK compatibility */
	if ((cp >= 0xff00 && cp < 0xff66) || (cp >= 0xffe0 && cp < 0x10000))
		return true;	/* full-width punctuation, specials */
	if (cp >= 0x1f000 && cp < 0x1fc00)
		return true;	/* emoji, pictographs, playing cards ... */
	if (cp >= 0xe0000)
		return true;	/* tags, selectors, private use planes */
	return false;
}

/* Simple lower-casing outside ASCII: Latin-1, Greek, Cyrillic. */
static uint32_t
fold_case(uint32_t cp)
{
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

static size_t
encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * One run of ASCII letters and digits starting at *i; emits the token and,
 * for documents, its 4-digit suffix.
 */
static int
ascii_run(const char *s, size_t len, size_t *i, unsigned flags, tok_fn fn,
    void *ctx)
{
	char buf[TOK_ASCII_MAX];
	char last[4] = { 0 };
	size_t at[4] = { 0 };	/* byte offsets of the last 4 characters */
	size_t blen = 0, run = 0, digits = 0, start = *i;
	struct tok t;
	uint32_t cp, c;
	int rc;

	while (*i < len) {
		size_t n = tok_decode(s + *i, len - *i, &cp);

		c = tok_fold_width(cp);
		if (c >= 0x80 || !ascii_alnum(c))
			break;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (blen < sizeof(buf))
			buf[blen++] = (char)c;
		digits = c >= '0' && c <= '9' ? digits + 1 : 0;
		last[run % 4] = (char)c;
		at[run % 4] = *i;
		run++;
		*i += n;
	}
	t = (struct tok){ buf, blen, start, *i, false };
	rc = fn(ctx, &t);
	if (rc || !(flags & TOK_DOCUMENT) || run < TOK_SUFFIX_MIN || digits < 4)
		return rc;
	for (size_t k = 0; k < 4; k++)
		buf[k] = last[(run + k) % 4];
	t = (struct tok){ buf, 4, at[run % 4], *i, true };
	return fn(ctx, &t);
}

/* The character token before, for pairs. */
struct pending {
	char buf[4];
	size_t len, start, end;
	bool have;		/* the token before was one character */
	bool covered;		/* (query) it ended a pair already given */
};

static int
emit(tok_fn fn, void *ctx, const char *p, size_t len, size_t start,
    size_t end, bool colocated)
{
	struct tok t = { p, len, start, end, colocated };

	return fn(ctx, &t);
}

int
tok_split(const char *s, size_t len, unsigned flags, tok_fn fn, void *ctx)
{
	struct pending pv = { .have = false };
	char cur[4], pair[8];
	size_t i = 0, n, clen;
	bool query = (flags & TOK_QUERY) != 0;
	uint32_t cp, c;
	int rc = 0;

	while (i < len && rc == 0) {
		n = tok_decode(s + i, len - i, &cp);
		c = tok_fold_width(cp);
		if (tok_is_sep(c)) {
			i += n;
			continue;
		}
		if (c < 0x80) {
			/* a query's pending character holds its place */
			if (query && pv.have)
				rc = emit(fn, ctx, pv.buf, pv.len, pv.start,
				    pv.end, false);
			pv.have = false;
			if (rc == 0)
				rc = ascii_run(s, len, &i, flags, fn, ctx);
			continue;
		}
		clen = encode(fold_case(c), cur);
		if (pv.have && (flags & (TOK_DOCUMENT | TOK_QUERY))) {
			/* the pair, at the position of its first character */
			memcpy(pair, pv.buf, pv.len);
			memcpy(pair + pv.len, cur, clen);
			rc = emit(fn, ctx, pair, pv.len + clen, pv.start, i + n,
			    !query);
		}
		if (rc == 0 && !query)
			rc = emit(fn, ctx, cur, clen, i, i + n, false);
		pv.covered = query && pv.have;
		pv.have = true;
		memcpy(pv.buf, cur, clen);
		pv.len = clen;
		pv.start = i;
		pv.end = i + n;
		i += n;
	}
	if (rc == 0 && query && pv.have && !pv.covered)
		rc = emit(fn, ctx, pv.buf, pv.len, pv.start, pv.end, false);
	return rc;
}
