/*
 * tests/unit/shim/kernel/time.h - stands in for kernel/time.h in the host
 * unit tests: the test defines these over a fake clock.
 */
#ifndef TIME_H
#define TIME_H

#include <stdint.h>

#include "kernel/x86.h"

/* Nanoseconds since boot (the test's fake clock). */
extern uint64_t tsc_hz;

uint64_t now_ns(void);

/* Busy-wait at least us microseconds. */
void delay_us(uint64_t us);

uint64_t tsc_to_ns(uint64_t ticks);

#endif
