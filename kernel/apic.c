/*
 * kernel/apic.c - the 8259 PIC (remapped, then masked), the local APIC, and
 * the IOAPIC.
 *
 * Intel SDM vol. 3, chapter 10 (local APIC); Intel 82093AA IOAPIC datasheet
 * (IOREGSEL/IOWIN, redirection table); Intel 8259A datasheet (ICW1-ICW4).
 * Where the controllers are comes from ACPI's MADT (kernel/acpi.c).
 */
#include <stdio.h>

#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xA0
#define PIC2_DATA	0xA1
#define PIC_EOI		0x20
#define PIC_READ_ISR	0x0B

/* Local APIC registers, byte offsets (SDM table 10-1). */
#define LAPIC_ID	0x020
#define LAPIC_TPR	0x080	/* task priority */
#define LAPIC_EOI	0x0B0
#define LAPIC_SVR	0x0F0	/* spurious-interrupt vector */
#define   SVR_ENABLE	0x100
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_ERR	0x370
#define   LVT_MASKED	0x10000
#define LAPIC_TIMER_INIT 0x380	/* initial count; writing it starts the timer */
#define LAPIC_TIMER_CUR	0x390	/* current count */
#define LAPIC_TIMER_DIV	0x3E0
#define   TIMER_DIV_16	0x3
#define TIMER_CALIB_US	5000

/* IOAPIC: index/data pair, then the registers behind them (82093AA 3.1). */
#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOAPICVER	0x01	/* bits 23:16: highest redirection entry */
#define IOREDTBL(n)	(0x10 + 2 * (n))
#define   RED_MASKED	(1u << 16)
#define   RED_LEVEL	(1u << 15)
#define   RED_ACTIVE_LOW (1u << 13)

static struct {
	struct acpi_info acpi;	/* where everything is */
	volatile uint32_t *lapic;
	int next_vector;	/* next free device vector */
	uint64_t timer_per_ms;	/* LAPIC timer ticks per millisecond */
} apic;

static void lapic_write(uint32_t reg, uint32_t v)
{
	apic.lapic[reg / 4] = v;
}

static uint32_t lapic_read(uint32_t reg)
{
	return apic.lapic[reg / 4];
}

static uint32_t ioapic_read(const struct acpi_ioapic *io, uint32_t reg)
{
	volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)io->phys;

	base[IOREGSEL / 4] = reg;
	return base[IOWIN / 4];
}

static void ioapic_write(const struct acpi_ioapic *io, uint32_t reg, uint32_t v)
{
	volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)io->phys;

	base[IOREGSEL / 4] = reg;
	base[IOWIN / 4] = v;
}

/* Remap the 8259s off the exception vectors, then mask every line. */
static void pic_disable(void)
{
	outb(PIC1_CMD, 0x11); io_wait();	/* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11); io_wait();
	outb(PIC1_DATA, VEC_PIC_BASE); io_wait();	/* ICW2: vector base */
	outb(PIC2_DATA, VEC_PIC_BASE + 8); io_wait();
	outb(PIC1_DATA, 4); io_wait();		/* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2); io_wait();
	outb(PIC1_DATA, 1); io_wait();		/* ICW4: 8086 mode */
	outb(PIC2_DATA, 1); io_wait();
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
}

/*
 * A masked 8259 can still raise IRQ 7 or 15 when a line drops mid-cycle.
 * Such an interrupt has no ISR bit; a spurious 15 still needs the master's
 * EOI, because the master did see its cascade line.
 */
void pic_spurious(int irq)
{
	if (irq == 15)
		outb(PIC1_CMD, PIC_EOI);
}

static void ioapic_mask_all(const struct acpi_ioapic *io)
{
	uint32_t max = (ioapic_read(io, IOAPICVER) >> 16) & 0xFF;

	for (uint32_t i = 0; i <= max; i++) {
		ioapic_write(io, IOREDTBL(i) + 1, 0);
		ioapic_write(io, IOREDTBL(i), RED_MASKED);
	}
}

static void timer_expired(void *arg)
{
	(void)arg;		/* it only had to end a hlt */
}

/* The LAPIC timer's rate is the bus clock's, unknown: measure it on the TSC. */
static void lapic_timer_init(void)
{
	uint32_t left;

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	delay_us(TIMER_CALIB_US);
	left = lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	apic.timer_per_ms = (0xFFFFFFFFu - left) / (TIMER_CALIB_US / 1000);
	if (apic.timer_per_ms == 0)
		panic("LAPIC timer does not count");
	trap_set_handler(VEC_TIMER, timer_expired, 0);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);	/* one-shot, unmasked */
}

void lapic_timer_start(uint64_t us)
{
	uint64_t ticks = us * apic.timer_per_ms / 1000;

	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xFFFFFFFF)
		ticks = 0xFFFFFFFF;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)ticks);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_TIMER_INIT, 0);
}

