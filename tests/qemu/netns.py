"""A network namespace of the test's own, with a tap in it.

Everything a network test starts runs inside it (`ip netns exec`): QEMU,
tcpdump, scapy, the host receiver.  The host end of the tap is 192.0.2.1/24
(TEST-NET-1), its MAC 02:00:00:00:00:01 (HOST_MAC: known in advance, so
that a test can hand the kernel arp=192.0.2.1@HOST_MAC).  The namespace is
deleted on exit, whatever happened, and
only the processes started here are ended, by PID.
"""
import itertools
import os
import signal
import subprocess
import time

import pytest

_serial = itertools.count()

HOST_MAC = "02:00:00:00:00:01"


def need_root():
    if os.geteuid() != 0:
        pytest.skip("needs root: network namespaces and taps (run make test as root)")


def sh(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


class NetNS:
    def __init__(self, tap="tap0", host_ip="192.0.2.1/24"):
        self.name = f"uk-{os.getpid()}-{next(_serial)}"
        self.tap = tap
        self.host_ip = host_ip
        self.procs = []

    def __enter__(self):
        sh("ip", "netns", "add", self.name)
        try:
            self.run("ip", "link", "set", "lo", "up")
            self.run("ip", "tuntap", "add", "dev", self.tap, "mode", "tap")
            # No IPv6 chatter (router solicitations, MLD) in the captures.
            self.run("sysctl", "-qw", f"net.ipv6.conf.{self.tap}.disable_ipv6=1")
            self.run("ip", "link", "set", self.tap, "address", HOST_MAC)
            self.run("ip", "addr", "add", self.host_ip, "dev", self.tap)
            self.run("ip", "link", "set", self.tap, "up")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    def neighbour(self, ip, mac):
        """A permanent entry in the host's ARP table: no ARP for ip."""
        self.run("ip", "neigh", "replace", ip, "lladdr", mac, "dev", self.tap,
                 "nud", "permanent")

    def cmd(self, *cmd):
        return ["ip", "netns", "exec", self.name] + list(cmd)

    def run(self, *cmd, **kw):
        return sh(*self.cmd(*cmd), **kw)

    def popen(self, *cmd, **kw):
        p = subprocess.Popen(self.cmd(*cmd), **kw)
        self.procs.append(p)
        return p

    def capture(self, path, bpf=""):
        """Start tcpdump on the tap into path; returns once it is listening."""
        # --immediate-mode: each packet reaches tcpdump at once, not in
        # blocks handed over up to a second later (and lost at SIGTERM).
        p = self.popen("tcpdump", "-i", self.tap, "--immediate-mode", "-U", "-n",
                       "-B", "65536", "-w", path,
                       *([bpf] if bpf else []),
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = p.stderr.readline().decode()      # "tcpdump: listening on ..."
        if "listening" not in line:
            raise RuntimeError(f"tcpdump did not start: {line}")
        return p

    def stop(self, p):
        """End a capture; fail if the kernel dropped any of its packets."""
        time.sleep(0.3)         # what is in flight on the tap reaches it
        p.send_signal(signal.SIGTERM)
        err = p.stderr.read().decode()
        p.wait(timeout=10)
        dropped = [l for l in err.splitlines() if "dropped by kernel" in l]
        if dropped and not dropped[0].startswith("0 "):
            raise RuntimeError(f"the capture is incomplete: {dropped[0]}")
