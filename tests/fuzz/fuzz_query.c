/*
 * fuzz_query — the parsers of query strings and path parameters: the input
 * is one parameter value (as libmicrohttpd hands it over: a C string, so it
 * ends at the first NUL), given to each parser of user text in turn:
 *
 *   str_to_i64 (limits, ids, path ids) with several bounds, checked against
 *   a reference parser; utf8_valid and utf8_len, checked against a
 *   reference decoder; clock_parse (ISO-8601 times); the dates of master
 *   data, the calendar and returns (ymd_parse, cal_parse_ymd,
 *   rma_parse_ymd); the calendar's working hours (cal_parse_hours); the
 *   keyset cursors and ?sort= of every master list (rec_query_begin, with an
 *   integer and a text sort); the search word splitter (tok_split) and the
 *   search query compiler (search_compile), whose FTS5 text must be a
 *   MATCH expression SQLite accepts.
 *
 *   build-fuzz/fuzz_query tests/fuzz/corpus/fuzz_query
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/master/internal.h"
#include "domain/rma/rma.h"
#include "domain/search/search.h"
#include "domain/sla/sla.h"
#include "util/clock.h"
#include "util/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *fts;

static void
fail(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_query: %s: '%.200s'\n", what, s);
	abort();
}

/* ----- integers ----- */

/* The reference: optional sign, one or more digits, nothing else. */
static bool
ref_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	__int128 v = 0, lim = (__int128)1 << 64;
	size_t i = 0;
	bool neg = false;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > lim)
			v = lim;	/* saturate: out of any int64 range */
	}
	if (neg)
		v = -v;
	if (v < (__int128)INT64_MIN || v > (__int128)INT64_MAX)
		return false;
	*out = (int64_t)v;
	return *out >= min && *out <= max;
}

static void
check_i64(const char *s, size_t len)
{
	static const int64_t bounds[][2] = {
		{ 1, INT64_MAX }, { 1, 200 }, { 0, INT64_MAX },
		{ INT64_MIN, INT64_MAX }, { -5, 5 }, { 0, 100000 },
	};

	for (size_t b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++) {
		int64_t got = 0, want = 0;
		bool ok = str_to_i64(s, len, bounds[b][0], bounds[b][1], &got);
		bool rok = ref_i64(s, len, bounds[b][0], bounds[b][1], &want);

		if (ok != rok)
			fail(ok ? "str_to_i64 accepted what it must refuse" :
			    "str_to_i64 refused a valid integer", s);
		if (ok && (got != want || got < bounds[b][0] ||
		    got > bounds[b][1]))
			fail("str_to_i64 gave a wrong value", s);
	}
}

/* ----- UTF-8 ----- */

/* The reference decoder (RFC 3629), counting code points; -1 if invalid. */
static long
ref_utf8(const unsigned char *s, size_t len)
{
	long n = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t need;

		if (s[i] == 0)
			return -1;
		if (s[i] < 0x80) {
			i++;
			n++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
		} else
			return -1;
		if (i + need >= len)
			return -1;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += need + 1;
		n++;
	}
	return n;
}

static void
check_utf8(const uint8_t *data, size_t size)
{
	long want = ref_utf8(data, size);
	bool ok = utf8_valid((const char *)data, size);

	if (ok != (want >= 0))
		fail(ok ? "utf8_valid accepted invalid UTF-8" :
		    "utf8_valid refused valid UTF-8", (const char *)data);
	if (ok && utf8_len((const char *)data, size) != (size_t)want)
		fail("utf8_len miscounted", (const char *)data);
}

/* utf8_scrub leaves valid UTF-8 alone and makes anything else valid. */
static void
check_scrub(const char *s, size_t len)
{
	char *c = strdup(s);
	bool was = utf8_valid(s, len);

	if (c == NULL)
		return;
	utf8_scrub(c);
	if (!utf8_valid(c, strlen(c)) || (was && strcmp(c, s) != 0))
		fail("utf8_scrub", s);
	free(c);
}

/* ----- times and dates ----- */

/* clock_format_local and clock_local_ymd against localtime_r. */
static void
check_format(int64_t t, const char *s)
{
	time_t tt = (time_t)t;
	char got[64], want[64];
	struct tm tm;
	long off;
	char sign = '+';

	if (t < -62135596800LL || t > 253402300799LL)	/* years 1..9999 */
		return;
	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff;
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(want, sizeof(want),
	    "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign,
	    off / 3600, (off % 3600) / 60);
	clock_format_local(t, got, sizeof(got));
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%lld: got %s, want %s\n", (long long)t, got,
		    want);
		fail("clock_format_local differs from localtime_r", s);
	}
	if (clock_local_ymd(t) != (tm.tm_year + 1900) * 10000 +
	    (tm.tm_mon + 1) * 100 + tm.tm_mday)
		fail("clock_local_ymd differs from localtime_r", s);
}

