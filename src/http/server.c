/*
 * server — libmicrohttpd glue: a thread pool on epoll, one struct req per
 * request, the body collected up to the limit, the answer queued on the last
 * callback of a request (answering on the first one makes libmicrohttpd
 * close keep-alive connections), and a drain on shutdown.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/guard.h"
#include "http/http.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/text.h"

static struct MHD_Daemon *daemon_handle;

/* Past this a too-big body is refused at once rather than read and dropped. */
#define DISCARD_MAX (64u << 20)

/*
 * libmicrohttpd keeps a request's headers and query parameters in a
 * per-connection pool of POOL_SIZE, and zeroes the whole pool after every
 * request: a bigger pool costs every request (at 320 KiB, a third of the
 * time of a no-op request; at 64 KiB still 4 % of a GET).  32 KiB holds an
 * 8 KiB query string of ARGS_MAX parameters with the usual headers.  A
 * query of more than ARGS_MAX parameters would not fit (each takes ~56
 * bytes; libmicrohttpd 0.9.75 then hangs), so such a query is taken from
 * libmicrohttpd before it parses it (on_uri) and parsed here, the same way,
 * into the request (rq->args).
 */
#define POOL_SIZE (32u * 1024)
#define SUSPENDED_WAIT_MS 60000
#define ARGS_MAX 256

struct req_arg {
	char *k;
	char *v;	/* NULL for "k" without "=" */
};

/*
 * The web interface's policy: its scripts and styles come from its own
 * files only, no inline or evaluated script.  Styles allow 'unsafe-inline'
 * because Element Plus and ECharts set style attributes (positions,
 * widths, z-index of popups); images may be data: and blob: URLs (icons,
 * attachment previews).  Nothing may frame a page, nor be framed.
 */
#define PAGE_CSP "default-src 'self'; script-src 'self'; " \
	"style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " \
	"font-src 'self' data:; connect-src 'self'; object-src 'none'; " \
	"base-uri 'self'; form-action 'self'; frame-src 'none'; " \
	"frame-ancestors 'none'"

/* ----- request helpers ----- */

const char *
req_header(struct req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* The api layer's value of name: *out (NULL: hidden); false: not set. */
static bool
query_over(const struct req *rq, const char *name, const char **out)
{
	for (size_t i = 0; i < rq->nqover; i++)
		if (strcasecmp(rq->qover[i][0], name) == 0) {
			*out = rq->qover[i][1];
			return true;
		}
	return false;
}

const char *
req_query(struct req *rq, const char *name)
{
	const char *v;

	if (query_over(rq, name, &v))
		return v;
	if (rq->big_query != NULL) {
		/* as libmicrohttpd: the first, names compared caselessly */
		for (size_t i = 0; i < rq->nargs; i++)
			if (strcasecmp(rq->args[i].k, name) == 0)
				return rq->args[i].v;
		return NULL;
	}
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
req_cookie(struct req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

struct each_ctx {
	const struct req *rq;
	enum svc_code (*fn)(void *, const char *, const char *);
	void *ctx;
	enum svc_code rc;
};

static enum MHD_Result
each_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
	struct each_ctx *e = cls;
	const char *over;

	(void)kind;
	if (query_over(e->rq, k, &over))
		return MHD_YES;		/* given below, or hidden */
	e->rc = e->fn(e->ctx, k, v ? v : "");
	return e->rc == SVC_OK ? MHD_YES : MHD_NO;
}

enum svc_code
req_query_each(struct req *rq,
    enum svc_code (*fn)(void *, const char *, const char *), void *ctx)
{
	struct each_ctx e = { rq, fn, ctx, SVC_OK };
	const char *over;

	if (rq->big_query != NULL) {
		for (size_t i = 0; i < rq->nargs && e.rc == SVC_OK; i++)
			if (!query_over(rq, rq->args[i].k, &over))
				e.rc = fn(ctx, rq->args[i].k,
				    rq->args[i].v ? rq->args[i].v : "");
	} else {
		MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND,
		    each_arg, &e);
	}
	for (size_t i = 0; i < rq->nqover && e.rc == SVC_OK; i++)
		if (rq->qover[i][1] != NULL)
			e.rc = fn(ctx, rq->qover[i][0], rq->qover[i][1]);
	return e.rc;
}

/* ----- responses ----- */

void
resp_init(struct resp *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	buf_init(&rs->body, 64u << 20);
	rs->content_type = "application/json";
	rs->fd = -1;
}

void
resp_release(struct resp *rs)
{
	buf_release(&rs->body);
	if (rs->fd >= 0)
		close(rs->fd);
	rs->fd = -1;
}

void
resp_header(struct resp *rs, const char *name, const char *value)
{
	if (rs->nheaders >= RESP_MAX_HEADERS)
		BUG("too many response headers");
	rs->headers[rs->nheaders].name = name;
	rs->headers[rs->nheaders].value = value;
	rs->nheaders++;
}

void
resp_json(struct resp *rs, int status, struct jw *w)
{
	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	jw_init(w, &rs->body);
}

void
resp_error(struct resp *rs, const struct svc_err *err)
{
	struct jw w;

	resp_json(rs, svc_http_status(err->code), &w);
	jw_obj_open(&w);
	jw_key(&w, "error");
	jw_obj_open(&w);
	jw_kstr(&w, "code", svc_slug(err->code));
	jw_kstr(&w, "message", err->msg[0] ? err->msg : svc_slug(err->code));
	jw_key(&w, "details");
	if (err->details != NULL) {
		jw_raw(&w, err->details);
	} else {
		jw_obj_open(&w);
		if (err->field[0]) {
			jw_kstr(&w, "field", err->field);
			if (err->reason[0])
				jw_kstr(&w, "reason", err->reason);
		}
		jw_obj_close(&w);
	}
	jw_obj_close(&w);
	jw_obj_close(&w);
}

/* ----- the libmicrohttpd callbacks ----- */

static enum http_method
parse_method(const char *m)
{
	static const struct {
		const char *name;
		enum http_method m;
	} names[] = {
		{ "GET", HTTP_GET }, { "POST", HTTP_POST }, { "PUT", HTTP_PUT },
		{ "PATCH", HTTP_PATCH }, { "DELETE", HTTP_DELETE },
		{ "HEAD", HTTP_HEAD }, { "OPTIONS", HTTP_OPTIONS },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(m, names[i].name) == 0)
			return names[i].m;
	return HTTP_OTHER;
}

static void
client_ip(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(out, len, "-");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)len);
}

