/*
 * log.h — timestamped log lines on stderr, the way the seed servers print
 * their events, with levels. Safe to call from several threads.
 *
 * After log_start() a writer thread does the writing: a log call only
 * copies its line into a bounded queue, so a stderr nobody reads (a pipe
 * into a pager left unscrolled, a stalled terminal) never blocks a server.
 * When the queue is full, lines are dropped and counted, and the count is
 * written in their place once the queue drains. Before log_start() (and in
 * programs that never call it) each line is written at once.
 */
#ifndef REDCHAT_LOG_H
#define REDCHAT_LOG_H

#include <stdbool.h>

enum log_level { LOG_QUIET, LOG_NORMAL, LOG_VERBOSE };

#define LOG_QUEUE (256 * 1024) /* bytes of log lines waiting to be written */

void log_set_level(enum log_level level);
bool log_verbose(void);

/*
 * Start the writer thread (it blocks every signal) and arrange for the
 * queue to be written out at exit, waiting at most a second for a stderr
 * that does not drain. Returns 0, or -1 when no thread could be started
 * (lines are then written at once, as before).
 */
int log_start(void);

/* Joins, leaves, messages: shown unless quiet. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Connection details and bytes: shown with -v only. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Always shown. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Always shown, without a timestamp (the "listening on" line). */
void log_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Someone else draws on stderr's terminal (the operator's console, which
 * keeps the line being typed at the bottom). The writer calls hide() before
 * it writes a batch of lines and show() after; hide() may take a lock that
 * show() releases. NULL, NULL: nobody.
 */
void log_set_screen(void (*hide)(void), void (*show)(void));

#endif
