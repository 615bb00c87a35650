/*
 * bench_proc.c — clocks and what /proc says about a process: chatbench
 * reports the server's memory and CPU beside its own CPU, so a reader can
 * see which side was busy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* The number after "key:" in /proc/PID/status, or -1. */
static long
status_field(long pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

long
bench_proc_rss_kib(long pid)
{
	return pid > 0 ? status_field(pid, "VmRSS") : -1;
}

long
bench_proc_threads(long pid)
{
	return pid > 0 ? status_field(pid, "Threads") : -1;
}

/* The process's CPU clock (every thread, to the nanosecond) when the
 * kernel lets us read it; else utime + stime, fields 14 and 15 of
 * /proc/PID/stat, in clock ticks (10 ms: too coarse for a run of a tenth
 * of a second). The command name may hold spaces: start after its closing
 * parenthesis. */
double
bench_proc_cpu_s(long pid)
{
	unsigned long utime, stime;
	char path[64], buf[1024], *p;
	struct timespec ts;
	clockid_t clk;
	size_t n;
	FILE *f;

	if (pid <= 0)
		return -1;
	if (clock_getcpuclockid((pid_t)pid, &clk) == 0 &&
	    clock_gettime(clk, &ts) == 0)
		return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	           &utime, &stime) != 2)
		return -1;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

double
bench_self_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

void
bench_raise_nofile(size_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want
	                  ? want : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}
