#!/usr/bin/python3
"""The lab grader (`make grade`, `make grade N=3`): builds a tree, runs each
lab's graded tests, and prints points, 100 a lab (docs/labs/README.md has
the table; `--table` prints it).

    tests/grade/grade.py [--lab N | --upto N] [--tree DIR] [--out DIR] [--table]

Offline and without root: QEMU runs with -netdev socket, and a Python peer
(tests/grade/peer.py) on loopback answers ARP, sends frames to the guest
and checks every frame it gets.  Host unit tests (cmocka) carry part of
each lab's points, test by test.  Labs 1 to 5 have no timing thresholds;
lab 6 is graded on the structure and consistency of what it prints.

On a failure: the assertion, the last 20 serial lines, the @ lines parsed,
for network tests the frames missing, unexpected or malformed (hexdumps),
and a hint keyed to the symptom.  Every test's serial log and pcap are kept
in DIR/<test>/ (default build/grade).  DIR/result.json has the scores.
Exit status 0 when every lab graded has full marks.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "qemu"))

from peer import GUEST_IP, HOST_IP, HOST_MAC, Peer  # noqa: E402
from rawframes import ETHERTYPE, frame as raw_frame  # noqa: E402

QEMU = "qemu-system-x86_64"
STATIC_ARP = "arp=192.0.2.1@02:00:00:00:00:01"


class Failed(Exception):
    """A graded test's assertion, with the frames to show beside it and the
    share of the points it still earns (a unit test binary, test by test)."""

    def __init__(self, msg, frames=None, share=0.0):
        super().__init__(msg)
        self.frames, self.share = frames or [], share


# ---- A guest ---------------------------------------------------------------

class Guest:
    """One boot of the tree's kernel, serial read as it comes."""

    def __init__(self, g, name, args, peer=None, model="e1000",
                 mac="52:54:00:12:34:56", timeout=60):
        self.dir = os.path.join(g.out, name)
        os.makedirs(self.dir, exist_ok=True)
        net = peer.netdev(model, mac, os.path.join(self.dir, "frames.pcap")) if peer \
            else ["-nic", "none"]
        cmd = [QEMU, "-machine", "pc", "-accel", "tcg", "-m", "64", "-display", "none",
               "-serial", "stdio", "-no-reboot", "-kernel", g.kernel, "-append", args,
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] + net
        self.deadline = time.time() + timeout
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        self.lines, self.status = [], None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))

    def wait_for(self, prefix, timeout=30):
        end = min(self.deadline, time.time() + timeout)
        while time.time() < end:
            if any(l.startswith(prefix) for l in list(self.lines)):
                return True
            if self.proc.poll() is not None and not self.reader.is_alive():
                return False
            time.sleep(0.05)
        return False

    def finish(self, kill=False):
        """Wait for the exit (or end it now); the serial log is saved."""
        if kill:
            self.proc.kill()
        try:
            self.proc.wait(timeout=max(1, self.deadline - time.time()))
            self.status = None if kill else self.proc.returncode
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.status = None
        self.reader.join(timeout=5)
        with open(os.path.join(self.dir, "serial.log"), "w") as f:
            f.write("\n".join(self.lines) + "\n")
        return self

    def tagged(self, tag):
        """The key=value fields of the last '@TAG ...' line, or {}."""
        found = [l for l in self.lines if l.startswith("@" + tag + " ")]
        return dict(re.findall(r"(\w+)=(\S+)", found[-1])) if found else {}

    def has(self, text):
        return any(text in l for l in self.lines)


def expect(cond, msg, frames=None):
    if not cond:
        raise Failed(msg, frames)


# ---- Unit tests ------------------------------------------------------------

