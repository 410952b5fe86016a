/*
 * test_util — strings, UTF-8, JSON writer, time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "util/clock.h"
#include "util/date.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/text.h"

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

	/* integers at their limits; a key that needs escaping */
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_arr_open(&w);
	jw_i64(&w, INT64_MIN);
	jw_i64(&w, INT64_MAX);
	jw_i64(&w, 0);
	jw_i64(&w, -1);
	jw_i64(&w, 1000000);
	jw_obj_open(&w);
	jw_ki64(&w, "k\"ey\n", 7);
	jw_ki64(&w, "a_key_of_more_than_forty_bytes_xxxxxxxxxxxxxxxxx", 8);
	jw_obj_close(&w);
	jw_arr_close(&w);
	CHECK_STR(b.p, "[-9223372036854775808,9223372036854775807,0,-1,"
	    "1000000,{\"k\\\"ey\\n\":7,"
	    "\"a_key_of_more_than_forty_bytes_xxxxxxxxxxxxxxxxx\":8}]");
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

/* The escape a byte at a time, as RFC 8259 has it: the reference. */
static void
escape_ref(struct buf *b, const unsigned char *s, size_t len)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addf(b, "\\%c", s[i]);
		else if (s[i] == '\n')
			buf_adds(b, "\\n");
		else if (s[i] == '\r')
			buf_adds(b, "\\r");
		else if (s[i] == '\t')
			buf_adds(b, "\\t");
		else if (s[i] < 0x20)
			buf_addf(b, "\\u%04x", s[i]);
		else
			buf_addc(b, (char)s[i]);
	}
	buf_addc(b, '"');
}

/*
 * json_escape skips eight plain bytes at a time: every byte value, at every
 * offset of a word and every length up to 40, among plain ASCII and UTF-8
 * bytes (0x80-0xff must never look like control bytes), gives the
 * reference's output.
 */
static void
t_json_escape_words(void)
{
	static const unsigned char fill[] = "ab\xe5\xbc\x82\xe5\x93\x8d~ \x7f\xff\x80";
	unsigned char s[40];
	struct buf got, want;
	int bad = 0;

	buf_init(&got, 1024);
	buf_init(&want, 1024);
	for (size_t len = 0; len <= sizeof(s); len++)
		for (size_t at = 0; at < (len ? len : 1); at++)
			for (int v = 0; v < 256; v++) {
				for (size_t i = 0; i < len; i++)
					s[i] = fill[(i * 7 + at) %
					    (sizeof(fill) - 1)];
				if (len > 0)
					s[at] = (unsigned char)v;
				buf_reset(&got);
				buf_reset(&want);
				json_escape(&got, (const char *)s, len);
				escape_ref(&want, s, len);
				if (got.len != want.len ||
				    memcmp(got.p, want.p, got.len) != 0)
					bad++;
			}
	CHECK_INT(bad, 0);
	buf_release(&got);
	buf_release(&want);

	/* the inline append at the edge of its room and of the cap */
	buf_init(&got, 300);
	for (int i = 0; i < 255; i++)
		buf_addc(&got, 'x');	/* 255 + NUL: the first 256 bytes */
	CHECK(!got.failed);
	buf_addc(&got, 'y');		/* grows */
	CHECK(!got.failed && got.len == 256 && got.p[255] == 'y' &&
	    got.p[256] == '\0');
	buf_add(&got, "0123456789", 10);
	CHECK(!got.failed && strlen(got.p) == 266);
	memset(s, 'w', 34);
	buf_add(&got, s, 34);		/* 300 exactly */
	CHECK(!got.failed && got.len == 300);
	buf_addc(&got, 'z');		/* one past the cap */
	CHECK(got.failed && got.len == 300);
	buf_release(&got);
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

/* The reference: localtime_r and strftime, "+0800" made "+08:00". */
static void
format_ref(int64_t utc, char *out, size_t len)
{
	time_t t = (time_t)utc;
	struct tm tm;
	char z[8];
	size_t n;

	localtime_r(&t, &tm);
	n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(z, sizeof(z), "%z", &tm);
	snprintf(out + n, len - n, "%.3s:%.2s", z, z + 3);
}

/*
 * The per-day offset cache gives localtime_r's answer in zones with
 * daylight saving (at every change and a second either side, at whole and
 * half hours) and without, over twelve years in random order and in
 * sequence, and after the zone changes under it.
 */
static void
t_clock_zones(void)
{
	static const char *const zones[] = { "America/New_York",
		"Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu",
		"America/Sao_Paulo", "UTC", "Asia/Shanghai" };
	const int64_t from = 1577836800, to = 1956528000; /* 2020-2032 */
	uint64_t x = 88172645463325252u;
	char got[40], want[40];
	int bad = 0, changes = 0;

	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		long prev;

		if (!clock_set_zone(zones[z]))
			continue;	/* zone data missing: tzdata */
		format_ref(from, want, sizeof(want));
		prev = atol(want + 19) * 60 + atol(want + 23);
		for (int64_t t = from; t < to; t += 1800) {
			long off;

			format_ref(t, want, sizeof(want));
			off = atol(want + 19) * 60 + atol(want + 23);
			if (off == prev)
				continue;
			changes++;	/* an offset changed within (t-1800, t] */
			for (int64_t u = t - 1801; u <= t + 1; u++) {
				clock_format_local(u, got, sizeof(got));
				format_ref(u, want, sizeof(want));
				bad += strcmp(got, want) != 0;
			}
			prev = off;
		}
		for (int i = 0; i < 200000; i++) {
			int64_t t;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			t = from + (int64_t)(x % (uint64_t)(to - from));
			clock_format_local(t, got, sizeof(got));
			format_ref(t, want, sizeof(want));
			bad += strcmp(got, want) != 0;
		}
	}
	CHECK(changes > 40);	/* the zones with daylight saving were tested */
	CHECK_INT(bad, 0);
	CHECK(clock_set_zone("Asia/Shanghai"));
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

/* Sizes near SIZE_MAX fail cleanly: no sum wraps to a small allocation. */
static void
t_mem_wrap(void)
{
	static const size_t lens[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 8,
		SIZE_MAX - 15, SIZE_MAX - 16, SIZE_MAX - 100, SIZE_MAX / 2 + 1 };
	struct arena a;
	struct buf b;
	char *s;

	/* something already used; a size that wraps must not pass the cap
	 * (one that does not wrap is refused by it, never reaching malloc:
	 * ASan aborts on a malloc of such sizes) */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		arena_init(&a, 1u << 20);
		CHECK(arena_alloc(&a, 40) != NULL);
		CHECK(arena_alloc(&a, lens[i]) == NULL);
		CHECK(a.oom);
		arena_release(&a);
	}
	/* strndup of SIZE_MAX bytes: "" and oom, nothing copied */
	arena_init(&a, 1u << 20);
	s = arena_strndup(&a, "x", SIZE_MAX);
	CHECK(s != NULL && s[0] == '\0');
	CHECK(a.oom);
	arena_release(&a);
	/* a buffer: the append fails, what was there stays */
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		buf_init(&b, 1u << 20);
		buf_adds(&b, "abc");
		buf_add(&b, "", lens[i]);
		CHECK(b.failed);
		CHECK_INT(b.len, 3);
		CHECK_STR(b.p, "abc");
		buf_release(&b);
	}
}

