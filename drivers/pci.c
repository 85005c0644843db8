/*
 * drivers/pci.c - PCI enumeration.  Configuration space is read through
 * PCI Express's memory window (ECAM: PCI Express Base Specification 3.0,
 * 7.2.2; its base from ACPI's MCFG) where the firmware gives one, as on
 * QEMU's q35, and otherwise through configuration mechanism #1 (ports
 * 0xCF8/0xCFC; PCI Local Bus Specification 3.0, 3.2.2.3.2), as on pc.
 * ECAM also reaches the extended capabilities, above offset 0xFF.
 *
 * The scan starts at bus 0 and follows every PCI-to-PCI bridge to its
 * secondary bus, so every bus that exists is visited and no time is spent
 * probing the 255 that do not.  Each BAR is sized by the usual dance: write
 * all ones, read back which address bits stick, restore (spec 6.2.5.1),
 * with decoding off meanwhile so the device never answers at a bogus address.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/pci.h"
#include "kernel/acpi.h"
#include "kernel/mem.h"
#include "kernel/x86.h"

#define PCI_CONFIG_ADDRESS	0xCF8
#define PCI_CONFIG_DATA		0xCFC

#define CLASS_BRIDGE_PCI	0x0604

static struct {
	struct pci_dev dev[PCI_MAX_DEVICES];
	int ndev;
	uint64_t ecam;			/* the ECAM window, 0: none (the ports) */
	uint8_t ecam_start, ecam_end;	/* the buses it covers */
} pci;

static uint32_t cfg_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
	       (uint32_t)fn << 8 | (off & 0xFC);
}

/*
 * A 32-bit read of configuration space through the ports: the address to
 * CONFIG_ADDRESS, the data from CONFIG_DATA.  0xFFFFFFFF where no
 * function answers.
 * [lab 2.1]
 */
static uint32_t cfg_read_port(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	return inl(PCI_CONFIG_DATA);
}

/*
 * A 32-bit write of configuration space through the ports.
 * [lab 2.1]
 */
static void cfg_write_port(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
	outl(PCI_CONFIG_ADDRESS, cfg_addr(bus, dev, fn, off));
	outl(PCI_CONFIG_DATA, v);
}

uint64_t pci_ecam_addr(uint64_t base, uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return base + ((uint64_t)bus << 20 | (uint64_t)(dev & 31) << 15 |
		       (uint64_t)(fn & 7) << 12 | (off & 0xFFC));
}

static int on_ecam(uint8_t bus)
{
	return pci.ecam && bus >= pci.ecam_start && bus <= pci.ecam_end;
}

/* Configuration space, 32 bits at off: ECAM, or the ports below 256. */
static uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	if (on_ecam(bus))
		return mmio_read32(pci_ecam_addr(pci.ecam, bus, dev, fn, off));
	return off < 256 ? cfg_read_port(bus, dev, fn, (uint8_t)off) : 0xFFFFFFFF;
}

static void cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	if (on_ecam(bus))
		mmio_write32(pci_ecam_addr(pci.ecam, bus, dev, fn, off), v);
	else if (off < 256)
		cfg_write_port(bus, dev, fn, (uint8_t)off, v);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return cfg_read(d->bus, d->dev, d->fn, off);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	cfg_write(d->bus, d->dev, d->fn, off, v);
}

/*
 * Size BAR i: write all ones, read back which address bits stick, put the
 * old value back (spec 6.2.5.1).  Returns how many BAR slots it used (2 for
 * a 64-bit BAR).
 * [lab 2.3]
 */
static int size_bar(struct pci_dev *d, int i)
{
	uint8_t off = (uint8_t)(PCI_BAR0 + 4 * i);
	uint32_t lo = pci_read32(d, off), mask, hi = 0, hmask = 0xFFFFFFFF;
	struct pci_bar *b = &d->bar[i];

	pci_write32(d, off, 0xFFFFFFFF);
	mask = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (mask == 0 || mask == 0xFFFFFFFF)
		return 1;			/* unimplemented */
	if (lo & 1) {
		b->type = BAR_IO;
		b->base = lo & ~3u;
		b->size = (uint16_t)(~(mask & ~3u) + 1);
		return 1;
	}
	b->type = ((lo >> 1) & 3) == 2 ? BAR_MEM64 : BAR_MEM32;
	b->prefetchable = (lo >> 3) & 1;
	if (b->type == BAR_MEM64 && i < 5) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xFFFFFFFF);
		hmask = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	b->base = ((uint64_t)hi << 32) | (lo & ~0xFu);
	b->size = ~(((uint64_t)hmask << 32) | (mask & ~0xFu)) + 1;
	return b->type == BAR_MEM64 ? 2 : 1;
}

