#!/usr/bin/python3
"""make bench: this kernel, a Linux guest and DPDK's e1000 driver in the same
Linux guest, side by side on the same QEMU command line, NIC and tap, each
figure beside its floor: what QEMU's e1000 itself allows, measured in the
same run by a bare path of this kernel.

    tests/bench/bench.py [--smoke] [--out DIR] [--publish DOCS]

Every run happens in a network namespace of its own (tests/qemu/netns.py).
Figures, each with QEMU's e1000 interrupt mitigation on (the default) and
off:
  - send-call latency (TSC in the guest): this kernel's sendmsg, Linux's
    sendto, DPDK's headers and rte_eth_tx_burst (tests/bench/guest/dudp.c);
    the floor is a tail write that carries a prepared frame (@lat
    stage=floor_xmit, measured by the same boot after its run);
  - packets per second counted by the host; the floor is mode=blast
    (prebuilt frames posted batch by batch, no sockets);
  - UDP round trips from a host ping-pong client (DPDK: a busy-polling
    echo); the floor is mode=reflect (frames sent straight back from the
    receive ring);
  - boot to the first UDP datagram of the run on the tap, with and without
    a static neighbour (arp= here, a permanent ARP entry in Linux);
  - the 82574L (QEMU's e1000e) on q35: this kernel's send call with MSI-X
    and with INTx through the IOAPIC (msix=0), beside Linux's e1000e
    driver; the calls during which the NIC interrupted (@lat
    stage=call_irq) show what each interrupt path costs a caller.
And what the instrument costs: the shipped kernel beside the same tree
built with no instrument hooks at all (make bare), the stage stamps of one
run, both function-graph traces (this kernel's trace=1 and Linux's
function_graph of udp_sendmsg, made in this run).

The DPDK guest is built by scripts/dpdk-guest.sh; where it cannot be built
or does not come up, its cases are left out and the report says why.

Runs are interleaved: every case once, then every case again, so that a
slow minute of the machine does not land on one case alone.  Each figure
is the median run of three.  Writes DIR/report.md, DIR/*.png (gnuplot),
DIR/trace.txt, DIR/linux-trace.txt and DIR/results.json.
--smoke: a few hundred packets, this kernel only, one run, no plots
(make test runs it).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))

from kernel import BUILD, KERNEL, QEMU, Running, kvm_usable, qemu_cmd, tap_nic  # noqa: E402
from netns import HOST_MAC, NetNS  # noqa: E402

MAC = "02:00:00:00:00:42"
GUEST_IP = "192.0.2.2"
HOSTBIN = os.path.join(BUILD, "host")
LINUX = os.path.join(BUILD, "linux")
DPDK = os.path.join(BUILD, "dpdk")
BARE = os.path.join(BUILD, "bare", "kernel.elf")
# The same for every guest: memory enough for DPDK's hugepages, and QEMU's
# default CPU (qemu64) with what Debian's DPDK is built for (-march=corei7)
# added: SSSE3, SSE4.1, SSE4.2, POPCNT.  Not an Intel model such as Nehalem:
# Linux would then turn on page-table isolation against Meltdown, and every
# system call would flush QEMU's TLB (sendto 3.4 times slower here).
MEMORY = "512"
CPU = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt"
NEIGH = f"192.0.2.1@{HOST_MAC}"
FIRST_UDP = f"ether src {MAC} and udp dst port 9000"    # the run's own datagrams

# Guests: this kernel (shipped), the same tree without instrument hooks,
# Linux, DPDK in the Linux guest.
OURS, BARE_G, LINUX_G, DPDK_G = "ours", "bare", "linux", "dpdk"
# The 82574L (QEMU's e1000e) on q35, its default machine: this kernel with
# MSI-X, the same with INTx through the IOAPIC (msix=0), Linux's e1000e.
OURS_E, OURS_E_INTX, LINUX_E = "ours-82574", "ours-82574-intx", "linux-82574"
E1000E = (OURS_E, OURS_E_INTX, LINUX_E)


class Bench:
    def __init__(self, out, smoke):
        self.out, self.smoke = out, smoke
        self.n_lat = 300 if smoke else 5000
        self.n_pps = 300 if smoke else 20000
        self.n_rtt = 50 if smoke else 2000
        self.reps = 1 if smoke else 3     # runs per figure; the median run is reported
        # The 82574L's figures are compared with the 82540EM's send call, run
        # for run: five runs each, so that one slow minute does not decide.
        self.reps_e1000e = 1 if smoke else 5
        self.results = {}
        self.cpu, self.memory = CPU, MEMORY
        self.accel = os.environ.get("ACCEL", "tcg")
        ok, why = kvm_usable()
        if self.accel == "kvm" and not ok:
            sys.exit(f"bench: ACCEL=kvm, but {why}")
        self.kvm_note = ("this run" if self.accel == "kvm" else
                         "usable here: `ACCEL=kvm make bench` runs the same bench under it"
                         if ok else f"not run: {why}")
        self.step, self.steps = 0, 0
        self.commands = []
        self.dpdk_why = "not part of the smoke run" if smoke else build_dpdk()  # None: it runs

    def progress(self, what):
        self.step += 1
        print(f"[bench {self.step}/{self.steps}] {what}", file=sys.stderr, flush=True)

    # ---- one boot, any guest ---------------------------------------------------

    def guest_cmd(self, guest, args, mitigation):
        # romfile=: no iPXE option ROM for SeaBIOS to run; no guest uses it.
        # The e1000e has no mitigation property: its ITR floor is always on.
        machine = "q35" if guest in E1000E else "pc"
        net = tap_nic("e1000e", MAC, extra=",romfile=") if guest in E1000E else \
            tap_nic(mac=MAC, extra=",romfile=" + ("" if mitigation else ",mitigation=off"))
        if guest in (OURS, BARE_G, OURS_E, OURS_E_INTX):
            cmd = qemu_cmd(args + (" msix=0" if guest == OURS_E_INTX else ""), net=net,
                           memory=MEMORY, accel=self.accel, extra=["-cpu", CPU],
                           machine=machine)
            if guest == BARE_G:
                cmd[cmd.index(KERNEL)] = BARE
            return cmd
        initrd = os.path.join(DPDK if guest == DPDK_G else LINUX, "initramfs.cpio.gz")
        return [QEMU, "-machine", machine, "-accel", self.accel, "-cpu", CPU, "-m", MEMORY,
                "-display", "none", "-serial", "stdio", "-no-reboot",
                "-kernel", os.path.join(LINUX, "vmlinux"), "-initrd", initrd,
                "-append", "console=ttyS0 loglevel=1 " + args] + net

    def boot(self, guest, args, mitigation, receiver=None, pingpong=None, ready=None,
             neighbour=False, timeout=300):
        """Boot in a fresh namespace; return (Boot, first_udp_s, host outputs).
        receiver: udp_receiver's arguments; pingpong: udp_pingpong's, run once
        the guest has printed a line that starts with ready."""
        cmd = self.guest_cmd(guest, args, mitigation)
        self.commands.append(" ".join(cmd))
        host = {}
        with NetNS() as ns:
            if neighbour:       # mode=reflect answers no ARP
                ns.neighbour(GUEST_IP, MAC)
            first = ns.popen("tcpdump", "-i", ns.tap, "--immediate-mode", "-c", "1", "-n",
                             "-tt", FIRST_UDP, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            first.stderr.readline()                 # "listening on ..."
            rx = None
            if receiver:
                rx = ns.popen(os.path.join(HOSTBIN, "udp_receiver"), *receiver,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                rx.stderr.readline()                # "receiver: ready"
            t0 = time.time()
            k = Running(ns, cmd=cmd, timeout=timeout)
            if pingpong:
                k.wait_for(ready, 120)
                pp = ns.run(os.path.join(HOSTBIN, "udp_pingpong"), *pingpong,
                            check=False, timeout=600)
                host["pingpong"] = pp.stdout
                k.proc.kill()
            b = k.finish()
            try:
                line = first.communicate(timeout=2)[0]
                first_s = float(line.split()[0]) - t0
            except (subprocess.TimeoutExpired, ValueError, IndexError):
                first_s = None
            if rx:
                time.sleep(0.5)
                rx.terminate()
                host["receiver"] = rx.communicate(timeout=10)[0]
        return b, first_s, host

    # ---- the runs ----------------------------------------------------------------

    def latency(self, guest, size, mitigation):
        if guest in (LINUX_G, LINUX_E):
            args = f"bench.mode=send bench.count={self.n_lat} bench.runs={size}:1"
        elif guest == DPDK_G:
            args = (f"bench.mode=dpdk-send bench.count={self.n_lat} bench.runs={size}:1 "
                    f"bench.neigh={NEIGH}")
        else:
            args = f"count={self.n_lat} size={size} samples=1"
        b, first_s, _ = self.boot(guest, args, mitigation)
        check_done(b, guest)
        lat = {l["stage"]: l for l in tagged_all(b, "lat")}
        samples = [int(x) for x in samples_of(b)]
        since_reset = [int(m) for m in re.findall(r"(\d+) ms since reset", b.out)]
        return {"lat": lat, "samples": samples, "first_udp_s": first_s,
                "linux": b.tagged("linux"), "tracecost": b.tagged("tracecost"),
                "dpdk": b.tagged("dpdk"), "ms_since_reset": since_reset}

    def stages(self):
        b, _, _ = self.boot(OURS, f"count={self.n_lat} size=18 stages=1", True)
        check_done(b, OURS)
        return {"lat": {l["stage"]: l for l in tagged_all(b, "lat")}}

    def first(self, guest):
        """Boot to the first UDP datagram of the run, the neighbour given."""
        if guest == LINUX_G:
            args = f"bench.mode=send bench.count=10 bench.neigh={NEIGH}"
        else:
            args = f"count=10 arp={NEIGH}"
        b, first_s, _ = self.boot(guest, args, True)
        check_done(b, guest)
        return {"first_udp_s": first_s}

    def pps(self, guest, batch, mitigation):
        n = self.n_pps
        if guest == LINUX_G:
            args = f"bench.mode=send bench.count={n} bench.runs=18:{batch}"
        elif guest == DPDK_G:
            args = (f"bench.mode=dpdk-send bench.count={n} bench.runs=18:{batch} "
                    f"bench.neigh={NEIGH}")
        elif guest == "blast":
            args = f"mode=blast count={n} size=18 batch={batch}"
        else:
            args = f"count={n} size=18 batch={batch}"
        b, _, host = self.boot(guest if guest in (LINUX_G, DPDK_G) else OURS, args, mitigation,
                               receiver=["-n", str(n), "-s", "18", "-t", "300"])
        check_done(b, guest)
        rx = parse_tagged(host["receiver"], "rx") or {}
        received = int(re.search(r"received (\d+)/", host["receiver"]).group(1))
        return {"pps": int(rx.get("pps", 0)), "received": received, "sent": n,
                "linux": b.tagged("linux")}

    def rtt(self, guest, mitigation):
        tag = f"rtt-{guest}-{'on' if mitigation else 'off'}"
        samples = os.path.join(self.out, tag + ".txt")
        boot, args, ready = {
            OURS: (OURS, "mode=echo count=0", "echo: "),
            "reflect": (OURS, "mode=reflect count=0", "reflect: "),
            LINUX_G: (LINUX_G, "bench.mode=echo", "@linux up"),
            DPDK_G: (DPDK_G, "bench.mode=dpdk-echo", "@dpdk echo ready"),
        }[guest]
        _, _, host = self.boot(boot, args, mitigation, neighbour=guest in ("reflect", DPDK_G),
                               ready=ready, pingpong=[
                                   "-a", GUEST_IP, "-p", "9000", "-n", str(self.n_rtt),
                                   "-s", "18", "-o", samples])
        r = parse_tagged(host["pingpong"], "rtt")
        if not r or int(r.get("n", 0)) == 0:
            raise RuntimeError(f"{guest}: no round trips:\n{host['pingpong']}")
        res = {k: int(v) for k, v in r.items()}
        with open(samples) as f:
            res["samples"] = [int(x) for x in f.read().split()]
        os.remove(samples)
        return res

    def ceiling(self):
        """The host writes the frames into the tap itself: no QEMU."""
        n = self.n_pps
        self.commands.append(f"tap_blast -i tap0 -n {n} -s 18")
        with NetNS() as ns:
            rx = ns.popen(os.path.join(HOSTBIN, "udp_receiver"), "-n", str(n), "-s", "18",
                          "-t", "120", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
            rx.stderr.readline()
            blast = ns.run(os.path.join(HOSTBIN, "tap_blast"), "-i", ns.tap, "-n", str(n))
            time.sleep(0.5)
            rx.terminate()
            out = rx.communicate(timeout=10)[0]
        rxt = parse_tagged(out, "rx") or {}
        return {"pps": int(rxt.get("pps", 0)), "write_pps": int(parse_tagged(
            blast.stdout, "blast")["pps"]),
            "received": int(re.search(r"received (\d+)/", out).group(1)), "sent": n}

    def trace(self, guest):
        """One send under the function-graph tracer: trace=1, or Linux's."""
        if guest == LINUX_G:
            b, _, _ = self.boot(LINUX_G, f"bench.mode=trace bench.neigh={NEIGH}", True)
            lines = b.out.splitlines()
            if "@ftrace begin" not in lines or "@ftrace end" not in lines:
                raise RuntimeError(f"linux: no trace:\n{b.out[-3000:]}")
            graph = lines[lines.index("@ftrace begin") + 1:lines.index("@ftrace end")]
            name, top = "linux-trace.txt", "udp_sendmsg"
        else:
            b, _, _ = self.boot(OURS, "count=20 trace=1", True)
            check_done(b, OURS)
            lines = b.out.splitlines()
            graph = [l for l in lines if l.startswith("#") or l.startswith(" 0)")]
            with open(os.path.join(BUILD, "trace.json"), "w") as f:
                f.write("".join(l[6:] for l in lines if l.startswith("@json ")))
            name, top = "trace.txt", "sendmsg"
        with open(os.path.join(self.out, name), "w") as f:
            f.write("\n".join(graph) + "\n")
        calls = [l for l in graph if l.startswith(" 0)")]
        return {"lines": len(calls), "total_us": total_us(calls, top), "file": name}

    def measure(self, kind, g, arg, mit):
        """One run; a DPDK run that fails leaves DPDK out of the rest."""
        if g != DPDK_G:
            return self.measure_one(kind, g, arg, mit)
        if self.dpdk_why:
            return None
        try:
            return self.measure_one(kind, g, arg, mit)
        except (RuntimeError, AssertionError, subprocess.TimeoutExpired) as e:
            self.dpdk_why = f"a DPDK run failed ({kind} {arg}): " + str(e).strip()[-600:]
            return None

    def measure_one(self, kind, g, arg, mit):
        if kind == "latency":
            return self.latency(g, arg, mit)
        if kind == "stages":
            return self.stages()
        if kind == "first":
            return self.first(g)
        if kind == "pps":
            return self.pps(g, arg, mit)
        if kind == "rtt":
            return self.rtt(g, mit)
        if kind == "ceiling":
            return self.ceiling()
        return self.trace(g)

    # ---- the whole bench -------------------------------------------------------

    def plan(self):
        if self.smoke:
            return [("latency", OURS, 18, True), ("latency", BARE_G, 18, True),
                    ("pps", OURS, 1, True), ("pps", OURS, 32, True),
                    ("pps", "blast", 32, True), ("rtt", OURS, None, True),
                    ("rtt", "reflect", None, True), ("first", OURS, None, True),
                    ("stages", OURS, 18, True), ("ceiling", "host", None, None),
                    ("latency", OURS_E, 18, True)]
        plan = []
        for mit in (True, False):
            for g in (OURS, LINUX_G, DPDK_G):
                plan += [("latency", g, 18, mit), ("latency", g, 1472, mit)]
            plan += [("pps", g, b, mit) for g in (OURS, "blast", LINUX_G, DPDK_G) for b in (1, 32)]
            plan += [("rtt", g, None, mit) for g in (OURS, "reflect", LINUX_G, DPDK_G)]
        plan += [("latency", g, 18, True) for g in E1000E]
        plan += [("latency", BARE_G, 18, True), ("latency", BARE_G, 1472, True),
                 ("first", OURS, None, True), ("first", LINUX_G, None, True),
                 ("stages", OURS, 18, True), ("ceiling", "host", None, None),
                 ("trace", OURS, None, True), ("trace", LINUX_G, None, True)]
        return plan

    def run(self):
        plan = self.plan()
        compared = [("latency", g, 18, True) for g in (OURS,) + E1000E]
        reps = {p: self.reps_e1000e if p in compared else self.reps if p[0] in MEDIAN_OF
                else 1 for p in plan}
        self.steps = sum(reps.values())
        runs = {p: [] for p in plan}
        for rep in range(max(reps.values())):
            for p in (p for p in plan if rep < reps[p]):
                kind, g, arg, mit = p
                mtag = "" if mit is None else f" mitigation={'on' if mit else 'off'}"
                rtag = f" (run {rep + 1}/{reps[p]})" if reps[p] > 1 else ""
                self.progress(f"{g} {kind} {arg if arg is not None else ''}{mtag}{rtag}")
                runs[p].append(self.measure(kind, g, arg, mit))
        for (kind, g, arg, mit), r in runs.items():
            r = [x for x in r if x is not None]     # DPDK left out
            if r:
                key = f"{g}/{kind}/{arg}/{'on' if mit else 'off'}"
                self.results[key] = median_run(kind, r)

    META = ("smoke", "reps", "reps_e1000e", "n_lat", "n_pps", "n_rtt", "accel", "kvm_note", "dpdk_why",
            "cpu", "memory", "commands", "made", "elapsed")

    def save(self, elapsed):
        """DIR/results.json: the figures, and what the report needs beside them."""
        self.made, self.elapsed = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), elapsed
        with open(os.path.join(self.out, "results.json"), "w") as f:
            json.dump(dict(self.results, _meta={k: getattr(self, k) for k in self.META}),
                      f, indent=1)

    @classmethod
    def load(cls, out):
        """A finished bench from DIR/results.json, to write its report again."""
        with open(os.path.join(out, "results.json")) as f:
            results = json.load(f)
        bench = cls.__new__(cls)
        for k, v in results.pop("_meta").items():
            setattr(bench, k, v)
        bench.out, bench.results = out, results
        return bench


