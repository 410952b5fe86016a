/*
 * http — the transport: requests and responses over libmicrohttpd.
 *
 * A struct req lives from the first callback of a request to its completion;
 * everything hanging off it comes from rq->arena, released once at the end.
 * The http layer knows nothing of routes or the domain: it hands a complete
 * request to api_dispatch() and sends what comes back.
 */
#ifndef AS_HTTP_H
#define AS_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "util/err.h"
#include "util/json.h"
#include "util/mem.h"

struct MHD_Connection;
struct req_arg;
struct route;
struct json_t;

enum http_method {
	HTTP_GET = 1 << 0,
	HTTP_POST = 1 << 1,
	HTTP_PUT = 1 << 2,
	HTTP_PATCH = 1 << 3,
	HTTP_DELETE = 1 << 4,
	HTTP_HEAD = 1 << 5,
	HTTP_OPTIONS = 1 << 6,
	HTTP_OTHER = 1 << 7,
};

/* Who is calling, once authenticated. */
struct principal {
	int64_t user_id;
	const char *username;
	const char *display_name;
	int64_t customer_id;	/* 0 unless a customer user */
	int64_t token_id;
	bool via_cookie;
	const char **roles;
	size_t nroles;
};

#define REQ_MAX_PARAMS 4
#define RESP_MAX_HEADERS 8

struct req {
	struct app *app;
	struct MHD_Connection *conn;
	struct arena arena;
	enum http_method method;
	const char *method_name;
	const char *path;		/* arena copy, without the query */
	char id[32];			/* request id */
	char ip[64];
	struct buf body;
	size_t body_limit;
	bool body_too_big;
	bool answered;
	int64_t started_us;
	const struct route *route;
	size_t route_index;		/* for metrics; nroutes-1 = unmatched */
	const char *params[REQ_MAX_PARAMS];	/* {name} values */
	struct json_t *json;		/* decoded body, R_JSON routes */
	struct db *db;			/* lent for this request */
	struct principal who;
	void *ctx;			/* a route's prepare -> fn state */
	bool authed;
	struct svc_err err;
	/* A query of many parameters, parsed by server.c, not libmicrohttpd. */
	char *big_query;
	struct req_arg *args;
	size_t nargs;
	/*
	 * Query arguments set by the api layer over the caller's (an
	 * export's paging): qover[0..nqover) name/value pairs; a NULL value
	 * hides the caller's argument of that name.
	 */
	const char *const (*qover)[2];
	size_t nqover;
	/*
	 * A write answered after its commit without holding an HTTP thread:
	 * set by server.c when it can suspend the connection; api_dispatch
	 * then leaves the write in `write` and returns true; server.c
	 * suspends, api_write_start queues it, the writer's callback sets
	 * write_rc and write_done and resumes, and api_finish answers.
	 */
	bool can_suspend;
	struct write_ctx *write;
	void (*write_cb)(struct req *);
	struct resp *resp;		/* the answer, kept across a suspension */
	enum svc_code write_rc;
	bool write_done;		/* atomic */
	/*
	 * Slow work that needs no HTTP thread (a password check): a handler
	 * of a request that can suspend sets it and returns SVC_OK; it then
	 * runs the same way as a suspended write, on a thread of its own,
	 * answering into rq->resp (its result is write_rc).
	 */
	enum svc_code (*offload)(struct req *, struct resp *);
};

struct resp_header {
	const char *name;
	const char *value;
};

struct resp {
	int status;
	struct buf body;
	const char *content_type;
	struct resp_header headers[RESP_MAX_HEADERS];
	int nheaders;
	/* A body not copied into buf (static assets); NULL otherwise. */
	const void *static_body;
	size_t static_len;
	/* A file to send (static assets); -1 otherwise.  Closed by the sender. */
	int fd;
	size_t fd_len;
	/* A file of the web interface: sent with the pages' CSP. */
	bool page;
};

/* A request header (borrowed until the request ends) or NULL. */
const char *req_header(struct req *, const char *name);
/* A query-string argument (borrowed) or NULL. */
const char *req_query(struct req *, const char *name);
/* A cookie value (borrowed) or NULL. */
const char *req_cookie(struct req *, const char *name);
/*
 * Call fn for every query argument; stops at the first non-OK return.
 */
enum svc_code req_query_each(struct req *,
    enum svc_code (*fn)(void *ctx, const char *k, const char *v), void *ctx);

void resp_init(struct resp *);
void resp_release(struct resp *);
/* Add a header; name and value must outlive the response (arena/static). */
void resp_header(struct resp *, const char *name, const char *value);
/* Start a JSON body with status; returns the writer to fill it. */
void resp_json(struct resp *, int status, struct jw *w);
/* The SPEC §7 error body for err. */
void resp_error(struct resp *, const struct svc_err *err);

/*
 * Serve a file of the web interface from cfg.web_dir for a GET outside
 * /api/: the file itself, or index.html for paths without an extension
 * (the single-page app routes them).  SVC_ENOTFOUND when there is none.
 */
enum svc_code http_static(struct req *, struct resp *);

/* Start serving on cfg.listen; returns false with a message. */
bool http_start(struct app *, char *msg, size_t msglen);
/* Stop accepting, wait for in-flight requests (at most grace_ms), stop. */
void http_stop(struct app *, int grace_ms);

/*
 * Implemented by the api layer.  api_dispatch answers into the resp, or,
 * for a write that can wait without a thread (rq->can_suspend), returns
 * true with the write prepared (or rq->offload set): the caller suspends
 * the connection, calls api_write_start (done(rq) is called once it has
 * committed, on another thread), and after the resume api_finish answers
 * into the same resp.
 */
bool api_dispatch(struct req *, struct resp *);
void api_write_start(struct req *, void (*done)(struct req *));
void api_finish(struct req *, struct resp *);
/* The body limit of the route method+path would reach. */
size_t api_body_limit(struct app *, const char *method, const char *path);

#endif
