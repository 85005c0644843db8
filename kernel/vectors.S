/*
 * kernel/vectors.S - the 256 interrupt entry stubs and the common path.
 *
 * Every vector gets a 16-byte stub at trap_stubs + 16 * vector (trap.c
 * builds the IDT from that).  The stub makes the stack uniform: for vectors
 * where the CPU pushes no error code it pushes a zero, then it pushes the
 * vector number and jumps to trap_common, which saves the general registers
 * and the SSE state (fxsave) and calls trap_dispatch(struct trapframe *).
 *
 * Every gate uses an IST stack (trap.c), so the interrupted code's stack,
 * red zone included, is never written.  In 64-bit mode the CPU aligns RSP
 * to 16 before it pushes the frame; trap_common re-aligns anyway before
 * fxsave (which needs 16) and the call (the ABI wants 16).
 */
#include "kernel/param.h"

/* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
#define ERRCODE_MASK	0x60227D00

	.text
	.code64

	.balign 16
	.globl	trap_stubs
trap_stubs:
	.set	vec, 0
	.rept	256
	.balign 16
	.set	has_error, 0
	.if	vec < 32
	.set	has_error, (ERRCODE_MASK >> vec) & 1
	.endif
	.if	has_error == 0
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, %rbx		/* the trapframe; rbx survives the call */
	andq	$-16, %rsp
	subq	$512, %rsp
	fxsave64 (%rsp)			/* the interrupted code's x87/SSE state */
	movq	%rbx, %rdi
	cld
	call	trap_dispatch
	fxrstor64 (%rsp)
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
