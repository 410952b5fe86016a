/*
 * pdf — the layout engine of printed documents (see pdf.h): blocks laid
 * out at once into per-page cairo recording surfaces, replayed onto the
 * PDF surface with their footers once the page count is known.
 *
 * Invariants:
 *  - d->y is the next free y on the current page, top <= y <= PAGE_BOTTOM;
 *  - d->cr draws on d->pages[d->npages - 1];
 *  - a table row is drawn whole on one page.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "util/clock.h"
#include "util/mem.h"
#include "util/pdf.h"

#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 40.0
#define MARGIN_TOP 36.0
#define PAGE_BOTTOM (PAGE_H - 52.0)
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define CELL_PAD 3.0
#define FONT "Noto Sans CJK SC"

enum font { F_BODY, F_BOLD, F_SMALL, F_TITLE, F_COMPANY, F_HEAD };

static const char *const font_specs[] = {
	[F_BODY] = FONT " 9",
	[F_BOLD] = FONT " Bold 9",
	[F_SMALL] = FONT " 7.5",
	[F_TITLE] = FONT " Bold 18",
	[F_COMPANY] = FONT " Bold 13",
	[F_HEAD] = FONT " Bold 11",
};

struct pdf_doc {
	const struct pdf_template *tpl;
	char *title;
	char *number;
	char *company;
	char *footer;
	cairo_surface_t **pages;
	int npages;
	int cap;
	cairo_t *cr;
	double y;
	PangoFontDescription *fonts[sizeof(font_specs) / sizeof(font_specs[0])];
};

/* ----- Code 128 ----- */

static const char *const code128_tab[107] = {
	"212222", "222122", "222221", "121223", "121322", "131222", "122213",
	"122312", "132212", "221213", "221312", "231212", "112232", "122132",
	"122231", "113222", "123122", "123221", "223211", "221132", "221231",
	"213212", "223112", "312131", "311222", "321122", "321221", "312212",
	"322112", "322211", "212123", "212321", "232121", "111323", "131123",
	"131321", "112313", "132113", "132311", "211313", "231113", "231311",
	"112133", "112331", "132131", "113123", "113321", "133121", "313121",
	"211331", "231131", "213113", "213311", "213131", "311123", "311321",
	"331121", "312113", "312311", "332111", "314111", "221411", "431111",
	"111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114",
	"413111", "241112", "134111", "111242", "121142", "121241", "114212",
	"124112", "124211", "411212", "421112", "421211", "212141", "214121",
	"412121", "111143", "111341", "131141", "114113", "114311", "411113",
	"411311", "113141", "114131", "311141", "411131", "211412", "211214",
	"211232", "2331112",
};

const char *
code128_pattern(int v)
{
	return v >= 0 && v < 107 ? code128_tab[v] : NULL;
}

size_t
code128_encode(const char *text, int *syms, size_t max)
{
	size_t n = strlen(text), k = 0;
	int sum = 104;

	if (n == 0 || n > CODE128_MAX || max < n + 3)
		return 0;
	syms[k++] = 104;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 32 || c > 126)
			return 0;
		syms[k++] = c - 32;
		sum += (int)(i + 1) * (c - 32);
	}
	syms[k++] = sum % 103;
	syms[k++] = 106;
	return k;
}

/* Draw the barcode of text at (x, y), h tall, module m wide; its width. */
static double
draw_code128(cairo_t *cr, const char *text, double x, double y, double m,
    double h)
{
	int syms[CODE128_MAX + 3];
	size_t n = code128_encode(text, syms, sizeof(syms) / sizeof(syms[0]));
	double at = x + 10 * m;	/* quiet zone */

	if (n == 0)
		return 0;
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (size_t i = 0; i < n; i++) {
		const char *p = code128_tab[syms[i]];

		for (int j = 0; p[j] != '\0'; j++) {
			double w = (p[j] - '0') * m;

			if (j % 2 == 0)
				cairo_rectangle(cr, at, y, w, h);
			at += w;
		}
	}
	cairo_fill(cr);
	return at + 10 * m - x;
}

/* ----- formatting ----- */

/* v with thousands separators into out. */
static void
group(uint64_t v, char *out, size_t len)
{
	char digits[32], g[48];
	int nd, k = 0;

	nd = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	for (int i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			g[k++] = ',';
		g[k++] = digits[i];
	}
	g[k] = '\0';
	snprintf(out, len, "%s", g);
}

static uint64_t
magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void
pdf_money(int64_t fen, char *out, size_t len)
{
	uint64_t v = magnitude(fen);
	char g[48];

	group(v / 100, g, sizeof(g));
	snprintf(out, len, "%s¥%s.%02u", fen < 0 ? "-" : "", g,
	    (unsigned)(v % 100));
}

void
pdf_time(int64_t utc, char *out, size_t len)
{
	char iso[40];

	if (utc == 0) {
		snprintf(out, len, "%s", "");
		return;
	}
	/* "2026-11-22T14:03:00+08:00" -> "2026-11-22 14:03" */
	clock_format_local(utc, iso, sizeof(iso));
	if (strlen(iso) >= 16)
		iso[10] = ' ';
	snprintf(out, len, "%.16s", iso);
}

/* An integer with thousands separators. */
static void
format_int(int64_t i, char *out, size_t len)
{
	char g[48];

	group(magnitude(i), g, sizeof(g));
	snprintf(out, len, "%s%s", i < 0 ? "-" : "", g);
}

