#!/usr/bin/env python3
"""The referee's two halves: writes SPEC.csv from switchpoint's analysis.json (which definitions
have an estimate and their covariates), or compares R's estimates with switchpoint's.
  compare.py spec ANALYSIS.json SPEC.csv
  compare.py check ANALYSIS.json R_OUT.csv   (exit 1 on any difference above 1e-6, or a quantity missing)"""
import csv, json, sys

TOL = 1e-6


def ours(analysis):
    out = {}
    for c in analysis["comparisons"]:
        d = c["definition"]
        if c["hr"] is None:
            continue
        out[(d, "hr")] = c["hr"]
        out[(d, "ci_low")], out[(d, "ci_high")] = c["ci95"]
        out[(d, "p")] = c["p"]
        ph = c["proportional_hazards"]
        if ph["coef"] is not None:
            out[(d, "ph_coef")] = ph["coef"]
            out[(d, "ph_p")] = ph["p"]
        tv = c["time_varying"]
        if tv["hr"] is not None:
            out[(d, "tv_hr")] = tv["hr"]
            out[(d, "tv_ci_low")], out[(d, "tv_ci_high")] = tv["ci95"]
            out[(d, "tv_p")] = tv["p"]
        for name in ("km_switch", "km_continue"):
            for s in c[name]:
                t = "%g" % s["day"]
                out[(d, f"{name}/{t}/survival")] = s["survival"]
                out[(d, f"{name}/{t}/n_risk")] = s["n_risk"]
                if s["lower95"] is not None:
                    out[(d, f"{name}/{t}/lower95")] = s["lower95"]
                    out[(d, f"{name}/{t}/upper95")] = s["upper95"]
    return out


def main():
    mode, analysis_path, other = sys.argv[1:4]
    analysis = json.load(open(analysis_path))
    if mode == "spec":
        with open(other, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["definition", "landmark_covariates", "tv_covariates"])
            n = 0
            for c in analysis["comparisons"]:
                if c["hr"] is None or c["time_varying"]["hr"] is None:
                    continue
                w.writerow([c["definition"], " ".join(c["adjusted_for"]), " ".join(c["time_varying"]["adjusted_for"])])
                n += 1
        if n == 0:
            print("referee: no definition has an estimate to check", file=sys.stderr)
            return 1
        return 0
    mine = ours(analysis)
    theirs = {}
    for row in csv.DictReader(open(other)):
        theirs[(row["definition"], row["quantity"])] = float(row["value"])
    defs = {d for d, _ in theirs}
    bad = 0
    checked = 0
    for key, v in sorted(theirs.items()):
        if key not in mine:
            print(f"referee: {key[0]} {key[1]}: R gives {v!r}, switchpoint gives nothing")
            bad += 1
            continue
        checked += 1
        # 1e-6 absolute, or relative for values above 1 (numbers at risk are compared exactly).
        if abs(mine[key] - v) > TOL * max(1.0, abs(v)):
            print(f"referee: {key[0]} {key[1]}: switchpoint {mine[key]!r}, R {v!r}")
            bad += 1
    for key in sorted(mine):
        if key[0] in defs and key not in theirs:
            print(f"referee: {key[0]} {key[1]}: switchpoint gives {mine[key]!r}, R nothing")
            bad += 1
    print(f"referee: {checked} estimates of {len(defs)} definitions compared with R's survival package "
          f"(tolerance {TOL}); {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
