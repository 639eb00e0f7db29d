"""Checks the researcher scripts' output (scripts/research/headline.{py,R}) against the program's
own: the status table `switchpoint cohort` printed and the kappa table of its HTML report.
Standard library only.    python3 check.py STDOUT.txt REPORT.html HEADLINE.txt PATIENTS
"""
import html
import re
import sys

stdout, report, headline, patients = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
DEFS = ["raoul-2011", "jsh-lcsgj-2014", "apasl-2017", "galle-2017", "aasld-2018", "klca-ncc-2022", "easl-2018",
        "bclc-2022"]
failures = []
lines = open(headline).read().splitlines()

# The status table of standard output.
printed = {}
for line in open(stdout):
    f = line.split()
    if len(f) == 5 and f[0] in DEFS:
        printed[f[0]] = f[1:]
counts = {l.split(",")[1]: l.split(",")[2:] for l in lines if l.startswith("counts,")}
if set(counts) != set(DEFS) or set(printed) != set(DEFS):
    failures.append("counts: expected every definition, got %s and %s" % (sorted(counts), sorted(printed)))
for d in DEFS:
    if counts.get(d) != printed.get(d):
        failures.append("counts %s: script %s, program %s" % (d, counts.get(d), printed.get(d)))

# The report's kappa matrix: a row per definition, a cell per other definition.
text = open(report, encoding="utf-8").read()
agreement = text[text.index("Agreement between definitions"):]
matrix = {}
for d in DEFS:
    row = re.search(r"<tr><th>%s</th>(.*?)</tr>" % re.escape(d), agreement).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    matrix[d] = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
kappas = [l.split(",") for l in lines if l.startswith("kappa,")]
if len(kappas) != len(DEFS) * (len(DEFS) - 1) // 2:
    failures.append("kappa: %d pairs" % len(kappas))
for _, a, b, n, k in kappas:
    cell = matrix[a][DEFS.index(b)]
    value, count = re.match(r"(\S+)\s+\((\d+)\)", cell).groups()
    want = "–" if k == "NA" else "%.2f" % float(k)
    if count != n or value != want:
        failures.append("kappa %s/%s: script %s (n %s), report %s (n %s)" % (a, b, want, n, value, count))

# Details: not applicable (no TACE) is the engine's not-applicable, never counted as not refractory.
details = {l.split(",")[1]: l.split(",")[2:] for l in lines if l.startswith("detail,")}
for d in DEFS:
    if details[d][0] != printed[d][3]:
        failures.append("detail %s: not-applicable-no-tace %s, not-applicable %s" % (d, details[d][0], printed[d][3]))
crit = [l.split(",") for l in lines if l.startswith("criteria,")]
if not crit or int(crit[0][2]) != patients * len(DEFS):
    failures.append("criteria: every patient x definition expected (%d), got %s" % (patients * len(DEFS), crit))

for f in failures:
    print("FAIL", f)
print("checked %d counts, %d kappas, %d details: %s" % (len(counts), len(kappas), len(details),
                                                        "ok" if not failures else "%d failures" % len(failures)))
sys.exit(1 if failures else 0)
