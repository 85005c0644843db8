/*
 * drivers/e1000_ring.c - the e1000's descriptor rings: the fast path.
 *
 * Transmit is two named steps, as in Plan 9's etherigbe: reclaim what the
 * NIC has finished (e1000_tx_reclaim), and fill the ring again
 * (e1000_tx_post, then one TDT write in e1000_tx_kick).  Receive walks the
 * ring from rx_next while descriptors say DD, and gives the buffers back
 * with one RDT write.
 *
 * Manual: 3.2 (receive descriptors and ring), 3.3/3.4 (transmit), 14.4/14.5
 * (ring set-up).  This file touches no other hardware than the rings, the
 * ring registers (base, length, head, tail) and STATUS, which the tail
 * write reads back for the link; so the host unit tests
 * (tests/unit/test_e1000_ring.c) run it against a model of the registers
 * and of DMA memory (tests/unit/nic_model.c).
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/e1000.h"
#include "kernel/x86.h"

/* Physical address of kernel memory: the kernel is identity-mapped. */
static uint64_t dma_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint32_t ring_add(uint32_t i, uint32_t n, uint32_t count)
{
	i += n;
	return i >= count ? i - count : i;
}

/* The NIC writes status by DMA behind the compiler's back. */
static uint8_t desc_status(const volatile uint8_t *status)
{
	return *status;
}

/* Who hears of finished frames, and who gets received ones. */
void e1000_set_tx_done(struct e1000 *nic, e1000_tx_done_t fn, void *arg)
{
	nic->tx_done_arg = arg;
	nic->tx_done = fn;
}

void e1000_set_rx_handler(struct e1000 *nic, e1000_rx_handler_t fn, void *arg)
{
	nic->rx_arg = arg;
	nic->rx_handler = fn;
}

/*
 * 14.5: the transmit ring of count descriptors, with the driver's slot
 * bookkeeping and a header buffer per slot; base, length, head and tail;
 * then transmit on (TCTL: pad short frames, the collision settings of
 * full duplex; TIPG; no transmit interrupt delay).  0, or -ENOMEM.
 * [lab 3.1]
 */
int e1000_tx_init(struct e1000 *nic, uint32_t count)
{
	uint64_t base;

	nic->tx_count = count;
	nic->tx_ring = memalign(4096, count * sizeof(struct e1000_tx_desc));
	nic->tx_slot = calloc(count, sizeof(struct e1000_tx_slot));
	nic->tx_hdr = memalign(64, count * (size_t)E1000_TX_HDR_SIZE);
	if (!nic->tx_ring || !nic->tx_slot || !nic->tx_hdr)
		return -ENOMEM;
	memset(nic->tx_ring, 0, count * sizeof(struct e1000_tx_desc));
	nic->tx_tail = nic->tx_clean = nic->tx_kicked = 0;
	base = dma_addr(nic->tx_ring);
	e1000_write(nic, E1000_TDBAL, (uint32_t)base);
	e1000_write(nic, E1000_TDBAH, (uint32_t)(base >> 32));
	e1000_write(nic, E1000_TDLEN, count * sizeof(struct e1000_tx_desc));
	e1000_write(nic, E1000_TDH, 0);
	e1000_write(nic, E1000_TDT, 0);
	e1000_write(nic, E1000_TIDV, 0);
	e1000_write(nic, E1000_TADV, 0);
	e1000_write(nic, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
		    0x0Fu << E1000_TCTL_CT_SHIFT | 0x40u << E1000_TCTL_COLD_SHIFT);
	e1000_write(nic, E1000_TIPG, E1000_TIPG_DEFAULT);
	return 0;
}

/*
 * 14.4: the receive ring of count descriptors, each with its buffer of
 * E1000_RX_BUF_SIZE bytes; base, length, head, and a tail that hands the
 * NIC every buffer but one (RDH == RDT means "no buffers"); an interrupt
 * per frame, no delay; then receive on (RCTL: broadcasts, strip the CRC,
 * 2048-byte buffers).  0, or -ENOMEM.
 * [lab 4.3]
 */
