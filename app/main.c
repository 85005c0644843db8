/*
 * app/main.c - the boot order, at a glance: boot/boot.S jumps here, and
 * this is the one file that calls into every layer, from the console up to
 * the program, which is why it sits on top.
 */
#include <stdio.h>

#include "drivers/e1000.h"
#include "drivers/pci.h"
#include "kernel/apic.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/lat.h"
#include "kernel/mem.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/x86.h"
#include "app/app.h"
#include "net/net.h"
#include "drivers/e1000_rawtest.h"

static struct config cfg;
extern char boot_stack_guard[];	/* boot/boot.S: the page under kmain's stack */

static void parse_cmdline(void)
{
	char err[CMDLINE_ERR_MAX];

	printf("cmdline: %s\n", bootinfo_args());
	if (cmdline_parse(bootinfo_args(), &cfg, err, sizeof(err)) < 0) {
		printf("@error cmdline: %s\n", err);
		kernel_exit(EXIT_CMDLINE);
	}
}

/* Use 1 KiB of stack a call, for ever (the limit is out of reach): fault=stack. */
static volatile uint64_t recurse_limit = UINT64_MAX;

__attribute__((noinline)) static uint64_t recurse(uint64_t depth)
{
	volatile uint8_t frame[1024];

	if (depth == recurse_limit)
		return 0;
	frame[depth % sizeof(frame)] = (uint8_t)depth;
	return recurse(depth + 1) + frame[(depth * 7) % sizeof(frame)];
}

/* fault=pf|ud|de|stack: take a CPU exception on purpose, to test the panic path. */
static void debug_fault(enum debug_fault f)
{
	switch (f) {
	case FAULT_PF:
		printf("debug: reading 0x100000000, above the identity map\n");
		(void)*(volatile uint64_t *)0x100000000ULL;
		break;
	case FAULT_UD:
		__asm__ volatile("ud2");
		break;
	case FAULT_DE:
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" : : : "eax", "ecx", "edx");
		break;
	case FAULT_STACK:
		printf("debug: recursing until the boot stack overflows\n");
		(void)recurse(0);
		break;
	case FAULT_NONE:
		break;
	}
}

void kmain(uint32_t magic, uint32_t info)
{
	struct e1000 *nic;

	console_init();
	trap_init();
	mem_guard(boot_stack_guard, "the boot stack");
	bootinfo_init(magic, info);
	setvbuf(stdout, NULL, _IONBF, 0);	/* console order = program order */
	printf("unikernel %s, loaded by %s\n", KERNEL_VERSION, bootinfo.loader);
	mem_init();
	parse_cmdline();
	time_init();
	apic_init();
	irq_enable();
	debug_fault(cfg.fault);
	pci_init();
	nic = e1000_attach(cfg.txring, cfg.rxring, cfg.msix);
	if (!nic) {
		printf("no supported NIC (e1000 8086:100e, 8086:100c or 8086:100f; e1000e 8086:10d3)\n");
		kernel_exit(EXIT_NO_NIC);
	}
	if (cfg.mode == MODE_RAW)
		kernel_exit(rawtest_run(nic, &cfg));
	lat_init(cfg.stages);
	net_init(nic, &cfg);
	kernel_exit(app_run(&cfg));
}
