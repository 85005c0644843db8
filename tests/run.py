#!/usr/bin/python3
"""Run every test of `make test` and end with one line: N passed, N failed.

Usage: tests/run.py UNIT_BINARY... [-- PYTEST_ARGS...]

The host unit tests are cmocka programs; their "[  PASSED  ]" and
"[  FAILED  ]" lines are counted.  The QEMU tests run under pytest, whose
JUnit XML report is counted.  Skipped tests are listed with their reason.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_unit(binary):
    """Run one cmocka binary; return (passed, failed)."""
    proc = subprocess.run([binary], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    out = proc.stdout + proc.stderr
    sys.stdout.write(out)
    passed = sum(int(n) for n in re.findall(r"\[  PASSED  \] (\d+) test", out))
    failed = sum(int(n) for n in re.findall(r"\[  FAILED  \] (\d+) test", out))
    if proc.returncode != 0 and failed == 0:
        print(f"{binary}: exited {proc.returncode} without a cmocka summary")
        failed = 1
    return passed, failed


def run_pytest(extra):
    """Run the QEMU tests; return (passed, failed, skipped)."""
    report = os.path.join(ROOT, "build", "test", "pytest.xml")
    os.makedirs(os.path.dirname(report), exist_ok=True)
    if os.path.exists(report):
        os.remove(report)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs",
           f"--junitxml={report}", os.path.join(ROOT, "tests", "qemu")] + extra
    proc = subprocess.run(cmd, cwd=ROOT)
    if not os.path.exists(report):
        print(f"pytest exited {proc.returncode} and wrote no report")
        return 0, 1, 0
    suite = ET.parse(report).getroot()
    if suite.tag == "testsuites":
        suite = suite[0]
    total = int(suite.get("tests"))
    failed = int(suite.get("failures")) + int(suite.get("errors"))
    skipped = int(suite.get("skipped"))
    if proc.returncode not in (0, 1) and failed == 0:
        failed = 1          # pytest itself broke (usage, internal error)
    return total - failed - skipped, failed, skipped


def main(argv):
    units, extra = argv, []
    if "--" in argv:
        i = argv.index("--")
        units, extra = argv[:i], argv[i + 1:]
    passed = failed = 0
    for binary in units:
        p, f = run_unit(binary)
        passed, failed = passed + p, failed + f
    p, f, skipped = run_pytest(extra)
    passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
