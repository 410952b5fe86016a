/*
 * pdf — how long one printed page takes (util/pdf.h): a one-page return
 * form (header with the Code 128 number, ten fields, three lines with
 * totals, six signatures, footer) laid out and written to an unlinked
 * file, N times on one thread; also a two-page request (3,000 characters)
 * and a report with a bar chart of 12 months.  Prints the first call
 * (pango's font map and the font files loaded) apart, then p50/p90/p99
 * and the mean of the rest.  `make bench-pdf` (N=200).
 *
 *   build/bench_pdf [N [DIR]]   (DIR: keep the three PDFs there)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/pdf.h"

static const struct pdf_template tpl = {
	.company = "华东精工售后服务有限公司",
	.address = "上海市嘉定区安亭镇墨玉路 88 号",
	.phone = "021-6999-0000",
	.footer = "本单一式三联：客户、售后、财务",
};

static const struct tcol line_cols[] = {
	{ "line_no", "行号", "Line", COL_TEXT },
	{ "model", "型号", "Model", COL_TEXT },
	{ "name", "品名", "Name", COL_TEXT },
	{ "serial", "序列号", "Serial", COL_TEXT },
	{ "quantity", "数量", "Quantity", COL_INT },
	{ "unit_price", "单价", "Unit price", COL_MONEY },
	{ "amount", "金额", "Amount", COL_MONEY },
	{ "reason", "原因", "Reason", COL_TEXT },
	{ "delivery_date", "发货日期", "Delivered", COL_DATE },
};

static void
form(struct pdf_doc *d)
{
	static const char *const totals[] = { "quantity", "amount", NULL };
	static const struct pdf_field f[] = {
		{ "单号", "RT-20261202-0007" }, { "状态", "已入库" },
		{ "客户", "上海东方建材经销部" }, { "类别", "调换" },
		{ "原因", "质量问题" }, { "来源", "客户门户" },
		{ "填单日期", "2026-12-02" }, { "总数量", "4" },
		{ "合计金额", "¥1,834.56" }, { "含二手货", "否" },
	};
	struct tcell cells[3 * 9] = {
		{ .s = "1" }, { .s = "KFR-72LW" }, { .s = "柜式空调" },
		{ .s = "SN-0001" }, { .i = 2 }, { .i = 30000 }, { .i = 60000 },
		{ .s = "质量问题" }, { .i = 20261120 },
		{ .s = "2" }, { .s = "KFR-35GW" }, { .s = "挂式空调" },
		{ .s = "SN-0002" }, { .i = 1 }, { .i = 123456 },
		{ .i = 123456 }, { .s = "质量问题" }, { .i = 20261121 },
		{ .s = "3" }, { .s = "RC-01" }, { .s = "遥控器" },
		{ .s = "" }, { .i = 1 }, { .i = 0 }, { .i = 0 },
		{ .s = "质量问题" }, { .i = 20261121 },
	};
	struct table t = { line_cols, 9, cells, 3 };
	static const struct pdf_sig s[] = {
		{ "售后服务科评审签字", "张伟", "售后部经理", 1796220000, "" },
		{ "经营部审批", "周涛", "经营部负责人", 1796223600, "同意" },
		{ "下达退货运输单", "张伟", "售后部经理", 1796227200, "" },
		{ "驾驶员提货", "马师傅", "驾驶员", 1796230800, "" },
		{ "质检", "陈静", "质检员", 1796234400, "控制板批次缺陷" },
		{ "仓库入库", "刘洋", "仓库主管", 1796238000, "" },
	};

	pdf_fields(d, f, sizeof(f) / sizeof(f[0]));
	pdf_heading(d, "退货明细");
	pdf_table(d, &t, totals);
	pdf_heading(d, "签字");
	pdf_signatures(d, s, sizeof(s) / sizeof(s[0]));
}

static char long_text[3000 * 3 + 1];
static int64_t layout_us;	/* of the forms: pdf_open to pdf_finish */

