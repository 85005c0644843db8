"""The 82574L (QEMU's e1000e, the default NIC of -machine q35), on q35 and
on pc: found through ECAM on q35, its MAC whatever QEMU was told, its
interrupts by MSI-X with no IOAPIC; raw frames both ways byte for byte on
rings of 8 to 4096; UDP with offloaded checksums checked by a parser of
the test's own and by Linux; echo, ping, a link that flaps; and q35 with
nothing but -nic tap."""
import pytest

from kernel import STATUS_OK, boot, tap_nic
from netns import need_root
from rawframes import frame, mac_bytes
from test_e1000 import raw_run
from test_trace import parse_graph
from test_udp import assert_echoes, assert_headers_valid, assert_pings, \
    flap_link_while_sending, payload, send_stream, udp_frames, udp_payload
from wire import Wire

MAC = "02:00:00:00:10:d3"                  # not QEMU's default
MACHINES = ["q35", "pc"]


def assert_msix(b):
    assert any(l.startswith("irq: msi-x, no IOAPIC: vector 0x") for l in b.lines("irq: ")), b.out
    assert not any(l.startswith("irq: line ") for l in b.lines("irq: ")), b.out


def test_q35_finds_it_through_ecam_with_its_capabilities():
    b = boot(machine="q35", net=["-netdev", "user,id=n0", "-device", f"e1000e,netdev=n0,mac={MAC}"],
             args="mode=raw count=1")
    assert "pci: configuration through ECAM at 0xb0000000, buses 0-255" in b.out
    lines = b.lines("pci: ")
    i = next(i for i, l in enumerate(lines) if " 8086:10d3 class 020000" in l)
    caps = next(l for l in lines[i:] if l.startswith("pci:          caps"))
    for cap in ("pm@", "msi@", "pcie@", "msix@", "aer@0x100", "dsn@0x140"):
        assert cap in caps, caps
    assert b.tagged("nic")["model"] == "82574L" and b.tagged("nic")["mac"] == MAC, b.out


@pytest.mark.parametrize("machine", MACHINES)
def test_raw_frames_both_ways_by_msix(machine):
    b, frames = raw_run("e1000e", MAC, machine=machine)
    assert b.status == STATUS_OK, b.out
    nic = b.tagged("nic")
    assert (nic["model"], nic["device"], nic["mac"]) == ("82574L", "10d3", MAC), b.out
    assert_msix(b)
    assert frames == [frame(k, mac_bytes(MAC)) for k in range(40)]
    assert b.tagged("done") == {"mode": "raw", "sent": "40", "failed": "0", "received": "40",
                                "bad": "0"}
    assert int(b.tagged("stats")["irqs"]) > 0


@pytest.mark.parametrize("ring_args", ["txring=8 batch=1", "txring=8 batch=7",
                                       "txring=4096 batch=3", "rxring=8", "rxring=4096"])
def test_rings_of_8_to_4096(ring_args):
    b, frames = raw_run("e1000e", MAC, count=100, args=ring_args, machine="q35")
    assert b.tagged("done")["sent"] == "100" and b.tagged("done")["received"] == "100", b.out
    assert frames == [frame(k, mac_bytes(MAC)) for k in range(100)]


@pytest.mark.parametrize("machine", MACHINES)
@pytest.mark.parametrize("size", [18, 1472])
def test_udp_checked_on_the_wire(machine, size):
    """The peer sees every datagram; scapy recomputes every checksum.  (On
    this wire QEMU's e1000e computes the offloaded UDP checksum in full.)"""
    with Wire() as w:
        b = w.boot(f"count=300 size={size} batch=8", "e1000e", MAC, machine=machine).finish()
        frames = udp_frames(w.quiet(), MAC)
    assert b.status == STATUS_OK, b.out
    assert b.tagged("done") == {"mode": "send", "sent": "300", "failed": "0"}
    assert len(frames) == 300
    for seq, p in enumerate(frames):
        assert_headers_valid(p)
        assert udp_payload(p) == payload(seq, size)


@pytest.mark.parametrize("machine", MACHINES)
def test_link_flap(tmp_path, machine):
    b, seqs = flap_link_while_sending(tmp_path, "e1000e", MAC, machine=machine)
    assert b.lines("@link")[:2] == ["@link up", "@link down"] and b.lines("@link")[-1] == \
        "@link up", b.out
    done = b.tagged("done")
    assert int(done["sent"]) + int(done["failed"]) == 6000 and int(done["failed"]) > 0, done
    assert len(seqs) == int(done["sent"]) == len(set(seqs))


