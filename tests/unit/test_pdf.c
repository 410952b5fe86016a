/*
 * test_pdf — the layout engine of printed documents (util/pdf.h), read
 * back by real readers: Code 128's table (every symbol 11 modules, all
 * different, the stop 13) and check symbol against a published example;
 * the barcode of a PDF rasterised by pdftoppm and decoded back from its
 * bar widths into the number; money, times and cells as printed; a
 * report (table and bar chart) whose text pdftotext finds with its page
 * line; a long paragraph broken over two pages and a long table whose
 * header row is repeated on every page, no row cut; the logo's checks.
 * pdftotext and pdftoppm (poppler-utils) must be installed: a missing
 * tool fails the tests.
 */
#include <cairo.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "util/pdf.h"

static char tmpdir[] = "/tmp/aftersales-pdf-XXXXXX";

static const char *
dir(void)
{
	static int made;

	if (!made && mkdtemp(tmpdir) != NULL)
		made = 1;
	return tmpdir;
}

/* Finish d into path; its size (0 on failure). */
static size_t
finish(struct pdf_doc *d, const char *path)
{
	FILE *f = fopen(path, "wb");
	struct svc_err err = { 0 };
	size_t len = 0;

	if (f == NULL)
		return 0;
	if (pdf_finish(d, fileno(f), &len, &err) != SVC_OK)
		fprintf(stderr, "  pdf_finish: %s\n", err.msg);
	fclose(f);
	return len;
}

/* The text of pages from..to (0: all) by pdftotext, malloc'd. */
static char *
pdf_text_of(const char *path, int from, int to)
{
	char cmd[1200], *out = NULL;
	size_t len = 0, cap = 0, k;
	FILE *p;

	if (from > 0)
		snprintf(cmd, sizeof(cmd), "pdftotext -f %d -l %d '%s' -",
		    from, to, path);
	else
		snprintf(cmd, sizeof(cmd), "pdftotext '%s' -", path);
	p = popen(cmd, "r");
	if (p == NULL)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			out = realloc(out, cap);
			if (out == NULL)
				break;
		}
		k = fread(out + len, 1, cap - len - 1, p);
		len += k;
	} while (k > 0);
	if (pclose(p) != 0 || out == NULL) {
		free(out);
		return NULL;
	}
	out[len] = '\0';
	return out;
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* ----- Code 128 ----- */

static void
t_code128_table(void)
{
	int syms[CODE128_MAX + 3];
	size_t n;

	for (int v = 0; v < 107; v++) {
		const char *p = code128_pattern(v);
		int sum = 0, len = 0;

		CHECK(p != NULL);
		if (p == NULL)
			continue;
		for (; p[len] != '\0'; len++) {
			CHECK(p[len] >= '1' && p[len] <= '4');
			sum += p[len] - '0';
		}
		CHECK_INT(len, v == 106 ? 7 : 6);
		CHECK_INT(sum, v == 106 ? 13 : 11);
		for (int w = 0; w < v; w++)
			CHECK(strcmp(code128_pattern(w), code128_pattern(v)));
	}
	CHECK(code128_pattern(107) == NULL);
	CHECK(code128_pattern(-1) == NULL);
	/* the published example: "PJJ123C" has the check symbol 55 */
	n = code128_encode("PJJ123C", syms, 16);
	CHECK_INT(n, 10);
	CHECK_INT(syms[0], 104);
	CHECK_INT(syms[1], 'P' - 32);
	CHECK_INT(syms[8], 55);
	CHECK_INT(syms[9], 106);
	/* known patterns: start B, stop, "0" (16), "A" (33) */
	CHECK_STR(code128_pattern(104), "211214");
	CHECK_STR(code128_pattern(106), "2331112");
	CHECK_STR(code128_pattern('0' - 32), "123122");
	CHECK_STR(code128_pattern('A' - 32), "111323");
	/* refused: empty, too long, outside ASCII 32..126, no room */
	CHECK_INT(code128_encode("", syms, 16), 0);
	CHECK_INT(code128_encode("RT-\xe4\xb8\xad", syms, 16), 0);
	CHECK_INT(code128_encode("SR-2026-000123", syms, 16), 0);
	CHECK_INT(code128_encode("SR-2026-000123", syms, 17), 17);
}

/*
 * Rasterise page 1's barcode strip at 600 dpi and read the bars back: the
 * runs of one pixel row, in modules (the narrowest bar of the start symbol
 * is one module), grouped by six into symbols, the check verified.
 */
