"""The boot foundation, judged from outside: exit codes, @ lines, both boot
paths (QEMU -kernel and the GRUB ISO), KVM where it can run."""
import os
import re
import socket
import subprocess
import time

import pytest

from kernel import (BUILD, ISO, ROOT, STATUS_CMDLINE, STATUS_NO_NIC,
                    STATUS_PANIC, boot, kvm_usable, qemu_cmd)


def test_kernel_boots_and_finds_no_nic():
    b = boot()
    assert b.status == STATUS_NO_NIC, b.out
    assert b.lines("unikernel ")[0].startswith("unikernel 0.")
    assert "loaded by qemu" in b.out
    assert any(l.startswith("time: TSC ") and "MHz" in l for l in b.lines())
    assert any(l.startswith("apic: ") and "ioapic at 0xfec00000" in l for l in b.lines())
    assert any("8086:1237" in l for l in b.lines("pci: "))   # i440fx host bridge
    assert "no supported NIC" in b.out


@pytest.mark.parametrize("args,message", [
    ("bogus=1", "@error cmdline: bogus: unknown key"),
    ("size=1473", "@error cmdline: size: '1473' is out of range (8 to 1472)"),
    ("count=1 count=2", "@error cmdline: count: given twice"),
    ("ip=192.0.2.2/33", "@error cmdline: ip: prefix '33' is out of range"),
    ("dst=192.0.2.1.7:9000", "@error cmdline: dst: '192.0.2.1.7' is not an IPv4"),
    ("txring=12", "@error cmdline: txring: 12 is not a multiple of 8"),
    ("size", "@error cmdline: size: missing '='"),
])
def test_bad_cmdline_exits_5_before_anything_else(args, message):
    b = boot(args)
    assert b.status == STATUS_CMDLINE, b.out
    assert any(l.startswith(message) for l in b.lines("@error")), b.out
    # Nothing after the error: no timer, no interrupts, no PCI, no packets.
    assert b.lines()[-1].startswith("@error cmdline: ")
    assert not b.lines("pci: ") and not b.lines("apic: ")


@pytest.mark.parametrize("fault,vector,name", [
    ("pf", 14, "#PF"), ("ud", 6, "#UD"), ("de", 0, "#DE")])
def test_cpu_exception_panics_with_registers_and_exits_9(fault, vector, name):
    b = boot(f"fault={fault}")
    assert b.status == STATUS_PANIC, b.out
    panic = b.tagged("panic")
    assert panic and int(panic["vector"]) == vector, b.out
    assert name in b.lines("@panic")[0]
    for reg in ("rip", "cr2", "rax", "rsp", "r15", "rflags"):
        assert any(f"{reg}=0x" in l for l in b.lines()), reg
    if fault == "pf":
        assert panic["cr2"] == "0x0000000100000000"


@pytest.mark.parametrize("memory", ["64", "1024", "3500"])
def test_memory_sizes(memory):
    b = boot(memory=memory)
    assert b.status == STATUS_NO_NIC, b.out
    mib = int([l for l in b.lines("mem: ") if "usable" in l][0].split()[1])
    assert mib >= int(memory) - 16


def test_halts_without_exit_device():
    p = subprocess.Popen(qemu_cmd(exit_device=False), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        out = b""
        deadline = time.time() + 30
        while b"no supported NIC" not in out and time.time() < deadline:
            out += os.read(p.stdout.fileno(), 4096)
        assert b"no supported NIC" in out
        time.sleep(1)
        assert p.poll() is None, "QEMU exited: the kernel should halt"
    finally:
        p.kill()
        p.wait()


def test_stack_overflow_hits_the_guard_page():
    b = boot("fault=stack")
    assert b.status == STATUS_PANIC, b.out
    assert "trap: stack overflow: the page fault is in the guard page under the boot stack" \
        in b.out
    panic = b.tagged("panic")
    guard = symbol("boot_stack_guard")
    assert int(panic["vector"]) == 14 and guard <= int(panic["cr2"], 16) < guard + 4096, b.out


def symbol(name):
    out = subprocess.run(["nm", os.path.join(BUILD, "kernel64.elf")], capture_output=True,
                         text=True, check=True).stdout
    return next(int(l.split()[0], 16) for l in out.splitlines() if l.split()[-1] == name)


def test_every_stack_has_an_unmapped_guard_page(tmp_path):
    """QEMU's own view of the page tables (monitor: info mem), once the
    kernel has halted: the page under each stack is missing from the map,
    the stack itself is there."""
    mon = str(tmp_path / "monitor.sock")
    cmd = qemu_cmd(exit_device=False, extra=["-monitor", f"unix:{mon},server=on,wait=off"])
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    try:
        out = b""
        deadline = time.time() + 30
        while b"no supported NIC" not in out and time.time() < deadline:
            out += os.read(p.stdout.fileno(), 4096)
        with socket.socket(socket.AF_UNIX) as m:
            m.connect(mon)
            m.sendall(b"info mem\n")
            time.sleep(0.5)
            mem = m.recv(1 << 20).decode("utf-8", "replace")
    finally:
        p.kill()
        p.wait()
    ranges = [tuple(int(x, 16) for x in l.split()[0].split("-"))
              for l in mem.splitlines() if re.match(r"^[0-9a-f]{16}-[0-9a-f]{16} ", l)]
    mapped = lambda a: any(lo <= a < hi for lo, hi in ranges)
    assert ranges, mem
    for guard in ("boot_stack_guard", "irq_stack", "fault_stack"):     # each starts with its guard
        a = symbol(guard)
        assert not mapped(a) and not mapped(a + 4095), f"{guard} at {a:#x} is mapped"
        assert mapped(a - 1) and mapped(a + 4096), f"the pages around {guard} are not mapped"


def test_iso_boots_with_default_cmdline():
    b = boot(iso=ISO)
    assert b.status == STATUS_NO_NIC, b.out
    assert "loaded by GRUB" in b.out
    assert "no supported NIC" in b.out


def test_iso_with_baked_in_bad_cmdline(tmp_path):
    iso = str(tmp_path / "bogus.iso")
    subprocess.run([os.path.join(ROOT, "scripts", "mkiso.sh"), iso,
                    os.path.join(BUILD, "kernel.elf"), "bogus=1"], check=True)
    b = boot(iso=iso)
    assert b.status == STATUS_CMDLINE, b.out
    assert "@error cmdline: bogus: unknown key" in b.out


def test_kvm_boot():
    ok, why = kvm_usable()
    if not ok:
        pytest.skip(why)
    b = boot(accel="kvm")
    assert b.status == STATUS_NO_NIC, b.out
    b = boot("bogus=1", accel="kvm")
    assert b.status == STATUS_CMDLINE, b.out
