"""The report of make bench: report.md, the gnuplot PNGs, and the goals,
each met or missed by how much, and why.  Called by bench.py."""
import os
import platform
import subprocess

WHY = {
    "call_floor": "Why: the call is the frame-carrying tail write (the floor) plus the "
                  "guest's own work around it: 619 instructions at 18 B and 763 at 1472 B "
                  "(tests/bench/insns.py; docs/tuning.md says where they go), at about a "
                  "nanosecond each under TCG. At 1472 B the call also waits for its "
                  "frame's DD and reclaims it, as the buffer contract asks of a zero-copy "
                  "send (about 100 of the instructions). What would close it: fewer "
                  "instructions (the driver's checks repeat the socket layer's), or KVM, "
                  "where the guest's own work runs at native speed and the tail write's "
                  "exit to QEMU dominates both.",
    "rtt_floor": "Why: the echo server is the whole stack (Ethernet, IPv4 and UDP checks, "
                 "the socket queue, `recvfrom` and `sendto` with their headers and "
                 "descriptors) where the reflector swaps addresses in the receive "
                 "buffer; and `recvmsg` looks at the ring every 10 us where the "
                 "reflector spins. What would close it: a receive path that hands the "
                 "frame to the socket without the copy, and a busy-poll that spins "
                 "where the machine has a core to spare.",
    "bare": "Why: the runs of one build spread by more than the nops can cost (a "
            "5-byte nop is one cycle on hardware; @tracecost measures it): TCG's "
            "timing on a shared 2-core machine moves by tens of percent from boot to "
            "boot. What would close it: more runs, or a quieter machine.",
    "call_3us": "Why: the frame-carrying tail write alone costs about this much here "
                "(the floor column): QEMU's e1000 hands the frame to the tap and the "
                "host's stack takes it inside the write. No send call can be cheaper "
                "than its floor.",
    "first": "Why: both guests pay QEMU's start-up and SeaBIOS; the breakdown above "
             "gives this kernel's own part. What would close it: a faster firmware "
             "path (QEMU's microvm machine and qboot), which both guests would share.",
    "linux": "Why: both calls contain the same synchronous transmit inside the tail "
             "write, which is QEMU's and the host's time, not the guest's; what "
             "differs is the guest's own work around it. What would close it: a NIC "
             "model that transmits outside the tail write, so that the guest's own "
             "path is what is measured.",
    "pps1": "Why: at batch 1 every datagram pays one tail write, one synchronous trip "
            "through QEMU's e1000 model, a writev on the tap and the host's receive "
            "path; Linux pays the same per frame (the blaster's floor shows how close "
            "to it both are). What would close it: batching (batch 32), or a back end "
            "that does not copy each frame through a system call (vhost-net).",
    "pps32": "Why: each frame is still one writev on the tap, done by QEMU's vCPU "
             "thread, while the host receiver, QEMU's I/O thread and the vCPU share two "
             "cores; the host alone writes without any emulation in between. What "
             "would close it: a third core, or a back end that moves frames in batches "
             "(vhost-net, AF_XDP).",
    "rtt": "Why: a round trip is mostly QEMU's and the host's (the reflector's floor "
           "shows how much): the request goes through the tap and QEMU's receive "
           "path, the reply through the synchronous transmit. What would close it: "
           "the same QEMU changes as above.",
}


def fmt_us(ns):
    return "-" if ns is None else f"{ns / 1000:.1f} us"


def fmt_s(s):
    return "-" if s is None else f"{s:.3f} s"


def ratio(a, b):
    return None if not a or not b else a / b


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


def spread(vals, scale_us):
    """' (runs: a, b, c)' for a figure measured several times."""
    if not vals or len(vals) < 2:
        return ""
    return " (runs: " + ", ".join(f"{x / 1000:.1f}" if scale_us else f"{x:.3f}"
                                  if isinstance(x, float) else str(x) for x in sorted(vals)) + ")"


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


def dpdk_version(root):
    try:
        with open(os.path.join(root, "build", "dpdk", "versions.txt")) as f:
            v = [l.split() for l in f if l.startswith("librte-eal")]
        return f"DPDK {v[0][1]}" if v else "DPDK"
    except OSError:
        return "not built"


def linux_version(root):
    try:
        with open(os.path.join(root, "build", "linux", "versions.txt")) as f:
            return f.read().strip().replace("\n", "; ")
    except OSError:
        return "not built"


# ---- plots -------------------------------------------------------------------

def cdf_file(path, samples):
    s = sorted(samples)
    with open(path, "w") as f:
        for i, v in enumerate(s):
            f.write(f"{v / 1000:.3f} {(i + 1) / len(s):.5f}\n")


