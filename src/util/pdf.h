/*
 * pdf — the one layout engine of every printed document (forms and
 * reports): cairo's PDF surface with pango setting the text in "Noto Sans
 * CJK SC" (Debian's fonts-noto-cjk), so Chinese is shaped, wrapped and
 * searchable (pdftotext finds it).
 *
 * A document is A4 (595 x 842 pt).  Page 1 opens with the company header
 * of the template (logo, name, address and phone), the document number as
 * a Code 128 barcode with its text under it, the title and the number;
 * later pages with one line of company, title and number.  Every page ends
 * with the template's footer note and "第 i 页 共 N 页".
 *
 * Blocks are appended in order and laid out at once: a heading, a fields
 * table (label/value pairs, two pairs a row), a lines table (the columns
 * of a struct table, util/table.h: money right-aligned as ¥1,234.56, an
 * optional totals row), a paragraph of text, a signature block (each
 * signature's step, name, role and time) and a chart (bars, lines, a
 * Pareto or a pie, with axes and Chinese labels).
 *
 * Pagination: no table row is cut across pages (the table's header row
 * is repeated on the next page); a cell is at most a page tall (longer
 * text is cut with an ellipsis: put long text in a paragraph); a
 * paragraph wraps and breaks across pages between lines.  Each page is
 * laid out into a cairo recording surface; pdf_finish() knows N, replays
 * each page onto the PDF surface and draws its footer.
 *
 * Times are shown in the company zone (util/clock.h, process-wide) as
 * "2026-12-02 22:00"; days as "2026-12-02".
 *
 * Output goes to a file descriptor (pdf_tmpfd(): an unlinked file, which
 * the HTTP layer sends with rs->fd and closes): a long document never sits
 * in the request's memory.
 *
 * Threads: a document belongs to one thread; documents on different
 * threads are independent (pango's font map is per thread, made once per
 * thread).  Strings given to a block are read before the call returns.
 */
#ifndef AS_PDF_H
#define AS_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/table.h"

/* The company header and footer of a document type (borrowed). */
struct pdf_template {
	const char *company;	/* NULL or "": none */
	const char *address;
	const char *phone;
	const char *footer;	/* the footer note of every page */
	const unsigned char *logo;	/* PNG or JPEG bytes; NULL: none */
	size_t logo_len;
};

struct pdf_field {
	const char *label;
	const char *value;	/* NULL: empty */
};

struct pdf_sig {
	const char *step;	/* "销售经理审批" */
	const char *name;	/* the signer's name */
	const char *role;	/* the signer's role, in Chinese */
	int64_t at;		/* UTC seconds */
	const char *note;	/* NULL: none */
};

struct pdf_doc;

/*
 * A new document: page 1 with the header.  Caller-owned: pdf_finish() or
 * pdf_free() releases it.  number may be NULL (no barcode).  Never NULL
 * (aborts when out of memory, as xmalloc).
 */
struct pdf_doc *pdf_open(const struct pdf_template *, const char *title,
    const char *number);
/* A section heading (kept on the page of what follows it). */
void pdf_heading(struct pdf_doc *, const char *text);
/* Label/value pairs, two pairs a row. */
void pdf_fields(struct pdf_doc *, const struct pdf_field *, size_t n);
/* A paragraph: wrapped, broken across pages between lines. */
void pdf_text(struct pdf_doc *, const char *text);
/*
 * The table's rows under a header row of its Chinese labels; with totals
 * (the keys of COL_INT or COL_MONEY columns, NULL-ended), a last row
 * "合计" with their sums.  Column widths: the natural widths of the header
 * and the first 100 rows, text columns shrunk (wrapped) to fit the page.
 */
void pdf_table(struct pdf_doc *, const struct table *,
    const char *const *totals);
/* The signatures, oldest first; none: the line "（无签字）". */
void pdf_signatures(struct pdf_doc *, const struct pdf_sig *, size_t n);
/*
 * A chart of the table drawn as the screen does: CHART_BAR (grouped bars),
 * CHART_LINE, CHART_PARETO (bars of the first series and the cumulative
 * share on a 0-100 % axis), CHART_PIE (the first series); axes with ticks,
 * the categories under them, a legend of the series' Chinese labels.
 * CHART_NONE, unknown keys or no rows: nothing.
 */
void pdf_chart(struct pdf_doc *, const struct table *, const struct chart *);
/* Pages laid out so far. */
int pdf_pages(const struct pdf_doc *);
/*
 * Write the PDF into fd (at its current offset) and release the document.
 * *len gets the bytes written.  SVC_ESTORE naming the error when writing
 * failed, SVC_EINTERNAL when cairo failed.
 */
enum svc_code pdf_finish(struct pdf_doc *, int fd, size_t *len,
    struct svc_err *) WARN_UNUSED_RESULT;
/* Release a document not finished (NULL: nothing). */
void pdf_free(struct pdf_doc *);

/*
 * A report: title, a line of its filters (NULL: none), the chart (NULL or
 * CHART_NONE: none) and the table (no totals row) into fd, as pdf_finish().
 */
enum svc_code pdf_report(const struct pdf_template *, const char *title,
    const char *filters, const struct table *, const struct chart *,
    int fd, size_t *len, struct svc_err *) WARN_UNUSED_RESULT;

/*
 * An unlinked temporary file in dir (NULL: $TMPDIR or /tmp), open for
 * reading and writing; -1 with err filled (SVC_ESTORE) on failure.
 */
int pdf_tmpfd(const char *dir, struct svc_err *);

#define PDF_LOGO_MAX (512 * 1024)

/*
 * Why a logo cannot be printed (a message for the user), or NULL when it
 * can: a PNG that cairo reads or a JPEG with a frame header, at most
 * PDF_LOGO_MAX bytes and 4000 pixels a side.
 */
const char *pdf_logo_check(const unsigned char *, size_t len);

/* ----- formatting, shared with the forms ----- */

/* fen as "¥1,234.56" ("-¥5.00" below zero) into out (>= 32 bytes). */
void pdf_money(int64_t fen, char *out, size_t len);
/* UTC seconds as "2026-12-02 22:00" in the company zone (0: ""). */
void pdf_time(int64_t utc, char *out, size_t len);
/* A cell of a column as printed (money, days, times, ratios ...). */
void pdf_cell_text(const struct tcol *, const struct tcell *, char *out,
    size_t len);

/* ----- Code 128 (subset B) ----- */

#define CODE128_MAX 64	/* characters of one barcode */

/*
 * The symbols of text in Code 128 B: start B (104), one per character
 * (value = ASCII - 32), the check symbol ((104 + sum of i * value_i) mod
 * 103) and stop (106), into syms (room for strlen + 3).  Returns the
 * count, or 0 when text is empty, longer than CODE128_MAX or holds a
 * character outside ASCII 32..126.
 */
size_t code128_encode(const char *text, int *syms, size_t max);
/*
 * The widths in modules of symbol v (0..106), bar first, alternating bar
 * and space: six digits of 1..4 summing to 11 (stop: seven, 13).
 */
const char *code128_pattern(int v);

#endif
