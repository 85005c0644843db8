/*
 * tests/unit/test_pci.c - host unit tests (cmocka) for the PCI scan,
 * drivers/pci.c (lab 2), against a model of configuration mechanism #1:
 * CONFIG_ADDRESS at 0xCF8 selects bus, device, function and register,
 * CONFIG_DATA at 0xCFC reads or writes it; a function that is not there
 * reads as all ones.
 *
 * The model's machine: bus 0 has a host bridge (00:00.0), a multi-function
 * device (00:01.0 ISA bridge, 00:01.1 IDE with an I/O BAR), a PCI-to-PCI
 * bridge (00:02.0) to bus 1, and an e1000 (00:03.0: mem32 BAR0 of 128 KiB,
 * I/O BAR1 of 64 bytes, INTA# on IRQ 11); bus 1 has one device with a
 * prefetchable 64-bit BAR of 1 MiB above 4 GiB.  BARs answer the sizing
 * dance as hardware does: address bits below the size read back as zero.
 * The model fails the test if a BAR is written while the function decodes
 * (sizing must turn decoding off), or if a function the scan should not
 * look at (function 1 of a single-function device) is read.
 *
 * The same configuration spaces (4 KiB each) also answer through a model of
 * ECAM, PCI Express's memory window (mmio_read32/mmio_write32 at
 * ECAM_BASE), when the test gives the scan an MCFG (acpi_mcfg below: its
 * window from bus 0, or from bus 1 with bus 0 on the ports); the model
 * decodes each address by the specification's layout itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/pci.h"
#include "kernel/acpi.h"
#include "kernel/mem.h"

#define ECAM_BASE	0xE0000000ULL
#define MSIX_BAR	0xFEBD0000ULL	/* the model 82574's BAR3: its MSI-X table */

struct fn_model {
	uint8_t bus, dev, fn;
	uint32_t reg[1024];		/* configuration space, 4 KiB (the ports see 256 bytes) */
	uint64_t bar_size[6];		/* 0: not implemented */
	int bar64[6];			/* the low half of a 64-bit BAR */
	int reads;
};

static struct fn_model fns[8];
static int nfns;
static uint32_t address;
static int mcfg, port_accesses, ecam_accesses;	/* mcfg: the firmware has an MCFG */
static uint8_t mcfg_start;			/* ... whose window starts at this bus */

/* The model 82574's MSI-X table (PCI 3.0, 6.8.2), and when it changed. */
static struct {
	uint32_t entry[5][4];		/* address low, high, data, vector control */
	int writes_unmasked;		/* an entry's address or data written unmasked */
	int enabled_at_set;		/* MSI-X enabled, function masked, at each set */
} msix;
static uint64_t uncached_base, uncached_len;

/* kernel/acpi.c's, for the scan: an MCFG for buses 0 and 1, if mcfg. */
int acpi_mcfg(uint64_t *base, uint8_t *bus_start, uint8_t *bus_end)
{
	if (!mcfg)
		return -1;
	*base = ECAM_BASE;
	*bus_start = mcfg_start;
	*bus_end = 1;
	return 0;
}

void mem_map_uncached(uint64_t phys, uint64_t len)
{
	uncached_base = phys;
	uncached_len = len;
}

static struct fn_model *add(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor,
			    uint16_t device, uint32_t class_rev, uint8_t hdr)
{
	struct fn_model *f = &fns[nfns++];

	memset(f, 0, sizeof(*f));
	f->bus = bus, f->dev = dev, f->fn = fn;
	f->reg[0] = (uint32_t)device << 16 | vendor;
	f->reg[1] = PCI_CMD_IO | PCI_CMD_MEMORY;	/* as firmware leaves it */
	f->reg[2] = class_rev;
	f->reg[3] = (uint32_t)hdr << 16;
	return f;
}

static void bar(struct fn_model *f, int i, uint32_t value, uint64_t size, int is64)
{
	f->reg[4 + i] = value;
	f->bar_size[i] = size;
	f->bar64[i] = is64;
}