static void read_bars(struct pci_dev *d, int nbars)
{
	uint32_t cmd = pci_read32(d, PCI_COMMAND);

	pci_write32(d, PCI_COMMAND, cmd & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (int i = 0; i < nbars; i += size_bar(d, i))
		;
	pci_write32(d, PCI_COMMAND, cmd);
}

int pci_find_cap(const struct pci_dev *d, uint8_t id)
{
	uint8_t off;
	int hops = 48;			/* a looping list must not hang the scan */

	if (!(pci_read32(d, PCI_COMMAND) & (PCI_STATUS_CAP_LIST << 16)))
		return 0;
	for (off = (uint8_t)pci_read32(d, PCI_CAP_PTR) & 0xFC; off && hops--;) {
		uint32_t h = pci_read32(d, off);

		if ((uint8_t)h == id)
			return off;
		off = (uint8_t)(h >> 8) & 0xFC;
	}
	return 0;
}

int pci_find_ext_cap(const struct pci_dev *d, uint16_t id)
{
	uint16_t off = 0x100;
	int hops = 960;

	if (!on_ecam(d->bus))
		return 0;
	while (off >= 0x100 && hops--) {
		uint32_t h = pci_read32(d, off);

		if (h == 0 || h == 0xFFFFFFFF)
			return 0;
		if ((uint16_t)h == id)
			return off;
		off = (uint16_t)(h >> 20) & 0xFFC;
	}
	return 0;
}

/* " name@offset" of each capability, the way lspci -v names them. */
static void print_caps(const struct pci_dev *d)
{
	static const struct {
		uint16_t id;
		const char *name;
	} std[] = { { 0x01, "pm" }, { 0x05, "msi" }, { 0x09, "vendor" }, { 0x10, "pcie" },
		    { 0x11, "msix" } }, ext[] = { { 0x01, "aer" }, { 0x03, "dsn" },
		    { 0x0B, "vendor" }, { 0x0E, "ari" }, { 0x10, "sriov" } };
	int any = 0;

	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++) {
		int off = pci_find_cap(d, (uint8_t)std[i].id);

		if (off)
			printf("%s %s@%#x", any++ ? "" : "pci:          caps", std[i].name, off);
	}
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		int off = pci_find_ext_cap(d, ext[i].id);

		if (off)
			printf("%s %s@%#x", any++ ? "" : "pci:          caps", ext[i].name, off);
	}
	if (any)
		printf("\n");
}

static void print_dev(const struct pci_dev *d)
{
	static const char *const type[] = { "", "io", "mem32", "mem64" };

	printf("pci: %02x:%02x.%x %04x:%04x class %06lx",
	       d->bus, d->dev, d->fn, d->vendor, d->device,
	       (unsigned long)(d->class_rev >> 8));
	if (d->irq_pin)
		printf(" irq %u pin %c", d->irq_line, 'A' + d->irq_pin - 1);
	printf("\n");
	for (int i = 0; i < 6; i++)
		if (d->bar[i].type != BAR_NONE)
			printf("pci:          bar%d %-5s %#010llx size %#llx%s\n", i,
			       type[d->bar[i].type], (unsigned long long)d->bar[i].base,
			       (unsigned long long)d->bar[i].size,
			       d->bar[i].prefetchable ? " prefetchable" : "");
	print_caps(d);
}

static void scan_bus(uint8_t bus);

/*
 * One function found: its IDs, class, interrupt line and pin, its BARs
 * sized, a line printed; a PCI-to-PCI bridge is followed to its secondary bus.
 * [lab 2.2]
 */
static void add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t id = cfg_read(bus, dev, fn, PCI_VENDOR_ID);
	uint32_t hdr = (cfg_read(bus, dev, fn, PCI_HEADER_TYPE & 0xFC) >> 16) & 0x7F;
	uint32_t irq = cfg_read(bus, dev, fn, PCI_INTERRUPT_LINE);
	struct pci_dev *d;

	if (pci.ndev == PCI_MAX_DEVICES) {
		printf("pci: more than %d functions, ignoring %02x:%02x.%x\n",
		       PCI_MAX_DEVICES, bus, dev, fn);
		return;
	}
	d = &pci.dev[pci.ndev++];
	memset(d, 0, sizeof(*d));
	d->bus = bus, d->dev = dev, d->fn = fn;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	d->class_rev = cfg_read(bus, dev, fn, PCI_CLASS_REV);
	d->irq_line = (uint8_t)irq;
	d->irq_pin = (uint8_t)(irq >> 8);
	read_bars(d, hdr == 0 ? 6 : hdr == 1 ? 2 : 0);
	print_dev(d);

	if (hdr == 1 && (d->class_rev >> 16) == CLASS_BRIDGE_PCI)
		scan_bus((uint8_t)(pci_read32(d, PCI_SECONDARY_BUS & 0xFC) >> 8));
}

/*
 * Every device of bus, and every function of a multi-function one.
 * [lab 2.2]
 */
