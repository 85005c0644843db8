/*
 * kernel/ftrace_entry.S - the tracer's two trampolines (kernel/ftrace.h),
 * and a probe function to measure what they cost.
 *
 * ftrace_caller is called from the first instruction of a traced function,
 * once that instruction has been patched from a nop into "call
 * ftrace_caller".  Nothing of the function has run: its arguments are
 * still in registers, so every register the C ABI lets a callee clobber is
 * saved around the C part.  On entry:
 *      0(%rsp)  where the traced function goes on (its address + 5)
 *      8(%rsp)  the traced function's own return address, in its caller
 *
 * ftrace_return is where a traced function returns instead, once
 * ftrace_enter has swapped its return address; ftrace_exit says where it
 * should have gone.  %rax and %rdx hold its return value meanwhile.
 *
 * The C parts (kernel/ftrace.c) are built with -mgeneral-regs-only, so the
 * SSE registers (floating-point arguments and results) are never touched.
 * The stack is 16-byte aligned at both calls: a function's first
 * instruction sees %rsp = 8 mod 16, so ftrace_caller sees 0, and after the
 * frame pointer and nine registers, 0 again; ftrace_return sees the
 * caller's aligned %rsp, and pushes two registers.
 */
	.text
	.code64

	.globl	ftrace_caller
	.type	ftrace_caller, @function
ftrace_caller:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rax
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	movq	8(%rbp), %rdi		/* the traced function: the call's return - 5 */
	subq	$5, %rdi
	leaq	16(%rbp), %rsi		/* where its return address is */
	call	ftrace_enter
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rax
	popq	%rbp
	ret
	.size	ftrace_caller, . - ftrace_caller

	.globl	ftrace_return
	.type	ftrace_return, @function
ftrace_return:
	pushq	%rax
	pushq	%rdx
	call	ftrace_exit		/* returns the real return address */
	movq	%rax, %r11		/* r11: free to clobber across a return */
	popq	%rdx
	popq	%rax
	jmp	*%r11
	.size	ftrace_return, . - ftrace_return

/*
 * Two functions that do nothing, one with the 5-byte nop at its start as
 * gcc makes it, one without: ftrace_measure_cost() times calls of both,
 * with the nop left alone and patched.
 */
	.globl	ftrace_probe
	.type	ftrace_probe, @function
ftrace_probe:
	.byte	0x0F, 0x1F, 0x44, 0x00, 0x00	/* nopl 0x0(%rax,%rax,1) */
	ret
	.size	ftrace_probe, . - ftrace_probe

	.globl	ftrace_probe_bare
	.type	ftrace_probe_bare, @function
ftrace_probe_bare:
	ret
	.size	ftrace_probe_bare, . - ftrace_probe_bare
