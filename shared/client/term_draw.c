/*
 * term_draw.c — the clients' screen: the one place where received text
 * meets the screen (escaped, coloured, time-stamped), and the prompt and
 * half-typed line taken off the screen and drawn again around it. The
 * keyboard is term.c.
 */
#include <histedit.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "catalog.h"
#include "term_impl.h"

/* SGR colours (ECMA-48). Nicknames get one of PALETTE, always the same. */
#define C_RESET   "\033[0m"
#define C_TIME    "\033[2m"
#define C_NOTICE  "\033[33m"
#define C_ERROR   "\033[1;31m"
#define C_PRIVATE "\033[35m"
#define C_OWN     "\033[1m"
static const char *const palette[] = {
	"\033[32m", "\033[34m", "\033[36m", "\033[91m",
	"\033[92m", "\033[94m", "\033[95m", "\033[96m",
};

/* Columns a multibyte string takes on screen (1 for what is unknown). */
static size_t
width_mb(const char *s, size_t len)
{
	mbstate_t st;
	size_t n, cols = 0;
	wchar_t wc;
	int w;

	memset(&st, 0, sizeof(st));
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			n = 1;
			w = 1;
		} else {
			if (n == 0)
				n = 1;
			w = wcwidth(wc);
		}
		cols += w > 0 ? (size_t)w : 0;
		s += n;
		len -= n;
	}
	return cols;
}

static size_t
columns(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Move the cursor from `col` columns after the prompt's start back to the
 * start of the prompt's row, and clear everything below. */
static void
erase_from(size_t col)
{
	size_t up = col / columns();

	if (up > 0)
		printf("\033[%zuA", up);
	fputs("\r\033[J", stdout);
}

void
term_erase_input(struct term *t)
{
	const LineInfoW *li = el_wline(t->el);
	size_t col = width_mb(t->prompt, strlen(t->prompt));
	const wchar_t *p;
	int w;

	for (p = li->buffer; p < li->cursor; p++)
		if ((w = wcwidth(*p)) > 0)
			col += (size_t)w;
	erase_from(col);
}

/* Draw the prompt and the typed text again on the current (empty) row. */
static void
redraw_input(struct term *t)
{
	fflush(stdout);
	el_set(t->el, EL_REFRESH);
}

static const char *
nick_color(const char *nick, size_t len)
{
	unsigned long h = 2166136261u;  /* FNV-1a on the ASCII-lowered name */
	unsigned char c;

	while (len-- > 0) {
		c = (unsigned char)*nick++;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return palette[h % (sizeof(palette) / sizeof(palette[0]))];
}

static void
put_stamp(struct term *t)
{
	char buf[16];
	struct tm tm;
	time_t now;

	if (!t->timestamps)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "[%H:%M:%S] ", &tm);
	printf("%s%s%s", t->color ? C_TIME : "", buf, t->color ? C_RESET : "");
}

/* Print s[0..len) escaped, in colour col (NULL: none). */
static void
put_safe(struct term *t, const char *col, const char *s, size_t len)
{
	size_t n = text_sanitize(s, len, t->text, sizeof(t->text));

	if (col != NULL && t->color)
		fputs(col, stdout);
	fwrite(t->text, 1, n, stdout);
	if (col != NULL && t->color)
		fputs(C_RESET, stdout);
}

/* libedit left the cursor below what was typed: replace those rows with
 * the line as the others will read it, stamped and coloured. */
void
term_draw_own(struct term *t, const char *line, size_t len)
{
	size_t cols;

	cols = width_mb(t->prompt, strlen(t->prompt)) + width_mb(line, len);
	printf("\033[%zuA", cols / columns() + 1);
	erase_from(0);
	put_stamp(t);
	if (t->color)
		fputs(C_OWN, stdout);
	fputs(t->prompt, stdout);
	put_safe(t, NULL, line, len);
	if (t->color)
		fputs(C_RESET, stdout);
	fputc('\n', stdout);
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

void
term_prompt(struct term *t, const char *nick)
{
	if (!t->interactive)
		return;
	if (!t->hidden)
		term_erase_input(t);
	if (nick != NULL)
		snprintf(t->prompt, sizeof(t->prompt), "%s> ", nick);
	else
		snprintf(t->prompt, sizeof(t->prompt), "%s",
		         TR("nickname: ", "apodo: "));
	t->hidden = false;
	redraw_input(t);
}

void
term_hide(struct term *t)
{
	if (!t->interactive || t->hidden)
		return;
	term_erase_input(t);
	fflush(stdout);
	t->hidden = true;
}

void
term_show(struct term *t, const struct reply *r, const char *line,
          size_t len)
{
	const char *col = NULL;
	size_t n;

	if (t->interactive && !t->hidden)
		term_erase_input(t);
	put_stamp(t);
	switch (r->kind) {
	case REPLY_CHAT:
	case REPLY_ACTION:
		n = (size_t)(r->nick - line) + r->nick_len;
		put_safe(t, NULL, line, (size_t)(r->nick - line));
		put_safe(t, nick_color(r->nick, r->nick_len), r->nick,
		         r->nick_len);
		put_safe(t, NULL, line + n, len - n);
		break;
	case REPLY_PRIVATE:
		col = C_PRIVATE;
		break;
	case REPLY_ERROR:
	case REPLY_KICKED:
		col = C_ERROR;
		break;
	case REPLY_OTHER:
		break;
	default:
		col = C_NOTICE;
		break;
	}
	if (r->kind != REPLY_CHAT && r->kind != REPLY_ACTION)
		put_safe(t, col, line, len);
	fputc('\n', stdout);
	if (t->interactive && !t->hidden)
		redraw_input(t);
	fflush(stdout);
}

void
term_note(struct term *t, const char *fmt, ...)
{
	struct reply r = { .kind = REPLY_NOTICE };
	char buf[512], *text = buf;
	size_t len;
	va_list ap;
	int n;

	memcpy(buf, "*** ", 4);
	va_start(ap, fmt);
	n = vsnprintf(buf + 4, sizeof(buf) - 4, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = (size_t)n + 4;
	if (len >= sizeof(buf)) {       /* longer than buf: never cut it */
		text = malloc(len + 1);
		if (text != NULL) {
			memcpy(text, "*** ", 4);
			va_start(ap, fmt);
			vsnprintf(text + 4, len - 3, fmt, ap);
			va_end(ap);
		} else {                /* out of memory: what fits */
			text = buf;
			len = sizeof(buf) - 1;
		}
	}
	term_show(t, &r, text, len);
	if (text != buf)
		free(text);
}
