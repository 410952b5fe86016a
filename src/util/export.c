/*
 * export — CSV and Excel files of a typed table, written row by row to an
 * unlinked spool file (export.h states the formats).
 *
 * Invariants: the spool file is unlinked before export_open() returns
 * (CSV) or as soon as libxlsxwriter has closed it (Excel), so a crash never
 * leaves one behind for long; an exporter is freed exactly once, by
 * export_finish() or export_abort().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "util/clock.h"
#include "util/export.h"

#define SHEET_MAX 31

struct exporter {
	enum export_fmt fmt;
	const struct tcol *cols;
	size_t ncols;
	bool en;
	size_t rows;
	/* CSV */
	FILE *f;
	/* Excel */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *money, *day, *moment, *ratio, *num;
	char path[4096];
	char base[SHEET_MAX * 4 + 1];	/* the sheets' name */
	char sheet[SHEET_MAX * 4 + 16];
	int sheets;
	uint32_t row;		/* next row of the sheet */
};

static const char *
spool_dir(const char *tmpdir)
{
	const char *d = tmpdir;

	if (d == NULL || d[0] == '\0')
		d = getenv("TMPDIR");
	if (d == NULL || d[0] == '\0')
		d = "/tmp";
	return d;
}

static enum svc_code
fail_io(struct svc_err *err, const char *what)
{
	return svc_fail(err, SVC_ESTORE, NULL, "export: %s: %s", what,
	    strerror(errno));
}

/* ----- values as text (CSV) ----- */

/* Yuan with two decimals: -1234.56. */
static int
money_text(int64_t fen, char *out, size_t len)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	return snprintf(out, len, "%s%llu.%02u", fen < 0 ? "-" : "",
	    (unsigned long long)(a / 100), (unsigned)(a % 100));
}

static void
day_text(int64_t ymd, char *out, size_t len)
{
	snprintf(out, len, "%04d-%02d-%02d", (int)(ymd / 10000),
	    (int)(ymd / 100 % 100), (int)(ymd % 100));
}

/* "2026-12-03 14:05" in the company zone. */
static void
moment_text(int64_t utc, char *out, size_t len)
{
	char iso[40];

	clock_format_local(utc, iso, sizeof(iso));
	if (strlen(iso) >= 16) {
		iso[10] = ' ';
		iso[16] = '\0';
	}
	snprintf(out, len, "%s", iso);
}

/* Shortest decimal of d up to 4 places: 0.125, 12.5, 3. */
static void
decimal_text(double d, int places, char *out, size_t len)
{
	char *p;

	snprintf(out, len, "%.*f", places, d);
	p = strchr(out, '.');
	if (p == NULL)
		return;
	p += strlen(p) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	if (strcmp(out, "-0") == 0)
		snprintf(out, len, "0");
}

/* The cell as the text a CSV field holds (before quoting). */
static const char *
cell_text(const struct exporter *x, enum col_type t, const struct tcell *c,
    char *tmp, size_t len)
{
	if (c->null)
		return "";
	switch (t) {
	case COL_TEXT:
		return c->s != NULL ? c->s : "";
	case COL_INT:
		snprintf(tmp, len, "%lld", (long long)c->i);
		return tmp;
	case COL_MONEY:
		money_text(c->i, tmp, len);
		return tmp;
	case COL_DATE:
		day_text(c->i, tmp, len);
		return tmp;
	case COL_TIME:
		moment_text(c->i, tmp, len);
		return tmp;
	case COL_RATIO:
		decimal_text(c->d, 4, tmp, len);
		return tmp;
	case COL_NUM:
		decimal_text(c->d, 1, tmp, len);
		return tmp;
	case COL_BOOL:
		return c->i ? (x->en ? "yes" : "是") : (x->en ? "no" : "否");
	}
	return "";
}

/*
 * One CSV field: quoted when it holds a comma, a quote, CR or LF; a text
 * beginning with = + - @, a tab or CR gets a leading apostrophe first.
 */
