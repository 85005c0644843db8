/*
 * tests/unit/nic_model.c - the model e1000; see nic_model.h.  Checksum
 * offload is modelled as QEMU's e1000 does it (putsum): the ones'
 * complement sum from the context's TUCSS to the end of the frame, the
 * field's seed included, complemented; a computed 0 is sent as 0xFFFF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/nic_model.h"

#define BAR0_SIZE	0x20000

static uint32_t bar0[BAR0_SIZE / 4];
struct nic_model model;

/* What the model is, for the driver: an 82540EM (tests may say otherwise). */
static const struct e1000_hw model_hw = {
	0x100E, "82540EM", E1000_EERD_DONE, E1000_EERD_ADDR_SHIFT, 0
};

void nic_model_attach(struct e1000 *nic)
{
	memset(bar0, 0, sizeof(bar0));
	model.nsent = model.rx_overruns = 0;
	model.tucss = model.tucso = 0;
	model.eeprom_dead = model.reset_ticks = model.eerd_82574 = 0;
	nic->regs = bar0;
	nic->hw = &model_hw;
	bar0[E1000_STATUS / 4] = E1000_STATUS_LU;	/* the link is up */
}

void nic_model_tick(struct e1000 *nic)
{
	uint32_t eerd = e1000_read(nic, E1000_EERD);
	/* EERD: the 8254x's fields, or the 82574's (DONE bit 1, address bits 15:2) */
	uint32_t done = model.eerd_82574 ? 1u << 1 : 1u << 4;
	unsigned shift = model.eerd_82574 ? 2 : 8, limit = model.eerd_82574 ? 0x3FFF : 0xFF;

	if (e1000_read(nic, E1000_CTRL) & E1000_CTRL_RST) {
		if (model.reset_ticks == 0)
			e1000_write(nic, E1000_CTRL, e1000_read(nic, E1000_CTRL) & ~E1000_CTRL_RST);
		else if (model.reset_ticks > 0)
			model.reset_ticks--;
	}
	if ((eerd & E1000_EERD_START) && !(eerd & done) && !model.eeprom_dead &&
	    ((eerd >> shift) & limit) < 64) {
		uint32_t word = (eerd >> shift) & limit;

		e1000_write(nic, E1000_EERD, (eerd & 0xFFFF) | done |
			    (uint32_t)model.eeprom[word] << E1000_EERD_DATA_SHIFT);
	}
}

