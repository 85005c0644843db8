/*
 * kernel/time.h - time from the TSC.
 */
#ifndef TIME_H
#define TIME_H

#include <stdint.h>

#include "kernel/x86.h"

extern uint64_t tsc_hz;		/* TSC ticks per second, set by time_init */

void time_init(void);

/* Nanoseconds since time_init. */
uint64_t now_ns(void);

/* Convert TSC ticks to nanoseconds. */
uint64_t tsc_to_ns(uint64_t ticks);

/* Busy-wait at least us microseconds. */
void delay_us(uint64_t us);

#endif