static int
run(int kind, int fd)
{
	static const struct tcol month_cols[] = {
		{ "month", "月份", "Month", COL_TEXT },
		{ "count", "工单数", "Requests", COL_INT },
	};
	static const char *const months[12] = { "2026-01", "2026-02",
		"2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
		"2026-08", "2026-09", "2026-10", "2026-11", "2026-12" };
	static const char *const ys[] = { "count", NULL };
	struct svc_err err = { 0 };
	struct pdf_doc *d;
	int64_t t0;
	size_t len;

	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	if (kind == 2) {
		struct tcell cells[24];
		struct table t = { month_cols, 2, cells, 12 };
		struct chart ch = { CHART_BAR, "month", ys };

		memset(cells, 0, sizeof(cells));
		for (int i = 0; i < 12; i++) {
			cells[2 * i].s = months[i];
			cells[2 * i + 1].i = 100 + 37 * i % 90;
		}
		if (pdf_report(&tpl, "月度工单汇总", "期间：2026-01 至 2026-12",
		    &t, &ch, fd, &len, &err) != SVC_OK)
			return -1;
		return 1;
	}
	t0 = clock_mono_us();
	d = pdf_open(&tpl, kind == 0 ? "调退货明细表" : "服务工单",
	    kind == 0 ? "RT-20261202-0007" : "SR-20261202-0001");
	if (kind == 0) {
		form(d);
	} else {
		pdf_heading(d, "故障描述");
		pdf_text(d, long_text);
	}
	int pages = pdf_pages(d);
	layout_us += clock_mono_us() - t0;
	if (pdf_finish(d, fd, &len, &err) != SVC_OK) {
		fprintf(stderr, "pdf: %s\n", err.msg);
		return -1;
	}
	return pages;
}

static int
cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "one-page return form",
		"two-page request (3,000 characters)",
		"report: bar chart of 12 months and its table" };
	int n = argc > 1 ? atoi(argv[1]) : 200;
	struct svc_err err = { 0 };
	int64_t *us;
	int fd;

	clock_set_zone("Asia/Shanghai");
	for (int i = 0; i < 3000; i++)
		memcpy(long_text + 3 * i, i % 60 == 59 ? "。" : "漏", 3);
	fd = pdf_tmpfd(NULL, &err);
	if (fd < 0 || n < 1) {
		fprintf(stderr, "bench_pdf: %s\n", err.msg);
		return 1;
	}
	us = calloc((size_t)n, sizeof(*us));
	for (int kind = 0; kind < 3; kind++) {
		int64_t t0 = clock_mono_us(), first, sum = 0;
		int pages = run(kind, fd);

		layout_us = 0;

		first = clock_mono_us() - t0;
		for (int i = 0; i < n; i++) {
			t0 = clock_mono_us();
			pages = run(kind, fd);
			us[i] = clock_mono_us() - t0;
			sum += us[i];
		}
		qsort(us, (size_t)n, sizeof(*us), cmp);
		printf("%-46s pages %d, %lld bytes: first %.1f ms; then p50 "
		    "%.2f ms, p90 %.2f ms, p99 %.2f ms, mean %.2f ms (n=%d)\n",
		    names[kind], pages, (long long)lseek(fd, 0, SEEK_END),
		    first / 1e3, us[n / 2] / 1e3, us[n * 9 / 10] / 1e3,
		    us[n * 99 / 100] / 1e3, (double)sum / n / 1e3, n);
		if (kind < 2)
			printf("%-46s layout %.2f ms of the mean; the rest is "
			    "pdf_finish (replay, font subsets, deflate)\n", "",
			    (double)layout_us / n / 1e3);
	}
	free(us);
	close(fd);
	for (int kind = 0; argc > 2 && kind < 3; kind++) {
		char path[1024];

		snprintf(path, sizeof(path), "%s/bench-%d.pdf", argv[2], kind);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || run(kind, fd) < 0)
			return 1;
		close(fd);
	}
	return 0;
}