static void
decode_barcode(const char *pdf, char *out, size_t len)
{
	char cmd[1200], magic[3];
	int w, h, maxv, runs[1200], nr = 0, row;
	unsigned char *px;
	double unit;
	FILE *p;
	int x, start = -1, sum, k = 0, i;

	out[0] = '\0';
	/* the bars: top right, y from 36 pt, 30 pt tall: the row at 50 pt */
	snprintf(cmd, sizeof(cmd), "pdftoppm -f 1 -l 1 -r 600 -gray "
	    "-x 2480 -y 300 -W 2480 -H 200 '%s'", pdf);
	p = popen(cmd, "r");
	if (p == NULL)
		return;
	if (fscanf(p, "%2s %d %d %d", magic, &w, &h, &maxv) != 4 ||
	    strcmp(magic, "P5") != 0 || w <= 0 || h <= 0 || w > 5000 ||
	    h > 1000) {
		pclose(p);
		return;
	}
	fgetc(p);
	px = malloc((size_t)w * (size_t)h);
	if (px == NULL || fread(px, 1, (size_t)w * (size_t)h, p) !=
	    (size_t)w * (size_t)h) {
		free(px);
		pclose(p);
		return;
	}
	pclose(p);
	row = (int)((50.0 / 72 * 600) - 300);
	/* runs of dark and light from the first dark pixel */
	for (x = 0; x < w; x++) {
		int dark = px[row * w + x] < 128;

		if (start < 0 && !dark)
			continue;
		if (start < 0) {
			start = x;
			runs[0] = 0;
		}
		if ((nr % 2 == 0) == (dark != 0))
			runs[nr]++;
		else if (nr + 1 < 1200)
			runs[++nr] = 1;
	}
	free(px);
	if (start < 0)
		return;
	/* the last run is light (the quiet zone): not counted */
	if (nr % 2 == 0)
		nr++;
	if (nr < 13 || (nr - 7) % 6 != 0)
		return;
	/* start B is 11 modules */
	unit = (runs[0] + runs[1] + runs[2] + runs[3] + runs[4] +
	    runs[5]) / 11.0;
	sum = 0;
	for (i = 0; i < nr - 7; i += 6) {
		char pat[7];
		int v;

		for (int j = 0; j < 6; j++) {
			int m = (int)(runs[i + j] / unit + 0.5);

			pat[j] = (char)('0' + (m < 1 ? 1 : m > 4 ? 4 : m));
		}
		pat[6] = '\0';
		for (v = 0; v < 107; v++)
			if (strcmp(code128_pattern(v), pat) == 0)
				break;
		if (v == 107 || (i == 0 && v != 104))
			return;
		if (i == 0) {
			sum = 104;
		} else if (i == nr - 13) {	/* the check symbol */
			if (sum % 103 != v)
				return;
		} else {
			sum += (i / 6) * v;
			if ((size_t)k + 1 < len)
				out[k++] = (char)(v + 32);
		}
	}
	out[k] = '\0';
}

static void
t_code128_decodes(void)
{
	struct pdf_template tpl = { .company = "测试公司" };
	char path[512], got[80];
	struct pdf_doc *d;

	snprintf(path, sizeof(path), "%s/barcode.pdf", dir());
	d = pdf_open(&tpl, "服务工单", "SR-2026-000123");
	CHECK(finish(d, path) > 0);
	decode_barcode(path, got, sizeof(got));
	CHECK_STR(got, "SR-2026-000123");
	d = pdf_open(&tpl, "调退货明细表", "RT-20261202-0007");
	CHECK(finish(d, path) > 0);
	decode_barcode(path, got, sizeof(got));
	CHECK_STR(got, "RT-20261202-0007");
}

/* ----- formatting ----- */

