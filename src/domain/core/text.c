/*
 * text — trimming and checking mandatory free text (see text.h).
 */
#include "domain/core/text.h"

#include <string.h>

/* Bytes of the white space that starts s[0..n), 0 if none. */
static size_t
space_at(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;		/* U+0085, U+00A0 */
	if (n < 3)
		return 0;
	if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
		return 3;		/* U+1680 */
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] <= 0x8A || s[2] == 0xA8 ||
	    s[2] == 0xA9 || s[2] == 0xAF))
		return 3;	/* U+2000..U+200A, U+2028, U+2029, U+202F */
	if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
		return 3;		/* U+205F */
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;		/* U+3000 */
	return 0;
}

/* Length of the white space that ends s[0..n), 0 if none. */
static size_t
space_before(const unsigned char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++)
		if (space_at(s + n - k, k) == k)
			return k;
	return 0;
}

/* The span of s without white space at either end. */
static void
trim_span(const char *s, size_t *off, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;

	*off = 0;
	k = space_at(p, n);
	while (k > 0) {
		*off += k;
		n -= k;
		k = space_at(p + *off, n);
	}
	k = space_before(p + *off, n);
	while (k > 0) {
		n -= k;
		k = space_before(p + *off, n);
	}
	*len = n;
}

const char *
text_trim(struct arena *a, const char *s)
{
	size_t off, len;

	if (s == NULL)
		return NULL;
	trim_span(s, &off, &len);
	if (off == 0 && s[len] == '\0')
		return s;
	return arena_strndup(a, s + off, len);
}

bool
text_given(const char *s)
{
	size_t off, len;

	if (s == NULL)
		return false;
	trim_span(s, &off, &len);
	return len > 0;
}

enum svc_code
text_required(struct arena *a, struct svc_err *err, const char *field,
    const char **io, const char *what)
{
	*io = text_trim(a, *io);
	if (*io != NULL && (*io)[0] != '\0')
		return SVC_OK;
	return svc_fail_field(err, SVC_EINVAL, field, "required",
	    "'%s' is required and must not be blank: this needs %s", field,
	    what);
}
