/*
 * drivers/e1000.c - Intel 8254x and 82574L gigabit Ethernet: finding the NIC
 * on PCI, bringing it up step by step (e1000_attach), its interrupts (the
 * line through the IOAPIC, or the 82574L's MSI-X vectors), and the
 * statistics.  The steps themselves are in e1000_hw.c (reset, EEPROM, MAC,
 * link), e1000_ring.c (the rings) and e1000_intr.c (the handler).
 *
 * Follow along in Intel's "PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual" (317453): chapter 14 (general configuration,
 * receive and transmit initialization) is the order of e1000_attach() below.
 *
 * QEMU notes for the 8254x, each checked against hw/net/e1000.c (the
 * 82574L's differences are beside the code they concern: e1000_hw.c,
 * e1000_ring.c, e1000_msix_init below; README has a table of them): CTRL.RST
 * resets none of the registers this driver uses, so every one is written
 * explicitly; TDLEN/RDLEN are masked to multiples of 128 bytes; the
 * transmit ring is processed synchronously inside the TDT write and DD is
 * written back only where RS is set.  Nothing here relies on the
 * synchronous part.  And every RCTL write makes QEMU refuse received frames
 * for 1 s of virtual time (set_rx_control arms flush_queue_timer;
 * can_receive is false while it runs): frames that arrive meanwhile wait in
 * QEMU's queue.  The first ARP reply after boot is one of them, which is why
 * ARP waits 1 s a try.
 */
#include <stdio.h>

#include "drivers/e1000.h"
#include "drivers/pci.h"
#include "kernel/apic.h"
#include "kernel/mem.h"

#define INTEL_VENDOR	0x8086

static struct e1000 e1000_dev;

/* The first NIC on PCI that e1000_hw_table has, and its facts. */
static struct pci_dev *find_nic(const struct e1000_hw **hw)
{
	for (int i = 0; i < e1000_hw_count; i++) {
		struct pci_dev *d = pci_find(INTEL_VENDOR, e1000_hw_table[i].device);

		if (d) {
			*hw = &e1000_hw_table[i];
			return d;
		}
	}
	return NULL;
}

/*
 * The PCI side: BAR0 must be memory (the registers); turn on memory
 * decoding and bus mastering (without it the NIC's DMA reads zeros), map
 * the registers uncached.  0, or -1 with the reason printed.
 * [lab 2.4]
 */
static int e1000_pci_setup(struct e1000 *nic, const struct pci_dev *pci)
{
	if (pci->bar[0].type != BAR_MEM32 && pci->bar[0].type != BAR_MEM64) {
		printf("e1000: BAR0 is not memory\n");
		return -1;
	}
	pci_enable_mmio_dma(pci);
	mem_map_uncached(pci->bar[0].base, pci->bar[0].size);
	nic->regs = (volatile uint32_t *)(uintptr_t)pci->bar[0].base;
	nic->device = pci->device;
	nic->irq = pci->irq_line;
	return 0;
}

/*
 * The interrupt: the line through the IOAPIC to e1000_intr, then the
 * causes this driver handles unmasked (IMS, 13.4.20).  0, or -1.
 * [lab 4.1]
 */
static int e1000_irq_init(struct e1000 *nic)
{
	if (irq_attach(nic->irq, 1, e1000_intr, nic) < 0)
		return -1;
	e1000_write(nic, E1000_IMS, E1000_INT_TXDW | E1000_INT_RXT0 | E1000_INT_LSC |
		    E1000_INT_RXO | E1000_INT_RXDMT0);
	return 0;
}

/*
 * The 82574's interrupts by MSI-X (its datasheet: IVAR, EIAC): a vector
 * each for receive, transmit and the other causes (the link), so that a
 * handler knows its cause without reading ICR (a trap into QEMU, each);
 * EIAC clears a cause as its message goes out, and with CTRL_EXT.IAME it
 * leaves IMS alone: the receive and transmit handlers touch no interrupt
 * register at all.  No IOAPIC on this path.  0, or -1: use INTx.
 */
