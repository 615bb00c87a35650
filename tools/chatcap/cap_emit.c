/*
 * cap_emit.c — writing each packet's explanation (cap_emit.h).
 */
#include <string.h>

#include "catalog.h"
#include "cap_emit.h"
#include "cap_json.h"
#include "cap_text.h"

/* The words added to the line of a segment that turned out lost. */
static void
lost_words(const struct cap_out *o, struct cap_line *l, uint64_t resent_in)
{
	cap_line_str(l, cap_color(o, CAP_C_PROBLEM));
	cap_line_fmt(l, TR(" [LOST: sent again in packet %llu]",
	                   " [PERDIDO: se reenv\u00eda en el paquete %llu]"),
	             (unsigned long long)resent_in);
	cap_line_str(l, cap_color(o, CAP_C_RESET));
}

/* Write one packet's output: l (text or JSON, no newline) and the pcapng
 * record with its comment; marked lost when lost. */
static void
write_out(struct cap_emit *e, const char *line, size_t len,
          const char *comment, size_t clen, const struct pcap_pkthdr *h,
          const uint8_t *bytes, bool lost, uint64_t resent_in)
{
	struct cap_line *l = &e->line;

	if ((e->text || e->json) && lost) {          /* the words added */
		cap_line_clear(l);
		cap_line_mem(l, line, len);
		if (e->json) {
			l->n--;                          /* the closing brace */
			cap_line_fmt(l, ",\"lost\":true,\"resent_in\":%llu}",
			             (unsigned long long)resent_in);
		} else {
			lost_words(&e->out, l, resent_in);
		}
		line = l->buf;
		len = l->n;
	}
	if (e->json) {
		fwrite_unlocked(line, 1, len, e->out.f);
		fputc_unlocked('\n', e->out.f);
	} else if (e->text && len > 0) {
		cap_out_emit(&e->out, line, len);
	}
	if ((e->ng.f != NULL && h != NULL) || e->explain != NULL) {
		cap_line_clear(l);
		cap_line_mem(l, comment, clen);
		if (lost)
			lost_words(&e->plain, l, resent_in);
		if (e->explain != NULL) {         /* --html: the words too */
			cap_json_string(e->explain, l->buf, l->n);
			fputc_unlocked('\n', e->explain);
		}
		if (e->ng.f != NULL && h != NULL &&
		    cap_pcapng_write(&e->ng, h, bytes, l->buf, l->n) < 0)
			e->error = true;
	}
}

static void
release(struct cap_emit *e, struct cap_held *x)
{
	write_out(e, cap_hold_line(&e->q, x), x->line_len,
	          cap_hold_comment(&e->q, x), x->comment_len,
	          x->has_packet ? &x->h : NULL, cap_hold_bytes(&e->q, x),
	          x->lost, x->resent_in);
}

int
cap_emit_packet(struct cap_emit *e, uint64_t n, int64_t rel_us,
                const struct pcap_pkthdr *h, const uint8_t *bytes,
                const struct cap_packet *p, const struct cap_event *ev)
{
	struct cap_line *l = &e->line, *c = &e->comment;
	bool save = e->ng.f != NULL;   /* every packet: the file's numbers
	                                * are the ones its comments use */
	bool words = save || e->explain != NULL;
	struct cap_held *x;

	if (!e->text && !e->json && !save)
		return 0;
	if (ev->what == CAP_EV_OTHER && !e->json && !save)
		return 0;
	if (e->hold) {
		/* A retransmission marks the packet that first sent its
		 * bytes; the oldest waiting packet is written if the ring is
		 * full. Both before this packet's lines are built: writing
		 * uses the same line buffers. */
		if (ev->retransmission && ev->ana.resent_frame != 0 &&
		    (ev->ana.flags & CAP_A_RETRANSMISSION) &&
		    !(ev->ana.flags & CAP_A_SPURIOUS_RETRANS))
			cap_hold_mark(&e->q, ev->ana.resent_frame, n);
		if ((x = cap_hold_full(&e->q)) != NULL) {
			release(e, x);
			cap_hold_pop(&e->q);
		}
	}
	cap_line_clear(l);
	if (e->json)
		cap_json_packet(&e->out, l, n, rel_us, p, ev, h->caplen, h->len);
	else if (e->text && ev->what != CAP_EV_OTHER)
		cap_text_packet(&e->out, l, n, rel_us, p, ev, h->caplen, h->len);
	cap_line_clear(c);
	if (words)
		cap_text_packet(&e->plain, c, n, rel_us, p, ev, h->caplen, h->len);
	if (save && e->note != NULL && e->note->n > 0) {
		cap_line_ch(c, '\n');
		cap_line_mem(c, e->note->buf, e->note->n);
		cap_line_clear(e->note);
	}
	if (!e->hold) {
		write_out(e, l->buf, l->n, c->buf, c->n, save ? h : NULL, bytes,
		          false, 0);
		return 0;
	}
	if ((x = cap_hold_add(&e->q, n, l->buf, l->n, c->buf, c->n, bytes,
	                      save ? h->caplen : 0)) == NULL)
		return -1;
	x->has_packet = save;
	if (save)
		x->h = *h;
	return 0;
}

void
cap_emit_flush(struct cap_emit *e)
{
	struct cap_held *x;

	while ((x = cap_hold_oldest(&e->q)) != NULL) {
		release(e, x);
		cap_hold_pop(&e->q);
	}
}

void
cap_emit_free(struct cap_emit *e)
{
	cap_hold_free(&e->q);
}
