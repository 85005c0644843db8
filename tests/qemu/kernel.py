"""Boot the real kernel in QEMU and collect what it printed.

Shared by the QEMU tests and the bench smoke test.  Every boot has a
timeout; nothing here touches the network unless a test hands it a
network namespace (see netns.py).
"""
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
KERNEL = os.path.join(BUILD, "kernel.elf")
ISO = os.path.join(BUILD, "unikernel.iso")
QEMU = "qemu-system-x86_64"
EXIT_DEVICE = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]

# docs/interface.md: the kernel writes c to port 0xf4, QEMU exits with 2c + 1.
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
             memory="64", exit_device=True, extra=(), machine="pc"):
    cmd = [QEMU, "-machine", machine, "-accel", accel, "-m", memory,
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


KVM_PROBE_S = 10        # a KVM boot to "no supported NIC" takes well under 1 s


def _probe_kvm():
    """Boot once under KVM, watching QEMU's stderr: a KVM internal error
    (here /dev/kvm can be a paravirtual hypervisor that stops stock guests
    at once, and QEMU then hangs) ends the probe as soon as it is printed."""
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR))
    except OSError as e:
        return False, f"/dev/kvm cannot be opened ({e.strerror})"
    p = subprocess.Popen(qemu_cmd(None, accel="kvm"), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    err, out = [], []
    readers = [threading.Thread(target=lambda f=f, acc=acc: acc.extend(f), daemon=True)
               for f, acc in ((p.stdout, out), (p.stderr, err))]
    for r in readers:
        r.start()
    deadline = time.time() + KVM_PROBE_S
    while p.poll() is None and time.time() < deadline:
        if any(b"KVM internal error" in l or b"failed to initialize" in l for l in err):
            break
        time.sleep(0.05)
    if p.poll() is None:
        p.kill()
    p.wait()
    for r in readers:
        r.join(timeout=2)
    text = b"".join(out).decode("utf-8", "replace")
    if p.returncode == STATUS_NO_NIC and "no supported NIC" in text:
        return True, ""
    lines = [l.decode("utf-8", "replace").strip() for l in err]
    why = next((l for l in lines if "KVM" in l and "error" in l.lower()), None) or \
        next((l for l in lines if l and "warning" not in l), None) or \
        f"no answer within {KVM_PROBE_S} s"
    return False, f"KVM cannot run this kernel here ({why})"


def tap_nic(model="e1000", mac="02:00:00:00:00:42", tap="tap0", extra=""):
    """QEMU arguments for one e1000 on the namespace's tap."""
    return ["-netdev", f"tap,id=n0,ifname={tap},script=no,downscript=no",
            "-device", f"{model},netdev=n0,mac={mac}{extra}"]


class Running:
    """A kernel booted in the background, its serial output read as it comes."""

    def __init__(self, ns, args=None, net=(), timeout=120, cmd=None, **kw):
        """Boot this kernel with args and net, or run cmd (another guest);
        ns starts the process and ends it later: a netns.NetNS or a wire.Wire."""
        self.deadline = time.time() + timeout
        self.proc = ns.popen(*(cmd or qemu_cmd(args, net=net, **kw)), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.out = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            with self.cond:
                self.out.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_for(self, prefix, timeout=60):
        """Wait until a line starting with prefix appears; return it."""
        end = min(self.deadline, time.time() + timeout)
        with self.cond:
            while True:
                for line in self.out:
                    if line.startswith(prefix):
                        return line
                if self.proc.poll() is not None and not self.reader.is_alive():
                    raise AssertionError(f"QEMU exited before {prefix!r}:\n" +
                                         "\n".join(self.out))
                left = end - time.time()
                if left <= 0:
                    raise AssertionError(f"no {prefix!r} in time:\n" + "\n".join(self.out))
                self.cond.wait(min(left, 0.5))

    def finish(self):
        """Wait for QEMU to exit; return a Boot."""
        try:
            self.proc.wait(timeout=max(1, self.deadline - time.time()))
            status = self.proc.returncode
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            status = None
        self.reader.join(timeout=5)
        err = self.proc.stderr.read().decode("utf-8", "replace")
        return Boot(status, "\n".join(self.out) + "\n", err)
