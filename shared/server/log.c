/*
 * log.c — "2026-11-21 18:04:05.123 message" lines on stderr, written by one
 * thread from a bounded queue, so that logging never blocks a server.
 *
 * Why a thread: stderr may be a pipe into a pager nobody scrolls, or a
 * terminal whose output is stalled. A write() there blocks, and a server
 * that logs from its event loop would stop serving. Setting O_NONBLOCK on
 * stderr is not a fix: the flag lives in the open file description, which
 * the shell and the pager share, and would make their writes fail too.
 * So the servers only copy a line into memory, and this thread alone
 * writes; lines never interleave because nobody else writes them.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "fmt.h"
#include "log.h"

#define LOG_LINE_MAX 2200        /* a timestamp, a tag and 2 KiB of text */
#define LOG_EXIT_WAIT_MS 1000    /* at exit, for a stderr that does not drain */

static enum log_level level = LOG_NORMAL;

/*
 * The queue. Lines wait in pend, in the order they were logged; the writer
 * swaps pend with out and writes out without holding the lock. Once a line
 * has been dropped every later one is too, until the writer takes the
 * queue: so the count it writes after the batch stands exactly where the
 * lost lines were.
 */
static char buf_a[LOG_QUEUE], buf_b[LOG_QUEUE];

static struct {
	pthread_mutex_t lock;
	pthread_cond_t  wake;       /* a line arrived, or stop */
	pthread_cond_t  idle;       /* the writer finished a batch, or ended */
	pthread_t       thread;
	char           *pend, *out;
	size_t          len;        /* bytes in pend */
	unsigned long   dropped;    /* lines lost since pend was last taken */
	bool            started, stop, busy, done;
	void          (*hide)(void), (*show)(void);
} q = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.pend = buf_a,
	.out = buf_b,
};

void
log_set_level(enum log_level l)
{
	level = l;
}

bool
log_verbose(void)
{
	return level >= LOG_VERBOSE;
}

/* ---------------------------------------------------------------------------
 * Writing (the writer thread, or the caller before log_start)
 * ------------------------------------------------------------------------ */

/* Write all of buf to stderr. Gives up on an error: a log has nowhere to
 * report its own failure. Waits out EAGAIN, should someone else have made
 * the description non-blocking. */
