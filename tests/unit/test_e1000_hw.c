/*
 * tests/unit/test_e1000_hw.c - host unit tests (cmocka) for bringing the
 * e1000 up, drivers/e1000_hw.c (lab 2): the reset that must end, EEPROM
 * reads through EERD, the MAC address from the EEPROM and into RAL0/RAH0.
 * The model NIC (nic_model.c) answers as time passes: delay_us, the only
 * way the driver waits, is its clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/e1000.h"
#include "kernel/time.h"		/* the shim: tests/unit/shim/kernel/ */
#include "tests/unit/nic_model.h"

static struct e1000 nic;
static uint64_t clock_us;

/* ---- What the driver calls, here -------------------------------------- */

uint64_t tsc_hz = 1000000000;

void delay_us(uint64_t us)
{
	clock_us += us;
	nic_model_tick(&nic);
}

uint64_t now_ns(void)
{
	return clock_us * 1000;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return ticks;
}

uint64_t ms_since_reset(void)
{
	return clock_us / 1000;
}

void idle_wait_us(uint64_t us)
{
	delay_us(us);
}

void console_puts(const char *s)
{
	(void)s;
}

/* ---- Tests -------------------------------------------------------------- */

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static int setup(void **state)
{
	(void)state;
	memset(&nic, 0, sizeof(nic));
	nic_model_attach(&nic);
	memset(model.eeprom, 0, sizeof(model.eeprom));
	for (int i = 0; i < 3; i++)
		model.eeprom[i] = (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8);
	clock_us = 0;
	return 0;
}

static void test_reset_masks_and_waits(void **state)
{
	(void)state;
	e1000_write(&nic, E1000_IMS, 0x1F);
	model.reset_ticks = 50;
	assert_int_equal(e1000_reset(&nic), 0);
	assert_int_equal(e1000_read(&nic, E1000_CTRL) & E1000_CTRL_RST, 0);
	assert_int_equal(e1000_read(&nic, E1000_IMC), 0xFFFFFFFF);
	assert_true(clock_us >= 50);			/* it waited for the NIC */
}

static void test_reset_that_never_ends(void **state)
{
	(void)state;
	model.reset_ticks = -1;
	assert_int_equal(e1000_reset(&nic), -ETIMEDOUT);
	assert_true(clock_us < 1000000);		/* and gave up in time */
}

static void test_eeprom_words(void **state)
{
	(void)state;
	model.eeprom[0x2A] = 0xBEEF;
	assert_int_equal(e1000_eeprom_read(&nic, 0x2A), 0xBEEF);
	assert_int_equal(e1000_eeprom_read(&nic, 1), 0x1200);	/* 00:12, low byte first */
	model.eeprom_dead = 1;
	assert_int_equal(e1000_eeprom_read(&nic, 0), -1);
}

/*
 * The 82574's EERD: DONE in bit 1, the address from bit 2.  With the
 * 82574's facts the words come; with the 8254x's, the model never says
 * DONE (the address lands beyond its 64 words), and the read times out.
 */
static void test_eeprom_words_82574(void **state)
{
	(void)state;
	model.eerd_82574 = 1;
	nic.hw = e1000_hw_find(0x10D3);
	assert_non_null(nic.hw);
	assert_string_equal(nic.hw->model, "82574L");
	model.eeprom[0x2A] = 0xCAFE;
	assert_int_equal(e1000_eeprom_read(&nic, 0x2A), 0xCAFE);
	e1000_read_mac(&nic);
	assert_memory_equal(nic.mac, mac, 6);
	nic.hw = e1000_hw_find(0x100E);
	assert_int_equal(e1000_eeprom_read(&nic, 1), -1);
}

static void test_mac_from_eeprom_into_ral_rah(void **state)
{
	(void)state;
	e1000_read_mac(&nic);
	assert_memory_equal(nic.mac, mac, 6);
	assert_int_equal(e1000_read(&nic, E1000_RAL0), 0x12005452);
	assert_int_equal(e1000_read(&nic, E1000_RAH0), 0x5634 | E1000_RAH_AV);
}

static void test_mac_from_ral_rah_without_eeprom(void **state)
{
	(void)state;
	model.eeprom_dead = 1;
	e1000_write(&nic, E1000_RAL0, 0x33221102);
	e1000_write(&nic, E1000_RAH0, 0x5544);
	e1000_read_mac(&nic);
	assert_memory_equal(nic.mac, ((uint8_t[6]){ 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }), 6);
	assert_int_equal(e1000_read(&nic, E1000_RAH0), 0x5544 | E1000_RAH_AV);
}

int main(void)
{
	const struct CMUnitTest hw[] = {
		cmocka_unit_test_setup(test_reset_masks_and_waits, setup),
		cmocka_unit_test_setup(test_reset_that_never_ends, setup),
		cmocka_unit_test_setup(test_eeprom_words, setup),
		cmocka_unit_test_setup(test_eeprom_words_82574, setup),
		cmocka_unit_test_setup(test_mac_from_eeprom_into_ral_rah, setup),
		cmocka_unit_test_setup(test_mac_from_ral_rah_without_eeprom, setup),
	};

	return cmocka_run_group_tests(hw, NULL, NULL);
}