void
pdf_cell_text(const struct tcol *c, const struct tcell *v, char *out,
    size_t len)
{
	if (v->null) {
		snprintf(out, len, "%s", "");
		return;
	}
	switch (c->type) {
	case COL_TEXT:
		snprintf(out, len, "%s", v->s != NULL ? v->s : "");
		break;
	case COL_INT:
		format_int(v->i, out, len);
		break;
	case COL_MONEY:
		pdf_money(v->i, out, len);
		break;
	case COL_DATE:
		snprintf(out, len, "%04d-%02d-%02d", (int)(v->i / 10000),
		    (int)(v->i / 100 % 100), (int)(v->i % 100));
		break;
	case COL_TIME:
		pdf_time(v->i, out, len);
		break;
	case COL_RATIO:
		snprintf(out, len, "%.1f%%", v->d * 100);
		break;
	case COL_NUM:
		snprintf(out, len, "%.1f", v->d);
		break;
	case COL_BOOL:
		snprintf(out, len, "%s", v->i ? "是" : "否");
		break;
	}
}

/* A numeric column is right-aligned. */
static bool
col_right(enum col_type t)
{
	return t != COL_TEXT && t != COL_DATE && t != COL_TIME &&
	    t != COL_BOOL;
}

/* ----- pages and text ----- */

static PangoLayout *
layout(struct pdf_doc *d, const char *text, enum font f, double width)
{
	PangoLayout *l = pango_cairo_create_layout(d->cr);

	pango_layout_set_font_description(l, d->fonts[f]);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(l, text != NULL ? text : "", -1);
	return l;
}