static void
t_formats(void)
{
	static const struct tcol cols[] = {
		{ "a", "金额", "Amount", COL_MONEY },
		{ "n", "数量", "Count", COL_INT },
		{ "d", "日期", "Day", COL_DATE },
		{ "t", "时间", "Time", COL_TIME },
		{ "r", "占比", "Share", COL_RATIO },
		{ "h", "小时", "Hours", COL_NUM },
		{ "b", "在保", "In warranty", COL_BOOL },
	};
	struct tcell c = { 0 };
	char out[64];

	pdf_money(123456, out, sizeof(out));
	CHECK_STR(out, "¥1,234.56");
	pdf_money(-500, out, sizeof(out));
	CHECK_STR(out, "-¥5.00");
	pdf_money(0, out, sizeof(out));
	CHECK_STR(out, "¥0.00");
	pdf_money(100000000000LL, out, sizeof(out));
	CHECK_STR(out, "¥1,000,000,000.00");
	pdf_money(INT64_MIN, out, sizeof(out));
	CHECK_STR(out, "-¥92,233,720,368,547,758.08");
	/* 14:00 UTC is 22:00 in Shanghai */
	pdf_time(1796220000, out, sizeof(out));
	CHECK_STR(out, "2026-12-02 22:00");
	pdf_time(0, out, sizeof(out));
	CHECK_STR(out, "");
	c.i = 1234567;
	pdf_cell_text(&cols[1], &c, out, sizeof(out));
	CHECK_STR(out, "1,234,567");
	c.i = -1000;
	pdf_cell_text(&cols[1], &c, out, sizeof(out));
	CHECK_STR(out, "-1,000");
	c.i = 20261202;
	pdf_cell_text(&cols[2], &c, out, sizeof(out));
	CHECK_STR(out, "2026-12-02");
	c.i = 1796220000;
	pdf_cell_text(&cols[3], &c, out, sizeof(out));
	CHECK_STR(out, "2026-12-02 22:00");
	c.d = 0.125;
	pdf_cell_text(&cols[4], &c, out, sizeof(out));
	CHECK_STR(out, "12.5%");
	c.d = 3.25;
	pdf_cell_text(&cols[5], &c, out, sizeof(out));
	CHECK_STR(out, "3.2");
	c.i = 1;
	pdf_cell_text(&cols[6], &c, out, sizeof(out));
	CHECK_STR(out, "是");
	c.null = true;
	pdf_cell_text(&cols[0], &c, out, sizeof(out));
	CHECK_STR(out, "");
}

/* ----- documents ----- */

static const struct tcol month_cols[] = {
	{ "month", "月份", "Month", COL_TEXT },
	{ "count", "工单数", "Requests", COL_INT },
	{ "amount", "退货金额", "Returned", COL_MONEY },
};

static void
t_report(void)
{
	struct tcell cells[] = {
		{ .s = "2026-10" }, { .i = 12 }, { .i = 123456 },
		{ .s = "2026-11" }, { .i = 30 }, { .i = 99 },
		{ .s = "2026-12" }, { .i = 7 }, { .i = 100000000 },
	};
	struct table t = { month_cols, 3, cells, 3 };
	static const char *const ys[] = { "count", NULL };
	struct chart ch = { CHART_BAR, "month", ys };
	struct pdf_template tpl = { .company = "华东售后服务有限公司",
		.address = "上海市浦东新区", .phone = "021-12345678",
		.footer = "本单一式三联" };
	struct svc_err err = { 0 };
	char path[512], *txt;
	size_t len = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/report.pdf", dir());
	fd = pdf_tmpfd(dir(), &err);
	CHECK(fd >= 0);
	CHECK(pdf_report(&tpl, "月度工单汇总", "期间：2026-10 至 2026-12",
	    &t, &ch, fd, &len, &err) == SVC_OK);
	CHECK(len > 1000);
	CHECK(lseek(fd, 0, SEEK_END) == (off_t)len);
	close(fd);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(pdf_report(&tpl, "月度工单汇总", "期间：2026-10 至 2026-12",
	    &t, &ch, fd, &len, &err) == SVC_OK);
	close(fd);
	txt = pdf_text_of(path, 0, 0);
	CHECK(txt != NULL);
	if (txt == NULL)
		return;
	CHECK(strstr(txt, "月度工单汇总") != NULL);
	CHECK(strstr(txt, "华东售后服务有限公司") != NULL);
	CHECK(strstr(txt, "电话：021-12345678") != NULL);
	CHECK(strstr(txt, "本单一式三联") != NULL);
	CHECK(strstr(txt, "退货金额") != NULL);
	CHECK(strstr(txt, "¥1,234.56") != NULL);
	CHECK(strstr(txt, "¥1,000,000.00") != NULL);
	CHECK(strstr(txt, "第 1 页 共 1 页") != NULL);
	/* the chart's legend and categories (the table's too) */
	CHECK(count(txt, "2026-11") >= 2);
	CHECK(count(txt, "工单数") >= 2);
	free(txt);
}

