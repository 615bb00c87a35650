/*
 * cap_html.c — chatcap --html FILE: the report page (cap_html.h). This
 * file only fills the page's template (tools/chatcap/report/page.html,
 * built into chatcap with its CSS and JavaScript by report/embed.sh) with
 * the capture's data; everything drawn is drawn by the page's script.
 *
 * The data goes in twice-guarded form: inside <script type=
 * "application/json"> every '<' of the JSON becomes \u003c (it can only
 * be inside a string), so no chat line can close the element. Above
 * CAP_HTML_RAW_MAX bytes the data is deflated (zlib, RFC 1950) and written
 * in base64; the page inflates it itself (report/inflate.js), at once.
 * Above CAP_HTML_MAX_PACKETS packets only the first ones are kept; the page
 * says so (the summary still counts them all).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "catalog.h"
#include "cap_html.h"
#include "cap_json.h"
#include "xmlesc.h"

#define CAP_HTML_RAW_MAX     (1u << 20)   /* bytes kept uncompressed */
#define CAP_HTML_MAX_PACKETS 50000        /* packets a report holds */

/* The page's parts, from report/embed.sh. */
extern const unsigned char cap_report_page[], cap_report_css[],
                           cap_report_js[];
extern const size_t cap_report_page_len, cap_report_css_len,
                    cap_report_js_len;

static int
fail(char *err, size_t errlen, const char *what, const char *why)
{
	snprintf(err, errlen, "--html: %s: %s", what, why);
	return -1;
}

int
cap_html_open(struct cap_html *h, const char *path, char *err, size_t errlen)
{
	*h = (struct cap_html){ .path = path };
	if ((h->out = fopen(path, "w")) == NULL)
		return fail(err, errlen, path, strerror(errno));
	h->data = open_memstream(&h->data_buf, &h->data_len);
	h->explain = open_memstream(&h->explain_buf, &h->explain_len);
	if (h->data == NULL || h->explain == NULL)
		return fail(err, errlen, path, strerror(errno));
	return 0;
}

/* ---- Thinning: the first CAP_HTML_MAX_PACKETS packets --------------- */

/* Does the JSON line at s (len bytes) describe a packet numbered above
 * the limit? Packet lines start {"type":"packet","n":N. */
static bool
beyond_limit(const char *s, size_t len)
{
	static const char head[] = "{\"type\":\"packet\",\"n\":";

	if (len < sizeof(head) - 1 || memcmp(s, head, sizeof(head) - 1) != 0)
		return false;
	return strtoull(s + sizeof(head) - 1, NULL, 10) > CAP_HTML_MAX_PACKETS;
}

/* Keep, in place, the lines of buf[0..*len) within the limit: packet
 * lines (packets) by their number, else the first CAP_HTML_MAX_PACKETS
 * lines (the explanations, one per packet in order). */
static void
thin(char *buf, size_t *len, bool packets)
{
	size_t r = 0, w = 0, kept = 0, n;
	char *nl;

	while (r < *len) {
		nl = memchr(buf + r, '\n', *len - r);
		n = (nl != NULL ? (size_t)(nl - (buf + r)) + 1 : *len - r);
		if (packets ? !beyond_limit(buf + r, n)
		            : kept < CAP_HTML_MAX_PACKETS) {
			memmove(buf + w, buf + r, n);
			w += n;
			kept++;
		}
		r += n;
	}
	*len = w;
}

/* ---- Writing ------------------------------------------------------- */

/* JSON text with every '<' written \u003c. */
static void
put_json(FILE *f, const char *s, size_t len)
{
	const char *lt;

	while (len > 0 && (lt = memchr(s, '<', len)) != NULL) {
		fwrite(s, 1, (size_t)(lt - s), f);
		fputs("\\u003c", f);
		len -= (size_t)(lt - s) + 1;
		s = lt + 1;
	}
	fwrite(s, 1, len, f);
}

static void
put_base64(FILE *f, const unsigned char *s, size_t len)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long v;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)s[i] << 16 | (unsigned long)s[i + 1] << 8 |
		    s[i + 2];
		fputc(b64[v >> 18], f);
		fputc(b64[(v >> 12) & 63], f);
		fputc(b64[(v >> 6) & 63], f);
		fputc(b64[v & 63], f);
	}
	if (i < len) {
		v = (unsigned long)s[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)s[i + 1] << 8;
		fputc(b64[v >> 18], f);
		fputc(b64[(v >> 12) & 63], f);
		fputc(i + 1 < len ? b64[(v >> 6) & 63] : '=', f);
		fputc('=', f);
	}
}

/* One data element, id, holding s[0..len): JSON as it is, or deflated in
 * base64 when zip. 0, or -1 out of memory. */
