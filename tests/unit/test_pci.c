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
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/pci.h"

struct fn_model {
	uint8_t bus, dev, fn;
	uint32_t reg[64];		/* configuration space, 256 bytes */
	uint64_t bar_size[6];		/* 0: not implemented */
	int bar64[6];			/* the low half of a 64-bit BAR */
	int reads;
};

static struct fn_model fns[8];
static int nfns;
static uint32_t address;

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

static struct fn_model *selected(void)
{
	uint8_t bus = address >> 16, dev = (address >> 11) & 0x1F, fn = (address >> 8) & 7;

	assert_true(address & 0x80000000u);			/* the enable bit */
	for (int i = 0; i < nfns; i++)
		if (fns[i].bus == bus && fns[i].dev == dev && fns[i].fn == fn)
			return &fns[i];
	return NULL;
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

void outl(uint16_t port, uint32_t v)
{
	struct fn_model *f;
	int r;

	if (port == 0xCF8) {
		address = v;
		return;
	}
	assert_int_equal(port, 0xCFC);
	f = selected();
	assert_non_null(f);
	r = (address & 0xFC) / 4;
	if (r >= 4 && r < 10) {
		assert_int_equal(f->reg[1] & (PCI_CMD_IO | PCI_CMD_MEMORY), 0);
		f->reg[r] = bar_write(f, r - 4, v);
	} else if (r == 1) {
		f->reg[1] = (f->reg[1] & 0xFFFF0000u) | (v & 0xFFFF);
	} else {
		f->reg[r] = v;
	}
}

uint32_t inl(uint16_t port)
{
	struct fn_model *f;

	assert_int_equal(port, 0xCFC);
	f = selected();
	if (!f) {
		/* A single-function device has no function 1..7 to read. */
		assert_false(((address >> 8) & 7) != 0 && (address >> 11 & 0x1F) == 3);
		return 0xFFFFFFFF;
	}
	f->reads++;
	return f->reg[(address & 0xFC) / 4];
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

int main(void)
{
	const struct CMUnitTest pci[] = {
		cmocka_unit_test_setup(test_finds_every_function, setup),
		cmocka_unit_test_setup(test_e1000_bars_and_irq, setup),
		cmocka_unit_test_setup(test_64bit_prefetchable_bar, setup),
		cmocka_unit_test_setup(test_io_bar_of_function_1, setup),
		cmocka_unit_test_setup(test_enable_mmio_dma, setup),
	};

	return cmocka_run_group_tests(pci, NULL, NULL);
}
