/*
 * kernel/lat.c - per-stage histograms of the send path; see lat.h.
 *
 * Stamps are raw TSC reads (rdtsc, not serializing: a stamp may move a few
 * cycles relative to the instructions around it; LAT_STAMP says what one
 * costs here).  Stamp points run with interrupts off, in the send path or
 * the interrupt handler, never both at once.
 */
#include <stdio.h>

#include "kernel/hist.h"
#include "kernel/lat.h"
#include "kernel/patch.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define LAT_FRAMES	4096	/* frames in flight we can follow: the largest ring */

static const char *const stage_name[LAT_NSTAGES] = {
	"call", "call_irq", "resolve", "build", "post", "tail", "to_irq", "reclaim", "polled", "seen",
	"intr", "floor_xmit", "floor_tail", "floor_read", "stamp",
};

/* One stamp point, as lat.h's lat_stamp() records it. */
struct stamp_site {
	int32_t nop;		/* the nop, from this field */
	int32_t code;		/* the stamping code, from this field */
};

/* The linker's bounds of __stamp_sites; weak: a build with no stamp points has none. */
extern const struct stamp_site __start___stamp_sites[] __attribute__((weak));
extern const struct stamp_site __stop___stamp_sites[] __attribute__((weak));

static struct {
	struct hist h[LAT_NSTAGES];
	uint64_t at[LAT_NPOINTS];	/* when each point was last passed; at[LAT_AT_IRQ]
					   is 0 outside the interrupt handler */
	uint64_t unsent_first;		/* datagrams posted, not yet kicked: [first, end) */
	uint64_t unsent_end;
	uint64_t tail_done[LAT_FRAMES];	/* when the frame's tail write returned */
	uint64_t reclaimed[LAT_FRAMES];	/* when its descriptors were reclaimed */
} lat;

static void stamp_sites_on(void)
{
	unsigned n = 0, bad = 0;

	for (const struct stamp_site *s = __start___stamp_sites; s < __stop___stamp_sites; s++) {
		uint8_t *nop = (uint8_t *)&s->nop + s->nop;
		const uint8_t *code = (const uint8_t *)&s->code + s->code;

		if (patch_nop_to_jmp(nop, code) < 0)
			bad++;
		n++;
	}
	patch_sync();
	printf("lat: %u stamp points patched in%s\n", n - bad, bad ? " (some refused)" : "");
}

void lat_init(int stages)
{
	uint64_t flags = irq_save();

	for (int i = 0; i < LAT_NSTAGES; i++)
		hist_reset(&lat.h[i]);
	if (stages)
		stamp_sites_on();
	irq_restore(flags);
}

void lat_add(enum lat_stage s, uint64_t cycles)
{
	hist_add(&lat.h[s], cycles);
}

static void frame_posted(uint64_t seq)
{
	if (lat.unsent_first == lat.unsent_end)
		lat.unsent_first = seq;
	lat.unsent_end = seq + 1;
}

static void frames_kicked(uint64_t now)
{
	for (uint64_t seq = lat.unsent_first; seq < lat.unsent_end; seq++)
		lat.tail_done[seq % LAT_FRAMES] = now;
	lat.unsent_first = lat.unsent_end;
}

/* In the TX interrupt, or in a sender's own look at the ring. */
static void frame_done(uint64_t seq, uint64_t now)
{
	uint64_t sent = lat.tail_done[seq % LAT_FRAMES], irq = lat.at[LAT_AT_IRQ];

	if (!sent)
		return;
	if (irq) {
		lat_add(LAT_TO_IRQ, irq > sent ? irq - sent : 0);
		lat_add(LAT_RECLAIM, now - irq);
	} else {
		lat_add(LAT_POLLED, now - sent);
	}
	lat.reclaimed[seq % LAT_FRAMES] = now;
}

/*
 * The stamping code of a patched-in stamp point: the stage that ends at p
 * gets now minus its start; the per-frame points follow each datagram.
 * [lab 6.2]
 */
void lat_stamp_hit(enum lat_point p, uint64_t arg)
{
	uint64_t now = rdtsc();

	switch (p) {
	case LAT_AT_RESOLVED:	lat_add(LAT_RESOLVE, now - lat.at[LAT_AT_START]); break;
	case LAT_AT_BUILT:	lat_add(LAT_BUILD, now - lat.at[LAT_AT_READY]); break;
	case LAT_AT_POSTED:	lat_add(LAT_POST, now - lat.at[LAT_AT_BUILT]);
				frame_posted(arg); break;
	case LAT_AT_KICKED:	lat_add(LAT_TAIL, now - lat.at[LAT_AT_KICK]);
				frames_kicked(now); break;
	case LAT_AT_DONE:	frame_done(arg, now); break;
	case LAT_AT_SEEN:
		if (lat.reclaimed[arg % LAT_FRAMES])
			lat_add(LAT_SEEN, now - lat.reclaimed[arg % LAT_FRAMES]);
		break;
	default:		break;
	}
	lat.at[p] = now;
	if (p == LAT_AT_IRQ_END)
		lat.at[LAT_AT_IRQ] = 0;
}

void lat_measure_stamp(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0 = rdtsc(), t1 = rdtsc();

		lat_add(LAT_STAMP, t1 - t0);
	}
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
	/* p50 over the floor's p50, in hundredths */
	printf(" x_floor=%llu.%02llu\n", (unsigned long long)(v[0] * 100 / floor_p50 / 100),
	       (unsigned long long)(v[0] * 100 / floor_p50 % 100));
}

/* x_floor is against the frame-carrying tail write, or the bare one without it. */
void lat_print(void)
{
	uint64_t floor = hist_quantile(&lat.h[LAT_FLOOR_XMIT], 1, 2);

	if (floor == 0)
		floor = hist_quantile(&lat.h[LAT_FLOOR_TAIL], 1, 2);
	if (floor == 0)
		floor = 1;
	for (int s = 0; s < LAT_NSTAGES; s++)
		if (lat.h[s].n)
			print_stage(s, floor);
}
