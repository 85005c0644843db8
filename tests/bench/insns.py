#!/usr/bin/python3
"""Count the instructions of one sendmsg, function by function, by single-
stepping the kernel under QEMU's gdb stub (no interrupts while stepping).

    tests/bench/insns.py [KEYS] [N] [FUNCTION]

Boots build/kernel.elf with KEYS (default: count=200 with a static ARP
entry for the tap) on a tap in a network namespace of its own, stops at
the N-th call of FUNCTION (default sendmsg, the 100th: a warm path; with
batch= give sendmmsg), steps until it returns, and prints the total and
each function's share.  Functions gcc
inlined show under their own names (the line tables keep them).  An
instruction count does not depend on the machine's load, unlike the
timings of make bench; docs/tuning.md keeps what it showed.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "qemu"))

from kernel import BUILD, KERNEL, qemu_cmd, tap_nic  # noqa: E402
from netns import HOST_MAC, NetNS  # noqa: E402

GDB_SCRIPT = r'''
import collections, gdb
gdb.execute("target remote 127.0.0.1:1234")
gdb.execute("hbreak FUNCTION")
for _ in range(N):
    gdb.execute("continue", to_string=True)
ret = int(gdb.parse_and_eval("*(unsigned long *)$rsp"))
gdb.execute("delete")
counts, total = collections.Counter(), 0
while int(gdb.parse_and_eval("$pc")) != ret:
    b = gdb.block_for_pc(int(gdb.parse_and_eval("$pc")))
    while b and not b.function:
        b = b.superblock
    counts[b.function.name if b else "(no symbol: newlib)"] += 1
    gdb.execute("stepi", to_string=True)
    total += 1
print(f"@insns total={total}")
for name, n in counts.most_common():
    print(f"@fn {n:6d}  {name}")
'''


def main(argv):
    if os.geteuid() != 0:
        sys.exit("insns: needs root (a network namespace and a tap)")
    keys = argv[0] if argv else f"count=200 arp=192.0.2.1@{HOST_MAC}"
    n = int(argv[1]) if len(argv) > 1 else 100
    fn = argv[2] if len(argv) > 2 else "sendmsg"
    with tempfile.NamedTemporaryFile("w", suffix=".py") as script, NetNS() as ns:
        script.write(GDB_SCRIPT.replace("range(N)", f"range({n})").replace("FUNCTION", fn))
        script.flush()
        qemu = ns.popen(*qemu_cmd(keys, net=tap_nic(extra=",romfile="), memory="256",
                                  extra=["-S", "-gdb", "tcp:127.0.0.1:1234"]),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        gdb = ns.run("gdb", "-q", "-batch", "-x", script.name,
                     os.path.join(BUILD, "kernel64.elf"), check=False, timeout=600)
        qemu.kill()
    out = [l.replace("@fn ", "") for l in gdb.stdout.splitlines() if l.startswith(("@insns", "@fn "))]
    if not out:
        sys.exit("insns: gdb said:\n" + gdb.stdout[-2000:] + gdb.stderr[-2000:])
    print(f"{os.path.relpath(KERNEL)} {keys}, {fn} call {n}:")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1:])
