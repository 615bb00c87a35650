/*
 * term_impl.h — what the two halves of the clients' terminal share: the
 * state (struct term), and the calls from the keyboard's side (term.c) to
 * the screen's (term_draw.c). Not for the programs: they see term.h only.
 */
#ifndef REDCHAT_TERM_IMPL_H
#define REDCHAT_TERM_IMPL_H

#include <histedit.h>
#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
#include "term.h"
#include "text.h"

#define TERM_SHOW_MAX  8192 /* bytes of one received line shown (UDP) */

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

/* Take the prompt and the half-typed line off the screen. */
void term_erase_input(struct term *t);

/* Terminal mode: the line just typed, line[0..len), shown again as the
 * user's own in place of what libedit drew, then a new line. */
void term_draw_own(struct term *t, const char *line, size_t len);

#endif
