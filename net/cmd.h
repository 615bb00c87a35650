/*
 * cmd.h — running the system's network tools (ip, tc, iptables-restore)
 * for chatnet: fork, optionally enter a network namespace, exec with an
 * argument vector (never a shell), feed stdin, keep the first line of
 * stderr for the error message. With cmd_verbose set, each command is
 * printed first, so a lab can see what chatnet does.
 */
#ifndef CHATNET_CMD_H
#define CHATNET_CMD_H

#include <stdbool.h>
#include <stddef.h>

extern bool cmd_verbose;

/*
 * Run argv[0] (looked up in PATH) with argv, inside the namespace named ns
 * (NULL: where chatnet is), with input (NULL: /dev/null) on its stdin.
 * Returns 0 when it exits 0; else -1 with err holding its first stderr line
 * (or why it could not run).
 */
int cmd_run(const char *ns, const char *const argv[], const char *input,
            char *err, size_t errlen);

/* cmd_run where chatnet is, with the arguments listed:
 * CMD(err, errlen, "ip", "-n", ns, "link", ...). */
#define CMD(err, errlen, ...) \
	cmd_run(NULL, (const char *const[]){ __VA_ARGS__, NULL }, NULL, \
	        (err), (errlen))

#endif
