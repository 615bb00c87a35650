/*
 * tcp_threads_server.c — tcpchatd --threads, the accepting thread: it
 * accepts each client and starts its thread (tcp_threads.c), keeps the
 * room's clock (room_tick) and the operator's console, and at the end
 * tells everyone the server closes and waits a while for the threads.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "catalog.h"
#include "clock.h"
#include "log.h"
#include "tcp_threads.h"
#include "tcp_threads_impl.h"

static void
start_client(struct tserver *S, int fd, const char *peer,
             const pthread_attr_t *attr)
{
	struct tconn *k;
	pthread_t th;
	int err;

	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (k->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		log_error("%s: %s", peer, strerror(errno));
		free(k);
		close(fd);
		return;
	}
	k->S = S;
	k->woken = true;                /* its thread looks before it sleeps */
	pthread_mutex_lock(&S->lock);
	tcp_conn_init(&k->c, fd, peer, S->opts);
	k->c.writer = &S->writer;
	LIST_INSERT_HEAD(&S->all, k, link);
	S->threads++;
	err = pthread_create(&th, attr, threads_client, k);
	if (err != 0) {
		log_error(TR("%s: cannot start a thread: %s",
		             "%s: no se puede crear un hilo: %s"),
		          peer, strerror(err));
		k->c.state = TCP_CONN_DEAD;
		threads_finish(k);              /* unlocks */
		return;
	}
	/* Joined here, not by its thread (which waits for the lock): the
	 * room's clock is this thread's, and a newcomer starts one. */
	k->c.member = room_join(S->room, k, peer);
	if (k->c.member == NULL)        /* full: the notice is queued */
		tcp_conn_leave_room(&k->c);
	pthread_mutex_unlock(&S->lock);
}

/* Accept what is waiting. Returns false when out of descriptors. */
static bool
accept_clients(struct tserver *S, int lfd, const pthread_attr_t *attr)
{
	enum tcp_accept r;
	char peer[NET_ADDR_LEN];
	int fd;

	while ((r = tcp_accept(lfd, &fd, peer)) == TCP_ACCEPT_OK)
		start_client(S, fd, peer, attr);
	return r != TCP_ACCEPT_FULL;
}

/* A deadline ms from now on the monotonic clock (S->gone's). */
static struct timespec
after_ms(unsigned ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Tell everyone the server closes, wait (a while) for the threads, and
 * hand S to the last of them if some are still running. */
static void
stop_all(struct tserver *S)
{
	struct timespec until = after_ms(THREAD_STOP_MS);
	struct tconn *k;
	bool last;

	pthread_mutex_lock(&S->lock);
	LIST_FOREACH(k, &S->all, link)
		k->c.member = NULL;     /* the room frees its members */
	log_info(TR("closing: clients told (%zu)",
	            "cerrando: clientes avisados (%zu)"),
	         room_connections(S->room));
	room_free(S->room, true);
	S->room = NULL;
	LIST_FOREACH(k, &S->all, link) {
		tcp_conn_leave_room(&k->c);
		threads_wake(k);
	}
	while (S->threads > 0)
		if (pthread_cond_timedwait(&S->gone, &S->lock, &until) != 0)
			break;          /* the rest end with the process */
	S->orphaned = true;
	last = S->threads == 0;
	pthread_mutex_unlock(&S->lock);
	if (last)
		threads_server_free(S);
}

/* The server's state, with a condition variable on the monotonic clock
 * (a change of the wall clock must not stretch or cut a wait). */
static struct tserver *
server_new(const struct server_opts *o)
{
	pthread_condattr_t ca;
	struct tserver *S;
	struct room_config cfg;

	if ((S = calloc(1, sizeof(*S))) == NULL)
		return NULL;
	LIST_INIT(&S->all);
	S->opts = o;
	pthread_mutex_init(&S->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&S->gone, &ca);
	pthread_condattr_destroy(&ca);
	server_room_config(o, SERVER_TCP, &cfg);
	if ((S->room = room_new(&cfg, &threads_ops, S)) == NULL) {
		threads_server_free(S);
		return NULL;
	}
	return S;
}

/* Let the room expire what is due (its clock is this thread's), and
 * return how long to sleep: until its next deadline, and while not
 * accepting, no longer than THREAD_ACCEPT_MS. */
static int
tick(struct tserver *S, bool accepting)
{
	uint64_t now = clock_ms(), at;

	pthread_mutex_lock(&S->lock);
	at = room_tick(S->room, now);
	pthread_mutex_unlock(&S->lock);
	if (!accepting && at > now + THREAD_ACCEPT_MS)
		at = now + THREAD_ACCEPT_MS;
	return at == UINT64_MAX ? -1 : at <= now ? 0 : (int)(at - now);
}

int
tcp_threads_run(const struct server_opts *o, int lfd, int sigfd)
{
	struct server_console console;
	struct tserver *S;
	struct pollfd pfd[3];
	pthread_attr_t attr;
	bool running = true, accepting = true;
	char err[NET_ERR_LEN];

	if (net_set_nonblock(lfd, err) < 0) {
		log_error("%s", err);
		return 1;
	}
	if ((S = server_new(o)) == NULL) {
		log_error("%s", strerror(ENOMEM));
		return 1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	server_console_init(&console);

	while (running) {
		pfd[0] = (struct pollfd){ .fd = accepting ? lfd : -1,
		                          .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = console.fd, .events = POLLIN };
		if (poll(pfd, 3, tick(S, accepting)) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			accepting = accept_clients(S, lfd, &attr);
		else
			accepting = true;
		if (pfd[1].revents & POLLIN) {
			pthread_mutex_lock(&S->lock);
			if (!server_signal_read(sigfd, S->room))
				running = false;
			pthread_mutex_unlock(&S->lock);
		}
		if (pfd[2].revents & (POLLIN | POLLHUP)) {
			pthread_mutex_lock(&S->lock);
			if (!server_console_read(&console, S->room))
				running = false;
			pthread_mutex_unlock(&S->lock);
		}
	}
	stop_all(S);                    /* S is not ours after this */
	server_console_free(&console);
	pthread_attr_destroy(&attr);
	return 0;
}