def build_dpdk():
    """Build the DPDK guest; None, or why it cannot be built."""
    p = subprocess.run([os.path.join(ROOT, "scripts", "dpdk-guest.sh"), LINUX, DPDK],
                       capture_output=True, text=True)
    sys.stderr.write(p.stdout)
    if p.returncode != 0:
        return "the DPDK guest could not be built: " + (p.stderr.strip() or p.stdout.strip())[-600:]
    return None


# ---- repeated runs -------------------------------------------------------------

# Figures measured several times; the run with the median headline is kept
# whole (its p99 belongs with its p50), and the spread of the headline noted.
MEDIAN_OF = {
    "latency": lambda r: int(r["lat"]["call"]["p50_ns"]),
    "pps": lambda r: r["pps"],
    "rtt": lambda r: r["p50_ns"],
    "first": lambda r: r["first_udp_s"] if r["first_udp_s"] is not None else 1e9,
}


def median_run(kind, runs):
    if kind not in MEDIAN_OF:
        return runs[0]
    head = MEDIAN_OF[kind]
    ranked = sorted(runs, key=head)
    best = dict(ranked[len(ranked) // 2])
    best["spread"] = [head(r) for r in runs]
    if kind == "latency":
        firsts = sorted(r["first_udp_s"] for r in runs if r["first_udp_s"] is not None)
        best["first_udp_s"] = firsts[len(firsts) // 2] if firsts else None
        best["spread_p99"] = [int(r["lat"]["call"]["p99_ns"]) for r in runs]
        for stage in ("call_irq", "intr"):     # this kernel's interrupt, run by run
            best[f"spread_{stage}"] = [int(r["lat"][stage]["p50_ns"]) for r in runs
                                       if stage in r["lat"]]
    return best


# ---- parsing ---------------------------------------------------------------

def parse_tagged(text, tag):
    found = [l for l in text.splitlines() if l.startswith("@" + tag + " ")]
    return dict(re.findall(r"(\w+)=(\S+)", found[-1])) if found else None


def tagged_all(b, tag):
    return [dict(re.findall(r"(\w+)=(\S+)", l)) for l in b.lines("@" + tag + " ")]


def samples_of(b):
    for line in b.lines("@samples "):
        return line.split("ns=", 1)[1].split()
    return []


def check_done(b, guest):
    done = b.tagged("done")
    if not done or done.get("failed") not in ("0", None):
        raise RuntimeError(f"{guest}: the run failed (status {b.status}):\n{b.out[-3000:]}")


def total_us(graph, top):
    for line in reversed(graph):
        if f"}} /* {top} */" in line:
            return float(line.split("|")[0].split()[-2])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--out", default=os.path.join(BUILD, "bench"))
    ap.add_argument("--publish", metavar="DOCS",
                    help="also copy the report to DOCS/performance.md, plots to DOCS/perf/")
    ap.add_argument("--report-only", action="store_true",
                    help="write the report of the run in --out again, running nothing")
    a = ap.parse_args()
    from report import write_report   # noqa: E402 (tests/bench/report.py)
    if a.report_only:
        bench = Bench.load(a.out)
    else:
        if os.geteuid() != 0:
            sys.exit("bench: needs root (network namespaces and taps)")
        for image, make in ((KERNEL, "make"), (BARE, "make bare")):
            if not os.path.exists(image):
                sys.exit(f"bench: {image} is missing (run {make} first)")
        os.makedirs(a.out, exist_ok=True)
        bench = Bench(a.out, a.smoke)
        t0 = time.time()
        bench.run()
        bench.save(time.time() - t0)
    write_report(bench)
    print(f"bench: report in {os.path.join(a.out, 'report.md')}", file=sys.stderr)
    if a.publish:
        publish(a.out, a.publish)


def publish(out, docs):
    """docs/performance.md: the report, with the command, and its plots and traces."""
    perf = os.path.join(docs, "perf")
    os.makedirs(perf, exist_ok=True)
    with open(os.path.join(out, "report.md")) as f:
        text = f.read()
    for name in sorted(os.listdir(out)):
        if name.endswith(".png") or name.endswith("trace.txt"):
            shutil.copy(os.path.join(out, name), perf)
            text = text.replace(f"]({name})", f"](perf/{name})")
    head, rest = text.split("\n", 1)
    with open(os.path.join(docs, "performance.md"), "w") as f:
        f.write(head + "\n\nThe latest `make bench` report, as it wrote it (`build/bench/report.md`);\n"
                "run `make bench` to make it again.\n" + rest)
    print(f"bench: published to {os.path.join(docs, 'performance.md')}", file=sys.stderr)


if __name__ == "__main__":
    main()