static bool
request_id_ok(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		char c = s[n];

		if (n >= 31 || !((c >= 'a' && c <= 'z') || (c >= 'A' &&
		    c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.'))
			return false;
	}
	return n > 0;
}

/*
 * Called with the request line's URI before libmicrohttpd parses its query:
 * a query of more than ARGS_MAX parameters is copied into a stub request
 * (rq->app NULL; completed by on_request) and cut from libmicrohttpd's own
 * buffer, so that it parses none.
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	char *q = strchr(uri, '?');
	size_t n = 0;
	struct req *stub;

	(void)cls;
	(void)c;
	if (q == NULL)
		return NULL;
	for (const char *p = q; *p != '\0' && n <= ARGS_MAX; p++)
		n += *p == '&';
	if (n < ARGS_MAX)
		return NULL;
	stub = xcalloc(1, sizeof(*stub));
	stub->big_query = xstrdup(q + 1);
	q[1] = '\0';
	return stub;
}

/* %XX of the path and query; %00 refused later, never a cut (util/text.h) */
static size_t
on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return text_url_unescape(s);
}

/* Parse the stub's query into rq as libmicrohttpd would, and free the stub. */
static void
take_big_query(struct req *rq, struct req *stub)
{
	char *s = arena_strdup(&rq->arena, stub->big_query);
	size_t n = 1;

	free(stub->big_query);
	free(stub);
	rq->big_query = s;
	if (s == NULL)
		return;
	for (const char *p = s; *p != '\0'; p++)
		n += *p == '&';
	rq->args = arena_alloc(&rq->arena, n * sizeof(*rq->args));
	if (rq->args == NULL)
		return;
	while (*s != '\0') {
		char *amp = strchr(s, '&'), *eq;
		struct req_arg *a = &rq->args[rq->nargs++];

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(s, '=');
		if (eq != NULL)
			*eq++ = '\0';
		a->k = s;
		a->v = eq;
		for (char *p = s; *p != '\0'; p++)
			if (*p == '+')
				*p = ' ';
		text_url_unescape(a->k);
		if (a->v != NULL) {
			for (char *p = a->v; *p != '\0'; p++)
				if (*p == '+')
					*p = ' ';
			text_url_unescape(a->v);
		}
		if (amp == NULL)
			break;
		s = amp + 1;
	}
}

static struct req *
req_new(struct app *app, struct MHD_Connection *c, const char *url,
    const char *method)
{
	struct req *rq = xcalloc(1, sizeof(*rq));
	const char *hid;
	uint64_t seq;

	rq->app = app;
	rq->conn = c;
	rq->started_us = clock_mono_us();
	arena_init(&rq->arena, app->cfg.arena_max);
	rq->body_limit = api_body_limit(app, method, url);
	buf_init(&rq->body, rq->body_limit);
	rq->method = parse_method(method);
	rq->method_name = arena_strdup(&rq->arena, method);
	rq->path = arena_strdup(&rq->arena, url);
	client_ip(c, rq->ip, sizeof(rq->ip));
	hid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
	if (hid != NULL && request_id_ok(hid)) {
		snprintf(rq->id, sizeof(rq->id), "%s", hid);
	} else {
		seq = __atomic_add_fetch(&app->request_seq, 1, __ATOMIC_RELAXED);
		snprintf(rq->id, sizeof(rq->id), "%s-%llu", app->instance,
		    (unsigned long long)seq);
	}
	__atomic_fetch_add(&app->metrics.in_flight, 1, __ATOMIC_RELAXED);
	return rq;
}

static bool
has_header(const struct resp *rs, const char *name)
{
	for (int i = 0; i < rs->nheaders; i++)
		if (strcasecmp(rs->headers[i].name, name) == 0)
			return true;
	return false;
}

static enum MHD_Result
send_resp(struct req *rq, struct resp *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *body;

	if (rs->fd >= 0) {
		r = MHD_create_response_from_fd(rs->fd_len, rs->fd);
		if (r != NULL)
			rs->fd = -1;	/* libmicrohttpd closes it */
	} else if (rs->static_body != NULL) {
		r = MHD_create_response_from_buffer(rs->static_len,
		    (void *)(uintptr_t)rs->static_body, MHD_RESPMEM_PERSISTENT);
	} else {
		body = buf_detach(&rs->body, &len);
		r = MHD_create_response_from_buffer(len, body,
		    MHD_RESPMEM_MUST_FREE);
		if (r == NULL)
			free(body);
	}
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", rs->content_type);
	MHD_add_response_header(r, "X-Request-Id", rq->id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* no answer may be framed (clickjacking) nor leak its URL onwards */
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (rs->page)
		MHD_add_response_header(r, "Content-Security-Policy", PAGE_CSP);
	if (!has_header(rs, "Cache-Control"))
		MHD_add_response_header(r, "Cache-Control", "no-store");
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name,
		    rs->headers[i].value);
	ret = MHD_queue_response(rq->conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	rq->answered = true;
	return ret;
}

/* Answer rq->err from a response of this frame (not the request's memory),
 * and close the connection. */
static enum MHD_Result
send_err_close(struct req *rq)
{
	struct resp rs;
	enum MHD_Result ret;

	resp_init(&rs);
	resp_error(&rs, &rq->err);
	resp_header(&rs, "Connection", "close");
	ret = send_resp(rq, &rs);
	resp_release(&rs);
	return ret;
}

static enum MHD_Result
send_too_big(struct req *rq)
{
	svc_fail(&rq->err, SVC_ETOOBIG, "body",
	    "request body is larger than %zu bytes", rq->body_limit);
	return send_err_close(rq);
}

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *k,
    const char *v)
{
	int *n = cls;

	(void)kind;
	(void)v;
	if (strcasecmp(k, "Content-Length") == 0)
		n[0]++;
	else if (strcasecmp(k, "Transfer-Encoding") == 0)
		n[1]++;
	return MHD_YES;
}

/*
 * Content-Length twice, or with Transfer-Encoding, frames the body two ways
 * (request smuggling, RFC 9112 6.3): refused before any of it is read, and
 * the connection closed.
 */
static enum MHD_Result
send_bad_framing(struct req *rq)
{
	struct resp rs;
	enum MHD_Result ret;

	resp_init(&rs);
	svc_fail(&rq->err, SVC_EINVAL, "Content-Length", "the body's length "
	    "is given twice (Content-Length twice, or with Transfer-Encoding)");
	resp_error(&rs, &rq->err);
	resp_header(&rs, "Connection", "close");
	ret = send_resp(rq, &rs);
	resp_release(&rs);
	return ret;
}

/*
 * Requests that may suspend their connection while their write waits for
 * the writer.  libmicrohttpd aborts (MHD_PANIC) when MHD_stop_daemon finds a
 * suspended connection, and resuming one of a stopped daemon would touch
 * freed memory; so http_stop must not stop the daemon while any is counted.
 *
 * A request counts itself before it reads `draining` and http_stop sets
 * `draining` before it reads the count (both sequentially consistent): once
 * http_stop has seen draining set and the count at 0, no request can
 * suspend any more (the rest write in place).  A request stops counting
 * when libmicrohttpd hands its connection back (the resumed callback, or its
 * end), not when the writer asks for the resume: until libmicrohttpd has
 * run the resume the connection is still on its suspended list.
 */
static unsigned suspended;
static int draining;

static bool
may_suspend(void)
{
	__atomic_fetch_add(&suspended, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&draining, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_sub(&suspended, 1, __ATOMIC_SEQ_CST);
		return false;
	}
	return true;
}

static void
suspend_done(struct req *rq)
{
	if (rq->can_suspend) {
		rq->can_suspend = false;
		__atomic_fetch_sub(&suspended, 1, __ATOMIC_SEQ_CST);
	}
}

/* The writer thread (or an offloaded request's), once it is done. */
static void
resume(struct req *rq)
{
	MHD_resume_connection(rq->conn);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct app *app = cls;
	struct req *rq = *con_cls;
	const char *cl;
	enum MHD_Result ret;
	int64_t declared;

	(void)version;
	if (rq == NULL || rq->app == NULL) {
		struct req *stub = rq;
		int framing[2] = { 0, 0 };

		rq = req_new(app, c, url, method);
		*con_cls = rq;
		guard_phase(c, GUARD_BODY);
		if (stub != NULL)
			take_big_query(rq, stub);
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing,
		    framing);
		if (framing[0] > 1 || (framing[0] > 0 && framing[1] > 0))
			return send_bad_framing(rq);
		/* a declared length over the limit: refuse before any upload */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Content-Length");
		if (cl != NULL && str_to_i64(cl, strlen(cl), 0, INT64_MAX,
		    &declared) && (uint64_t)declared > rq->body_limit) {
			const char *ex = MHD_lookup_connection_value(c,
			    MHD_HEADER_KIND, "Expect");

			rq->body_too_big = true;
			/*
			 * A client waiting for 100-continue, or a body too big
			 * to be worth reading: answer now (the connection then
			 * closes).  Otherwise read and drop the body and answer
			 * at its end, so the client is not cut off mid-send.
			 */
			if ((ex != NULL && strcasestr(ex, "100-continue") != NULL)
			    || (uint64_t)declared > DISCARD_MAX)
				return send_too_big(rq);
		}
		return MHD_YES;
	}
	if (rq->answered) {
		*upload_len = 0;
		return MHD_YES;
	}
	if (*upload_len > 0) {
		if (!rq->body_too_big &&
		    rq->body.len + *upload_len > rq->body_limit) {
			/* chunked and too long: discard the rest, answer at end */
			rq->body_too_big = true;
			buf_release(&rq->body);
		}
		if (!rq->body_too_big)
			buf_add(&rq->body, upload, *upload_len);
		*upload_len = 0;
		return MHD_YES;
	}
	guard_phase(c, GUARD_BUSY);
	if (rq->body_too_big)
		return send_too_big(rq);
	if (rq->resp != NULL) {
		/* resumed: the write has committed (or failed) */
		if (!__atomic_load_n(&rq->write_done, __ATOMIC_ACQUIRE))
			return MHD_YES;
		suspend_done(rq);
		api_finish(rq, rq->resp);
	} else {
		rq->resp = arena_alloc(&rq->arena, sizeof(*rq->resp));
		if (rq->resp == NULL) {
			svc_fail(&rq->err, SVC_ETOOBIG, NULL,
			    "out of request memory");
			return send_err_close(rq);
		}
		resp_init(rq->resp);
		/* a write may wait for its commit without this thread */
		rq->can_suspend = (rq->method & (HTTP_POST | HTTP_PUT |
		    HTTP_PATCH | HTTP_DELETE)) != 0 && may_suspend();
		if (api_dispatch(rq, rq->resp)) {
			if (rq->authed)
				guard_seen(c);
			MHD_suspend_connection(c);
			api_write_start(rq, resume);
			return MHD_YES;
		}
		suspend_done(rq);
		if (rq->authed)
			guard_seen(c);
	}
	ret = send_resp(rq, rq->resp);
	resp_release(rq->resp);
	return ret;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct app *app = cls;
	struct req *rq = *con_cls;

	(void)toe;
	guard_phase(c, GUARD_HEADERS);	/* the next request's deadline */
	if (rq == NULL)
		return;
	if (rq->app == NULL) {	/* a stub of on_uri, never dispatched */
		free(rq->big_query);
		free(rq);
		*con_cls = NULL;
		return;
	}
	suspend_done(rq);
	if (rq->db != NULL)
		store_release(app->store, rq->db);
	if (rq->json != NULL) {
		extern void api_req_cleanup(struct req *);

		api_req_cleanup(rq);
	}
	buf_release(&rq->body);
	arena_release(&rq->arena);
	free(rq);
	*con_cls = NULL;
	__atomic_fetch_sub(&app->metrics.in_flight, 1, __ATOMIC_RELAXED);
}

