/*
 * clock.h — time for timeouts and latency: the monotonic clock, which the
 * system's wall-clock changes never move (the one timerfd and poll use).
 */
#ifndef REDCHAT_CLOCK_H
#define REDCHAT_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
uint64_t clock_ms(void);

/* Microseconds on the monotonic clock. */
uint64_t clock_us(void);

#endif