def unit(binary, names=None):
    """A cmocka binary's tests (all, or those named); points by share passed."""
    def run(g):
        path = os.path.join(g.tree, "build", "unit", binary)
        if not os.path.exists(path):
            raise Failed(f"{binary} was not built")
        # One stream: cmocka flushes, so each error lands in its test's block.
        p = subprocess.run([path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=120)
        with open(os.path.join(g.out, binary + ".log"), "w") as f:
            f.write(p.stdout)
        ok = set(re.findall(r"^\[       OK \] (\w+)", p.stdout, re.M))
        ran = set(re.findall(r"^\[ RUN      \] (\w+)", p.stdout, re.M))
        total = re.search(r"^\[==========\] Running (\d+) test", p.stdout, re.M)
        if not total:
            raise Failed(f"{binary} ran no test (it crashed at start?)")
        want = set(names) if names else ran
        bad = sorted(want - ok)
        of, failed = len(want), len(bad)
        if not names and len(ran) < int(total.group(1)):
            # It crashed: the tests after the crash count as failed too.
            of = int(total.group(1))
            failed += of - len(ran)
            bad.append(f"and {of - len(ran)} that never ran (the binary died)")
        share = 1 - failed / of
        if bad:
            # The first error of a graded test (the binary may hold others).
            blocks = re.split(r"^\[ RUN      \] ", p.stdout, flags=re.M)[1:]
            errors = [f"{b.split()[0]}: {e or 'its set-up failed: ' + su}"
                      for b in blocks if b.split()[0] in want
                      for e, su in re.findall(r"^(?:\[  ERROR   \] --- (.*)|Could not run "
                                              r"test: (.*))$", b, re.M)]
            errors = errors or re.findall(r"^==\d+==ERROR: (.*)$", p.stdout, re.M)  # sanitizer
            raise Failed(f"{binary}: {failed} of {of} failed: {', '.join(bad)}"
                         + (f"\n  first error: {errors[0]}" if errors else ""), share=share)
        return 1.0
    return run


# ---- Lab 1: boot, console, exceptions -------------------------------------

def boot_banner(g):
    k = Guest(g, "boot", "count=1").finish()
    g.last = k
    expect(k.lines and k.lines[0].startswith("unikernel "), "the first line is not the banner")
    expect(k.has("loaded by qemu"), "no 'loaded by qemu' on the banner line")
    expect(k.has("time: TSC"), "no 'time: TSC' line")
    expect(k.status == 7 and k.has("no supported NIC"),
           f"with no NIC: status {k.status}, expected 7 and 'no supported NIC'")
    return 1.0


def panic(fault, vector, name):
    def run(g):
        k = Guest(g, f"panic-{fault}", f"fault={fault}").finish()
        g.last = k
        p = k.tagged("panic")
        expect(k.status == 9, f"fault={fault}: QEMU status {k.status}, expected 9 (exit code 4)")
        expect(p.get("vector") == str(vector), f"no '@panic vector={vector}' line")
        expect(any(name in l for l in k.lines if l.startswith("@panic")), f"no '{name}'")
        for reg in ("rip", "rsp", "rax", "r15", "rflags", "cr2"):
            expect(k.has(f"{reg}=0x"), f"no {reg}= in the register dump")
        if fault == "pf":
            expect(p.get("cr2") == "0x0000000100000000", "cr2 is not the faulting address")
        return 1.0
    return run


def panics_ud_de(g):
    panic("ud", 6, "#UD")(g)
    return panic("de", 0, "#DE")(g)


# ---- Lab 2: PCI, reset, MAC -----------------------------------------------

def nic_found(model, device, mac):
    def run(g):
        with Peer() as peer:
            k = Guest(g, f"nic-{model}", "count=1 " + STATIC_ARP, peer, model=model, mac=mac)
            k.wait_for("@nic", 20)
            k.finish(kill=True)
        g.last = k
        nic = k.tagged("nic")
        expect(nic, "no @nic line")
        expect(nic.get("device") == device, f"@nic device={nic.get('device')}, expected {device}")
        expect(nic.get("mac") == mac, f"@nic mac={nic.get('mac')}, expected {mac} "
                                      "(QEMU's mac=, from the EEPROM)")
        return 1.0
    return run


def pci_table(g):
    nic_found("e1000", "100e", "52:54:00:12:34:56")(g)
    k = g.last
    expect(k.has("pci: 00:00.0 8086:1237"), "no host bridge 00:00.0 8086:1237 in the scan")
    expect(k.has("pci: 00:03.0 8086:100e class 020000 irq 11 pin A"),
           "no 'pci: 00:03.0 8086:100e class 020000 irq 11 pin A'")
    expect(k.has("bar0 mem32 0xfebc0000 size 0x20000"), "BAR0 of the e1000 is not mem32, 128 KiB")
    expect(k.has("bar1 io    0x0000c000 size 0x40"), "BAR1 of the e1000 is not I/O, 64 bytes")
    return 1.0


def other_models(g):
    nic_found("e1000-82544gc", "100c", "02:00:00:00:01:44")(g)
    return nic_found("e1000-82545em", "100f", "02:00:00:00:01:45")(g)


# ---- Lab 3: the TX ring ------------------------------------------------------

GUEST_MAC = "52:54:00:12:34:56"


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def raw_frames(peer):
    return [f for f in peer.received() if f[12:14] == ETHERTYPE.to_bytes(2, "big")]


def compare_raw(got, count):
    """The raw self-test frames that arrived right (a set of k), and the
    problems: unexpected, malformed (with the frame expected), twice."""
    src = mac_bytes(GUEST_MAC)
    want = [raw_frame(k, src) for k in range(count)]
    problems, right = [], set()
    for f in got:
        k = int.from_bytes(f[14:18], "big") if len(f) >= 18 else -1
        if not 0 <= k < count:
            problems.append(("unexpected", f))
        elif f != want[k]:
            problems.append((f"frame {k} malformed, expected", want[k]))
            problems.append((f"frame {k} as sent", f))
        elif k in right:
            problems.append((f"frame {k} twice (an index not wrapped?)", f))
        else:
            right.add(k)
    return right, problems


def raw_tx(count, extra, name):
    def run(g):
        with Peer() as peer:
            k = Guest(g, name, f"mode=raw count={count} {extra}", peer)
            got = peer.wait_for(count, lambda f: f[12:14] == b"\x88\xb5", 20)
            # The frames it waits for, so that it ends now and prints @stats
            # (before lab 4 it has no receive ring: it waits 5 s).
            send_raw(peer, count)
            k.wait_for("@done", 7)
            k.finish(kill=True)
        g.last = k
        right, problems = compare_raw(got, count)
        missing = [n for n in range(count) if n not in right]
        expect(not missing and not problems,
               f"{len(right)} of {count} raw frames arrived right; not right or missing: "
               f"{squeeze(missing)}", problems)
        return 1.0
    return run


def send_raw(peer, count):
    """The count raw frames mode=raw waits for, from the host, 2 ms apart."""
    for n in range(count):
        peer.send(raw_frame(n, HOST_MAC, mac_bytes(GUEST_MAC)))
        time.sleep(0.002)


def squeeze(ks):
    if not ks:
        return "none"
    return ", ".join(map(str, ks[:10])) + (f" ... ({len(ks)})" if len(ks) > 10 else "")


# ---- Lab 4: interrupts and receive ------------------------------------------

def raw_rx(g):
    count = 40
    with Peer() as peer:
        # An 8-slot ring: the 40 frames wrap it five times.
        k = Guest(g, "raw-rx", f"mode=raw count={count} rxring=8", peer)
        peer.wait_for(count, lambda f: f[12:14] == b"\x88\xb5", 20)
        send_raw(peer, count)
        k.finish()
    g.last = k
    done, stats = k.tagged("done"), k.tagged("stats")
    expect(done, "no @done line: the run did not end")
    expect(done.get("received") == str(count) and done.get("bad") == "0",
           f"@done received={done.get('received')} bad={done.get('bad')}, expected "
           f"received={count} bad=0")
    expect(int(stats.get("irqs", 0)) > 0, "@stats irqs=0: no interrupt was taken")
    return 1.0


def irq_and_link(g):
    with Peer() as peer:
        k = Guest(g, "irq-link", "count=1 " + STATIC_ARP, peer)
        k.wait_for("@link", 20)
        k.finish(kill=True)
    g.last = k
    expect(any(re.match(r"irq: line 11 -> gsi 11 .*-> vector 0x[0-9a-f]+, level", l)
               for l in k.lines), "no 'irq: line 11 -> gsi 11 ... vector ..., level' line")
    expect("@link up" in k.lines, "no '@link up' line")
    return 1.0


# ---- Lab 5: UDP sendmsg ----------------------------------------------------------

def csum(data):
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) + (data[i + 1] if i + 1 < len(data) else 0)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def check_datagram(f, size):
    """None, or what is wrong with this UDP frame from the guest."""
    if f[0:6] != HOST_MAC:
        return "Ethernet destination is not the host's MAC (ARP?)"
    if f[12:14] != b"\x08\x00":
        return "not IPv4"
    ip, udp = f[14:34], f[34:]
    if ip[0] != 0x45 or ip[9] != 17 or ip[12:16] != GUEST_IP or ip[16:20] != HOST_IP:
        return "IPv4 header: version, protocol or addresses wrong"
    if csum(ip) != 0:
        return "IPv4 header checksum wrong"
    ulen = int.from_bytes(udp[4:6], "big")
    if int.from_bytes(ip[2:4], "big") != 20 + ulen or ulen != 8 + size:
        return "lengths wrong"
    if udp[0:4] != b"\x23\x28\x23\x28":
        return "ports are not 9000 -> 9000"
    pseudo = ip[12:20] + b"\x00\x11" + ulen.to_bytes(2, "big")
    if int.from_bytes(udp[6:8], "big") == 0:
        return "UDP checksum 0 (none): the offload context or TXSM (handout 5.2)"
    if csum(pseudo + udp[:ulen]) != 0:
        return "UDP checksum wrong"
    return None


