/*
 * fuzz_text.c — libFuzzer target for the text rules (shared/wire/text.c):
 * UTF-8 validation, sanitising for a terminal and the nickname checks.
 *
 * Byte 0 picks an output buffer size for a second, cut sanitising; the
 * rest is the text. Checked: what text_sanitize writes is valid UTF-8, has
 * no control byte but tab, ends in a NUL within the buffer, is unchanged by
 * a second pass, and equals the input when text_needs_sanitize says so; a
 * nickname the rules accept is 1..TEXT_NICK_MAX bytes of valid UTF-8 with no
 * blank, no control byte, no leading '/', and its key is never a reserved
 * name's.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_safe(const char *s, size_t n, size_t cap)
{
	size_t i;

	if (n >= cap || s[n] != '\0' || !text_utf8_valid(s, n))
		abort();
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7F)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in;
	char *out, *again, *small, key[2 * TEXT_NICK_MAX + 1];
	size_t n, n2, cap, smallcap, i;

	if (size < 1)
		return 0;
	smallcap = 1 + data[0];
	in = (const char *)data + 1;
	size -= 1;

	cap = TEXT_SANITIZE_MAX(size);
	out = malloc(cap);
	again = malloc(TEXT_SANITIZE_MAX(cap));
	small = malloc(smallcap);
	if (out == NULL || again == NULL || small == NULL)
		abort();

	n = text_sanitize(in, size, out, cap);
	check_safe(out, n, cap);
	if (!text_needs_sanitize(in, size) && (n != size || memcmp(in, out, n)))
		abort();
	if (text_needs_sanitize(out, n))
		abort();
	n2 = text_sanitize(out, n, again, TEXT_SANITIZE_MAX(cap));
	if (n2 != n || memcmp(out, again, n) != 0)
		abort();        /* sanitising is idempotent */
	if (text_utf8_valid(in, size) && !text_needs_sanitize(in, size) &&
	    memchr(in, '\0', size) != NULL)
		abort();

	n2 = text_sanitize(in, size, small, smallcap);
	check_safe(small, n2, smallcap);
	if (n2 > n || memcmp(small, out, n2) != 0)
		abort();        /* a cut copy is a prefix of the whole one */

	if (text_nick_check(in, size) == TEXT_NICK_OK) {
		if (size == 0 || size > TEXT_NICK_MAX || in[0] == '/' ||
		    !text_utf8_valid(in, size))
			abort();
		for (i = 0; i < size; i++)
			if ((unsigned char)in[i] <= 0x20 || in[i] == 0x7F)
				abort();
		n = text_nick_key(in, size, key);
		if (n > 2 * size || key[n] != '\0' ||
		    strcmp(key, "server") == 0 || strcmp(key, "servidor") == 0 ||
		    strcmp(key, "***") == 0)
			abort();
		if (text_nick_fold(in, size, key) > 2 * size)
			abort();
	}
	free(out);
	free(again);
	free(small);
	return 0;
}
