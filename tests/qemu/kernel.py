"""Boot the real kernel in QEMU and collect what it printed.

Shared by the QEMU tests and the bench smoke test.  Every boot has a
timeout; nothing here touches the network unless a test hands it a
network namespace (see netns.py).
"""
import os
import re
import subprocess
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
KERNEL = os.path.join(BUILD, "kernel.elf")
ISO = os.path.join(BUILD, "unikernel.iso")
QEMU = "qemu-system-x86_64"
EXIT_DEVICE = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# INTERFACE.md: the kernel writes c to port 0xf4, QEMU exits with 2c + 1.
STATUS_OK, STATUS_FAILED, STATUS_CMDLINE, STATUS_NO_NIC, STATUS_PANIC = 1, 3, 5, 7, 9


@dataclass
class Boot:
    status: int         # QEMU's exit status; None if it timed out
    out: str            # serial output, CR LF turned into LF
    err: str            # QEMU's own stderr

    def lines(self, prefix=""):
        return [l for l in self.out.splitlines() if l.startswith(prefix)]

    def tagged(self, tag):
        """The key=value fields of the last '@TAG ...' line, or None."""
        found = self.lines("@" + tag + " ")
        if not found:
            return None
        return dict(re.findall(r"(\w+)=(\S+)", found[-1]))


def qemu_cmd(args=None, iso=None, net=("-nic", "none"), accel="tcg",
             memory="64", exit_device=True, extra=()):
    cmd = [QEMU, "-machine", "pc", "-accel", accel, "-m", memory,
           "-display", "none", "-serial", "stdio", "-no-reboot"]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    else:
        cmd += ["-kernel", KERNEL]
        if args is not None:
            cmd += ["-append", args]
    cmd += list(net) + (EXIT_DEVICE if exit_device else []) + list(extra)
    return cmd


def boot(args=None, timeout=60, netns=None, **kw):
    """Boot once and wait for QEMU to exit; return a Boot."""
    cmd = qemu_cmd(args, **kw)
    if netns:
        cmd = ["ip", "netns", "exec", netns] + cmd
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
        status, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        status, out, err = None, e.stdout or b"", e.stderr or b""
    out = out.decode("utf-8", "replace").replace("\r\n", "\n")
    return Boot(status, out, err.decode("utf-8", "replace"))


_kvm_verdict = None


def kvm_usable():
    """(True, "") if KVM can run this kernel here, else (False, why)."""
    global _kvm_verdict
    if _kvm_verdict is None:
        _kvm_verdict = _probe_kvm()
    return _kvm_verdict


def _probe_kvm():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        return False, f"/dev/kvm cannot be opened ({e.strerror})"
    b = boot(None, timeout=60, accel="kvm")
    if b.status == STATUS_NO_NIC and "no supported NIC" in b.out:
        return True, ""
    why = (b.err.strip().splitlines() or ["no output"])[0]
    if b.status is None:
        why = "the kernel did not finish within 60 s under KVM"
    return False, f"KVM cannot run this kernel here (status {b.status}: {why})"
