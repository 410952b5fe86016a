/*
 * guard — per-address and reserved connections, and request deadlines, for
 * server.c (see guard.c).
 */
#ifndef AS_HTTP_GUARD_H
#define AS_HTTP_GUARD_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "app.h"

enum { GUARD_HEADERS, GUARD_BODY, GUARD_BUSY };

/* Read the settings and start the sweeper; false with a message. */
bool guard_start(const struct config *, char *msg, size_t msglen);
/* Refuse every new connection from now on (the drain before a stop). */
void guard_drain(void);
/* Stop the sweeper (after the daemon has stopped). */
void guard_stop(void);

/* libmicrohttpd's accept policy and connection notifications. */
enum MHD_Result guard_accept(void *cls, const struct sockaddr *,
    socklen_t len);
void guard_notify(void *cls, struct MHD_Connection *, void **socket_context,
    enum MHD_ConnectionNotificationCode);

/*
 * The connection's request has reached a phase: GUARD_BODY (headers in),
 * GUARD_BUSY (all of it in, being answered), GUARD_HEADERS (answered; the
 * next request's deadline starts now).
 */
void guard_phase(struct MHD_Connection *, int phase);
/* The connection's address made an authenticated request. */
void guard_seen(struct MHD_Connection *);

void *guard_sweep_main(void *);

#endif
