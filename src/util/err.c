/*
 * err — maps the service error codes to HTTP statuses and stable slugs.
 */
#include "util/err.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	int status;
	const char *slug;
} codes[SVC__MAX] = {
	[SVC_OK] = { 200, "ok" },
	[SVC_EINVAL] = { 400, "validation_failed" },
	[SVC_ENOTFOUND] = { 404, "not_found" },
	[SVC_ECONFLICT] = { 409, "conflict" },
	[SVC_EAUTH] = { 401, "unauthenticated" },
	[SVC_EPERM] = { 403, "forbidden" },
	[SVC_ETOOBIG] = { 413, "payload_too_large" },
	[SVC_ESTORE] = { 500, "store_error" },
	[SVC_EINTERNAL] = { 500, "internal_error" },
	[SVC_ETRANSITION] = { 409, "transition_not_allowed" },
	[SVC_ERATE] = { 429, "rate_limited" },
	[SVC_EMETHOD] = { 405, "method_not_allowed" },
	[SVC_EMEDIA] = { 415, "unsupported_media_type" },
	[SVC_EUNPROCESSABLE] = { 422, "unprocessable" },
	[SVC_EUNAVAILABLE] = { 503, "unavailable" },
};

int
svc_http_status(enum svc_code code)
{
	if ((unsigned)code >= SVC__MAX)
		return 500;
	return codes[code].status;
}

const char *
svc_slug(enum svc_code code)
{
	if ((unsigned)code >= SVC__MAX)
		return "internal_error";
	return codes[code].slug;
}

static enum svc_code
vfail(struct svc_err *err, enum svc_code code, const char *field,
    const char *reason, const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->details = NULL;
	err->retry_after = 0;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	snprintf(err->reason, sizeof(err->reason), "%s", reason ? reason : "");
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	/* a limit may have cut a character: answers are always UTF-8 */
	utf8_scrub(err->field);
	utf8_scrub(err->msg);
	return code;
}

enum svc_code
svc_fail(struct svc_err *err, enum svc_code code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, code, field, NULL, fmt, ap);
	va_end(ap);
	return code;
}

enum svc_code
svc_fail_field(struct svc_err *err, enum svc_code code, const char *field,
    const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, code, field, reason, fmt, ap);
	va_end(ap);
	return code;
}

void
svc_err_clear(struct svc_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

void
svc_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
