/*
 * clock — time as UTC seconds since the epoch (int64_t), rendered in the
 * company time zone.
 *
 * The company time zone is process-wide: clock_set_zone() sets TZ once at
 * start-up (before any thread starts); afterwards localtime_r() and mktime()
 * are thread-safe.  Changing the zone takes effect at the next start.
 */
#ifndef AS_CLOCK_H
#define AS_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Set the process time zone (e.g. "Asia/Shanghai"); false if unknown. */
bool clock_set_zone(const char *zone);
const char *clock_zone(void);

/* Now, UTC seconds; clock_now_us() in microseconds. */
int64_t clock_now(void);
int64_t clock_now_us(void);
/* Monotonic microseconds, for durations. */
int64_t clock_mono_us(void);

/* "2026-11-22T14:03:00+08:00" */
void clock_format_local(int64_t utc, char *out, size_t len);
/* Local calendar day as YYYYMMDD. */
int clock_local_ymd(int64_t utc);

/*
 * Parse an ISO-8601 timestamp "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+HH:MM|-HH:MM)"
 * (a fraction of 1-9 digits is cut off) or a
 * bare local "YYYY-MM-DD[THH:MM[:SS]]" (read in the company zone).
 */
bool clock_parse(const char *s, int64_t *out);

#endif
