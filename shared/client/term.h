/*
 * term.h — the chat clients' screen and keyboard. Two modes, chosen by
 * whether stdin is a terminal:
 *
 *   terminal  libedit in unbuffered mode, so the program can poll stdin and
 *             the socket together; an incoming line erases the line being
 *             typed, is printed, and the prompt and typed text come back.
 *             History, colours, [HH:MM:SS] stamps.
 *   pipe      lines from stdin, framed like the wire protocol; received
 *             lines printed plainly, one per line, for scripts and tests.
 *
 * In both modes every received line is passed through text_sanitize(), so
 * nothing a peer sends can move the cursor, clear the screen or retitle
 * the window. No sockets here.
 */
#ifndef REDCHAT_TERM_H
#define REDCHAT_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "reply.h"

#define TERM_ERR_LEN 256

struct term;

enum term_read {
	TERM_NONE,     /* nothing complete yet: poll again */
	TERM_LINE,     /* *line holds one line, without its newline */
	TERM_EOF,      /* end of input (Ctrl-D, or the pipe closed) */
	TERM_TOO_LONG, /* a line over MSG_MAX bytes was dropped (pipe mode) */
	TERM_ERROR,    /* reading stdin failed: errno says why */
};

/*
 * Set up stdin/stdout: terminal mode when stdin is a tty, else pipe mode.
 * color and timestamps style every line shown. Returns the term, or NULL
 * with err (TERM_ERR_LEN bytes) filled. In terminal mode the tty is in raw
 * mode until term_free().
 */
struct term *term_new(bool color, bool timestamps, char *err);

/* Restore the terminal and free t. NULL is allowed. */
void term_free(struct term *t);

bool term_interactive(const struct term *t);

/* The prompt: "NICK> ", or a request for the nickname when nick is NULL.
 * Also shows the input line again after term_hide(). */
void term_prompt(struct term *t, const char *nick);

/* Take the input line off the screen for good (the client is leaving). */
void term_hide(struct term *t);

/*
 * Read input. readable says whether poll() reported stdin readable; when
 * false only lines already read are handed out (see term_buffered). On
 * TERM_LINE, *line stays valid until the next call. In terminal mode the
 * line typed is redrawn as the user's own line, and added to the history.
 */
enum term_read term_read(struct term *t, bool readable, const char **line,
                         size_t *len);

/* Pipe mode: complete lines wait in the buffer (no poll needed). */
bool term_buffered(const struct term *t);

/* Show one line from the server, styled by its classification r. */
void term_show(struct term *t, const struct reply *r, const char *line,
               size_t len);

/* Show a line of the client's own, styled as a notice ("*** " added). */
void term_note(struct term *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The terminal changed size (SIGWINCH). */
void term_resize(struct term *t);

#endif
