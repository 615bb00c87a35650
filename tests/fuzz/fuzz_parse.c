/*
 * fuzz_parse.c — libFuzzer target for the message parser (msg_parse in
 * shared/wire/msg.c): any bytes give one of the kinds, and every pointer it
 * returns stays inside the line, with a length that fits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* p[0..n) lies inside line[0..len), or p is NULL with n == 0. */
static void
inside(const char *line, size_t len, const char *p, size_t n)
{
	if (p == NULL) {
		if (n != 0)
			abort();
		return;
	}
	if (p < line || p > line + len || n > (size_t)(line + len - p))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);  /* exact size: ASan sees overruns */
	struct msg m;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	msg_parse(line, size, &m);
	if ((unsigned)m.kind > MSG_UNKNOWN || msg_kind_name(m.kind) == NULL)
		abort();
	inside(line, size, m.cmd, m.cmd_len);
	inside(line, size, m.arg, m.arg_len);
	inside(line, size, m.text, m.text_len);
	if (m.kind == MSG_CHAT && m.arg == NULL)
		abort();
	if (m.cmd != NULL && (m.cmd_len == 0 || m.cmd[0] != '/'))
		abort();
	if (m.kind == MSG_PRIVATE && m.text != NULL && m.arg == NULL)
		abort();
	if (m.arg != NULL && m.kind != MSG_CHAT && m.kind != MSG_QUIT &&
	    (m.arg_len == 0 || m.arg[0] == ' ' || m.arg[0] == '\t'))
		abort();        /* arguments start after the blanks */
	free(line);
	return 0;
}
