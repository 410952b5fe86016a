/*
 * csv — RFC 4180 records from a buffer, one at a time, within fixed limits.
 *
 * The reader keeps going after a bad record: it scans to the record's end
 * (respecting quotes) without storing, reports the first problem, and the
 * next call starts on the following record.
 */
#include "util/csv.h"

#include <string.h>

struct rec {
	struct csv *c;
	size_t out;		/* bytes written to buf, NULs included */
	size_t content;		/* content bytes (for max_row) */
	bool full;		/* fields beyond max_fields are dropped */
};

static void
bad(struct csv *c, const char *why, size_t field)
{
	if (c->err != NULL)
		return;
	c->err = why;
	c->err_line = c->next_line;
	c->err_field = field;
}

static void
emit(struct rec *r, char ch)
{
	struct csv *c = r->c;

	if (c->err != NULL || r->full)
		return;
	if (r->content >= c->max_row) {
		bad(c, "the record is longer than the limit", c->nfields);
		return;
	}
	c->buf[r->out++] = ch;
	r->content++;
}

/* Consume one line end at p (CRLF, LF or CR); false when none. */
static bool
line_end(struct csv *c)
{
	if (c->p >= c->end)
		return false;
	if (*c->p == '\n') {
		c->p++;
		c->next_line++;
		return true;
	}
	if (*c->p == '\r') {
		c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->next_line++;
		return true;
	}
	return false;
}

void
csv_init(struct csv *c, const char *data, size_t len, size_t max_row,
    size_t max_fields, char *buf, struct str *fields)
{
	memset(c, 0, sizeof(*c));
	c->p = data;
	c->start = data;
	c->end = data + len;
	c->next_line = 1;
	c->max_row = max_row;
	c->max_fields = max_fields;
	c->buf = buf;
	c->fields = fields;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->p += 3;
}

/* One field starting at c->p; the cursor ends on ',', a line end or end. */
static void
read_field(struct rec *r)
{
	struct csv *c = r->c;
	size_t idx = c->nfields;

	if (idx >= c->max_fields) {
		bad(c, "the record has more fields than the limit", idx);
		r->full = true;
	} else if (c->err == NULL) {
		c->fields[idx].p = c->buf + r->out;
	}
	if (c->p < c->end && *c->p == '"') {
		c->p++;
		for (;;) {
			if (c->p >= c->end) {
				bad(c, "a quoted field is not closed", idx);
				break;
			}
			if (*c->p == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					emit(r, '"');
					c->p += 2;
					continue;
				}
				c->p++;
				break;
			}
			if (*c->p == '\r' || *c->p == '\n') {
				/* a quoted line break: keep it as LF */
				line_end(c);
				emit(r, '\n');
				continue;
			}
			emit(r, *c->p++);
		}
		if (c->p < c->end && *c->p != ',' && *c->p != '\r' &&
		    *c->p != '\n')
			bad(c, "text after a closing quote (quote the whole "
			    "field and double the quotes inside)", idx);
	}
	while (c->p < c->end && *c->p != ',' && *c->p != '\r' &&
	    *c->p != '\n') {
		if (*c->p == '"')
			bad(c, "a quote inside an unquoted field (quote the "
			    "whole field and double the quotes inside)", idx);
		emit(r, *c->p++);
	}
	if (c->err == NULL && !r->full) {
		c->fields[idx].len = (size_t)(c->buf + r->out -
		    c->fields[idx].p);
		c->buf[r->out++] = '\0';
	}
	c->nfields++;
}

enum csv_rc
csv_next(struct csv *c)
{
	struct rec r = { c, 0, 0, false };

	c->err = NULL;
	c->err_line = 0;
	c->err_field = 0;
	c->nfields = 0;
	if (c->p == c->start && c->end - c->p >= 2 &&
	    ((c->p[0] == '\xFF' && c->p[1] == '\xFE') ||
	    (c->p[0] == '\xFE' && c->p[1] == '\xFF'))) {
		c->line = c->next_line;
		bad(c, "the file is UTF-16: save it as UTF-8 (CSV UTF-8)", 0);
		c->p = c->end;
		c->records++;
		return CSV_BAD;
	}
	/* empty lines are no records */
	while (line_end(c))
		;
	if (c->p >= c->end)
		return CSV_END;
	c->line = c->next_line;
	for (;;) {
		read_field(&r);
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		line_end(c);
		break;
	}
	if (c->nfields > c->max_fields)
		c->nfields = c->max_fields;
	for (size_t i = 0; c->err == NULL && i < c->nfields; i++)
		if (!utf8_valid(c->fields[i].p, c->fields[i].len)) {
			c->err = "invalid UTF-8 or a NUL byte (save the file "
			    "as UTF-8, e.g. Excel's 'CSV UTF-8')";
			c->err_line = c->line;
			c->err_field = i;
		}
	c->records++;
	if (c->err != NULL) {
		c->nfields = 0;
		return CSV_BAD;
	}
	return CSV_ROW;
}

bool
csv_blank(const struct csv *c)
{
	for (size_t i = 0; i < c->nfields; i++)
		if (c->fields[i].len > 0)
			return false;
	return true;
}