static void
check_times(const char *s)
{
	struct cal_hours h;
	const char *why = NULL;
	int64_t t;
	int ymd;

	/* 1970-01-01 - 14:59 .. 9999-12-31T23:59:59 + 14:59 (the offsets) */
	if (clock_parse(s, &t)) {
		if (t < -15 * 3600 || t > 253402300799LL + 15 * 3600)
			fail("clock_parse out of range", s);
		check_format(t, s);
	}
	if (str_to_i64(s, strlen(s), INT64_MIN, INT64_MAX, &t))
		check_format(t, s);
	if (ymd_parse(s, &ymd) && !ymd_valid(ymd))
		fail("ymd_parse gave an invalid date", s);
	if (cal_parse_ymd(s, &ymd) && !cal_ymd_valid(ymd))
		fail("cal_parse_ymd gave an invalid date", s);
	if (rma_parse_ymd(s, &ymd) && (ymd < 10000101 || ymd > 99991231))
		fail("rma_parse_ymd gave an invalid date", s);
	if (cal_parse_hours(s, &h, &why)) {
		if (h.n < 0 || h.n > CAL_SPANS_MAX)
			fail("cal_parse_hours: span count", s);
		for (int i = 0; i < h.n; i++)
			if (h.v[i].start_min < 0 || h.v[i].end_min > 1440 ||
			    h.v[i].end_min <= h.v[i].start_min ||
			    (i > 0 && h.v[i].start_min < h.v[i - 1].end_min))
				fail("cal_parse_hours: a bad span", s);
	} else if (why == NULL)
		fail("cal_parse_hours refused without a reason", s);
}

/* ----- list cursors and sort keys ----- */

static const struct rec_sort sorts[] = {
	{ "id", "c.id", false },
	{ "code", "c.code", true },
	{ "distance_km", "c.distance_km", false },
	{ NULL, NULL, false },
};

static void
one_page(struct arena *a, const char *sort, const char *cursor,
    const char *s)
{
	struct rec_page pg = { sort, cursor, 25 };
	struct rec_query q;
	struct svc_err err = { 0 };
	enum svc_code rc;

	rc = rec_query_begin(&q, a, "c.id", "customers c", "c.id", sorts, &pg,
	    &err);
	if (rc == SVC_OK) {
		if (q.sql.failed || !utf8_valid(q.sql.p, q.sql.len))
			fail("rec_query_begin: bad SQL text", s);
		for (size_t i = 0; i < q.na; i++)
			if (q.args[i].t == DBV_TEXT && !utf8_valid(q.args[i].s,
			    q.args[i].len))
				fail("rec_query_begin: a text argument that is "
				    "not UTF-8", s);
		rec_query_release(&q);
	} else if (rc != SVC_EINVAL || (strcmp(err.field, "cursor") != 0 &&
	    strcmp(err.field, "sort") != 0)) {
		fail("rec_query_begin: an error not naming cursor or sort", s);
	}
}

static void
check_lists(const char *s)
{
	static const char *const keys[] = { NULL, "-id", "code", "-code",
		"distance_km", "-distance_km" };
	struct arena a;

	arena_init(&a, 1u << 20);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		one_page(&a, keys[i], s, s);
	one_page(&a, s, NULL, s);
	arena_release(&a);
}

/* ----- search ----- */

struct tok_ctx {
	const char *s;
	size_t len;
	size_t n;
};

static int
on_token(void *arg, const struct tok *t)
{
	struct tok_ctx *c = arg;

	if (t->len == 0 || t->start >= t->end || t->end > c->len)
		fail("tok_split: a token outside the text", c->s);
	if (t->len > 4 * TOK_ASCII_MAX)
		fail("tok_split: a token too long", c->s);
	if (!utf8_valid(t->p, t->len))
		fail("tok_split: a token that is not UTF-8", c->s);
	c->n++;
	return 0;
}

static void
check_search(const char *s, size_t len)
{
	static const unsigned flags[] = { 0, TOK_DOCUMENT, TOK_QUERY };
	struct arena a;
	struct svc_err err = { 0 };
	char *out = NULL;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct tok_ctx c = { s, len, 0 };

		tok_split(s, len, flags[i], on_token, &c);
		if (c.n > 3 * len + 1)
			fail("tok_split: too many tokens", s);
	}
	arena_init(&a, 1u << 20);
	if (search_compile(&a, s, STORE_SQLITE, &out, &err) == SVC_OK) {
		sqlite3_stmt *st = NULL;
		int rc;

		if (sqlite3_prepare_v2(fts, "SELECT rowid FROM f WHERE f "
		    "MATCH ?", -1, &st, NULL) != SQLITE_OK)
			fail("prepare", sqlite3_errmsg(fts));
		sqlite3_bind_text(st, 1, out, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			fprintf(stderr, "FTS5: %s for '%s'\n",
			    sqlite3_errmsg(fts), out);
			fail("search_compile gave a MATCH text FTS5 refuses",
			    s);
		}
		sqlite3_finalize(st);
	} else if (err.field[0] == '\0') {
		fail("search_compile: an error naming no field", s);
	}
	out = NULL;
	if (search_compile(&a, s, STORE_PG, &out, &err) == SVC_OK &&
	    !utf8_valid(out, strlen(out)))
		fail("search_compile (PostgreSQL) is not UTF-8", s);
	arena_release(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	char *s;
	size_t len;

	if (!inited) {
		if (!clock_set_zone("Asia/Shanghai"))
			fail("clock_set_zone", "Asia/Shanghai");
		if (sqlite3_open(":memory:", &fts) != SQLITE_OK ||
		    sqlite3_exec(fts, "CREATE VIRTUAL TABLE f USING fts5(a, b, "
		    "c); INSERT INTO f VALUES ('x', 'y', 'z')", NULL, NULL,
		    NULL) != SQLITE_OK)
			fail("sqlite", "fts5");
		inited = true;
	}
	if (size > 16384)
		return 0;
	check_utf8(data, size);
	/* a parameter value is a C string */
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);
	check_scrub(s, len);
	check_i64(s, len);
	check_times(s);
	check_lists(s);
	if (utf8_valid(s, len))
		check_search(s, len);
	free(s);
	return 0;
}
