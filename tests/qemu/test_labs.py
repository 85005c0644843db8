"""The lab kit, judged as a teacher would: the full tree scores full marks,
and for every lab N the skeleton (make lab N=...) builds with the same
flags, scores 0 on lab N and full marks on the labs before it.  That is
what shows the grader can fail.  No root needed: the grader runs QEMU with
-netdev socket and a peer on loopback.  The six skeletons are built and
graded two at a time."""
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from kernel import BUILD, ROOT

GRADE = os.path.join(ROOT, "tests", "grade", "grade.py")


def grade(tree, out, upto):
    p = subprocess.run(["/usr/bin/python3", GRADE, "--upto", str(upto), "--tree", tree,
                        "--out", out], capture_output=True, text=True, timeout=900)
    with open(os.path.join(out, "result.json")) as f:
        return json.load(f)["labs"], p.stdout


def skeleton(n, base):
    tree = os.path.join(base, f"lab{n}")
    subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "mklab.py"), str(n), tree],
                   check=True, capture_output=True)
    os.makedirs(os.path.join(tree, "build"))
    # newlib is the same for every tree: the skeleton links this one's.
    os.symlink(os.path.join(BUILD, "newlib"), os.path.join(tree, "build", "newlib"))
    return grade(tree, os.path.join(tree, "build", "grade"), n)


@pytest.fixture(scope="module")
def skeletons(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("labs"))
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(range(1, 7), pool.map(lambda n: skeleton(n, base), range(1, 7))))


def test_full_tree_scores_full_marks(tmp_path):
    labs, out = grade(ROOT, str(tmp_path), 6)
    assert labs == {str(n): 100 for n in range(1, 7)}, out


@pytest.mark.parametrize("n", range(1, 7))
def test_skeleton_builds_and_fails_its_lab(skeletons, n):
    labs, out = skeletons[n]
    assert "does not build" not in out, out
    assert labs[str(n)] == 0, out
    for before in range(1, n):
        assert labs[str(before)] == 100, out


def test_points_table_in_docs_is_the_graders():
    table = subprocess.run(["/usr/bin/python3", GRADE, "--table"], capture_output=True,
                           text=True, check=True).stdout.strip()
    with open(os.path.join(ROOT, "docs", "labs", "README.md")) as f:
        assert table in f.read()
