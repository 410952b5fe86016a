/*
 * csv — a small, bounded RFC 4180 reader over a buffer in memory.
 *
 * A pure function of its input (no I/O, no allocation): the caller gives the
 * text, a buffer for one row's unescaped bytes and an array for its fields;
 * csv_next() advances a cursor one record at a time.  Meant to be fuzzed.
 *
 * Accepted: a UTF-8 byte order mark at the very start (skipped); fields
 * separated by ','; records ended by CRLF, LF or a lone CR; quoted fields
 * ("a,b", "line\nbreak", "say ""hi""") anywhere; an empty line is no record.
 *
 * Refused, as a bad record that the caller may skip (csv_next() returns
 * CSV_BAD with err and err_line set, and the cursor is already past the
 * record): a record longer than max_row bytes, more than max_fields fields,
 * a quote inside an unquoted field, text after a closing quote, invalid
 * UTF-8 or a NUL byte, a quoted field left open at the end of the text,
 * a UTF-16 byte order mark.
 *
 * Line numbers are physical lines (1-based): a record that holds a quoted
 * newline spans several; line is where the record starts.
 */
#ifndef AS_CSV_H
#define AS_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/mem.h"

enum csv_rc {
	CSV_END = 0,	/* no more records */
	CSV_ROW = 1,	/* fields[0..nfields) hold one record */
	CSV_BAD = -1,	/* a bad record was skipped; see err, err_line */
};

struct csv {
	/* input cursor */
	const char *p;
	const char *start;
	const char *end;
	size_t next_line;	/* physical line at p */
	/* limits */
	size_t max_row;		/* bytes of one record, quotes excluded */
	size_t max_fields;
	/* one record's storage (caller-owned) */
	char *buf;		/* at least max_row + max_fields bytes */
	struct str *fields;	/* at least max_fields entries */
	/* the last record */
	size_t nfields;		/* fields[i].p is NUL-terminated in buf */
	size_t line;		/* line where the record starts */
	size_t records;		/* records returned so far, bad ones too */
	const char *err;	/* static message for CSV_BAD */
	size_t err_line;	/* where the problem is */
	size_t err_field;	/* 0-based field index of the problem */
};

/* Bytes the caller must give as buf for these limits. */
#define CSV_BUF_SIZE(max_row, max_fields) ((max_row) + (max_fields) + 1)

/*
 * Start reading data[0..len).  buf must hold CSV_BUF_SIZE(max_row,
 * max_fields) bytes and fields max_fields entries; both are borrowed until
 * the last csv_next().
 */
void csv_init(struct csv *, const char *data, size_t len, size_t max_row,
    size_t max_fields, char *buf, struct str *fields);

/* The next record: CSV_ROW, CSV_BAD (skippable) or CSV_END. */
enum csv_rc csv_next(struct csv *);

/* Is every field of the last record empty (a line of commas)? */
bool csv_blank(const struct csv *);

#endif
