#!/usr/bin/env python3
"""Adds people with routine labs only (no HCC, no TACE, no systemic therapy) to a FHIR Bulk NDJSON
folder, as a hospital's whole-population export would hold them (issue 15 item 7; docs/cohort.md
"Whole-population exports"). Deterministic: person k gets the same lines on every run.

    python3 tests/tools/population.py DIR --people 90000 [--labs 12]

Writes DIR/PopulationPatient.ndjson and DIR/PopulationObservation.ndjson (new files: the folder's
other files are left as they are).
"""
import argparse
import os

LABS = [  # LOINC, unit, base value
    ("1751-7", "g/L", 40.0),      # albumin
    ("1975-2", "umol/L", 12.0),   # bilirubin
    ("6301-6", "{INR}", 1.0),     # INR
    ("777-3", "10*3/uL", 250.0),  # platelets
    ("2160-0", "umol/L", 80.0),   # creatinine
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--labs", type=int, default=12, help="lab Observations per person")
    a = ap.parse_args()
    with open(os.path.join(a.dir, "PopulationPatient.ndjson"), "w") as pf, \
         open(os.path.join(a.dir, "PopulationObservation.ndjson"), "w") as of:
        for k in range(a.people):
            pid = f"pop-{k:07d}"
            pf.write('{"resourceType":"Patient","id":"%s","birthDate":"19%02d-0%d-1%d"}\n'
                     % (pid, 30 + k % 60, 1 + k % 9, k % 10))
            for j in range(a.labs):
                code, unit, base = LABS[j % len(LABS)]
                value = base * (1 + ((k * 7 + j * 13) % 21 - 10) / 100)
                month, day = 1 + j % 12, 1 + (k + j) % 28
                of.write('{"resourceType":"Observation","id":"%s-o%d","status":"final","subject":{"reference":'
                         '"Patient/%s"},"code":{"coding":[{"system":"http://loinc.org","code":"%s"}]},'
                         '"effectiveDateTime":"2023-%02d-%02d","valueQuantity":{"value":%.2f,"unit":"%s",'
                         '"system":"http://unitsofmeasure.org","code":"%s"}}\n'
                         % (pid, j, pid, code, month, day, value, unit, unit))


if __name__ == "__main__":
    main()