static void
write_all(const char *buf, size_t len)
{
	struct pollfd p = { .fd = STDERR_FILENO, .events = POLLOUT };
	ssize_t n;

	while (len > 0) {
		n = write(STDERR_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			poll(&p, 1, -1);
			continue;
		}
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* "YYYY-MM-DD HH:MM:SS.mmm " into buf; returns its length. */
static size_t
stamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	return fmt_append(buf, size, n, ".%03ld ", (long)tv.tv_usec / 1000);
}

/* The count of lost lines, in each language; its buffer is sized from the
 * longest, so the line is never cut. */
#define DROPPED_ONE_EN "%lu log line dropped (stderr was not read in time)\n"
#define DROPPED_ONE_ES "se descartó %lu línea del registro (la salida de " \
                       "errores no se leía a tiempo)\n"
#define DROPPED_EN     "%lu log lines dropped (stderr was not read in time)\n"
#define DROPPED_ES     "se descartaron %lu líneas del registro (la salida " \
                       "de errores no se leía a tiempo)\n"
#define DROPPED_MAX    sizeof(DROPPED_ES)       /* the longest, '\0' too */
#define STAMP_MAX      24  /* "YYYY-MM-DD HH:MM:SS.mmm " */
#define ULONG_DIGITS   20  /* 18446744073709551615 */
_Static_assert(sizeof(DROPPED_ONE_EN) <= DROPPED_MAX &&
               sizeof(DROPPED_ONE_ES) <= DROPPED_MAX &&
               sizeof(DROPPED_EN) <= DROPPED_MAX,
               "DROPPED_MAX must be the longest count of lost lines");

static void
write_dropped(unsigned long n)
{
	char line[STAMP_MAX + DROPPED_MAX + ULONG_DIGITS];
	size_t len = stamp(line, sizeof(line));

	len = fmt_append(line, sizeof(line), len,
	                 TRN(n, DROPPED_ONE_EN, DROPPED_EN,
	                     DROPPED_ONE_ES, DROPPED_ES), n);
	write_all(line, len);
}

/* Take the queue, write it, and again, until told to stop with nothing
 * left. Signals are blocked here (log_start), so they reach the server's
 * own signalfd. */
static void *
writer(void *arg)
{
	void (*hide)(void), (*show)(void);
	unsigned long dropped;
	size_t len;
	char *out;

	(void)arg;
	pthread_mutex_lock(&q.lock);
	for (;;) {
		while (q.len == 0 && q.dropped == 0 && !q.stop)
			pthread_cond_wait(&q.wake, &q.lock);
		if (q.len == 0 && q.dropped == 0)
			break;                          /* stop, all written */
		out = q.pend;
		q.pend = q.out;
		q.out = out;
		len = q.len;
		dropped = q.dropped;
		q.len = q.dropped = 0;
		hide = q.hide;
		show = q.show;
		q.busy = true;
		pthread_mutex_unlock(&q.lock);

		if (hide != NULL)
			hide();
		write_all(out, len);
		if (dropped > 0)
			write_dropped(dropped);
		if (show != NULL)
			show();

		pthread_mutex_lock(&q.lock);
		q.busy = false;
		pthread_cond_broadcast(&q.idle);
	}
	q.done = true;
	pthread_cond_broadcast(&q.idle);
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

/* At exit: let the writer finish, but never wait long for a stderr that
 * does not drain (then the lines still queued are lost with the process). */
static void
log_stop(void)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += LOG_EXIT_WAIT_MS / 1000;
	pthread_mutex_lock(&q.lock);
	q.stop = true;
	pthread_cond_signal(&q.wake);
	while (!q.done)
		if (pthread_cond_timedwait(&q.idle, &q.lock, &until) != 0)
			break;
	done = q.done;
	pthread_mutex_unlock(&q.lock);
	if (done)
		pthread_join(q.thread, NULL);
	else
		pthread_detach(q.thread);
}

int
log_start(void)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int r;

	if (q.started)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q.idle, &ca);
	pthread_condattr_destroy(&ca);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&q.thread, NULL, writer, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return -1;
	pthread_mutex_lock(&q.lock);
	q.started = true;
	pthread_mutex_unlock(&q.lock);
	atexit(log_stop);
	return 0;
}

void
log_set_screen(void (*hide)(void), void (*show)(void))
{
	pthread_mutex_lock(&q.lock);
	q.hide = hide;
	q.show = show;
	pthread_mutex_unlock(&q.lock);
}

/* ---------------------------------------------------------------------------
 * Logging (any thread)
 * ------------------------------------------------------------------------ */

/* Queue one complete line (with its '\n'), or drop and count it. */
static void
put(const char *line, size_t len)
{
	pthread_mutex_lock(&q.lock);
	if (!q.started) {
		write_all(line, len);                   /* one thread yet */
	} else if (q.dropped > 0 || len > LOG_QUEUE - q.len) {
		q.dropped++;
	} else {
		memcpy(q.pend + q.len, line, len);
		q.len += len;
		pthread_cond_signal(&q.wake);
	}
	pthread_mutex_unlock(&q.lock);
}

static void
log_line(bool timed, const char *tag, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t n = timed ? stamp(line, sizeof(line)) : 0;

	n = fmt_append(line, sizeof(line), n, "%s", tag);
	n = fmt_vappend(line, sizeof(line), n, fmt, ap);
	line[n++] = '\n';      /* n < sizeof(line): a cut line keeps it */
	put(line, n);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	log_line(true, "", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	log_line(true, "[debug] ", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(true, "[error] ", fmt, ap);
	va_end(ap);
}

void
log_plain(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(false, "", fmt, ap);
	va_end(ap);
}
