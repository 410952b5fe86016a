/*
 * date — calendar days as YYYYMMDD integers and month arithmetic.  Pure
 * functions.
 */
#include "util/date.h"

#include <stdbool.h>
#include <stdio.h>

#include "util/clock.h"

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool
ymd_valid(int ymd)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;

	return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= month_days(y, m);
}

/* Up to maxd digits at *p into *out; advances *p. */
static bool
digits(const char **p, int mind, int maxd, int *out)
{
	int v = 0, n = 0;

	while (n < maxd && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n >= mind;
}

bool
ymd_parse(const char *s, int *out)
{
	const char *p = s;
	int y, m, d;
	char sep;

	if (s == NULL)
		return false;
	if (!digits(&p, 4, 4, &y))
		return false;
	if (*p >= '0' && *p <= '9') {
		/* YYYYMMDD */
		if (!digits(&p, 2, 2, &m) || !digits(&p, 2, 2, &d))
			return false;
	} else {
		sep = *p;
		if (sep != '-' && sep != '/' && sep != '.')
			return false;
		p++;
		if (!digits(&p, 1, 2, &m) || *p != sep)
			return false;
		p++;
		if (!digits(&p, 1, 2, &d))
			return false;
	}
	if (*p != '\0')
		return false;
	if (!ymd_valid(y * 10000 + m * 100 + d))
		return false;
	*out = y * 10000 + m * 100 + d;
	return true;
}

void
ymd_format(int ymd, char *out, size_t len)
{
	snprintf(out, len, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100,
	    ymd % 100);
}

int
ymd_add_months(int ymd, int months)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int total = y * 12 + (m - 1) + months;

	y = total / 12;
	m = total % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return y * 10000 + m * 100 + d;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t
days_of(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
ymd_from_days(int64_t z)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

int64_t
ymd_to_days(int ymd)
{
	return days_of(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

int
ymd_add_days(int ymd, int days)
{
	return ymd_from_days(days_of(ymd / 10000, ymd / 100 % 100, ymd % 100) +
	    days);
}

int
ymd_today(void)
{
	return clock_local_ymd(clock_now());
}

bool
ym_valid(int ym)
{
	return ym / 100 >= 2000 && ym / 100 <= 2199 && ym % 100 >= 1 &&
	    ym % 100 <= 12;
}

int
ym_next(int ym)
{
	return ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1;
}

int
ym_span(int from_ym, int to_ym)
{
	int n = (to_ym / 100 - from_ym / 100) * 12 + to_ym % 100 -
	    from_ym % 100 + 1;

	return n > 0 ? n : 0;
}
