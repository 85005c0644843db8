/*
 * tests/unit/shim/kernel/time.h - stands in for kernel/time.h in the host
 * unit tests: the test (tests/unit/net_model.c) defines these over a fake
 * clock, which only moves when the code under test sleeps or waits.
 */
#ifndef TIME_H
#define TIME_H

#include <stdint.h>

#include "kernel/x86.h"

/* TSC ticks per second of the fake clock. */
extern uint64_t tsc_hz;

/* Nanoseconds since boot, on the fake clock. */
uint64_t now_ns(void);

/* Busy-wait at least us microseconds: the fake clock moves on. */
void delay_us(uint64_t us);

uint64_t tsc_to_ns(uint64_t ticks);

/* Milliseconds since "reset": the fake clock's. */
uint64_t ms_since_reset(void);

/* Sleep until an interrupt or until us pass: the model NIC gets to run. */
void idle_wait_us(uint64_t us);

#endif
