"""A short run of the benchmark (this kernel only, a few hundred packets),
so that make bench cannot rot between its real runs."""
import json
import os
import subprocess

from netns import need_root

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_bench_smoke(tmp_path):
    need_root()
    out = tmp_path / "bench"
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "bench", "bench.py"),
                        "--smoke", "--out", str(out)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "[bench 1/" in p.stderr                          # the progress line
    results = json.loads((out / "results.json").read_text())
    lat = results["ours/latency/18/on"]["lat"]
    assert int(lat["call"]["n"]) >= 300 and len(results["ours/latency/18/on"]["samples"]) >= 300
    assert 0 < int(lat["floor_tail"]["p50_ns"]) < int(lat["floor_xmit"]["p50_ns"])
    assert int(results["bare/latency/18/on"]["lat"]["call"]["n"]) >= 300
    assert "floor_xmit" in results["bare/latency/18/on"]["lat"]
    assert results["ours/pps/1/on"]["received"] == 300
    assert results["ours/pps/32/on"]["received"] == 300
    assert results["blast/pps/32/on"]["received"] == 300
    assert int(results["ours/rtt/None/on"]["n"]) == 50
    e = results["ours-82574/latency/18/on"]["lat"]             # the 82574L on q35, MSI-X
    assert int(e["call"]["n"]) >= 300 and int(e["call_irq"]["n"]) > 0 and "intr" in e
    assert int(results["reflect/rtt/None/on"]["n"]) == 50
    assert 0 < results["ours/first/None/on"]["first_udp_s"] < 60
    assert "tail" in results["ours/stages/18/on"]["lat"]
    assert results["host/ceiling/None/off"]["received"] == 300
    report = (out / "report.md").read_text()
    for row in ("| send call, 18 B, p50 | on |", "| packets/s, 60 B frames, batch 32 | on |",
                "| UDP round trip, p99 | on |", "| static (`arp=`, `arp -s`) |",
                "| 18 B, p50 |", "## The 82574L (e1000e) on q35", "## Goals"):
        assert row in report
