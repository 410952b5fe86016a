/*
 * test_util — strings, UTF-8, JSON writer, time.
 */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/mem.h"

static void
t_str_to_i64(void)
{
	static const struct {
		const char *s;
		int64_t min, max;
		int ok;
		int64_t want;
	} cases[] = {
		{ "0", 0, 10, 1, 0 },
		{ "10", 0, 10, 1, 10 },		/* at the limit */
		{ "11", 0, 10, 0, 0 },		/* one over */
		{ "-1", 0, 10, 0, 0 },
		{ "9223372036854775807", INT64_MIN, INT64_MAX, 1, INT64_MAX },
		{ "9223372036854775808", INT64_MIN, INT64_MAX, 0, 0 },
		{ "-9223372036854775808", INT64_MIN, INT64_MAX, 1, INT64_MIN },
		{ "", 0, 10, 0, 0 },
		{ "-", INT64_MIN, 10, 0, 0 },
		{ "1a", 0, 100, 0, 0 },
		{ " 1", 0, 100, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -42;
		bool ok = str_to_i64(cases[i].s, strlen(cases[i].s),
		    cases[i].min, cases[i].max, &v);

		CHECK_INT(ok, cases[i].ok);
		if (ok && cases[i].ok)
			CHECK_INT(v, cases[i].want);
	}
}

static void
t_utf8(void)
{
	static const struct {
		const char *s;
		size_t len;
		int ok;
	} cases[] = {
		{ "abc", 3, 1 },
		{ "漏水", 6, 1 },
		{ "\xe6\xbc", 2, 0 },		/* truncated */
		{ "\xff", 1, 0 },
		{ "\xc0\xaf", 2, 0 },		/* overlong '/' */
		{ "\xed\xa0\x80", 3, 0 },	/* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0 },	/* above U+10FFFF */
		{ "\xf0\x9f\x98\x80", 4, 1 },	/* emoji */
		{ "a\0b", 3, 0 },		/* NUL */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_INT(utf8_valid(cases[i].s, cases[i].len), cases[i].ok);
	CHECK_INT(utf8_len("漏水abc", 9), 5);
}

/* What a length limit leaves of a cut character is dropped; "" is kept. */
static void
t_utf8_scrub(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "unknown field '漏水\xe6\xbc'", "unknown field '漏水'" },
		{ "\xe6", "" },
		{ "ab\xff\xfe" "cd", "abcd" },
		{ "\xc0\xaf/", "/" },
		{ "\xed\xa0\x80x", "x" },
		{ "漏水😀", "漏水😀" },
		{ "", "" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		CHECK_STR(utf8_scrub(buf), cases[i].out);
	}
	/* an intact literal is never written to (arena_strdup's "" on OOM) */
	CHECK_STR(utf8_scrub((char *)"ok"), "ok");
}

static void
t_json_writer(void)
{
	struct buf b;
	struct jw w;

	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_kstr(&w, "a", "x\"y\\z\n\x01");
	jw_ki64(&w, "n", -5);
	jw_key(&w, "l");
	jw_arr_open(&w);
	jw_i64(&w, 1);
	jw_str(&w, "异响");
	jw_null(&w);
	jw_arr_close(&w);
	jw_kid(&w, "none", 0);
	jw_obj_close(&w);
	CHECK_STR(b.p, "{\"a\":\"x\\\"y\\\\z\\n\\u0001\",\"n\":-5,"
	    "\"l\":[1,\"异响\",null],\"none\":null}");
	buf_release(&b);

	/* the cap: appends past max fail, never overflow */
	buf_init(&b, 8);
	buf_adds(&b, "12345678");
	CHECK(!b.failed);
	buf_adds(&b, "9");
	CHECK(b.failed);
	CHECK_INT(b.len, 8);
	buf_release(&b);
}

static void
t_clock(void)
{
	char out[40];
	int64_t t;

	/* 2026-11-22 00:30 in Shanghai is 2026-11-21 16:30 UTC */
	CHECK(clock_parse("2026-11-22T00:30:00+08:00", &t));
	CHECK_INT(t, 1795278600);
	clock_format_local(t, out, sizeof(out));
	CHECK_STR(out, "2026-11-22T00:30:00+08:00");
	CHECK_INT(clock_local_ymd(t), 20261122);
	/* a bare local time is read in the company zone */
	CHECK(clock_parse("2026-11-22T00:30", &t));
	CHECK_INT(t, 1795278600);
	CHECK(clock_parse("2026-11-21T16:30:00Z", &t));
	CHECK_INT(t, 1795278600);
	/* a fraction of a second (JavaScript's toISOString) is cut off */
	CHECK(clock_parse("2026-11-21T16:30:00.999Z", &t));
	CHECK_INT(t, 1795278600);
	CHECK(!clock_parse("2026-11-21T16:30:00.Z", &t));
	CHECK(!clock_parse("2026-11-21T16:30:00.1234567890Z", &t));
	/* the local day turns at midnight Shanghai time, not UTC */
	CHECK(clock_parse("2026-11-21T15:59:59Z", &t));
	CHECK_INT(clock_local_ymd(t), 20261121);
	CHECK_INT(clock_local_ymd(t + 1), 20261122);
	CHECK(!clock_parse("2026-02-29", &t));	/* not a leap year */
	CHECK(clock_parse("2028-02-29", &t));
	CHECK(!clock_parse("2026-13-01", &t));
	CHECK(!clock_parse("2026-11-22T24:00", &t));
	CHECK(!clock_parse("2026-11-22x", &t));
}

static void
t_arena_cap(void)
{
	struct arena a;
	char *s;

	arena_init(&a, 64);
	CHECK(arena_alloc(&a, 48) != NULL);
	CHECK(!a.oom);
	CHECK(arena_alloc(&a, 32) == NULL);	/* past the cap */
	CHECK(a.oom);
	s = arena_strdup(&a, "a string longer than the sixteen bytes left");
	CHECK(s != NULL && s[0] == '\0');	/* never NULL */
	arena_release(&a);
}

const struct h_test util_tests[] = {
	{ "util: str_to_i64 at its limits", t_str_to_i64 },
	{ "util: utf8 validation", t_utf8 },
	{ "util: utf8_scrub drops cut characters", t_utf8_scrub },
	{ "util: json writer escapes and nests", t_json_writer },
	{ "util: time in Asia/Shanghai", t_clock },
	{ "util: arena cap", t_arena_cap },
	{ NULL, NULL },
};
