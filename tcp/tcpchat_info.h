/*
 * tcpchat_info.h — tcpchat's /tcp command (tcpchat_info.c): the kernel's
 * tcp_info of the client's own connection, in words.
 */
#ifndef TCPCHAT_INFO_H
#define TCPCHAT_INFO_H

#include <stdbool.h>
#include <stddef.h>

struct term;

/* When line is "/tcp", show the TCP state of connected socket fd on t and
 * return true; else false (the line is not this command). */
bool tcpchat_info_command(void *state, int fd, const char *line, size_t len,
                          struct term *t);

#endif
