"""The report of make bench: report.md, the gnuplot PNGs, and the goals,
each met or missed by how much, and why.  Called by bench.py."""
import os
import platform
import subprocess
import time

GOALS_TEXT = {
    "floor": "Why: QEMU's e1000 transmits inside the tail write. The MMIO write of TDT "
             "runs its start_xmit, which hands the frame to the tap with a writev, and "
             "the host's network stack takes the frame in that same system call, all "
             "before the guest's next instruction (stage `tail`; the host alone needs "
             "about as long per frame, see its ceiling above). A bare tail write finds "
             "nothing to send and skips all that, so under QEMU no send call can come "
             "near it. What would close it: a NIC that reads the ring on its own time "
             "(real hardware, or QEMU's e1000 with its transmit moved to a bottom half), "
             "so that the tail write costs what the bare one does.",
    "linux": "Why: both calls contain the same synchronous transmit inside the tail "
             "write (stage `tail`), which is QEMU's and the host's time, not the "
             "guest's; what differs is the guest's own work around it. What would "
             "close it: the same as above; with the transmit out of the tail write, "
             "the remaining difference is the guest's own path, which here is "
             "a few dozen functions against Linux's hundreds (see the stages and the "
             "trace).",
    "pps1": "Why: at batch 1 every datagram pays one tail write, that is one "
            "synchronous trip through QEMU's e1000 model, a writev on the tap and the "
            "host's receive path; Linux pays the same per frame. What would close it: "
            "batching (see batch 32), or a back end that does not copy each frame "
            "through a system call (vhost-net).",
    "pps32": "Why: each frame is still one writev on the tap, done by QEMU's vCPU "
             "thread, while the host receiver, QEMU's I/O thread and the vCPU share "
             "two cores; the host alone writes without any emulation in between. What "
             "would close it: a third core, or a back end that moves frames in batches "
             "(vhost-net, AF_XDP).",
    "rtt": "Why: a round trip is mostly QEMU's and the host's: the request goes "
           "through the tap and QEMU's receive path, the reply through the "
           "synchronous transmit; this kernel's part is the look at the ring and the "
           "reply's build. Mitigation, when on, can hold the receive interrupt back by "
           "128 us, which the look at the ring avoids. What would close it: the same "
           "QEMU changes as above; the guest's side is already a few microseconds.",
    "boot": "Why: both guests pay QEMU's start-up and SeaBIOS, about 0.2 s of this "
            "kernel's figure (see the breakdown above); this kernel's own part, from "
            "its entry to the first frame, is tens of milliseconds (its timer "
            "calibration is most of it). What would close it: a faster firmware path "
            "(QEMU's microvm machine and qboot), which both guests would share.",
}


def fmt_us(ns):
    return "-" if ns is None else f"{ns / 1000:.1f} us"


def ratio(a, b):
    return None if not a or not b else a / b


def spread(r, key, scale_us):
    """' (runs: a, b, c)' for a figure measured several times."""
    v = (r.get(key) or {}).get("spread")
    if not v or len(v) < 2:
        return ""
    vals = ", ".join(f"{x / 1000:.1f}" if scale_us else str(x) for x in sorted(v))
    return f" (runs: {vals})"


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


def get(r, key, *path):
    v = r.get(key)
    for p in path:
        if v is None:
            return None
        v = v.get(p) if isinstance(v, dict) else None
    return int(v) if isinstance(v, str) and v.isdigit() else v


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    return cpu, qemu


def linux_version(root):
    try:
        with open(os.path.join(root, "build", "linux", "versions.txt")) as f:
            return f.read().strip().replace("\n", "; ")
    except OSError:
        return "not built"


def cdf_file(path, samples):
    s = sorted(samples)
    with open(path, "w") as f:
        for i, v in enumerate(s):
            f.write(f"{v / 1000:.3f} {(i + 1) / len(s):.5f}\n")


