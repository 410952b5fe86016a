/*
 * log — structured logging: one JSON object per line on stderr.
 */
#ifndef AS_LOG_H
#define AS_LOG_H

#include "util/err.h"

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level);
/* A message; fmt builds the "msg" field. */
void log_msg(enum log_level, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* A pre-built JSON line (no newline), written atomically. */
void log_line(const char *json, size_t len);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
