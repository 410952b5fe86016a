/*
 * test_export — CSV and Excel files of a typed table (util/export.h): the
 * bytes of a CSV at its rules' edges (quoting, inert formulas, money,
 * days, moments, booleans, nulls) and an Excel file that is a real zip.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "util/export.h"

static const struct tcol cols[] = {
	{ "t", "文本", "Text", COL_TEXT },
	{ "m", "金额", "Amount", COL_MONEY },
	{ "d", "日期", "Day", COL_DATE },
	{ "at", "时间", "At", COL_TIME },
	{ "r", "比例", "Ratio", COL_RATIO },
	{ "b", "保内", "In warranty", COL_BOOL },
	{ "n", "数量", "Count", COL_INT },
};

#define NCOLS (sizeof(cols) / sizeof(cols[0]))

/* The whole file of an export of rows, NUL-terminated (malloc'd). */
static char *
export_all(enum export_fmt f, const char *lang, const struct tcell *rows,
    size_t nrows, size_t *len)
{
	struct exporter *x = NULL;
	struct svc_err err = { 0 };
	char *out;
	int fd;

	CHECK_INT(export_open(&x, f, cols, NCOLS, lang, "测试[1]", NULL,
	    &err), SVC_OK);
	if (x == NULL)
		return NULL;
	for (size_t i = 0; i < nrows; i++)
		CHECK_INT(export_row(x, &rows[i * NCOLS], &err), SVC_OK);
	CHECK_INT(export_rows(x), nrows);
	CHECK_INT(export_finish(x, &fd, len, &err), SVC_OK);
	out = calloc(1, *len + 1);
	CHECK(out != NULL && read(fd, out, *len) == (ssize_t)*len);
	close(fd);
	return out;
}

static void
t_csv_edges(void)
{
	/* 2026-12-03 06:05 UTC = 14:05 in Asia/Shanghai */
	struct tcell rows[] = {
		{ .s = "=1+1" }, { .i = 123456 }, { .i = 20261203 },
		{ .i = 1796277900 }, { .d = 0.125 }, { .i = 1 }, { .i = -7 },

		{ .s = "逗号,\"引号\"\r\n换行" }, { .i = -5 }, { .null = true },
		{ .null = true }, { .d = 1 }, { .i = 0 }, { .i = 0 },

		{ .s = "-x" }, { .i = 0 }, { .i = 20240229 }, { .i = 0 },
		{ .d = 0.00005 }, { .null = true }, { .null = true },

		{ .s = "@a" }, { .i = 1 }, { .null = true }, { .null = true },
		{ .null = true }, { .null = true }, { .null = true },

		{ .s = "\tb" }, { .null = true }, { .null = true },
		{ .null = true }, { .null = true }, { .null = true },
		{ .null = true },

		{ .s = "+c" }, { .null = true }, { .null = true },
		{ .null = true }, { .null = true }, { .null = true },
		{ .null = true },

		{ .s = "a=b" }, { .null = true }, { .null = true },
		{ .null = true }, { .null = true }, { .null = true },
		{ .null = true },
	};
	size_t len = 0;
	char *s = export_all(EXPORT_CSV, "zh-CN", rows,
	    sizeof(rows) / sizeof(rows[0]) / NCOLS, &len);

	CHECK_STR(s, "\xEF\xBB\xBF"
	    "文本,金额,日期,时间,比例,保内,数量\r\n"
	    "'=1+1,1234.56,2026-12-03,2026-12-03 14:05,0.125,是,-7\r\n"
	    "\"逗号,\"\"引号\"\"\r\n换行\",-0.05,,,1,否,0\r\n"
	    "'-x,0.00,2024-02-29,1970-01-01 08:00,0.0001,,\r\n"
	    "'@a,0.01,,,,,\r\n"
	    "'\tb,,,,,,\r\n"
	    "'+c,,,,,,\r\n"
	    "a=b,,,,,,\r\n");
	CHECK_INT(len, s != NULL ? strlen(s) : 0);
	free(s);
}

static void
t_csv_english(void)
{
	struct tcell row[] = {
		{ .s = "x" }, { .i = 100 }, { .null = true }, { .null = true },
		{ .null = true }, { .i = 0 }, { .i = 3 },
	};
	size_t len = 0;
	char *s = export_all(EXPORT_CSV, "en", row, 1, &len);

	CHECK_STR(s, "\xEF\xBB\xBF" "Text,Amount,Day,At,Ratio,In warranty,Count"
	    "\r\nx,1.00,,,,no,3\r\n");
	free(s);
}

static void
t_xlsx_zip(void)
{
	struct tcell row[] = {
		{ .s = "=1+1" }, { .i = 100 }, { .i = 20261203 },
		{ .i = 1796277900 }, { .d = 0.5 }, { .i = 1 }, { .i = 3 },
	};
	size_t len = 0;
	char *s = export_all(EXPORT_XLSX, "zh-CN", row, 1, &len);

	CHECK(len > 1000);
	CHECK(s != NULL && memcmp(s, "PK\x03\x04", 4) == 0);
	free(s);
	CHECK_STR(export_ext(EXPORT_XLSX), "xlsx");
	CHECK_STR(export_media_type(EXPORT_CSV), "text/csv; charset=utf-8");
}

/* An exporter dropped half-way leaves nothing behind (ASan: no leak). */
static void
t_abort(void)
{
	struct tcell row[NCOLS] = { { .s = "x" } };
	struct svc_err err = { 0 };
	struct exporter *x = NULL;

	for (int f = EXPORT_CSV; f <= EXPORT_XLSX; f++) {
		CHECK_INT(export_open(&x, (enum export_fmt)f, cols, NCOLS,
		    "zh", NULL, NULL, &err), SVC_OK);
		CHECK_INT(export_row(x, row, &err), SVC_OK);
		export_abort(x);
	}
	export_abort(NULL);
	CHECK_INT(export_open(&x, EXPORT_CSV, cols, NCOLS, "zh", NULL,
	    "/nonexistent-dir", &err), SVC_ESTORE);
	CHECK(x == NULL);
}

const struct h_test export_tests[] = {
	{ "export: CSV quoting, inert formulas, money, days, moments",
	    t_csv_edges },
	{ "export: CSV headers in English, booleans yes/no", t_csv_english },
	{ "export: an Excel file is a zip", t_xlsx_zip },
	{ "export: an aborted export frees everything; no spool dir: ESTORE",
	    t_abort },
	{ NULL, NULL },
};
