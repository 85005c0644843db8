"""make soak's long run, shortened: 200,000 datagrams through the tap at
batch 32, every one checked by a Linux socket."""
import os
import subprocess

from kernel import ROOT
from netns import need_root


def test_soak_200k(tmp_path):
    need_root()
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "soak", "soak.py"),
                        "--count", "200000", "--no-sweep", "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    report = (tmp_path / "report.md").read_text()
    assert "| 200,000 | 18 | 32 | 256 | 200,000 | 200,000 | 0 | 0 | 0 |" in report, report
