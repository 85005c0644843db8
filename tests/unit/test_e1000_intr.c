/*
 * tests/unit/test_e1000_intr.c - host unit tests (cmocka) for the e1000's
 * interrupt handler, drivers/e1000_intr.c (lab 4): each cause ICR reports
 * goes to the code that deals with it, and an interrupt that is not the
 * NIC's (ICR == 0) is left alone.  Against the model NIC (nic_model.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/e1000.h"
#include "kernel/time.h"		/* the shim: tests/unit/shim/kernel/ */
#include "tests/unit/nic_model.h"

static struct e1000 nic;
static char said[256];			/* what went to the console */
static int tx_done, rx_frames;

uint64_t tsc_hz = 1000000000;

void delay_us(uint64_t us)
{
	(void)us;
	nic_model_tick(&nic);
}

uint64_t now_ns(void)
{
	return 0;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return ticks;
}

uint64_t ms_since_reset(void)
{
	return 0;
}

void idle_wait_us(uint64_t us)
{
	delay_us(us);
}

void console_puts(const char *s)
{
	strncat(said, s, sizeof(said) - strlen(said) - 1);
}

static void count_tx(void *arg, void *cookie, int on_wire)
{
	(void)arg, (void)cookie, (void)on_wire;
	tx_done++;
}

static void count_rx(void *arg, const uint8_t *frame, uint32_t len)
{
	(void)arg, (void)frame, (void)len;
	rx_frames++;
}

static int setup(void **state)
{
	(void)state;
	memset(&nic, 0, sizeof(nic));
	nic_model_attach(&nic);
	assert_int_equal(e1000_tx_init(&nic, 8), 0);
	assert_int_equal(e1000_rx_init(&nic, 8), 0);
	e1000_set_tx_done(&nic, count_tx, NULL);
	e1000_set_rx_handler(&nic, count_rx, NULL);
	said[0] = '\0';
	tx_done = rx_frames = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(nic.tx_ring), free(nic.tx_slot), free(nic.tx_hdr);
	free(nic.rx_ring), free(nic.rx_buf);
	return 0;
}

static void interrupt(uint32_t causes)
{
	e1000_write(&nic, E1000_ICR, causes);
	e1000_intr(&nic);
}

static void test_not_ours(void **state)
{
	(void)state;
	interrupt(0);
	assert_int_equal(nic.stats.irqs, 0);
	assert_string_equal(said, "");
}

static void test_txdw_reclaims(void **state)
{
	static uint8_t frame[60];
	struct e1000_seg seg = { frame, sizeof(frame) };

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(e1000_tx_post(&nic, &seg, 1, NULL), 0);
	e1000_tx_kick(&nic);
	assert_int_equal(nic_model_tx(&nic, UINT32_MAX), 3);
	interrupt(E1000_INT_TXDW);
	assert_int_equal(tx_done, 3);
	assert_int_equal(nic.stats.irqs, 1);
	assert_int_equal(rx_frames, 0);
}

static void test_lsc_follows_status(void **state)
{
	(void)state;
	e1000_write(&nic, E1000_STATUS, 0);
	interrupt(E1000_INT_LSC);
	assert_int_equal(nic.link_up, 0);
	e1000_write(&nic, E1000_STATUS, E1000_STATUS_LU);
	interrupt(E1000_INT_LSC);
	assert_int_equal(nic.link_up, 1);
	assert_string_equal(said, "@link down\n@link up\n");
}

static void test_rxt0_and_overrun_poll_the_ring(void **state)
{
	static const uint8_t frame[64] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(nic_model_rx(&nic, frame, sizeof(frame), RX_GOOD), 0);
	interrupt(E1000_INT_RXT0);
	assert_int_equal(rx_frames, 1);
	assert_int_equal(nic_model_rx(&nic, frame, sizeof(frame), RX_GOOD), 0);
	interrupt(E1000_INT_RXO);
	assert_int_equal(rx_frames, 2);
	assert_int_equal(nic.stats.rx_overruns, 1);
	assert_int_equal(nic.stats.irqs, 2);
}

/*
 * A burst while the driver is busy (no interrupt taken): the 8-slot ring
 * takes 7, the NIC misses the rest and counts them (MPC, RNBC) and says
 * RXO; the interrupt then counts the overrun and empties the ring, and the
 * next frames are received as if nothing had happened.
 */
static void test_burst_overflows_then_recovers(void **state)
{
	static const uint8_t frame[64] = { 4, 5, 6 };
	int refused = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		refused += nic_model_rx(&nic, frame, sizeof(frame), RX_GOOD) < 0;
	assert_int_equal(refused, 13);
	assert_int_equal(e1000_read(&nic, E1000_MPC), 13);
	e1000_intr(&nic);		/* ICR: RXT0 | RXO, as the model left it */
	e1000_write(&nic, E1000_ICR, 0);	/* the read cleared it */
	assert_int_equal(rx_frames, 7);
	assert_int_equal(nic.stats.rx_overruns, 1);
	for (int i = 0; i < 5; i++)
		assert_int_equal(nic_model_rx(&nic, frame, sizeof(frame), RX_GOOD), 0);
	e1000_intr(&nic);
	assert_int_equal(rx_frames, 12);
	assert_int_equal(nic.stats.rx_overruns, 1);
	assert_int_equal(nic.stats.rx_errors, 0);
}

int main(void)
{
	const struct CMUnitTest intr[] = {
		cmocka_unit_test_setup_teardown(test_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_txdw_reclaims, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lsc_follows_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rxt0_and_overrun_poll_the_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_overflows_then_recovers, setup, teardown),
	};

	return cmocka_run_group_tests(intr, NULL, NULL);
}
