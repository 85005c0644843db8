/*
 * kernel/console.c - COM1 16550 UART at 115200 8N1, and a mirror of the same
 * text on the VGA text screen at 0xB8000.
 *
 * Serial is what programs read (docs/interface.md): it comes first and
 * every byte goes there.  Lines end in CR LF, as a serial terminal expects.
 * Registers: National Semiconductor PC16550D datasheet, table II.  The
 * host unit tests (tests/unit/test_console.c) run this file against a
 * model of the UART's ports and a screen of their own (console_vga).
 */
#include "kernel/console.h"
#include "kernel/x86.h"

#define COM1		0x3F8
#define UART_THR	0	/* transmit holding (write) */
#define UART_DLL	0	/* divisor latch low (DLAB = 1) */
#define UART_IER	1	/* interrupt enable */
#define UART_DLM	1	/* divisor latch high (DLAB = 1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define   LCR_8N1	0x03
#define   LCR_DLAB	0x80
#define UART_MCR	4	/* modem control */
#define   MCR_DTR_RTS	0x03
#define UART_LSR	5	/* line status */
#define   LSR_THRE	0x20	/* transmit holding register empty */

#define UART_CLOCK	115200	/* divisor 1 = 115200 baud */

#define VGA_COLS	80
#define VGA_ROWS	25
#define VGA_ATTR	0x0700	/* light grey on black */

/* The VGA text screen: 25 rows of 80 (attribute << 8 | character). */
volatile uint16_t *console_vga = (volatile uint16_t *)0xB8000;

static struct {
	int row, col;		/* VGA cursor */
} vga;

/*
 * The UART: no interrupts, divisor 1 (115200 baud), 8 data bits, no
 * parity, 1 stop bit, FIFOs on, DTR and RTS; then a blank screen and the
 * cursor at the top left.
 * [lab 1.1]
 */
void console_init(void)
{
	outb(COM1 + UART_IER, 0);		/* polled: no UART interrupts */
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, UART_CLOCK / 115200);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0x07);		/* enable and clear the FIFOs */
	outb(COM1 + UART_MCR, MCR_DTR_RTS);

	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		console_vga[i] = VGA_ATTR | ' ';
	vga.row = vga.col = 0;
}

/*
 * One byte out of COM1, once the transmit holding register is empty.  The
 * wait is bounded: a UART that never says THRE (a broken or emulated one
 * that misbehaves) must not hang the kernel.
 * [lab 1.1]
 */
static void serial_putc(char c)
{
	for (int spin = 0; spin < 100000; spin++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

/*
 * Every row up by one, a blank last row, the cursor on it.
 * [lab 1.2]
 */
static void vga_scroll(void)
{
	for (int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		console_vga[i] = console_vga[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		console_vga[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
	vga.row = VGA_ROWS - 1;
}

/*
 * One character at the cursor: '\n' starts the next row, '\r' is ignored,
 * a full row wraps, and a full screen scrolls.
 * [lab 1.2]
 */
static void vga_putc(char c)
{
	if (c == '\n') {
		vga.col = 0;
		vga.row++;
	} else if (c != '\r') {
		console_vga[vga.row * VGA_COLS + vga.col] = VGA_ATTR | (uint8_t)c;
		if (++vga.col == VGA_COLS) {
			vga.col = 0;
			vga.row++;
		}
	}
	if (vga.row == VGA_ROWS)
		vga_scroll();
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		vga_putc(s[i]);
	}
}

void console_puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	console_write(s, n);
}

void console_put_hex(uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char buf[16];

	if (digits < 1 || digits > 16)
		digits = 16;
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		buf[i] = hex[v & 0xf];
	console_write(buf, (size_t)digits);
}

void console_put_dec(uint64_t v)
{
	char buf[20];
	int i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	console_write(buf + i, sizeof(buf) - (size_t)i);
}
