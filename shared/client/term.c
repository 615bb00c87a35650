/*
 * term.c — the clients' keyboard: libedit on a terminal, plain lines on a
 * pipe, and the terminal set up and given back. What reaches the screen
 * is drawn by term_draw.c. The connection loop is in client_loop.c.
 */
#include <errno.h>
#include <histedit.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "term_impl.h"

#define TERM_HISTORY   500  /* lines kept for the up arrow */

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

/* Start a new, empty input line: libedit does this only on its own in
 * buffered mode, so unbuffered mode is switched off and on. */
static void
new_input(struct term *t)
{
	fflush(stdout);
	el_set(t->el, EL_UNBUFFERED, 0);
	el_set(t->el, EL_UNBUFFERED, 1);
}

/* One key has arrived: let libedit handle it; a finished line is copied
 * to t->line and shown again as the user's own. */
static enum term_read
edit_read(struct term *t, const char **line, size_t *len)
{
	const LineInfo *li;
	const char *buf;
	size_t n;
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

	term_draw_own(t, t->line, n);
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
			term_erase_input(t);
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
term_resize(struct term *t)
{
	if (t->el != NULL)
		el_resize(t->el);
}
