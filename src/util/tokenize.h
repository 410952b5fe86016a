/*
 * tokenize — the word splitter of full-text search.
 *
 * One function, used by both engines so that they index and query the same
 * tokens: the SQLite FTS5 tokenizer (store/sqlite/sqlite_fts.c) calls it
 * inside SQLite, and the search module (domain/search) calls it to build the
 * PostgreSQL tsvector and the queries of both engines.
 *
 * Rules, applied to UTF-8 text:
 *  - a run of ASCII letters and digits is one token, lower-cased, kept to
 *    TOK_ASCII_MAX bytes (the rest of the run is consumed);
 *  - full-width ASCII (Ａ-Ｚ, ０-９, －, ...) counts as ASCII;
 *  - every other character that is a letter (CJK, kana, hangul, Cyrillic,
 *    accented Latin ...) is one token by itself, lower-cased where simple;
 *  - punctuation, spaces, symbols, emoji, combining marks, private-use and
 *    invalid bytes separate tokens and are not indexed;
 *  - with TOK_DOCUMENT (indexing), two kinds of colocated token (same
 *    position as the token before) are added: after an ASCII token of 7 or
 *    more characters that ends in 4 digits (a phone, most serials), those 4
 *    digits, so that "尾号 8000" finds 13800138000; and after a character
 *    token followed by another, the pair of them (漏 + 漏水, 水 + 水管 ...);
 *  - with TOK_QUERY (a phrase to look up), consecutive character tokens are
 *    given as overlapping pairs instead of single characters, and the last
 *    character is left out when a pair already covers it: 漏水 is one token
 *    "漏水", 空调漏水 is 空调 调漏 漏水, 漏水A is 漏水 水 a, 漏 stays 漏.
 *    A pair is then found by one lookup instead of intersecting the long
 *    lists of two common characters, yet matches exactly what the phrase of
 *    single characters matches.  Without either flag: single tokens only.
 *
 * Token positions: each token that is not colocated takes the next position.
 */
#ifndef AS_TOKENIZE_H
#define AS_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOK_ASCII_MAX 64	/* bytes kept of one ASCII token */
#define TOK_SUFFIX_MIN 7	/* tokens this long get a 4-digit suffix */

enum tok_flags {
	TOK_DOCUMENT = 1 << 0,	/* indexing: add colocated suffixes and pairs */
	TOK_QUERY = 1 << 1,	/* a phrase: pairs in place of characters */
};

struct tok {
	const char *p;		/* normalised bytes, borrowed for the call */
	size_t len;
	size_t start, end;	/* byte range in the source text */
	bool colocated;		/* same position as the token before */
};

/* Called for each token; a non-zero return stops the split. */
typedef int (*tok_fn)(void *ctx, const struct tok *);

/*
 * Split s (len bytes) into tokens, calling fn for each in order.  Returns 0,
 * or the first non-zero value fn returned.  Never fails on bad input.
 */
int tok_split(const char *s, size_t len, unsigned flags, tok_fn fn,
    void *ctx);

/*
 * Decode one code point at s (len > 0 bytes); returns the bytes used.
 * Invalid or truncated UTF-8 gives *cp = 0xFFFD and 1 byte.
 */
size_t tok_decode(const char *s, size_t len, uint32_t *cp);

/* Full-width ASCII (U+FF01..U+FF5E) and U+3000 to ASCII; others unchanged. */
uint32_t tok_fold_width(uint32_t cp);

/* Is cp (after tok_fold_width) a separator rather than part of a token? */
bool tok_is_sep(uint32_t cp);

#endif
