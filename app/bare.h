/*
 * app/bare.h - the bare paths: what QEMU's e1000 allows with no stack and
 * no sockets in the way.  Each gives one of the send path's figures its
 * floor (README, "Floors"):
 *
 *   send call   bare_measure_floors: a tail write that carries a frame
 *               already built and posted, timed like the call
 *   packets/s   mode=blast: prebuilt frames posted batch by batch
 *   round trip  mode=reflect: every UDP frame received goes straight back
 *               from the receive ring to the transmit ring, addresses swapped
 */
#ifndef BARE_H
#define BARE_H

#include <stdint.h>

#include "kernel/cmdline.h"
#include "kernel/kernel.h"

#define BARE_FLOOR_PORT	9	/* the floor's frames go to the discard port */

/*
 * n samples each of LAT_FLOOR_XMIT (size-byte datagrams to dst's discard
 * port, built as sendmsg builds them), LAT_FLOOR_TAIL and LAT_FLOOR_READ.
 * dst's next hop must be resolved already; without it, no LAT_FLOOR_XMIT.
 */
void bare_measure_floors(uint32_t dst, uint16_t sport, uint32_t size, unsigned n);

/* mode=blast: cfg->count datagrams to cfg->dst as fast as the ring takes them. */
enum exit_code bare_blast(const struct config *cfg);

/* mode=reflect: send back every UDP frame for us, cfg->count of them (0: forever). */
enum exit_code bare_reflect(const struct config *cfg);

#endif