def plots(bench):
    """Latency CDFs, round-trip CDFs and pps bars as PNGs; names of the files."""
    out, r = bench.out, bench.results
    accel = bench.accel.upper()
    made = []
    for size in (18, 1472):
        series = []
        for g in ("ours", "linux"):
            res = r.get(f"{g}/latency/{size}/on")
            if res and res["samples"]:
                dat = os.path.join(out, f"lat-{g}-{size}.dat")
                cdf_file(dat, res["samples"])
                series.append((dat, "this kernel: sendmsg" if g == "ours" else "Linux: sendto"))
        if series:
            png = f"latency-cdf-{size}.png"
            gnuplot(os.path.join(out, png), f"Send-call latency, {size}-byte payload ({accel}, mitigation on)",
                    "microseconds (log scale)", "fraction of calls", series, logx=True)
            made.append(png)
    series = []
    for g in ("ours", "linux"):
        res = r.get(f"{g}/rtt/None/on")
        if res and res.get("samples"):
            dat = os.path.join(out, f"rtt-{g}.dat")
            cdf_file(dat, res["samples"])
            series.append((dat, "this kernel" if g == "ours" else "Linux"))
    if series:
        gnuplot(os.path.join(out, "rtt-cdf.png"), f"UDP round trip host -> guest -> host ({accel}, mitigation on)",
                "microseconds (log scale)", "fraction of round trips", series, logx=True)
        made.append("rtt-cdf.png")
    bars = os.path.join(out, "pps.dat")
    with open(bars, "w") as f:
        f.write("# case, this kernel, Linux, host writing the tap\n")
        for mit in ("on", "off"):
            for b in (1, 32):
                ours = get(r, f"ours/pps/{b}/{mit}", "pps") or 0
                lin = get(r, f"linux/pps/{b}/{mit}", "pps") or 0
                host = get(r, "host/ceiling/None/off", "pps") or 0
                f.write(f"\"batch {b}\\nmitigation {mit}\" {ours} {lin} {host}\n")
    script = f"""
set terminal png size 900,550
set output '{os.path.join(out, "pps.png")}'
set bmargin 5
set title 'Packets per second, 60-byte frames, counted by the host ({accel})'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'packets per second'
set key top left
set yrange [0:*]
set grid ytics
plot '{bars}' using 2:xtic(1) title 'this kernel', '' using 3 title 'Linux guest', '' using 4 title 'host writing the tap'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    made.append("pps.png")
    return made


def gnuplot(png, title, xlabel, ylabel, series, logx=False):
    plot = ", ".join(f"'{d}' using 1:2 with lines lw 2 title '{t}'" for d, t in series)
    script = f"""
set terminal png size 900,500
set output '{png}'
set title '{title}'
set xlabel '{xlabel}'
set ylabel '{ylabel}'
set key bottom right
set grid
{'set logscale x' if logx else ''}
set yrange [0:1]
plot {plot}
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def goal(lines, name, value, target, better_low, why):
    """One goal: met, or missed by how much and why."""
    if value is None:
        lines.append(f"- **{name}**: not measured in this run.")
        return
    met = value <= target if better_low else value >= target
    verdict = "met" if met else f"missed by {value / target:.1f}x" if better_low \
        else f"missed: reached {value / target * 100:.0f}% of the goal"
    lines.append(f"- **{name}**: {value:.2f} (goal {'<=' if better_low else '>='} "
                 f"{target:g}): {verdict}." + ("" if met else " " + why))


