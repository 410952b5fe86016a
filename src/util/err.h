/*
 * err — the one error vocabulary of Aftersales (SPEC §7).
 *
 * Fallible functions return enum svc_code and fill an optional struct svc_err.
 * The numbers are stable: append only, never reuse.  svc_http_status() and
 * svc_slug() map a code to the HTTP status and the JSON "code" word, so that
 * handlers never choose error statuses themselves.
 */
#ifndef AS_ERR_H
#define AS_ERR_H

#include <stdarg.h>
#include <stddef.h>

#define WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))

enum svc_code {
	SVC_OK = 0,
	SVC_EINVAL,		/* 1  input failed validation     -> 400 */
	SVC_ENOTFOUND,		/* 2  no such entity              -> 404 */
	SVC_ECONFLICT,		/* 3  stale version / unique      -> 409 */
	SVC_EAUTH,		/* 4  not authenticated           -> 401 */
	SVC_EPERM,		/* 5  not allowed                 -> 403 */
	SVC_ETOOBIG,		/* 6  a limit was hit             -> 413 */
	SVC_ESTORE,		/* 7  backend failure             -> 500 */
	SVC_EINTERNAL,		/* 8  bug                         -> 500 */
	SVC_ETRANSITION,	/* 9  transition not allowed      -> 409 */
	SVC_ERATE,		/* 10 throttled                   -> 429 */
	SVC_EMETHOD,		/* 11 method not allowed          -> 405 */
	SVC_EMEDIA,		/* 12 unsupported media type      -> 415 */
	SVC_EUNPROCESSABLE,	/* 13 well-formed but refused     -> 422 */
	SVC_EUNAVAILABLE,	/* 14 shutting down / db down     -> 503 */
	SVC__MAX
};

/*
 * A filled error.  field names the offending input field (or NULL);
 * details, when not NULL, is a JSON object text placed under "details"
 * (it must be a complete object, owned by whoever filled it: a request
 * arena or a static string).
 */
struct svc_err {
	enum svc_code code;
	char field[64];
	char reason[48];
	char msg[200];
	const char *details;
	int retry_after;	/* seconds, for SVC_ERATE */
};

/* HTTP status for a code (500 for unknown codes). */
int svc_http_status(enum svc_code);

/* Stable machine word for a code, e.g. "validation_failed". */
const char *svc_slug(enum svc_code);

/*
 * Fill err (if not NULL) and return code.  field may be NULL.  The message
 * follows git's rules: lower-case, no full stop, subject quoted.
 */
enum svc_code svc_fail(struct svc_err *err, enum svc_code code,
    const char *field, const char *fmt, ...) PRINTF_LIKE(4, 5);

/* As svc_fail(), and also set the short machine reason ("required", ...). */
enum svc_code svc_fail_field(struct svc_err *err, enum svc_code code,
    const char *field, const char *reason, const char *fmt, ...)
    PRINTF_LIKE(5, 6);

/* Clear an error to SVC_OK. */
void svc_err_clear(struct svc_err *);

/* Abort with file and line: for states where carrying on corrupts data. */
#define BUG(...) svc_bug(__FILE__, __LINE__, __VA_ARGS__)
void svc_bug(const char *file, int line, const char *fmt, ...)
    PRINTF_LIKE(3, 4) __attribute__((noreturn));

#endif
