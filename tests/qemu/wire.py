"""The rootless network of the QEMU tests: a kernel's NIC on QEMU's
`-netdev socket` (each frame one UDP datagram on loopback) with the
grader's Python peer on the other end (tests/grade/peer.py): it answers ARP
for 192.0.2.1 as the tap's Linux would, keeps every frame the guest sends,
and sends frames to the guest.  No root, no namespace, no tap: the tests
that need Linux's own network stack as the receiver use netns.py instead.

    with Wire() as w:
        k = w.boot("count=20")          # a kernel.Running
        b = k.finish()
        frames = w.quiet()

Leaving the block ends the QEMUs it started (by PID) and closes the peer.
"""
import os
import subprocess
import sys
import time

from kernel import ROOT, Running

sys.path.insert(0, os.path.join(ROOT, "tests", "grade"))
from peer import HOST_MAC, Peer  # noqa: E402,F401  (HOST_MAC: for the tests)

MAC = "02:00:00:00:00:42"


class Wire(Peer):
    def __init__(self, answer_arp=True):
        super().__init__(answer_arp)
        self.procs = []

    def popen(self, *cmd, **kw):
        p = subprocess.Popen(cmd, **kw)
        self.procs.append(p)
        return p

    def boot(self, args, model="e1000", mac=MAC, **kw):
        """Boot this kernel with one NIC on the wire; a kernel.Running."""
        return Running(self, args, self.netdev(model, mac), **kw)

    def quiet(self, gap=0.2):
        """Every frame so far, once none has come for gap seconds (after
        the guest exits, what it sent is still in the peer's socket)."""
        n = -1
        while n != len(self.received()):
            n = len(self.received())
            time.sleep(gap)
        return self.received()

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        super().__exit__(*exc)
