/*
 * server_console.c — the operator's console (seed 004), the event loop's
 * side: the lines typed on the server's terminal arrive through a pipe from
 * the console's thread (console_edit.c, which reads the keyboard and draws
 * the typed line). /help is answered here; the room's console commands are
 * in room.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "console_edit.h"
#include "log.h"
#include "room.h"
#include "server.h"

/* One console per process: the keyboard and the screen are one each. */
static bool running;    /* the console's thread was started */
static bool draws_out;  /* stdout is the console's terminal too */

/* Are fds a and b the same terminal? */
static bool
same_tty(int a, int b)
{
	struct stat sa, sb;

	return isatty(b) && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       S_ISCHR(sa.st_mode) && sa.st_rdev == sb.st_rdev;
}

void
server_console_init(struct server_console *c)
{
	int p[2];

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (!isatty(STDIN_FILENO) || running)
		return;
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	fcntl(p[0], F_SETFL, O_NONBLOCK);       /* our own pipe: ours alone */
	draws_out = same_tty(STDIN_FILENO, STDOUT_FILENO);
	if (console_edit_start(p[1]) < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	running = true;
	c->fd = p[0];
	if (same_tty(STDIN_FILENO, STDERR_FILENO))
		log_set_screen(console_screen_hide, console_screen_show);
}

/* /help and /ayuda on the console: its own commands, answered here. */
static void
console_help(void)
{
	fputs(TR("console commands:\n"
	         "  /list        who is connected\n"
	         "  /kick NICK   remove a user from the chat\n"
	         "  /quit        stop the server (Ctrl-C too)\n"
	         "  /help        this help\n"
	         "Any other line goes to everyone as from the server.\n",
	         "órdenes de la consola:\n"
	         "  /listar      quién está conectado\n"
	         "  /kick APODO  sacar a un usuario del chat\n"
	         "  /salir       detener el servidor (también Ctrl-C)\n"
	         "  /ayuda       esta ayuda\n"
	         "Cualquier otra línea llega a todos como del servidor.\n"),
	      stdout);
}

/* One typed line: the help here, the rest to the room. The screen is held
 * meanwhile, so what they print does not cut a line being typed. */
static bool
console_line(struct room *room, const char *line, size_t len)
{
	struct msg m;
	bool go_on = true;

	if (draws_out)
		console_screen_hide();
	msg_parse(line, len, &m);
	if (m.kind == MSG_HELP)
		console_help();
	else
		go_on = room_console(room, line, len);
	fflush(stdout);
	if (draws_out)
		console_screen_show();
	return go_on;
}

bool
server_console_read(struct server_console *c, struct room *room)
{
	char data[MSG_MAX + 1];
	const char *p = data, *line;
	size_t left, len;
	ssize_t n;
	bool go_on = true;

	n = read(c->fd, data, sizeof(data));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0) {                           /* Ctrl-D, or the terminal */
		close(c->fd);                   /* (also leaves any epoll set) */
		c->fd = -1;
		return true;
	}
	left = (size_t)n;
	for (;;) {
		switch (msg_framer_next(&c->framer, &p, &left, &line, &len)) {
		case MSG_FRAME_LINE:
			if (!console_line(room, line, len))
				go_on = false;
			continue;
		case MSG_FRAME_TOO_LONG:        /* the editor keeps MSG_MAX */
			continue;
		case MSG_FRAME_MORE:
			break;
		}
		break;
	}
	return go_on;
}

void
server_console_free(struct server_console *c)
{
	if (running) {
		console_edit_stop();
		log_set_screen(NULL, NULL);
		running = false;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	msg_framer_free(&c->framer);
}

void
server_console_print(void *transport, const char *text, size_t len)
{
	(void)transport;
	fwrite(text, 1, len, stdout);
}
