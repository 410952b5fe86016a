/*
 * calendar — working-time arithmetic over a loaded business calendar: pure
 * functions, no database and no allocation (but cal_hours_text()).
 *
 * A local day's working time is a sorted list of half-open intervals
 * [start, end) of minutes after local midnight.  The day's hours come from,
 * in this order: a holiday (none), a special working day (its own hours),
 * the weekday.  Local wall times become UTC instants through mktime() in the
 * process time zone (the company zone), so a zone with daylight saving time
 * is handled day by day.
 *
 * Boundaries: an interval contains its start and not its end; counting
 * starts at the first working instant at or after the start; the due time
 * is the earliest instant at which the count is reached (an interval's end
 * rather than the next interval's start).
 */
#include "domain/sla/sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/date.h"

/* ----- civil dates (util/date.h) ----- */

bool
cal_ymd_valid(int ymd)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;

	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	return ymd_from_days(ymd_to_days(ymd)) == ymd;
}

int
cal_weekday(int ymd)
{
	int64_t z = ymd_to_days(ymd);

	/* 1970-01-01 was a Thursday (ISO 4) */
	return (int)(((z % 7) + 7 + 3) % 7) + 1;
}

int
cal_ymd_add(int ymd, int n)
{
	return ymd_from_days(ymd_to_days(ymd) + n);
}

