/*
 * drivers/e1000_hw.c - bringing the e1000 itself up, by its registers
 * only: reset, the MAC address from the EEPROM, the general configuration,
 * the wait for the link (manual chapter 14, in e1000_attach's order).
 *
 * It touches nothing but the NIC's registers and waits only with delay_us,
 * so the host unit tests (tests/unit/test_e1000_hw.c) run it against the
 * model NIC, whose EEPROM and reset answer as the clock moves on.
 */
#include <errno.h>
#include <stdio.h>

#include "drivers/e1000.h"
#include "kernel/time.h"

#define RESET_TIMEOUT_US	10000
#define EERD_TIMEOUT_US		10000
#define LINK_TIMEOUT_US		2000000

/*
 * The NICs taken.  The 82574L (Intel's 82574 datasheet) moves EERD's
 * fields and interrupts by MSI-X (drivers/e1000.c); the rest of what
 * this driver uses is the 8254x's.
 */
const struct e1000_hw e1000_hw_table[] = {
	{ 0x100E, "82540EM", E1000_EERD_DONE, E1000_EERD_ADDR_SHIFT, 0 },	/* -device e1000 */
	{ 0x100C, "82544GC", E1000_EERD_DONE, E1000_EERD_ADDR_SHIFT, 0 },	/* e1000-82544gc */
	{ 0x100F, "82545EM", E1000_EERD_DONE, E1000_EERD_ADDR_SHIFT, 0 },	/* e1000-82545em */
	{ 0x10D3, "82574L", E1000_EERD_DONE_82574, E1000_EERD_ADDR_SHIFT_82574, 1 }, /* e1000e */
};
const int e1000_hw_count = sizeof(e1000_hw_table) / sizeof(e1000_hw_table[0]);

const struct e1000_hw *e1000_hw_find(uint16_t device)
{
	for (int i = 0; i < e1000_hw_count; i++)
		if (e1000_hw_table[i].device == device)
			return &e1000_hw_table[i];
	return NULL;
}

/*
 * 14.2: mask every interrupt, reset, mask again (reset may unmask), and
 * read ICR to clear what was pending.  0, or -ETIMEDOUT if CTRL.RST never
 * clears.
 * [lab 2.5]
 */
int e1000_reset(struct e1000 *nic)
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

/*
 * 5.3.1 / 13.4.4: one 16-bit EEPROM word through EERD: write START and the
 * address (where this model takes it), wait for DONE (this model's bit),
 * the word is in the top half.  -1 on timeout.
 * [lab 2.6]
 */
int e1000_eeprom_read(struct e1000 *nic, uint8_t word)
{
	e1000_write(nic, E1000_EERD, E1000_EERD_START | (uint32_t)word << nic->hw->eerd_addr_shift);
	for (int us = 0; us < EERD_TIMEOUT_US; us++) {
		uint32_t v = e1000_read(nic, E1000_EERD);

		if (v & nic->hw->eerd_done)
			return (int)(v >> E1000_EERD_DATA_SHIFT);
		delay_us(1);
	}
	return -1;
}

/*
 * The MAC address: EEPROM words 0-2, low byte first (5.6.1), cross-checked
 * with RAL0/RAH0, which the NIC loads from the EEPROM at power-up; RAL0/RAH0
 * where the EEPROM does not answer.  Then RAL0/RAH0 are written back with
 * Address Valid, so the receive filter matches it.
 * [lab 2.6]
 */
void e1000_read_mac(struct e1000 *nic)
{
	uint32_t ral = e1000_read(nic, E1000_RAL0), rah = e1000_read(nic, E1000_RAH0);
	uint8_t ra[6] = { ral, ral >> 8, ral >> 16, ral >> 24, rah, rah >> 8 };
	int ok = 1;

	for (int i = 0; i < 3; i++) {
		int w = e1000_eeprom_read(nic, (uint8_t)i);

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
void e1000_general_config(struct e1000 *nic)
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
	e1000_write(nic, E1000_RXCSUM, 0);	/* no checksum verdicts in errors */
}

/* Up to LINK_TIMEOUT_US for STATUS.LU, then say how the link is ("@link"). */
void e1000_wait_for_link(struct e1000 *nic)
{
	for (uint64_t us = 0; us < LINK_TIMEOUT_US; us += 1000) {
		if (e1000_read(nic, E1000_STATUS) & E1000_STATUS_LU)
			break;
		delay_us(1000);
	}
	e1000_link_changed(nic);
}
