/*
 * kernel/ftrace.c - record function entries and exits while armed; see
 * ftrace.h.  The hooks run in any context, the interrupt handler included,
 * so each record is written with interrupts off; they are themselves not
 * instrumented (no_instrument_function), nor is anything they call.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/ftrace.h"
#include "kernel/ksyms.h"
#include "kernel/time.h"
#include "kernel/trace_fmt.h"
#include "kernel/x86.h"

#define NOTRACE	__attribute__((no_instrument_function))

struct fevent {
	uint64_t tsc;
	uintptr_t fn;
	int exit;
};

static struct {
	volatile int armed;
	unsigned n;		/* events recorded */
	unsigned lost;		/* events that found the buffer full */
	struct fevent ev[FTRACE_MAX_EVENTS];
} ft;

void __cyg_profile_func_enter(void *fn, void *site) NOTRACE;
void __cyg_profile_func_exit(void *fn, void *site) NOTRACE;

static NOTRACE void record(void *fn, int exit)
{
	uint64_t flags;

	if (!ft.armed)
		return;
	flags = irq_save();
	if (ft.n < FTRACE_MAX_EVENTS)
		ft.ev[ft.n++] = (struct fevent){ rdtsc(), (uintptr_t)fn, exit };
	else
		ft.lost++;
	irq_restore(flags);
}

void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)site;
	record(fn, 0);
}

void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)site;
	record(fn, 1);
}

void ftrace_start(void)
{
	/* Touch the buffer first: under TCG a first write to a page is slow. */
	memset(ft.ev, 0, sizeof(ft.ev));
	ft.n = ft.lost = 0;
	ft.armed = 1;
}

void ftrace_stop(void)
{
	ft.armed = 0;
}

const char *ksym_name(uintptr_t addr)
{
	unsigned lo = 0, hi = ksyms_count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (ksyms[mid].addr == addr)
			return ksyms[mid].name;
		if (ksyms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
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
	printf("trace: %u events, %u lost\n", ft.n, ft.lost);
	trace_fmt_graph(tev, ft.n, print_line, "");
	trace_fmt_json(tev, ft.n, print_line, "@json ");
}

/* The best of 100 entry/exit hook pairs, disarmed and armed. */
static uint64_t hook_pair_cost(int armed)
{
	uint64_t best = ~0ULL;

	for (int i = 0; i < 100; i++) {
		uint64_t t;

		if (armed)
			ftrace_start();
		t = rdtsc();
		__cyg_profile_func_enter((void *)hook_pair_cost, 0);
		__cyg_profile_func_exit((void *)hook_pair_cost, 0);
		t = rdtsc() - t;
		ftrace_stop();
		if (t < best)
			best = t;
	}
	ft.n = 0;
	return best;
}

void ftrace_measure_cost(void)
{
	uint64_t off = hook_pair_cost(0), on = hook_pair_cost(1);

	printf("@tracecost off_ns=%llu on_ns=%llu off_cyc=%llu on_cyc=%llu\n",
	       (unsigned long long)tsc_to_ns(off), (unsigned long long)tsc_to_ns(on),
	       (unsigned long long)off, (unsigned long long)on);
}