static void
csv_field(FILE *f, const char *s, bool text)
{
	bool inert = text && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
	    s[0] == '@' || s[0] == '\t' || s[0] == '\r');

	if (strpbrk(s, ",\"\r\n") == NULL) {
		if (inert)
			fputc('\'', f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (inert)
		fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* ----- Excel ----- */

/* The sheet's name: at most 31 characters, none of []:*?/\ . */
static void
sheet_name(char *out, size_t len, const char *name, int n)
{
	size_t o = 0, chars = 0;
	char suffix[16] = "";
	const unsigned char *p;

	if (n > 1)
		snprintf(suffix, sizeof(suffix), " %d", n);
	if (name == NULL || name[0] == '\0')
		name = "Sheet";
	p = (const unsigned char *)name;
	while (*p != '\0') {
		size_t clen = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 :
		    2;

		if (chars + strlen(suffix) >= SHEET_MAX || o + clen + 1 +
		    strlen(suffix) >= len)
			break;
		if (clen == 1 && strchr("[]:*?/\\'", *p) != NULL) {
			out[o++] = '_';
			p++;
		} else {
			for (size_t i = 0; i < clen && *p != '\0'; i++)
				out[o++] = (char)*p++;
		}
		chars++;
	}
	out[o] = '\0';
	snprintf(out + o, len - o, "%s", suffix);
}

static double
col_width(enum col_type t)
{
	switch (t) {
	case COL_TEXT:
		return 24;
	case COL_TIME:
		return 17;
	case COL_DATE:
		return 11;
	case COL_MONEY:
		return 14;
	default:
		return 10;
	}
}

static enum svc_code
xlsx_sheet(struct exporter *x, struct svc_err *err)
{
	sheet_name(x->sheet, sizeof(x->sheet), x->base, ++x->sheets);
	x->ws = workbook_add_worksheet(x->wb, x->sheet);
	if (x->ws == NULL)
		return svc_fail(err, SVC_ESTORE, NULL, "export: cannot add "
		    "the sheet '%s'", x->sheet);
	worksheet_freeze_panes(x->ws, 1, 0);
	for (size_t c = 0; c < x->ncols; c++) {
		worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c,
		    col_width(x->cols[c].type), NULL);
		worksheet_write_string(x->ws, 0, (lxw_col_t)c,
		    x->en ? x->cols[c].en : x->cols[c].zh, x->head);
	}
	x->row = 1;
	return SVC_OK;
}

/* Days since 1899-12-30 (Excel's serial) of a YYYYMMDD. */
static double
excel_day(int64_t ymd)
{
	struct tm tm = { 0 };

	tm.tm_year = (int)(ymd / 10000) - 1900;
	tm.tm_mon = (int)(ymd / 100 % 100) - 1;
	tm.tm_mday = (int)(ymd % 100);
	tm.tm_hour = 12;
	return (double)(timegm(&tm) / 86400) + 25569.0;
}

/* The Excel serial of a moment, as the company's wall clock shows it. */
static double
excel_moment(int64_t utc)
{
	time_t t = (time_t)utc;
	struct tm tm;

	localtime_r(&t, &tm);
	return (double)(utc + tm.tm_gmtoff) / 86400.0 + 25569.0;
}

static lxw_error
xlsx_cell(struct exporter *x, lxw_col_t col, enum col_type t,
    const struct tcell *c)
{
	lxw_row_t r = x->row;

	if (c->null)
		return LXW_NO_ERROR;
	switch (t) {
	case COL_TEXT:
		return worksheet_write_string(x->ws, r, col, c->s != NULL ?
		    c->s : "", NULL);
	case COL_INT:
		return worksheet_write_number(x->ws, r, col, (double)c->i,
		    NULL);
	case COL_MONEY:
		return worksheet_write_number(x->ws, r, col,
		    (double)c->i / 100.0, x->money);
	case COL_DATE:
		return worksheet_write_number(x->ws, r, col, excel_day(c->i),
		    x->day);
	case COL_TIME:
		return worksheet_write_number(x->ws, r, col,
		    excel_moment(c->i), x->moment);
	case COL_RATIO:
		return worksheet_write_number(x->ws, r, col, c->d, x->ratio);
	case COL_NUM:
		return worksheet_write_number(x->ws, r, col, c->d, x->num);
	case COL_BOOL:
		return worksheet_write_boolean(x->ws, r, col, c->i != 0, NULL);
	}
	return LXW_NO_ERROR;
}

static lxw_format *
num_format(lxw_workbook *wb, const char *f)
{
	lxw_format *fmt = workbook_add_format(wb);

	if (fmt != NULL)
		format_set_num_format(fmt, f);
	return fmt;
}

static enum svc_code
xlsx_open(struct exporter *x, const char *dir, struct svc_err *err)
{
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };
	int fd;

	o.tmpdir = (char *)dir;
	snprintf(x->path, sizeof(x->path), "%s/aftersales-export-XXXXXX",
	    dir);
	fd = mkstemp(x->path);
	if (fd < 0)
		return fail_io(err, dir);
	close(fd);
	x->wb = workbook_new_opt(x->path, &o);
	if (x->wb == NULL) {
		unlink(x->path);
		return svc_fail(err, SVC_ESTORE, NULL, "export: cannot start "
		    "the workbook");
	}
	x->head = workbook_add_format(x->wb);
	if (x->head != NULL)
		format_set_bold(x->head);
	x->money = num_format(x->wb, "#,##0.00");
	x->day = num_format(x->wb, "yyyy-mm-dd");
	x->moment = num_format(x->wb, "yyyy-mm-dd hh:mm");
	x->ratio = num_format(x->wb, "0.0%");
	x->num = num_format(x->wb, "0.0");
	return xlsx_sheet(x, err);
}

/* ----- the exporter ----- */

