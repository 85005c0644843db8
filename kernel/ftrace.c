/*
 * kernel/ftrace.c - the function-graph tracer; see ftrace.h.
 *
 * This file is not traced itself (it is not in the Makefile's TRACED list),
 * and ftrace_enter/ftrace_exit call nothing: they run at the start and end
 * of every traced function, the interrupt handler's included, so each does
 * its work with interrupts off and touches only this file's state.
 *
 * The return stack: ftrace_enter saves the traced function's real return
 * address and puts ftrace_return in its place; ftrace_exit gives it back.
 * Calls nest, and so do interrupts, so one stack serves both.  A function
 * entered while the stack is full is recorded without its exit.  Functions
 * still running when ftrace_stop() patches the nops back return through
 * ftrace_return all the same, and unwind the stack; until they have,
 * ftrace_start() does nothing, so a trace never begins on a stale stack.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/ftrace.h"
#include "kernel/ksyms.h"
#include "kernel/patch.h"
#include "kernel/time.h"
#include "kernel/trace_fmt.h"
#include "kernel/x86.h"

/* The nops' addresses, gathered by linker.ld from -mrecord-mcount. */
extern uint8_t *const __start_mcount_loc[], *const __stop_mcount_loc[];

/* kernel/ftrace_entry.S */
void ftrace_caller(void);
void ftrace_return(void);
void ftrace_probe(void);
void ftrace_probe_bare(void);

/* Called from ftrace_entry.S only. */
void ftrace_enter(uintptr_t fn, uintptr_t *ret_slot);
uintptr_t ftrace_exit(void);

struct fevent {
	uint64_t tsc;
	uintptr_t fn;
	int exit;
};

struct ret_frame {
	uintptr_t fn;		/* the traced function */
	uintptr_t ret;		/* where it returns to, really */
};

static struct {
	int recording;
	int patched;
	unsigned depth;		/* frames on ret_stack */
	struct ret_frame ret_stack[FTRACE_MAX_DEPTH];
	unsigned n;		/* events recorded */
	unsigned lost;		/* events that found the buffer full */
	unsigned bad_sites;	/* nops that were not what the patcher expected */
	struct fevent ev[FTRACE_MAX_EVENTS];
} ft;

static void record(uintptr_t fn, int exit, uint64_t tsc)
{
	if (!ft.recording)
		return;
	if (ft.n < FTRACE_MAX_EVENTS)
		ft.ev[ft.n++] = (struct fevent){ tsc, fn, exit };
	else
		ft.lost++;
}

void ftrace_enter(uintptr_t fn, uintptr_t *ret_slot)
{
	uint64_t flags = irq_save(), tsc = rdtsc();

	record(fn, 0, tsc);
	if (ft.depth < FTRACE_MAX_DEPTH) {
		ft.ret_stack[ft.depth++] = (struct ret_frame){ fn, *ret_slot };
		*ret_slot = (uintptr_t)ftrace_return;
	}
	irq_restore(flags);
}

uintptr_t ftrace_exit(void)
{
	uint64_t flags = irq_save(), tsc = rdtsc();
	struct ret_frame f = ft.ret_stack[--ft.depth];

	record(f.fn, 1, tsc);
	irq_restore(flags);
	return f.ret;
}

unsigned ftrace_sites(void)
{
	return (unsigned)(__stop_mcount_loc - __start_mcount_loc);
}

/* Every traced function's nop into a call of ftrace_caller, or back. */
static void patch_all(int on)
{
	for (uint8_t *const *site = __start_mcount_loc; site < __stop_mcount_loc; site++)
		if ((on ? patch_nop_to_call(*site, ftrace_caller) :
			  patch_to_nop(*site, ftrace_caller)) < 0)
			ft.bad_sites++;
	patch_sync();
	ft.patched = on;
}

void ftrace_patch_in(void)
{
	uint64_t flags = irq_save();

	if (ft.depth == 0 && !ft.patched)
		patch_all(1);
	irq_restore(flags);
}

void ftrace_start(void)
{
	uint64_t flags;

	/* Touch the buffer first: under TCG a first write to a page is slow. */
	memset(ft.ev, 0, sizeof(ft.ev));
	ftrace_patch_in();
	flags = irq_save();
	ft.n = ft.lost = 0;
	ft.recording = ft.patched;
	irq_restore(flags);
}

void ftrace_stop(void)
{
	uint64_t flags = irq_save();

	ft.recording = 0;
	if (ft.patched)
		patch_all(0);
	irq_restore(flags);
}

static void print_line(void *prefix, const char *s)
{
	printf("%s%s\n", (const char *)prefix, s);
}

void ftrace_print(void)
{
	static struct trace_event tev[FTRACE_MAX_EVENTS];
	static char unknown[FTRACE_MAX_EVENTS][19];
	uint64_t t0 = ft.n ? ft.ev[0].tsc : 0;

	for (unsigned i = 0; i < ft.n; i++) {
		const char *name = ksym_name(ft.ev[i].fn);

		if (!name) {
			snprintf(unknown[i], sizeof(unknown[i]), "0x%lx", (unsigned long)ft.ev[i].fn);
			name = unknown[i];
		}
		tev[i] = (struct trace_event){ tsc_to_ns(ft.ev[i].tsc - t0), name, ft.ev[i].exit };
	}
	printf("trace: %u events, %u lost, %u functions patched", ft.n, ft.lost, ftrace_sites());
	printf(ft.bad_sites ? ", %u sites refused\n" : "\n", ft.bad_sites);
	trace_fmt_graph(tev, ft.n, print_line, "");
	trace_fmt_json(tev, ft.n, print_line, "@json ");
}

/* The best of 200 calls of fn, in TSC cycles. */
static uint64_t best_call(void (*fn)(void))
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 200; i++) {
		uint64_t t = rdtsc();

		fn();
		t = rdtsc() - t;
		if (t < best)
			best = t;
	}
	return best;
}

/*
 * What tracing adds to one call: the nop alone (as every traced function
 * pays while nothing is traced), and the patched call with its entry and
 * exit recorded.  Each is the best of 200 calls of ftrace_probe, less the
 * best of 200 calls of a function without the nop.  A trace recorded
 * before is left as it was.
 */
void ftrace_measure_cost(void)
{
	uint64_t flags = irq_save();
	unsigned n = ft.n, lost = ft.lost;
	uint64_t bare = best_call(ftrace_probe_bare), off = best_call(ftrace_probe), on;
	int ok = patch_nop_to_call((uint8_t *)ftrace_probe, ftrace_caller) == 0;

	patch_sync();
	ft.recording = 1;
	on = best_call(ftrace_probe);
	ft.recording = 0;
	ft.n = n;
	ft.lost = lost;
	if (ok)
		patch_to_nop((uint8_t *)ftrace_probe, ftrace_caller);
	patch_sync();
	irq_restore(flags);
	off = off > bare ? off - bare : 0;
	on = ok && on > bare ? on - bare : 0;
	printf("@tracecost off_ns=%llu on_ns=%llu off_cyc=%llu on_cyc=%llu sites=%u\n",
	       (unsigned long long)tsc_to_ns(off), (unsigned long long)tsc_to_ns(on),
	       (unsigned long long)off, (unsigned long long)on, ftrace_sites());
}