int
cal_local_ymd(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int64_t
cal_instant(int ymd, int minute)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = ymd / 10000 - 1900;
	tm.tm_mon = ymd / 100 % 100 - 1;
	tm.tm_mday = ymd % 100;
	tm.tm_hour = minute / 60;	/* 24:00 normalises to the next day */
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* ----- the hours of a day ----- */

static const struct cal_hours no_hours = { 0, { { 0, 0 } } };

const struct cal_hours *
cal_hours_on(const struct calendar *cal, int ymd, enum cal_day_kind *kind,
    const struct cal_day **special)
{
	size_t lo = 0, hi = cal->ndays;

	if (kind != NULL)
		*kind = CAL_NORMAL;
	if (special != NULL)
		*special = NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cal_day *d = &cal->days[mid];

		if (d->ymd == ymd) {
			if (kind != NULL)
				*kind = d->kind;
			if (special != NULL)
				*special = d;
			return d->kind == CAL_HOLIDAY ? &no_hours : &d->hours;
		}
		if (d->ymd < ymd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return &cal->week[cal_weekday(ymd) - 1];
}

/* ----- arithmetic ----- */

bool
cal_add(const struct calendar *cal, int64_t start, int64_t work_s,
    int64_t *due)
{
	int64_t left = work_s;
	int ymd;

	if (work_s <= 0) {
		*due = start;
		return true;
	}
	ymd = cal_local_ymd(start);
	for (int day = 0; day < CAL_HORIZON_DAYS; day++) {
		const struct cal_hours *h = cal_hours_on(cal, ymd, NULL, NULL);

		for (int i = 0; i < h->n; i++) {
			int64_t a = cal_instant(ymd, h->v[i].start_min);
			int64_t b = cal_instant(ymd, h->v[i].end_min);

			if (b <= start)
				continue;
			if (a < start)
				a = start;
			if (b - a >= left) {
				*due = a + left;
				return true;
			}
			left -= b - a;
		}
		ymd = cal_ymd_add(ymd, 1);
	}
	return false;
}

int64_t
cal_between(const struct calendar *cal, int64_t from, int64_t to)
{
	int64_t total = 0;
	int ymd, last;

	if (to <= from)
		return 0;
	ymd = cal_local_ymd(from);
	last = cal_local_ymd(to);
	/* bounded: 100 years of days at most */
	for (int day = 0; ymd <= last && day < 36600; day++) {
		const struct cal_hours *h = cal_hours_on(cal, ymd, NULL, NULL);

		for (int i = 0; i < h->n; i++) {
			int64_t a = cal_instant(ymd, h->v[i].start_min);
			int64_t b = cal_instant(ymd, h->v[i].end_min);

			if (a < from)
				a = from;
			if (b > to)
				b = to;
			if (b > a)
				total += b - a;
		}
		ymd = cal_ymd_add(ymd, 1);
	}
	return total;
}

bool
cal_next_day_at(const struct calendar *cal, int64_t start, int minute,
    int64_t *due)
{
	(void)cal;	/* the next calendar day, worked or not (seed 000 4.2.9) */
	*due = cal_instant(cal_ymd_add(cal_local_ymd(start), 1), minute);
	return true;
}

size_t
cal_walk(const struct calendar *cal, int64_t from, int64_t to,
    size_t max_days, cal_walk_fn fn, void *ctx, bool *more)
{
	int64_t segs[2 * CAL_SPANS_MAX];
	size_t visited = 0;
	int ymd, last;

	if (more != NULL)
		*more = false;
	if (to <= from)
		return 0;
	ymd = cal_local_ymd(from);
	last = cal_local_ymd(to);
	if (cal_instant(last, 0) >= to)	/* to is that day's midnight */
		last = cal_ymd_add(last, -1);
	while (ymd <= last) {
		const struct cal_day *sp;
		enum cal_day_kind kind;
		const struct cal_hours *h;
		int nseg = 0;

		if (visited == max_days) {
			if (more != NULL)
				*more = true;
			break;
		}
		h = cal_hours_on(cal, ymd, &kind, &sp);
		for (int i = 0; i < h->n; i++) {
			int64_t a = cal_instant(ymd, h->v[i].start_min);
			int64_t b = cal_instant(ymd, h->v[i].end_min);

			if (a < from)
				a = from;
			if (b > to)
				b = to;
			if (b > a) {
				segs[2 * nseg] = a;
				segs[2 * nseg + 1] = b;
				nseg++;
			}
		}
		fn(ctx, ymd, kind, sp, h->n > 0, segs, nseg);
		visited++;
		ymd = cal_ymd_add(ymd, 1);
	}
	return visited;
}

/* ----- parsing and formatting ----- */

static bool
two_digits(const char *s, int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return false;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return true;
}

/* "HH:MM" at s into minutes; allow_24 admits "24:00". */
static bool
parse_hhmm(const char *s, bool allow_24, int *out)
{
	int h, m;

	if (!two_digits(s, &h) || s[2] != ':' || !two_digits(s + 3, &m))
		return false;
	if (m > 59 || h > 24 || (h == 24 && (!allow_24 || m != 0)))
		return false;
	*out = h * 60 + m;
	return true;
}

bool
cal_parse_span(const char *s, struct cal_span *out, const char **why)
{
	if (strlen(s) != 11 || s[5] != '-' || !parse_hhmm(s, false,
	    &out->start_min) || !parse_hhmm(s + 6, true, &out->end_min)) {
		*why = "expected HH:MM-HH:MM (00:00 to 24:00)";
		return false;
	}
	if (out->end_min <= out->start_min) {
		*why = "the end must be after the start";
		return false;
	}
	return true;
}

static int
span_cmp(const void *a, const void *b)
{
	const struct cal_span *x = a, *y = b;

	return x->start_min - y->start_min;
}

bool
cal_hours_normalize(struct cal_hours *h, const char **why)
{
	if (h->n < 0 || h->n > CAL_SPANS_MAX) {
		*why = "at most 8 intervals a day";
		return false;
	}
	qsort(h->v, (size_t)h->n, sizeof(h->v[0]), span_cmp);
	for (int i = 0; i < h->n; i++) {
		if (h->v[i].start_min < 0 || h->v[i].end_min > 1440 ||
		    h->v[i].end_min <= h->v[i].start_min) {
			*why = "an interval is empty or outside the day";
			return false;
		}
		if (i > 0 && h->v[i].start_min < h->v[i - 1].end_min) {
			*why = "intervals overlap";
			return false;
		}
	}
	return true;
}

bool
cal_parse_hours(const char *s, struct cal_hours *out, const char **why)
{
	char one[16];

	memset(out, 0, sizeof(*out));
	while (*s != '\0') {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (out->n == CAL_SPANS_MAX) {
			*why = "at most 8 intervals a day";
			return false;
		}
		if (len >= sizeof(one)) {
			*why = "expected HH:MM-HH:MM (00:00 to 24:00)";
			return false;
		}
		memcpy(one, s, len);
		one[len] = '\0';
		if (!cal_parse_span(one, &out->v[out->n], why))
			return false;
		out->n++;
		s += len;
		if (*s == ',') {
			s++;
			if (*s == '\0') {
				*why = "expected HH:MM-HH:MM (00:00 to 24:00)";
				return false;
			}
		}
	}
	return cal_hours_normalize(out, why);
}

void
cal_format_min(int minute, char *out, size_t len)
{
	unsigned m = minute < 0 ? 0 : minute > 1440 ? 1440 : (unsigned)minute;

	if (len < 6) {
		if (len > 0)
			out[0] = '\0';
		return;
	}
	out[0] = (char)('0' + m / 600);
	out[1] = (char)('0' + m / 60 % 10);
	out[2] = ':';
	out[3] = (char)('0' + m % 60 / 10);
	out[4] = (char)('0' + m % 10);
	out[5] = '\0';
}

char *
cal_hours_text(struct arena *a, const struct cal_hours *h)
{
	char s[16 * CAL_SPANS_MAX + 1], x[8], y[8];
	size_t off = 0;

	s[0] = '\0';
	for (int i = 0; i < h->n; i++) {
		cal_format_min(h->v[i].start_min, x, sizeof(x));
		cal_format_min(h->v[i].end_min, y, sizeof(y));
		off += (size_t)snprintf(s + off, sizeof(s) - off, "%s%s-%s",
		    i ? "," : "", x, y);
	}
	return arena_strdup(a, s);
}

void
cal_format_ymd(int ymd, char *out, size_t len)
{
	snprintf(out, len, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100,
	    ymd % 100);
}

bool
cal_parse_ymd(const char *s, int *ymd)
{
	int y1, y2, m, d, v;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !two_digits(s, &y1) || !two_digits(s + 2, &y2) ||
	    !two_digits(s + 5, &m) || !two_digits(s + 8, &d))
		return false;
	v = (y1 * 100 + y2) * 10000 + m * 100 + d;
	if (!cal_ymd_valid(v))
		return false;
	*ymd = v;
	return true;
}