static bool
parse_listen(const char *s, struct sockaddr_in *sa, char *msg, size_t msglen)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	int64_t port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (colon == NULL || (size_t)(colon - s) >= sizeof(host) ||
	    !str_to_i64(colon + 1, strlen(colon + 1), 1, 65535, &port)) {
		snprintf(msg, msglen, "invalid listen address '%s' "
		    "(want HOST:PORT)", s);
		return false;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (host[0] == '\0' || strcmp(host, "*") == 0)
		snprintf(host, sizeof(host), "0.0.0.0");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		snprintf(msg, msglen, "invalid listen host '%s' "
		    "(want an IPv4 address)", host);
		return false;
	}
	sa->sin_port = htons((uint16_t)port);
	return true;
}

/*
 * conn_max connections need as many descriptors, and more for the
 * database, files and logs: raise the soft limit towards the hard one, and
 * say so when it stays below.
 */
static void
fd_limit(int conn_max)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)conn_max + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ?
	    want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		log_warn("open files limited to %llu: conn_max %d needs %llu "
		    "(raise ulimit -n or lower conn_max)",
		    (unsigned long long)rl.rlim_cur, conn_max,
		    (unsigned long long)want);
}

bool
http_start(struct app *app, char *msg, size_t msglen)
{
	struct sockaddr_in sa;

	if (!parse_listen(app->cfg.listen, &sa, msg, msglen))
		return false;
	fd_limit(app->cfg.conn_max);
	if (!guard_start(&app->cfg, msg, msglen))
		return false;
	/*
	 * The idle timeout stays for answers a client does not read; the
	 * deadlines of a request's headers and body are guard.c's.
	 */
	daemon_handle = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME, 0,
	    guard_accept, NULL, on_request, app,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
	    MHD_OPTION_NOTIFY_CONNECTION, guard_notify, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)app->cfg.conn_max,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_SIZE,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)app->cfg.conn_per_addr,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
	    MHD_OPTION_END);
	if (daemon_handle == NULL) {
		guard_stop();
		snprintf(msg, msglen, "cannot listen on %s", app->cfg.listen);
		return false;
	}
	return true;
}

