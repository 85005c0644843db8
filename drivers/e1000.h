/*
 * drivers/e1000.h - the Intel 8254x (e1000) and 82574L (e1000e) driver: one
 * NIC, one TX ring, one RX ring; interrupts through the IOAPIC, or by MSI-X
 * on the 82574L.
 *
 * Transmit: e1000_tx_post() puts one frame of 1..E1000_MAX_SEGS segments on
 * the ring (the segments are the caller's memory: zero-copy gather);
 * e1000_tx_kick() hands everything posted to the NIC with one TDT write.
 * When the NIC has sent a frame, reclaim calls tx_done(cookie, on_wire) for
 * it, in the interrupt handler, or in e1000_tx_reclaim() for a caller that
 * polls; on_wire is 0 if the link was down when the frame was handed over.
 *
 * Receive: e1000_rx_poll hands every good frame to rx_handler, and its
 * buffer goes back to the NIC when the handler returns.  It runs in the
 * interrupt handler, or in a caller that looks at the ring itself
 * (recvmsg's busy poll, mode=reflect).
 *
 * The functions that touch the rings (e1000_tx_*, e1000_rx_poll) run with
 * interrupts disabled: the interrupt handler is the other user of the
 * rings, and on one CPU that is the whole lock.  e1000_attach runs with
 * interrupts on (it waits for the link), before the rings have any other
 * user; the set-up and statistics calls and the inline readers of counters
 * may run with interrupts on.
 */
#ifndef E1000_H
#define E1000_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/e1000_regs.h"

#define E1000_MAX_SEGS		16	/* descriptors one frame may use */
#define E1000_TX_HDR_SIZE	128	/* per-slot header buffer, 2 cache lines */
#define E1000_MIN_FRAME		60	/* Ethernet minimum without the FCS */
#define E1000_MAX_FRAME		1514	/* without the FCS; no jumbo frames */

struct e1000_seg {
	const void *addr;
	uint32_t len;
};

typedef void (*e1000_tx_done_t)(void *arg, void *cookie, int on_wire);
typedef void (*e1000_rx_handler_t)(void *arg, const uint8_t *frame, uint32_t len);

/* Counters: the MAC's (clear-on-read, accumulated) and the driver's own. */
struct e1000_stats {
	uint64_t gptc, gprc;		/* good packets sent / received (MAC) */
	uint64_t gotc, gorc;		/* good octets sent / received (MAC) */
	uint64_t tpt, tpr;		/* total packets sent / received (MAC) */
	uint64_t mpc, rnbc, crcerrs;	/* missed, no buffer, CRC errors (MAC) */
	uint64_t roc;			/* oversized frames dropped (MAC) */
	uint64_t tx_posted;		/* frames put on the ring */
	uint64_t tx_done;		/* frames the NIC reported done */
	uint64_t tx_kicks;		/* TDT writes */
	uint64_t tx_contexts;		/* context descriptors (checksum offload set-up) */
	uint64_t tx_offline;		/* frames handed over while the link was down */
	uint64_t tx_resets;		/* transmit timeouts: the transmit unit reset */
	uint64_t tx_aborted;		/* frames a reset took off the ring unsent */
	uint64_t rx_frames;		/* frames handed to rx_handler */
	uint64_t rx_errors;		/* frames dropped: error bits, or no EOP */
	uint64_t rx_overruns;		/* RXO interrupts */
	uint64_t irqs;			/* interrupts that were ours */
};

/* Driver bookkeeping for one TX slot; meaningful at a frame's first slot. */
struct e1000_tx_slot {
	uint16_t nseg;		/* descriptors the frame uses */
	uint8_t context;	/* a context descriptor, not a frame */
	uint8_t offline;	/* the link was down when it was handed over */
	void *cookie;		/* handed to tx_done on completion */
};

/*
 * What differs between the NICs this driver takes (drivers/e1000_hw.c has
 * the table): the rings, descriptors and most registers are the same.
 */
struct e1000_hw {
	uint16_t device;		/* PCI device ID */
	const char *model;		/* "82540EM" ... */
	uint32_t eerd_done;		/* EERD's DONE bit */
	uint8_t eerd_addr_shift;	/* where EERD takes the word's address */
	uint8_t msix;			/* PCI Express with MSI-X: the 82574 */
};

extern const struct e1000_hw e1000_hw_table[];
extern const int e1000_hw_count;

/* The table's entry for a PCI device ID, or NULL. */
const struct e1000_hw *e1000_hw_find(uint16_t device);

/*
 * The driver's state.  Ring ownership, as the manual's 3.2.6/3.4 have it:
 *   TX: slots [tx_clean, tx_tail) hold frames posted and not yet reclaimed
 *       (the NIC's, once TDT has passed them); [tx_tail, tx_clean - 1) are
 *       free for the driver.  One slot stays empty so full != empty.
 *   RX: the NIC owns [RDH, RDT) and fills them from RDH; the driver owns
 *       the filled slots [rx_next, RDH) until it gives them back, and slot
 *       RDT, held back empty so that RDH == RDT means "no buffers".
 */
struct e1000 {
	volatile uint32_t *regs;	/* BAR0, mapped uncached */
	const struct e1000_hw *hw;	/* the model's facts */
	const char *model;		/* "82540EM" ... */
	uint16_t device;		/* PCI device ID */
	uint8_t mac[6];
	int irq;			/* interrupt line (ISA IRQ number) */
	int link_up;			/* STATUS.LU, as the last LSC left it */

