/*
 * cap_follow.c — --follow (see cap_follow.h). Each line of a stream is
 * printed as it came, one output line per piece:
 *
 *   TCP#1  10.0.0.2:40050 (client: >>)  10.0.0.1:5000 (server: <<)
 *     >>  #6       pepe
 *     >>+ #13      hola a           <- "+": no newline here, the line
 *     >>  #15      todos               goes on in the next piece
 *     <<  #17      ana: hola a todos
 *     <<           *** carla joined  <- same segment as the line above
 *     >>  [5 bytes missing in the capture]
 *
 * A piece ends at a newline, at the end of a segment's bytes or at the
 * wrapping width. Bytes that a terminal would interpret (controls, and
 * anything not UTF-8 text in a UTF-8 locale) are shown as '.', as tshark
 * shows them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cap_conv.h"
#include "cap_follow.h"
#include "cap_out.h"

#define LABEL_W  8              /* columns of the "#N" packet label */
#define PREFIX_W (6 + LABEL_W + 1)
#define MIN_TEXT 16             /* columns of text at the least */

/* ---------------------------------------------------------------------------
 * Remembering
 * ------------------------------------------------------------------------ */

static struct cap_follow_chunk *
new_chunk(struct cap_follow *f)
{
	struct cap_follow_chunk *c;
	size_t n;

	if (f->n == f->cap) {
		n = f->cap == 0 ? 64 : f->cap * 2;
		if ((c = realloc(f->chunk, n * sizeof(*c))) == NULL)
			return NULL;
		f->chunk = c;
		f->cap = n;
	}
	c = &f->chunk[f->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

static bool
room(struct cap_follow *f, size_t len)
{
	uint8_t *b;
	size_t n;

	if (len > CAP_FOLLOW_BYTES - f->used)
		return false;
	if (f->used + len <= f->bytes_cap)
		return true;
	n = f->bytes_cap == 0 ? 4096 : f->bytes_cap;
	while (n < f->used + len)
		n *= 2;
	if ((b = realloc(f->bytes, n)) == NULL)
		return false;
	f->bytes = b;
	f->bytes_cap = n;
	return true;
}

void
cap_follow_bytes(struct cap_follow *f, int dir, uint64_t frame,
                 const uint8_t *data, size_t len, bool datagram)
{
	struct cap_follow_chunk *last = f->n > 0 ? &f->chunk[f->n - 1] : NULL;

	if (!room(f, len)) {
		f->dropped += len;
		return;
	}
	if (last == NULL || datagram || last->datagram || last->dir != dir ||
	    last->frame != frame || last->missing != 0) {
		if ((last = new_chunk(f)) == NULL) {
			f->dropped += len;
			return;
		}
		*last = (struct cap_follow_chunk){ .frame = frame, .off = f->used,
		                                   .dir = (uint8_t)dir,
		                                   .datagram = datagram };
	}
	if (len > 0)
		memcpy(f->bytes + f->used, data, len);
	f->used += len;
	last->len += len;
}

void
cap_follow_missing(struct cap_follow *f, int dir, uint32_t n)
{
	struct cap_follow_chunk *c;

	if (n == 0 || (c = new_chunk(f)) == NULL)
		return;
	c->dir = (uint8_t)dir;
	c->missing = n;
}

void
cap_follow_free(struct cap_follow *f)
{
	free(f->chunk);
	free(f->bytes);
	memset(f, 0, sizeof(*f));
}

/* ---------------------------------------------------------------------------
 * Printing
 * ------------------------------------------------------------------------ */

/* Bytes in the UTF-8 character at s[0..n) worth showing, or 0: a control,
 * a C1 control, an invalid or cut sequence. */
static size_t
utf8_char(const uint8_t *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < 0xa0 || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Write up to cols characters of s[0..n) as text; returns bytes used. */
static size_t
put_text(const struct cap_out *o, const uint8_t *s, size_t n, size_t cols)
{
	size_t i = 0, k;

	while (i < n && cols-- > 0) {
		if (s[i] >= 0x20 && s[i] < 0x7f) {
			fputc_unlocked(s[i++], o->f);
		} else if (o->utf8 && (k = utf8_char(s + i, n - i)) > 0) {
			fwrite_unlocked(s + i, 1, k, o->f);
			i += k;
		} else {
			fputc_unlocked('.', o->f);
			i++;
		}
	}
	return i;
}

static void
put_prefix(const struct cap_out *o, int dir, char flag, uint64_t frame)
{
	char label[32] = "";
	size_t n;

	fprintf(o->f, "  %s%s%s%c ", cap_color(o, dir == 0 ? CAP_C_HANDSHAKE
	                                                  : CAP_C_UDP),
	        dir == 0 ? ">>" : "<<", cap_color(o, CAP_C_RESET), flag);
	if (frame != 0)
		snprintf(label, sizeof(label), "#%" PRIu64, frame);
	n = strlen(label);
	fprintf(o->f, "%s%s%s", cap_color(o, CAP_C_DIM), label,
	        cap_color(o, CAP_C_RESET));
	while (n++ < LABEL_W)
		fputc_unlocked(' ', o->f);
	fputc_unlocked(' ', o->f);
}

/* One line of the stream, s[0..n) without its newline, wrapped at cols
 * characters; ends_line: a newline (or a datagram's end) follows it. */
static void
put_line(const struct cap_out *o, int dir, uint64_t frame, const uint8_t *s,
         size_t n, bool ends_line, size_t cols)
{
	size_t used, i, left;

	do {
		for (i = used = 0, left = cols; i < n && left > 0; left--)
			i += o->utf8 && s[i] >= 0x80 && utf8_char(s + i, n - i) > 0
			     ? utf8_char(s + i, n - i) : 1;
		put_prefix(o, dir, i < n || !ends_line ? '+' : ' ', frame);
		used = put_text(o, s, n, cols);
		fputc_unlocked('\n', o->f);
		s += used;
		n -= used;
		frame = 0;
	} while (n > 0);
}

static void
print_chunk(const struct cap_out *o, const struct cap_follow *f,
            const struct cap_follow_chunk *c, size_t cols)
{
	static const uint8_t none[1];   /* no bytes kept yet: never NULL + 0 */
	const uint8_t *s = f->bytes != NULL ? f->bytes + c->off : none, *nl;
	size_t left = c->len;
	uint64_t frame = c->frame;

	if (c->missing != 0) {
		fprintf(o->f, "  %s  %s", c->dir == 0 ? ">>" : "<<",
		        cap_color(o, CAP_C_PROBLEM));
		fprintf(o->f, TR("[%" PRIu32 " bytes missing in the capture]",
		                 "[faltan %" PRIu32 " bytes en la captura]"),
		        c->missing);
		fprintf(o->f, "%s\n", cap_color(o, CAP_C_RESET));
		return;
	}
	if (left == 0 && c->datagram)
		put_line(o, c->dir, frame, s, 0, true, cols);
	while (left > 0) {
		nl = memchr(s, '\n', left);
		put_line(o, c->dir, frame, s, nl != NULL ? (size_t)(nl - s) : left,
		         nl != NULL || c->datagram, cols);
		left -= nl != NULL ? (size_t)(nl - s) + 1 : left;
		s = nl != NULL ? nl + 1 : s + left;
		frame = 0;
	}
}

void
cap_follow_print(const struct cap_out *o, const struct cap_table *t)
{
	size_t i, k, cols = SIZE_MAX;

	if (o->width > 0)
		cols = o->width > PREFIX_W + MIN_TEXT ? o->width - PREFIX_W
		                                      : MIN_TEXT;
	fprintf(o->f, "%s", TR(
	"\nEach conversation's bytes in order, as the receiver read them: >> "
	"client\nto server, << back; #N the packet they came in; + no newline "
	"there,\nthe line goes on in the next piece.\n",
	"\nLos bytes de cada conversaci\u00f3n en orden, como los ley\u00f3 el "
	"receptor: >>\ndel cliente al servidor, << de vuelta; #N el paquete en "
	"que llegaron; +\nsin salto de l\u00ednea, la l\u00ednea sigue en el "
	"trozo siguiente.\n"));
	for (i = 0; i < t->nall; i++) {
		const struct cap_conv *c = t->all[i];

		fprintf(o->f, "\n%s%s#%u%s  %s (%s)  %s (%s)\n",
		        cap_color(o, CAP_C_BOLD), c->proto == 6 ? "TCP" : "UDP",
		        c->id, cap_color(o, CAP_C_RESET), c->name[0],
		        TR("client: >>", "cliente: >>"), c->name[1],
		        TR("server: <<", "servidor: <<"));
		for (k = 0; k < c->follow.n; k++)
			print_chunk(o, &c->follow, &c->follow.chunk[k], cols);
		if (c->follow.n == 0)
			fprintf(o->f, "%s\n", TR("  (no payload)",
			                         "  (ning\u00fan dato)"));
		if (c->follow.dropped > 0)
			fprintf(o->f, TR("  (%" PRIu64 " more bytes not kept)\n",
			                 "  (%" PRIu64 " bytes m\u00e1s sin "
			                 "guardar)\n"), c->follow.dropped);
	}
}
