/*
 * boot/boot.S - Multiboot (v1) entry and the switch to 64-bit long mode.
 *
 * GRUB and QEMU's -kernel loader enter _start in 32-bit protected mode with
 * paging off, EAX = 0x2BADB002 and EBX = the physical address of the Multiboot
 * information (Multiboot Specification 0.6.96, section 3.2).  From there:
 *
 *   1. zero .bss (the page tables and the boot stack live there);
 *   2. check that the CPU has long mode (CPUID 0x80000001, EDX bit 29);
 *   3. identity-map the low 4 GiB with 2 MiB pages: PCI BARs, the LAPIC and
 *      the IOAPIC all live below 4 GiB, so one map serves RAM and MMIO;
 *   4. CR4.PAE, CR3, EFER.LME, CR0.PG: long mode (Intel SDM vol. 3, 9.8.5);
 *   5. load a GDT with a 64-bit code segment and jump to it;
 *   6. enable SSE (newlib's stdio uses xmm registers) and call kmain().
 */
#include "kernel/param.h"

#define MB_MAGIC	0x1BADB002
#define MB_FLAGS	0x00000003	/* bit 0: page-align modules; bit 1: memory map */

#define PTE_P		0x001		/* present */
#define PTE_W		0x002		/* writable */
#define PTE_PS		0x080		/* 2 MiB page (in a page directory entry) */

#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)
#define MSR_EFER	0xC0000080
#define EFER_LME	(1 << 8)

/* The header must sit in the first 8 KiB of the image; linker.ld puts it first. */
	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	%eax, %ebp		/* Multiboot magic, for kmain */
	movl	%ebx, %esi		/* Multiboot info, for kmain */

	/* 1. Zero .bss.  Loaders zero it too, but the spec does not promise it. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/* 2. Long mode?  If not, say so on COM1 and stop. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* 3. PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages. */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_W), %eax
	movl	%eax, boot_pml4

	movl	$boot_pd, %eax
	orl	$(PTE_P | PTE_W), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, boot_pdpt(, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b

	movl	$(PTE_P | PTE_W | PTE_PS), %eax	/* physical address 0 upwards */
	xorl	%ecx, %ecx
2:	movl	%eax, boot_pd(, %ecx, 8)
	addl	$0x200000, %eax
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b

	/* 4. Enter long mode (compatibility mode until the far jump). */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$CR0_PG, %eax
	movl	%eax, %cr0

	/* 5. A GDT with a 64-bit code segment; the far jump loads CS. */
	lgdt	gdt_ptr
	ljmp	$GDT_KCODE, $long_mode

no_long_mode:
	movl	$no_lm_msg, %esi
	movw	$0x3F8, %dx
3:	lodsb
	testb	%al, %al
	jz	4f
	outb	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
long_mode:
	movw	$GDT_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp	/* 16-byte aligned; see the .bss below */

	/* 6. SSE: CR0.EM off, CR0.MP on, CR4.OSFXSR and OSXMMEXCPT on (SDM 13.1.3). */
	movq	%cr0, %rax
	andq	$~CR0_EM, %rax
	orq	$CR0_MP, %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4
	fninit

	movl	%ebp, %edi		/* kmain(magic, info): zero-extended */
	movl	%esi, %esi
	call	kmain
5:	cli				/* kmain does not return; if it does, stop */
	hlt
	jmp	5b

	.section .rodata
no_lm_msg:
	.asciz	"boot: this CPU has no 64-bit long mode\r\n"

/*
 * The GDT: null, kernel code (64-bit), kernel data, and two slots for the
 * 64-bit TSS descriptor that trap.c fills in (it carries the IST stacks).
 */
	.section .data
	.balign 16
	.globl	gdt
gdt:
	.quad	0			/* 0x00: null */
	.quad	0x00AF9A000000FFFF	/* 0x08: code, L=1, DPL 0 */
	.quad	0x00CF92000000FFFF	/* 0x10: data, writable */
	.quad	0, 0			/* 0x18: TSS (16 bytes) */
gdt_end:
gdt_ptr:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.section .bss
	.balign 4096
	.globl	boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096		/* 2048 entries x 2 MiB = 4 GiB */
	.balign 4096
	.globl	boot_stack_guard
boot_stack_guard:			/* kmain unmaps it: an overflow faults here */
	.skip	4096
boot_stack:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