static int e1000_msix_init(struct e1000 *nic, struct pci_dev *pci)
{
	static const irq_handler_t handler[3] = { e1000_msix_rx, e1000_msix_tx, e1000_msix_other };
	uint64_t addr[3];
	uint32_t data[3];
	int vec[3];
	struct pci_msix m;

	if (pci_msix_init(pci, &m, 3) < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if ((vec[i] = msi_attach(handler[i], nic, &addr[i], &data[i])) < 0) {
			pci_msix_stop(pci, &m);	/* no vector left: INTx, if it has one */
			return -1;
		}
	for (int i = 0; i < 3; i++)
		pci_msix_set(&m, i, addr[i], data[i]);
	e1000_write(nic, E1000_IVAR, E1000_IVAR_RXQ0(0) | E1000_IVAR_TXQ0(1) | E1000_IVAR_OTHER(2));
	e1000_write(nic, E1000_CTRL_EXT, e1000_read(nic, E1000_CTRL_EXT) | E1000_CTRL_EXT_IAME);
	e1000_write(nic, E1000_EIAC, E1000_INT_RXQ0 | E1000_INT_TXQ0 | E1000_INT_OTHER);
	e1000_write(nic, E1000_IMS, E1000_INT_RXQ0 | E1000_INT_TXQ0 | E1000_INT_OTHER |
		    E1000_INT_LSC | E1000_INT_RXO);
	pci_msix_start(pci, &m);
	printf("irq: msi-x, no IOAPIC: vector 0x%02x rx, 0x%02x tx, 0x%02x link\n",
	       vec[0], vec[1], vec[2]);
	return 0;
}

/*
 * Bring the NIC up, step by step as chapter 14 orders it; each step is a
 * lab's (docs/labs/).  A NIC that cannot receive or interrupt still sends
 * (its senders poll the ring), so those steps failing is said, not fatal.
 */
struct e1000 *e1000_attach(uint32_t txring, uint32_t rxring, int msix)
{
	struct e1000 *nic = &e1000_dev;
	struct pci_dev *pci = find_nic(&nic->hw);

	if (!pci || e1000_pci_setup(nic, pci) < 0)			/* lab 2 */
		return NULL;
	nic->model = nic->hw->model;
	if (e1000_reset(nic) < 0) {
		printf("e1000: reset did not complete\n");
		return NULL;
	}
	e1000_general_config(nic);
	e1000_read_mac(nic);
	printf("@nic model=%s vendor=%04x device=%04x mac=%02x:%02x:%02x:%02x:%02x:%02x irq=%d\n",
	       nic->model, INTEL_VENDOR, nic->device, nic->mac[0], nic->mac[1], nic->mac[2],
	       nic->mac[3], nic->mac[4], nic->mac[5], nic->irq);
	if (e1000_tx_init(nic, txring) < 0) {				/* lab 3 */
		printf("e1000: no transmit ring of %u descriptors\n", (unsigned)txring);
		return NULL;
	}
	if (e1000_rx_init(nic, rxring) < 0) {				/* lab 4 */
		printf("e1000: no receive ring of %u descriptors: sending only\n",
		       (unsigned)rxring);
		rxring = 0;
	} else if (!(msix && nic->hw->msix && e1000_msix_init(nic, pci) == 0) &&
		   e1000_irq_init(nic) < 0) {
		printf("e1000: cannot route interrupt line %d: polling only\n", nic->irq);
	}
	printf("e1000: %u TX and %u RX descriptors, %u-byte receive buffers\n",
	       (unsigned)txring, (unsigned)rxring, E1000_RX_BUF_SIZE);
	e1000_wait_for_link(nic);
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
	s->roc += e1000_read(nic, E1000_ROC);
	printf("@stats gptc=%llu gprc=%llu gotc=%llu gorc=%llu tpt=%llu tpr=%llu mpc=%llu "
	       "rnbc=%llu crcerrs=%llu roc=%llu tx_posted=%llu tx_done=%llu tx_kicks=%llu tx_contexts=%llu tx_offline=%llu "
	       "tx_resets=%llu tx_aborted=%llu "
	       "rx_frames=%llu rx_errors=%llu rx_overruns=%llu irqs=%llu\n",
	       (unsigned long long)s->gptc, (unsigned long long)s->gprc,
	       (unsigned long long)s->gotc, (unsigned long long)s->gorc,
	       (unsigned long long)s->tpt, (unsigned long long)s->tpr,
	       (unsigned long long)s->mpc, (unsigned long long)s->rnbc,
	       (unsigned long long)s->crcerrs, (unsigned long long)s->roc,
	       (unsigned long long)s->tx_posted,
	       (unsigned long long)s->tx_done, (unsigned long long)s->tx_kicks,
	       (unsigned long long)s->tx_contexts, (unsigned long long)s->tx_offline,
	       (unsigned long long)s->tx_resets, (unsigned long long)s->tx_aborted,
	       (unsigned long long)s->rx_frames, (unsigned long long)s->rx_errors,
	       (unsigned long long)s->rx_overruns, (unsigned long long)s->irqs);
}