static void *dma_ptr(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

static struct e1000_tx_desc *tx_ring(const struct e1000 *nic, uint32_t *count)
{
	*count = e1000_read(nic, E1000_TDLEN) / sizeof(struct e1000_tx_desc);
	return dma_ptr((uint64_t)e1000_read(nic, E1000_TDBAH) << 32 |
		       e1000_read(nic, E1000_TDBAL));
}

/*
 * A context descriptor (3.3.6: extended, DTYP 0, which lands in the high
 * nibble of the legacy layout's cso): remember where the UDP checksum goes.
 */
static int take_context(struct e1000_tx_desc *d)
{
	const uint8_t *b = (const uint8_t *)d;

	if (!(d->cmd & E1000_TXD_CMD_DEXT) || (d->cso & 0xF0) != 0)
		return 0;
	model.tucss = b[4];
	model.tucso = b[5];
	if (d->cmd & E1000_TXD_CMD_RS)
		d->status |= E1000_TXD_STAT_DD;
	return 1;
}

/* Does a whole frame (up to a descriptor with EOP) lie in [head, TDT)? */
static int frame_ready(const struct e1000 *nic, uint32_t head)
{
	uint32_t count, tail = e1000_read(nic, E1000_TDT);
	const struct e1000_tx_desc *ring = tx_ring(nic, &count);

	for (uint32_t i = head; i != tail; i = (i + 1) % count)
		if (ring[i].cmd & E1000_TXD_CMD_EOP)
			return 1;
	return 0;
}

static void udp_csum(struct sent_frame *f)
{
	uint32_t sum = 0;

	for (uint32_t i = model.tucss; i < f->len; i += 2)
		sum += (uint32_t)(f->data[i] << 8 | (i + 1 < f->len ? f->data[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	sum = ~sum & 0xFFFF;
	if (!sum)
		sum = 0xFFFF;
	f->data[model.tucso] = (uint8_t)(sum >> 8);
	f->data[model.tucso + 1] = (uint8_t)sum;
}

/* Send the frame at head: gather its bytes, write back DD where RS is set. */
static uint32_t send_one(struct e1000 *nic, uint32_t head)
{
	uint32_t count;
	struct e1000_tx_desc *ring = tx_ring(nic, &count);
	int txsm = (ring[head].cmd & E1000_TXD_CMD_DEXT) &&
		   (ring[head].css & E1000_TXD_POPTS_TXSM);
	struct sent_frame *f;
	int eop;

	assert_true(model.nsent < NIC_MODEL_MAX_SENT);
	f = &model.sent[model.nsent++];
	f->len = f->ndesc = 0;
	do {
		struct e1000_tx_desc *d = &ring[head];

		if (f->len + d->length > E1000_MAX_FRAME)
			fail_msg("model: frame %u longer than %u bytes", model.nsent - 1,
				 E1000_MAX_FRAME);
		memcpy(f->data + f->len, dma_ptr(d->addr), d->length);
		f->len += d->length;
		f->ndesc++;
		eop = d->cmd & E1000_TXD_CMD_EOP;
		if (d->cmd & E1000_TXD_CMD_RS)
			d->status |= E1000_TXD_STAT_DD;
		head = (head + 1) % count;
	} while (!eop);
	if (txsm)
		udp_csum(f);
	return head;
}

uint32_t nic_model_tx(struct e1000 *nic, uint32_t max_frames)
{
	uint32_t count, head = e1000_read(nic, E1000_TDH), n = 0;
	struct e1000_tx_desc *ring = tx_ring(nic, &count);

	while (n < max_frames && head != e1000_read(nic, E1000_TDT)) {
		if (take_context(&ring[head])) {
			head = (head + 1) % count;
			continue;
		}
		if (!frame_ready(nic, head))
			break;
		head = send_one(nic, head);
		n++;
	}
	e1000_write(nic, E1000_TDH, head);
	return n;
}

int nic_model_rx(struct e1000 *nic, const uint8_t *frame, uint32_t len,
		 enum nic_rx_fault fault)
{
	uint64_t base = (uint64_t)e1000_read(nic, E1000_RDBAH) << 32 |
			e1000_read(nic, E1000_RDBAL);
	uint32_t count = e1000_read(nic, E1000_RDLEN) / sizeof(struct e1000_rx_desc);
	uint32_t head = e1000_read(nic, E1000_RDH);
	struct e1000_rx_desc *d = (struct e1000_rx_desc *)dma_ptr(base) + head;

	if (head == e1000_read(nic, E1000_RDT)) {	/* no buffer: missed, as QEMU counts it */
		model.rx_overruns++;
		e1000_write(nic, E1000_MPC, e1000_read(nic, E1000_MPC) + 1);
		e1000_write(nic, E1000_RNBC, e1000_read(nic, E1000_RNBC) + 1);
		e1000_write(nic, E1000_ICR, e1000_read(nic, E1000_ICR) | E1000_INT_RXO);
		return -1;
	}
	assert_true(len <= E1000_RX_BUF_SIZE);
	memcpy(dma_ptr(d->addr), frame, len);
	d->length = (uint16_t)len;
	d->errors = fault == RX_CRC_ERROR ? 0x01 : 0;
	d->status = E1000_RXD_STAT_DD | (fault == RX_NO_EOP ? 0 : E1000_RXD_STAT_EOP);
	e1000_write(nic, E1000_RDH, (head + 1) % count);
	e1000_write(nic, E1000_ICR, e1000_read(nic, E1000_ICR) | E1000_INT_RXT0);
	return 0;
}
