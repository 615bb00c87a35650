/*
 * cap_diagram.h — the ladder as a file a report can hold: an SVG image, or
 * Mermaid text (a sequenceDiagram that Markdown viewers draw).
 */
#ifndef CAP_DIAGRAM_H
#define CAP_DIAGRAM_H

#include <stddef.h>

#include "cap_out.h"

/* Whether path names a diagram chatcap can write: ".svg", or ".mmd" /
 * ".mermaid" for Mermaid. */
bool cap_diagram_known(const char *path);

/* Write every conversation of t (the table must keep steps) to path, in
 * the form its name says, with o's language choices. 0, or -1 with err
 * filled. */
int cap_diagram_write(const char *path, const struct cap_out *o,
                      const struct cap_table *t, char *err, size_t errlen);

#endif
