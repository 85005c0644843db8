"""make fuzz, shortened: every libFuzzer harness (tests/fuzz/) for a few
seconds from its seed corpus; no crash, no sanitizer report, books that
balance (docs/reliability.md shows a harness finding a broken length
check within a second)."""
import os
import subprocess

from kernel import ROOT

RUN = os.path.join(ROOT, "tests", "fuzz", "run.py")


def test_fuzzers_run_clean(tmp_path):
    p = subprocess.run(["/usr/bin/python3", RUN, "--time", "3", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    rows = [l for l in p.stdout.splitlines() if l.startswith("| `fuzz_")]
    assert len(rows) == 7 and all(l.endswith("| clean |") for l in rows), p.stdout
    for l in rows:
        assert int(l.split("|")[3].replace(",", "")) > 1000, l     # it really ran