def payload(seq, size):
    return seq.to_bytes(8, "big") + bytes((seq + i) & 0xFF for i in range(8, size))


def udp_send(g):
    count, size = 200, 18
    with Peer() as peer:
        k = Guest(g, "udp-send", f"count={count} size={size}", peer)
        got = peer.wait_for(count, lambda f: f[12:14] == b"\x08\x00" and f[23] == 17 and
                            f[36:38] == b"\x23\x28", 30)
        k.wait_for("@done", 10)
        k.finish(kill=True)
    g.last = k
    problems, seen = [], {}
    for f in got:
        why = check_datagram(f, size)
        seq = int.from_bytes(f[42:50], "big") if len(f) >= 50 else -1
        if why or not 0 <= seq < count or f[42:42 + size] != payload(seq, size):
            problems.append((why or f"payload of datagram {seq} wrong", f))
        else:
            seen[seq] = seen.get(seq, 0) + 1
    missing = [s for s in range(count) if s not in seen]
    twice = [s for s, n in seen.items() if n > 1]
    expect(not problems and not missing and not twice,
           f"{len(seen)} of {count} datagrams right; missing: {squeeze(missing)}; "
           f"twice: {squeeze(twice)}", problems)
    done = k.tagged("done")
    expect(done.get("sent") == str(count), f"@done sent={done.get('sent')}, expected {count}")
    return 1.0


