/*
 * kernel/time.h - time from the TSC.
 */
#ifndef TIME_H
#define TIME_H

#include <stdint.h>

#include "kernel/x86.h"

extern uint64_t tsc_hz;		/* TSC ticks per second, set by time_init */
extern uint64_t tsc_boot;	/* the TSC when time_init ran */
extern uint64_t tsc_ns_mult;	/* ns = ticks * tsc_ns_mult >> 32 */

void time_init(void);

/* Convert TSC ticks to nanoseconds. */
static inline uint64_t tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * tsc_ns_mult) >> 32);
}

/* Milliseconds since the CPU's reset: the TSC counts from 0 there. */
static inline uint64_t ms_since_reset(void)
{
	return rdtsc() / (tsc_hz / 1000);
}

/* Nanoseconds since time_init. */
static inline uint64_t now_ns(void)
{
	return tsc_to_ns(rdtsc() - tsc_boot);
}

/* Busy-wait at least us microseconds. */
void delay_us(uint64_t us);

/*
 * Sleep until an interrupt, or until us microseconds pass (the LAPIC
 * timer's one-shot), whichever comes first: the kernel's only sleep.  Call
 * with interrupts disabled, having checked that there is something to wait
 * for; returns with them disabled again, after the handler ran.
 */
void idle_wait_us(uint64_t us);

#endif
