#!/usr/bin/python3
"""make soak: a long stream through a real tap, every datagram checked by
a Linux socket (build/host/udp_receiver: each sequence number once, each
payload byte as docs/interface.md says), then a sweep of ring sizes,
batches and datagram sizes, each a short run checked the same way.

    tests/soak/soak.py [--count N] [--no-sweep] [--sweep-count N] [--out DIR]

Needs root (a network namespace of its own with a tap, deleted on exit).
Writes DIR/report.md (default build/soak) and prints it; exits 1 if any
run lost, duplicated or damaged a datagram, or failed to send one.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))

from kernel import BUILD, STATUS_OK, Running, tap_nic  # noqa: E402
from netns import HOST_MAC, NetNS  # noqa: E402

RECEIVER = os.path.join(BUILD, "host", "udp_receiver")
MAC = "02:00:00:00:00:42"
TXRINGS = (8, 64, 256, 4096)
BATCHES = (1, 8, 32, 64)
SIZES = (8, 18, 87, 333, 1472)


def stream(ns, count, size, batch, txring):
    """One boot: count datagrams; the receiver's verdict and the kernel's."""
    args = f"count={count} size={size} batch={batch} txring={txring} arp=192.0.2.1@{HOST_MAC}"
    timeout = 120 + count // 20000
    rx = ns.popen(RECEIVER, "-n", str(count), "-s", str(size), "-t", str(timeout),
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if "ready" not in rx.stderr.readline():
        raise RuntimeError("the receiver did not start")
    t0 = time.time()
    b = Running(ns, args, tap_nic(mac=MAC), timeout=timeout).finish()
    took = time.time() - t0
    time.sleep(0.3)             # what is still in the host's queue
    rx.terminate()
    out = rx.communicate(timeout=30)[0]
    m = re.search(r"received (\d+)/\d+ valid, (\d+) lost, (\d+) duplicated, (\d+) corrupt", out)
    done = b.tagged("done") or {}
    r = {"args": args, "count": count, "size": size, "batch": batch, "txring": txring,
         "status": b.status, "sent": int(done.get("sent", -1)), "seconds": took}
    if m:
        r.update(received=int(m.group(1)), lost=int(m.group(2)), duplicated=int(m.group(3)),
                 corrupt=int(m.group(4)))
    else:
        r.update(received=0, lost=count, duplicated=0, corrupt=0)
    r["ok"] = (b.status == STATUS_OK and r["sent"] == count and r["received"] == count and
               not r["lost"] and not r["duplicated"] and not r["corrupt"])
    return r


def row(r):
    return (f"| {r['count']:,} | {r['size']} | {r['batch']} | {r['txring']} | {r['sent']:,} | "
            f"{r['received']:,} | {r['lost']} | {r['duplicated']} | {r['corrupt']} | "
            f"{r['seconds']:.1f} s | {'ok' if r['ok'] else 'FAILED'} |")


HEAD = ["| datagrams | size | batch | txring | sent | received | lost | duplicated | corrupt "
        "| time | |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000_000)
    ap.add_argument("--size", type=int, default=18)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--sweep-count", type=int, default=20000)
    ap.add_argument("--out", default=os.path.join(BUILD, "soak"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("soak: needs root (a network namespace and a tap)")
    os.makedirs(a.out, exist_ok=True)
    command = "tests/soak/soak.py " + " ".join(shlex.quote(x) for x in sys.argv[1:])
    lines = [f"Command: `{command.strip()}`, {time.strftime('%Y-%m-%d')}, QEMU TCG, "
             f"a tap in a namespace of its own, the host's receiver a Linux UDP socket.", ""]
    results = []
    with NetNS() as ns:
        print(f"soak: {a.count:,} datagrams of {a.size} bytes, batch {a.batch}", flush=True)
        main_run = stream(ns, a.count, a.size, a.batch, 256)
        results.append(main_run)
        lines += ["## The long run", ""] + HEAD + [row(main_run), ""]
        print(row(main_run), flush=True)
        if not a.no_sweep:
            lines += ["## The sweep", "",
                      f"Every combination of txring {', '.join(map(str, TXRINGS))}, batch "
                      f"{', '.join(map(str, BATCHES))} and size {', '.join(map(str, SIZES))}, "
                      f"{a.sweep_count:,} datagrams each.", ""] + HEAD
            for txring in TXRINGS:
                for batch in BATCHES:
                    for size in SIZES:
                        r = stream(ns, a.sweep_count, size, batch, txring)
                        results.append(r)
                        lines.append(row(r))
                        print(row(r), flush=True)
            lines.append("")
    bad = [r for r in results if not r["ok"]]
    total = sum(r["received"] for r in results)
    lines.append(f"{len(results)} runs, {total:,} datagrams verified; "
                 f"{len(bad)} runs with a datagram lost, duplicated, damaged or not sent.")
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"soak: {lines[-1]} Report: {os.path.relpath(a.out)}/report.md")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