def udp_echo(g):
    sizes = [1, 18, 100, 700, 1472]
    with Peer() as peer:
        k = Guest(g, "udp-echo", f"mode=echo count={len(sizes)}", peer)
        k.wait_for("echo:", 20)
        for n, size in enumerate(sizes):
            data = bytes((n * 7 + i) & 0xFF for i in range(size))
            peer.send(udp_frame(5555 + n, data))
            time.sleep(0.05)
        replies = peer.wait_for(len(sizes), lambda f: f[12:14] == b"\x08\x00" and f[23] == 17,
                                15)
        k.finish()
    g.last = k
    problems = []
    for n, size in enumerate(sizes):
        data = bytes((n * 7 + i) & 0xFF for i in range(size))
        match = [f for f in replies if f[36:38] == (5555 + n).to_bytes(2, "big")]
        if not match or match[0][42:42 + size] != data:
            problems.append((f"no right reply to the datagram of {size} bytes", match[0] if match
                             else b""))
    expect(not problems, f"{len(sizes) - len(problems)} of {len(sizes)} echoes right", problems)
    return 1.0


def udp_frame(sport, data):
    ulen = 8 + len(data)
    ip = bytearray(b"\x45\x00" + (20 + ulen).to_bytes(2, "big") + b"\x00\x01\x40\x00\x40\x11"
                   b"\x00\x00" + HOST_IP + GUEST_IP)
    ip[10:12] = csum(bytes(ip)).to_bytes(2, "big")
    udp = sport.to_bytes(2, "big") + b"\x23\x28" + ulen.to_bytes(2, "big") + b"\x00\x00" + data
    f = mac_bytes(GUEST_MAC) + HOST_MAC + b"\x08\x00" + bytes(ip) + udp
    return f + bytes(max(0, 60 - len(f)))


# ---- Lab 6: measuring -------------------------------------------------------

