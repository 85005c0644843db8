"""The e1000 driver on a real tap, in a namespace of the test's own: the
three QEMU models come up with the MAC and IRQ QEMU gave them, frames they
send are captured byte for byte, frames injected are counted."""
import os

import pytest
from scapy.all import rdpcap

from kernel import STATUS_OK, Running, tap_nic
from netns import NetNS, need_root
from rawframes import ETHERTYPE, frame, mac_bytes

HERE = os.path.dirname(os.path.abspath(__file__))

MODELS = [("e1000", "82540EM", "100e"),
          ("e1000-82544gc", "82544GC", "100c"),
          ("e1000-82545em", "82545EM", "100f")]


def raw_run(tmp_path, model="e1000", mac="02:00:00:00:00:42", count=40, args="",
            inject=None):
    """Boot mode=raw, capture what it sends, inject frames; return (boot, frames)."""
    need_root()
    inject = count if inject is None else inject
    pcap = str(tmp_path / "tx.pcap")
    with NetNS() as ns:
        cap = ns.capture(pcap, f"ether src {mac}")
        k = Running(ns, f"mode=raw count={count} {args}", tap_nic(model, mac))
        k.wait_for("raw: sent ")
        if inject:
            ns.run("/usr/bin/python3", os.path.join(HERE, "rawframes.py"), ns.tap, mac,
                   str(inject), timeout=60)
        b = k.finish()
        ns.stop(cap)
    frames = [bytes(p) for p in rdpcap(pcap) if len(bytes(p)) >= 14 and
              int.from_bytes(bytes(p)[12:14], "big") == ETHERTYPE]
    return b, frames


def pci_irq_line(b, device):
    for line in b.lines("pci: "):
        if f"8086:{device} " in line:
            return int(line.split(" irq ")[1].split()[0])
    raise AssertionError("NIC missing from the PCI table:\n" + b.out)


@pytest.mark.parametrize("qemu_model,model,device", MODELS)
def test_models_come_up_and_send_and_receive(tmp_path, qemu_model, model, device):
    mac = f"02:5e:{device[:2]}:{device[2:]}:00:07"
    b, frames = raw_run(tmp_path, qemu_model, mac)
    assert b.status == STATUS_OK, b.out
    nic = b.tagged("nic")
    assert nic == {"model": model, "vendor": "8086", "device": device, "mac": mac,
                   "irq": nic["irq"]}, b.out
    # The IRQ is the one the firmware routed, and interrupts really came.
    assert int(nic["irq"]) == pci_irq_line(b, device)
    assert any(l.startswith(f"irq: line {nic['irq']} -> ") for l in b.lines()), b.out
    assert "@link up" in b.lines(), b.out
    stats = b.tagged("stats")
    assert int(stats["irqs"]) > 0
    # Every frame, byte for byte, in order, once.
    assert frames == [frame(k, mac_bytes(mac)) for k in range(40)]
    done = b.tagged("done")
    assert done == {"mode": "raw", "sent": "40", "failed": "0", "received": "40", "bad": "0"}
    assert int(stats["gptc"]) == 40 and int(stats["gprc"]) >= 40
    assert int(stats["rx_frames"]) >= 40


@pytest.mark.parametrize("ring_args", ["txring=8 batch=1", "txring=8 batch=7",
                                       "txring=24 batch=64", "txring=4096 batch=3"])
def test_small_and_large_rings_wrap(tmp_path, ring_args):
    b, frames = raw_run(tmp_path, count=100, args=ring_args)
    assert b.tagged("done")["sent"] == "100", b.out
    assert b.tagged("stats")["tx_done"] == "100"
    assert frames == [frame(k, mac_bytes("02:00:00:00:00:42")) for k in range(100)]


def test_receive_ring_of_8_recycles_buffers(tmp_path):
    b, _ = raw_run(tmp_path, count=100, args="rxring=8")
    assert b.status == STATUS_OK, b.out
    assert b.tagged("done")["received"] == "100"
    assert b.tagged("stats")["rx_errors"] == "0"


def test_injected_frames_missing_are_reported(tmp_path):
    # Only 5 of 10 expected frames arrive: the kernel must say so, and fail.
    b, _ = raw_run(tmp_path, count=10, inject=5)
    assert b.tagged("done")["received"] == "5", b.out
    assert b.status != STATUS_OK
