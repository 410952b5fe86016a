/*
 * export — a typed table written out row by row as CSV or Excel (.xlsx),
 * spooled to an unlinked temporary file, so that a list of a million rows
 * is never held in memory: the caller hands it one row at a time and, at
 * the end, gets a file descriptor to send.
 *
 * CSV: UTF-8 with a byte order mark (so that Excel opens Chinese right),
 * CRLF records, RFC 4180 quoting (a field holding a comma, a quote, CR or LF
 * is quoted, quotes doubled).  A text cell that begins with = + - @, a tab
 * or CR is made inert by a leading apostrophe (OWASP, "CSV injection"), so
 * a spreadsheet never runs it as a formula.  Money is yuan with two
 * decimals (1234.56), days 2026-12-03, moments 2026-12-03 14:05 in the
 * company's zone, ratios as decimals (0.125), booleans 是/否 (yes/no).
 *
 * Excel: libxlsxwriter in constant-memory mode (each row goes to a temporary
 * file as it is written).  Typed cells: numbers as numbers, money as a
 * number with the format #,##0.00, days and moments as Excel dates,
 * ratios as percentages; text as strings (never formulas).  The header row
 * is bold and frozen, columns sized by type.  A sheet holds at most
 * EXPORT_XLSX_ROWS rows; the next rows go on a new sheet with the header
 * again.
 *
 * Headers are the columns' labels in the caller's language.  Nothing of the
 * file is kept after export_finish() or export_abort(): the file is
 * unlinked as soon as it is open.
 */
#ifndef AS_EXPORT_H
#define AS_EXPORT_H

#include <stddef.h>

#include "util/err.h"
#include "util/table.h"

enum export_fmt {
	EXPORT_CSV,
	EXPORT_XLSX,
};

/* Data rows of one Excel sheet (the format's limit less the header). */
#define EXPORT_XLSX_ROWS 1048575

struct exporter;

/*
 * Start an export of the columns cols[0..ncols) (borrowed until the end) in
 * lang ("en" or Chinese), the Excel sheet named sheet (cut to 31
 * characters, []:*?/\ replaced), the spool file in tmpdir (NULL: $TMPDIR
 * or /tmp).  Times are written in the company zone (util/clock.h).
 * SVC_ESTORE when the spool file cannot be made.
 */
enum svc_code export_open(struct exporter **out, enum export_fmt,
    const struct tcol *cols, size_t ncols, const char *lang,
    const char *sheet, const char *tmpdir, struct svc_err *) WARN_UNUSED_RESULT;

/* One row: cells[0..ncols), each of its column's type.  SVC_ESTORE on a
 * write error (disk full). */
enum svc_code export_row(struct exporter *, const struct tcell *cells,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Rows written so far. */
size_t export_rows(const struct exporter *);

/*
 * Finish the file and free the exporter: *fd is open at offset 0 on the
 * unlinked file of *len bytes (the caller closes it).
 */
enum svc_code export_finish(struct exporter *, int *fd, size_t *len,
    struct svc_err *) WARN_UNUSED_RESULT;

/* Drop the export and free it (NULL is fine). */
void export_abort(struct exporter *);

/* "text/csv; charset=utf-8" or the xlsx media type. */
const char *export_media_type(enum export_fmt);
/* "csv" or "xlsx". */
const char *export_ext(enum export_fmt);

#endif