static int setup(void **state)
{
	struct fn_model *f;

	(void)state;
	nfns = 0;
	mcfg = port_accesses = ecam_accesses = mcfg_start = 0;
	add(0, 0, 0, 0x8086, 0x1237, 0x06000002, 0x00);			/* host bridge */
	add(0, 1, 0, 0x8086, 0x7000, 0x06010000, 0x80);			/* ISA, multi-fn */
	f = add(0, 1, 1, 0x8086, 0x7010, 0x01018000, 0x00);		/* IDE */
	bar(f, 4, 0xC041, 0x10, 0);
	f = add(0, 2, 0, 0x8086, 0x244E, 0x06040000, 0x01);		/* PCI-PCI bridge */
	f->reg[6] = 0x00010100;					/* primary 0, secondary 1 */
	f = add(0, 3, 0, 0x8086, 0x100E, 0x02000003, 0x00);		/* e1000 */
	bar(f, 0, 0xFEBC0000, 0x20000, 0);
	bar(f, 1, 0xC001, 0x40, 0);
	f->reg[15] = 0x0100 | 11;					/* INTA#, line 11 */
	f = add(1, 0, 0, 0x1234, 0x5678, 0x03000000, 0x00);		/* behind the bridge */
	bar(f, 2, 0x0000000C, 0x100000, 1);				/* 64-bit, prefetchable */
	f->reg[4 + 3] = 0x00000001;					/* ... at 0x1_0000_0000 */
	return 0;
}

static struct fn_model *find_fn(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < nfns; i++)
		if (fns[i].bus == bus && fns[i].dev == dev && fns[i].fn == fn)
			return &fns[i];
	/* A single-function device has no function 1..7 to read. */
	assert_false(fn != 0 && dev == 3 && bus == 0);
	return NULL;
}

static struct fn_model *selected(void)
{
	assert_true(address & 0x80000000u);			/* the enable bit */
	return find_fn(address >> 16, (address >> 11) & 0x1F, (address >> 8) & 7);
}

/* The value a BAR register reads as after v was written to it. */
static uint32_t bar_write(const struct fn_model *f, int i, uint32_t v)
{
	uint32_t low_bits;

	if (i > 0 && f->bar64[i - 1]) {				/* a 64-bit BAR's top half */
		uint64_t mask = ~(f->bar_size[i - 1] - 1);
		return v & (uint32_t)(mask >> 32);
	}
	if (!f->bar_size[i])
		return 0;					/* not implemented */
	low_bits = f->reg[4 + i] & (f->reg[4 + i] & 1 ? 0x3u : 0xFu);
	return (v & ~(uint32_t)(f->bar_size[i] - 1) & ~(low_bits & 1 ? 0x3u : 0xFu)) | low_bits;
}

/* A write of register r (a dword index) of f, as the hardware takes it. */
static void reg_write(struct fn_model *f, int r, uint32_t v)
{
	assert_non_null(f);
	if (r >= 4 && r < 10) {
		assert_int_equal(f->reg[1] & (PCI_CMD_IO | PCI_CMD_MEMORY), 0);
		f->reg[r] = bar_write(f, r - 4, v);
	} else if (r == 1) {
		f->reg[1] = (f->reg[1] & 0xFFFF0000u) | (v & 0xFFFF);
	} else {
		f->reg[r] = v;
	}
}

static uint32_t reg_read(struct fn_model *f, int r)
{
	if (!f)
		return 0xFFFFFFFF;
	f->reads++;
	return f->reg[r];
}

void outl(uint16_t port, uint32_t v)
{
	port_accesses++;
	if (port == 0xCF8) {
		address = v;
		return;
	}
	assert_int_equal(port, 0xCFC);
	reg_write(selected(), (address & 0xFC) / 4, v);
}

uint32_t inl(uint16_t port)
{
	port_accesses++;
	assert_int_equal(port, 0xCFC);
	return reg_read(selected(), (address & 0xFC) / 4);
}

/* ECAM (PCIe 3.0, 7.2.2): bus in bits 27:20, device 19:15, function 14:12. */
static struct fn_model *ecam_fn(uint64_t addr, int *r)
{
	uint64_t off = addr - ECAM_BASE;

	assert_true(mcfg && addr >= ECAM_BASE && off < (2u << 20) && (off & 3) == 0);
	ecam_accesses++;
	*r = (int)(off & 0xFFF) / 4;
	return find_fn((uint8_t)(off >> 20), (off >> 15) & 0x1F, (off >> 12) & 7);
}

static uint32_t *msix_word(uint64_t addr)
{
	uint64_t off = addr - MSIX_BAR;

	assert_true(addr >= MSIX_BAR && off < sizeof(msix.entry) && (off & 3) == 0);
	return &msix.entry[off / 16][(off % 16) / 4];
}

