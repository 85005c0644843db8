/*
 * tests/unit/test_console.c - host unit tests (cmocka) for the console,
 * kernel/console.c (lab 1): the 16550 UART behind a model of its ports,
 * and the VGA text screen in a buffer of the test's own (console_vga).
 *
 * The model keeps the UART's registers as the datasheet has them (the
 * divisor latch behind DLAB, LSR.THRE), records every byte written to the
 * transmit holding register, and fails a write made while THRE says the
 * register is still full.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/console.h"

#define COM1		0x3F8
#define LSR_THRE	0x20

static struct {
	uint8_t ier, lcr, fcr, mcr, dll, dlm;
	int busy_polls;		/* LSR reads that say "still sending" first */
	char out[4096];		/* bytes written to THR */
	size_t n;
} uart;

static uint16_t screen[25 * 80];

void outb(uint16_t port, uint8_t v)
{
	int dlab = uart.lcr & 0x80;

	switch (port - COM1) {
	case 0:
		if (dlab) {
			uart.dll = v;
		} else {
			assert_int_equal(uart.busy_polls, 0);	/* wrote before THRE */
			assert_true(uart.n < sizeof(uart.out));
			uart.out[uart.n++] = (char)v;
		}
		break;
	case 1:
		if (dlab)
			uart.dlm = v;
		else
			uart.ier = v;
		break;
	case 2: uart.fcr = v; break;
	case 3: uart.lcr = v; break;
	case 4: uart.mcr = v; break;
	default: fail_msg("write to port 0x%x", port);
	}
}

uint8_t inb(uint16_t port)
{
	assert_int_equal(port, COM1 + 5);		/* only LSR is read */
	if (uart.busy_polls > 0) {
		uart.busy_polls--;
		return 0;
	}
	return LSR_THRE;
}

void outl(uint16_t port, uint32_t v)
{
	fail_msg("outl(0x%x, 0x%x)", port, v);
}

uint32_t inl(uint16_t port)
{
	fail_msg("inl(0x%x)", port);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&uart, 0, sizeof(uart));
	memset(screen, 0xAA, sizeof(screen));
	console_vga = screen;
	console_init();
	return 0;
}

static char cell(int row, int col)
{
	return (char)(screen[row * 80 + col] & 0xFF);
}

static void assert_row(int row, const char *text)
{
	size_t n = strlen(text);

	for (int col = 0; col < 80; col++) {
		char want = (size_t)col < n ? text[col] : ' ';

		if (cell(row, col) != want)
			fail_msg("row %d col %d: '%c', expected '%c'", row, col, cell(row, col), want);
		assert_int_equal(screen[row * 80 + col] >> 8, 0x07);	/* grey on black */
	}
}

static void test_uart_115200_8n1(void **state)
{
	(void)state;
	assert_int_equal(uart.dll, 1);		/* 115200 / 115200 */
	assert_int_equal(uart.dlm, 0);
	assert_int_equal(uart.lcr, 0x03);	/* 8N1, DLAB off again */
	assert_int_equal(uart.ier, 0);		/* polled */
	assert_int_equal(uart.fcr & 0x01, 1);	/* FIFOs on */
	assert_int_equal(uart.mcr & 0x03, 0x03);	/* DTR, RTS */
	for (int row = 0; row < 25; row++)
		assert_row(row, "");
}

static void test_serial_crlf_and_waits_for_thre(void **state)
{
	(void)state;
	uart.busy_polls = 5;
	console_puts("ab\ncd");
	assert_int_equal(uart.n, 6);
	assert_memory_equal(uart.out, "ab\r\ncd", 6);
}

static void test_vga_rows_and_wrap(void **state)
{
	char long_line[101];

	(void)state;
	console_puts("hello\r\nworld\n");
	assert_row(0, "hello");
	assert_row(1, "world");
	memset(long_line, 'x', 100);
	long_line[100] = '\0';
	console_puts(long_line);
	assert_int_equal(cell(2, 79), 'x');
	assert_int_equal(cell(3, 19), 'x');
	assert_int_equal(cell(3, 20), ' ');
}

static void test_vga_scrolls(void **state)
{
	char line[24];

	(void)state;
	for (int i = 0; i < 30; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		console_puts(line);
	}
	/* 30 lines on 25 rows: line 6 at the top, the last row empty. */
	assert_row(0, "line 6");
	assert_row(23, "line 29");
	assert_row(24, "");
	console_puts("tail");
	assert_row(24, "tail");
}

static void test_hex_and_dec(void **state)
{
	(void)state;
	console_put_hex(0xBEEF, 8);
	console_put_dec(0);
	console_put_dec(18446744073709551615ULL);
	assert_int_equal(uart.n, 8 + 1 + 20);
	assert_memory_equal(uart.out, "0000beef018446744073709551615", 29);
}

int main(void)
{
	const struct CMUnitTest console[] = {
		cmocka_unit_test_setup(test_uart_115200_8n1, setup),
		cmocka_unit_test_setup(test_serial_crlf_and_waits_for_thre, setup),
		cmocka_unit_test_setup(test_vga_rows_and_wrap, setup),
		cmocka_unit_test_setup(test_vga_scrolls, setup),
		cmocka_unit_test_setup(test_hex_and_dec, setup),
	};

	return cmocka_run_group_tests(console, NULL, NULL);
}
