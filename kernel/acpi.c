/*
 * kernel/acpi.c - find the interrupt controllers in the ACPI MADT, and
 * PCI Express's configuration window in the MCFG.
 *
 * Why the MADT and not the MP table: every PC firmware since about 2000
 * (SeaBIOS and OVMF included) provides ACPI, the MP specification is
 * obsolete, and only the MADT's interrupt source overrides say how QEMU
 * really wires ISA IRQs to the IOAPIC (IRQ 0 -> GSI 2, and PCI's IRQs
 * 5/9/10/11 level-triggered).
 *
 * ACPI 6.4: 5.2.5 (RSDP), 5.2.7/5.2.8 (RSDT/XSDT), 5.2.12 (MADT).
 * All tables are below 4 GiB, inside boot.S's identity map.
 */
#include <string.h>

#include "kernel/acpi.h"

struct rsdp {
	char signature[8];	/* "RSD PTR " */
	uint8_t checksum;
	char oem[6];
	uint8_t revision;	/* 0: ACPI 1.0, RSDT only; 2: XSDT too */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_revision;
	uint32_t creator;
	uint32_t creator_revision;
} __attribute__((packed));

enum madt_type {
	MADT_LAPIC	= 0,
	MADT_IOAPIC	= 1,
	MADT_OVERRIDE	= 2,
};

static int sum_ok(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (n--)
		sum += *b++;
	return sum == 0;
}

static const struct rsdp *scan_rsdp(uintptr_t start, uintptr_t len)
{
	for (uintptr_t a = start; a + sizeof(struct rsdp) <= start + len; a += 16) {
		const struct rsdp *r = (const struct rsdp *)a;

		if (memcmp(r->signature, "RSD PTR ", 8) == 0 && sum_ok(r, 20))
			return r;
	}
	return 0;
}

/* The RSDP lives in the first KiB of the EBDA or in 0xE0000-0xFFFFF (5.2.5.1). */
static const struct rsdp *find_rsdp(void)
{
	uintptr_t ebda = (uintptr_t)*(volatile uint16_t *)0x40E << 4;
	const struct rsdp *r = 0;

	if (ebda >= 0x80000 && ebda < 0xA0000)
		r = scan_rsdp(ebda, 1024);
	return r ? r : scan_rsdp(0xE0000, 0x20000);
}

static const struct sdt_header *find_table(const struct rsdp *rsdp, const char *sig)
{
	int wide = rsdp->revision >= 2 && rsdp->xsdt;
	const struct sdt_header *root = (const void *)(uintptr_t)
		(wide ? rsdp->xsdt : rsdp->rsdt);
	const uint8_t *entries = (const uint8_t *)(root + 1);
	uint32_t n = (root->length - sizeof(*root)) / (wide ? 8 : 4);

	if (!sum_ok(root, root->length))
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t addr = 0;
		const struct sdt_header *t;

		memcpy(&addr, entries + i * (wide ? 8 : 4), wide ? 8 : 4);
		t = (const void *)(uintptr_t)addr;
		if (memcmp(t->signature, sig, 4) == 0 && sum_ok(t, t->length))
			return t;
	}
	return 0;
}

/* One MADT entry: type, length, then the type's fields (table 5.19 on). */
static void madt_entry(struct acpi_info *info, const uint8_t *e)
{
	uint32_t u32;
	uint16_t u16;

	switch (e[0]) {
	case MADT_LAPIC:
		memcpy(&u32, e + 4, 4);
		if (u32 & 1)			/* processor enabled */
			info->ncpus++;
		break;
	case MADT_IOAPIC:
		if (info->nioapics == ACPI_MAX_IOAPICS)
			break;
		info->ioapic[info->nioapics].id = e[2];
		memcpy(&info->ioapic[info->nioapics].phys, e + 4, 4);
		memcpy(&info->ioapic[info->nioapics].gsi_base, e + 8, 4);
		info->nioapics++;
		break;
	case MADT_OVERRIDE:
		if (e[2] != 0 || e[3] >= 16)	/* bus 0 is ISA */
			break;
		memcpy(&info->isa_gsi[e[3]], e + 4, 4);
		memcpy(&u16, e + 8, 2);
		info->isa_flags[e[3]] = u16;
		break;
	}
}

int acpi_mcfg(uint64_t *base, uint8_t *bus_start, uint8_t *bus_end)
{
	const struct rsdp *rsdp = find_rsdp();
	const struct sdt_header *mcfg;
	const uint8_t *e, *end;

	if (!rsdp || !(mcfg = find_table(rsdp, "MCFG")))
		return -1;
	/* 8 reserved bytes, then 16-byte entries: base, segment, first and last bus */
	end = (const uint8_t *)mcfg + mcfg->length;
	for (e = (const uint8_t *)(mcfg + 1) + 8; e + 16 <= end; e += 16) {
		uint16_t segment;

		memcpy(&segment, e + 8, 2);
		if (segment != 0)
			continue;
		memcpy(base, e, 8);
		*bus_start = e[10];
		*bus_end = e[11];
		return 0;
	}
	return -1;
}

int acpi_init(struct acpi_info *info)
{
	const struct rsdp *rsdp = find_rsdp();
	const struct sdt_header *madt;
	const uint8_t *p, *end;

	memset(info, 0, sizeof(*info));
	for (int i = 0; i < 16; i++)
		info->isa_gsi[i] = (uint32_t)i;
	if (!rsdp || !(madt = find_table(rsdp, "APIC")))
		return -1;

	memcpy(&info->lapic_phys, madt + 1, 4);	/* then 4 bytes of flags */
	p = (const uint8_t *)(madt + 1) + 8;
	end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2; p += p[1])
		madt_entry(info, p);
	return info->nioapics > 0 ? 0 : -1;
}