def test_q35_with_nothing_but_nic_tap(tmp_path):
    """-M q35 -nic tap: QEMU's default NIC there is this one, with QEMU's
    default MAC; a Linux socket gets every datagram."""
    b, summary, frames = send_stream(
        tmp_path, "batch=8", 1000, 18, machine="q35", mac="52:54:00:12:34:56",
        net=["-nic", "tap,ifname=tap0,script=no,downscript=no"])
    assert b.tagged("nic")["model"] == "82574L", b.out
    assert_msix(b)
    assert summary == "received 1000/1000 valid, 0 lost, 0 duplicated, 0 corrupt"
    assert len(frames) == 1000


@pytest.mark.parametrize("machine", MACHINES)
@pytest.mark.parametrize("size", [18, 1472])
def test_stream_to_linux_on_a_tap(tmp_path, size, machine):
    """vnet_hdr=off: QEMU computes the offloaded checksums before the tap,
    so that the capture holds them and scapy can check them too."""
    net = ["-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off",
           "-device", f"e1000e,netdev=n0,mac={MAC}"]
    b, summary, frames = send_stream(tmp_path, "batch=1", 300, size, machine=machine, mac=MAC,
                                     net=net)
    assert summary == "received 300/300 valid, 0 lost, 0 duplicated, 0 corrupt"
    for seq, p in enumerate(frames):
        assert_headers_valid(p)
        assert udp_payload(p) == payload(seq, size)


@pytest.mark.parametrize("machine", MACHINES)
def test_echo(machine):
    assert_echoes("echo", 40, seed=3, model="e1000e", machine=machine)


@pytest.mark.parametrize("machine", MACHINES)
def test_ping(machine):
    need_root()
    assert_pings(tap_nic("e1000e", MAC), machine=machine)


def test_msix_0_takes_intx_through_the_ioapic():
    b, frames = raw_run("e1000e", MAC, args="msix=0", machine="q35")
    assert b.status == STATUS_OK, b.out
    assert any(l.startswith("irq: line 11 -> gsi 11") for l in b.lines("irq: ")), b.out
    assert not any("msi-x" in l for l in b.lines("irq: "))
    assert b.tagged("done")["received"] == "40" and int(b.tagged("stats")["irqs"]) > 0


def test_the_8254x_keeps_intx_on_q35():
    """An e1000 on q35 has no MSI-X: it still takes its interrupts through
    the IOAPIC (ISA IRQ 11, which q35's PIRQ routing drives too)."""
    b, frames = raw_run("e1000", "02:00:00:00:00:42", machine="q35")
    assert b.status == STATUS_OK, b.out
    assert any(l.startswith("irq: line 11 -> gsi 11") for l in b.lines("irq: ")), b.out
    assert b.tagged("done")["received"] == "40" and int(b.tagged("stats")["irqs"]) > 0



@pytest.mark.parametrize("route", ["msi-x", "msix=0"])
def test_the_interrupt_is_timed_on_both_routes(route):
    """@lat stage=intr: every interrupt of the run, the kernel's part of it
    (handler and EOI), shorter than the calls it landed in."""
    with Wire() as w:
        b = w.boot("count=2000" + (" msix=0" if route == "msix=0" else ""), "e1000e", MAC,
                   machine="q35").finish()
    assert b.status == STATUS_OK, b.out
    lat = {l.split()[1][len("stage="):]: dict(f.split("=", 1) for f in l.split()[2:])
           for l in b.lines("@lat ")}
    assert 0 < int(lat["intr"]["n"]) <= int(b.tagged("stats")["irqs"]), b.out
    assert int(lat["call_irq"]["n"]) <= int(lat["intr"]["n"]), b.out
    assert 0 < int(lat["intr"]["p50_ns"]) < int(lat["call_irq"]["p50_ns"]), b.out


def test_trace_and_stages():
    """trace=1 and stages=1 on the 82574: a well-formed graph whose
    interrupt is the MSI-X transmit handler, and every stage measured."""
    with Wire() as w:
        b = w.boot("count=200 trace=1 stages=1", "e1000e", MAC, machine="q35").finish()
    assert b.status == STATUS_OK, b.out
    lines = b.out.splitlines()
    start = lines.index("# tracer: function_graph")
    graph = [l for l in lines[start + 4:] if l.startswith(" 0)")]
    assert parse_graph(graph) >= 10
    assert "e1000_msix_tx" in " ".join(graph) and "e1000_intr" not in " ".join(graph)
    stages = {l.split()[1][len("stage="):] for l in lines if l.startswith("@lat ")}
    assert {"call", "resolve", "build", "post", "tail", "reclaim", "floor_xmit"} <= stages, stages