def lat_lines(g):
    count = 300
    with Peer() as peer:
        k = Guest(g, "lat", f"count={count} stages=1 {STATIC_ARP}", peer).finish()
    g.last = k
    lat = {}
    for l in k.lines:
        if l.startswith("@lat "):
            f = dict(re.findall(r"(\w+)=(\S+)", l))
            lat[f["stage"]] = f
    for stage in ("call", "resolve", "build", "post", "tail", "floor_xmit", "floor_tail",
                  "floor_read", "stamp"):
        expect(stage in lat, f"no '@lat stage={stage}' line")
        v = [int(lat[stage][q + "_ns"]) for q in ("p50", "p90", "p99", "p999", "max")]
        expect(v == sorted(v), f"stage {stage}: percentiles not in order: {v}")
        expect(int(lat[stage]["n"]) > 0, f"stage {stage}: n=0")
    expect(int(lat["call"]["n"]) == count, f"stage call: n={lat['call']['n']}, expected {count}")
    expect(lat["floor_xmit"]["x_floor"] == "1.00", "floor_xmit's x_floor is not 1.00")
    return 1.0


def trace_graph(g):
    with Peer() as peer:
        k = Guest(g, "trace", f"count=20 trace=1 {STATIC_ARP}", peer).finish()
    g.last = k
    graph = [l for l in k.lines if l.startswith(" 0)")]
    expect(graph and graph[0] == " 0)               |  sendmsg() {",
           "the graph does not start with ' 0)               |  sendmsg() {'")
    depth = 0
    for l in graph:
        text = l.split("|", 1)[1].strip()
        depth += text.endswith("{") - text.startswith("}")
        expect(depth >= 0, f"a closing brace without its opening: {l!r}")
    expect(depth == 0, "unclosed braces in the graph")
    names = " ".join(graph)
    for fn in ("e1000_tx_kick", "e1000_intr"):
        expect(fn in names, f"{fn} is not in the trace")
    doc = "".join(l[len("@json "):] for l in k.lines if l.startswith("@json "))
    expect(json.loads(doc)["traceEvents"], "no trace events in the @json lines")
    return 1.0


def measure_units(g):
    """Lab 6's three unit binaries, their tests' points pooled; test_lat's
    fourth test runs lat_stamp_hit (6.2, which the lat-lines boot grades)."""
    shares, msgs = [], []
    lat = ["test_percentiles_in_order_and_close", "test_only_stages_with_samples",
           "test_x_floor_against_floor_xmit"]
    for b, names in (("test_hist", None), ("test_trace_fmt", None), ("test_lat", lat)):
        try:
            shares.append(unit(b, names)(g))
        except Failed as e:
            shares.append(e.share)
            msgs.append(str(e))
    if msgs:
        raise Failed("\n".join(msgs), share=sum(shares) / len(shares))
    return 1.0


# ---- The table ----------------------------------------------------------------

LAB_NAMES = {1: "Boot and the console", 2: "PCI", 3: "The TX ring",
             4: "Interrupts and receive", 5: "UDP sendmsg", 6: "Measuring the path"}

TESTS = [
    (1, 40, "console", "UART and VGA behind a port model (test_console)", unit("test_console")),
    (1, 20, "boot", "boots, prints its banner, finds no NIC", boot_banner),
    (1, 20, "panic-pf", "a page fault ends in @panic with the registers", panic("pf", 14, "#PF")),
    (1, 20, "panic-ud-de", "#UD and #DE end in @panic", panics_ud_de),
    (2, 25, "pci-model", "PCI scan, BARs, bridge, multi-function (test_pci)",
     unit("test_pci", ["test_finds_every_function", "test_e1000_bars_and_irq",
                       "test_64bit_prefetchable_bar", "test_io_bar_of_function_1",
                       "test_enable_mmio_dma"])),
    (2, 15, "eeprom-model", "reset, EEPROM, MAC (test_e1000_hw)", unit("test_e1000_hw")),
    (2, 35, "pci-table", "the scan's table and @nic with QEMU's MAC", pci_table),
    (2, 25, "models", "the 82544GC and 82545EM with their MACs", other_models),
    (3, 40, "tx-ring", "the TX ring against the model NIC (test_e1000_ring)", unit(
        "test_e1000_ring", ["test_tx_init", "test_tx_one_segment", "test_tx_offline",
                            "test_tx_many_segments", "test_tx_batching", "test_tx_wrap_around",
                            "test_tx_full_ring", "test_tx_reclaim_partial",
                            "test_tx_reclaim_needs_last_dd", "test_tx_misuse",
                            "test_tx_oversized_single_segment", "test_tx_fill_8",
                            "test_tx_fill_4096"])),
    (3, 30, "raw-tx", "40 raw frames, one per tail write, byte for byte",
     raw_tx(40, "batch=1", "raw-tx")),
    (3, 30, "raw-tx-wrap", "100 raw frames in batches of 8 on an 8-slot ring",
     raw_tx(100, "batch=8 txring=8", "raw-tx-wrap")),
    (4, 20, "rx-ring", "the RX ring against the model NIC (test_e1000_ring)", unit(
        "test_e1000_ring", ["test_rx_init", "test_rx_delivers_in_order",
                            "test_rx_recycles_buffers", "test_rx_errors_dropped",
                            "test_rx_ring_full"])),
    (4, 20, "icr", "the ICR dispatch (test_e1000_intr)", unit("test_e1000_intr")),
    (4, 40, "raw-rx", "40 frames injected are received, by interrupt, on an 8-slot ring",
     raw_rx),
    (4, 20, "irq-link", "the IOAPIC route printed, @link up", irq_and_link),
    (5, 40, "stack", "the stack against the model NIC (test_net)", unit("test_net")),
    (5, 5, "offload", "the offload descriptors (test_e1000_ring)",
     unit("test_e1000_ring", ["test_tx_udp_offload"])),
    (5, 35, "udp-send", "200 datagrams through the peer, ARP first, all checked", udp_send),
    (5, 20, "udp-echo", "echoes of 1 to 1472 bytes", udp_echo),
    (6, 50, "measure-units", "histograms, graph format, @lat (test_hist, test_trace_fmt, "
     "test_lat)", measure_units),
    (6, 25, "lat-lines", "@lat lines of every stage, consistent", lat_lines),
    (6, 25, "trace", "trace=1: a well-formed graph with the interrupt", trace_graph),
]


