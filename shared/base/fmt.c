/*
 * fmt.c — formatting into a fixed buffer piece by piece (see fmt.h).
 *
 * The usual `n += snprintf(buf + n, size - n, ...)` goes wrong once a piece
 * is cut: snprintf returns the length it wanted, n passes size, and the
 * next `size - n` wraps round to a huge size_t. Here the length is clamped.
 */
#include <stdio.h>

#include "fmt.h"

size_t
fmt_vappend(char *dst, size_t size, size_t len, const char *fmt, va_list ap)
{
	int n;

	if (size == 0)
		return 0;
	if (len >= size - 1) {
		dst[size - 1] = '\0';
		return size - 1;
	}
	n = vsnprintf(dst + len, size - len, fmt, ap);
	if (n < 0) {            /* an encoding error: the piece is left out */
		dst[len] = '\0';
		return len;
	}
	return (size_t)n < size - len ? len + (size_t)n : size - 1;
}

size_t
fmt_append(char *dst, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	len = fmt_vappend(dst, size, len, fmt, ap);
	va_end(ap);
	return len;
}
