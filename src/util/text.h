/*
 * text — checks on the text that names or numbers a thing (codes, serial
 * and document numbers, user names, file names), and the URL decoding that
 * keeps a NUL from cutting a value short.
 *
 * Invariants: text_invisible_at() reads only s[0 .. len); the decoders
 * never make a string longer.
 */
#ifndef AS_TEXT_H
#define AS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a NUL (%00) of a URL becomes: the overlong C0 80, never UTF-8. */
#define TEXT_NUL_MARK "\xc0\x80"

/*
 * The byte offset in s (len bytes) of the first character a reader cannot
 * see or that reorders what is shown: U+200B..U+200F (zero-width spaces,
 * joiners, direction marks), U+202A..U+202E (bidirectional embeddings and
 * overrides), U+2066..U+2069 (bidirectional isolates), U+FEFF (byte order
 * mark, zero-width no-break space); -1 when there is none.  *cp (when not
 * NULL) gets the code point found.
 */
long text_invisible_at(const char *s, size_t len, uint32_t *cp);

/*
 * Does a field of this name name or number a thing, so that its text is
 * held to text_invisible_at(): "code", "username", "display_name",
 * "serial", "number", "filename" and every "..._no" (the API's fields and
 * the CSV import's columns alike).
 */
bool text_names_a_thing(const char *field);

/* True when s (len bytes) holds a NUL or TEXT_NUL_MARK. */
bool text_has_nul(const char *s, size_t len);

/*
 * Decode %XX escapes of s in place, as libmicrohttpd's MHD_http_unescape()
 * does, except that %00 becomes TEXT_NUL_MARK: the value is then refused
 * as not UTF-8 (naming it) instead of ending at the NUL.  Returns the new
 * length.
 */
size_t text_url_unescape(char *s);

#endif
