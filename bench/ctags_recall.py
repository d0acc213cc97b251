#!/usr/bin/env python3
"""ctags_recall.py TREE SUBDIR LANG KINDS [--min PERCENT]

Recall of idx's definitions against universal-ctags, as issue 5 measures
it: of the tags `ctags --languages=LANG --kinds-LANG=KINDS` lists under
TREE/SUBDIR, the share that `idx outline` also reports at the same file,
line and name. TREE must be indexed (TREE/.idx/index.db, or IDX_DB).

Prints one summary line, then every miss (file:line name) on stderr.
Exits 0 when recall >= --min (default 99), 1 below it, 2 on error.
"""
import argparse
import json
import os
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("subdir")
    ap.add_argument("lang", help="ctags language, e.g. C or Python")
    ap.add_argument("kinds", help="ctags kind letters, e.g. f or cfm")
    ap.add_argument("--min", type=float, default=99.0)
    ap.add_argument("--idx", default=os.environ.get("IDX", "idx"))
    a = ap.parse_args()

    ctags = subprocess.run(
        ["ctags", "-R", "-x", f"--languages={a.lang}", f"--kinds-{a.lang}={a.kinds}",
         "--_xformat=%F\t%n\t%N", a.subdir],
        cwd=a.tree, capture_output=True, text=True, errors="surrogateescape")
    if ctags.returncode != 0:
        print(f"ctags failed: {ctags.stderr.strip()}", file=sys.stderr)
        return 2
    want = set()
    for line in ctags.stdout.splitlines():
        path, lineno, name = line.split("\t")
        want.add((os.path.normpath(path), int(lineno), name))
    if not want:
        print(f"ctags found no {a.lang} tags of kinds {a.kinds} under {a.subdir}", file=sys.stderr)
        return 2

    files = sorted({w[0] for w in want})
    have = set()
    # Batches keep the command line short.
    for i in range(0, len(files), 500):
        out = subprocess.run([a.idx, "outline", "--json", *files[i:i + 500]], cwd=a.tree,
                             capture_output=True, text=True, errors="surrogateescape")
        if out.returncode not in (0, 1):
            print(f"idx outline failed: {out.stderr.strip()}", file=sys.stderr)
            return 2
        for line in out.stdout.splitlines():
            d = json.loads(line)
            have.add((os.path.normpath(d["path"]), d["line"], d["name"]))

    missed = sorted(want - have)
    found = len(want) - len(missed)
    pct = 100.0 * found / len(want)
    print(f"{a.lang} kinds {a.kinds} under {a.subdir}: idx finds {found} of {len(want)} ctags definitions "
          f"({pct:.2f}%)")
    for path, lineno, name in missed:
        print(f"missed {path}:{lineno} {name}", file=sys.stderr)
    return 0 if pct >= a.min else 1


if __name__ == "__main__":
    sys.exit(main())