static double
layout_h(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double
layout_w(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

/* Draw text at (x, y); its height. */
static double
text_at(struct pdf_doc *d, const char *text, enum font f, double x,
    double y, double width, PangoAlignment align)
{
	PangoLayout *l = layout(d, text, f, width);
	double h;

	pango_layout_set_alignment(l, align);
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
	h = layout_h(l);
	g_object_unref(l);
	return h;
}

/* ----- the logo ----- */

struct png_src {
	const unsigned char *p;
	size_t len, at;
};

static cairo_status_t
png_read(void *closure, unsigned char *out, unsigned int len)
{
	struct png_src *s = closure;

	if (s->len - s->at < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(out, s->p + s->at, len);
	s->at += len;
	return CAIRO_STATUS_SUCCESS;
}

/* The width and height of a baseline or progressive JPEG (its SOF). */
static bool
jpeg_size(const unsigned char *p, size_t len, int *w, int *h)
{
	size_t i = 2;

	if (len < 4 || p[0] != 0xFF || p[1] != 0xD8)
		return false;
	while (i + 4 <= len) {
		unsigned m, seg;

		if (p[i] != 0xFF)
			return false;
		m = p[i + 1];
		if (m == 0xFF) {	/* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
			i += 2;
			continue;
		}
		seg = (unsigned)p[i + 2] << 8 | p[i + 3];
		if (seg < 2 || i + 2 + seg > len)
			return false;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 &&
		    m != 0xCC) {
			if (seg < 7)
				return false;
			*h = (int)((unsigned)p[i + 5] << 8 | p[i + 6]);
			*w = (int)((unsigned)p[i + 7] << 8 | p[i + 8]);
			return *w > 0 && *h > 0;
		}
		if (m == 0xD9 || m == 0xDA)	/* end, or scan before a SOF */
			return false;
		i += 2 + seg;
	}
	return false;
}

#define LOGO_PIXELS_MAX 4000

/*
 * The logo as a cairo surface (caller destroys), NULL when it is neither
 * a PNG cairo reads nor a JPEG with a frame header.  A JPEG is embedded
 * as is (its MIME data on a blank surface of its size).
 */
static cairo_surface_t *
logo_surface(const unsigned char *p, size_t len)
{
	cairo_surface_t *img;
	unsigned char *copy;
	int w, h;

	if (p == NULL || len < 8)
		return NULL;
	if (memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
		struct png_src src = { p, len, 0 };

		img = cairo_image_surface_create_from_png_stream(png_read,
		    &src);
		if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS ||
		    cairo_image_surface_get_width(img) > LOGO_PIXELS_MAX ||
		    cairo_image_surface_get_height(img) > LOGO_PIXELS_MAX) {
			cairo_surface_destroy(img);
			return NULL;
		}
		return img;
	}
	if (!jpeg_size(p, len, &w, &h) || w > LOGO_PIXELS_MAX ||
	    h > LOGO_PIXELS_MAX)
		return NULL;
	img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	copy = xmalloc(len);
	memcpy(copy, p, len);
	if (cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, copy, len,
	    free, copy) != CAIRO_STATUS_SUCCESS) {
		free(copy);
		cairo_surface_destroy(img);
		return NULL;
	}
	return img;
}

const char *
pdf_logo_check(const unsigned char *p, size_t len)
{
	cairo_surface_t *img;

	if (len > PDF_LOGO_MAX)
		return "the logo is larger than 512 KB";
	if (len < 8 || (memcmp(p, "\x89PNG\r\n\x1a\n", 8) != 0 &&
	    (p[0] != 0xFF || p[1] != 0xD8 || p[2] != 0xFF)))
		return "the logo is neither a PNG nor a JPEG image";
	img = logo_surface(p, len);
	if (img == NULL)
		return "the logo image cannot be read (or is over 4000 pixels)";
	cairo_surface_destroy(img);
	return NULL;
}

static void
draw_logo(struct pdf_doc *d, double x, double y, double maxh, double *w)
{
	const struct pdf_template *t = d->tpl;
	cairo_surface_t *img;
	double s, iw, ih;

	*w = 0;
	if (t == NULL)
		return;
	img = logo_surface(t->logo, t->logo_len);
	if (img == NULL)
		return;
	iw = cairo_image_surface_get_width(img);
	ih = cairo_image_surface_get_height(img);
	s = maxh / ih;
	if (iw * s > 120)
		s = 120.0 / iw;
	cairo_save(d->cr);
	cairo_translate(d->cr, x, y);
	cairo_scale(d->cr, s, s);
	cairo_set_source_surface(d->cr, img, 0, 0);
	cairo_paint(d->cr);
	cairo_restore(d->cr);
	*w = iw * s;
	cairo_surface_destroy(img);
}

static void
rule(struct pdf_doc *d, double y, double width)
{
	cairo_set_source_rgb(d->cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(d->cr, width);
	cairo_move_to(d->cr, MARGIN_X, y);
	cairo_line_to(d->cr, PAGE_W - MARGIN_X, y);
	cairo_stroke(d->cr);
}

static void
new_page(struct pdf_doc *d)
{
	cairo_rectangle_t ext = { 0, 0, PAGE_W, PAGE_H };
	cairo_surface_t *s;
	char line[600];

	if (d->cr != NULL)
		cairo_destroy(d->cr);
	if (d->npages == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->pages = realloc(d->pages, (size_t)d->cap *
		    sizeof(*d->pages));
		if (d->pages == NULL)
			BUG("out of memory");
	}
	s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	d->pages[d->npages++] = s;
	d->cr = cairo_create(s);
	d->y = MARGIN_TOP;
	if (d->npages == 1)
		return;
	/* later pages: one line of company, title and number */
	snprintf(line, sizeof(line), "%s", d->company);
	cairo_set_source_rgb(d->cr, 0.3, 0.3, 0.3);
	text_at(d, line, F_SMALL, MARGIN_X, d->y, CONTENT_W / 2,
	    PANGO_ALIGN_LEFT);
	snprintf(line, sizeof(line), "%s  %s", d->title, d->number);
	d->y += text_at(d, line, F_SMALL, PAGE_W / 2, d->y, CONTENT_W / 2,
	    PANGO_ALIGN_RIGHT) + 3;
	rule(d, d->y, 0.5);
	d->y += 8;
}

/* Room for h more points on this page?  Else a new page; true then. */
static bool
need(struct pdf_doc *d, double h)
{
	if (d->y + h <= PAGE_BOTTOM)
		return false;
	new_page(d);
	return true;
}

static char *
dup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

struct pdf_doc *
pdf_open(const struct pdf_template *tpl, const char *title,
    const char *number)
{
	struct pdf_doc *d = xcalloc(1, sizeof(*d));
	double logo_w, x, y, bw = 0, top;
	char line[600];

	d->tpl = tpl;
	d->title = dup_or_empty(title);
	d->number = dup_or_empty(number);
	d->company = dup_or_empty(tpl != NULL ? tpl->company : NULL);
	d->footer = dup_or_empty(tpl != NULL ? tpl->footer : NULL);
	for (size_t i = 0; i < sizeof(font_specs) / sizeof(font_specs[0]); i++)
		d->fonts[i] = pango_font_description_from_string(
		    font_specs[i]);
	new_page(d);

	/* the company at the left, beside the logo */
	top = d->y;
	draw_logo(d, MARGIN_X, top, 40, &logo_w);
	x = MARGIN_X + (logo_w > 0 ? logo_w + 8 : 0);
	y = top;
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	if (d->company[0] != '\0')
		y += text_at(d, d->company, F_COMPANY, x, y, 300,
		    PANGO_ALIGN_LEFT);
	line[0] = '\0';
	if (tpl != NULL && tpl->address != NULL && tpl->address[0] != '\0')
		snprintf(line, sizeof(line), "地址：%s", tpl->address);
	if (tpl != NULL && tpl->phone != NULL && tpl->phone[0] != '\0')
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    "%s电话：%s", line[0] ? "\u2002\u2002" : "",
		    tpl->phone);
	if (line[0] != '\0') {
		cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
		y += text_at(d, line, F_SMALL, x, y + 2, 300,
		    PANGO_ALIGN_LEFT) + 2;
	}
	if (y < top + 40 && logo_w > 0)
		y = top + 40;

	/* the number as a barcode at the right, its text under it */
	if (d->number[0] != '\0') {
		cairo_surface_t *probe;
		cairo_t *pcr;

		/* measure first: the bars end at the right margin */
		probe = cairo_recording_surface_create(
		    CAIRO_CONTENT_COLOR_ALPHA, NULL);
		pcr = cairo_create(probe);
		bw = draw_code128(pcr, d->number, 0, 0, 0.85, 1);
		cairo_destroy(pcr);
		cairo_surface_destroy(probe);
		if (bw > 0) {
			draw_code128(d->cr, d->number,
			    PAGE_W - MARGIN_X - bw, top, 0.85, 30);
			cairo_set_source_rgb(d->cr, 0, 0, 0);
			text_at(d, d->number, F_SMALL, PAGE_W - MARGIN_X - bw,
			    top + 32, bw, PANGO_ALIGN_CENTER);
		}
		if (y < top + 44)
			y = top + 44;
	}
	d->y = y + 4;
	rule(d, d->y, 1.0);
	d->y += 10;

	cairo_set_source_rgb(d->cr, 0, 0, 0);
	d->y += text_at(d, d->title, F_TITLE, MARGIN_X, d->y, CONTENT_W,
	    PANGO_ALIGN_CENTER) + 2;
	if (d->number[0] != '\0') {
		snprintf(line, sizeof(line), "单号：%s", d->number);
		d->y += text_at(d, line, F_BODY, MARGIN_X, d->y, CONTENT_W,
		    PANGO_ALIGN_RIGHT);
	}
	d->y += 8;
	return d;
}

void
pdf_heading(struct pdf_doc *d, const char *text)
{
	PangoLayout *l = layout(d, text, F_HEAD, CONTENT_W);
	double h = layout_h(l);

	g_object_unref(l);
	/* a heading alone at the foot of a page goes with what follows */
	need(d, h + 6 + 40);
	d->y += 4;
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	d->y += text_at(d, text, F_HEAD, MARGIN_X, d->y, CONTENT_W,
	    PANGO_ALIGN_LEFT);
	rule(d, d->y + 1, 0.5);
	d->y += 5;
}

void
pdf_text(struct pdf_doc *d, const char *text)
{
	PangoLayout *l = layout(d, text, F_BODY, CONTENT_W);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double base = d->y, bottom = d->y;

	do {
		PangoRectangle r;
		double top, h, bl;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		top = (double)r.y / PANGO_SCALE;
		h = (double)r.height / PANGO_SCALE;
		bl = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		if (base + top + h > PAGE_BOTTOM) {
			new_page(d);
			base = d->y - top;
		}
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		cairo_move_to(d->cr, MARGIN_X, base + bl);
		pango_cairo_show_layout_line(d->cr,
		    pango_layout_iter_get_line_readonly(it));
		bottom = base + top + h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	d->y = bottom + 6;
}

/* ----- grids: the rows of fields, tables and signatures ----- */

struct grid {
	size_t ncols;
	double w[16];		/* column widths */
	bool right[16];
	bool shade[16];		/* a label column */
	const char *const *head;	/* ncols labels, NULL: no header */
};

#define GRID_MAX 16

/* Lay out one row's cells; the row's height. */
static double
grid_measure(struct pdf_doc *d, const struct grid *g, const char *const *v,
    enum font f, PangoLayout **ls)
{
	double h = 0;

	for (size_t c = 0; c < g->ncols; c++) {
		ls[c] = layout(d, v[c], g->shade[c] ? F_BOLD : f,
		    g->w[c] - 2 * CELL_PAD);
		pango_layout_set_alignment(ls[c], g->right[c] ?
		    PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
		/* a cell is at most most of a page */
		pango_layout_set_height(ls[c], (int)((PAGE_BOTTOM -
		    MARGIN_TOP - 80) * PANGO_SCALE));
		pango_layout_set_ellipsize(ls[c], PANGO_ELLIPSIZE_END);
		if (layout_h(ls[c]) > h)
			h = layout_h(ls[c]);
	}
	return h + 2 * CELL_PAD;
}

static void
grid_draw(struct pdf_doc *d, const struct grid *g, PangoLayout **ls,
    double h, bool header)
{
	double x = MARGIN_X;

	for (size_t c = 0; c < g->ncols; c++) {
		if (header || g->shade[c]) {
			cairo_set_source_rgb(d->cr, 0.92, 0.92, 0.92);
			cairo_rectangle(d->cr, x, d->y, g->w[c], h);
			cairo_fill(d->cr);
		}
		cairo_set_source_rgb(d->cr, 0.45, 0.45, 0.45);
		cairo_set_line_width(d->cr, 0.5);
		cairo_rectangle(d->cr, x, d->y, g->w[c], h);
		cairo_stroke(d->cr);
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		pango_cairo_update_layout(d->cr, ls[c]);
		cairo_move_to(d->cr, x + CELL_PAD, d->y + CELL_PAD);
		pango_cairo_show_layout(d->cr, ls[c]);
		x += g->w[c];
	}
	d->y += h;
}

static void
grid_free(const struct grid *g, PangoLayout **ls)
{
	for (size_t c = 0; c < g->ncols; c++)
		g_object_unref(ls[c]);
}

static void
grid_header(struct pdf_doc *d, const struct grid *g)
{
	PangoLayout *ls[GRID_MAX];
	double h;

	if (g->head == NULL)
		return;
	h = grid_measure(d, g, g->head, F_BOLD, ls);
	grid_draw(d, g, ls, h, true);
	grid_free(g, ls);
}

/* One row: on this page if it fits, else on the next after the header. */
static void
grid_row(struct pdf_doc *d, const struct grid *g, const char *const *v,
    enum font f)
{
	PangoLayout *ls[GRID_MAX];
	double h = grid_measure(d, g, v, f, ls);

	if (need(d, h))
		grid_header(d, g);
	grid_draw(d, g, ls, h, false);
	grid_free(g, ls);
}

/* Begin a grid: its header with room for one row under it. */
static void
grid_begin(struct pdf_doc *d, const struct grid *g)
{
	need(d, 40);
	grid_header(d, g);
}

void
pdf_fields(struct pdf_doc *d, const struct pdf_field *f, size_t n)
{
	struct grid g = { .ncols = 4 };
	const char *v[4];

	g.w[0] = g.w[2] = 72;
	g.w[1] = g.w[3] = (CONTENT_W - 144) / 2;
	g.shade[0] = g.shade[2] = true;
	for (size_t i = 0; i < n; i += 2) {
		v[0] = f[i].label;
		v[1] = f[i].value;
		v[2] = i + 1 < n ? f[i + 1].label : "";
		v[3] = i + 1 < n ? f[i + 1].value : "";
		grid_row(d, &g, v, F_BODY);
	}
	d->y += 8;
}

/* Column widths: natural widths (the first rows), shrunk to fit. */
static void
table_widths(struct pdf_doc *d, const struct table *t, struct grid *g,
    char (*cells)[256], size_t nrows)
{
	double nat[GRID_MAX], sum = 0, fixed = 0, flex = 0;

	for (size_t c = 0; c < g->ncols; c++) {
		PangoLayout *l = layout(d, t->cols[c].zh, F_BOLD, 0);

		nat[c] = layout_w(l);
		g_object_unref(l);
		for (size_t r = 0; r < nrows; r++) {
			l = layout(d, cells[r * g->ncols + c], F_BODY, 0);
			if (layout_w(l) > nat[c])
				nat[c] = layout_w(l);
			g_object_unref(l);
		}
		nat[c] += 2 * CELL_PAD + 2;
		if (nat[c] < 28)
			nat[c] = 28;
		sum += nat[c];
	}
	if (sum <= CONTENT_W) {
		/* spread what is left over the columns */
		for (size_t c = 0; c < g->ncols; c++)
			g->w[c] = nat[c] * CONTENT_W / sum;
		return;
	}
	/*
	 * Too wide: the columns narrower than a fair share of what is left
	 * keep their width; the wide ones share the rest (they wrap).
	 */
	for (size_t c = 0; c < g->ncols; c++)
		g->w[c] = -1;
	for (bool moved = true; moved;) {
		double avail = CONTENT_W;
		size_t nfree = 0;

		moved = false;
		for (size_t c = 0; c < g->ncols; c++) {
			if (g->w[c] >= 0)
				avail -= g->w[c];
			else
				nfree++;
		}
		for (size_t c = 0; c < g->ncols && nfree > 0; c++)
			if (g->w[c] < 0 && nat[c] <= avail / (double)nfree) {
				g->w[c] = nat[c];
				moved = true;
			}
	}
	for (size_t c = 0; c < g->ncols; c++) {
		if (g->w[c] >= 0)
			fixed += g->w[c];
		else
			flex += nat[c];
	}
	for (size_t c = 0; c < g->ncols; c++)
		if (g->w[c] < 0)
			g->w[c] = nat[c] * (CONTENT_W - fixed) / flex;
}

#define SAMPLE_ROWS 100

/* Is column key one of keys (NULL-ended; NULL: none)? */
static bool
in_keys(const char *const *keys, const char *key)
{
	for (size_t i = 0; keys != NULL && keys[i] != NULL; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

void
pdf_table(struct pdf_doc *d, const struct table *t,
    const char *const *totals)
{
	struct grid g = { 0 };
	const char *head[GRID_MAX], *v[GRID_MAX];
	char (*cells)[256], (*row)[256];
	size_t ns;

	g.ncols = t->ncols < GRID_MAX ? t->ncols : GRID_MAX;
	if (g.ncols == 0)
		return;
	ns = t->nrows < SAMPLE_ROWS ? t->nrows : SAMPLE_ROWS;
	cells = xcalloc(ns * g.ncols + g.ncols, sizeof(*cells));
	row = cells + ns * g.ncols;
	for (size_t r = 0; r < ns; r++)
		for (size_t c = 0; c < g.ncols; c++)
			pdf_cell_text(&t->cols[c], table_cell(t, r, c),
			    cells[r * g.ncols + c], sizeof(cells[0]));
	for (size_t c = 0; c < g.ncols; c++) {
		head[c] = t->cols[c].zh;
		g.right[c] = col_right(t->cols[c].type);
	}
	g.head = head;
	table_widths(d, t, &g, cells, ns);
	grid_begin(d, &g);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < g.ncols; c++) {
			if (r < ns) {
				v[c] = cells[r * g.ncols + c];
				continue;
			}
			pdf_cell_text(&t->cols[c], table_cell(t, r, c),
			    row[c], sizeof(row[0]));
			v[c] = row[c];
		}
		grid_row(d, &g, v, F_BODY);
	}
	if (totals != NULL && totals[0] != NULL) {
		for (size_t c = 0; c < g.ncols; c++) {
			int64_t sum = 0;
			struct tcell s = { .null = false };

			row[c][0] = '\0';
			v[c] = row[c];
			if ((t->cols[c].type != COL_INT &&
			    t->cols[c].type != COL_MONEY) ||
			    !in_keys(totals, t->cols[c].key))
				continue;
			for (size_t r = 0; r < t->nrows; r++)
				if (!table_cell(t, r, c)->null)
					sum += table_cell(t, r, c)->i;
			s.i = sum;
			pdf_cell_text(&t->cols[c], &s, row[c], sizeof(row[c]));
		}
		if (g.ncols > 0 && !col_right(t->cols[0].type))
			snprintf(row[0], sizeof(row[0]), "%s", "合计");
		grid_row(d, &g, v, F_BOLD);
	}
	free(cells);
	d->y += 8;
}

static const struct tcol sig_cols[] = {
	{ "step", "签字环节", "Step", COL_TEXT },
	{ "name", "签字人", "Signed by", COL_TEXT },
	{ "role", "角色", "Role", COL_TEXT },
	{ "at", "时间", "Time", COL_TEXT },	/* formatted: no wrap */
	{ "note", "备注", "Note", COL_TEXT },
};

void
pdf_signatures(struct pdf_doc *d, const struct pdf_sig *s, size_t n)
{
	struct table t = { sig_cols, 5, NULL, n };
	char (*at)[40];

	if (n == 0) {
		pdf_text(d, "（无签字）");
		return;
	}
	t.cells = xcalloc(n * 5, sizeof(*t.cells));
	at = xcalloc(n, sizeof(*at));
	for (size_t i = 0; i < n; i++) {
		struct tcell *c = table_cell(&t, i, 0);

		pdf_time(s[i].at, at[i], sizeof(at[i]));
		c[0].s = s[i].step;
		c[1].s = s[i].name;
		c[2].s = s[i].role;
		c[3].s = at[i];
		c[4].s = s[i].note != NULL ? s[i].note : "";
	}
	pdf_table(d, &t, NULL);
	free(at);
	free(t.cells);
}

/* ----- charts ----- */

static int
col_index(const struct table *t, const char *key)
{
	if (key == NULL)
		return -1;
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c].key, key) == 0)
			return (int)c;
	return -1;
}

/* A cell as a number: money in yuan, ratios in percent. */
static double
cell_value(const struct tcol *c, const struct tcell *v)
{
	if (v->null)
		return 0;
	switch (c->type) {
	case COL_MONEY:
		return (double)v->i / 100;
	case COL_RATIO:
		return v->d * 100;
	case COL_NUM:
		return v->d;
	default:
		return (double)v->i;
	}
}

static const double palette[][3] = {
	{ 0.25, 0.47, 0.85 }, { 0.95, 0.55, 0.20 }, { 0.30, 0.69, 0.40 },
	{ 0.85, 0.30, 0.30 }, { 0.55, 0.40, 0.75 }, { 0.55, 0.55, 0.55 },
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

static void
set_color(cairo_t *cr, size_t i)
{
	const double *p = palette[i % NPALETTE];

	cairo_set_source_rgb(cr, p[0], p[1], p[2]);
}

/* A "nice" step of about (max - min) / 5. */
static double
nice_step(double span)
{
	double raw = span / 5, mag, f;

	if (raw <= 0)
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	if (f <= 1)
		return mag;
	if (f <= 2)
		return 2 * mag;
	if (f <= 5)
		return 5 * mag;
	return 10 * mag;
}

static void
tick_label(double v, char *out, size_t len)
{
	if (fabs(v) >= 100000000)
		snprintf(out, len, "%g亿", v / 100000000);
	else if (fabs(v) >= 10000)
		snprintf(out, len, "%g万", v / 10000);
	else
		snprintf(out, len, "%g", v);
}

#define CHART_H 230.0
#define NSERIES_MAX 6

static void
legend(struct pdf_doc *d, const struct table *t, const int *ys, size_t ny,
    double y, bool cumulative)
{
	double x = MARGIN_X + 40;

	for (size_t s = 0; s < ny + (cumulative ? 1 : 0); s++) {
		const char *label = s < ny ? t->cols[ys[s]].zh : "累计占比";
		PangoLayout *l = layout(d, label, F_SMALL, 0);

		set_color(d->cr, s);
		cairo_rectangle(d->cr, x, y + 3, 9, 7);
		cairo_fill(d->cr);
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		cairo_move_to(d->cr, x + 12, y);
		pango_cairo_show_layout(d->cr, l);
		x += 12 + layout_w(l) + 14;
		g_object_unref(l);
	}
}

static void
chart_pie(struct pdf_doc *d, const struct table *t, int xi, int yi)
{
	double total = 0, a = -M_PI / 2, cx = MARGIN_X + 120,
	    cy = d->y + CHART_H / 2, rad = CHART_H / 2 - 10, ly = d->y + 10;
	char label[300], val[64];

	for (size_t r = 0; r < t->nrows; r++)
		total += fmax(0, cell_value(&t->cols[yi],
		    table_cell(t, r, (size_t)yi)));
	for (size_t r = 0; r < t->nrows && total > 0; r++) {
		double v = fmax(0, cell_value(&t->cols[yi],
		    table_cell(t, r, (size_t)yi)));
		double sweep = v / total * 2 * M_PI;

		set_color(d->cr, r);
		cairo_move_to(d->cr, cx, cy);
		cairo_arc(d->cr, cx, cy, rad, a, a + sweep);
		cairo_close_path(d->cr);
		cairo_fill(d->cr);
		a += sweep;
		if (ly < d->y + CHART_H - 10) {
			cairo_rectangle(d->cr, cx + rad + 30, ly + 3, 9, 7);
			cairo_fill(d->cr);
			pdf_cell_text(&t->cols[xi], table_cell(t, r,
			    (size_t)xi), label, sizeof(label));
			snprintf(val, sizeof(val), "  %.1f%%", v / total * 100);
			snprintf(label + strlen(label), sizeof(label) -
			    strlen(label), "%s", val);
			cairo_set_source_rgb(d->cr, 0, 0, 0);
			ly += text_at(d, label, F_SMALL, cx + rad + 42, ly,
			    200, PANGO_ALIGN_LEFT) + 2;
		}
	}
	d->y += CHART_H + 10;
}

void
pdf_chart(struct pdf_doc *d, const struct table *t, const struct chart *ch)
{
	int xi, ys[NSERIES_MAX];
	size_t ny = 0, n = t->nrows, every;
	double lo = 0, hi = 0, step, x0, y0, pw, ph, slot, total = 0;
	bool pareto;
	char lab[300];

	if (ch == NULL || ch->kind == CHART_NONE || n == 0)
		return;
	xi = col_index(t, ch->x);
	for (size_t i = 0; ch->y != NULL && ch->y[i] != NULL &&
	    ny < NSERIES_MAX; i++) {
		int k = col_index(t, ch->y[i]);

		if (k >= 0 && t->cols[k].type != COL_TEXT)
			ys[ny++] = k;
	}
	if (xi < 0 || ny == 0)
		return;
	need(d, CHART_H + 40);
	if (ch->kind == CHART_PIE) {
		chart_pie(d, t, xi, ys[0]);
		return;
	}
	pareto = ch->kind == CHART_PARETO;
	if (pareto)
		ny = 1;
	for (size_t r = 0; r < n; r++)
		for (size_t s = 0; s < ny; s++) {
			double v = cell_value(&t->cols[ys[s]],
			    table_cell(t, r, (size_t)ys[s]));

			lo = fmin(lo, v);
			hi = fmax(hi, v);
			if (s == 0)
				total += v;
		}
	if (hi == lo)
		hi = lo + 1;
	step = nice_step(hi - lo);
	lo = floor(lo / step) * step;
	hi = ceil(hi / step) * step;

	legend(d, t, ys, ny, d->y, pareto);
	d->y += 16;
	x0 = MARGIN_X + 44;
	pw = CONTENT_W - 44 - (pareto ? 36 : 4);
	y0 = d->y + CHART_H - 40;	/* the x axis */
	ph = CHART_H - 50;
	slot = pw / (double)n;

	/* grid lines and the y axis's labels */
	cairo_set_line_width(d->cr, 0.4);
	for (double v = lo; v <= hi + step / 2; v += step) {
		double y = y0 - (v - lo) / (hi - lo) * ph;

		cairo_set_source_rgb(d->cr, 0.85, 0.85, 0.85);
		cairo_move_to(d->cr, x0, y);
		cairo_line_to(d->cr, x0 + pw, y);
		cairo_stroke(d->cr);
		tick_label(v, lab, sizeof(lab));
		cairo_set_source_rgb(d->cr, 0.2, 0.2, 0.2);
		text_at(d, lab, F_SMALL, MARGIN_X, y - 6, 40,
		    PANGO_ALIGN_RIGHT);
	}
	if (pareto)
		for (int p = 0; p <= 100; p += 20) {
			snprintf(lab, sizeof(lab), "%d%%", p);
			text_at(d, lab, F_SMALL, x0 + pw + 4, y0 - p / 100.0 *
			    ph - 6, 32, PANGO_ALIGN_LEFT);
		}
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_set_line_width(d->cr, 0.8);
	cairo_move_to(d->cr, x0, y0 - ph - 4);
	cairo_line_to(d->cr, x0, y0);
	cairo_line_to(d->cr, x0 + pw, y0);
	cairo_stroke(d->cr);

	/* the series */
	for (size_t s = 0; s < ny; s++) {
		double bw = slot * 0.7 / (double)ny;

		set_color(d->cr, s);
		for (size_t r = 0; r < n; r++) {
			double v = cell_value(&t->cols[ys[s]],
			    table_cell(t, r, (size_t)ys[s]));
			double cx = x0 + slot * ((double)r + 0.5);
			double y = y0 - (v - lo) / (hi - lo) * ph;
			double yb = y0 - (0 - lo) / (hi - lo) * ph;

			if (ch->kind == CHART_LINE) {
				if (r == 0)
					cairo_move_to(d->cr, cx, y);
				else
					cairo_line_to(d->cr, cx, y);
				continue;
			}
			cairo_rectangle(d->cr, cx - slot * 0.35 +
			    bw * (double)s, fmin(y, yb), bw, fabs(yb - y));
			cairo_fill(d->cr);
		}
		if (ch->kind == CHART_LINE) {
			cairo_set_line_width(d->cr, 1.5);
			cairo_stroke(d->cr);
			for (size_t r = 0; r < n; r++) {
				double v = cell_value(&t->cols[ys[s]],
				    table_cell(t, r, (size_t)ys[s]));

				cairo_arc(d->cr, x0 + slot * ((double)r + 0.5),
				    y0 - (v - lo) / (hi - lo) * ph, 2, 0,
				    2 * M_PI);
				cairo_fill(d->cr);
			}
		}
	}
	if (pareto && total > 0) {
		double cum = 0;

		set_color(d->cr, 1);
		cairo_set_line_width(d->cr, 1.5);
		for (size_t r = 0; r < n; r++) {
			double cx = x0 + slot * ((double)r + 0.5);

			cum += cell_value(&t->cols[ys[0]],
			    table_cell(t, r, (size_t)ys[0]));
			if (r == 0)
				cairo_move_to(d->cr, cx, y0 - cum / total * ph);
			else
				cairo_line_to(d->cr, cx, y0 - cum / total * ph);
		}
		cairo_stroke(d->cr);
	}

	/* the categories under the axis, every k-th when they crowd */
	every = (size_t)ceil(n * 40.0 / pw);
	if (every < 1)
		every = 1;
	cairo_set_source_rgb(d->cr, 0.2, 0.2, 0.2);
	for (size_t r = 0; r < n; r += every) {
		double w = slot * (double)every;

		pdf_cell_text(&t->cols[xi], table_cell(t, r, (size_t)xi), lab,
		    sizeof(lab));
		text_at(d, lab, F_SMALL, x0 + slot * ((double)r + 0.5) - w / 2,
		    y0 + 3, w, PANGO_ALIGN_CENTER);
	}
	d->y += CHART_H;
}

/* ----- output ----- */

int
pdf_pages(const struct pdf_doc *d)
{
	return d->npages;
}

struct sink {
	int fd;
	size_t len;
	int err;
};

static cairo_status_t
sink_write(void *closure, const unsigned char *p, unsigned int len)
{
	struct sink *s = closure;

	while (len > 0) {
		ssize_t k = write(s->fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			s->err = k < 0 ? errno : EIO;
			return CAIRO_STATUS_WRITE_ERROR;
		}
		p += k;
		len -= (unsigned int)k;
		s->len += (size_t)k;
	}
	return CAIRO_STATUS_SUCCESS;
}

static void
footer(struct pdf_doc *d, cairo_t *cr, int i)
{
	char line[64];
	cairo_t *keep = d->cr;

	d->cr = cr;
	cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
	cairo_set_line_width(cr, 0.5);
	cairo_move_to(cr, MARGIN_X, PAGE_BOTTOM + 10);
	cairo_line_to(cr, PAGE_W - MARGIN_X, PAGE_BOTTOM + 10);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	if (d->footer[0] != '\0')
		text_at(d, d->footer, F_SMALL, MARGIN_X, PAGE_BOTTOM + 13,
		    CONTENT_W - 110, PANGO_ALIGN_LEFT);
	/*
	 * en spaces (U+2002): pdftotext drops plain spaces in a line that
	 * begins with a Chinese character, and the page line must be found
	 */
	snprintf(line, sizeof(line), "第\u2002%d\u2002页\u2002共\u2002%d\u2002页",
	    i + 1, d->npages);
	text_at(d, line, F_SMALL, PAGE_W - MARGIN_X - 100, PAGE_BOTTOM + 13,
	    100, PANGO_ALIGN_RIGHT);
	d->cr = keep;
}

enum svc_code
pdf_finish(struct pdf_doc *d, int fd, size_t *len, struct svc_err *err)
{
	struct sink s = { .fd = fd };
	cairo_surface_t *pdf;
	cairo_status_t st;
	cairo_t *cr;

	*len = 0;
	pdf = cairo_pdf_surface_create_for_stream(sink_write, &s, PAGE_W,
	    PAGE_H);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE,
	    d->title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR,
	    "Aftersales");
	cr = cairo_create(pdf);
	for (int i = 0; i < d->npages; i++) {
		cairo_set_source_surface(cr, d->pages[i], 0, 0);
		cairo_paint(cr);
		footer(d, cr, i);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	pdf_free(d);
	if (s.err != 0)
		return svc_fail(err, SVC_ESTORE, NULL, "cannot write the pdf: "
		    "%s", strerror(s.err));
	if (st != CAIRO_STATUS_SUCCESS)
		return svc_fail(err, SVC_EINTERNAL, NULL, "cairo: %s",
		    cairo_status_to_string(st));
	*len = s.len;
	return SVC_OK;
}

void
pdf_free(struct pdf_doc *d)
{
	if (d == NULL)
		return;
	if (d->cr != NULL)
		cairo_destroy(d->cr);
	for (int i = 0; i < d->npages; i++)
		cairo_surface_destroy(d->pages[i]);
	for (size_t i = 0; i < sizeof(font_specs) / sizeof(font_specs[0]); i++)
		pango_font_description_free(d->fonts[i]);
	free(d->pages);
	free(d->title);
	free(d->number);
	free(d->company);
	free(d->footer);
	free(d);
}

enum svc_code
pdf_report(const struct pdf_template *tpl, const char *title,
    const char *filters, const struct table *t, const struct chart *ch,
    int fd, size_t *len, struct svc_err *err)
{
	struct pdf_doc *d = pdf_open(tpl, title, NULL);

	if (filters != NULL && filters[0] != '\0')
		pdf_text(d, filters);
	if (ch != NULL && ch->kind != CHART_NONE)
		pdf_chart(d, t, ch);
	pdf_table(d, t, NULL);
	return pdf_finish(d, fd, len, err);
}

int
pdf_tmpfd(const char *dir, struct svc_err *err)
{
	char path[1024];
	int fd;

	if (dir == NULL)
		dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* a file system without O_TMPFILE: create, then unlink */
	snprintf(path, sizeof(path), "%s/aftersales-pdf-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		svc_fail(err, SVC_ESTORE, NULL, "cannot create a file in '%s': "
		    "%s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}