uint32_t mmio_read32(uint64_t addr)
{
	struct fn_model *f;
	int r;

	if (addr >= MSIX_BAR)
		return *msix_word(addr);
	f = ecam_fn(addr, &r);
	return reg_read(f, r);
}

void mmio_write32(uint64_t addr, uint32_t v)
{
	struct fn_model *f;
	int r;

	if (addr >= MSIX_BAR) {
		uint32_t *w = msix_word(addr);
		uint32_t ctrl = fns[6].reg[0xA0 / 4] >> 16;

		if ((addr - MSIX_BAR) % 16 != 12 && !(w[3 - ((addr - MSIX_BAR) % 16) / 4] & 1))
			msix.writes_unmasked++;
		msix.enabled_at_set += (ctrl & 0xC000) == 0xC000;
		*w = v;
		return;
	}
	f = ecam_fn(addr, &r);
	reg_write(f, r, v);
}

void outb(uint16_t port, uint8_t v)
{
	fail_msg("outb(0x%x, 0x%x)", port, v);
}

uint8_t inb(uint16_t port)
{
	fail_msg("inb(0x%x)", port);
	return 0;
}

static void test_finds_every_function(void **state)
{
	(void)state;
	pci_init();
	assert_non_null(pci_find(0x8086, 0x1237));
	assert_non_null(pci_find(0x8086, 0x7000));
	assert_non_null(pci_find(0x8086, 0x7010));		/* function 1 */
	assert_non_null(pci_find(0x8086, 0x244E));
	assert_non_null(pci_find(0x1234, 0x5678));		/* behind the bridge */
	assert_null(pci_find(0x8086, 0x100F));
	assert_int_equal(pci_find(0x8086, 0x7010)->fn, 1);
	assert_int_equal(pci_find(0x1234, 0x5678)->bus, 1);
}

static void test_e1000_bars_and_irq(void **state)
{
	const struct pci_dev *d;

	(void)state;
	pci_init();
	d = pci_find(0x8086, 0x100E);
	assert_non_null(d);
	assert_int_equal(d->bar[0].type, BAR_MEM32);
	assert_int_equal(d->bar[0].base, 0xFEBC0000);
	assert_int_equal(d->bar[0].size, 0x20000);
	assert_int_equal(d->bar[1].type, BAR_IO);
	assert_int_equal(d->bar[1].base, 0xC000);
	assert_int_equal(d->bar[1].size, 0x40);
	assert_int_equal(d->bar[2].type, BAR_NONE);
	assert_int_equal(d->irq_line, 11);
	assert_int_equal(d->irq_pin, 1);
	assert_int_equal(d->class_rev >> 8, 0x020000);
	/* Sizing put every BAR back, and decoding back on. */
	assert_int_equal(fns[4].reg[4], 0xFEBC0000);
	assert_int_equal(fns[4].reg[5], 0xC001);
	assert_int_equal(fns[4].reg[1] & 0xFFFF, PCI_CMD_IO | PCI_CMD_MEMORY);
}

static void test_64bit_prefetchable_bar(void **state)
{
	const struct pci_dev *d;

	(void)state;
	pci_init();
	d = pci_find(0x1234, 0x5678);
	assert_int_equal(d->bar[2].type, BAR_MEM64);
	assert_int_equal(d->bar[2].prefetchable, 1);
	assert_int_equal(d->bar[2].base, 0x100000000ULL);
	assert_int_equal(d->bar[2].size, 0x100000);
	assert_int_equal(d->bar[3].type, BAR_NONE);		/* the top half is no BAR */
}

static void test_io_bar_of_function_1(void **state)
{
	const struct pci_dev *d;

	(void)state;
	pci_init();
	d = pci_find(0x8086, 0x7010);
	assert_int_equal(d->bar[4].type, BAR_IO);
	assert_int_equal(d->bar[4].base, 0xC040);
	assert_int_equal(d->bar[4].size, 0x10);
}