enum svc_code
export_open(struct exporter **out, enum export_fmt fmt,
    const struct tcol *cols, size_t ncols, const char *lang,
    const char *sheet, const char *tmpdir, struct svc_err *err)
{
	struct exporter *x;
	const char *dir = spool_dir(tmpdir);
	enum svc_code rc;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return svc_fail(err, SVC_ETOOBIG, NULL, "out of memory");
	x->fmt = fmt;
	x->cols = cols;
	x->ncols = ncols;
	x->en = lang != NULL && strncmp(lang, "en", 2) == 0;
	if (fmt == EXPORT_XLSX) {
		snprintf(x->base, sizeof(x->base), "%s", sheet != NULL ?
		    sheet : "");
		rc = xlsx_open(x, dir, err);
		if (rc) {
			export_abort(x);
			return rc;
		}
		*out = x;
		return SVC_OK;
	}
	snprintf(x->path, sizeof(x->path), "%s/aftersales-export-XXXXXX",
	    dir);
	{
		int fd = mkstemp(x->path);

		if (fd < 0) {
			free(x);
			return fail_io(err, dir);
		}
		unlink(x->path);
		x->path[0] = '\0';
		x->f = fdopen(fd, "w+");
		if (x->f == NULL) {
			close(fd);
			free(x);
			return fail_io(err, "fdopen");
		}
	}
	fputs("\xEF\xBB\xBF", x->f);
	for (size_t c = 0; c < ncols; c++) {
		if (c > 0)
			fputc(',', x->f);
		csv_field(x->f, tcol_label(&cols[c], x->en ? "en" : "zh"),
		    true);
	}
	fputs("\r\n", x->f);
	*out = x;
	return SVC_OK;
}

enum svc_code
export_row(struct exporter *x, const struct tcell *cells,
    struct svc_err *err)
{
	char tmp[64];

	if (x->fmt == EXPORT_CSV) {
		for (size_t c = 0; c < x->ncols; c++) {
			enum col_type t = x->cols[c].type;

			if (c > 0)
				fputc(',', x->f);
			csv_field(x->f, cell_text(x, t, &cells[c], tmp,
			    sizeof(tmp)), t == COL_TEXT);
		}
		if (fputs("\r\n", x->f) == EOF)
			return fail_io(err, "write");
		x->rows++;
		return SVC_OK;
	}
	if (x->row > EXPORT_XLSX_ROWS) {
		enum svc_code rc = xlsx_sheet(x, err);

		if (rc)
			return rc;
	}
	for (size_t c = 0; c < x->ncols; c++) {
		lxw_error e = xlsx_cell(x, (lxw_col_t)c, x->cols[c].type,
		    &cells[c]);

		if (e != LXW_NO_ERROR)
			return svc_fail(err, SVC_ESTORE, NULL, "export: %s",
			    lxw_strerror(e));
	}
	x->row++;
	x->rows++;
	return SVC_OK;
}

size_t
export_rows(const struct exporter *x)
{
	return x->rows;
}

static enum svc_code
spool_fd(int fd, int *out, size_t *len, struct svc_err *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return fail_io(err, "spool");
	}
	*out = fd;
	*len = (size_t)st.st_size;
	return SVC_OK;
}

enum svc_code
export_finish(struct exporter *x, int *out, size_t *len,
    struct svc_err *err)
{
	enum svc_code rc;
	lxw_error e;
	int fd;

	*out = -1;
	*len = 0;
	if (x->fmt == EXPORT_CSV) {
		if (fflush(x->f) != 0 || ferror(x->f)) {
			export_abort(x);
			return fail_io(err, "write");
		}
		fd = dup(fileno(x->f));
		fclose(x->f);
		free(x);
		if (fd < 0)
			return fail_io(err, "dup");
		return spool_fd(fd, out, len, err);
	}
	e = workbook_close(x->wb);
	x->wb = NULL;
	fd = open(x->path, O_RDONLY | O_CLOEXEC);
	unlink(x->path);
	free(x);
	if (e != LXW_NO_ERROR) {
		if (fd >= 0)
			close(fd);
		return svc_fail(err, SVC_ESTORE, NULL, "export: %s",
		    lxw_strerror(e));
	}
	if (fd < 0)
		return fail_io(err, "open");
	rc = spool_fd(fd, out, len, err);
	return rc;
}

void
export_abort(struct exporter *x)
{
	if (x == NULL)
		return;
	if (x->f != NULL)
		fclose(x->f);
	if (x->wb != NULL) {
		/* libxlsxwriter has no discard: close, then remove the file */
		(void)workbook_close(x->wb);
	}
	if (x->path[0] != '\0')
		unlink(x->path);
	free(x);
}

const char *
export_media_type(enum export_fmt f)
{
	return f == EXPORT_XLSX ? "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8";
}

const char *
export_ext(enum export_fmt f)
{
	return f == EXPORT_XLSX ? "xlsx" : "csv";
}