static int
put_block(FILE *f, const char *id, const char *s, size_t len, bool zip)
{
	uLongf zlen;
	unsigned char *z;

	if (!zip) {
		fprintf(f, "<script type=\"application/json\" id=\"%s\">", id);
		put_json(f, s, len);
		fputs("</script>\n", f);
		return 0;
	}
	zlen = compressBound((uLong)len);
	if ((z = malloc(zlen)) == NULL)
		return -1;
	if (compress2(z, &zlen, (const Bytef *)s, (uLong)len, 9) != Z_OK) {
		free(z);
		return -1;
	}
	fprintf(f, "<script type=\"text/plain\" id=\"%s\" data-deflate=\"%zu\">",
	        id, len);
	put_base64(f, z, zlen);
	fputs("</script>\n", f);
	free(z);
	return 0;
}

/* The template with each @NAME@ replaced: CSS, JS, LANG, TITLE, DATA. */
static int
fill(struct cap_html *h, const char *lang, const char *source)
{
	const char *t = (const char *)cap_report_page, *end = t +
	                cap_report_page_len, *at, *close;
	bool zip = h->data_len + h->explain_len > CAP_HTML_RAW_MAX;
	size_t n;

	while (t < end && (at = memchr(t, '@', (size_t)(end - t))) != NULL &&
	       (close = memchr(at + 1, '@', (size_t)(end - at - 1))) != NULL) {
		fwrite(t, 1, (size_t)(at - t), h->out);
		n = (size_t)(close - at - 1);
		if (n == 3 && memcmp(at + 1, "CSS", 3) == 0)
			fwrite(cap_report_css, 1, cap_report_css_len, h->out);
		else if (n == 2 && memcmp(at + 1, "JS", 2) == 0)
			fwrite(cap_report_js, 1, cap_report_js_len, h->out);
		else if (n == 4 && memcmp(at + 1, "LANG", 4) == 0)
			fputs(lang, h->out);
		else if (n == 5 && memcmp(at + 1, "TITLE", 5) == 0)
			xmlesc_write(h->out, source, strlen(source),
			             XMLESC_KEEP);
		else if (n == 4 && memcmp(at + 1, "DATA", 4) == 0) {
			if (put_block(h->out, "rc-data", h->data_buf,
			              h->data_len, zip) < 0 ||
			    put_block(h->out, "rc-explain", h->explain_buf,
			              h->explain_len, zip) < 0)
				return -1;
		} else {                         /* not a marker: as it is */
			fputc('@', h->out);
			t = at + 1;
			continue;
		}
		t = close + 1;
	}
	fwrite(t, 1, (size_t)(end - t), h->out);
	return 0;
}

int
cap_html_write(struct cap_html *h, const char *lang, const char *source,
               char *err, size_t errlen)
{
	FILE *out;
	int rc;

	if (fclose(h->data) != 0 || fclose(h->explain) != 0) {
		h->data = h->explain = NULL;
		return fail(err, errlen, h->path, strerror(errno));
	}
	h->data = h->explain = NULL;
	thin(h->data_buf, &h->data_len, true);
	thin(h->explain_buf, &h->explain_len, false);
	rc = fill(h, lang, source);
	out = h->out;
	h->out = NULL;
	if (fclose(out) != 0 || rc < 0)
		return fail(err, errlen, h->path, rc < 0
		            ? TR("out of memory", "memoria agotada")
		            : TR("write error", "error de escritura"));
	return 0;
}

int
cap_html_start(struct cap_html *h, struct cap_emit *e, const char *path,
               char *err, size_t errlen)
{
	if (cap_html_open(h, path, err, errlen) < 0)
		return -1;
	h->stdout_f = e->out.f;
	e->out.f = h->data;
	e->json = true;
	e->text = false;
	e->explain = h->explain;
	e->plain.utf8 = true;            /* the page is UTF-8 */
	return 0;
}

int
cap_html_finish(struct cap_html *h, struct cap_emit *e,
                const struct cap_table *t, const char *source, char *err,
                size_t errlen)
{
	cap_json_summary(&e->out, t);
	e->out.f = h->stdout_f;
	e->explain = NULL;
	if (cap_html_write(h, lang_current() == LANG_ES ? "es" : "en", source,
	                   err, errlen) < 0)
		return -1;
	fprintf(stderr, TR("chatcap: report written to %s\n",
	                   "chatcap: informe escrito en %s\n"), h->path);
	return 0;
}

void
cap_html_free(struct cap_html *h)
{
	struct stat st;

	if (h->data != NULL)
		fclose(h->data);
	if (h->explain != NULL)
		fclose(h->explain);
	if (h->out != NULL) {             /* never written: no empty file */
		if (fstat(fileno(h->out), &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size == 0)
			unlink(h->path);
		fclose(h->out);
	}
	free(h->data_buf);
	free(h->explain_buf);
	*h = (struct cap_html){ 0 };
}