/* Every range's first and last code point refused, their neighbours not. */
static void
t_text_invisible(void)
{
	static const struct {
		uint32_t cp;
		bool refused;
	} cases[] = {
		{ 0x200a, false }, { 0x200b, true }, { 0x200f, true },
		{ 0x2010, false }, { 0x2029, false }, { 0x202a, true },
		{ 0x202e, true }, { 0x202f, false }, { 0x2065, false },
		{ 0x2066, true }, { 0x2069, true }, { 0x206a, false },
		{ 0xfefe, false }, { 0xfeff, true }, { 0xff00, false },
	};
	char s[16];
	uint32_t cp;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t c = cases[i].cp;

		/* "ab" + the character (3 bytes of UTF-8) + "c" */
		snprintf(s, sizeof(s), "ab%c%c%cc", (char)(0xe0 | (c >> 12)),
		    (char)(0x80 | ((c >> 6) & 0x3f)), (char)(0x80 | (c & 0x3f)));
		cp = 0;
		CHECK_INT(text_invisible_at(s, strlen(s), &cp),
		    cases[i].refused ? 2 : -1);
		if (cases[i].refused)
			CHECK_INT(cp, c);
		/* cut short: the last byte outside len is not read */
		CHECK_INT(text_invisible_at(s, 4, NULL), -1);
	}
	CHECK_INT(text_invisible_at("漏水 KF-35", strlen("漏水 KF-35"), NULL), -1);
	CHECK_INT(text_invisible_at("", 0, NULL), -1);
}

static void
t_text_url_unescape(void)
{
	char s[64];

	snprintf(s, sizeof(s), "a%%00b");
	CHECK_INT(text_url_unescape(s), 4);
	CHECK(memcmp(s, "a\xc0\x80" "b", 5) == 0);
	CHECK(text_has_nul(s, strlen(s)));
	snprintf(s, sizeof(s), "%%41%%4a%%e6%%bc%%8f%%zz%%4%%");
	CHECK_INT(text_url_unescape(s), 11);
	CHECK_STR(s, "AJ漏%zz%4%");
	CHECK(!text_has_nul(s, strlen(s)));
	snprintf(s, sizeof(s), "%%00");
	CHECK_INT(text_url_unescape(s), 2);
	CHECK(text_has_nul(s, 2));
	CHECK(text_has_nul("a\0b", 3));
}

static void
t_months(void)
{
	CHECK_INT(ym_next(202611), 202612);
	CHECK_INT(ym_next(202612), 202701);
	CHECK_INT(ym_span(202611, 202702), 4);
	CHECK_INT(ym_span(202601, 202601), 1);
	CHECK_INT(ym_span(202602, 202601), 0);
	CHECK(ym_valid(200001) && ym_valid(219912));
	CHECK(!ym_valid(199912) && !ym_valid(220001));
	CHECK(!ym_valid(202600) && !ym_valid(202613));
}

const struct h_test util_tests[] = {
	{ "util: str_to_i64 at its limits", t_str_to_i64 },
	{ "util: utf8 validation", t_utf8 },
	{ "util: utf8_scrub drops cut characters", t_utf8_scrub },
	{ "util: json writer escapes and nests", t_json_writer },
	{ "util: json escape word at a time = byte at a time",
	    t_json_escape_words },
	{ "util: time in Asia/Shanghai", t_clock },
	{ "util: local time = localtime_r's in zones with and without DST",
	    t_clock_zones },
	{ "util: arena cap", t_arena_cap },
	{ "util: sizes near SIZE_MAX fail, never wrap", t_mem_wrap },
	{ "util: invisible and bidi controls found, their neighbours not",
	    t_text_invisible },
	{ "util: URL decoding keeps a NUL visible (never a cut)",
	    t_text_url_unescape },
	{ "util: months (YYYYMM) at the year's turn and the range's ends",
	    t_months },
	{ NULL, NULL },
};