def table():
    lines = ["| lab | test | points | what it checks |", "| --- | --- | --- | --- |"]
    for lab, pts, name, what, _ in TESTS:
        lines.append(f"| {lab} | `{name}` | {pts} | {what} |")
    return "\n".join(lines)


# ---- Hints and the report -------------------------------------------------------

def hints(k):
    """What the symptoms of a boot suggest (docs/labs/)."""
    out = []
    if k is None:
        return out
    stats = k.tagged("stats")
    if not k.lines:
        out.append("no serial output at all: the UART (handout 1.1)")
    elif k.status == 0 and not k.tagged("panic"):
        out.append("QEMU exited with no @panic: a triple fault; check the IDT and TSS "
                   "(handout 1.3)")
    elif k.status == 9 and not k.tagged("panic"):
        out.append("exit code 4 without @panic: trap_exception's dump (handout 1.3)")
    if k.has("pci: 0 functions"):
        out.append("'pci: 0 functions': the configuration reads or the scan (handout 2.1, 2.2)")
    if stats and int(stats.get("tx_posted", 0)) > 0 and stats.get("gptc") == "0":
        out.append("tx_posted > 0 with gptc = 0: no frame left the NIC; TDT never written "
                   "(handout 3.3), or no EOP (3.2)")
    elif stats and int(stats.get("tx_posted", 0)) > 0 and stats.get("tx_done") == "0":
        out.append("tx_posted > 0 with tx_done = 0: RS in the last descriptor, DD in the "
                   "reclaim (handout 3.2, 3.4)")
    if stats and stats.get("irqs") == "0" and k.has("irq: line "):
        out.append("irqs=0 although the route is set: IMS, or trap_interrupt does not "
                   "call the handler (handout 4.1, 4.2)")
    if k.has("cannot route interrupt"):
        out.append("no interrupt route: irq_attach or e1000_irq_init (handout 4.1)")
    if k.has("@panic net: no ring slot for the offload context"):
        out.append("e1000_tx_set_udp_offload returned an error (handout 5.2)")
    if k.has("e1000_tx_post_udp refused"):
        out.append("build_frame gave no segments, or e1000_tx_post_udp or e1000_tx_post "
                   "failed (handout 5.4, 5.2, 3.2)")
    if k.has("Host is unreachable"):
        out.append("EHOSTUNREACH: no ARP answer was understood; arp_input's merge, "
                   "arp_lookup's ages in ms against now_ns() in ns (handout 5.3)")
    stages = {l.split()[1] for l in k.lines if l.startswith("@lat ")}
    if k.has("stages=1") and "stage=call" in stages and "stage=build" not in stages:
        out.append("@lat for call but no stage lines: lat_stamp_hit (handout 6.2)")
    if k.has("@done mode=send") and not stages:
        out.append("no @lat line at all: hist_add counts nothing (handout 6.1)")
    if k.has("trace=1") and not k.has("# tracer: function_graph"):
        out.append("trace=1 printed no graph: trace_fmt_graph (handout 6.3)")
    return out


