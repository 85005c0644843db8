/*
 * kernel/time.c - the TSC's frequency, from CPUID where the CPU tells it,
 * else measured against the 8254 PIT (channel 2, which needs no interrupt).
 *
 * Intel SDM vol. 3, 18.7.3 (CPUID leaf 0x15); Intel 8254 datasheet (mode 0:
 * OUT goes high when the count reaches zero; port 0x61 bit 5 reads it).
 */
#include <stdio.h>

#include "kernel/apic.h"
#include "kernel/time.h"

#define PIT_HZ		1193182
#define PIT_CH2		0x42
#define PIT_MODE	0x43
#define PORT_B		0x61	/* bit 0: channel 2 gate; bit 1: speaker; bit 5: OUT2 */
#define CALIB_MS	10
#define CALIB_RUNS	3

uint64_t tsc_hz;
uint64_t tsc_boot;		/* the TSC when time_init ran */
uint64_t tsc_ns_mult;		/* ns = ticks * tsc_ns_mult >> 32 */

static uint64_t tsc_hz_from_cpuid(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	if (r[0] < 0x15)
		return 0;
	cpuid(0x15, 0, r);	/* eax/ebx: TSC/crystal ratio; ecx: crystal Hz */
	if (r[0] == 0 || r[1] == 0 || r[2] == 0)
		return 0;
	return (uint64_t)r[2] * r[1] / r[0];
}

/* TSC ticks during one CALIB_MS countdown of PIT channel 2. */
static uint64_t pit_measure(void)
{
	uint16_t count = PIT_HZ * CALIB_MS / 1000;
	uint64_t t0, t1;
	uint32_t spins = 0;

	outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(PIT_MODE, 0xB0);				/* ch 2, lo/hi byte, mode 0 */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);			/* counting starts here */
	t0 = rdtsc();
	while (!(inb(PORT_B) & 0x20) && ++spins < 100000000)
		;
	t1 = rdtsc();
	return t1 - t0;
}

static uint64_t tsc_hz_from_pit(void)
{
	uint64_t best = ~0ULL;

	/* The shortest run had the fewest interruptions by the host. */
	for (int i = 0; i < CALIB_RUNS; i++) {
		uint64_t t = pit_measure();
		if (t < best)
			best = t;
	}
	return best * 1000 / CALIB_MS;
}

void time_init(void)
{
	uint32_t r[4];
	const char *how = "CPUID 0x15";
	int invariant;

	tsc_hz = tsc_hz_from_cpuid();
	if (!tsc_hz) {
		tsc_hz = tsc_hz_from_pit();
		how = "PIT";
	}
	tsc_ns_mult = (1000000000ULL << 32) / tsc_hz;
	tsc_boot = rdtsc();
	cpuid(0x80000000, 0, r);
	invariant = 0;
	if (r[0] >= 0x80000007) {
		cpuid(0x80000007, 0, r);
		invariant = (r[3] >> 8) & 1;
	}
	/* The TSC counts from 0 at reset: how long firmware and loader took. */
	printf("time: TSC %llu.%03llu MHz (%s), invariant %s; %llu ms since reset\n",
	       (unsigned long long)(tsc_hz / 1000000),
	       (unsigned long long)(tsc_hz / 1000 % 1000), how, invariant ? "yes" : "no",
	       (unsigned long long)ms_since_reset());
}

void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_hz / 1000000;

	while (rdtsc() < end)
		cpu_relax();
}

void idle_wait_us(uint64_t us)
{
	lapic_timer_start(us);
	wait_for_interrupt();		/* sti; hlt: no wake-up can be missed */
	irq_disable();
	lapic_timer_stop();		/* if something else woke us */
}
