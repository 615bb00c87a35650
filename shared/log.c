/*
 * log.c — "2026-11-21 18:04:05 message" lines on stderr. One fprintf per
 * line: stdio locks the stream, so lines from threads never interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"

static enum log_level level = LOG_NORMAL;

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

static void
log_line(const char *tag, const char *fmt, va_list ap)
{
	char stamp[32], text[2048];
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(stderr, "%s.%03ld %s%s\n", stamp, (long)tv.tv_usec / 1000,
	        tag, text);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	log_line("[debug] ", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("[error] ", fmt, ap);
	va_end(ap);
}
