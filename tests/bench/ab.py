#!/usr/bin/python3
"""A/B comparison of kernel builds: boot each in turn, ROUNDS times, with the
same keys, each in a network namespace of its own, and print every run's
send-call p50 beside the frame-carrying floor (@lat stage=floor_xmit).

    tests/bench/ab.py KERNEL.elf[,KERNEL.elf...] "KEYS" [ROUNDS]

For example, to see what a change does: copy build/kernel.elf aside, make
the change, rebuild, and compare the two:
    cp build/kernel.elf /tmp/before.elf; ...; make
    tests/bench/ab.py /tmp/before.elf,build/kernel.elf "count=5000 size=18" 3
The runs of the builds alternate, so that a slow minute of the machine
does not land on one build alone.  docs/tuning.md keeps what it showed.
"""
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "qemu"))

import kernel  # noqa: E402
from kernel import Running, tap_nic  # noqa: E402
from netns import NetNS  # noqa: E402


def one_run(elf, keys):
    kernel.KERNEL = elf
    with NetNS() as ns:
        b = Running(ns, keys, tap_nic(extra=",romfile="), memory="256", timeout=300).finish()
    lat = {}
    for line in b.lines("@lat "):
        fields = dict(f.split("=", 1) for f in line.split()[1:])
        lat[fields["stage"]] = fields
    if "call" not in lat or "floor_xmit" not in lat:
        sys.exit(f"{elf}: no @lat call/floor_xmit lines:\n{b.out[-2000:]}")
    return int(lat["call"]["p50_ns"]), int(lat["call"]["p99_ns"]), int(lat["floor_xmit"]["p50_ns"])


def main(argv):
    if len(argv) < 2 or os.geteuid() != 0:
        sys.exit(__doc__)
    elfs, keys = argv[0].split(","), argv[1]
    rounds = int(argv[2]) if len(argv) > 2 else 3
    runs = {e: [] for e in elfs}
    for _ in range(rounds):
        for e in elfs:
            runs[e].append(one_run(e, keys))
    for e in elfs:
        r = runs[e]
        print(f"{e}: call p50 ns {[x[0] for x in r]} (median {statistics.median(x[0] for x in r):.0f}), "
              f"p99 median {statistics.median(x[1] for x in r):.0f}; floor p50 {[x[2] for x in r]}; "
              f"call / floor median {statistics.median(x[0] / x[2] for x in r):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
