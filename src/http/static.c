/*
 * static — the web interface's built files (web/dist), served by the same
 * process so that one program is the whole product.  Only plain paths are
 * served (no "..", no hidden files); hashed assets under /assets/ are
 * cacheable for a year, index.html never.
 *
 * Compression: the build writes FILE.gz next to each compressible file
 * (web/scripts/compress.mjs).  A client whose Accept-Encoding accepts gzip
 * gets FILE.gz with Content-Encoding: gzip and the Content-Type and caching
 * of FILE; any other client gets FILE.  Compressible types always answer
 * with Vary: Accept-Encoding, so that caches keep the two apart.  Nothing is
 * compressed while serving; a FILE.gz older than FILE is not used.
 *
 * Every file goes with the page's Content-Security-Policy (server.c).
 */
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"

static const struct {
	const char *ext;
	const char *type;
	bool gz;		/* compressible: the build may write .gz */
} types[] = {
	{ ".html", "text/html; charset=utf-8", true },
	{ ".js", "text/javascript; charset=utf-8", true },
	{ ".mjs", "text/javascript; charset=utf-8", true },
	{ ".css", "text/css; charset=utf-8", true },
	{ ".json", "application/json", true },
	{ ".svg", "image/svg+xml", true },
	{ ".png", "image/png", false },
	{ ".jpg", "image/jpeg", false },
	{ ".ico", "image/x-icon", false },
	{ ".woff2", "font/woff2", false },
	{ ".woff", "font/woff", false },
	{ ".ttf", "font/ttf", false },
	{ ".map", "application/json", true },
	{ ".txt", "text/plain; charset=utf-8", true },
	{ ".webmanifest", "application/manifest+json", true },
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

static bool
path_ok(const char *p)
{
	size_t n = strlen(p);

	if (n == 0 || n > 200 || p[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '-' ||
		    c == '_'))
			return false;
		if (c == '.' && (i == 0 || p[i - 1] == '/'))
			return false;	/* "..", ".hidden" */
	}
	return true;
}

/* The index in types[] of path's extension, or NTYPES when unknown. */
static size_t
type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot != NULL && i < NTYPES; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return i;
	return NTYPES;
}

/* ----- Accept-Encoding (RFC 9110 §12.5.3) ----- */

/*
 * What the request's Accept-Encoding lines say: the weight of "gzip" (or its
 * alias "x-gzip") and of "*" in thousandths (q=0.5 is 500), -1 when not
 * listed.  A coding listed more than once keeps its lowest weight.
 */
struct ae_scan {
	int gzip;
	int star;
};

static bool
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static const char *
skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Advance *cur past a token; its length (0: there is none). */
static size_t
scan_token(const char **cur)
{
	const char *s = *cur;
	size_t len;

	while (is_tchar(*s))
		s++;
	len = (size_t)(s - *cur);
	*cur = s;
	return len;
}

/* Advance *cur past a quoted-string; false when it is not closed. */
static bool
scan_quoted(const char **cur)
{
	const char *s = *cur + 1;

	while (*s != '\0' && *s != '"') {
		if (*s == '\\' && s[1] != '\0')
			s++;
		s++;
	}
	if (*s != '"')
		return false;
	*cur = s + 1;
	return true;
}

/*
 * A qvalue ("0" ["." 0*3DIGIT] / "1" ["." 0*3"0"]) in thousandths, or -1
 * when it is not one.
 */
