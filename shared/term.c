/*
 * term.c — the clients' screen and keyboard: libedit on a terminal, plain
 * lines on a pipe, and the one place where received text meets the screen
 * (escaped, coloured, time-stamped). The connection loop is in client.c.
 */
#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "catalog.h"
#include "msg.h"
#include "term.h"
#include "text.h"

#define TERM_SHOW_MAX  8192 /* bytes of one received line shown (UDP) */
#define TERM_HISTORY   500  /* lines kept for the up arrow */

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

struct term {
	bool              interactive;
	bool              color;
	bool              timestamps;
	bool              hidden;     /* input line taken off the screen */
	/* terminal mode */
	EditLine         *el;
	History          *hist;
	char              prompt[64];
	char             *line;       /* the last line typed, a copy */
	size_t            line_cap;
	/* pipe mode */
	struct msg_framer framer;
	char              in[4096];
	const char       *in_pos;
	size_t            in_len;
	bool              eof;
	/* output */
	char              text[TEXT_SANITIZE_MAX(TERM_SHOW_MAX)];
};

/* ---------------------------------------------------------------------------
 * Drawing helpers
 * ------------------------------------------------------------------------ */

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

/* Take the prompt and the half-typed line off the screen. */
static void
erase_input(struct term *t)
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

/* Start a new, empty input line: libedit does this only on its own in
 * buffered mode, so unbuffered mode is switched off and on. */