def hexdump(data, limit=64):
    rows = []
    for i in range(0, min(len(data), limit), 16):
        chunk = data[i:i + 16]
        rows.append(f"      {i:04x}  {chunk.hex(' ')}")
    if len(data) > limit:
        rows.append(f"      ... {len(data)} bytes")
    return rows


def report_failure(g, e):
    lines = ["    " + l for l in str(e).split("\n")]
    k = g.last
    if k is not None:
        lines.append(f"    serial ({os.path.relpath(k.dir)}/serial.log), last 20 lines:")
        lines += ["      | " + l for l in k.lines[-20:]] or ["      (none)"]
        tags = [l for l in k.lines if l.startswith("@") and not l.startswith(("@json", "@lat"))]
        if tags:
            lines.append("    @ lines: " + "; ".join(t.split(" ", 1)[0] + " " +
                                                  " ".join(t.split()[1:5]) for t in tags[-6:]))
    for what, frame in e.frames[:4]:
        lines.append(f"    {what}:")
        zeros = frame and frame.count(0) > len(frame) * 0.9
        lines += hexdump(frame) if frame else ["      (nothing)"]
        if zeros:
            lines.append("      (all zeros: did bus mastering go on? handout 2.4)")
    for h in hints(k):
        # Only the labs graded so far: a later lab's stub is no symptom.
        if int(re.search(r"handout (\d)", h).group(1)) <= g.lab:
            lines.append("    hint: " + h)
    return lines


class Grader:
    def __init__(self, tree, out):
        self.tree, self.out = os.path.abspath(tree), os.path.abspath(out)
        self.kernel = os.path.join(self.tree, "build", "kernel.elf")
        self.last, self.lab = None, 0

    def build(self):
        os.makedirs(self.out, exist_ok=True)
        p = subprocess.run(["make", "-C", self.tree, "--no-print-directory", "all", "unit"],
                           capture_output=True, text=True)
        with open(os.path.join(self.out, "build.log"), "w") as f:
            f.write(p.stdout + p.stderr)
        if p.returncode != 0:
            return "the tree does not build; the last lines of build.log:\n" + \
                "\n".join("    " + l for l in (p.stdout + p.stderr).splitlines()[-20:])
        return None

    def run(self, labs):
        broken = self.build()
        scores, results = {}, []
        for lab in labs:
            print(f"lab {lab}: {LAB_NAMES[lab]}")
            self.lab = lab
            total = 0
            for tlab, pts, name, what, fn in TESTS:
                if tlab != lab:
                    continue
                self.last = None
                t0 = time.time()
                try:
                    if broken:
                        raise Failed(broken)
                    share = fn(self)
                    detail = []
                except Failed as e:
                    share, detail = e.share, report_failure(self, e)
                except Exception as e:      # a crash of the test itself counts as a failure
                    share, detail = 0.0, [f"    the test itself failed: {e!r}"]
                got = round(pts * share)
                total += got
                print(f"  [{got:3d}/{pts:3d}] {name}: {what} ({time.time() - t0:.1f} s)")
                for l in detail:
                    print(l)
                results.append({"lab": lab, "test": name, "points": got, "of": pts})
            scores[lab] = total
            print(f"  lab {lab}: {total}/100\n")
        with open(os.path.join(self.out, "result.json"), "w") as f:
            json.dump({"labs": scores, "tests": results}, f, indent=1)
        print("grade: " + ", ".join(f"lab {l} {s}/100" for l, s in scores.items()) +
              f"; total {sum(scores.values())}/{100 * len(scores)}")
        return scores


def main():
    ap = argparse.ArgumentParser(description="grade the labs (docs/labs/)")
    ap.add_argument("--lab", type=int, help="grade this lab only")
    ap.add_argument("--upto", type=int, help="grade labs 1 to this one")
    ap.add_argument("--tree", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--out", default=None)
    ap.add_argument("--table", action="store_true", help="print the points table and stop")
    a = ap.parse_args()
    if a.table:
        print(table())
        return 0
    labs = [a.lab] if a.lab else list(range(1, (a.upto or 6) + 1))
    out = a.out or os.path.join(a.tree, "build", "grade")
    scores = Grader(a.tree, out).run(labs)
    return 0 if all(s == 100 for s in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
