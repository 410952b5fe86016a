/*
 * table — a typed table: the columns of a report or a list and its rows,
 * the one shape that the JSON answer, the CSV and Excel exports
 * (util/export.h) and the printed report (util/pdf.h) all read.
 *
 * A column says what its values are (text, a count, money in fen, a day, a
 * moment, a ratio) and its label in both languages; a cell holds one value
 * of its column's type.  Cells are row-major: row r, column c is
 * cells[r * ncols + c].  Strings are borrowed (arena-owned) and valid UTF-8.
 *
 * A chart says how the screen and the printed report draw the table: its
 * kind, the column of the categories (x) and the columns of the series (y).
 */
#ifndef AS_TABLE_H
#define AS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum col_type {
	COL_TEXT,	/* s */
	COL_INT,	/* i: a count or a number */
	COL_MONEY,	/* i: fen; shown as yuan with two decimals */
	COL_DATE,	/* i: YYYYMMDD, the company's local day */
	COL_TIME,	/* i: Unix seconds (UTC), shown in the company's zone */
	COL_RATIO,	/* d: 0..1 (or more); shown as a percentage */
	COL_NUM,	/* d: a measure (hours, days) with one decimal */
	COL_BOOL,	/* i: 0 or 1 */
};

struct tcol {
	const char *key;	/* JSON key, CSV/Excel header in English */
	const char *zh;		/* label in Chinese */
	const char *en;		/* label in English */
	enum col_type type;
};

struct tcell {
	bool null;		/* no value (an empty cell) */
	int64_t i;
	double d;
	const char *s;
};

struct table {
	const struct tcol *cols;
	size_t ncols;
	struct tcell *cells;	/* nrows * ncols, row-major */
	size_t nrows;
};

enum chart_kind {
	CHART_NONE,
	CHART_BAR,
	CHART_LINE,
	CHART_PIE,
	CHART_PARETO,	/* bars in falling order with the cumulative share */
};

struct chart {
	enum chart_kind kind;
	const char *x;		/* key of the categories' column */
	const char *const *y;	/* keys of the series' columns, NULL-ended */
};

/* The cell of row r, column c. */
static inline struct tcell *
table_cell(const struct table *t, size_t r, size_t c)
{
	return &t->cells[r * t->ncols + c];
}

/* The label of a column in lang ("zh-CN" or "en"; anything else: zh). */
static inline const char *
tcol_label(const struct tcol *c, const char *lang)
{
	return lang != NULL && lang[0] == 'e' && lang[1] == 'n' ? c->en : c->zh;
}

#endif
