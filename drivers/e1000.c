/*
 * drivers/e1000.c - Intel 8254x gigabit Ethernet: finding the NIC, reset
 * and initialization, the interrupt handler, statistics.
 *
 * Follow along in Intel's "PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual" (317453): chapter 14 (general configuration,
 * receive and transmit initialization) is the order of e1000_attach() below.
 * The rings themselves are in e1000_ring.c.
 *
 * QEMU notes, each checked against hw/net/e1000.c: CTRL.RST resets none of
 * the registers this driver uses, so every one is written explicitly;
 * TDLEN/RDLEN are masked to multiples of 128 bytes; the transmit ring is
 * processed synchronously inside the TDT write and DD is written back only
 * where RS is set.  Nothing here relies on the synchronous part.  And
 * every RCTL write makes QEMU refuse received frames for 1 s of virtual
 * time (set_rx_control arms flush_queue_timer; can_receive is false while
 * it runs): frames that arrive meanwhile wait in QEMU's queue.  The first
 * ARP reply after boot is one of them, which is why ARP waits 1 s a try.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "drivers/e1000.h"
#include "drivers/pci.h"
#include "kernel/apic.h"
#include "kernel/console.h"
#include "kernel/lat.h"
#include "kernel/mem.h"
#include "kernel/time.h"

#define RESET_TIMEOUT_US	10000
#define EERD_TIMEOUT_US		10000
#define LINK_TIMEOUT_US		2000000

static const struct {
	uint16_t device;
	const char *model;
} supported[] = {
	{ 0x100E, "82540EM" },	/* QEMU -device e1000 */
	{ 0x100C, "82544GC" },	/* QEMU -device e1000-82544gc */
	{ 0x100F, "82545EM" },	/* QEMU -device e1000-82545em */
};

#define INTEL_VENDOR	0x8086

static struct e1000 e1000_dev;

/* 14.2: mask everything, reset, mask again (reset may unmask), clear ICR. */
static int e1000_reset(struct e1000 *nic)
{
	uint64_t waited = 0;

	e1000_write(nic, E1000_IMC, 0xFFFFFFFF);
	e1000_write(nic, E1000_CTRL, e1000_read(nic, E1000_CTRL) | E1000_CTRL_RST);
	delay_us(10);			/* the manual asks for at least 1 us */
	while (e1000_read(nic, E1000_CTRL) & E1000_CTRL_RST) {
		if (waited++ >= RESET_TIMEOUT_US)
			return -ETIMEDOUT;
		delay_us(1);
	}
	e1000_write(nic, E1000_IMC, 0xFFFFFFFF);
	(void)e1000_read(nic, E1000_ICR);
	return 0;
}

/* 5.3.1 / 13.4.4: one 16-bit EEPROM word through EERD; -1 on timeout. */
static int eeprom_read(struct e1000 *nic, uint8_t word)
{
	e1000_write(nic, E1000_EERD, E1000_EERD_START | (uint32_t)word << E1000_EERD_ADDR_SHIFT);
	for (int us = 0; us < EERD_TIMEOUT_US; us++) {
		uint32_t v = e1000_read(nic, E1000_EERD);

		if (v & E1000_EERD_DONE)
			return (int)(v >> E1000_EERD_DATA_SHIFT);
		delay_us(1);
	}
	return -1;
}

/*
 * The MAC address: EEPROM words 0-2 (5.6.1), cross-checked with RAL0/RAH0,
 * which the NIC loads from the EEPROM at power-up.  Then RAL0/RAH0 are
 * written back with Address Valid, so the receive filter matches it.
 */