static void
t_pages(void)
{
	static const char *const totals[] = { "amount", NULL };
	struct tcell *cells = calloc(150 * 3, sizeof(*cells));
	struct table t = { month_cols, 3, cells, 150 };
	struct pdf_template tpl = { .company = "测试公司" };
	char path[512], *txt, *long_text, label[150][16];
	struct pdf_doc *d;
	int pages;

	long_text = calloc(3000, 4);
	if (cells == NULL || long_text == NULL)
		return;
	for (int i = 0; i < 3000; i++)
		memcpy(long_text + 3 * i, i % 50 == 49 ? "。" : "维", 3);
	snprintf(path, sizeof(path), "%s/long.pdf", dir());
	d = pdf_open(&tpl, "服务工单", "SR-1");
	pdf_heading(d, "故障描述");
	pdf_text(d, long_text);
	CHECK_INT(pdf_pages(d), 2);
	CHECK(finish(d, path) > 0);
	txt = pdf_text_of(path, 0, 0);
	CHECK(txt != NULL && strstr(txt, "第 1 页 共 2 页") != NULL);
	CHECK(txt != NULL && strstr(txt, "第 2 页 共 2 页") != NULL);
	/* every character of the paragraph is there, none lost at the break */
	CHECK(txt != NULL && count(txt, "维") == 3000 - 60);
	free(txt);

	for (int r = 0; r < 150; r++) {
		snprintf(label[r], sizeof(label[r]), "行%03d", r);
		cells[r * 3].s = label[r];
		cells[r * 3 + 1].i = 1;
		cells[r * 3 + 2].i = 100;
	}
	d = pdf_open(&tpl, "明细", NULL);
	pdf_table(d, &t, totals);
	pages = pdf_pages(d);
	CHECK(pages >= 3);
	CHECK(finish(d, path) > 0);
	for (int p = 1; p <= pages; p++) {
		txt = pdf_text_of(path, p, p);
		CHECK(txt != NULL && strstr(txt, "退货金额") != NULL);
		free(txt);
	}
	txt = pdf_text_of(path, 0, 0);
	for (int r = 0; txt != NULL && r < 150; r++)
		CHECK(count(txt, label[r]) == 1);
	CHECK(txt != NULL && strstr(txt, "合计") != NULL);
	CHECK(txt != NULL && strstr(txt, "¥150.00") != NULL);
	/* the count column is not totalled: no 150 alone on a line */
	CHECK(txt != NULL && strstr(txt, "\n150\n") == NULL);
	free(txt);
	free(cells);
	free(long_text);
}

static cairo_status_t
png_write(void *closure, const unsigned char *p, unsigned int len)
{
	FILE *f = closure;

	return fwrite(p, 1, len, f) == len ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

static void
t_logo(void)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
	    40, 20);
	struct pdf_template tpl = { .company = "有标志的公司" };
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00,
		0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x10,
		0x00, 0x20, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9 };
	unsigned char *png = NULL;
	char path[512], *txt;
	size_t len = 0;
	FILE *f = open_memstream((char **)&png, &len);
	struct pdf_doc *d;

	cairo_surface_write_to_png_stream(s, png_write, f);
	fclose(f);
	cairo_surface_destroy(s);
	CHECK(pdf_logo_check(png, len) == NULL);
	CHECK(pdf_logo_check(jpeg, sizeof(jpeg)) == NULL);
	CHECK(pdf_logo_check((const unsigned char *)"GIF89a....", 10) !=
	    NULL);
	png[20] ^= 0xFF;	/* a broken header */
	CHECK(pdf_logo_check(png, len) != NULL);
	png[20] ^= 0xFF;
	CHECK(pdf_logo_check(png, PDF_LOGO_MAX + 1) != NULL);
	CHECK(pdf_logo_check(jpeg, 12) != NULL);
	tpl.logo = png;
	tpl.logo_len = len;
	snprintf(path, sizeof(path), "%s/logo.pdf", dir());
	d = pdf_open(&tpl, "退货单", "SL-1");
	CHECK(finish(d, path) > 0);
	txt = pdf_text_of(path, 0, 0);
	CHECK(txt != NULL && strstr(txt, "有标志的公司") != NULL);
	free(txt);
	free(png);
}

const struct h_test pdf_tests[] = {
	{ "pdf: Code 128 table, check symbol, refusals", t_code128_table },
	{ "pdf: the barcode of a PDF read back from its bars",
	    t_code128_decodes },
	{ "pdf: money, times and cells as printed", t_formats },
	{ "pdf: a report with its chart, template and page line",
	    t_report },
	{ "pdf: long text over two pages, a long table's header on every "
	    "page, no row lost", t_pages },
	{ "pdf: the logo (PNG, JPEG) checked and printed", t_logo },
	{ NULL, NULL },
};
