/*
 * referee.h — the second referee's clients: framing and counting what they
 * receive, blasting what they send (ref_io.c); the run is in referee.c.
 */
#ifndef REDCHAT_REFEREE_H
#define REDCHAT_REFEREE_H

#include <stdbool.h>
#include <stddef.h>

#define REF_LINE   4096         /* longest line a receiver keeps */
#define REF_CHUNK  65536        /* bytes a sender builds at a time */
#define REF_SYNC   "#S sync"

struct peer {
	int       fd;
	bool      open;
	bool      synced;
	bool      blasting;         /* a sender with messages still to send */
	char      line[REF_LINE];   /* the line being received */
	size_t    len;
	bool      overlong;         /* skipping to the next newline */
	long      got;              /* messages received */
	long     *next;             /* per sender: the sequence expected */
	long      sent;             /* messages queued to send (senders) */
	char     *out;              /* bytes waiting to be sent */
	size_t    out_off, out_len;
	size_t    bytes_out;        /* sent so far */
};

struct referee {
	struct peer *p;
	int          n, senders, ep;
	long         messages, size, pid;
	double       wait_s;
	long         disorder, garbled;
	bool         json;
};

/* Read until the socket is empty, framing and counting each line. 1 if
 * bytes came, 0 if none, -1 if the connection closed (then closed here). */
int ref_drain(struct referee *r, struct peer *to);
/* Send sender id's next messages while the socket takes them. true while
 * there is more to send. */
bool ref_blast(struct referee *r, struct peer *s, int id);
/* Send one short line (a nickname, a sync line), blocking. 0 or -1. */
int ref_say(struct peer *p, const char *text);

#endif