def gnuplot(png, title, xlabel, ylabel, series, logx=False, vline=None):
    plot = ", ".join(f"'{d}' using 1:2 with lines lw 2 title '{t}'" for d, t in series)
    arrow = ""
    if vline:
        x, label = vline
        arrow = (f"set arrow from {x},0 to {x},1 nohead dt 2 lw 2 lc rgb 'black'\n"
                 f"set label '{label}' at {x},0.95 right offset -0.5,0")
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
{arrow}
plot {plot}
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def plots(bench):
    """Latency CDFs, round-trip CDFs and pps bars as PNGs; names of the files."""
    out, r = bench.out, bench.results
    accel = bench.accel.upper()
    made = []
    names = {"ours": "this kernel: sendmsg", "bare": "the same, built without hooks",
             "linux": "Linux: sendto", "dpdk": "DPDK: headers and rte_eth_tx_burst"}
    for size in (18, 1472):
        series = []
        for g in ("ours", "bare", "linux", "dpdk"):
            res = r.get(f"{g}/latency/{size}/on")
            if res and res["samples"]:
                dat = os.path.join(out, f"lat-{g}-{size}.dat")
                cdf_file(dat, res["samples"])
                series.append((dat, names[g]))
        floor = get(r, f"ours/latency/{size}/on", "lat", "floor_xmit", "p50_ns")
        if series:
            png = f"latency-cdf-{size}.png"
            gnuplot(os.path.join(out, png),
                    f"Send-call latency, {size}-byte payload ({accel}, mitigation on)",
                    "microseconds (log scale)", "fraction of calls", series, logx=True,
                    vline=(floor / 1000, "floor p50") if floor else None)
            made.append(png)
    series = []
    for g, name in (("ours", "this kernel: echo"), ("reflect", "floor: the bare reflector"),
                    ("linux", "Linux: echo"), ("dpdk", "DPDK: busy-polling echo")):
        res = r.get(f"{g}/rtt/None/on")
        if res and res.get("samples"):
            dat = os.path.join(out, f"rtt-{g}.dat")
            cdf_file(dat, res["samples"])
            series.append((dat, name))
    if series:
        gnuplot(os.path.join(out, "rtt-cdf.png"),
                f"UDP round trip host -> guest -> host ({accel}, mitigation on)",
                "microseconds (log scale)", "fraction of round trips", series, logx=True)
        made.append("rtt-cdf.png")
    bars = os.path.join(out, "pps.dat")
    with open(bars, "w") as f:
        f.write("# case, this kernel, blaster (floor), Linux, DPDK, host writing the tap\n")
        for mit in ("on", "off"):
            for b in (1, 32):
                row = [get(r, f"{g}/pps/{b}/{mit}", "pps") or 0
                       for g in ("ours", "blast", "linux", "dpdk")]
                host = get(r, "host/ceiling/None/off", "pps") or 0
                f.write(f"\"batch {b}\\nmitigation {mit}\" {' '.join(map(str, row))} {host}\n")
    script = f"""
set terminal png size 900,550
set output '{os.path.join(out, "pps.png")}'
set bmargin 5
set title 'Packets per second, 60-byte frames, counted by the host ({accel})'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'packets per second'
set key below horizontal
set yrange [0:*]
set grid ytics
plot '{bars}' using 2:xtic(1) title 'this kernel', '' using 3 title 'floor: the bare blaster', \
     '' using 4 title 'Linux guest', '' using 5 title 'DPDK', '' using 6 title 'host writing the tap'
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    made.append("pps.png")
    return made


# ---- tables ------------------------------------------------------------------

GUESTS = ("ours", "linux", "dpdk")


def figure_row(L, label, mit, vals, spreads, is_time):
    """One row: this kernel, its floor, Linux and DPDK, each with its runs."""
    o, fl, li, dp = vals
    show = fmt_us if is_time else (lambda v: "-" if v is None else str(v))

    def ahead(x):       # above 1: this kernel is ahead of x
        return fmt_ratio(ratio(x, o) if is_time else ratio(o, x))
    cells = [show(o) + spreads[0], show(fl) + spreads[1], fmt_ratio(ratio(o, fl)),
             show(li) + spreads[2], ahead(li), show(dp) + spreads[3], ahead(dp)]
    if any(v is not None for v in vals):
        L.append(f"| {label} | {mit} | " + " | ".join(cells) + " |")


def figures(L, bench):
    """Each figure beside its floor, beside Linux and beside DPDK."""
    r = bench.results

    def runs(key, scale_us):
        return spread((r.get(key) or {}).get("spread"), scale_us)
    L.append("## Figures\n")
    L.append("Each figure stands beside its floor, what QEMU's e1000 itself allows, "
             "measured by a bare path of this kernel on the same command line: for the "
             "send call, a tail write that carries a frame already built and posted "
             "(`@lat stage=floor_xmit`, the same datagram, measured by the same boot); "
             "for packets/s, `mode=blast` (prebuilt datagrams posted batch by batch, no "
             "sockets); for the round trip, `mode=reflect` (each frame sent back from the "
             "receive ring with its addresses swapped). \"/ floor\" is this kernel's "
             "figure over its floor. \"vs Linux\" and \"vs DPDK\" are the other's time "
             "over ours, or our rate over the other's: above 1, this kernel is ahead. "
             "DPDK's send call is its headers and `rte_eth_tx_burst` of one datagram, "
             "timed as `sendmsg` is; its round trip is a busy-polling echo. "
             + (f"Each figure is the median of {bench.reps} interleaved runs (by its p50 "
                f"or its rate) with that run's other percentiles; the runs' p50s (us) or "
                f"rates are in brackets; this kernel's 18 B send call with mitigation on "
                f"had {getattr(bench, 'reps_e1000e', bench.reps)} runs, as the 82574L's "
                f"below, with which it is compared. " if bench.reps > 1 else "") + "\n")
    L.append("| metric | mitigation | this kernel | floor | / floor | Linux guest | vs Linux "
             "| DPDK | vs DPDK |")
    L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for mit in ("on", "off"):
        for size in (18, 1472):
            keys = [f"{g}/latency/{size}/{mit}" for g in GUESTS]
            for q in ("p50", "p99"):
                vals = [get(r, k, "lat", "call", f"{q}_ns") for k in keys]
                vals.insert(1, get(r, keys[0], "lat", "floor_xmit", f"{q}_ns"))
                sp = [runs(k, True) if q == "p50" else "" for k in keys]
                sp.insert(1, "")
                figure_row(L, f"send call, {size} B, {q}", mit, vals, sp, True)
        for b in (1, 32):
            keys = [f"{g}/pps/{b}/{mit}" for g in ("ours", "blast", "linux", "dpdk")]
            figure_row(L, f"packets/s, 60 B frames, batch {b}", mit,
                       [get(r, k, "pps") for k in keys], [runs(k, False) for k in keys], False)
        for q in ("p50", "p99"):
            keys = [f"{g}/rtt/None/{mit}" for g in ("ours", "reflect", "linux", "dpdk")]
            figure_row(L, f"UDP round trip, {q}", mit, [get(r, k, f"{q}_ns") for k in keys],
                       [runs(k, True) if q == "p50" else "" for k in keys], True)
    L.append("\nWith mitigation off, the TX interrupt of every datagram is raised at once "
             "and taken inside the send call, when the call turns interrupts back on; "
             "with it on (QEMU's default) QEMU holds the interrupt back by at least "
             "128 us, and most calls end before it comes. That is why this kernel's "
             "send calls are slower with mitigation off. DPDK takes no interrupt at all.\n")
    host = r.get("host/ceiling/None/off")
    if host:
        L.append(f"The host writing the same 60-byte frames into the tap (no QEMU): "
                 f"{host['pps']} packets/s received ({host['received']}/{host['sent']}), "
                 f"{host['write_pps']} writes/s.\n")
    for mit in ("on", "off"):
        for b in (1, 32):
            x = get(r, f"linux/pps/{b}/{mit}", "linux")
            if x:
                L.append(f"- Linux, batch {b}, mitigation {mit}: SndbufErrors {x['sndbuf_errors']}, "
                         f"tx_dropped {x['tx_dropped']} (Linux drops silently when its queue "
                         f"overflows; these say how often).")
            for g in ("ours", "blast", "linux", "dpdk"):
                rx = get(r, f"{g}/pps/{b}/{mit}", "received")
                if rx is not None and rx != bench.n_pps:
                    L.append(f"- {g}, batch {b}, mitigation {mit}: only {rx}/{bench.n_pps} "
                             f"arrived.")
    L.append("")


AHEAD_WHY = {
    "call": "Both pay the same tail write, inside which QEMU transmits (this "
            "kernel's floor, the frame-carrying tail write, costs what DPDK's "
            "`rte_eth_tx_burst` alone does); the difference is the guest's own "
            "instructions: `sendmsg`'s 619 at 18 B (the socket, the message's checks, "
            "the route, the ARP entry, the headers, the descriptors, the STATUS read "
            "after the tail write that keeps `sent` honest) against DPDK's headers "
            "and burst, with no socket, route or ARP. What would close it: fewer "
            "instructions on the socket path, for instance a connected socket that "
            "keeps its route and MAC from call to call as a batch now does, and the "
            "driver's checks that repeat the socket layer's.",
    "pps": "DPDK takes no interrupt and frees its descriptors 32 at a time inside "
           "`rte_eth_tx_burst`; this kernel takes QEMU's TX interrupts (every 128 us "
           "or more with mitigation on) and reclaims in the handler, and each datagram "
           "still goes through the socket checks. What would close it: polling the "
           "ring from the sender instead of taking the interrupt when the ring is busy.",
    "rtt": "DPDK's echo spins on the receive ring without a pause; this kernel's "
           "`recvmsg` looks every 10 us and naps in between, because spinning on two "
           "cores took the CPU from QEMU's I/O thread and made p99 ten times worse "
           "(docs/tuning.md). What would close it: a core to spare for the spinning "
           "vCPU, where a busy-poll without naps would then pay.",
}


def dpdk_section(L, bench):
    r = bench.results
    L.append("## DPDK beside this kernel\n")
    if bench.dpdk_why:
        L.append(f"DPDK did not run{' to the end' if r.get('dpdk/latency/18/on') else ''}: "
                 f"{bench.dpdk_why}\n\nThe rest of the bench ran.\n")
    if not any(k.startswith("dpdk/") for k in r):
        return
    call = get(r, "dpdk/latency/18/on", "lat", "call", "p50_ns")
    burst = get(r, "dpdk/latency/18/on", "lat", "burst", "p50_ns")
    L.append("The DPDK guest is the Linux guest's kernel with an initramfs of its own "
             "(scripts/dpdk-guest.sh): Debian's DPDK 22.11 libraries and its e1000 poll "
             "mode driver (`net_e1000_em`), hugepages, the NIC bound to `uio_pci_generic`, "
             "and `dudp` (tests/bench/guest/dudp.c). What differs from this kernel:\n")
    L.append("- DPDK polls and never takes an interrupt: its driver frees transmit "
             "descriptors inside `rte_eth_tx_burst` once fewer than 32 are free. This "
             "kernel completes in its TX interrupt handler, and looks at DD itself when a "
             "caller must wait (a zero-copy payload, a full ring).")
    L.append("- DPDK has no ARP, no routing and no sockets: `dudp` is given the tap's MAC, "
             "as this kernel is with `arp=`. Its call is the headers (IPv4 checksum in "
             "software, UDP checksum offloaded, as here) and `rte_eth_tx_burst`: "
             f"{fmt_us(call)} p50 at 18 B, of which `rte_eth_tx_burst` alone {fmt_us(burst)}.")
    L.append("- Both write the tail once per call, and QEMU transmits inside that write.\n")
    ahead = []
    for what, key, path, is_time in (
            ("send call p50, 18 B", "latency/18/on", ("lat", "call", "p50_ns"), "call"),
            ("send call p50, 1472 B", "latency/1472/on", ("lat", "call", "p50_ns"), "call"),
            ("packets/s, batch 1", "pps/1/on", ("pps",), "pps"),
            ("packets/s, batch 32", "pps/32/on", ("pps",), "pps"),
            ("round trip p50", "rtt/None/on", ("p50_ns",), "rtt")):
        o, d = get(r, "ours/" + key, *path), get(r, "dpdk/" + key, *path)
        if o and d and ((d < o) if is_time != "pps" else (d > o)):
            ahead.append((what, is_time, o, d))
    if ahead:
        L.append("Where DPDK is ahead (mitigation on):\n")
        for what, kind, o, d in ahead:
            show = (lambda v: f"{v} packets/s") if kind == "pps" else fmt_us
            L.append(f"- **{what}**: DPDK {show(d)}, this kernel {show(o)}. "
                     f"Why: {AHEAD_WHY[kind]}")
        L.append("")
    else:
        L.append("DPDK is ahead nowhere (mitigation on).\n")


def median(vals):
    vals = sorted(vals or [])
    return vals[len(vals) // 2] if vals else None


def stage_runs(r, key, stage):
    """A stage's p50 in each run of key (the median run's, if that is all there is)."""
    runs = (r.get(key) or {}).get(f"spread_{stage}")
    one = get(r, key, "lat", stage, "p50_ns")
    return runs if runs else [one] if one is not None else []


def e1000e_section(L, bench):
    r = bench.results
    if not any(k.startswith("ours-82574/") for k in r):
        return
    L.append("## The 82574L (e1000e) on q35\n")
    L.append("QEMU's default NIC on `-machine q35`, `-device e1000e,romfile=` on the same tap "
             "(it has no `mitigation` property: its interrupt throttle, at least 128 us "
             "between interrupts, is always on). This kernel takes its interrupts by MSI-X, "
             "a vector each for receive, transmit and the link, with no IOAPIC and no "
             "register read in the transmit handler; with `msix=0` it takes them as it does "
             "the 82540EM's, by INTx through the IOAPIC, reading ICR to learn the cause "
             "(the EOI then also reaches the IOAPIC). Two figures of the interrupt path: "
             "the send calls during which the NIC's interrupt ran (`@lat stage=call_irq`), "
             "its cost to a caller; and the interrupt inside the kernel, from "
             "`trap_dispatch` handing it on to the handler's return and the EOI "
             "(`@lat stage=intr`), the part that the route can change. Each is the median "
             "of the runs' p50s, the runs in brackets. The 82540EM row is the "
             "`-machine pc` run of the figures above.\n")
    L.append("| guest | NIC, interrupts | send call p50 | p99 | calls that took the interrupt "
             "| their p50 | the interrupt in the kernel, p50 |")
    L.append("| --- | --- | --- | --- | --- | --- | --- |")
    rows = (("ours/latency/18/on", "this kernel", "82540EM, INTx (IOAPIC)"),
            ("ours-82574/latency/18/on", "this kernel", "82574L, MSI-X"),
            ("ours-82574-intx/latency/18/on", "this kernel", "82574L, INTx (IOAPIC; `msix=0`)"),
            ("linux/latency/18/on", "Linux", "82540EM (e1000)"),
            ("linux-82574/latency/18/on", "Linux", "82574L (e1000e, MSI-X)"))
    for key, guest, nic in rows:
        if key not in r:
            continue
        n, ni = get(r, key, "lat", "call", "n"), get(r, key, "lat", "call_irq", "n")
        if ni is None and key.startswith("ours"):
            ni = 0                  # no such call: the stage is not printed
        share = f"{ni} of {n} ({ni / n * 100:.1f} %)" if n and ni is not None else "-"
        irq, intr = (stage_runs(r, key, s) for s in ("call_irq", "intr"))
        L.append(f"| {guest} | {nic} | {fmt_us(get(r, key, 'lat', 'call', 'p50_ns'))}"
                 f"{spread(r[key].get('spread'), True)} | "
                 f"{fmt_us(get(r, key, 'lat', 'call', 'p99_ns'))} | {share} | "
                 f"{fmt_us(median(irq))}{spread(irq, True)} | "
                 f"{fmt_us(median(intr))}{spread(intr, True)} |")
    L.append("")
    keys = ("ours-82574/latency/18/on", "ours-82574-intx/latency/18/on", "ours/latency/18/on")
    m, x, e = (median(stage_runs(r, k, "intr")) for k in keys)
    mi, xi, ei = (median(stage_runs(r, k, "call_irq")) for k in keys)
    if None in (m, x, e, mi, xi, ei):
        return
    d = x - m
    what = (f"MSI-X is {fmt_us(d)} cheaper: no ICR read, and no EOI for the IOAPIC"
            if d > 0 else f"MSI-X is not cheaper here, by {fmt_us(-d)}: the ICR read and "
            f"the IOAPIC's EOI it saves are within the runs' spread")
    L.append(f"What MSI-X changes: inside the kernel, the 82574L's interrupt takes "
             f"{fmt_us(m)} by MSI-X and {fmt_us(x)} by INTx; {what}. To a caller that is "
             f"small beside what a call that takes the interrupt costs: {fmt_us(mi)} with "
             f"MSI-X and {fmt_us(xi)} with INTx, against {fmt_us(get(r, 'ours-82574/latency/18/on', 'lat', 'call', 'p50_ns'))} "
             f"for a call that does not. The difference is spent outside the kernel's "
             f"code: QEMU raising the interrupt and the emulated CPU delivering it and "
             f"returning from it. With MSI-X, QEMU 7.2 sends the messages in pairs after "
             f"each throttle period, the second from inside a tail write, with its timer "
             f"armed from the vCPU's thread (docs/tuning.md): more calls take an "
             f"interrupt, and some boots' tail writes are slower. It depends on the NIC "
             f"model more than on the route: "
             f"on the 82540EM the calls that take the interrupt cost {fmt_us(ei)}, with "
             f"the kernel's own part {fmt_us(e)}.\n")


def boot_runs(r, key):
    """The runs of a boot-time figure measured on its own (the latency runs
    are ranked by their calls, not by this)."""
    if "/first/" not in key:
        return ""
    return spread([x for x in (r.get(key) or {}).get("spread", []) if x < 1e9], False)


def first_datagram(L, bench):
    r = bench.results
    L.append("## Boot to the first UDP datagram\n")
    L.append("From QEMU's start to the first datagram of the run on the tap (tcpdump "
             "`ether src MAC and udp dst port 9000`), mitigation on; the median of the "
             "runs. Without a static neighbour each guest first resolves the destination: "
             "QEMU's e1000 refuses received frames for a second after every RCTL write, "
             "so the ARP reply waits about a second. With one (`arp=192.0.2.1@MAC` here, "
             "`arp -s` in the Linux guest, the tap's MAC known in advance) nothing is "
             "resolved.\n")
    L.append("| neighbour | this kernel | Linux guest | Linux / ours |")
    L.append("| --- | --- | --- | --- |")
    rows = (("resolved by ARP", "ours/latency/18/on", "linux/latency/18/on"),
            ("static (`arp=`, `arp -s`)", "ours/first/None/on", "linux/first/None/on"))
    for name, ok, lk in rows:
        o, li = get(r, ok, "first_udp_s"), get(r, lk, "first_udp_s")
        if o is None and li is None:
            continue
        L.append(f"| {name} | {fmt_s(o)}{boot_runs(r, ok)} | {fmt_s(li)}{boot_runs(r, lk)} | "
                 f"{fmt_ratio(ratio(li, o))} |")
    ours18 = r.get("ours/latency/18/on") or {}
    if len(ours18.get("ms_since_reset", [])) == 2:
        kmain, up = ours18["ms_since_reset"]
        L.append(f"\nOf this kernel's time, firmware and loader took until {kmain} ms after "
                 f"reset (when `time_init` printed) and the network was up {up} ms after "
                 f"reset; the rest before that is QEMU starting up.")
    L.append("")


def instrument(L, bench):
    r = bench.results
    L.append("## What the instrument costs\n")
    L.append("The shipped kernel carries a 5-byte nop at the start of every traced "
             "function (gcc's `-pg -mfentry -mnop-mcount`; `trace=1` patches them into "
             "calls) and at every stage stamp point (`stages=1` patches them into jumps). "
             "The bare build (`make bare`) is the same tree without either. Both ran in "
             "this bench, interleaved, mitigation on, `stages=0`:\n")
    L.append("| send call | shipped | bare build | shipped / bare | within the spread |")
    L.append("| --- | --- | --- | --- | --- |")
    for size in (18, 1472):
        s, b = r.get(f"ours/latency/{size}/on") or {}, r.get(f"bare/latency/{size}/on") or {}
        if not b:
            continue
        for q, sp in (("p50", "spread"), ("p99", "spread_p99")):
            sv, bv = get(r, f"ours/latency/{size}/on", "lat", "call", f"{q}_ns"), \
                get(r, f"bare/latency/{size}/on", "lat", "call", f"{q}_ns")
            L.append(f"| {size} B, {q} | {fmt_us(sv)}{spread(s.get(sp), True)} | "
                     f"{fmt_us(bv)}{spread(b.get(sp), True)} | {fmt_ratio(ratio(sv, bv))} | "
                     f"{within(s.get(sp), b.get(sp))} |")
    tc = (r.get("ours/latency/18/on") or {}).get("tracecost") or {}
    L.append(f"\n`@tracecost`: the nop adds {tc.get('off_ns', '?')} ns to a call of an empty "
             f"function; patched and recording, entry and exit add {tc.get('on_ns', '?')} ns "
             f"(best of 200 calls each); {tc.get('sites', '?')} functions can be traced.\n")
    st = (r.get("ours/stages/18/on") or {}).get("lat") or {}
    if st:
        L.append("### Where the time of one send goes (18 bytes, `stages=1`)\n")
        L.append("| stage | p50 | p90 | p99 | p99.9 | max | p50 / floor |")
        L.append("| --- | --- | --- | --- | --- | --- | --- |")
        for name, s in st.items():
            L.append(f"| {name} | {fmt_us(int(s['p50_ns']))} | {fmt_us(int(s['p90_ns']))} | "
                     f"{fmt_us(int(s['p99_ns']))} | {fmt_us(int(s['p999_ns']))} | "
                     f"{fmt_us(int(s['max_ns']))} | {s['x_floor']} |")
        L.append(f"\nOne TSC stamp costs {st.get('stamp', {}).get('p50_ns', '?')} ns (p50, "
                 f"`stage=stamp`); with `stages=1` a send takes seven, not subtracted. "
                 f"\"floor\" is `floor_xmit`, the tail write that carries a frame.\n")
    for g, what in (("ours", "this kernel's `trace=1`"),
                    ("linux", "Linux 6.1's function_graph tracer on `udp_sendmsg`")):
        tr = r.get(f"{g}/trace/None/on")
        if tr:
            L.append(f"- {what} ([{tr['file']}]({tr['file']})): one send in {tr['lines']} "
                     f"lines and {tr['total_us']} us under the tracer.")
    if r.get("ours/trace/None/on"):
        L.append("\nBoth tracers patch their calls in, so only real calls are lines: a "
                 "function the compiler inlined is not one. Both graphs are of one send "
                 "whose patched code ran once before (under TCG the first run of patched "
                 "code pays for its translation); ours includes the TX interrupt, Linux's "
                 "whatever interrupts came during the call. `build/trace.json` opens in "
                 "Perfetto.\n")


def within(a, b):
    """Do two sets of runs overlap?"""
    if not a or not b or len(a) < 2 or len(b) < 2:
        return "-"
    if max(a) >= min(b) and max(b) >= min(a):
        return "yes"
    return f"no: {abs(min(a) - max(b)) / 1000 if min(a) > max(b) else abs(min(b) - max(a)) / 1000:.1f} us apart"


def goal(lines, name, value, target, better_low, why, unit=""):
    """One goal: met, or missed by how much and why."""
    if value is None:
        lines.append(f"- **{name}**: not measured in this run.")
        return
    met = value <= target if better_low else value >= target
    verdict = "met" if met else f"missed by {value / target:.2f}x" if better_low \
        else f"missed: reached {value / target * 100:.0f}% of the goal"
    lines.append(f"- **{name}**: {value:.2f}{unit} (goal {'<=' if better_low else '>='} "
                 f"{target:g}{unit}): {verdict}." + ("" if met else " " + why))


def e1000e_call_why(r):
    """Why the 82574L's send call is slower than the 82540EM's, from the runs."""
    e, p = r.get("ours-82574/latency/18/on") or {}, r.get("ours/latency/18/on") or {}
    fe, fp = get(r, "ours-82574/latency/18/on", "lat", "floor_xmit", "p50_ns"), \
        get(r, "ours/latency/18/on", "lat", "floor_xmit", "p50_ns")
    intx = get(r, "ours-82574-intx/latency/18/on", "lat", "call", "p50_ns")
    p50 = get(r, "ours/latency/18/on", "lat", "call", "p50_ns")

    def runs(x):
        return ", ".join(f"{v / 1000:.1f}" for v in sorted(x.get("spread") or []))
    return (f"the runs' p50s were {runs(e)} us on the 82574L and {runs(p)} us on the "
            f"82540EM, the frame-carrying floor {fmt_us(fe)} against {fmt_us(fp)}: where "
            f"the floors agree, the difference is not the model's tail write as such: with "
            f"MSI-X, QEMU 7.2's e1000e sends a second message from the first tail write "
            f"after each throttle period and arms its timer from the vCPU's thread, "
            f"waking its main loop, and in some boots most tail writes pay for it "
            f"(docs/tuning.md: the runs, the code path, and what was ruled out). With "
            f"`msix=0` the 82574L's call p50 is {fmt_ratio(ratio(intx, p50))} the "
            f"82540EM's.")


def goals(L, bench):
    r = bench.results
    L.append("## Goals\n")
    call = get(r, "ours/latency/18/on", "lat", "call", "p50_ns")
    floor = get(r, "ours/latency/18/on", "lat", "floor_xmit", "p50_ns")
    bare = get(r, "bare/latency/18/on", "lat", "call", "p50_ns")
    s18 = (r.get("ours/latency/18/on") or {}).get("spread")
    b18 = (r.get("bare/latency/18/on") or {}).get("spread")
    if s18 and b18 and len(s18) > 1 and len(b18) > 1:
        ok = within(s18, b18) == "yes"
        L.append(f"- **shipped kernel vs the bare build, send call p50 at 18 B**: "
                 f"{fmt_us(call)} vs {fmt_us(bare)} (goal: equal within the spread): "
                 f"{'met' if ok else 'missed'}." + ("" if ok else " " + WHY["bare"]))
    goal(L, "send call p50 at 18 B, us (goal: near 3 us)", call and call / 1000, 3.3, True,
         WHY["call_3us"] + f" Here: {fmt_us(floor)}.")
    for size in (18, 1472):
        goal(L, f"send call p50 / frame-carrying floor p50, {size} B",
             ratio(get(r, f"ours/latency/{size}/on", "lat", "call", "p50_ns"),
                   get(r, f"ours/latency/{size}/on", "lat", "floor_xmit", "p50_ns")),
             1.2, True, WHY["call_floor"])
    rtt_ratio = ratio(get(r, "ours/rtt/None/on", "p50_ns"), get(r, "reflect/rtt/None/on", "p50_ns"))
    goal(L, "echo round trip p50 / reflector p50", rtt_ratio, 1.2, True, WHY["rtt_floor"])
    if rtt_ratio and rtt_ratio < 1:
        L.append("  Below 1: the bare reflector is no faster than the echo server. A round "
                 "trip is QEMU's and the host's time; the guest's part (a few hundred "
                 "instructions either way) is inside the run-to-run spread. The reflector "
                 "sends out of the receive buffer and waits for its DD before it gives the "
                 "buffer back, with a legacy descriptor; the echo server copies, posts with "
                 "checksum offload and does not wait: the plot shows the reflector's round "
                 "trips in two groups, the echo server's in one.")
    fo, fl = get(r, "ours/first/None/on", "first_udp_s"), get(r, "linux/first/None/on", "first_udp_s")
    goal(L, "first UDP datagram with arp=, seconds after QEMU's start", fo, 0.3, True,
         WHY["first"], unit=" s")
    goal(L, "first UDP datagram, static neighbours: Linux / ours", ratio(fl, fo), 20, False,
         WHY["first"])
    goal(L, "send call p50 / Linux sendto p50, 18 B", ratio(call, get(
        r, "linux/latency/18/on", "lat", "call", "p50_ns")), 0.2, True, WHY["linux"])
    goal(L, "packets/s batch 1 / Linux", ratio(get(r, "ours/pps/1/on", "pps"),
                                               get(r, "linux/pps/1/on", "pps")), 5, False,
         WHY["pps1"])
    host = r.get("host/ceiling/None/off")
    goal(L, "packets/s batch 32 / host ceiling", ratio(get(r, "ours/pps/32/on", "pps"),
                                                       host and host["pps"]), 0.8, False,
         WHY["pps32"])
    for q in ("p50", "p99"):
        goal(L, f"round trip {q} / Linux", ratio(get(r, "ours/rtt/None/on", f"{q}_ns"),
                                                get(r, "linux/rtt/None/on", f"{q}_ns")),
             0.25, True, WHY["rtt"])
    for size in (18, 1472):
        goal(L, f"send call p50 / DPDK's headers and tx_burst p50, {size} B",
             ratio(get(r, f"ours/latency/{size}/on", "lat", "call", "p50_ns"),
                   get(r, f"dpdk/latency/{size}/on", "lat", "call", "p50_ns")),
             1.0, True, "Why: " + AHEAD_WHY["call"])
    goal(L, "packets/s batch 32 / DPDK", ratio(get(r, "ours/pps/32/on", "pps"),
                                               get(r, "dpdk/pps/32/on", "pps")),
         1.0, False, "Why: " + AHEAD_WHY["pps"])
    goal(L, "82574L send call p50 / 82540EM's, 18 B", ratio(
        get(r, "ours-82574/latency/18/on", "lat", "call", "p50_ns"),
        get(r, "ours/latency/18/on", "lat", "call", "p50_ns")), 1.1, True,
         "Why: " + e1000e_call_why(r))
    goal(L, "82574L: calls that took the interrupt, p50, MSI-X / INTx", ratio(
        median(stage_runs(r, "ours-82574/latency/18/on", "call_irq")),
        median(stage_runs(r, "ours-82574-intx/latency/18/on", "call_irq"))),
         1.0, True, "Why: the kernel's own part of the interrupt is "
         f"{fmt_us(median(stage_runs(r, 'ours-82574/latency/18/on', 'intr')))} with MSI-X "
         f"and {fmt_us(median(stage_runs(r, 'ours-82574-intx/latency/18/on', 'intr')))} "
         "with INTx (the 82574L section); the rest of these calls is QEMU delivering the "
         "interrupt, which spreads from run to run by more than MSI-X saves; and QEMU 7.2 "
         "sends MSI-X messages in pairs, the second from inside a tail write with a timer "
         "armed from the vCPU's thread (docs/tuning.md).")
    goal(L, "round trip p50 / DPDK's busy-polling echo", ratio(
        get(r, "ours/rtt/None/on", "p50_ns"), get(r, "dpdk/rtt/None/on", "p50_ns")),
         1.2, True, "Why: " + AHEAD_WHY["rtt"])
    L.append("")


def write_report(bench):
    out = bench.out
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cpu, qemu = machine()
    L = ["# Benchmark: this kernel beside its floors, a Linux guest and DPDK, on the same QEMU\n",
         f"Made by `make bench` on {bench.made} in {bench.elapsed:.0f} s"
         f"{' (smoke run)' if bench.smoke else ''}.\n",
         f"- machine: {cpu}, {os.cpu_count()} cores, host Linux {platform.release()}",
         f"- {qemu}, accelerator {bench.accel.upper()}, `-machine pc -cpu {bench.cpu} -m {bench.memory}` "
         f"(SSE4.2 and hugepages for DPDK, the same for every guest), "
         f"`-device e1000,romfile=` on a tap in a network namespace",
         f"- KVM: {bench.kvm_note}",
         f"- Linux guest: {linux_version(root)}, e1000 driver, busybox initramfs, "
         f"static `lsend`/`lecho` (tests/bench/guest/)",
         f"- DPDK guest: the same kernel, {dpdk_version(root)}, `net_e1000_em` on "
         f"`uio_pci_generic`, `dudp` (tests/bench/guest/dudp.c)",
         f"- samples: {bench.n_lat} send calls, {bench.n_pps} datagrams for pps, "
         f"{bench.n_rtt} round trips\n"]
    figures(L, bench)
    dpdk_section(L, bench)
    e1000e_section(L, bench)
    first_datagram(L, bench)
    instrument(L, bench)
    goals(L, bench)
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
        L.append("    " + c.replace(root + os.sep, ""))
    L.append("")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(L))
