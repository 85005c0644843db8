"""The kernel under abuse, on a real tap: more than 100,000 malformed and
unwanted frames (tests/qemu/malformed.py) thrown at it while it sends, with
the books balanced class by class and the stream delivered whole; and
nothing the network sends makes it answer where it should not."""
import json
import os
import re
import subprocess
import time

from scapy.all import ARP, rdpcap

from kernel import BUILD, STATUS_OK, Running, tap_nic
from malformed import CLASSES
from netns import HOST_MAC, NetNS, need_root
from test_udp import MAC

HERE = os.path.dirname(os.path.abspath(__file__))
RECEIVER = os.path.join(BUILD, "host", "udp_receiver")
PER_CLASS = 5000


def discard_port(ns):
    """A socket on the host's port 9, where the floor's datagrams go: no
    ICMP "port unreachable" comes back to muddle the guest's books."""
    return ns.popen("/usr/bin/python3", "-c",
                    "import socket, time\n"
                    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    "s.bind(('192.0.2.1', 9))\n"
                    "time.sleep(600)\n")


def tap_stat(ns, name):
    return int(ns.run("cat", f"/sys/class/net/{ns.tap}/statistics/{name}").stdout)


def test_malformed_frames_are_counted_class_by_class(tmp_path):
    need_root()
    count, pcap = 120000, str(tmp_path / "guest.pcap")
    with NetNS() as ns:
        ns.neighbour("192.0.2.2", MAC)           # the host asks no ARP
        ns.run("ip", "link", "set", ns.tap, "mtu", "9000", "txqueuelen", "10000")
        discard_port(ns)
        # What it sends besides its datagrams (the stream's and the floor's)
        cap = ns.capture(pcap, f"ether src {MAC} and not (udp dst port 9000 or udp dst port 9)")
        rx = ns.popen(RECEIVER, "-n", str(count), "-s", "18", "-t", "120",
                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert "ready" in rx.stderr.readline()
        k = Running(ns, f"count={count} rate=15000 arp=192.0.2.1@{HOST_MAC}",
                    tap_nic(mac=MAC), timeout=180)
        k.wait_for("send: ")
        time.sleep(1.2)             # QEMU takes no frame for 1 s after RCTL is set
        dropped_before = tap_stat(ns, "tx_dropped")
        inj = ns.run("/usr/bin/python3", os.path.join(HERE, "malformed.py"), ns.tap,
                     str(PER_CLASS), timeout=120)
        # All of it while the kernel sends: it has not said "... in N us" yet.
        still_sending = not any(re.match(r"send: \d+ datagrams of \d+ bytes in ", l)
                                for l in list(k.out))
        b = k.finish()
        time.sleep(0.3)
        rx.terminate()
        summary = rx.communicate(timeout=10)[0].strip().splitlines()[-1]
        tap_dropped = tap_stat(ns, "tx_dropped") - dropped_before
        ns.stop(cap)
    sent = json.loads(inj.stdout)
    assert sum(sent.values()) >= 100000
    assert b.status == STATUS_OK, b.out
    assert still_sending, "the injection outlasted the stream: raise count"
    # Every frame reached the NIC: none lost on the host's side of the tap.
    assert tap_dropped == 0, f"the tap dropped {tap_dropped} frames: the books cannot balance"
    # The stream went on, whole.
    assert summary == f"received {count}/{count} valid, 0 lost, 0 duplicated, 0 corrupt"

    stats, drops, books = b.tagged("stats"), b.tagged("drops"), b.tagged("received")
    want = {}
    for name, n in sent.items():
        where = CLASSES[name][0]
        want[where] = want.get(where, 0) + n
    # Class by class: each counter rose by exactly what was thrown at it.
    for reason, n in drops.items():
        assert int(n) == want.get(reason, 0), f"{reason}: {n}, expected {want.get(reason, 0)}"
    assert int(books["arp"]) == want["arp"]
    assert int(books["udp"]) == 0 and int(books["echo"]) == 0
    # The books: every frame the NIC took reached the stack, and ended in
    # exactly one counter; what the NIC refused, it never took.
    nic_took = sum(sent.values()) - want["nic"]
    assert int(stats["gprc"]) == int(stats["rx_frames"]) == int(books["frames"]) == nic_took
    assert int(books["dropped"]) + int(books["arp"]) == nic_took
    assert int(stats["rx_errors"]) == 0 and int(stats["mpc"]) == 0
    assert int(stats["roc"]) in (0, sent["oversized"])   # QEMU 7.2 counts none

    # It answered nothing: besides its datagrams it sent its announcement.
    others = rdpcap(pcap)
    assert len(others) == 1 and others[0].haslayer(ARP) and others[0][ARP].pdst == "192.0.2.2", \
        [p.summary() for p in others[:5]]
    print(b.lines("@stats")[0], b.lines("@drops")[0], b.lines("@received")[0], sep="\n")


def test_rx_burst_beyond_the_ring_then_recovery():
    """A burst of 4000 frames, as fast as the host can send them, at an
    8-slot receive ring: QEMU's e1000 takes no frame it has no buffer for
    and leaves the rest in the tap's queue, which drops what does not fit
    (the host counts those: the tap's tx_dropped).  Every frame is either
    received, intact, or counted as dropped; and a paced burst after it
    arrives whole: the kernel keeps receiving."""
    need_root()
    burst, paced = 4000, 300
    with NetNS() as ns:
        k = Running(ns, f"mode=raw count={burst + paced} rxring=8", tap_nic(mac=MAC))
        k.wait_for("raw: sent ")
        time.sleep(1.2)             # QEMU takes no frame for 1 s after RCTL is set
        before = tap_stat(ns, "tx_dropped")
        ns.run("/usr/bin/python3", os.path.join(HERE, "inject.py"), ns.tap, MAC, "0",
               str(burst), timeout=60)
        time.sleep(0.5)
        dropped = tap_stat(ns, "tx_dropped") - before
        ns.run("/usr/bin/python3", os.path.join(HERE, "inject.py"), ns.tap, MAC, str(burst),
               str(paced), "1", timeout=60)
        b = k.finish()
        dropped_after = tap_stat(ns, "tx_dropped") - before
    done, stats = b.tagged("done"), b.tagged("stats")
    assert dropped > 0, "the burst did not overflow: nothing to recover from"
    assert dropped_after == dropped, "frames of the paced burst were dropped"
    assert int(done["received"]) + dropped == burst + paced, (done, dropped)
    assert done["bad"] == "0" and stats["rx_errors"] == "0"
    print(f"received {done['received']}, dropped by the tap {dropped}")