static void e1000_read_mac(struct e1000 *nic)
{
	uint32_t ral = e1000_read(nic, E1000_RAL0), rah = e1000_read(nic, E1000_RAH0);
	uint8_t ra[6] = { ral, ral >> 8, ral >> 16, ral >> 24, rah, rah >> 8 };
	int ok = 1;

	for (int i = 0; i < 3; i++) {
		int w = eeprom_read(nic, (uint8_t)i);

		ok &= w >= 0;
		nic->mac[2 * i] = (uint8_t)w;
		nic->mac[2 * i + 1] = (uint8_t)(w >> 8);
	}
	for (int i = 0; ok && i < 6; i++)
		if (nic->mac[i] != ra[i]) {
			printf("e1000: EEPROM MAC differs from RAL0/RAH0; using the EEPROM's\n");
			break;
		}
	if (!ok) {
		printf("e1000: EEPROM read timed out; using RAL0/RAH0\n");
		for (int i = 0; i < 6; i++)
			nic->mac[i] = ra[i];
	}
	e1000_write(nic, E1000_RAL0, (uint32_t)nic->mac[0] | nic->mac[1] << 8 |
		    nic->mac[2] << 16 | (uint32_t)nic->mac[3] << 24);
	e1000_write(nic, E1000_RAH0, (uint32_t)nic->mac[4] | nic->mac[5] << 8 | E1000_RAH_AV);
}

/* 14.3: link up, auto speed; no flow control; no multicast. */
static void e1000_general_config(struct e1000 *nic)
{
	uint32_t ctrl = e1000_read(nic, E1000_CTRL);

	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_VME);
	e1000_write(nic, E1000_CTRL, ctrl);
	e1000_write(nic, E1000_FCAL, 0);
	e1000_write(nic, E1000_FCAH, 0);
	e1000_write(nic, E1000_FCT, 0);
	e1000_write(nic, E1000_FCTTV, 0);
	for (int i = 0; i < E1000_MTA_WORDS; i++)
		e1000_write(nic, E1000_MTA + 4 * i, 0);
}

/* 14.4 receive and 14.5 transmit initialization, after the rings. */
static void e1000_enable_rxtx(struct e1000 *nic)
{
	e1000_ring_program(nic);
	e1000_write(nic, E1000_RDTR, 0);	/* interrupt per frame, no delay */
	e1000_write(nic, E1000_RADV, 0);
	e1000_write(nic, E1000_TIDV, 0);
	e1000_write(nic, E1000_TADV, 0);
	e1000_write(nic, E1000_ITR, 0);		/* no interrupt throttling */
	e1000_write(nic, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC |
		    E1000_RCTL_BSIZE_2048 | E1000_RCTL_RDMTS_HALF);
	e1000_write(nic, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
		    0x0Fu << E1000_TCTL_CT_SHIFT | 0x40u << E1000_TCTL_COLD_SHIFT);
	e1000_write(nic, E1000_TIPG, E1000_TIPG_DEFAULT);
}

/* Only console_* here: this runs in the interrupt handler too. */
static void e1000_link_changed(struct e1000 *nic)
{
	nic->link_up = (e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU) != 0;
	console_puts(nic->link_up ? "@link up\n" : "@link down\n");
}

/*
 * The interrupt handler.  Reading ICR clears it and deasserts INTx (13.4.17),
 * so the line is quiet before trap.c sends the EOI.  ICR == 0: not ours.
 */
static void e1000_intr(void *arg)
{
	struct e1000 *nic = arg;
	uint32_t icr = e1000_read(nic, E1000_ICR);

	if (!icr)
		return;
	lat_stamp(LAT_AT_IRQ, 0);
	nic->stats.irqs++;
	if (icr & E1000_INT_TXDW)
		e1000_tx_reclaim(nic);
	if (icr & E1000_INT_LSC)
		e1000_link_changed(nic);
	if (icr & E1000_INT_RXO)
		nic->stats.rx_overruns++;
	if (icr & (E1000_INT_RXT0 | E1000_INT_RXDMT0 | E1000_INT_RXO))
		e1000_rx_poll(nic);
	lat_stamp(LAT_AT_IRQ_END, 0);
}

static struct pci_dev *find_nic(const char **model)
{
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
		struct pci_dev *d = pci_find(INTEL_VENDOR, supported[i].device);

		if (d) {
			*model = supported[i].model;
			return d;
		}
	}
	return NULL;
}

static void wait_for_link(struct e1000 *nic)
{
	for (uint64_t us = 0; us < LINK_TIMEOUT_US; us += 1000) {
		if (e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU)
			break;
		delay_us(1000);
	}
	e1000_link_changed(nic);
}

struct e1000 *e1000_attach(uint32_t txring, uint32_t rxring)
{
	struct e1000 *nic = &e1000_dev;
	struct pci_dev *pci = find_nic(&nic->model);