int e1000_rx_init(struct e1000 *nic, uint32_t count)
{
	uint64_t base;

	nic->rx_count = count;
	nic->rx_ring = memalign(4096, count * sizeof(struct e1000_rx_desc));
	nic->rx_buf = memalign(4096, count * (size_t)E1000_RX_BUF_SIZE);
	if (!nic->rx_ring || !nic->rx_buf)
		return -ENOMEM;
	memset(nic->rx_ring, 0, count * sizeof(struct e1000_rx_desc));
	for (uint32_t i = 0; i < count; i++)
		nic->rx_ring[i].addr = dma_addr(nic->rx_buf + (size_t)i * E1000_RX_BUF_SIZE);
	nic->rx_next = 0;
	base = dma_addr(nic->rx_ring);
	e1000_write(nic, E1000_RDBAL, (uint32_t)base);
	e1000_write(nic, E1000_RDBAH, (uint32_t)(base >> 32));
	e1000_write(nic, E1000_RDLEN, count * sizeof(struct e1000_rx_desc));
	e1000_write(nic, E1000_RDH, 0);
	e1000_write(nic, E1000_RDT, count - 1);
	e1000_write(nic, E1000_RDTR, 0);
	e1000_write(nic, E1000_RADV, 0);
	e1000_write(nic, E1000_ITR, 0);		/* no interrupt throttling */
	e1000_write(nic, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC |
		    E1000_RCTL_BSIZE_2048 | E1000_RCTL_RDMTS_HALF);
	return 0;
}

/* The checks of a frame before it takes ring slots; 0 or a negative errno. */
static int check_frame(const struct e1000 *nic, const struct e1000_seg *seg, int nseg)
{
	uint32_t total = 0;

	if (nseg < 1 || nseg > E1000_MAX_SEGS)
		return -EINVAL;
	for (int i = 0; i < nseg; i++) {
		if (seg[i].len == 0)
			return -EINVAL;
		if (seg[i].len > E1000_MAX_FRAME)	/* and the sum cannot overflow */
			return -EMSGSIZE;
		total += seg[i].len;
	}
	if (total > E1000_MAX_FRAME || (uint32_t)nseg > nic->tx_count - 1)
		return -EMSGSIZE;
	if ((uint32_t)nseg > e1000_tx_free(nic))
		return -EAGAIN;
	return 0;
}

/*
 * Put one frame on the ring, without telling the NIC yet: a legacy
 * descriptor (3.3.3) per segment, RS only on the last, so that the NIC
 * writes back DD once per frame (3.3.3.1); the frame's first slot keeps
 * its descriptor count and cookie for the reclaim.  Returns 0, -EINVAL
 * (no segments, too many, an empty one), -EMSGSIZE (over 1514 bytes, or
 * more descriptors than the ring can ever have free) or -EAGAIN (not
 * enough free descriptors now).
 * [lab 3.2]
 */
int e1000_tx_post(struct e1000 *nic, const struct e1000_seg *seg, int nseg, void *cookie)
{
	uint32_t first = nic->tx_tail, slot = first;
	int rc = check_frame(nic, seg, nseg);

	if (rc < 0)
		return rc;
	for (int i = 0; i < nseg; i++) {
		struct e1000_tx_desc *d = &nic->tx_ring[slot];

		d->addr = dma_addr(seg[i].addr);
		d->length = (uint16_t)seg[i].len;
		d->cso = 0;
		d->css = 0;
		d->special = 0;
		d->status = 0;
		d->cmd = i == nseg - 1 ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS : 0;
		slot = ring_add(slot, 1, nic->tx_count);
	}
	nic->tx_slot[first] = (struct e1000_tx_slot){ (uint16_t)nseg, 0, 0, cookie };
	nic->tx_tail = slot;
	nic->stats.tx_posted++;
	return 0;
}

/*
 * A frame's nseg descriptors from first on, made extended data descriptors
 * (3.3.7: DEXT, DTYP data), each asking the NIC to insert the UDP checksum
 * (POPTS.TXSM) where the last context descriptor says.  Each, not only the
 * first: the 8254x reads POPTS in a frame's first descriptor (3.3.7), but
 * QEMU's 82574 in its last.
 * [lab 5.2]
 */
