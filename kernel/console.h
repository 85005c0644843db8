/*
 * kernel/console.h - the console: COM1 (the program-readable one) and a VGA
 * text mirror.  Safe in any context: no locks, no newlib, no allocation.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* The VGA text screen the mirror writes to (0xB8000; a test's own buffer). */
extern volatile uint16_t *console_vga;

void console_init(void);
void console_write(const char *s, size_t n);
void console_puts(const char *s);
void console_put_hex(uint64_t v, int digits);
void console_put_dec(uint64_t v);

#endif
