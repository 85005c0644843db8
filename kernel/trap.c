/*
 * kernel/trap.c - the IDT, the TSS with its interrupt stacks, exceptions,
 * and dispatch of device interrupts.
 *
 * Intel SDM vol. 3: 6.14 (64-bit IDT gates), 7.7 (64-bit TSS), 6.14.5 (IST).
 *
 * Every gate is an interrupt gate (IF cleared on entry: handlers never nest)
 * with an IST stack: IST1 for device interrupts, IST2 for exceptions, so a
 * fault in a handler, or a double fault from a broken stack, still has a
 * good stack to report on.  An exception is never recovered from: it prints
 * "@panic" with the registers and exits with EXIT_PANIC.
 */
#include "kernel/trap.h"
#include "kernel/apic.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/lat.h"
#include "kernel/mem.h"
#include "kernel/param.h"
#include "kernel/x86.h"

#define GATE_INTR	0x8E	/* present, DPL 0, 64-bit interrupt gate */
#define IST_IRQ		1
#define IST_FAULT	2

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

extern char trap_stubs[];	/* vectors.S: 256 stubs, 16 bytes apart */
extern uint64_t gdt[];		/* boot.S: slots 3 and 4 hold the TSS */

static struct {
	struct idt_gate idt[256];
	struct tss tss;
	irq_handler_t handler[256];
	void *arg[256];
	int panicking;		/* set once: a fault while panicking just exits */
} trap __attribute__((aligned(16)));

/* The interrupt stacks, each above a guard page (unmapped by trap_init). */
static struct __attribute__((aligned(4096))) {
	uint8_t guard[4096];
	uint8_t stack[IST_STACK_SIZE];
} irq_stack, fault_stack;

static const char *const exception_name[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25",
	"reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

/*
 * Gate vec of the IDT (SDM 6.14.1): a 64-bit interrupt gate to addr in the
 * kernel's code segment, on IST stack ist.
 * [lab 1.3]
 */
static void set_gate(int vec, uint64_t addr, int ist)
{
	struct idt_gate *g = &trap.idt[vec];

	g->offset_lo = (uint16_t)addr;
	g->selector = GDT_KCODE;
	g->ist = (uint8_t)ist;
	g->type = GATE_INTR;
	g->offset_mid = (uint16_t)(addr >> 16);
	g->offset_hi = (uint32_t)(addr >> 32);
	g->reserved = 0;
}

/*
 * The TSS with its two interrupt stacks, its 16-byte descriptor (SDM
 * 7.2.3) in GDT slots 3-4, then LTR.
 * [lab 1.3]
 */
static void load_tss(void)
{
	uint64_t base = (uint64_t)&trap.tss;
	uint64_t limit = sizeof(trap.tss) - 1;

	trap.tss.ist[IST_IRQ - 1] = (uint64_t)(irq_stack.stack + sizeof(irq_stack.stack));
	trap.tss.ist[IST_FAULT - 1] = (uint64_t)(fault_stack.stack + sizeof(fault_stack.stack));
	trap.tss.iomap_base = sizeof(trap.tss);	/* no I/O bitmap */

	gdt[GDT_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
			   (0x89ULL << 40) |	/* present, 64-bit TSS available */
			   (((limit >> 16) & 0xF) << 48) |
			   (((base >> 24) & 0xFF) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

void trap_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(trap.idt) - 1, (uint64_t)trap.idt };

	load_tss();
	mem_guard(irq_stack.guard, "the interrupt stack (IST1)");
	mem_guard(fault_stack.guard, "the exception stack (IST2)");
	for (int v = 0; v < 256; v++)
		set_gate(v, (uint64_t)(trap_stubs + 16 * v), v < 32 ? IST_FAULT : IST_IRQ);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_set_handler(int vector, irq_handler_t fn, void *arg)
{
	trap.arg[vector] = arg;
	trap.handler[vector] = fn;
}

static void put_reg(const char *name, uint64_t v)
{
	console_puts(name);
	console_puts("=0x");
	console_put_hex(v, 16);
}

/*
 * The register dump, as "@panic vector= ..." and then the registers: only
 * console_* here, newlib may be what faulted.
 * [lab 1.3]
 */
static void dump_exception(const struct trapframe *tf)
{
	console_puts("\n@panic vector=");
	console_put_dec(tf->vector);
	console_puts(" (");
	console_puts(exception_name[tf->vector]);
	console_puts(") err=0x");
	console_put_hex(tf->error, 4);
	put_reg(" rip", tf->rip);
	put_reg(" cr2", read_cr2());
	console_puts("\n");
	put_reg("  rax", tf->rax); put_reg(" rbx", tf->rbx); put_reg(" rcx", tf->rcx);
	console_puts("\n");
	put_reg("  rdx", tf->rdx); put_reg(" rsi", tf->rsi); put_reg(" rdi", tf->rdi);
	console_puts("\n");
	put_reg("  rbp", tf->rbp); put_reg(" rsp", tf->rsp); put_reg("  r8", tf->r8);
	console_puts("\n");
	put_reg("   r9", tf->r9); put_reg(" r10", tf->r10); put_reg(" r11", tf->r11);
	console_puts("\n");
	put_reg("  r12", tf->r12); put_reg(" r13", tf->r13); put_reg(" r14", tf->r14);
	console_puts("\n");
	put_reg("  r15", tf->r15); put_reg(" rflags", tf->rflags);
	put_reg(" cs", tf->cs); put_reg(" ss", tf->ss);
	console_puts("\n");
}

/*
 * A CPU exception (vectors 0-31): nothing here can go on after one.  Say
 * what happened, once (an exception while saying it only exits), and exit
 * with EXIT_PANIC.
 * [lab 1.3]
 */
static void trap_exception(const struct trapframe *tf)
{
	if (!trap.panicking) {
		trap.panicking = 1;
		dump_exception(tf);
	}
	kernel_exit(EXIT_PANIC);
}

/*
 * A device or timer interrupt: its handler, then the one EOI to the LAPIC
 * (the handler has quieted its device first).  A vector nobody handles is
 * the LAPIC's spurious one (no EOI, SDM 10.9), or a spurious IRQ 7/15 of
 * the masked 8259 (pic_spurious decides).
 * [lab 4.2]
 */
static void trap_interrupt(int v)
{
	if (trap.handler[v]) {
		trap.handler[v](trap.arg[v]);
		lapic_eoi();
		return;
	}
	if (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16)
		pic_spurious(v - VEC_PIC_BASE);
}

/* Called from trap_common for every vector. */
void trap_dispatch(struct trapframe *tf)
{
	const char *guard;

	if (tf->vector == 14 && (guard = mem_guard_at(read_cr2())) != NULL) {
		console_puts("\ntrap: stack overflow: the page fault is in the guard page under ");
		console_puts(guard);
	}
	if (tf->vector < 32) {
		trap_exception(tf);
	} else {
		uint64_t t0 = rdtsc();

		trap_interrupt((int)tf->vector);
		/* a device's: not the timer (the kernel's own wake-ups), not a spurious one */
		if (trap.handler[tf->vector] && tf->vector != VEC_TIMER)
			lat_add(LAT_INTR, rdtsc() - t0);
	}
}