void
http_stop(struct app *app, int grace_ms)
{
	unsigned left;
	int waited = 0;

	if (daemon_handle == NULL)
		return;
	__atomic_store_n(&draining, 1, __ATOMIC_SEQ_CST);
	/*
	 * New connections are refused by the accept policy, not by
	 * MHD_quiesce_daemon: in libmicrohttpd 0.9.75 it races a busy worker
	 * thread of the pool removing the listening socket from its epoll set
	 * (both see it there; the second removal fails and MHD_PANIC aborts:
	 * "Failed to remove listen FD from epoll set", SIGABRT on SIGTERM
	 * under load).
	 */
	guard_drain();
	/* in-flight requests finish; idle keep-alive connections do not count */
	while (waited < grace_ms &&
	    __atomic_load_n(&app->metrics.in_flight, __ATOMIC_RELAXED) > 0) {
		usleep(10000);
		waited += 10;
	}
	/*
	 * Writes already queued always end: wait for their connections to
	 * come back (also those of requests still in their handler past the
	 * grace that may yet suspend; none can start to).
	 */
	for (waited = 0; waited < SUSPENDED_WAIT_MS &&
	    __atomic_load_n(&suspended, __ATOMIC_SEQ_CST) > 0; waited += 10)
		usleep(10000);
	left = __atomic_load_n(&suspended, __ATOMIC_SEQ_CST);
	if (left > 0) {
		/* the writer is stuck: exit without stopping the daemon */
		log_warn("%u writes still waiting after %d s: not stopping the "
		    "HTTP daemon under them", left, SUSPENDED_WAIT_MS / 1000);
		return;
	}
	MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
	guard_stop();
}
