/*
 * tests/unit/nic_model.h - the model e1000 that the host unit tests run the
 * driver's ring code against (test_e1000_ring.c directly, test_net.c under
 * the whole stack).
 *
 * Its registers are a zeroed array the size of BAR0 (nic->regs points at
 * it), so the driver's stores to TDT and RDT land in plain memory.  Rings
 * and buffers are host memory, and descriptor addresses host pointers (the
 * kernel is identity-mapped, so the driver's dma_addr is the pointer
 * value); the model "DMAs" through them.  It finds the rings through
 * TDBAL/TDBAH/TDLEN and RDBAL/RDBAH/RDLEN, as the NIC does, so it also
 * checks what e1000_tx_init and e1000_rx_init wrote.
 */
#ifndef NIC_MODEL_H
#define NIC_MODEL_H

#include <stdint.h>

#include "drivers/e1000.h"

#define NIC_MODEL_MAX_SENT	4096	/* frames the model keeps */

struct sent_frame {
	uint32_t len;
	uint32_t ndesc;			/* descriptors it took */
	uint8_t data[E1000_MAX_FRAME];
};

/* What the model NIC has sent, in order, and what it refused. */
struct nic_model {
	struct sent_frame sent[NIC_MODEL_MAX_SENT];
	uint32_t nsent;
	uint32_t rx_overruns;		/* frames refused: no buffer (RDH == RDT) */
	uint8_t tucss, tucso;		/* the last context descriptor's UDP checksum place */
	uint16_t eeprom[64];		/* the EEPROM's words (5.6) */
	int eeprom_dead;		/* EERD never says DONE */
	int eerd_82574;			/* EERD has the 82574's fields, not the 8254x's */
	int reset_ticks;		/* ticks CTRL.RST stays set; -1: for ever */
};

extern struct nic_model model;

/* nic's registers become the model's, zeroed, the link up; nothing sent yet. */
void nic_model_attach(struct e1000 *nic);

/*
 * Time passes for the NIC (the test's delay_us calls this): a reset in
 * progress goes on, or ends and clears CTRL.RST; an EEPROM read started
 * with EERD.START ends with DONE and the word in EERD's top half.
 */
void nic_model_tick(struct e1000 *nic);

/*
 * The transmit side (manual 3.3, 3.4): up to max_frames whole frames from
 * TDH toward TDT, each gathered from its descriptors, its UDP checksum
 * filled in where the first descriptor asks (TXSM) as the last context
 * descriptor placed it, DD written back where RS is set; TDH advances.
 * Context descriptors are taken as they come.  Returns frames sent.
 */
uint32_t nic_model_tx(struct e1000 *nic, uint32_t max_frames);

enum nic_rx_fault {
	RX_GOOD,
	RX_CRC_ERROR,	/* errors = CE */
	RX_NO_EOP,	/* status DD without EOP */
};

/*
 * The receive side (3.2): one frame arrives.  If the NIC owns a buffer
 * (RDH != RDT) the frame goes into the buffer at RDH, length, errors and
 * status are written back and RDH advances; else it is refused and
 * counted, as the hardware counts RNBC.  0, or -1 for a refused frame.
 */
int nic_model_rx(struct e1000 *nic, const uint8_t *frame, uint32_t len,
		 enum nic_rx_fault fault);

#endif
