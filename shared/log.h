/*
 * log.h — timestamped log lines on stderr, the way the seed servers print
 * their events, with levels. Safe to call from several threads.
 */
#ifndef REDCHAT_LOG_H
#define REDCHAT_LOG_H

#include <stdbool.h>

enum log_level { LOG_QUIET, LOG_NORMAL, LOG_VERBOSE };

void log_set_level(enum log_level level);
bool log_verbose(void);

/* Joins, leaves, messages: shown unless quiet. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Connection details and bytes: shown with -v only. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Always shown. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
