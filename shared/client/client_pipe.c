/*
 * client_pipe.c — piped input over TCP: nothing the user piped in is lost.
 * The server may read a sender slowly (its rate limit) and TCP's flow
 * control then holds the lines back, in our socket and in the server's;
 * a client that closed then would reset the connection and the server would
 * lose what it had not read. So after the input ends the client stays while
 * the server keeps reading, says so on a terminal, and only leaves once the
 * server has read every line; if the server stops reading for
 * CLIENT_STALL_US, or closes first, it says how many lines were not
 * delivered. How far the server has read comes from two places: the bytes
 * our kernel still holds unacknowledged (the transport's ledger, SIOCOUTQ),
 * and, with a redchat server, markers: a hidden "/ping mN" after every
 * CLIENT_MARK_LINES lines, whose pong means the server has read N lines
 * (it handles a client's lines in order).
 */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "catalog.h"
#include "client.h"
#include "client_impl.h"
#include "term.h"

/* "8,300" (English) or "8.300" (Spanish) into out. */
static const char *
count_text(uint64_t n, char *out, size_t len)
{
	char digits[24];
	size_t nd, i, o = 0;

	nd = (size_t)snprintf(digits, sizeof(digits), "%" PRIu64, n);
	for (i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[o++] = TR(",", ".")[0];
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

/* Piped input over a stream: the only case this file handles. */
static bool
piped_stream(const struct client *c)
{
	return c->tr->unacked != NULL && !term_interactive(c->term);
}

/* Send the marker for the lines sent so far. */
static void
mark(struct client *c)
{
	char msg[40];
	int n;

	c->pipe.marked = c->pipe.lines;
	n = snprintf(msg, sizeof(msg), "/ping m%" PRIu64, c->pipe.lines);
	client_send_msg(c, msg, (size_t)n);
}

void
client_pipe_accepted(struct client *c)
{
	if (piped_stream(c))
		c->pipe.marks = true;   /* a redchat server: it answers /ping */
}

void
client_pipe_sent(struct client *c)
{
	if (!piped_stream(c))
		return;
	if (!c->pipe.owed) {            /* the stall clock starts now */
		c->pipe.owed = true;
		c->pipe.progress = client_now();
	}
	c->pipe.lines++;
	if (c->pipe.marks && c->pipe.lines - c->pipe.marked >= CLIENT_MARK_LINES)
		mark(c);
}

void
client_pipe_ended(struct client *c)
{
	c->pipe.progress = client_now();
	if (c->pipe.marks && c->pipe.marked < c->pipe.lines)
		mark(c);
}

bool
client_pipe_pong(struct client *c, uint64_t n)
{
	if (n > c->pipe.lines)
		return false;
	if (n > c->pipe.read) {
		c->pipe.read = n;
		c->pipe.progress = client_now();
	}
	return true;
}

uint64_t
client_pipe_unread(struct client *c)
{
	size_t bytes, lines;

	if (!piped_stream(c))
		return 0;
	lines = c->tr->unacked(c->tr->state, c->fd, &bytes);
	if (bytes < c->pipe.unacked)
		c->pipe.progress = client_now();     /* the server took some */
	c->pipe.unacked = bytes;
	if (c->pipe.marks)
		return c->pipe.lines - c->pipe.read;
	return lines;
}

/* "waiting for the server to read 8,300 more lines (it reads 100 a
 * second)", redrawn in place on stderr when it is a terminal. */
/* Lines read a second, over the last few seconds (a sample a second);
 * 0 until there are two samples. */
static uint64_t
rate(struct client *c, uint64_t done, int64_t now)
{
	struct client_pipe *p = &c->pipe;
	unsigned i = p->samples % CLIENT_RATE_SAMPLES, old;
	double secs;

	p->at[i] = now;
	p->done[i] = done;
	p->samples++;
	if (p->samples < 2)
		return 0;
	old = p->samples < CLIENT_RATE_SAMPLES ? 0 : p->samples % CLIENT_RATE_SAMPLES;
	secs = (double)(now - p->at[old]) / 1e6;
	return secs > 0 ? (uint64_t)((double)(done - p->done[old]) / secs + 0.5) : 0;
}

static void
progress_line(struct client *c, uint64_t unread, int64_t now)
{
	uint64_t per_s = rate(c, c->pipe.lines - unread, now);
	char n[32], r[32];

	if (!isatty(STDERR_FILENO))
		return;
	c->pipe.shown = now;
	fprintf(stderr, TR("\r%s: waiting for the server to read %s more %s",
	                   "\r%s: esperando a que el servidor lea %s %s más"),
	        c->tr->prog, count_text(unread, n, sizeof(n)),
	        TRN(unread, "line", "lines", "línea", "líneas"));
	if (per_s > 0)
		fprintf(stderr, TR(" (it reads %s a second)",
		                   " (lee %s por segundo)"),
		        count_text(per_s, r, sizeof(r)));
	fprintf(stderr, "\033[K");
	fflush(stderr);
}

static void
progress_clear(struct client *c)
{
	if (c->pipe.shown == 0)
		return;
	c->pipe.shown = 0;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

int64_t
client_pipe_timers(struct client *c, int64_t now)
{
	uint64_t unread = client_pipe_unread(c);
	char n[32];

	if (unread == 0) {
		c->pipe.owed = false;
		c->pipe.progress = now;
		progress_clear(c);
		return INT64_MAX;
	}
	if (now - c->pipe.progress >= CLIENT_STALL_US) {
		progress_clear(c);
		client_finish(c, CLIENT_LOST, TR("the server %s has read nothing "
		              "for %d s: %s of your lines were not delivered",
		              "el servidor %s no ha leído nada en %d s: %s de "
		              "tus líneas no se entregaron"), c->where,
		              (int)(CLIENT_STALL_US / 1000000),
		              count_text(unread, n, sizeof(n)));
		return now;
	}
	if (c->state == CLIENT_DRAINING &&
	    now - c->pipe.shown >= CLIENT_PROGRESS_US)
		progress_line(c, unread, now);
	now += CLIENT_PROGRESS_US;
	return now < c->pipe.progress + CLIENT_STALL_US
	       ? now : c->pipe.progress + CLIENT_STALL_US;
}

bool
client_pipe_lost(struct client *c, const char *why)
{
	uint64_t unread = client_pipe_unread(c);
	char n[32];

	progress_clear(c);
	if (unread == 0)
		return false;
	client_finish(c, CLIENT_LOST, TR("%s: %s of your lines were not "
	              "delivered", "%s: %s de tus líneas no se entregaron"),
	              why, count_text(unread, n, sizeof(n)));
	return true;
}