static void
new_input(struct term *t)
{
	fflush(stdout);
	el_set(t->el, EL_UNBUFFERED, 0);
	el_set(t->el, EL_UNBUFFERED, 1);
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

/* ---------------------------------------------------------------------------
 * Terminal mode: libedit
 * ------------------------------------------------------------------------ */

static char *
prompt_fn(EditLine *el)
{
	struct term *t = NULL;

	el_get(el, EL_CLIENTDATA, &t);
	return t != NULL ? t->prompt : "";
}

static int
edit_init(struct term *t, char *err)
{
	HistEvent ev;

	/* libedit decodes keys with the locale: UTF-8 accents need one. */
	if (setlocale(LC_CTYPE, "") == NULL || MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");
	if ((t->el = el_init("redchat", stdin, stdout, stderr)) == NULL ||
	    (t->hist = history_init()) == NULL) {
		snprintf(err, TERM_ERR_LEN, "libedit: %s", strerror(errno));
		return -1;
	}
	history(t->hist, &ev, H_SETSIZE, TERM_HISTORY);
	history(t->hist, &ev, H_SETUNIQUE, 1);
	el_set(t->el, EL_CLIENTDATA, t);
	el_set(t->el, EL_EDITOR, "emacs");
	el_set(t->el, EL_HIST, history, t->hist);
	el_set(t->el, EL_PROMPT, prompt_fn);
	el_source(t->el, NULL);             /* the user's ~/.editrc, if any */
	el_set(t->el, EL_UNBUFFERED, 1);    /* also draws the first prompt */
	return 0;
}

/* One key has arrived: let libedit handle it; a finished line is copied
 * to t->line and shown again as the user's own. */
static enum term_read
edit_read(struct term *t, const char **line, size_t *len)
{
	const LineInfo *li;
	const char *buf;
	size_t n, cols;
	HistEvent ev;
	int count;

	/* Unbuffered, el_gets() returns after every key. What it returns is
	 * not cut at the line's end, so the line is taken from el_line(). */
	if (el_gets(t->el, &count) == NULL)
		return count < 0 && errno != 0 && errno != EINTR &&
		       errno != EAGAIN ? TERM_ERROR : TERM_NONE;
	li = el_line(t->el);
	buf = li->buffer;
	n = (size_t)(li->lastchar - li->buffer);
	if (n == 1 && buf[0] == 4)      /* Ctrl-D on an empty line */
		return TERM_EOF;
	if (n == 0 || buf[n - 1] != '\n')
		return TERM_NONE;       /* still typing */
	n--;
	if (n + 1 > t->line_cap) {
		char *p = realloc(t->line, n + 1);
		if (p == NULL)
			return TERM_NONE;
		t->line = p;
		t->line_cap = n + 1;
	}
	memcpy(t->line, buf, n);
	t->line[n] = '\0';
	if (n > 0)
		history(t->hist, &ev, H_ENTER, t->line);

	/* libedit left the cursor below what was typed: replace those rows
	 * with the line as the others will read it, stamped and coloured. */
	cols = width_mb(t->prompt, strlen(t->prompt)) + width_mb(t->line, n);
	printf("\033[%zuA", cols / columns() + 1);
	erase_from(0);
	put_stamp(t);
	if (t->color)
		fputs(C_OWN, stdout);
	fputs(t->prompt, stdout);
	put_safe(t, NULL, t->line, n);
	if (t->color)
		fputs(C_RESET, stdout);
	fputc('\n', stdout);
	new_input(t);
	*line = t->line;
	*len = n;
	return TERM_LINE;
}

/* ---------------------------------------------------------------------------
 * Pipe mode: lines framed as on the wire
 * ------------------------------------------------------------------------ */

static enum term_read
pipe_read(struct term *t, bool readable, const char **line, size_t *len)
{
	ssize_t n;

	for (;;) {
		switch (msg_framer_next(&t->framer, &t->in_pos, &t->in_len, line,
		                        len)) {
		case MSG_FRAME_LINE:
			return TERM_LINE;
		case MSG_FRAME_TOO_LONG:
			return TERM_TOO_LONG;
		case MSG_FRAME_MORE:
			break;
		}
		if (t->eof)
			return TERM_EOF;
		if (!readable)
			return TERM_NONE;
		readable = false;       /* one read per call: never block */
		n = read(STDIN_FILENO, t->in, sizeof(t->in));
		if (n < 0)
			return errno == EINTR || errno == EAGAIN ? TERM_NONE
			                                         : TERM_ERROR;
		if (n == 0) {
			/* A last line without its newline still counts. */
			t->eof = true;
			t->in_pos = "\n";
			t->in_len = t->framer.len > 0 ? 1 : 0;
			continue;
		}
		t->in_pos = t->in;
		t->in_len = (size_t)n;
	}
}

/* ---------------------------------------------------------------------------
 * Public interface
 * ------------------------------------------------------------------------ */

struct term *
term_new(bool color, bool timestamps, char *err)
{
	struct term *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		snprintf(err, TERM_ERR_LEN, "%s", strerror(errno));
		return NULL;
	}
	t->color = color;
	t->timestamps = timestamps;
	t->interactive = isatty(STDIN_FILENO);
	snprintf(t->prompt, sizeof(t->prompt), "%s",
	         TR("nickname: ", "apodo: "));
	if (t->interactive && edit_init(t, err) < 0) {
		term_free(t);
		return NULL;
	}
	return t;
}

void
term_free(struct term *t)
{
	if (t == NULL)
		return;
	if (t->el != NULL) {
		if (!t->hidden)
			erase_input(t);
		fflush(stdout);
		el_end(t->el);          /* gives the tty back as it was */
	}
	if (t->hist != NULL)
		history_end(t->hist);
	msg_framer_free(&t->framer);
	free(t->line);
	free(t);
}

bool
term_interactive(const struct term *t)
{
	return t->interactive;
}

void
term_prompt(struct term *t, const char *nick)
{
	if (!t->interactive)
		return;
	if (!t->hidden)
		erase_input(t);
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
	erase_input(t);
	fflush(stdout);
	t->hidden = true;
}

enum term_read
term_read(struct term *t, bool readable, const char **line, size_t *len)
{
	if (t->interactive)
		return readable ? edit_read(t, line, len) : TERM_NONE;
	return pipe_read(t, readable, line, len);
}

bool
term_buffered(const struct term *t)
{
	return !t->interactive && (t->in_len > 0 || t->eof);
}

void
term_show(struct term *t, const struct reply *r, const char *line,
          size_t len)
{
	const char *col = NULL;
	size_t n;

	if (t->interactive && !t->hidden)
		erase_input(t);
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
	char buf[512];
	va_list ap;
	int n;

	memcpy(buf, "*** ", 4);
	va_start(ap, fmt);
	n = vsnprintf(buf + 4, sizeof(buf) - 4, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n = n + 4 < (int)sizeof(buf) ? n + 4 : (int)sizeof(buf) - 1;
	term_show(t, &r, buf, (size_t)n);
}

void
term_resize(struct term *t)
{
	if (t->el != NULL)
		el_resize(t->el);
}
