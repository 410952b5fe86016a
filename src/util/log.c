/*
 * log — JSON lines on stderr.  Each line goes out in one write(2) so lines
 * from several threads never interleave.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/json.h"

static enum log_level min_level = LOG_INFO;
static const char *level_names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level l)
{
	min_level = l;
}

void
log_line(const char *json, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, json, len);
		if (n <= 0)
			return;
		json += n;
		len -= (size_t)n;
	}
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[1024];
	struct buf b;
	struct jw w;
	va_list ap;

	if (level < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_init(&b, 8192);
	jw_init(&w, &b);
	jw_obj_open(&w);
	jw_ktime(&w, "ts", clock_now());
	jw_kstr(&w, "level", level_names[level]);
	jw_kstr(&w, "msg", msg);
	jw_obj_close(&w);
	buf_addc(&b, '\n');
	log_line(b.p, b.len);
	buf_release(&b);
}
