/*
 * check_room.h — a room of test clients for one test: open them, join them
 * one after another, say lines, and close them all.
 */
#ifndef REDCHAT_CHECK_ROOM_H
#define REDCHAT_CHECK_ROOM_H

#include "check.h"
#include "check_probe.h"

#define CROOM_GAP_MS  60         /* between two lines a test sends apart */
#define CROOM_TP42_MS 500        /* between two sends of a person typing */

/* n clients, each with a new nickname, joined in order (redchat: the
 * nickname on a line; tp42: alone, without a newline, then a pause; each
 * after the first also waits until the first is told of it, when the
 * server tells joins at all). Act as P[1] or later where the name must
 * have been read before what is sent next.
 * Returns the array, or NULL with out filled (the server refused). */
struct probe *croom_open(struct check_ctx *ctx, size_t n, bool tp42,
                        struct check_out *out);
void croom_close(struct probe *P, size_t n);

/* One more client, connected but without a nickname. NULL with out filled
 * when it cannot connect. */
struct probe *croom_guest(struct check_ctx *ctx, struct check_out *out);
void croom_leave(struct probe *p);

/* Send text and "\n" in one send, then wait CROOM_GAP_MS so the next line
 * leaves in a segment of its own. Returns 0 or -1. */
int croom_say(struct probe *p, const char *text);

/* tp42: text alone in one send, then CROOM_TP42_MS. */
int croom_type(struct probe *p, const char *text);

/* Wait for a notice ("*** " first) naming nick: 1, 0 or -1. */
int croom_notice(struct probe *p, const char *nick, unsigned ms);

/* p must see exactly "NICK: TEXT"; else out is filled as a failure of
 * what was sent. */
bool croom_sees(struct probe *p, const char *nick, const char *text,
               const char *sent, struct check_out *out);

/* Fill out as a failure "expected X" with what p has seen lately (and
 * that the server closed the connection, when it did). */
void croom_fail(struct check_out *out, const char *sent, const char *expected,
               const struct probe *p);

/* Fill out as a failure: the connection was expected to close, and is
 * still open after ms (with what p received last). */
void croom_still_open(struct check_out *out, const char *sent, unsigned ms,
                      const struct probe *p);

/* True when p's last line holds no control byte but tab; else out is
 * filled as a failure of sent (len bytes). */
bool croom_clean(const struct probe *p, const char *sent, size_t len,
                struct check_out *out);

/* p's nickname in capitals, into out (cut to outlen - 1 bytes). */
void croom_upper(const struct probe *p, char *out, size_t outlen);

/* True when no line containing s arrives at p within ms (else out filled). */
bool croom_quiet(struct probe *p, const char *s, unsigned ms,
                const char *sent, struct check_out *out);

#endif
