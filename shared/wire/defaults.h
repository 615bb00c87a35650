/*
 * defaults.h — the defaults every program agrees on: where the servers
 * listen and where the clients, chatbench and chatcap look for them. One
 * definition here; tcpchat(1), udpchat(1), tcpchatd(1), udpchatd(1),
 * chatbench and chatcap(1) print these values in their help.
 */
#ifndef REDCHAT_DEFAULTS_H
#define REDCHAT_DEFAULTS_H

#define REDCHAT_TCP_PORT 5000        /* tcpchatd listens here */
#define REDCHAT_UDP_PORT 5001        /* udpchatd listens here */
#define REDCHAT_HOST     "127.0.0.1" /* the server a client talks to */

#endif