static void mark_udp_csum(struct e1000 *nic, uint32_t first, int nseg)
{
	for (int i = 0; i < nseg; i++) {
		struct e1000_tx_desc *d = &nic->tx_ring[ring_add(first, (uint32_t)i, nic->tx_count)];

		d->cmd |= E1000_TXD_CMD_DEXT;
		d->cso = E1000_TXD_DTYP_DATA;
		d->css = E1000_TXD_POPTS_TXSM;
	}
}

/*
 * e1000_tx_post for a UDP datagram whose checksum field holds the
 * pseudo-header sum (RFC 768), folded, not complemented: the NIC adds the
 * UDP header and data to it and writes the result.
 * [lab 5.2]
 */
int e1000_tx_post_udp(struct e1000 *nic, const struct e1000_seg *seg, int nseg, void *cookie)
{
	uint32_t first = nic->tx_tail;
	int rc = e1000_tx_post(nic, seg, nseg, cookie);

	if (rc == 0)
		mark_udp_csum(nic, first, nseg);
	return rc;
}

/*
 * A TCP/IP context descriptor (3.3.6) for IPv4 and UDP: the IPv4 header at
 * ip_start, the UDP header at udp_start, checksum from there to the end of
 * the frame.  Taken by the NIC at the next tail write; 0 or -EAGAIN.
 * [lab 5.2]
 */
int e1000_tx_set_udp_offload(struct e1000 *nic, uint8_t ip_start, uint8_t udp_start)
{
	struct e1000_tx_ctx_desc c = {
		.ipcss = ip_start,
		.ipcso = (uint8_t)(ip_start + 10),
		.ipcse = (uint16_t)(udp_start - 1),
		.tucss = udp_start,
		.tucso = (uint8_t)(udp_start + 6),
		.tucse = 0,
		.cmd_and_length = E1000_TXD_TUCMD_IP | E1000_TXD_TUCMD_RS | E1000_TXD_TUCMD_DEXT,
	};
	uint32_t slot = nic->tx_tail;

	if (e1000_tx_free(nic) < 1)
		return -EAGAIN;
	memcpy(&nic->tx_ring[slot], &c, sizeof(c));
	nic->tx_slot[slot] = (struct e1000_tx_slot){ 1, 1, 0, NULL };
	nic->tx_tail = ring_add(slot, 1, nic->tx_count);
	nic->stats.tx_contexts++;
	return 0;
}

/*
 * Hand every posted descriptor to the NIC.  x86 keeps stores in order, so
 * the descriptors are in memory before the NIC can see the new TDT; the
 * barrier stops the compiler from reordering them.  (QEMU's e1000 sends
 * the frames inside this very write.)  Reading STATUS then flushes the
 * posted write and says whether the link was up as the frames went: if
 * not, they are marked offline, and their completion says so.
 * [lab 3.3]
 */
void e1000_tx_kick(struct e1000 *nic)
{
	barrier();
	e1000_write(nic, E1000_TDT, nic->tx_tail);
	nic->stats.tx_kicks++;
	if (!(e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU))
		for (uint32_t i = nic->tx_kicked; i != nic->tx_tail; i = ring_add(i, 1, nic->tx_count))
			nic->tx_slot[i].offline = 1;
	nic->tx_kicked = nic->tx_tail;
}

/*
 * A tail write that hands the NIC nothing: TDT written with the value it
 * has.  The NIC looks at the ring and finds no new descriptor, so this is
 * what the register write alone costs (a floor of the send path).
 */
void e1000_tx_kick_empty(struct e1000 *nic)
{
	e1000_write(nic, E1000_TDT, nic->tx_kicked);
}

/*
 * Reclaim finished frames, oldest first: a frame is done when its last
 * descriptor (the one with RS) has DD.  Calls tx_done for each; returns
 * how many.
 * [lab 3.4]
 */
