#!/usr/bin/env python3
"""Reproduces the headline numbers of a `switchpoint cohort` report from its tables, with pandas.

    python3 scripts/research/headline.py ROWS.csv [CRITERIA.csv]

ROWS.csv is the cohort's -o output (CSV), CRITERIA.csv its --criteria output. Prints, one per line:
  counts,<definition>,<refractory>,<not_refractory>,<insufficient_data>,<not_applicable>
      over the patients evaluated (input ok): the table `switchpoint cohort` prints
  kappa,<a>,<b>,<n>,<kappa>
      Cohen's kappa, refractory versus not refractory, over the patients with >= 1 TACE session
      for whom both definitions are determinate (the report's "Agreement between definitions");
      NA when undefined
  detail,<definition>,<not_applicable_no_tace>,<not_evaluable_yet>
  criteria,<rows>,<patient x definition pairs>   (with CRITERIA.csv)
scripts/research/headline.R prints the same lines from base R; tests/research/run.sh checks both
against the program's own output.
"""
import sys

import pandas as pd

DEFINITIONS = ["raoul-2011", "jsh-lcsgj-2014", "apasl-2017", "galle-2017",
               "aasld-2018", "klca-ncc-2022", "easl-2018", "bclc-2022"]


def col(definition, what):
    return definition.replace("-", "_") + "_" + what


def kappa(a, b):
    yy = int((a & b).sum()); yn = int((a & ~b).sum()); ny = int((~a & b).sum()); nn = int((~a & ~b).sum())
    n = yy + yn + ny + nn
    if n == 0:
        return n, None
    po = (yy + nn) / n
    pa, pb = (yy + yn) / n, (yy + ny) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return n, None if pe >= 1 else (po - pe) / (1 - pe)


def main(argv):
    rows = pd.read_csv(argv[1], dtype=str, keep_default_na=False)
    ok = rows[rows["input"] == "ok"]
    for d in DEFINITIONS:
        s = ok[col(d, "status")]
        print("counts,%s,%d,%d,%d,%d" % (d, (s == "refractory").sum(), (s == "not-refractory").sum(),
                                         (s == "insufficient-data").sum(), (s == "not-applicable").sum()))
    treated = ok[ok["first_tace"] != ""]
    for i, a in enumerate(DEFINITIONS):
        for b in DEFINITIONS[i + 1:]:
            sa, sb = treated[col(a, "status")], treated[col(b, "status")]
            det = sa.isin(["refractory", "not-refractory"]) & sb.isin(["refractory", "not-refractory"])
            n, k = kappa((sa[det] == "refractory").to_numpy(), (sb[det] == "refractory").to_numpy())
            print("kappa,%s,%s,%d,%s" % (a, b, n, "NA" if k is None else "%.4f" % k))
    for d in DEFINITIONS:
        s = ok[col(d, "detail")]
        print("detail,%s,%d,%d" % (d, (s == "not-applicable-no-tace").sum(), (s == "not-evaluable-yet").sum()))
    if len(argv) > 2:
        crit = pd.read_csv(argv[2], dtype=str, keep_default_na=False)
        pairs = crit[["patient_id", "definition"]].drop_duplicates()
        print("criteria,%d,%d" % (len(crit), len(pairs)))


if __name__ == "__main__":
    main(sys.argv)
