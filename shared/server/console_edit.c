/*
 * console_edit.c — the operator's console at the keyboard: a thread of its
 * own reads the server's terminal in raw mode, edits the typed line and
 * keeps it drawn under the log, and writes each finished line to the pipe
 * the event loop reads (server_console.c).
 *
 * Two rules a terminal program must keep:
 *
 *   Job control. Started with '&', a server shares the terminal with the
 *   shell. A read from the terminal by a background process stops it
 *   (SIGTTIN), so the console reads only while the server's process group
 *   is the terminal's foreground group (tcgetpgrp() == getpgrp()), and
 *   looks again every CONSOLE_CHECK_MS (after 'fg', for instance).
 *   SIGTTIN and SIGTTOU are ignored (server_cli.c), so a read that loses the
 *   race fails with EIO instead of stopping the server.
 *
 *   No garbling. Log lines arrive while the operator types. The terminal
 *   is put in raw mode and the line is edited here, so the log writer can
 *   take the typed line off the screen, write, and draw it again (log.h,
 *   log_set_screen), as the chat clients do (term.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "catalog.h"
#include "console_edit.h"
#include "log.h"
#include "msg.h"

#define CONSOLE_CHECK_MS 250   /* how often a background console looks */

/* One console per process: the keyboard and the screen are one each. */
static struct {
	pthread_mutex_t lock;       /* the screen: held by whoever draws */
	pthread_t       thread;
	int             wake[2];    /* a byte here ends the thread */
	int             out;        /* write end of the loop's pipe */
	struct termios  saved;      /* the terminal as first found */
	bool            have_saved, raw;
	char            typed[MSG_MAX];
	size_t          len;
	int             esc;        /* 0, 1 after ESC, 2 inside ESC [ ... */
} con = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 }, .out = -1 };

/* ---------------------------------------------------------------------------
 * The screen (called with con.lock held)
 * ------------------------------------------------------------------------ */

static void
tty_write(const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(STDIN_FILENO, s, len);    /* the terminal we read */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

/* Take the typed line off the screen: back to its first row, clear down. */
static void
clear_typed(void)
{
	struct winsize ws;
	size_t cols = 0, width = 80, i;
	char seq[32];
	int n;

	for (i = 0; i < con.len; i++)
		if (((unsigned char)con.typed[i] & 0xC0) != 0x80)
			cols++;                 /* one column a character */
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	if (cols > 0 && (cols - 1) / width > 0)
		n = snprintf(seq, sizeof(seq), "\r\033[%zuA\033[J",
		             (cols - 1) / width);
	else
		n = snprintf(seq, sizeof(seq), "\r\033[J");
	tty_write(seq, (size_t)n);
}

static void
redraw(void)
{
	clear_typed();
	tty_write(con.typed, con.len);
}

void
console_screen_hide(void)
{
	pthread_mutex_lock(&con.lock);
	if (con.raw && con.len > 0)
		clear_typed();
}

void
console_screen_show(void)
{
	if (con.raw && con.len > 0)
		tty_write(con.typed, con.len);
	pthread_mutex_unlock(&con.lock);
}

/* ---------------------------------------------------------------------------
 * The terminal's mode and the foreground
 * ------------------------------------------------------------------------ */

/* May the console read? Yes while the server is in the terminal's
 * foreground group, or when the terminal is not its controlling terminal
 * (ENOTTY: no job control there, a read cannot stop it). */
static bool
foreground(void)
{
	pid_t fg = tcgetpgrp(STDIN_FILENO);

	return fg == getpgrp() || (fg < 0 && errno == ENOTTY);
}

/* Raw mode: no echo, no line discipline, no signals from keys (Ctrl-C and
 * the like arrive as bytes; see edit()), no Ctrl-S to freeze the output. */
static void
enter_raw(void)
{
	struct termios t;

	if (!con.have_saved) {
		if (tcgetattr(STDIN_FILENO, &con.saved) < 0)
			return;
		con.have_saved = true;
	}
	t = con.saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(tcflag_t)IXON;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	pthread_mutex_lock(&con.lock);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
		con.raw = true;
		if (con.len > 0)
			redraw();
	}
	pthread_mutex_unlock(&con.lock);
}

static void
leave_raw(void)
{
	pthread_mutex_lock(&con.lock);
	if (con.raw) {
		if (con.len > 0)
			clear_typed();
		tcsetattr(STDIN_FILENO, TCSANOW, &con.saved);
		con.raw = false;
	}
	pthread_mutex_unlock(&con.lock);
}

/*
 * Ctrl-Z: give the terminal back as it was, and stop as any program does
 * ('bg' then serves on in the background, 'fg' brings the console back).
 * The signal goes to this thread, unblocked for the moment, so the server
 * has stopped before pthread_kill() returns: nothing here runs on to take
 * the terminal again before the shell has it.
 */
static void
suspend(void)
{
	sigset_t tstp;

	leave_raw();
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	pthread_sigmask(SIG_UNBLOCK, &tstp, NULL);
	pthread_kill(pthread_self(), SIGTSTP);
	pthread_sigmask(SIG_BLOCK, &tstp, NULL);
}

