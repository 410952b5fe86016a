/*
 * text — see text.h.
 */
#include "util/text.h"

#include <string.h>

long
text_invisible_at(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i + 2 < len; i++) {
		uint32_t c;

		if (s[i] != 0xe2 && s[i] != 0xef)
			continue;
		if ((s[i + 1] & 0xc0) != 0x80 || (s[i + 2] & 0xc0) != 0x80)
			continue;
		c = ((uint32_t)(s[i] & 0x0f) << 12) |
		    ((uint32_t)(s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f);
		if ((c >= 0x200b && c <= 0x200f) ||
		    (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0xfeff) {
			if (cp != NULL)
				*cp = c;
			return (long)i;
		}
	}
	return -1;
}

bool
text_has_nul(const char *s, size_t len)
{
	if (memchr(s, '\0', len) != NULL)
		return true;
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xc0 &&
		    (unsigned char)s[i + 1] == 0x80)
			return true;
	return false;
}

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
text_url_unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		int hi = r[0] == '%' ? hex(r[1]) : -1;
		int lo = hi >= 0 ? hex(r[2]) : -1;

		if (lo >= 0) {
			if (hi == 0 && lo == 0) {
				*w++ = TEXT_NUL_MARK[0];
				*w++ = TEXT_NUL_MARK[1];
			} else {
				*w++ = (char)(hi * 16 + lo);
			}
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

bool
text_names_a_thing(const char *field)
{
	static const char *const names[] = { "code", "username",
		"display_name", "serial", "number", "filename", NULL };
	size_t len = strlen(field);

	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(field, names[i]) == 0)
			return true;
	return len > 3 && strcmp(field + len - 3, "_no") == 0;
}