static void test_enable_mmio_dma(void **state)
{
	const struct pci_dev *d;

	(void)state;
	pci_init();
	d = pci_find(0x8086, 0x100E);
	fns[4].reg[1] |= PCI_CMD_INTX_DISABLE;
	pci_enable_mmio_dma(d);
	assert_int_equal(fns[4].reg[1] & (PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER),
			 PCI_CMD_MEMORY | PCI_CMD_BUS_MASTER);
	assert_int_equal(fns[4].reg[1] & PCI_CMD_INTX_DISABLE, 0);
}

static void test_ecam_address(void **state)
{
	(void)state;
	assert_int_equal(pci_ecam_addr(0xB0000000, 0, 2, 0, 0x100), 0xB0010100);
	assert_int_equal(pci_ecam_addr(0xB0000000, 0, 0x1F, 3, 0x3C), 0xB00FB03C);
	assert_int_equal(pci_ecam_addr(0xE0000000, 3, 31, 7, 0xFFF),
			 0xE0000000 + (3u << 20 | 31u << 15 | 7u << 12 | 0xFFC));
	assert_int_equal(pci_ecam_addr(0xE0000000, 255, 0, 0, 0), 0xE0000000 + (255ULL << 20));
}

/* With an MCFG the whole scan goes through ECAM, and finds the same. */
static void test_scan_through_ecam(void **state)
{
	const struct pci_dev *d;

	(void)state;
	mcfg = 1;
	pci_init();
	assert_int_equal(port_accesses, 0);
	assert_true(ecam_accesses > 0);
	assert_int_equal(uncached_base, ECAM_BASE);
	assert_int_equal(uncached_len, 2 << 20);			/* buses 0 and 1 */
	assert_non_null(pci_find(0x8086, 0x7010));
	d = pci_find(0x1234, 0x5678);					/* behind the bridge */
	assert_non_null(d);
	assert_int_equal(d->bar[2].base, 0x100000000ULL);
	d = pci_find(0x8086, 0x100E);
	assert_int_equal(d->bar[0].base, 0xFEBC0000);
	assert_int_equal(d->bar[0].size, 0x20000);
	assert_int_equal(fns[4].reg[4], 0xFEBC0000);			/* put back */
}

/*
 * MCFG's base is bus 0's address even when its window starts later: bus 0
 * through the ports, bus 1 through ECAM at base + 1 MiB, found as itself.
 */
static void test_ecam_window_from_bus_1(void **state)
{
	const struct pci_dev *d;

	(void)state;
	mcfg = 1, mcfg_start = 1;
	pci_init();
	assert_true(port_accesses > 0 && ecam_accesses > 0);
	assert_int_equal(uncached_base, ECAM_BASE + (1 << 20));
	assert_int_equal(uncached_len, 1 << 20);
	d = pci_find(0x1234, 0x5678);
	assert_non_null(d);
	assert_int_equal(d->bus, 1);
	assert_int_equal(d->bar[2].base, 0x100000000ULL);
	assert_non_null(pci_find(0x8086, 0x100E));
}

/* The capability list (6.7), and the extended one (PCIe 7.9) that only ECAM reaches. */
static void test_capabilities(void **state)
{
	struct fn_model *f = &fns[4];
	const struct pci_dev *d;

	(void)state;
	f->reg[1] |= (uint32_t)PCI_STATUS_CAP_LIST << 16;
	f->reg[PCI_CAP_PTR / 4] = 0xC8;
	f->reg[0xC8 / 4] = 0xD001;		/* pm, next msi */
	f->reg[0xD0 / 4] = 0xE005;		/* msi, next pcie */
	f->reg[0xE0 / 4] = 0xA010;		/* pcie, next msix */
	f->reg[0xA0 / 4] = 0x0011;		/* msix, the last */
	f->reg[0x100 / 4] = 0x0001 | 1u << 16 | 0x140u << 20;	/* aer, next dsn */
	f->reg[0x140 / 4] = 0x0003 | 1u << 16;			/* dsn, the last */
	pci_init();
	d = pci_find(0x8086, 0x100E);
	assert_int_equal(pci_find_cap(d, 0x11), 0xA0);
	assert_int_equal(pci_find_cap(d, 0x10), 0xE0);
	assert_int_equal(pci_find_cap(d, 0x09), 0);
	assert_int_equal(pci_find_ext_cap(d, 0x0001), 0);	/* the ports reach no further */
	mcfg = 1;
	pci_init();
	d = pci_find(0x8086, 0x100E);
	assert_int_equal(pci_find_cap(d, 0x01), 0xC8);
	assert_int_equal(pci_find_ext_cap(d, 0x0001), 0x100);
	assert_int_equal(pci_find_ext_cap(d, 0x0003), 0x140);
	assert_int_equal(pci_find_ext_cap(d, 0x000E), 0);
	assert_int_equal(pci_find_cap(pci_find(0x8086, 0x1237), 0x11), 0);	/* no list */
}

