/*
 * clock — UTC storage, company-zone rendering.
 */
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char zone_name[64] = "UTC";
static unsigned zone_gen;	/* changes with the zone: see local_offset() */

bool
clock_set_zone(const char *zone)
{
	char path[256];
	struct stat st;

	if (zone == NULL || zone[0] == '\0' || strstr(zone, "..") != NULL ||
	    strlen(zone) >= sizeof(zone_name))
		return false;
	if (strcmp(zone, "UTC") != 0) {
		snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			return false;
	}
	snprintf(zone_name, sizeof(zone_name), "%s", zone);
	setenv("TZ", zone, 1);
	tzset();
	__atomic_add_fetch(&zone_gen, 1, __ATOMIC_RELAXED);
	return true;
}

const char *
clock_zone(void)
{
	return zone_name;
}

int64_t
clock_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
clock_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * The zone's offset from UTC at utc.  localtime_r() takes a process-wide
 * lock and is slow, and the times of a page of records are spread over
 * years.  No zone changes its offset twice within a day, so a day (UTC)
 * whose offset is the same at its first and last second has that offset
 * throughout; each thread keeps such days in a direct-mapped table of 1,024
 * days (almost three years of records at once; 24 KiB a thread).  A day
 * with a change in it is never kept: each of its times asks localtime_r().
 */
#define OFF_DAYS 1024

struct off_day {
	int64_t day;		/* utc / 86400, floored */
	unsigned gen;		/* zone_gen + 1 when filled; 0: empty */
	long off;
};

static long
zone_offset_at(int64_t utc)
{
	time_t t = (time_t)utc;
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_gmtoff;
}

static long
local_offset(int64_t utc)
{
	static _Thread_local struct off_day days[OFF_DAYS];
	unsigned gen = __atomic_load_n(&zone_gen, __ATOMIC_RELAXED) + 1;
	int64_t day = utc >= 0 ? utc / 86400 : -((-utc + 86399) / 86400);
	struct off_day *d = &days[(uint64_t)day % OFF_DAYS];
	long off;

	if (d->gen == gen && d->day == day)
		return d->off;
	off = zone_offset_at(utc);
	if (zone_offset_at(day * 86400) == off &&
	    zone_offset_at(day * 86400 + 86399) == off) {
		d->day = day;
		d->gen = gen;
		d->off = off;
	}
	return off;
}

/*
 * Year, month, day of a count of days since 1970-01-01 (proleptic
 * Gregorian).
 */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void
clock_format_local(int64_t utc, char *out, size_t len)
{
	time_t t = (time_t)utc;
	struct tm tm;
	long off;
	char sign = '+';

	off = local_offset(utc);
	if (len >= 26 && utc > -62135596800 + 86400 * 2 &&
	    utc < 253402300799 - 86400 * 2) {
		/* years 1..9999: "YYYY-MM-DDTHH:MM:SS+HH:MM" without stdio */
		int64_t local = utc + off, days, secs;
		int y, mo, d;
		char *p = out;

		days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
		secs = local - days * 86400;
		civil_from_days(days, &y, &mo, &d);
		p = put2(p, y / 100);
		p = put2(p, y % 100);
		*p++ = '-';
		p = put2(p, mo);
		*p++ = '-';
		p = put2(p, d);
		*p++ = 'T';
		p = put2(p, (int)(secs / 3600));
		*p++ = ':';
		p = put2(p, (int)(secs / 60 % 60));
		*p++ = ':';
		p = put2(p, (int)(secs % 60));
		if (off < 0) {
			sign = '-';
			off = -off;
		}
		*p++ = sign;
		p = put2(p, (int)(off / 3600 % 100));
		*p++ = ':';
		p = put2(p, (int)(off % 3600 / 60));
		*p = '\0';
		return;
	}
	localtime_r(&t, &tm);
	off = tm.tm_gmtoff;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
}

int
clock_local_ymd(int64_t utc)
{
	int64_t local = utc + local_offset(utc);
	int y, m, d;

	civil_from_days(local >= 0 ? local / 86400 : -((-local + 86399) /
	    86400), &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
clock_parse(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh, om;
	size_t len = strlen(s);
	const char *p;
	bool has_zone = false;
	long off = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	if (len < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return false;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1])
		return false;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return false;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' ||
		    !digits(p + 4, 2, &mi))
			return false;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &sec))
				return false;
			p += 3;
			/* a fraction (JavaScript's toISOString) is cut off */
			if (*p == '.') {
				int nd = 0;

				while (p[1 + nd] >= '0' && p[1 + nd] <= '9' &&
				    nd < 9)
					nd++;
				if (nd == 0)
					return false;
				p += 1 + nd;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return false;
		if (*p == 'Z') {
			has_zone = true;
			p++;
		} else if (*p == '+' || *p == '-') {
			if (!digits(p + 1, 2, &oh) || p[3] != ':' ||
			    !digits(p + 4, 2, &om) || oh > 14 || om > 59)
				return false;
			off = (long)(oh * 3600 + om * 60);
			if (*p == '-')
				off = -off;
			has_zone = true;
			p += 6;
		}
	}
	if (*p != '\0')
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (has_zone) {
		*out = (int64_t)timegm(&tm) - off;
	} else {
		tm.tm_isdst = -1;
		*out = (int64_t)mktime(&tm);
	}
	return true;
}
