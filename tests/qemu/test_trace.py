"""trace=1 and the @lat lines, judged from the serial output: the function
graph is well formed (balanced braces, every total at least the sum of its
children), it names only functions that are really called (those with a
patchable nop: an inlined function is no line, as with Linux), the Chrome
JSON parses, and every stage has its histogram.  And the kernel image
itself: a 5-byte nop at every patch site, none in the bare build."""
import json
import os
import re
import struct
import subprocess
import tempfile

from kernel import BUILD, STATUS_OK
from wire import Wire

KERNEL64 = os.path.join(BUILD, "kernel64.elf")
NOP5 = bytes([0x0F, 0x1F, 0x44, 0x00, 0x00])


def section(elf, name):
    """(address, bytes) of a section of elf; (None, b"") if it has none."""
    out = subprocess.run(["readelf", "-SW", elf], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"\]\s+" + re.escape(name) + r"\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)",
                  out)
    if not m:
        return None, b""
    with tempfile.NamedTemporaryFile() as f:
        subprocess.run(["objcopy", "-O", "binary", f"--only-section={name}", elf, f.name],
                       check=True)
        data = open(f.name, "rb").read()
    return int(m.group(1), 16), data[:int(m.group(2), 16)]


def functions(elf):
    """address -> name of every function symbol."""
    out = subprocess.run(["nm", elf], capture_output=True, text=True, check=True).stdout
    return {int(a, 16): n for a, t, n in (l.split() for l in out.splitlines() if len(l.split()) == 3)
            if t in "tTwW"}


def mcount_sites(elf):
    _, data = section(elf, "__mcount_loc")
    return list(struct.unpack(f"<{len(data) // 8}Q", data))


def stamp_sites(elf):
    """The stamp points' nops: (address of the field + offset) per entry."""
    base, data = section(elf, "__stamp_sites")
    return [base + i * 8 + struct.unpack_from("<i", data, i * 8)[0]
            for i in range(len(data) // 8)]

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


def test_trace_graph_and_json():
    with Wire() as w:
        b = w.boot("count=20 trace=1 stages=1").finish()
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
    # Only real calls: every name is a function with a patch site; the
    # helpers gcc inlines into the send path are not lines.
    fn = functions(KERNEL64)
    traced = {fn[a] for a in mcount_sites(KERNEL64)}
    called = {re.sub(r"[(){};]", "", l.split("|", 1)[1]).strip()
              for l in graph if "() {" in l or "();" in l}
    assert called <= traced, called - traced
    for inlined in ("check_msg", "descs_needed", "wait_ring", "copy_payload", "ring_add"):
        assert inlined not in traced and inlined not in called, inlined
    assert "sites refused" not in b.out
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


def test_every_patch_site_is_a_nop_and_bare_has_none():
    """The shipped image: a 5-byte nop at the start of every traced function
    and at every stamp point, and nothing else there; the bare build (make
    bare: no instrument hooks) has no patch sites at all."""
    text_base, text = section(KERNEL64, ".text")
    fn = functions(KERNEL64)
    sites = mcount_sites(KERNEL64)
    stamps = stamp_sites(KERNEL64)
    assert len(sites) > 50 and len(stamps) >= 11
    for a in sites + stamps:
        assert text[a - text_base:a - text_base + 5] == NOP5, hex(a)
    assert all(a in fn for a in sites)          # -mfentry: the very first instruction
    assert {fn[a] for a in sites} >= {"sendmsg", "udp_build", "e1000_tx_kick", "e1000_intr"}
    bare = os.path.join(BUILD, "bare", "kernel64.elf")
    if not os.path.exists(bare):
        subprocess.run(["make", "-C", os.path.dirname(BUILD), "bare"], check=True,
                       capture_output=True)
    assert mcount_sites(bare) == [] and stamp_sites(bare) == []
    bare_base, bare_text = section(bare, ".text")
    starts = [n for a, n in functions(bare).items()
              if bare_text[a - bare_base:a - bare_base + 5] == NOP5]
    assert starts == ["ftrace_probe"], starts   # the tracer's own cost probe only