def write_report(bench, elapsed):
    r, out = bench.results, bench.out
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cpu, qemu = machine()
    L = []
    L.append("# Benchmark: this kernel beside a Linux guest, on the same QEMU\n")
    L.append(f"Made by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
             f"in {elapsed:.0f} s{' (smoke run)' if bench.smoke else ''}.\n")
    L.append(f"- machine: {cpu}, {os.cpu_count()} cores, host Linux {platform.release()}")
    L.append(f"- {qemu}, accelerator {bench.accel.upper()}, `-machine pc -m 256`, "
             f"`-device e1000,romfile=` on a tap in a network namespace")
    L.append(f"- KVM: {bench.kvm_note}")
    L.append(f"- Linux guest: {linux_version(root)}, e1000 driver, busybox initramfs, "
             f"static `lsend`/`lecho` (tests/bench/guest/)")
    L.append(f"- samples: {bench.n_lat} send calls, {bench.n_pps} datagrams for pps, "
             f"{bench.n_rtt} round trips\n")

    L.append("## Figures\n")
    L.append("Ratios are Linux's figure over ours for times, ours over Linux's for rates: "
             "above 1 means this kernel is ahead. "
             + (f"Each figure comes from the median of {bench.reps} runs (by its p50, or its "
                f"rate), and that run's other percentiles; the runs' p50s (us) or rates "
                f"are in brackets. " if bench.reps > 1 else "")
             + "Boot to first frame is the median of the latency runs.\n")
    L.append("| metric | mitigation | this kernel | Linux guest | ratio |")
    L.append("| --- | --- | --- | --- | --- |")
    for mit in ("on", "off"):
        for size in (18, 1472):
            for q in ("p50", "p99"):
                o = get(r, f"ours/latency/{size}/{mit}", "lat", "call", f"{q}_ns")
                l = get(r, f"linux/latency/{size}/{mit}", "lat", "call", f"{q}_ns")
                if o is None and l is None:
                    continue
                so = spread(r, f"ours/latency/{size}/{mit}", True) if q == "p50" else ""
                sl = spread(r, f"linux/latency/{size}/{mit}", True) if q == "p50" else ""
                L.append(f"| send call, {size} B, {q} | {mit} | {fmt_us(o)}{so} | {fmt_us(l)}{sl} | "
                         f"{fmt_ratio(ratio(l, o))} |")
        for b in (1, 32):
            o = get(r, f"ours/pps/{b}/{mit}", "pps")
            l = get(r, f"linux/pps/{b}/{mit}", "pps")
            if o is None and l is None:
                continue
            lrecv = get(r, f"linux/pps/{b}/{mit}", "received")
            note = "" if lrecv is None else f" ({lrecv}/{bench.n_pps} arrived)"
            L.append(f"| packets/s, 60 B frames, batch {b} | {mit} | {o or '-'}"
                     f"{spread(r, f'ours/pps/{b}/{mit}', False)} | {l or '-'}{note}"
                     f"{spread(r, f'linux/pps/{b}/{mit}', False)} | {fmt_ratio(ratio(o, l))} |")
        for q in ("p50", "p99"):
            o = get(r, f"ours/rtt/None/{mit}", f"{q}_ns")
            l = get(r, f"linux/rtt/None/{mit}", f"{q}_ns")
            if o is None and l is None:
                continue
            so = spread(r, f"ours/rtt/None/{mit}", True) if q == "p50" else ""
            sl = spread(r, f"linux/rtt/None/{mit}", True) if q == "p50" else ""
            L.append(f"| UDP round trip, {q} | {mit} | {fmt_us(o)}{so} | {fmt_us(l)}{sl} | "
                     f"{fmt_ratio(ratio(l, o))} |")
        o = get(r, f"ours/latency/18/{mit}", "first_frame_s")
        l = get(r, f"linux/latency/18/{mit}", "first_frame_s")
        if o is not None or l is not None:
            L.append(f"| boot to first frame on the tap | {mit} | "
                     f"{'-' if o is None else f'{o:.3f} s'} | {'-' if l is None else f'{l:.3f} s'} | "
                     f"{fmt_ratio(ratio(l, o))} |")
    L.append("\nWith mitigation off, the TX interrupt of every datagram is raised at once "
             "and taken inside the send call, when the call turns interrupts back on; "
             "with it on (QEMU's default) QEMU holds the interrupt back by at least "
             "128 us, and most calls end before it comes. That is why this kernel's "
             "send calls are slower with mitigation off.")
    ours18 = r.get("ours/latency/18/on") or {}
    if len(ours18.get("ms_since_reset", [])) == 2:
        kmain, up = ours18["ms_since_reset"]
        L.append(f"\nOf this kernel's boot to first frame, firmware and loader took until "
                 f"{kmain} ms after reset (when `time_init` printed) and the frame left "
                 f"{up} ms after reset; the rest is QEMU starting up.")
    host = r.get("host/ceiling/None/off")
    if host:
        L.append(f"\nThe host writing the same 60-byte frames into the tap (no QEMU): "
                 f"{host['pps']} packets/s received ({host['received']}/{host['sent']}), "
                 f"{host['write_pps']} writes/s.\n")
    for mit in ("on", "off"):
        lin = [get(r, f"linux/pps/{b}/{mit}", "linux") for b in (1, 32)]
        for b, x in zip((1, 32), lin):
            if x:
                L.append(f"- Linux, batch {b}, mitigation {mit}: SndbufErrors {x['sndbuf_errors']}, "
                         f"tx_dropped {x['tx_dropped']} (Linux drops silently when its queue "
                         f"overflows; these say how often).")
    L.append("")

    stages = r.get("ours/stages/18/on")
    if stages:
        L.append("## Where the time of one send goes (this kernel, 18 bytes, `stages=1`)\n")
        L.append("| stage | p50 | p90 | p99 | p99.9 | max | p50 / bare tail write |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for name, s in stages["lat"].items():
            L.append(f"| {name} | {fmt_us(int(s['p50_ns']))} | {fmt_us(int(s['p90_ns']))} | "
                     f"{fmt_us(int(s['p99_ns']))} | {fmt_us(int(s['p999_ns']))} | "
                     f"{fmt_us(int(s['max_ns']))} | {s['x_floor']} |")
        tc = stages.get("tracecost") or {}
        st = stages["lat"].get("stamp", {})
        L.append(f"\nOne TSC stamp costs {st.get('p50_ns', '?')} ns (p50, `stage=stamp`); the "
                 f"stage stamps are taken only with `stages=1` and are not subtracted. The "
                 f"tracer's hooks cost {tc.get('off_ns', '?')} ns per traced call when not "
                 f"armed and {tc.get('on_ns', '?')} ns when armed.\n")
    tr = r.get("ours/trace/None/on")
    if tr:
        L.append(f"`trace=1` ([trace.txt](trace.txt), and `build/trace.json` for Perfetto): "
                 f"one send, its interrupt included, in {tr['lines']} lines and "
                 f"{tr['total_us']} us under the tracer; Linux 6.1's `udp_sendmsg` on the same "
                 f"QEMU took 407 lines and 5,415 us under its tracer "
                 f"(../shared/reference/).\n")

    L.append("## Goals\n")
    o_call = get(r, "ours/latency/18/on", "lat", "call", "p50_ns")
    floor = get(r, "ours/latency/18/on", "lat", "floor_tail", "p50_ns")
    tail = get(stages or {}, "lat", "tail", "p50_ns") if stages else None
    l_call = get(r, "linux/latency/18/on", "lat", "call", "p50_ns")
    goal(L, "send call p50 / bare tail write p50", ratio(o_call, floor), 1.1, True,
         GOALS_TEXT["floor"] + (f" Against the tail write that carries a frame "
                                f"({fmt_us(tail)}): {ratio(o_call, tail):.2f}x." if tail else ""))
    goal(L, "send call p50 / Linux sendto p50", ratio(o_call, l_call), 0.2, True,
         GOALS_TEXT["linux"])
    goal(L, "pps batch 1 / Linux", ratio(get(r, "ours/pps/1/on", "pps"),
                                         get(r, "linux/pps/1/on", "pps")), 5, False,
         GOALS_TEXT["pps1"])
    goal(L, "pps batch 32 / host ceiling", ratio(get(r, "ours/pps/32/on", "pps"),
                                                 host and host["pps"]), 0.8, False,
         GOALS_TEXT["pps32"])
    for q in ("p50", "p99"):
        goal(L, f"round trip {q} / Linux", ratio(get(r, "ours/rtt/None/on", f"{q}_ns"),
                                                get(r, "linux/rtt/None/on", f"{q}_ns")),
             0.25, True, GOALS_TEXT["rtt"])
    goal(L, "boot to first frame / Linux", ratio(get(r, "ours/latency/18/on", "first_frame_s"),
                                                get(r, "linux/latency/18/on", "first_frame_s")),
         1 / 30, True, GOALS_TEXT["boot"])
    L.append("")

    made = [] if bench.smoke else plots(bench)
    if made:
        L.append("## Plots\n")
        L += [f"![{p}]({p})" for p in made]
        L.append("")
    L.append("## Commands\n")
    L.append("`make bench` (tests/bench/bench.py) ran, each in a network namespace of its own:\n")
    seen = set()
    for c in bench.commands:
        key = c.split(" -append ")[0] if "-append" in c else c
        if key in seen:
            continue
        seen.add(key)
        L.append(f"    {c}")
    L.append("")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(L))