	if (!pci)
		return NULL;
	if (pci->bar[0].type != BAR_MEM32 && pci->bar[0].type != BAR_MEM64) {
		printf("e1000: BAR0 is not memory\n");
		return NULL;
	}
	pci_enable_mmio_dma(pci);	/* without bus mastering, DMA reads zeros */
	mem_map_uncached(pci->bar[0].base, pci->bar[0].size);
	nic->regs = (volatile uint32_t *)(uintptr_t)pci->bar[0].base;
	nic->device = pci->device;
	nic->irq = pci->irq_line;

	if (e1000_reset(nic) < 0) {
		printf("e1000: reset did not complete\n");
		return NULL;
	}
	e1000_general_config(nic);
	e1000_read_mac(nic);
	if (e1000_ring_alloc(nic, txring, rxring) < 0) {
		printf("e1000: no memory for rings of %u/%u descriptors\n",
		       (unsigned)txring, (unsigned)rxring);
		return NULL;
	}
	e1000_enable_rxtx(nic);
	if (irq_attach(nic->irq, 1, e1000_intr, nic) < 0) {
		printf("e1000: cannot route interrupt line %d\n", nic->irq);
		return NULL;
	}
	e1000_write(nic, E1000_IMS, E1000_INT_TXDW | E1000_INT_RXT0 | E1000_INT_LSC |
		    E1000_INT_RXO | E1000_INT_RXDMT0);
	printf("@nic model=%s vendor=%04x device=%04x mac=%02x:%02x:%02x:%02x:%02x:%02x irq=%d\n",
	       nic->model, INTEL_VENDOR, nic->device, nic->mac[0], nic->mac[1], nic->mac[2],
	       nic->mac[3], nic->mac[4], nic->mac[5], nic->irq);
	printf("e1000: %u TX and %u RX descriptors, %u-byte receive buffers\n",
	       (unsigned)txring, (unsigned)rxring, E1000_RX_BUF_SIZE);
	wait_for_link(nic);
	return nic;
}

/*
 * 13.7: the MAC's counters.  Octet counters are 64 bits in two registers;
 * reading the high half clears both, so the low half is read first.
 * Called once, at the end of a run: QEMU does not clear CRCERRS..MPC on
 * read, so reading those twice would count them twice.
 */
void e1000_stats_print(struct e1000 *nic)
{
	struct e1000_stats *s = &nic->stats;
	uint32_t lo;

	s->gptc += e1000_read(nic, E1000_GPTC);
	s->gprc += e1000_read(nic, E1000_GPRC);
	lo = e1000_read(nic, E1000_GOTCL);
	s->gotc += lo | (uint64_t)e1000_read(nic, E1000_GOTCH) << 32;
	lo = e1000_read(nic, E1000_GORCL);
	s->gorc += lo | (uint64_t)e1000_read(nic, E1000_GORCH) << 32;
	s->tpt += e1000_read(nic, E1000_TPT);
	s->tpr += e1000_read(nic, E1000_TPR);
	s->mpc += e1000_read(nic, E1000_MPC);
	s->rnbc += e1000_read(nic, E1000_RNBC);
	s->crcerrs += e1000_read(nic, E1000_CRCERRS);
	printf("@stats gptc=%llu gprc=%llu gotc=%llu gorc=%llu tpt=%llu tpr=%llu mpc=%llu "
	       "rnbc=%llu crcerrs=%llu tx_posted=%llu tx_done=%llu tx_kicks=%llu tx_contexts=%llu tx_offline=%llu "
	       "rx_frames=%llu rx_errors=%llu rx_overruns=%llu irqs=%llu\n",
	       (unsigned long long)s->gptc, (unsigned long long)s->gprc,
	       (unsigned long long)s->gotc, (unsigned long long)s->gorc,
	       (unsigned long long)s->tpt, (unsigned long long)s->tpr,
	       (unsigned long long)s->mpc, (unsigned long long)s->rnbc,
	       (unsigned long long)s->crcerrs, (unsigned long long)s->tx_posted,
	       (unsigned long long)s->tx_done, (unsigned long long)s->tx_kicks,
	       (unsigned long long)s->tx_contexts, (unsigned long long)s->tx_offline,
	       (unsigned long long)s->rx_frames, (unsigned long long)s->rx_errors,
	       (unsigned long long)s->rx_overruns, (unsigned long long)s->irqs);
}
