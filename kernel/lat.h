/*
 * kernel/lat.h - where the time of a send goes: TSC stamps at the stage
 * boundaries of the send path, one log-linear histogram per stage, and the
 * floors they are measured against, printed as "@lat" lines at the end of
 * a run (README lists them).
 *
 * A stamp point in the code is lat_stamp(point, arg): a 5-byte nop, and
 * the stamping code beside it, out of line.  stages=1 patches every nop
 * into a jump to its stamping code (lat_init, through kernel/patch.h);
 * otherwise the nop is all a stamp point costs.  LAT_CALL (the
 * application's two stamps around each send call), LAT_CALL_IRQ, LAT_INTR
 * (trap_dispatch's two around a device interrupt) and the floors are
 * measured always, by their callers, with lat_add(): two TSC reads and a
 * histogram bucket, tens of nanoseconds.
 */
#ifndef LAT_H
#define LAT_H

#include <stdint.h>

enum lat_stage {
	LAT_CALL,	/* one sendmsg (or sendmmsg) call, entry to return */
	LAT_CALL_IRQ,	/* ... those of them during which the NIC interrupted */
	LAT_RESOLVE,	/* entry -> checks done, route and next hop's MAC known */
	LAT_BUILD,	/* ring space found -> headers built, payload copied or gathered */
	LAT_POST,	/* -> descriptors written */
	LAT_TAIL,	/* the tail write itself; QEMU sends the frame inside it */
	LAT_TO_IRQ,	/* tail write returned -> TX interrupt entry */
	LAT_RECLAIM,	/* TX interrupt entry -> descriptors reclaimed in it */
	LAT_POLLED,	/* tail write returned -> reclaimed by a sender's own look */
	LAT_SEEN,	/* reclaimed -> the caller sees its frame done */
	LAT_INTR,	/* a device interrupt, the timer's excepted: handler and EOI */
	LAT_FLOOR_XMIT,	/* a tail write that carries a prepared frame: the call's floor */
	LAT_FLOOR_TAIL,	/* a bare tail write that hands the NIC nothing new */
	LAT_FLOOR_READ,	/* a bare register read (STATUS) */
	LAT_STAMP,	/* two stamps back to back: the cost of one stamp */
	LAT_NSTAGES
};

/* The stamp points; each ends the stage named beside it, if any. */
enum lat_point {
	LAT_AT_START,	/* a message's turn in the send path begins */
	LAT_AT_RESOLVED,	/* LAT_RESOLVE */
	LAT_AT_READY,	/* ring space found */
	LAT_AT_BUILT,	/* LAT_BUILD */
	LAT_AT_POSTED,	/* LAT_POST; arg: the datagram's number on its socket */
	LAT_AT_KICK,	/* the tail write begins */
	LAT_AT_KICKED,	/* LAT_TAIL; the datagrams posted since the last one are out */
	LAT_AT_IRQ,	/* the NIC's interrupt handler begins */
	LAT_AT_IRQ_END,	/* ... and ends */
	LAT_AT_DONE,	/* LAT_TO_IRQ and LAT_RECLAIM, or LAT_POLLED; arg: the number */
	LAT_AT_SEEN,	/* LAT_SEEN; arg: the number */
	LAT_NPOINTS
};

/* Reset the histograms; stages: patch the stamp points in. */
void lat_init(int stages);
void lat_add(enum lat_stage s, uint64_t cycles);

/* The stamping code of a patched-in stamp point. */
void lat_stamp_hit(enum lat_point p, uint64_t arg);

/* LAT_STAMP: n pairs of back-to-back TSC reads. */
void lat_measure_stamp(unsigned n);

/* "@lat stage=... " for every stage with samples. */
void lat_print(void);

#ifdef LAT_NO_STAMPS
/* The bench's build without any instrument hooks: no stamp points at all. */
static inline void lat_stamp(enum lat_point p, uint64_t arg)
{
	(void)p;
	(void)arg;
}
#else
/*
 * A stamp point: the nop, and its address and that of the stamping code in
 * the section __stamp_sites (two 32-bit offsets, each from its own field,
 * as Linux's jump labels keep them).  The compiler puts the code after
 * "on:" out of the straight path.
 */
static inline __attribute__((always_inline)) void lat_stamp(enum lat_point p, uint64_t arg)
{
	__asm__ goto("1:\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"
		     ".pushsection __stamp_sites, \"a\"\n\t"
		     ".balign 4\n\t"
		     ".long 1b - ., %l[on] - .\n\t"
		     ".popsection"
		     : : : : on);
	return;
on:
	lat_stamp_hit(p, arg);
}
#endif

#endif
