"""The e1000 driver on the rootless wire (wire.py: -netdev socket and a
Python peer, no root): the three QEMU models come up with the MAC and IRQ
QEMU gave them, frames they send arrive byte for byte, frames sent to them
are counted."""
import random
import time

import pytest

from kernel import STATUS_OK
from rawframes import ETHERTYPE, MAX_FRAME, MIN_FRAME, frame, mac_bytes
from wire import HOST_MAC, Wire

MODELS = [("e1000", "82540EM", "100e"),
          ("e1000-82544gc", "82544GC", "100c"),
          ("e1000-82545em", "82545EM", "100f")]


def raw_run(model="e1000", mac="02:00:00:00:00:42", count=40, args="", inject=None,
            machine="pc"):
    """Boot mode=raw, keep what it sends, send it frames; (boot, its frames)."""
    inject = count if inject is None else inject
    src = mac_bytes(mac)
    ours = lambda f: f[6:12] == src and f[12:14] == ETHERTYPE.to_bytes(2, "big")
    rng = random.Random(7)
    with Wire() as w:
        k = w.boot(f"mode=raw count={count} {args}", model, mac, machine=machine)
        k.wait_for("raw: sent ")
        for n in range(inject):
            w.send(frame(n, HOST_MAC, src, rng.randint(MIN_FRAME, MAX_FRAME)))
            time.sleep(0.002)           # loopback has no back-pressure
        b = k.finish()
        frames = [f for f in w.quiet() if ours(f)]
    return b, frames


def pci_irq_line(b, device):
    for line in b.lines("pci: "):
        if f"8086:{device} " in line:
            return int(line.split(" irq ")[1].split()[0])
    raise AssertionError("NIC missing from the PCI table:\n" + b.out)


@pytest.mark.parametrize("qemu_model,model,device", MODELS)
def test_models_come_up_and_send_and_receive(qemu_model, model, device):
    mac = f"02:5e:{device[:2]}:{device[2:]}:00:07"
    b, frames = raw_run(qemu_model, mac)
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
def test_small_and_large_rings_wrap(ring_args):
    b, frames = raw_run(count=100, args=ring_args)
    assert b.tagged("done")["sent"] == "100", b.out
    assert b.tagged("stats")["tx_done"] == "100"
    assert frames == [frame(k, mac_bytes("02:00:00:00:00:42")) for k in range(100)]


def test_receive_ring_of_8_recycles_buffers():
    b, _ = raw_run(count=100, args="rxring=8")
    assert b.status == STATUS_OK, b.out
    assert b.tagged("done")["received"] == "100"
    assert b.tagged("stats")["rx_errors"] == "0"


def test_injected_frames_missing_are_reported():
    # Only 5 of 10 expected frames arrive: the kernel must say so, and fail.
    b, _ = raw_run(count=10, inject=5)
    assert b.tagged("done")["received"] == "5", b.out
    assert b.status != STATUS_OK