static void scan_bus(uint8_t bus)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t hdr;
		uint8_t nfn;

		if ((uint16_t)cfg_read(bus, dev, 0, PCI_VENDOR_ID) == 0xFFFF)
			continue;
		hdr = cfg_read(bus, dev, 0, PCI_HEADER_TYPE & 0xFC) >> 16;
		nfn = (hdr & PCI_HEADER_MULTIFN) ? 8 : 1;
		for (uint8_t fn = 0; fn < nfn; fn++)
			if ((uint16_t)cfg_read(bus, dev, fn, PCI_VENDOR_ID) != 0xFFFF)
				add_function(bus, dev, fn);
	}
}

void pci_init(void)
{
	uint64_t base;
	uint8_t start, end;

	pci.ndev = 0;
	pci.ecam = 0;
	if (acpi_mcfg(&base, &start, &end) == 0 && base && start <= end &&
	    base + (((uint64_t)end + 1) << 20) <= MEM_IDENTITY_TOP) {
		mem_map_uncached(base + ((uint64_t)start << 20), (uint64_t)(end - start + 1) << 20);
		pci.ecam = base, pci.ecam_start = start, pci.ecam_end = end;
		printf("pci: configuration through ECAM at %#llx, buses %u-%u\n",
		       (unsigned long long)base, start, end);
	} else {
		printf("pci: configuration through ports 0xcf8/0xcfc (no MCFG)\n");
	}
	scan_bus(0);
	printf("pci: %d functions\n", pci.ndev);
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device)
{
	for (int i = 0; i < pci.ndev; i++)
		if (pci.dev[i].vendor == vendor && pci.dev[i].device == device)
			return &pci.dev[i];
	return NULL;
}

#define MSIX_CTRL_ENABLE	0x8000	/* Message Control, the capability's upper half */
#define MSIX_CTRL_MASK		0x4000	/* Function Mask: every vector masked */
#define MSIX_ENTRY_MASKED	0x1	/* an entry's Vector Control */

int pci_msix_init(struct pci_dev *d, struct pci_msix *m, int need)
{
	int cap = pci_find_cap(d, PCI_CAP_MSIX);
	uint32_t ctrl, table;
	const struct pci_bar *b;

	if (!cap)
		return -1;
	ctrl = pci_read32(d, (uint16_t)cap);
	table = pci_read32(d, (uint16_t)(cap + 4));	/* BIR in bits 2:0, offset above */
	if ((table & 7) > 5)
		return -1;
	b = &d->bar[table & 7];
	m->cap = cap;
	m->size = (int)((ctrl >> 16) & 0x7FF) + 1;
	m->table = b->base + (table & ~7u);
	if ((b->type != BAR_MEM32 && b->type != BAR_MEM64) || m->size < need ||
	    (table & ~7u) + (uint64_t)m->size * 16 > b->size ||
	    m->table + (uint64_t)m->size * 16 > MEM_IDENTITY_TOP)
		return -1;
	mem_map_uncached(m->table, (uint64_t)m->size * 16);
	pci_write32(d, (uint16_t)cap, ctrl | (uint32_t)(MSIX_CTRL_ENABLE | MSIX_CTRL_MASK) << 16);
	return 0;
}

void pci_msix_stop(const struct pci_dev *d, const struct pci_msix *m)
{
	uint32_t ctrl = pci_read32(d, (uint16_t)m->cap);

	pci_write32(d, (uint16_t)m->cap, ctrl & ~((uint32_t)MSIX_CTRL_ENABLE << 16));
}

/* Vector Control's other bits are reserved, to be kept as they are (6.8.2.9). */
void pci_msix_set(const struct pci_msix *m, int i, uint64_t addr, uint32_t data)
{
	uint64_t e = m->table + 16 * (uint64_t)i;
	uint32_t vc = mmio_read32(e + 12);

	mmio_write32(e + 12, vc | MSIX_ENTRY_MASKED);
	mmio_write32(e, (uint32_t)addr);
	mmio_write32(e + 4, (uint32_t)(addr >> 32));
	mmio_write32(e + 8, data);
	mmio_write32(e + 12, vc & ~(uint32_t)MSIX_ENTRY_MASKED);
}

void pci_msix_start(const struct pci_dev *d, const struct pci_msix *m)
{
	uint32_t cmd = pci_read32(d, PCI_COMMAND) & 0xFFFF, ctrl = pci_read32(d, (uint16_t)m->cap);

	pci_write32(d, PCI_COMMAND, cmd | PCI_CMD_INTX_DISABLE);
	pci_write32(d, (uint16_t)m->cap, (ctrl & ~((uint32_t)MSIX_CTRL_MASK << 16)) |
		    (uint32_t)MSIX_CTRL_ENABLE << 16);
}

/*
 * Memory decoding and bus mastering on, INTx not disabled.
 * [lab 2.4]
 */
void pci_enable_mmio_dma(const struct pci_dev *d)
{
	uint32_t cmd = pci_read32(d, PCI_COMMAND) & 0xFFFF;

	cmd |= PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER;
	cmd &= ~(uint32_t)PCI_CMD_INTX_DISABLE;
	pci_write32(d, PCI_COMMAND, cmd);	/* the status half is write-1-to-clear */
}