void apic_init(void)
{
	if (acpi_init(&apic.acpi) < 0)
		panic("no ACPI MADT with an IOAPIC: cannot route interrupts");
	pic_disable();

	mem_map_uncached(apic.acpi.lapic_phys, 4096);
	apic.lapic = (volatile uint32_t *)(uintptr_t)apic.acpi.lapic_phys;
	lapic_write(LAPIC_TPR, 0);			/* accept every priority */
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);	/* the 8259's ExtINT */
	lapic_write(LAPIC_LVT_ERR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);

	for (int i = 0; i < apic.acpi.nioapics; i++) {
		mem_map_uncached(apic.acpi.ioapic[i].phys, 4096);
		ioapic_mask_all(&apic.acpi.ioapic[i]);
	}
	apic.next_vector = VEC_IRQ_BASE;
	lapic_timer_init();
	printf("apic: %d cpu, lapic at 0x%08x id %u, ioapic at 0x%08x (gsi %u+), "
	       "timer %llu kHz, 8259 masked\n", apic.acpi.ncpus, (unsigned)apic.acpi.lapic_phys,
	       (unsigned)(lapic_read(LAPIC_ID) >> 24),
	       (unsigned)apic.acpi.ioapic[0].phys, (unsigned)apic.acpi.ioapic[0].gsi_base,
	       (unsigned long long)apic.timer_per_ms);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static const struct acpi_ioapic *ioapic_for(uint32_t gsi, uint32_t *pin)
{
	for (int i = 0; i < apic.acpi.nioapics; i++) {
		const struct acpi_ioapic *io = &apic.acpi.ioapic[i];
		uint32_t max = (ioapic_read(io, IOAPICVER) >> 16) & 0xFF;

		if (gsi >= io->gsi_base && gsi <= io->gsi_base + max) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return 0;
}

/*
 * A vector for a message-signalled interrupt (MSI, MSI-X): no IOAPIC, the
 * device writes the message straight to this CPU's local APIC (Intel SDM
 * vol. 3, 10.11: address 0xFEE00000 with the destination APIC ID in bits
 * 19:12, physical destination; data the vector, fixed delivery, edge).
 * The vector, or -1 if none is left.
 */
int msi_attach(irq_handler_t fn, void *arg, uint64_t *addr, uint32_t *data)
{
	int vec = apic.next_vector;

	if (vec >= VEC_IRQ_BASE + VEC_IRQ_COUNT)
		return -1;
	apic.next_vector++;
	trap_set_handler(vec, fn, arg);
	*addr = 0xFEE00000u | (lapic_read(LAPIC_ID) >> 24) << 12;
	*data = (uint32_t)vec;
	return vec;
}

/*
 * apic.h: the line's GSI (an ACPI override, or the line itself), its
 * trigger and polarity (the bus default or the override), the next free
 * vector, and the IOAPIC redirection entry that sends it to this CPU.
 * [lab 4.1]
 */
int irq_attach(int line, int pci, irq_handler_t fn, void *arg)
{
	uint32_t gsi = line < 16 ? apic.acpi.isa_gsi[line] : (uint32_t)line;
	uint16_t flags = line < 16 ? apic.acpi.isa_flags[line] : 0;
	int level = pci, low = pci;	/* the bus default: PCI 2.3, 2.2.6 */
	const struct acpi_ioapic *io;
	uint32_t pin, entry;
	int vec = apic.next_vector;

	if (vec >= VEC_IRQ_BASE + VEC_IRQ_COUNT || !(io = ioapic_for(gsi, &pin)))
		return -1;
	if ((flags & INTI_TRIGGER_MASK) == INTI_TRIGGER_LEVEL) level = 1;
	if ((flags & INTI_TRIGGER_MASK) == INTI_TRIGGER_EDGE) level = 0;
	if ((flags & INTI_POLARITY_MASK) == INTI_POLARITY_LOW) low = 1;
	if ((flags & INTI_POLARITY_MASK) == INTI_POLARITY_HIGH) low = 0;

	apic.next_vector++;
	trap_set_handler(vec, fn, arg);
	entry = (uint32_t)vec | (level ? RED_LEVEL : 0) | (low ? RED_ACTIVE_LOW : 0);
	ioapic_write(io, IOREDTBL(pin) + 1, (lapic_read(LAPIC_ID) >> 24) << 24);
	ioapic_write(io, IOREDTBL(pin), entry);	/* fixed delivery, unmasked */
	printf("irq: line %d -> gsi %u (ioapic pin %u) -> vector 0x%02x, %s, active %s%s\n",
	       line, (unsigned)gsi, (unsigned)pin, vec, level ? "level" : "edge",
	       low ? "low" : "high", flags ? " (ACPI override)" : "");
	return vec;
}
