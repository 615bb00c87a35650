/*
 * fmt.h — formatting into a fixed buffer piece by piece, never past its end.
 */
#ifndef REDCHAT_FMT_H
#define REDCHAT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format at dst + len, in a buffer of size bytes that holds a string of len
 * bytes. Returns the new length: what fits, never more than size - 1, so a
 * cut text stays a string and the next call appends nothing. A length that
 * is already size - 1 or more (a full buffer) is returned as size - 1.
 */
size_t fmt_append(char *dst, size_t size, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t fmt_vappend(char *dst, size_t size, size_t len, const char *fmt,
                   va_list ap) __attribute__((format(printf, 4, 0)));

#endif
