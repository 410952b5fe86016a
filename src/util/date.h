/*
 * date — calendar days (not times) of the company time zone, held as
 * integers YYYYMMDD (20260131) and written "2026-01-31".  Adding months
 * keeps the day and clamps it to the last day of the target month
 * (2026-01-31 + 1 month = 2026-02-28).  Pure functions, except
 * ymd_today().
 */
#ifndef AS_DATE_H
#define AS_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is ymd a real calendar day of years 1900..9999? */
bool ymd_valid(int ymd);
/*
 * Parse "YYYY-MM-DD", "YYYY/M/D", "YYYY.MM.DD" or "YYYYMMDD" (months and
 * days of 1 or 2 digits with a separator); false unless a real day.
 */
bool ymd_parse(const char *s, int *out);
/* "2026-01-31" into out (11 bytes at least). */
void ymd_format(int ymd, char *out, size_t len);
/* ymd + months calendar months, the day clamped to the month's last day. */
int ymd_add_months(int ymd, int months);
/* Days since 1970-01-01 of a day, and back (proleptic Gregorian). */
int64_t ymd_to_days(int ymd);
int ymd_from_days(int64_t days);
/* ymd + days (days may be negative). */
int ymd_add_days(int ymd, int days);
/* Today in the company time zone. */
int ymd_today(void);

/*
 * Months held as YYYYMM (202601), as the reports take them: a month of
 * 2000-01 .. 2199-12?  The month after ym.  The months from .. to, both
 * counted (0 when to is before from).
 */
bool ym_valid(int ym);
int ym_next(int ym);
int ym_span(int from_ym, int to_ym);

#endif
