/*
 * kernel/acpi.h - what the kernel needs from ACPI: the interrupt controllers
 * and the ISA IRQ overrides in the MADT.
 */
#ifndef ACPI_H
#define ACPI_H

#include <stdint.h>

#define ACPI_MAX_IOAPICS	4

/* MPS INTI flags (ACPI 6.4, table 5.50): polarity bits 1:0, trigger 3:2. */
#define INTI_POLARITY_MASK	0x3
#define INTI_POLARITY_HIGH	0x1
#define INTI_POLARITY_LOW	0x3
#define INTI_TRIGGER_MASK	0xC
#define INTI_TRIGGER_EDGE	0x4
#define INTI_TRIGGER_LEVEL	0xC

struct acpi_ioapic {
	uint8_t id;
	uint32_t phys;		/* MMIO base */
	uint32_t gsi_base;	/* first global system interrupt it serves */
};

struct acpi_info {
	uint32_t lapic_phys;
	int ncpus;
	int nioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	uint32_t isa_gsi[16];	/* ISA IRQ -> GSI, identity unless overridden */
	uint16_t isa_flags[16];	/* INTI flags of an override, 0 = bus default */
};

/*
 * Find the RSDP, the RSDT/XSDT and the MADT; 0, or -1 if there is no MADT
 * or it lists no IOAPIC.
 */
int acpi_init(struct acpi_info *info);

/*
 * PCI Express's configuration window (ECAM), from the MCFG table (PCI
 * Firmware Specification 3.0, 4.1.2): its base for segment 0 and the
 * buses it covers.  0, or -1 if there is none (QEMU's pc has none; q35 has).
 */
int acpi_mcfg(uint64_t *base, uint8_t *bus_start, uint8_t *bus_end);

#endif
