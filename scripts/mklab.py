#!/usr/bin/python3
"""scripts/mklab.py N DEST - the student tree of lab N (`make lab N=3 DEST=dir`).

DEST gets every file git tracks here, and in its C files the body of every
function of lab N and of the labs after it becomes a stub.  A function
belongs to a lab by the last line of the comment above it:

    /*
     * Hand every posted descriptor to the NIC.  ...
     * [lab 3.3]
     */
    void e1000_tx_kick(struct e1000 *nic)
    {
            ...
    }

becomes

    void e1000_tx_kick(struct e1000 *nic)
    {
            /* LAB 3: your code here (handout 3.3) */
            (void)nic;
    }

A stub casts its parameters to void and returns what fails safely: -ENOSYS
for an int, NULL for a pointer, 0 for an unsigned count, nothing for void.
tests/grade/stubs.txt names the few functions whose stub must do more (a
wait loop that must not spin, an exception that must still end the run).
A static helper that nothing calls any more is marked unused, so the tree
builds with the same -Werror flags.  Prints the functions stubbed, with the
line counts of their solutions, by lab.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = re.compile(r"^ \* \[lab (\d+)\.(\d+)\]$")
STUBS = os.path.join(ROOT, "tests", "grade", "stubs.txt")


def load_stubs():
    """function name -> the statements of its stub, from tests/grade/stubs.txt."""
    stubs = {}
    with open(STUBS) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, body = line.split(None, 1)
                stubs[name] = body
    return stubs


def params(sig):
    """The parameter names of a C function signature."""
    inner = sig[sig.index("(") + 1:sig.rindex(")")].strip()
    if inner in ("", "void"):
        return []
    names, depth, cur = [], 0, ""
    for ch in inner + ",":
        if ch == "," and depth == 0:
            m = re.search(r"(\w+)\s*(\[[^\]]*\])?\s*$", cur)
            names.append(m.group(1))
            cur = ""
            continue
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        cur += ch
    return names


def failure(sig, name, stubs):
    """The statements that end a stub of sig."""
    if name in stubs:
        return [stubs[name]]
    ret = sig[:sig.index(name)].replace("static", "").replace("inline", "").strip()
    if ret == "void":
        return []
    if ret.endswith("*"):
        return ["return NULL;"]
    if ret.startswith(("uint", "size_t", "unsigned")):
        return ["return 0;"]
    if ret.startswith("enum exit_code"):
        return ["return EXIT_FAILED;"]
    return ["return -ENOSYS;"]


def stub_file(text, n, stubs, stubbed):
    """text with the bodies of lab >= n functions replaced; records them."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if not m or int(m.group(1)) < n:
            out.append(lines[i])
            i += 1
            continue
        lab, sec = int(m.group(1)), int(m.group(2))
        j = i + 1
        while lines[j].strip() != "*/":
            j += 1
        k = j + 1
        while lines[k] != "{":
            k += 1
        sig = " ".join(l.strip() for l in lines[j + 1:k])
        name = re.search(r"(\w+)\s*\(", sig).group(1)
        end = k + 1
        while lines[end] != "}":
            end += 1
        body = [f"\t/* LAB {lab}: your code here (handout {lab}.{sec}) */"]
        body += [f"\t(void){p};" for p in params(sig)]
        body += ["\t" + s for s in failure(sig, name, stubs)]
        out += lines[i:k + 1] + body + ["}"]
        stubbed.append((lab, sec, name, end - k - 1))
        i = end + 1
    return "\n".join(out)


def code_only(text):
    """text without its comments and string literals."""
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(\\.|[^"\\])*"', " ", text, flags=re.S)


def mark_unused(text):
    """Mark static functions and variables no code refers to any more."""
    for m in list(re.finditer(r"^static struct \{\n.*?^\} (\w+);", text, re.M | re.S)):
        if len(re.findall(r"\b%s\b" % m.group(1), code_only(text))) <= 1:
            text = text.replace(m.group(0), "static __attribute__((unused)) " +
                                m.group(0)[len("static "):], 1)
    for m in list(re.finditer(r"^static ([^;=(]*?)\b(\w+)(\(|\s*\[|\s*=)", text, re.M)):
        name, code = m.group(2), code_only(text)
        uses = len(re.findall(r"\b%s\b" % name, code))
        protos = len(re.findall(r"^static [^;{=]*\b%s\([^;{]*\);$" % name, code, re.M))
        if uses - protos <= 1 and "__attribute__((unused))" not in m.group(0):
            text = text.replace(m.group(0), "static __attribute__((unused)) " +
                                m.group(0)[len("static "):], 1)
    return text


def ensure_errno(text):
    if "-ENOSYS" in text and "<errno.h>" not in text:
        first = text.index("#include")
        text = text[:first] + "#include <errno.h>\n" + text[first:]
    return text


def main(argv):
    if len(argv) != 2 or not argv[0].isdigit() or not 1 <= int(argv[0]) <= 6:
        sys.exit("usage: scripts/mklab.py N DEST   (N: 1 to 6)")
    n, dest = int(argv[0]), argv[1]
    if os.path.exists(dest) and os.listdir(dest):
        sys.exit(f"mklab: {dest} exists and is not empty")
    stubs, stubbed = load_stubs(), []
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src, dst = os.path.join(ROOT, rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if rel.endswith(".c") and not rel.startswith("tests/"):
            with open(src) as f:
                text = f.read()
            new = stub_file(text, n, stubs, stubbed)
            if new != text:
                text = ensure_errno(mark_unused(new))
            with open(dst, "w") as f:
                f.write(text)
            shutil.copymode(src, dst)
        else:
            shutil.copy2(src, dst)
    print(f"mklab: lab {n} in {dest}: {len(stubbed)} functions to write")
    for lab in sorted({s[0] for s in stubbed}):
        fns = sorted(s for s in stubbed if s[0] == lab)
        print(f"  lab {lab}: " + ", ".join(f"{f} ({lab}.{sec}, {lines} lines)"
                                             for _, sec, f, lines in fns))


if __name__ == "__main__":
    main(sys.argv[1:])