/*
 * MSI-X on a model 82574: the table found through the capability (BIR 3,
 * offset 0), each entry written while masked, then unmasked; the function
 * enabled and masked meanwhile, then INTx off and the function unmasked.
 */
static void test_msix_table(void **state)
{
	struct fn_model *f;
	struct pci_msix m;
	struct pci_dev *d;

	(void)state;
	f = add(0, 4, 0, 0x8086, 0x10D3, 0x02000000, 0x00);	/* fns[6] */
	bar(f, 3, (uint32_t)MSIX_BAR, 0x4000, 0);
	f->reg[1] |= (uint32_t)PCI_STATUS_CAP_LIST << 16;
	f->reg[PCI_CAP_PTR / 4] = 0xA0;
	f->reg[0xA0 / 4] = 4u << 16 | 0x0011;	/* MSI-X, 5 entries, the last capability */
	f->reg[0xA4 / 4] = 0x00000003;		/* the table: BAR3 + 0 */
	f->reg[0xA8 / 4] = 0x00002003;		/* the PBA: BAR3 + 0x2000 */
	for (int i = 0; i < 5; i++)
		msix.entry[i][3] = 1;		/* masked, as at reset */
	pci_init();
	d = pci_find(0x8086, 0x10D3);
	assert_int_equal(pci_msix_init(d, &m, 6), -1);		/* 5 entries: too few */
	assert_int_equal(f->reg[0xA0 / 4] >> 16, 0x0004);	/* ... and MSI-X left off */
	assert_int_equal(pci_msix_init(d, &m, 3), 0);
	assert_int_equal(m.cap, 0xA0);
	assert_int_equal(m.size, 5);
	assert_int_equal(m.table, MSIX_BAR);
	assert_int_equal(uncached_base, MSIX_BAR);
	assert_int_equal(f->reg[0xA0 / 4] >> 16, 0xC004);	/* enabled, function masked */
	pci_msix_set(&m, 1, 0xFEE01000, 0x31);
	assert_int_equal(msix.entry[1][0], 0xFEE01000);
	assert_int_equal(msix.entry[1][1], 0);
	assert_int_equal(msix.entry[1][2], 0x31);
	assert_int_equal(msix.entry[1][3], 0);			/* unmasked last */
	assert_int_equal(msix.entry[0][3], 1);			/* the others untouched */
	assert_int_equal(msix.writes_unmasked, 0);
	assert_int_equal(msix.enabled_at_set, 5);		/* every write of the entry */
	pci_msix_start(d, &m);
	assert_int_equal(f->reg[0xA0 / 4] >> 16, 0x8004);	/* enabled, unmasked */
	assert_true(f->reg[1] & PCI_CMD_INTX_DISABLE);
	assert_true(f->reg[1] & PCI_CMD_MEMORY);
	pci_msix_stop(d, &m);
	assert_int_equal(f->reg[0xA0 / 4] >> 16, 0x0004);	/* off again */
	/* A function without the capability has no MSI-X. */
	assert_int_equal(pci_msix_init(pci_find(0x8086, 0x100E), &m, 1), -1);
}

int main(void)
{
	const struct CMUnitTest pci[] = {
		cmocka_unit_test_setup(test_finds_every_function, setup),
		cmocka_unit_test_setup(test_e1000_bars_and_irq, setup),
		cmocka_unit_test_setup(test_64bit_prefetchable_bar, setup),
		cmocka_unit_test_setup(test_io_bar_of_function_1, setup),
		cmocka_unit_test_setup(test_enable_mmio_dma, setup),
		cmocka_unit_test_setup(test_ecam_address, setup),
		cmocka_unit_test_setup(test_scan_through_ecam, setup),
		cmocka_unit_test_setup(test_ecam_window_from_bus_1, setup),
		cmocka_unit_test_setup(test_capabilities, setup),
		cmocka_unit_test_setup(test_msix_table, setup),
	};

	return cmocka_run_group_tests(pci, NULL, NULL);
}