/* ---------------------------------------------------------------------------
 * Line editing (the console thread)
 * ------------------------------------------------------------------------ */

static bool
is_key(unsigned char c, int which)
{
	return c != _POSIX_VDISABLE && c == con.saved.c_cc[which];
}

/* Enter: the line goes to the loop, the screen moves to a new line. */
static void
submit(void)
{
	char line[MSG_MAX + 1];
	size_t len;

	pthread_mutex_lock(&con.lock);
	memcpy(line, con.typed, con.len);
	len = con.len;
	con.len = 0;
	tty_write("\n", 1);
	pthread_mutex_unlock(&con.lock);
	line[len++] = '\n';
	if (write(con.out, line, len) < 0)      /* atomic: len < PIPE_BUF */
		return;
}

/* Backspace takes one UTF-8 character, Ctrl-W one word, Ctrl-U all. */
static void
erase(unsigned char c)
{
	pthread_mutex_lock(&con.lock);
	if (is_key(c, VKILL)) {
		con.len = 0;
	} else if (is_key(c, VWERASE)) {
		while (con.len > 0 && con.typed[con.len - 1] == ' ')
			con.len--;
		while (con.len > 0 && con.typed[con.len - 1] != ' ')
			con.len--;
	} else {
		while (con.len > 0 &&
		       ((unsigned char)con.typed[--con.len] & 0xC0) == 0x80)
			;
	}
	redraw();
	pthread_mutex_unlock(&con.lock);
}

static void
append(unsigned char c)
{
	pthread_mutex_lock(&con.lock);
	if (con.len < sizeof(con.typed)) {
		con.typed[con.len++] = (char)c;
		tty_write((char *)&c, 1);
	} else {
		tty_write("\a", 1);             /* the longest message */
	}
	pthread_mutex_unlock(&con.lock);
}

/* One byte typed. Returns false at the end of input (Ctrl-D on an empty
 * line). Escape sequences (arrow keys and the like) are skipped whole. */
static bool
edit(unsigned char c)
{
	if (con.esc == 1) {
		con.esc = c == '[' || c == 'O' ? 2 : 0;
		return true;
	}
	if (con.esc == 2) {
		if (c >= 0x40 && c <= 0x7E)
			con.esc = 0;
		return true;
	}
	if (c == '\n' || c == '\r')
		submit();
	else if (is_key(c, VEOF))
		return con.len > 0;
	else if (is_key(c, VINTR))
		kill(getpid(), SIGINT);         /* the server's signalfd */
	else if (is_key(c, VQUIT))
		kill(getpid(), SIGQUIT);
	else if (is_key(c, VSUSP))
		suspend();
	else if (is_key(c, VERASE) || c == 0x7F || c == '\b' ||
	         is_key(c, VKILL) || is_key(c, VWERASE))
		erase(c);
	else if (c == 0x1B)
		con.esc = 1;
	else if (c >= 0x20 || c == '\t')
		append(c);
	return true;
}

/* Read what is there. Returns false when the console ends. */
static bool
console_input(void)
{
	unsigned char buf[256];
	ssize_t n, i;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n < 0 && errno == EIO && !foreground())
		return true;                    /* sent to the background */
	if (n <= 0)
		return false;                   /* the terminal is gone */
	for (i = 0; i < n; i++)
		if (!edit(buf[i]))
			return false;
	return true;
}

static void *
console_thread(void *arg)
{
	struct pollfd p[2];
	bool fg;

	(void)arg;
	for (;;) {
		fg = foreground();
		if (fg && !con.raw)
			enter_raw();
		p[0] = (struct pollfd){ .fd = con.wake[0], .events = POLLIN };
		p[1] = (struct pollfd){ .fd = fg ? STDIN_FILENO : -1,
		                        .events = POLLIN };
		if (poll(p, 2, CONSOLE_CHECK_MS) < 0 && errno != EINTR)
			break;
		if (p[0].revents != 0)
			break;
		if (p[1].revents != 0 && !console_input()) {
			log_info(TR("console closed; the server goes on",
			            "consola cerrada; el servidor sigue"));
			break;
		}
	}
	leave_raw();
	close(con.out);                         /* end of input for the loop */
	return NULL;
}

/* ---------------------------------------------------------------------------
 * Starting and stopping the thread (the loop)
 * ------------------------------------------------------------------------ */

/* Start the thread with every signal blocked: signals are the loop's. */
static int
start_thread(void)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&con.thread, NULL, console_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r == 0 ? 0 : -1;
}

int
console_edit_start(int out)
{
	if (pipe2(con.wake, O_CLOEXEC) < 0)
		return -1;
	con.out = out;
	if (start_thread() < 0) {
		close(con.wake[0]);
		close(con.wake[1]);
		return -1;
	}
	return 0;
}

void
console_edit_stop(void)
{
	if (write(con.wake[1], "", 1) < 0)
		log_debug("console: %s", strerror(errno));
	pthread_join(con.thread, NULL);
	close(con.wake[0]);
	close(con.wake[1]);
}
