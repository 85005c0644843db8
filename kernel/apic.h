/*
 * kernel/apic.h - interrupt controllers: the 8259 PIC (masked), the local
 * APIC and the IOAPIC, and routing a device's interrupt line to a handler.
 */
#ifndef APIC_H
#define APIC_H

#include <stdint.h>

#include "kernel/trap.h"

void apic_init(void);
void lapic_eoi(void);
void pic_spurious(int irq);

/*
 * The LAPIC timer as a one-shot: an interrupt (VEC_TIMER) us microseconds
 * from now, or none if stopped first.  idle_wait_us (kernel/time.h) is its
 * user.
 */
void lapic_timer_start(uint64_t us);
void lapic_timer_stop(void);

/*
 * Route ISA/PCI interrupt line `line` (as the PCI Interrupt Line register
 * or the ISA bus numbers it) through the IOAPIC to fn.  pci: the device is
 * on PCI, so the bus default is level-triggered, active low; an ACPI
 * override says otherwise.  Prints the route; returns the vector, or -1.
 */
int irq_attach(int line, int pci, irq_handler_t fn, void *arg);

/*
 * A vector for a message-signalled interrupt to fn: the message (address,
 * data) the device must write to reach this CPU.  Returns the vector, or -1.
 */
int msi_attach(irq_handler_t fn, void *arg, uint64_t *addr, uint32_t *data);

#endif
