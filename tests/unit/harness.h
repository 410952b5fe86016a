/*
 * harness — a tiny table-driven test harness.  Each test_<module>.c has a
 * suite function registered in test_main.c; CHECK() records a failure with
 * file and line and carries on; the run ends with "N passed, N failed".
 */
#ifndef AS_HARNESS_H
#define AS_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int h_failed_checks;
extern const char *h_current;

#define CHECK(cond) do { \
	if (!(cond)) { \
		h_failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: CHECK(%s) failed\n", __FILE__, \
		    __LINE__, h_current, #cond); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *h_a = (a), *h_b = (b); \
	if (h_a == NULL || h_b == NULL || strcmp(h_a, h_b) != 0) { \
		h_failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: '%s' != '%s'\n", __FILE__, \
		    __LINE__, h_current, h_a ? h_a : "(null)", \
		    h_b ? h_b : "(null)"); \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long h_a = (long long)(a), h_b = (long long)(b); \
	if (h_a != h_b) { \
		h_failed_checks++; \
		fprintf(stderr, "  %s:%d: %s: %s = %lld, expected %lld\n", \
		    __FILE__, __LINE__, h_current, #a, h_a, h_b); \
	} \
} while (0)

struct h_test {
	const char *name;
	void (*fn)(void);
};

/* The DSN under test for store tests: a SQLite file or a PostgreSQL URL. */
extern const char *h_dsn;

#endif
