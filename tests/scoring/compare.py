#!/usr/bin/python3
"""Compares `tali score` output with the original engine's expected output
(scoring-spec §16): line by line, as JSON values, ints as ints, floats equal
as doubles, the grammar issue list compared sorted.

usage: compare.py OUTPUT EXPECTED [--engine-only]
Prints the first mismatches and "N passed, N failed"; exits 1 on any
failure."""
import json
import re
import sys

GRAMMAR_RE = re.compile(r"^(.*\()([a-z_, ]+)(\)\.)$")


def norm_grammar(v):
    if isinstance(v, str):
        m = GRAMMAR_RE.match(v)
        if m:
            names = sorted(x.strip() for x in m.group(2).split(","))
            return m.group(1) + ", ".join(names) + m.group(3)
    return v


def diff(a, b, path, out):
    """Appends (path, got, expected) for each difference of a and b."""
    if isinstance(b, bool) or isinstance(a, bool):
        if type(a) is not type(b) or a != b:
            out.append((path, a, b))
        return
    if isinstance(b, int) and not isinstance(b, bool):
        if not isinstance(a, int) or a != b:
            out.append((path, a, b))
        return
    if isinstance(b, float):
        if not isinstance(a, float) or a != b:
            out.append((path, a, b))
        return
    if isinstance(b, str):
        if path.endswith(".grammar_score"):
            a, b = norm_grammar(a), norm_grammar(b)
        if a != b:
            out.append((path, a, b))
        return
    if b is None:
        if a is not None:
            out.append((path, a, b))
        return
    if isinstance(b, list):
        if not isinstance(a, list) or len(a) != len(b):
            out.append((path, a if not isinstance(a, list) else f"list[{len(a)}]",
                        f"list[{len(b)}]"))
            if not isinstance(a, list):
                return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
        return
    if isinstance(b, dict):
        if not isinstance(a, dict):
            out.append((path, a, b))
            return
        if list(a.keys()) != list(b.keys()):
            out.append((path + " keys", list(a.keys()), list(b.keys())))
        for k in b:
            if k in a:
                diff(a[k], b[k], f"{path}.{k}", out)
        return
    out.append((path, a, b))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    engine_only = "--engine-only" in sys.argv
    if len(args) != 2:
        print(__doc__)
        return 2
    with open(args[0], encoding="utf-8") as f:
        got = [json.loads(l) for l in f if l.strip()]
    with open(args[1], encoding="utf-8") as f:
        exp = [json.loads(l) for l in f if l.strip()]
    passed = failed = shown = 0
    if len(got) != len(exp):
        print(f"line count differs: got {len(got)}, expected {len(exp)}")
    for i, e in enumerate(exp):
        g = got[i] if i < len(got) else None
        problems = []
        if g is None:
            problems.append(("line", None, "missing"))
        elif e.get("ok") is False:
            if g.get("ok") is not False:
                problems.append(("ok", g.get("ok"), False))
            if g.get("case_id") != e.get("case_id"):
                problems.append(("case_id", g.get("case_id"), e.get("case_id")))
        else:
            for k in ("case_id", "mode", "ok", "result"):
                diff(g.get(k), e.get(k), k, problems)
            if not engine_only:
                diff(g.get("heuristics"), e.get("heuristics"), "heuristics", problems)
        if problems:
            failed += 1
            if shown < 10:
                shown += 1
                print(f"case {e.get('case_id')}: {len(problems)} difference(s)")
                for p, a, b in problems[:8]:
                    print(f"  {p}: got {json.dumps(a)[:200]} expected {json.dumps(b)[:200]}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and len(got) == len(exp) else 1


if __name__ == "__main__":
    sys.exit(main())
