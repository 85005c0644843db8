/*
 * kernel/lat.c - per-stage histograms of the send path; see lat.h.
 *
 * Stamps are raw TSC reads (rdtsc, not serializing: a stamp may move a few
 * cycles relative to the instructions around it; LAT_STAMP says what one
 * costs here).  Histograms are updated with interrupts off, from the send
 * path or the interrupt handler, never both at once.
 */
#include <stdio.h>

#include "drivers/e1000.h"
#include "kernel/hist.h"
#include "kernel/lat.h"
#include "kernel/time.h"

#define LAT_FRAMES	4096	/* frames in flight we can follow: the largest ring */

static const char *const stage_name[LAT_NSTAGES] = {
	"call", "resolve", "build", "post", "tail", "to_irq", "reclaim", "polled", "seen",
	"floor_tail", "floor_read", "stamp",
};

static struct {
	struct hist h[LAT_NSTAGES];
	uint64_t tail_done[LAT_FRAMES];	/* when the frame's tail write returned */
	uint64_t reclaimed[LAT_FRAMES];	/* when its descriptors were reclaimed */
	uint64_t irq_entry;		/* the e1000 interrupt now running, or 0 */
} lat;

int lat_stages_on;

void lat_init(int stages)
{
	for (int i = 0; i < LAT_NSTAGES; i++)
		hist_reset(&lat.h[i]);
	lat_stages_on = stages;
}

void lat_add(enum lat_stage s, uint64_t cycles)
{
	hist_add(&lat.h[s], cycles);
}

void lat_frame_sent(uint64_t seq, uint64_t tail_done)
{
	lat.tail_done[seq % LAT_FRAMES] = tail_done;
}

/* The socket's completion hook: in the interrupt, or in the sender's poll. */
void lat_frame_done(uint64_t seq)
{
	uint64_t now = rdtsc(), sent = lat.tail_done[seq % LAT_FRAMES];

	if (!lat_stages_on || !sent)
		return;
	if (lat.irq_entry) {
		lat_add(LAT_TO_IRQ, lat.irq_entry > sent ? lat.irq_entry - sent : 0);
		lat_add(LAT_RECLAIM, now - lat.irq_entry);
	} else {
		lat_add(LAT_POLLED, now - sent);
	}
	lat.reclaimed[seq % LAT_FRAMES] = now;
}

void lat_frame_seen(uint64_t seq)
{
	uint64_t done = lat.reclaimed[seq % LAT_FRAMES];

	if (lat_stages_on && done)
		lat_add(LAT_SEEN, rdtsc() - done);
}

void lat_irq_enter(void)
{
	lat.irq_entry = lat_stages_on ? rdtsc() : 0;
}

void lat_irq_exit(void)
{
	lat.irq_entry = 0;
}

/*
 * The floor: what the hardware interface costs with no work behind it.
 * TDT written with the value it has makes the NIC look at the ring and
 * find nothing new; STATUS is a plain register read.  Interrupts off.
 */
void lat_measure_floor(struct e1000 *nic, unsigned n)
{
	uint64_t irq = irq_save();

	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = rdtsc(), t1;

		e1000_write(nic, E1000_TDT, nic->tx_tail);
		t1 = rdtsc();
		lat_add(LAT_FLOOR_TAIL, t1 - t0);
		t0 = rdtsc();
		(void)e1000_read(nic, E1000_STATUS);
		t1 = rdtsc();
		lat_add(LAT_FLOOR_READ, t1 - t0);
		t0 = rdtsc();
		t1 = rdtsc();
		lat_add(LAT_STAMP, t1 - t0);
	}
	irq_restore(irq);
}

static void print_stage(int s, uint64_t floor_p50)
{
	static const uint64_t q[][2] = { {1, 2}, {9, 10}, {99, 100}, {999, 1000}, {1, 1} };
	static const char *const qn[] = { "p50", "p90", "p99", "p999", "max" };
	const struct hist *h = &lat.h[s];
	uint64_t v[5];

	for (int i = 0; i < 5; i++)
		v[i] = hist_quantile(h, q[i][0], q[i][1]);
	printf("@lat stage=%s n=%llu", stage_name[s], (unsigned long long)h->n);
	for (int i = 0; i < 5; i++)
		printf(" %s_ns=%llu", qn[i], (unsigned long long)tsc_to_ns(v[i]));
	for (int i = 0; i < 5; i++)
		printf(" %s_cyc=%llu", qn[i], (unsigned long long)v[i]);
	/* p50 over the bare tail write's p50, in hundredths */
	printf(" x_floor=%llu.%02llu\n", (unsigned long long)(v[0] * 100 / floor_p50 / 100),
	       (unsigned long long)(v[0] * 100 / floor_p50 % 100));
}

void lat_print(void)
{
	uint64_t floor = hist_quantile(&lat.h[LAT_FLOOR_TAIL], 1, 2);

	if (floor == 0)
		floor = 1;
	for (int s = 0; s < LAT_NSTAGES; s++)
		if (lat.h[s].n)
			print_stage(s, floor);
}
