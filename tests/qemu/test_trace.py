"""trace=1 and the @lat lines, judged from the serial output: the function
graph is well formed (balanced braces, every total at least the sum of its
children), the Chrome JSON parses, and every stage has its histogram."""
import json
import re

from kernel import STATUS_OK, Running, tap_nic
from netns import NetNS, need_root

def parse_graph(lines):
    """Check the graph; return the number of calls seen."""
    stack, calls = [], 0       # stack of [name, sum of children's totals]
    for line in lines:
        m = re.match(r"^ 0\)(.{15})\|  (.*)$", line)
        assert m, f"not a function_graph line: {line!r}"
        dur, text = m.group(1), m.group(2)
        depth = (len(text) - len(text.lstrip(" "))) // 2
        text = text.strip()
        total = float(dur.split()[-2]) * 1000 if "us" in dur else None
        mark = dur[1]
        if total is not None:
            want = next(c for lim, c in [(1e9, "$"), (1e8, "@"), (1e7, "*"), (1e6, "#"),
                                         (1e5, "!"), (1e4, "+"), (0, " ")]
                        if total > lim or lim == 0)
            assert mark == want, f"marker {mark!r} for {total} ns: {line!r}"
        if text.endswith("() {"):
            assert total is None and depth == len(stack)
            stack.append([text[:-4], 0.0])
        elif text.endswith("();"):
            assert total is not None and depth == len(stack)
            if stack:
                stack[-1][1] += total
            calls += 1
        else:
            name, children = stack.pop()
            assert text == f"}} /* {name} */", line
            assert depth == len(stack)
            assert total + 1 >= children, f"{name}: {total} ns < children {children} ns"
            if stack:
                stack[-1][1] += total
            calls += 1
    assert not stack, "unclosed braces"
    return calls


def test_trace_graph_and_json(tmp_path):
    need_root()
    with NetNS() as ns:
        b = Running(ns, "count=20 trace=1 stages=1", tap_nic()).finish()
    assert b.status == STATUS_OK, b.out
    lines = b.out.splitlines()
    start = lines.index("# tracer: function_graph")
    graph = [l for l in lines[start + 4:] if l.startswith(" 0)")]
    assert lines[start + 4] == " 0)               |  sendmsg() {"
    calls = parse_graph(graph)
    assert calls >= 10
    names = " ".join(graph)
    for fn in ("send_batch", "udp_build", "ip_build", "eth_build", "e1000_tx_post",
               "e1000_tx_kick", "e1000_intr", "e1000_tx_reclaim"):
        assert fn in names, fn
    doc = json.loads("".join(l[len("@json "):] for l in lines if l.startswith("@json ")))
    ev = doc["traceEvents"]
    assert len(ev) == 2 * calls
    assert all(e["ph"] in ("B", "E") for e in ev)
    assert [e["ts"] for e in ev] == sorted(e["ts"] for e in ev)
    stages = {l.split()[1][len("stage="):] for l in lines if l.startswith("@lat ")}
    assert {"call", "resolve", "build", "post", "tail", "reclaim", "floor_tail",
            "floor_read", "stamp"} <= stages
    cost = b.tagged("tracecost")
    assert int(cost["on_ns"]) >= int(cost["off_ns"])