uint32_t e1000_tx_reclaim(struct e1000 *nic)
{
	uint32_t n = 0;

	while (nic->tx_clean != nic->tx_tail) {
		const struct e1000_tx_slot *s = &nic->tx_slot[nic->tx_clean];
		uint32_t last = ring_add(nic->tx_clean, s->nseg - 1u, nic->tx_count);

		if (!(desc_status(&nic->tx_ring[last].status) & E1000_TXD_STAT_DD))
			break;
		nic->tx_clean = ring_add(last, 1, nic->tx_count);
		if (s->context)
			continue;
		nic->stats.tx_done++;
		nic->stats.tx_offline += s->offline;
		n++;
		if (nic->tx_done)
			nic->tx_done(nic->tx_done_arg, s->cookie, !s->offline);
	}
	return n;
}

/*
 * The transmit timeout (Linux's e1000_tx_timeout; the caller is the
 * watchdog, which saw the NIC finish nothing for a second): take what the
 * NIC did finish, then stop the transmit unit, end every frame still on
 * the ring as not sent (tx_done with on_wire 0, counted in tx_aborted: it
 * is never sent again, and its buffers are its owner's again), and start
 * the unit again on an empty ring, as e1000_tx_init left it (14.5).  A
 * context descriptor is gone with the rest: the caller posts it again.
 */
void e1000_tx_timeout(struct e1000 *nic)
{
	uint32_t tctl = e1000_read(nic, E1000_TCTL), aborted = 0;

	e1000_tx_reclaim(nic);
	e1000_write(nic, E1000_TCTL, tctl & ~E1000_TCTL_EN);
	while (nic->tx_clean != nic->tx_tail) {
		const struct e1000_tx_slot *s = &nic->tx_slot[nic->tx_clean];

		nic->tx_clean = ring_add(nic->tx_clean, s->nseg, nic->tx_count);
		if (s->context)
			continue;
		aborted++;
		if (nic->tx_done)
			nic->tx_done(nic->tx_done_arg, s->cookie, 0);
	}
	memset(nic->tx_ring, 0, nic->tx_count * sizeof(struct e1000_tx_desc));
	nic->tx_tail = nic->tx_clean = nic->tx_kicked = 0;
	e1000_write(nic, E1000_TDH, 0);
	e1000_write(nic, E1000_TDT, 0);
	e1000_write(nic, E1000_TCTL, tctl);
	nic->stats.tx_aborted += aborted;
	nic->stats.tx_resets++;
	printf("e1000: transmit timeout: %u frames dropped, transmit unit reset\n",
	       (unsigned)aborted);
}

/*
 * Hand every filled receive buffer to rx_handler, then give them all back
 * with one RDT write.  RDT = the last slot processed: that slot becomes the
 * one held back, and the NIC may fill every other.
 * [lab 4.3]
 */
uint32_t e1000_rx_poll(struct e1000 *nic)
{
	uint32_t n = 0, last = 0;

	for (;;) {
		struct e1000_rx_desc *d = &nic->rx_ring[nic->rx_next];
		uint8_t status = desc_status(&d->status);

		if (!(status & E1000_RXD_STAT_DD))
			break;
		barrier();	/* status before the data */
		if (!(status & E1000_RXD_STAT_EOP)) {
			nic->rx_skip = 1;	/* no LPE: no frame should span buffers */
			nic->stats.rx_errors++;
		} else if (nic->rx_skip || (d->errors & E1000_RXD_ERR_MASK)) {
			nic->rx_skip = 0;	/* the end of a bad frame, or a bad one */
			nic->stats.rx_errors++;
		} else {
			nic->stats.rx_frames++;
			if (nic->rx_handler)
				nic->rx_handler(nic->rx_arg, nic->rx_buf +
						(size_t)nic->rx_next * E1000_RX_BUF_SIZE, d->length);
		}
		d->status = 0;
		last = nic->rx_next;
		nic->rx_next = ring_add(nic->rx_next, 1, nic->rx_count);
		n++;
	}
	if (n)
		e1000_write(nic, E1000_RDT, last);
	return n;
}
