/*
 * drivers/e1000_intr.c - the e1000's interrupt handler: what ICR says
 * happened, each cause to the code that deals with it (manual 13.4.17 for
 * ICR, 3.2.7 and 3.4 for the receive and transmit causes).
 *
 * It touches only the NIC's registers and the rings, so the host unit
 * tests (tests/unit/test_e1000_intr.c) run it against the model NIC.
 */
#include "drivers/e1000.h"
#include "kernel/console.h"
#include "kernel/lat.h"

/*
 * The link as STATUS says it is now, remembered for the senders, and said
 * on the console.  Only console_* here: this runs in the interrupt handler.
 * [lab 4.4]
 */
void e1000_link_changed(struct e1000 *nic)
{
	nic->link_up = (e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU) != 0;
	console_puts(nic->link_up ? "@link up\n" : "@link down\n");
}

/*
 * What each cause in icr asks for: TXDW, descriptors written back (reclaim
 * the TX ring); LSC, the link changed; RXT0, RXDMT0, RXO, frames to take
 * from the RX ring (RXO also counted: the NIC dropped some).
 * [lab 4.2]
 */
static void handle_causes(struct e1000 *nic, uint32_t icr)
{
	nic->stats.irqs++;
	if (icr & E1000_INT_TXDW)
		e1000_tx_reclaim(nic);
	if (icr & E1000_INT_LSC)
		e1000_link_changed(nic);
	if (icr & E1000_INT_RXO)
		nic->stats.rx_overruns++;
	if (icr & (E1000_INT_RXT0 | E1000_INT_RXDMT0 | E1000_INT_RXO))
		e1000_rx_poll(nic);
}

/*
 * MSI-X (the 82574, e1000_msix_init): the vector is the cause, and EIAC
 * has already cleared it from ICR.  Transmit and receive read no register;
 * the rare other causes (the link, an overrun) read ICR to tell which.
 */
void e1000_msix_tx(void *arg)
{
	lat_stamp(LAT_AT_IRQ, 0);
	handle_causes(arg, E1000_INT_TXDW);
	lat_stamp(LAT_AT_IRQ_END, 0);
}

void e1000_msix_rx(void *arg)
{
	handle_causes(arg, E1000_INT_RXT0);
}

void e1000_msix_other(void *arg)
{
	struct e1000 *nic = arg;

	handle_causes(nic, e1000_read(nic, E1000_ICR));
}

/*
 * The interrupt handler.  Reading ICR clears it and deasserts INTx, so
 * the line is quiet before trap.c sends the EOI.  ICR == 0: not ours (the
 * line may be shared), so it is not counted.  The stamps time the handler
 * for the latency stages (kernel/lat.h).
 */
void e1000_intr(void *arg)
{
	struct e1000 *nic = arg;
	uint32_t icr = e1000_read(nic, E1000_ICR);

	if (!icr)
		return;
	lat_stamp(LAT_AT_IRQ, 0);
	handle_causes(nic, icr);
	lat_stamp(LAT_AT_IRQ_END, 0);
}