	struct e1000_tx_desc *tx_ring;
	uint32_t tx_count;		/* descriptors */
	uint32_t tx_tail;		/* next slot to fill; TDT at the next kick */
	uint32_t tx_clean;		/* next slot to reclaim */
	uint32_t tx_kicked;		/* TDT as last written: slots before it are the NIC's */
	struct e1000_tx_slot *tx_slot;	/* tx_count entries */
	uint8_t (*tx_hdr)[E1000_TX_HDR_SIZE];	/* tx_count header buffers */
	e1000_tx_done_t tx_done;
	void *tx_done_arg;

	struct e1000_rx_desc *rx_ring;
	uint32_t rx_count;
	uint32_t rx_next;		/* next slot the NIC will have filled */
	int rx_skip;			/* dropping the rest of a multi-buffer frame */
	uint8_t *rx_buf;		/* rx_count buffers of E1000_RX_BUF_SIZE */
	e1000_rx_handler_t rx_handler;
	void *rx_arg;

	struct e1000_stats stats;
};

/* Find a supported NIC on PCI and bring it up; NULL if there is none. */
struct e1000 *e1000_attach(uint32_t txring, uint32_t rxring, int msix);

/* Bringing the NIC up, by its registers (drivers/e1000_hw.c). */
int e1000_reset(struct e1000 *nic);
int e1000_eeprom_read(struct e1000 *nic, uint8_t word);
void e1000_read_mac(struct e1000 *nic);
void e1000_general_config(struct e1000 *nic);
void e1000_wait_for_link(struct e1000 *nic);

/* The interrupt handler and the link (drivers/e1000_intr.c). */
void e1000_intr(void *arg);
void e1000_link_changed(struct e1000 *nic);

/* The rings (drivers/e1000_ring.c): set-up, then the fast path. */
void e1000_set_tx_done(struct e1000 *nic, e1000_tx_done_t fn, void *arg);
void e1000_set_rx_handler(struct e1000 *nic, e1000_rx_handler_t fn, void *arg);
int e1000_tx_init(struct e1000 *nic, uint32_t count);
int e1000_rx_init(struct e1000 *nic, uint32_t count);
void e1000_msix_tx(void *arg);
void e1000_msix_rx(void *arg);
void e1000_msix_other(void *arg);
int e1000_tx_post(struct e1000 *nic, const struct e1000_seg *seg, int nseg, void *cookie);
int e1000_tx_post_udp(struct e1000 *nic, const struct e1000_seg *seg, int nseg, void *cookie);
int e1000_tx_set_udp_offload(struct e1000 *nic, uint8_t ip_start, uint8_t udp_start);
void e1000_tx_kick(struct e1000 *nic);
void e1000_tx_kick_empty(struct e1000 *nic);
uint32_t e1000_tx_reclaim(struct e1000 *nic);
void e1000_tx_timeout(struct e1000 *nic);
uint32_t e1000_rx_poll(struct e1000 *nic);

/* Accumulate the MAC's statistics counters and print "@stats ...". */
void e1000_stats_print(struct e1000 *nic);

static inline uint32_t e1000_read(const struct e1000 *nic, uint32_t reg)
{
	return nic->regs[reg / 4];
}

static inline void e1000_write(struct e1000 *nic, uint32_t reg, uint32_t v)
{
	nic->regs[reg / 4] = v;
}

/*
 * What the layers above may know of the NIC, by name: its MAC, the link
 * as the last link-change interrupt left it, and how many descriptors the
 * ring can ever have free (one slot stays empty).
 */
static inline const uint8_t *e1000_mac(const struct e1000 *nic)
{
	return nic->mac;
}

static inline int e1000_link_up(const struct e1000 *nic)
{
	return nic->link_up;
}

static inline uint32_t e1000_tx_capacity(const struct e1000 *nic)
{
	return nic->tx_count - 1;
}

/* Descriptors the driver may fill now. */
static inline uint32_t e1000_tx_free(const struct e1000 *nic)
{
	uint32_t used = nic->tx_tail >= nic->tx_clean ?
			nic->tx_tail - nic->tx_clean :
			nic->tx_tail + nic->tx_count - nic->tx_clean;

	return nic->tx_count - 1 - used;
}

/* The header buffer of the slot the next posted frame will start at. */
static inline uint8_t *e1000_tx_hdr_next(struct e1000 *nic)
{
	return nic->tx_hdr[nic->tx_tail];
}

/*
 * Interrupts taken, and whether frames are still on the transmit ring:
 * inline, so that a loop that waits for the interrupt handler (which
 * changes both) calls nothing.
 */
static inline uint64_t e1000_irq_count(const struct e1000 *nic)
{
	return __atomic_load_n(&nic->stats.irqs, __ATOMIC_RELAXED);
}

/* Frames the NIC has finished so far (never falls): progress, for a watchdog. */
static inline uint64_t e1000_tx_completed(const struct e1000 *nic)
{
	return __atomic_load_n(&nic->stats.tx_done, __ATOMIC_RELAXED);
}

static inline int e1000_tx_busy(const struct e1000 *nic)
{
	return __atomic_load_n(&nic->tx_clean, __ATOMIC_RELAXED) != nic->tx_tail;
}

/* The link as STATUS.LU says it is now: one register read. */
static inline int e1000_link_now(const struct e1000 *nic)
{
	return (e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU) != 0;
}

#endif
