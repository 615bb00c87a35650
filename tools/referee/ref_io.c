/*
 * ref_io.c — the second referee's sockets (see referee.h): what arrives is
 * split into lines and each message counted per sender, in order; what a
 * sender sends is built a chunk of messages at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "referee.h"

/* ---------------------------------------------------------------------------
 * Receiving: framing and counting
 * ------------------------------------------------------------------------ */

static void
count_line(struct referee *r, struct peer *to, const char *line)
{
	const char *m = strstr(line, "#R");
	long from, seq;

	if (strstr(line, REF_SYNC) != NULL) {
		to->synced = true;
		return;
	}
	if (m == NULL)
		return;                 /* a greeting, a join, a nickname */
	if (sscanf(m + 2, "%ld %ld", &from, &seq) != 2 || from < 0 ||
	    from >= r->senders) {
		r->garbled++;
		return;
	}
	if (seq != to->next[from])
		r->disorder++;
	to->next[from] = seq + 1;
	to->got++;
}

/* Split what arrived into lines; a line longer than REF_LINE is garbled. */
static void
frame(struct referee *r, struct peer *to, const char *data, size_t n)
{
	const char *nl;
	size_t take;

	while (n > 0) {
		nl = memchr(data, '\n', n);
		take = nl != NULL ? (size_t)(nl - data) : n;
		if (!to->overlong && to->len + take < sizeof(to->line)) {
			memcpy(to->line + to->len, data, take);
			to->len += take;
		} else if (!to->overlong) {
			to->overlong = true;
			r->garbled++;
		}
		if (nl == NULL)
			return;
		if (!to->overlong) {
			to->line[to->len] = '\0';
			count_line(r, to, to->line);
		}
		to->len = 0;
		to->overlong = false;
		data += take + 1;
		n -= take + 1;
	}
}

int
ref_drain(struct referee *r, struct peer *to)
{
	char buf[65536];
	ssize_t n;
	int got = 0;

	for (;;) {
		n = recv(to->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			frame(r, to, buf, (size_t)n);
			got = 1;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return got;
		} else {
			to->open = false;
			close(to->fd);
			return -1;
		}
	}
}

/* ---------------------------------------------------------------------------
 * Sending
 * ------------------------------------------------------------------------ */

/* Fill the sender's buffer with its next messages, up to REF_CHUNK. */
static void
refill(struct referee *r, struct peer *s, int id)
{
	size_t at = 0;
	int n;

	while (s->sent < r->messages && at + (size_t)r->size <= REF_CHUNK) {
		n = snprintf(s->out + at, (size_t)r->size, "#R%d %ld ", id,
		             s->sent);
		if (n < 0 || n >= r->size - 1)
			n = 0;          /* too small for its header: never */
		memset(s->out + at + n, 'x', (size_t)(r->size - 1 - n));
		s->out[at + (size_t)r->size - 1] = '\n';
		at += (size_t)r->size;
		s->sent++;
	}
	s->out_off = 0;
	s->out_len = at;
}

bool
ref_blast(struct referee *r, struct peer *s, int id)
{
	ssize_t n;

	while (s->open) {
		if (s->out_len == 0)
			refill(r, s, id);
		if (s->out_len == 0)
			return false;
		n = send(s->fd, s->out + s->out_off, s->out_len,
		         MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n < 0) {
			s->open = false;
			close(s->fd);
			return false;
		}
		s->out_off += (size_t)n;
		s->out_len -= (size_t)n;
		s->bytes_out += (size_t)n;
	}
	return false;
}

int
ref_say(struct peer *p, const char *text)
{
	size_t len = strlen(text), off = 0;
	ssize_t n;

	while (off < len) {
		n = send(p->fd, text + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}
