#!/usr/bin/env python3
"""Runs the golden cases through the command line (switchpoint evaluate --format json) and lists
every expectation the decision does not meet, the same subset comparison as golden_test.cpp.
For finding mistakes while writing cases; the gtest harness is the real test.

    python3 tests/golden/tools/run_cases.py [--bin build/switchpoint] [NAME-SUBSTRING ...]
"""
import argparse
import json
import pathlib
import subprocess
import sys

GOLDEN = pathlib.Path(__file__).resolve().parent.parent


def subset(exp, act, where, out):
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            out.append(f"{where}: expected an object, got {json.dumps(act)}")
            return
        for k, v in exp.items():
            if k not in act:
                out.append(f"{where}/{k}: missing in the decision")
            else:
                subset(v, act[k], f"{where}/{k}", out)
        return
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and isinstance(act, (int, float)) \
            and not isinstance(act, bool):
        if abs(exp - act) > 1e-9:
            out.append(f"{where}: expected {exp}, got {act}")
        return
    if exp != act or type(exp) is not type(act):
        out.append(f"{where}: expected {json.dumps(exp)}, got {json.dumps(act)}")


def by(arr, key, value):
    for e in arr or []:
        if isinstance(e, dict) and e.get(key) == value:
            return e
    return None


def check(case, decision):
    out = []
    for section, body in case["expect"].items():
        if section == "refractoriness":
            for d, exp in body.items():
                a = by(decision.get("refractoriness"), "definition", d)
                if a is None:
                    out.append(f"no definition {d}")
                    continue
                for k, v in exp.items():
                    if k == "criteria":
                        for cid, cexp in v.items():
                            crit = by(a.get("criteria"), "id", cid)
                            if crit is None:
                                out.append(f"{d}: no criterion {cid}")
                            else:
                                subset(cexp, crit, f"{d}/{cid}", out)
                    else:
                        subset(v, a.get(k, "<missing>"), f"{d}/{k}", out)
        elif section == "tace_candidacy":
            for g, exp in body.items():
                a = by(decision.get("tace_candidacy"), "guideline", g)
                if a is None:
                    out.append(f"no guideline {g}")
                else:
                    subset(exp, a.get("candidate"), f"tace_candidacy/{g}", out)
        else:
            subset(body, decision.get(section, "<missing>"), section, out)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(GOLDEN.parent.parent / "build" / "switchpoint"))
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    failed = 0
    files = sorted((GOLDEN / "cases").glob("*.case.json"))
    for f in files:
        if a.names and not any(n in f.name for n in a.names):
            continue
        case = json.loads(f.read_text())
        cmd = [a.bin, "evaluate", str(GOLDEN / case["record"]), "--format", "json"]
        if "as_of" in case:
            cmd += ["--as-of", case["as_of"]]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            failed += 1
            print(f"FAIL {f.name}: exit {p.returncode}: {p.stderr.strip()[:300]}")
            continue
        problems = check(case, json.loads(p.stdout))
        if problems:
            failed += 1
            print(f"FAIL {f.name}")
            for pr in problems:
                print(f"     {pr}")
        else:
            print(f"ok   {f.name}")
    print(f"{failed} failing")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
