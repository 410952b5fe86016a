/*
 * static — the web interface's built files (web/dist), served by the same
 * process so that one program is the whole product.  Only plain paths are
 * served (no "..", no hidden files); hashed assets under /assets/ are
 * cacheable for a year, index.html never.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".ttf", "font/ttf" },
	{ ".map", "application/json" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
};

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

static const char *
type_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]);
	    i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int
open_file(const char *dir, const char *path, size_t *len)
{
	char full[1400];
	struct stat st;
	int fd;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", dir, path) >=
	    sizeof(full))
		return -1;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	*len = (size_t)st.st_size;
	return fd;
}

enum svc_code
http_static(struct req *rq, struct resp *rs)
{
	const char *dir = rq->app->cfg.web_dir;
	const char *path = rq->path;
	const char *last;
	size_t len;
	int fd = -1;

	if (dir[0] == '\0' || !(rq->method & (HTTP_GET | HTTP_HEAD)) ||
	    !path_ok(path))
		return svc_fail(&rq->err, SVC_ENOTFOUND, "path",
		    "no such endpoint");
	last = strrchr(path, '/');
	if (strcmp(path, "/") != 0 && strchr(last, '.') != NULL)
		fd = open_file(dir, path, &len);
	else
		path = "/index.html";	/* an app route */
	if (fd < 0 && strchr(last, '.') == NULL)
		fd = open_file(dir, "/index.html", &len);
	if (fd < 0)
		return svc_fail(&rq->err, SVC_ENOTFOUND, "path", "no such file");
	rs->status = 200;
	rs->fd = fd;
	rs->fd_len = len;
	rs->content_type = type_of(path);
	if (strncmp(path, "/assets/", 8) == 0)
		resp_header(rs, "Cache-Control",
		    "public, max-age=31536000, immutable");
	else
		resp_header(rs, "Cache-Control", "no-cache");
	return SVC_OK;
}