static int
parse_qvalue(const char *s, size_t len)
{
	int q = 0, scale = 100;

	if (len == 0 || len > 5 || (s[0] != '0' && s[0] != '1') ||
	    (len > 1 && s[1] != '.'))
		return -1;
	for (size_t i = 2; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	if (s[0] == '1')
		return q == 0 ? 1000 : -1;
	return q;
}

static void
note_weight(int *slot, int q)
{
	if (*slot < 0 || q < *slot)
		*slot = q;
}

/*
 * One header line: a comma-separated list of codings, each with optional
 * parameters ("gzip;q=0.8").  An element that cannot be read counts as
 * refusing its coding (q=0): sending gzip to a client that did not ask for
 * it would break the page, sending the plain file never does.
 */
static void
ae_scan_line(struct ae_scan *sc, const char *s)
{
	while (*s != '\0') {
		const char *tok, *name, *val;
		size_t tlen, nlen, vlen;
		bool bad = false;
		int q = 1000;

		s = skip_ows(s);
		if (*s == ',') {	/* empty list element */
			s++;
			continue;
		}
		tok = s;
		tlen = scan_token(&s);
		if (tlen == 0)
			bad = true;
		s = skip_ows(s);
		while (!bad && *s == ';') {
			s = skip_ows(s + 1);
			name = s;
			nlen = scan_token(&s);
			if (nlen == 0 || *s != '=') {
				bad = true;
				break;
			}
			val = ++s;
			if (*s == '"') {
				if (!scan_quoted(&s))
					bad = true;
				vlen = 0;	/* a quoted q is not a qvalue */
			} else {
				vlen = scan_token(&s);
			}
			if (!bad && nlen == 1 && (name[0] == 'q' ||
			    name[0] == 'Q')) {
				q = parse_qvalue(val, vlen);
				if (q < 0)
					bad = true;
			}
			s = skip_ows(s);
		}
		if (*s != ',' && *s != '\0')
			bad = true;
		if (bad) {
			q = 0;
			while (*s != ',' && *s != '\0')
				s++;
		}
		if ((tlen == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (tlen == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
			note_weight(&sc->gzip, q);
		else if (tlen == 1 && tok[0] == '*')
			note_weight(&sc->star, q);
		if (*s == ',')
			s++;
	}
}

static enum MHD_Result
ae_scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	(void)kind;
	if (key != NULL && value != NULL &&
	    strcasecmp(key, "Accept-Encoding") == 0)
		ae_scan_line(cls, value);
	return MHD_YES;
}

/*
 * Does the client take gzip?  Yes when it lists gzip with a weight above
 * 0, or does not list it and gives "*" a weight above 0.  Every
 * Accept-Encoding line counts, as one list.
 */
static bool
accepts_gzip(struct req *rq)
{
	struct ae_scan sc = { -1, -1 };

	if (rq->conn == NULL)
		return false;
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, ae_scan_header,
	    &sc);
	if (sc.gzip >= 0)
		return sc.gzip > 0;
	return sc.star > 0;
}

/* ----- files ----- */

/* Open dir + path + suffix, a regular file: its descriptor or -1. */
static int
open_file(const char *dir, const char *path, const char *suffix,
    struct stat *st)
{
	char full[1400];
	int fd;

	if ((size_t)snprintf(full, sizeof(full), "%s%s%s", dir, path,
	    suffix) >= sizeof(full))
		return -1;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

enum svc_code
http_static(struct req *rq, struct resp *rs)
{
	const char *dir = rq->app->cfg.web_dir;
	const char *path = rq->path;
	const char *last;
	struct stat st, gst;
	size_t ti;
	int fd = -1, gz;

	if (dir[0] == '\0' || !(rq->method & (HTTP_GET | HTTP_HEAD)) ||
	    !path_ok(path))
		return svc_fail(&rq->err, SVC_ENOTFOUND, "path",
		    "no such endpoint");
	last = strrchr(path, '/');
	if (strcmp(path, "/") != 0 && strchr(last, '.') != NULL)
		fd = open_file(dir, path, "", &st);
	else
		path = "/index.html";	/* an app route */
	if (fd < 0 && strchr(last, '.') == NULL)
		fd = open_file(dir, "/index.html", "", &st);
	if (fd < 0)
		return svc_fail(&rq->err, SVC_ENOTFOUND, "path", "no such file");
	ti = type_of(path);
	rs->status = 200;
	rs->content_type = ti < NTYPES ? types[ti].type :
	    "application/octet-stream";
	if (ti < NTYPES && types[ti].gz) {
		resp_header(rs, "Vary", "Accept-Encoding");
		gz = accepts_gzip(rq) ? open_file(dir, path, ".gz", &gst) : -1;
		if (gz >= 0 && gst.st_mtime < st.st_mtime) {
			close(gz);	/* left over from an older build */
			gz = -1;
		}
		if (gz >= 0) {
			close(fd);
			fd = gz;
			st = gst;
			resp_header(rs, "Content-Encoding", "gzip");
		}
	}
	rs->fd = fd;
	rs->fd_len = (size_t)st.st_size;
	rs->page = true;	/* with the page's Content-Security-Policy */
	if (strncmp(path, "/assets/", 8) == 0)
		resp_header(rs, "Cache-Control",
		    "public, max-age=31536000, immutable");
	else
		resp_header(rs, "Cache-Control", "no-cache");
	return SVC_OK;
}
