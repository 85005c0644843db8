/*
 * tests/unit/shim/kernel/apic.h - stands in for kernel/apic.h in the host
 * unit tests.  The net code only sleeps here; the test defines
 * idle_wait_us (its fake clock moves, its model NIC gets to run).
 */
#ifndef APIC_H
#define APIC_H

#include <stdint.h>

/* Sleep until an interrupt or until us microseconds pass. */
void idle_wait_us(uint64_t us);

#endif
