/*
 * kernel/lat.h - where the time of a send goes: TSC stamps at the stage
 * boundaries of the send path, one log-linear histogram per stage, and the
 * floor they are measured against (a bare tail write, a bare register
 * read), printed as "@lat" lines at the end of a run (README lists them).
 *
 * The stage stamps cost a few rdtsc a send, so they are taken only with
 * stages=1 on the command line; LAT_CALL (the application's own two stamps
 * around each send call) and the floors are always measured.
 */
#ifndef LAT_H
#define LAT_H

#include <stdint.h>

#include "kernel/x86.h"

enum lat_stage {
	LAT_CALL,	/* one sendmsg (or sendmmsg) call, entry to return */
	LAT_RESOLVE,	/* entry -> checks done, route and next hop's MAC known */
	LAT_BUILD,	/* -> headers built, payload copied or gathered */
	LAT_POST,	/* -> descriptors written */
	LAT_TAIL,	/* the tail write itself; QEMU sends the frame inside it */
	LAT_TO_IRQ,	/* tail write returned -> TX interrupt entry */
	LAT_RECLAIM,	/* TX interrupt entry -> descriptors reclaimed in it */
	LAT_POLLED,	/* tail write returned -> reclaimed by a sender's own look */
	LAT_SEEN,	/* reclaimed -> the caller sees its frame done */
	LAT_FLOOR_TAIL,	/* a bare tail write that hands the NIC nothing new */
	LAT_FLOOR_READ,	/* a bare register read (STATUS) */
	LAT_STAMP,	/* two stamps back to back: the cost of one stamp */
	LAT_NSTAGES
};

struct e1000;

extern int lat_stages_on;	/* stages=1 */

void lat_init(int stages);
void lat_add(enum lat_stage s, uint64_t cycles);

/* Per-frame stamps, keyed by the socket's datagram sequence number. */
void lat_frame_sent(uint64_t seq, uint64_t tail_done);
void lat_frame_done(uint64_t seq);
void lat_frame_seen(uint64_t seq);

/* Around the e1000 interrupt handler. */
void lat_irq_enter(void);
void lat_irq_exit(void);

/* Measure the floors and the stamp cost, n samples each. */
void lat_measure_floor(struct e1000 *nic, unsigned n);

/* "@lat stage=... " for every stage with samples. */
void lat_print(void);

#endif
