#!/usr/bin/python3
"""make fuzz: run every libFuzzer harness (build/fuzz/fuzz_*) for --time
seconds, two at a time, each from the seed corpus (tests/fuzz/corpus/) plus
what earlier runs found (build/fuzz/<name>/corpus).  A crash, a sanitizer
report or unbalanced books is kept as build/fuzz/<name>/crash-*; the
table of executions goes to build/fuzz/report.md.  Exit 1 if any harness
failed.

    tests/fuzz/run.py [--time S] [--only NAME,...] [--out DIR]
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = os.path.join(ROOT, "tests", "fuzz", "corpus")
NAMES = ["eth", "rx", "arp", "ip", "udp", "icmp", "cmdline"]


def fuzz(name, seconds, out):
    work = os.path.join(out, name)
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for f in glob.glob(os.path.join(SEEDS, name, "*")):
        shutil.copy(f, corpus)
    for f in glob.glob(os.path.join(work, "crash-*")) + glob.glob(os.path.join(work, "leak-*")):
        os.remove(f)            # a new run judges itself
    binary = os.path.join(ROOT, "build", "fuzz", f"fuzz_{name}")
    t0 = time.time()
    p = subprocess.run([binary, corpus, f"-max_total_time={seconds}", "-close_fd_mask=1",
                        "-print_final_stats=1", f"-artifact_prefix={work}/"],
                       capture_output=True, text=True, errors="replace",
                       timeout=seconds * 3 + 60)
    with open(os.path.join(work, "fuzz.log"), "w") as f:
        f.write(p.stderr)
    execs = re.search(r"stat::number_of_executed_units: (\d+)", p.stderr)
    cov = re.findall(r"cov: (\d+)", p.stderr)
    found = glob.glob(os.path.join(work, "crash-*")) + glob.glob(os.path.join(work, "leak-*"))
    return {"name": name, "ok": p.returncode == 0 and not found,
            "execs": int(execs.group(1)) if execs else 0, "cov": int(cov[-1]) if cov else 0,
            "seconds": time.time() - t0, "found": found, "corpus": len(os.listdir(corpus)),
            "why": "" if p.returncode == 0 else (re.findall(r"(ERROR: .*|the books: .*)",
                                                            p.stderr) or ["exit status "
                                                            f"{p.returncode}"])[0]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--time", type=int, default=60)
    ap.add_argument("--only", default=",".join(NAMES))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz"))
    a = ap.parse_args()
    names = a.only.split(",")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda n: fuzz(n, a.time, a.out), names))
    lines = ["| harness | time | executions | coverage (edges) | corpus | result |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| `fuzz_{r['name']}` | {r['seconds']:.0f} s | {r['execs']:,} | {r['cov']} | "
                     f"{r['corpus']} | {'clean' if r['ok'] else 'FAILED: ' + r['why']} |")
    text = "\n".join(lines)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(f"Command: `tests/fuzz/run.py --time {a.time}`\n\n{text}\n")
    print(text)
    for r in results:
        for f in r["found"]:
            print(f"fuzz: {r['name']}: {os.path.relpath(f, ROOT)} (reproduce: "
                  f"build/fuzz/fuzz_{r['name']} {os.path.relpath(f, ROOT)})")
    sys.exit(0 if all(r["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()
