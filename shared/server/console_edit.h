/*
 * console_edit.h — the operator's console at the keyboard (console_edit.c),
 * for server_console.c: a thread that edits what is typed on the server's
 * terminal and writes each finished line, '\n' included, to a pipe.
 */
#ifndef REDCHAT_CONSOLE_EDIT_H
#define REDCHAT_CONSOLE_EDIT_H

/* Start the thread; it writes the lines to out, and closes out when the
 * console ends (Ctrl-D on an empty line, the terminal gone, or
 * console_edit_stop()). stdin must be a terminal. Returns 0, or -1 when
 * nothing was started (out is then the caller's to close). */
int console_edit_start(int out);

/* End the thread and wait for it; the terminal is left as it was found. */
void console_edit_stop(void);

/* The log writer's hooks (log_set_screen), and the loop's around output of
 * its own: hide() takes the screen and the typed line off it, show() draws
 * the line again and gives the screen back. */
void console_screen_hide(void);
void console_screen_show(void);

#endif
