#!/usr/bin/env python3
"""Writes the golden patient records (tests/golden/records/) from the compact fact lists below.

The facts are chosen by hand so that each case's expectation follows from CLINICAL_RULES.md and
docs/refractoriness.md; nothing here looks at the engine. Records marked `fhir` are written as a
FHIR R4 Bundle (`<name>.fhir.json`) instead of (or, for `twin`, in addition to) the native
switchpoint.record/1 file, with the very same facts, so a native/FHIR pair must give the same
decision.

    python3 tests/golden/tools/make_records.py           # rewrite records/
    python3 tests/golden/tools/make_records.py --check   # fail if records/ differs from this file
    python3 tests/golden/tools/make_records.py --native-dir DIR  # also write every record as native JSON (for `switchpoint validate`)

Dates: the usual course is baseline CT 2024-01-05, labs and bedside grades 2024-01-08, S1
2024-01-10, S1's assessment 2024-02-20 (41 days), S2 2024-03-01, S2's assessment 2024-04-12
(42 days), S3 2024-04-22, S3's assessment 2024-06-03 (42 days).
"""
import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
RECORDS = HERE.parent / "records"

# --- building blocks -------------------------------------------------------------------------

# Standard liver panel: bilirubin 0.8 mg/dL (13.68 µmol/L, 1 point), albumin 4.2 g/dL (42 g/L,
# 1 point), INR 1.1 (1 point). ALBI = 0.66·log10(13.68) − 0.085·42 = −2.820: grade 1.
STD = dict(bili=0.8, alb=4.2, inr=1.1)


def labs(date, bili=None, alb=None, inr=None, ast=None, afp=None, dcp=None, creat=None,
         si=False):
    """Lab entries of one date. si=True gives bilirubin in µmol/L and albumin in g/L."""
    out = []
    if bili is not None:
        out.append((date, "bilirubin", bili, "umol/L" if si else "mg/dL"))
    if alb is not None:
        out.append((date, "albumin", alb, "g/L" if si else "g/dL"))
    if inr is not None:
        out.append((date, "inr", inr, "INR"))
    if ast is not None:
        out.append((date, "ast", ast, "U/L"))
    if creat is not None:
        out.append((date, "creatinine", creat, "mg/dL"))
    if afp is not None:
        out.append((date, "afp", afp, "ng/mL"))
    if dcp is not None:
        out.append((date, "dcp", dcp, "mAU/mL"))
    return [{"date": d, "test": t, "value": v, "unit": u} for d, t, v, u in out]


def std_labs(date, **kw):
    args = dict(STD)
    args.update(kw)
    return labs(date, **args)


def clin(date, ascites="none", enceph="none", ecog=0, weight=None):
    """weight: (value, unit) with unit "kg" or "lb"."""
    c = {"date": date}
    if ascites is not None:
        c["ascites"] = ascites
    if enceph is not None:
        c["encephalopathy"] = enceph
    if ecog is not None:
        c["ecog"] = ecog
    if weight is not None:
        c["weight"] = {"value": weight[0], "unit": weight[1]}
    return c


def img(date, count, largest, mrecist=None, viable=None, vi="absent", ehs=False,
        morph="simple-nodular", bilobar=False, new=None, unit="cm", modality="CT", occ=None, bile=None):
    s = {"date": date, "modality": modality}
    if count is not None:
        s["tumor_count"] = count
    if largest is not None:
        s["largest_diameter"] = {"value": largest, "unit": unit}
    if new is not None:
        s["new_lesions"] = new
    if mrecist is not None:
        s["mrecist"] = mrecist
    if viable is not None:
        s["viable_tumor_percent"] = viable
    if vi is not None:
        s["vascular_invasion"] = vi
    if ehs is not None:
        s["extrahepatic_spread"] = ehs
    if morph is not None:
        s["morphology"] = morph
    if bilobar is not None:
        s["bilobar"] = bilobar
    if occ is not None:
        s["liver_occupation_percent"] = occ
    if bile is not None:
        s["bile_duct_invasion"] = bile
    return s


def record(pid, *, labs=(), clinical=(), imaging=(), tace=(), curative=True, sex="male",
           birth="1955-03-02", fhir=False, twin=False, systemic=(), endoscopy=(), conditions=()):
    patient = {"id": pid, "birth_date": birth, "sex": sex}
    if curative is not None:
        patient["curative_treatment_unsuitable"] = curative
    r = {"schema": "switchpoint.record/1", "patient": patient}
    if labs:
        r["labs"] = sorted(labs, key=lambda e: e["date"])
    if clinical:
        r["clinical"] = sorted(clinical, key=lambda e: e["date"])
    if imaging:
        r["imaging"] = sorted(imaging, key=lambda e: e["date"])
    if tace:
        r["tace"] = [{"date": d, "technique": "cTACE", "selective": True} for d in tace]
    if systemic:
        r["systemic_therapy"] = sorted(systemic, key=lambda e: e["start"])
    if endoscopy:
        r["endoscopy"] = sorted(endoscopy, key=lambda e: e["date"])
    if conditions:
        r["conditions"] = list(conditions)
    return {"native": r, "fhir": fhir, "twin": twin}


def course_labs(dates_afp, **kw):
    out = []
    for d, afp in dates_afp:
        out += std_labs(d, afp=afp, **kw)
    return out


R = {}

# --- refractoriness records --------------------------------------------------------------------

# Two sessions, partial response after each; everything every definition needs is reported.
R["nr-responding"] = record(
    "golden-nr-responding", curative=None, fhir=True, twin=True,
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 2.5, "PR", 30),
             img("2024-04-12", 2, 2.0, "PR", 20)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-04-12", ast=37, afp=20),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

# As nr-responding, but no tumour marker at all (JSH criterion 2 not judgeable).
R["jsh-no-markers"] = record(
    "golden-jsh-no-markers",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 2.5, "PR", 30),
             img("2024-04-12", 2, 2.0, "PR", 20)],
    labs=std_labs("2024-01-08", ast=35) + std_labs("2024-02-20", ast=36)
         + std_labs("2024-04-12", ast=37),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

# As nr-responding, but no ECOG before the first session and ECOG 1 after it: a rise from 0
# or an unchanged 1 cannot be told apart.
R["no-baseline-ecog"] = record(
    "golden-no-baseline-ecog",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 2.5, "PR", 30),
             img("2024-04-12", 2, 2.0, "PR", 20)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-04-12", ast=37, afp=20),
    clinical=[clin("2024-01-08", ecog=None), clin("2024-02-20", ecog=1), clin("2024-04-12", ecog=1)],
    tace=["2024-01-10", "2024-03-01"])


def two_sd_sessions(pid, v1, v2, fhir=False, twin=False, curative=True):
    """Two sessions, stable disease after each, viable tumour v1 % then v2 %."""
    return record(
        pid, fhir=fhir, twin=twin, curative=curative,
        imaging=[img("2024-01-05", 2, 4.0),
                 img("2024-02-20", 2, 3.8, "SD", v1),
                 img("2024-04-12", 2, 3.8, "SD", v2)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
             + std_labs("2024-04-12", ast=37, afp=50),
        clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
        tace=["2024-01-10", "2024-03-01"])


R["jsh-1a-met"] = two_sd_sessions("golden-jsh-1a-met", 70, 80, fhir=True, twin=True, curative=None)
R["jsh-viable-50"] = two_sd_sessions("golden-jsh-viable-50", 80, 50)
R["jsh-viable-51"] = two_sd_sessions("golden-jsh-viable-51", 80, 51)

# Tumour number rises after S1 (2 → 3) and after S2 (3 → 4); viable part stays ≤ 50 %.
R["jsh-1b-met"] = record(
    "golden-jsh-1b-met",
    imaging=[img("2024-01-05", 2, 3.0),
             img("2024-02-20", 3, 2.5, "PD", 30, new=1),
             img("2024-04-12", 4, 2.5, "PD", 40, new=1)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
         + std_labs("2024-04-12", ast=37, afp=50),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])


def one_session_markers(pid, afp, dcp=None):
    """One session; marker values on 01-08 (pre), 01-31, 02-14, 02-28 (post); CT 02-20."""
    dates = ["2024-01-08", "2024-01-31", "2024-02-14", "2024-02-28"]
    ls = []
    for i, d in enumerate(dates):
        if i in (0, 3):
            ls += std_labs(d, ast=35 if i == 0 else 36, afp=afp[i],
                           dcp=None if dcp is None else dcp[i])
        else:
            ls += labs(d, afp=afp[i], dcp=None if dcp is None else dcp[i])
    return record(
        pid,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 3.8, "SD", 40)],
        labs=ls,
        clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-02-28")],
        tace=["2024-01-10"])


R["jsh-2-afp-met"] = one_session_markers("golden-jsh-2-afp-met", [50, 60, 90, 150])
R["jsh-2-dcp-met"] = one_session_markers("golden-jsh-2-dcp-met", [8, 6, 5, 5], [60, 80, 120, 200])
R["jsh-2-afp-last-10"] = one_session_markers("golden-jsh-2-afp-last-10", [5, 6, 8, 10])


def one_session_then_followup(pid, vi, ehs, fhir=False):
    """One session, PR on its assessment (02-20), then a follow-up CT on 04-10 (the second
    study after S1, so not its response assessment) reporting the given findings."""
    return record(
        pid, fhir=fhir,
        imaging=[img("2024-01-05", 2, 4.0),
                 img("2024-02-20", 2, 2.5, "PR", 30),
                 img("2024-04-10", 2, 2.5, vi=vi, ehs=ehs)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
             + std_labs("2024-04-10", ast=36, afp=25),
        clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-10")],
        tace=["2024-01-10"])


R["new-vascular-invasion"] = one_session_then_followup("golden-new-vascular-invasion", "branch", False, fhir=True)
R["new-extrahepatic-spread"] = one_session_then_followup("golden-new-extrahepatic-spread", "absent", True, fhir=True)

R["aasld-decompensation"] = record(
    "golden-aasld-decompensation",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=labs("2024-01-08", bili=1.0, alb=3.8, inr=1.1, ast=40, afp=85)
         + labs("2024-02-20", bili=1.0, alb=3.8, inr=1.1, ast=42, afp=30)
         + labs("2024-03-15", bili=1.4, alb=3.2, inr=1.3, ast=45),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-03-15", ascites="moderate-severe")],
    tace=["2024-01-10"])

R["aasld-pd-after-first"] = record(
    "golden-aasld-pd-after-first", fhir=True,
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=120),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

R["raoul-pd-after-second"] = record(
    "golden-raoul-pd-after-second", fhir=True,
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 2.5, "PR", 30),
             img("2024-04-12", 2, 3.5, "PD", 80)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-04-12", ast=38, afp=40),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

# S2 (2024-03-01) has no imaging before S3 (2024-04-22): its assessment is missing.
R["missing-s2-assessment"] = record(
    "golden-missing-s2-assessment",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 3.8, "SD", 60),
             img("2024-06-03", 2, 3.8, "SD", 60)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
         + std_labs("2024-04-19", ast=36, afp=55) + std_labs("2024-06-03", ast=37, afp=50),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-19"), clin("2024-06-03")],
    tace=["2024-01-10", "2024-03-01", "2024-04-22"])

R["apasl-beyond-up-to-seven"] = record(
    "golden-apasl-beyond-up-to-seven",
    imaging=[img("2024-01-05", 3, 3.5), img("2024-02-20", 4, 4.5, "PD", 70, new=1)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=90),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

R["apasl-malbi-2b"] = record(
    "golden-apasl-malbi-2b",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=labs("2024-01-08", bili=1.0, alb=3.9, inr=1.1, ast=38, afp=85)
         + labs("2024-02-20", bili=1.5, alb=3.2, inr=1.2, ast=40, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

# No labs after 2024-01-08: on S1's assessment (2024-02-20, 43 days later) mALBI is unknown.
R["apasl-no-labs"] = record(
    "golden-apasl-no-labs",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

R["galle-never-responded"] = record(
    "golden-galle-never-responded", fhir=True,
    imaging=[img("2024-01-05", 2, 40, unit="mm"),
             img("2024-02-20", 2, 38, "SD", 40, unit="mm"),
             img("2024-04-12", 2, 36, "SD", 40, unit="mm")],
    labs=labs("2024-01-08", bili=14, alb=42, inr=1.1, ast=35, afp=85, si=True)
         + labs("2024-02-20", bili=14, alb=41, inr=1.1, ast=36, afp=60, si=True)
         + labs("2024-04-12", bili=15, alb=41, inr=1.1, ast=37, afp=50, si=True),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

R["galle-no-longer-responding"] = record(
    "golden-galle-no-longer-responding",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 2.5, "PR", 30),
             img("2024-04-12", 2, 2.8, "SD", 45),
             img("2024-06-03", 2, 2.9, "SD", 45)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-04-12", ast=37, afp=25) + std_labs("2024-06-03", ast=37, afp=20),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12"), clin("2024-06-03")],
    tace=["2024-01-10", "2024-03-01", "2024-04-22"])

R["bclc-ecog-rise"] = record(
    "golden-bclc-ecog-rise", fhir=True,
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-03-20", ast=36),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-03-20", ecog=1)],
    tace=["2024-01-10"])

R["bclc-pd-infiltrative"] = record(
    "golden-bclc-pd-infiltrative", fhir=True,
    imaging=[img("2024-01-05", 2, 4.0, morph="confluent-multinodular"),
             img("2024-02-20", 2, 4.8, "PD", 90, morph="massive-infiltrative")],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=38, afp=300),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])


def klca_pair(pid, s2, a2):
    return record(
        pid,
        imaging=[img("2024-01-05", 2, 4.0),
                 img("2024-02-20", 2, 3.8, "SD", 60),
                 img(a2, 2, 3.8, "SD", 60)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
             + std_labs("2024-07-08", ast=36, afp=55) + std_labs(a2, ast=37, afp=50),
        clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-07-08"), clin(a2)],
        tace=["2024-01-10", s2])


R["klca-183-days"] = klca_pair("golden-klca-183-days", "2024-07-11", "2024-08-22")
R["klca-184-days"] = klca_pair("golden-klca-184-days", "2024-07-12", "2024-08-23")

# S1's first study carries findings but no mRECIST category and no target measurements.
R["aasld-uncategorised"] = record(
    "golden-aasld-uncategorised",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 3.0, None, 40)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])


def one_session_pd(pid, a1):
    return record(
        pid,
        imaging=[img("2024-01-05", 2, 4.0), img(a1, 2, 5.0, "PD", 90)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs(a1, ast=36, afp=110),
        clinical=[clin("2024-01-08"), clin(a1)],
        tace=["2024-01-10"])


R["assessment-27-days"] = one_session_pd("golden-assessment-27-days", "2024-02-06")
R["assessment-93-days"] = one_session_pd("golden-assessment-93-days", "2024-04-12")

# The only study after S1 is 121 days later: S1's assessment window (120 days) closed empty.
R["imaging-121-days"] = record(
    "golden-imaging-121-days",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-05-10", 3, 5.0, "PD", 90, new=1)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-05-10", ast=37, afp=140),
    clinical=[clin("2024-01-08"), clin("2024-05-10")],
    tace=["2024-01-10"])

# S2 (2024-03-01) never imaged: its assessment is pending until 119 days, missing from 120 days.
R["s2-unimaged"] = record(
    "golden-s2-unimaged",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-06-20", ast=36, afp=25),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-06-20")],
    tace=["2024-01-10", "2024-03-01"])

# Branch portal vein invasion already on the baseline CT and unchanged after S1.
R["vi-present-at-baseline"] = record(
    "golden-vi-present-at-baseline",
    imaging=[img("2024-01-05", 2, 4.0, vi="branch"), img("2024-02-20", 2, 2.5, "PR", 30, vi="branch")],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

# The baseline CT does not report vascular invasion or extrahepatic spread.
R["baseline-unreported-then-present"] = record(
    "golden-baseline-unreported-then-present",
    imaging=[img("2024-01-05", 2, 4.0, vi=None, ehs=None),
             img("2024-02-20", 2, 2.5, "PR", 30, vi="branch", ehs=True)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])
R["baseline-unreported-then-absent"] = record(
    "golden-baseline-unreported-then-absent",
    imaging=[img("2024-01-05", 2, 4.0, vi=None, ehs=None),
             img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

# Second assessment: viable only 40 % but the treated nodule grew by exactly 50 % (TE1).
_enl = img("2024-04-12", 2, 4.5, "PD", 40)
_enl["treated_size_change_percent"] = 50
R["jsh-1a-enlargement"] = record(
    "golden-jsh-1a-enlargement",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 3.8, "SD", 60), _enl],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
         + std_labs("2024-04-12", ast=37, afp=50),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

R["aasld-encephalopathy"] = record(
    "golden-aasld-encephalopathy",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-03-15", ast=38),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-03-15", enceph="grade-1-2")],
    tace=["2024-01-10"])

# Morphology reported only on the baseline CT (confluent multinodular), 46 days before S1's assessment.
R["apasl-morphology-carried"] = record(
    "golden-apasl-morphology-carried",
    imaging=[img("2024-01-05", 2, 4.0, morph="confluent-multinodular"),
             img("2024-02-20", 2, 2.5, "PR", 30, morph=None)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

R["jsh-2-afp-transient-fall"] = one_session_markers("golden-jsh-2-afp-transient-fall", [100, 80, 120, 160])
R["jsh-2-afp-not-monotone"] = one_session_markers("golden-jsh-2-afp-not-monotone", [50, 60, 150, 90])


def marker_windows(pid, pre_date, post_dates, values):
    ls = labs(pre_date, afp=values[0]) + std_labs("2024-01-08", ast=35)
    for d, v in zip(post_dates, values[1:]):
        ls += labs(d, afp=v)
    last = post_dates[-1]
    ls += std_labs(last, ast=36)
    return record(
        pid,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 3.8, "SD", 40)],
        labs=ls,
        clinical=[clin("2024-01-08"), clin("2024-02-20"), clin(last)],
        tace=["2024-01-10"])


# AFP 30 days before S1 and 90 days after it: both inside the windows.
R["jsh-2-window-edges"] = marker_windows("golden-jsh-2-window-edges", "2023-12-11",
                                         ["2024-02-20", "2024-04-09"], [50, 70, 120])
# AFP 31 days before S1 and 91 days after it: both outside.
R["jsh-2-outside-windows"] = marker_windows("golden-jsh-2-outside-windows", "2023-12-10",
                                            ["2024-02-20", "2024-04-10"], [50, 70, 120])


def one_session_ecog(pid, ecog_before, ecog_after):
    return record(
        pid,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30),
        clinical=[clin("2024-01-08", ecog=ecog_before), clin("2024-02-20", ecog=ecog_after)],
        tace=["2024-01-10"])


R["ecog-stays-1"] = one_session_ecog("golden-ecog-stays-1", 1, 1)
R["no-baseline-ecog-then-0"] = one_session_ecog("golden-no-baseline-ecog-then-0", None, 0)

# SD after S1, PR after S2, then SD after S3 and S4: a late response that is lost.
R["late-response-then-lost"] = record(
    "golden-late-response-then-lost",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 3.8, "SD", 60),
             img("2024-04-12", 2, 2.8, "PR", 30),
             img("2024-06-03", 2, 3.0, "SD", 40),
             img("2024-07-25", 2, 3.1, "SD", 45)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
         + std_labs("2024-04-12", ast=36, afp=30) + std_labs("2024-06-03", ast=37, afp=25)
         + std_labs("2024-07-25", ast=37, afp=20),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12"), clin("2024-06-03"),
              clin("2024-07-25")],
    tace=["2024-01-10", "2024-03-01", "2024-04-22", "2024-06-13"])

# S2's assessment carries no response category, S3's is PD.
R["pd-after-uncategorised"] = record(
    "golden-pd-after-uncategorised",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-02-20", 2, 2.5, "PR", 30),
             img("2024-04-12", 2, 3.0, None, 50),
             img("2024-06-03", 2, 3.8, "PD", 80)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-04-12", ast=37, afp=40) + std_labs("2024-06-03", ast=38, afp=70),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12"), clin("2024-06-03")],
    tace=["2024-01-10", "2024-03-01", "2024-04-22"])


def art_record(pid, mrecist, largest, viable):
    """One session; on S1's assessment the INR is 1.8 (Child-Pugh 5 → 6), AST 35 → 38."""
    return record(
        pid,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, largest, mrecist, viable)],
        labs=std_labs("2024-01-08", ast=35, afp=85)
             + labs("2024-02-20", bili=0.8, alb=4.2, inr=1.8, ast=38, afp=30),
        clinical=[clin("2024-01-08"), clin("2024-02-20")],
        tace=["2024-01-10"])


R["art-2-5"] = art_record("golden-art-2-5", "SD", 3.8, 60)
R["art-1-5"] = art_record("golden-art-1-5", "PR", 2.5, 30)


def targets(study, pairs, nontarget="absent", new=0):
    study["target_lesions"] = [{"id": i, "viable_diameter": {"value": v, "unit": "cm"}} for i, v in pairs]
    study["nontarget"] = nontarget
    study["new_lesions"] = new
    return study


# mRECIST computed from targets: 5.0 + 3.0 = 8.0 cm → 4.4 + 1.2 = 5.6 cm, exactly −30 % (PR).
R["mrecist-pr-exactly-30"] = record(
    "golden-mrecist-pr-exactly-30",
    imaging=[targets(img("2024-01-05", 2, 5.0), [("T1", 5.0), ("T2", 3.0)]),
             targets(img("2024-02-20", 2, 4.6, None, 45), [("T1", 4.4), ("T2", 1.2)]),
             img("2024-04-12", 2, 4.6, "SD", 45)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=60)
         + std_labs("2024-04-12", ast=37, afp=50),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

# mRECIST computed from targets: 4.0 + 3.0 = 7.0 cm → 4.3 + 4.1 = 8.4 cm, exactly +20 % (PD).
R["mrecist-pd-exactly-20"] = record(
    "golden-mrecist-pd-exactly-20",
    imaging=[targets(img("2024-01-05", 2, 4.0), [("T1", 4.0), ("T2", 3.0)]),
             targets(img("2024-02-20", 2, 4.3, None, 90), [("T1", 4.3), ("T2", 4.1)])],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=120),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

# Targets say PD (6.0 → 7.5 cm, +25 %) but the recorded category is SD.
R["mrecist-recorded-wins"] = record(
    "golden-mrecist-recorded-wins",
    imaging=[targets(img("2024-01-05", 2, 4.0), [("T1", 4.0), ("T2", 2.0)]),
             targets(img("2024-02-20", 2, 5.0, "SD", 70), [("T1", 5.0), ("T2", 2.5)])],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=90),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

# S1's only follow-up CT is dated the day of S2 (2024-03-01, the pre-procedure CT).
R["ct-on-next-session-day"] = record(
    "golden-ct-on-next-session-day",
    imaging=[img("2024-01-05", 2, 4.0),
             img("2024-03-01", 2, 3.8, "SD", 70),
             img("2024-04-12", 2, 3.8, "SD", 80)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-28", ast=36, afp=60)
         + std_labs("2024-04-12", ast=37, afp=50),
    clinical=[clin("2024-01-08"), clin("2024-02-28"), clin("2024-04-12")],
    tace=["2024-01-10", "2024-03-01"])

# --- checkpoint records with TACE --------------------------------------------------------------

R["checkpoint-cp-rise"] = record(
    "golden-checkpoint-cp-rise",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85)
         + labs("2024-02-20", bili=0.8, alb=4.0, inr=1.8, ast=40, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20", ascites="slight")],
    tace=["2024-01-10"])

R["checkpoint-art-ast-rise"] = record(
    "golden-checkpoint-art-ast-rise",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=60, afp=30),
    clinical=[clin("2024-01-08"), clin("2024-02-20")],
    tace=["2024-01-10"])

# --- candidacy and checkpoint before any TACE --------------------------------------------------


def untreated(pid, *, count=2, largest=4.0, vi="absent", ehs=False, morph="simple-nodular",
              bilobar=False, curative=True, creat=0.9, lab_kw=None, ascites="none", ecog=0,
              fhir=False, drop_albumin=False):
    kw = dict(STD, ast=35, afp=85, creat=creat)
    if lab_kw:
        kw.update(lab_kw)
    if drop_albumin:
        kw.pop("alb")
    return record(
        pid, curative=curative, fhir=fhir,
        imaging=[img("2024-02-01", count, largest, vi=vi, ehs=ehs, morph=morph, bilobar=bilobar)],
        labs=labs("2024-02-02", **kw),
        clinical=[clin("2024-02-02", ascites=ascites, ecog=ecog)])


R["untreated-bclc-b"] = untreated("golden-untreated-bclc-b")
R["untreated-curative-unknown"] = untreated("golden-untreated-curative-unknown", curative=None)
R["untreated-main-portal-vein"] = untreated("golden-untreated-main-portal-vein", vi="main-portal-vein")
R["untreated-single-small"] = untreated("golden-untreated-single-small", count=1, largest=2.5)
R["untreated-branch-invasion"] = untreated("golden-untreated-branch-invasion", vi="branch")
R["untreated-creatinine-high"] = untreated("golden-untreated-creatinine-high", creat=2.5)
R["untreated-infiltrative"] = untreated("golden-untreated-infiltrative", morph="massive-infiltrative")
R["untreated-bilobar-beyond"] = untreated("golden-untreated-bilobar-beyond", count=4, largest=4.0, bilobar=True)
R["untreated-no-morphology"] = untreated("golden-untreated-no-morphology", morph=None)
R["untreated-no-albumin"] = untreated("golden-untreated-no-albumin", drop_albumin=True)
R["untreated-malbi-2b"] = untreated("golden-untreated-malbi-2b",
                                    lab_kw=dict(bili=1.5, alb=3.2, inr=1.2, ast=40))
R["untreated-child-pugh-c"] = untreated("golden-untreated-child-pugh-c", fhir=True, curative=None,
                                        ascites="moderate-severe", ecog=1, creat=1.0,
                                        lab_kw=dict(bili=3.5, alb=2.6, inr=1.8, ast=80))
R["untreated-ecog-3"] = untreated("golden-untreated-ecog-3", ecog=3)

R["untreated-variceal-bleeding"] = untreated("golden-untreated-variceal-bleeding")
R["untreated-variceal-bleeding"]["native"]["conditions"] = [{"code": "variceal-bleeding", "onset": "2023-11-15"}]
R["untreated-creatinine-2"] = untreated("golden-untreated-creatinine-2", creat=2.0)
R["untreated-child-pugh-b8"] = untreated("golden-untreated-child-pugh-b8", ascites="slight",
                                         lab_kw=dict(bili=2.5, alb=3.0, inr=1.5, ast=60))

# CT 2024-01-01, labs and bedside 2024-04-01: the CT is 92 days old on 2024-04-02, 93 on 04-03.
R["untreated-imaging-currency"] = record(
    "golden-untreated-imaging-currency",
    imaging=[img("2024-01-01", 2, 4.0)],
    labs=labs("2024-04-01", ast=35, afp=85, creat=0.9, **STD),
    clinical=[clin("2024-04-01")])

# --- systemic therapy records (CLINICAL_RULES.md §7–§9) -----------------------------------------
#
# All named therapy-*. Three courses:
#   l1  one cTACE S1 2024-01-10 (baseline CT 2024-01-05, labs/bedside 2024-01-08), PD on S1's
#       assessment CT 2024-02-20 (AASLD refractory), decision visit 2024-03-01 (labs, bedside,
#       weight), endoscopy 2024-02-15; evaluated as of 2024-03-01 → first line.
#   l2  as l1, then a first-line regimen 2024-03-04 → 2024-06-24 (stopped), CT 2024-06-20 PD,
#       visit 2024-06-27; evaluated as of 2024-06-27 → second line.
#   on  as l1, then a regimen from 2024-03-04 still going, CT 2024-05-20, visit 2024-05-27.
# Standard visit panel: bilirubin 0.8 mg/dL, albumin 4.2 g/dL, INR 1.1, no ascites or
# encephalopathy → Child-Pugh A5; ECOG 0; weight 70 kg.


def sys_(regimen, start, end=None, stop=None, dose=None, days=None):
    s = {"regimen": regimen, "start": start}
    if end is not None:
        s["end"] = end
    if stop is not None:
        s["stop_reason"] = stop
    if dose is not None:
        s["dose_mg_per_day"] = dose
    if days is not None:
        s["days_at_dose_last_28"] = days
    return s


def endo(date, varices):
    return {"date": date, "varices": varices}


def cond(code, onset=None, abatement=None):
    c = {"code": code}
    if onset is not None:
        c["onset"] = onset
    if abatement is not None:
        c["abatement"] = abatement
    return c


def visit_labs(date, afp, lab_kw=None):
    kw = dict(STD, ast=36, afp=afp)
    kw.update(lab_kw or {})
    return labs(date, **{k: v for k, v in kw.items() if v is not None})


def th_l1(name, *, vi="absent", occ=20, bile=False, lab_kw=None, afp=120, ascites="none", enceph="none",
          ecog=0, weight=(70, "kg"), endoscopy=(("2024-02-15", "none"),), conditions=(), extra_labs=(),
          fhir=False):
    return record(
        f"golden-{name}", fhir=fhir,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, vi=vi, occ=occ, bile=bile)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + list(extra_labs) + visit_labs("2024-03-01", afp, lab_kw),
        clinical=[clin("2024-01-08"), clin("2024-03-01", ascites, enceph, ecog, weight)],
        tace=["2024-01-10"],
        endoscopy=[endo(d, v) for d, v in endoscopy], conditions=list(conditions))


def th_l2(name, first, *, stop="progression", dose=None, days=None, afp=520, lab_kw=None, ascites="none",
          ecog=0, weight=(70, "kg"), conditions=(), fhir=False):
    return record(
        f"golden-{name}", fhir=fhir,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, occ=20, bile=False),
                 img("2024-06-20", 3, 6.0, "PD", 95, new=1, occ=30, bile=False)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-03-01", ast=36, afp=120)
             + visit_labs("2024-06-27", afp, lab_kw),
        clinical=[clin("2024-01-08"), clin("2024-03-01", weight=(70, "kg")),
                  clin("2024-06-27", ascites, "none", ecog, weight)],
        tace=["2024-01-10"],
        systemic=[sys_(first, "2024-03-04", "2024-06-24", stop, dose, days)],
        endoscopy=[endo("2024-02-15", "none")], conditions=list(conditions))


def th_on(name, regimen, *, vi="absent", lab_kw=None, ascites="none", fhir=False):
    return record(
        f"golden-{name}", fhir=fhir,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, occ=20, bile=False),
                 img("2024-05-20", 2, 4.8, "SD", 70, vi=vi, occ=25, bile=False)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-03-01", ast=36, afp=120)
             + visit_labs("2024-05-27", 110, lab_kw),
        clinical=[clin("2024-01-08"), clin("2024-03-01", weight=(70, "kg")),
                  clin("2024-05-27", ascites, "none", 0, (70, "kg"))],
        tace=["2024-01-10"],
        systemic=[sys_(regimen, "2024-03-04")],
        endoscopy=[endo("2024-02-15", "none")])


CP_B7 = dict(bili=2.2, alb=3.4)             # 2 + 2 + 1 + 1 + 1 = 7
CP_B8 = dict(bili=2.5, alb=3.0, inr=1.5)    # with slight ascites: 2 + 2 + 1 + 2 + 1 = 8
CP_C10 = dict(bili=3.5, alb=2.6, inr=1.5)   # with slight ascites: 3 + 3 + 1 + 2 + 1 = 10

# First line: statuses, doses, boundaries.
R["therapy-l1-all-eligible"] = th_l1("therapy-l1-all-eligible")
R["therapy-l1-weight-160-lb"] = th_l1("therapy-l1-weight-160-lb", ecog=1, weight=(160, "lb"),
                                      endoscopy=(("2024-02-15", "treated"),))
R["therapy-l1-weight-60-kg"] = th_l1("therapy-l1-weight-60-kg", weight=(60, "kg"))
R["therapy-l1-weight-59-9-kg"] = th_l1("therapy-l1-weight-59-9-kg", weight=(59.9, "kg"))
R["therapy-l1-weight-132-3-lb"] = th_l1("therapy-l1-weight-132-3-lb", weight=(132.3, "lb"), fhir=True)
R["therapy-l1-no-weight"] = th_l1("therapy-l1-no-weight", weight=None)
R["therapy-l1-no-endoscopy"] = th_l1("therapy-l1-no-endoscopy", endoscopy=())
R["therapy-l1-endoscopy-exactly-6-months"] = th_l1("therapy-l1-endoscopy-exactly-6-months",
                                                   endoscopy=(("2023-09-01", "low-risk"),))
R["therapy-l1-endoscopy-6-months-1-day"] = th_l1("therapy-l1-endoscopy-6-months-1-day",
                                                 endoscopy=(("2023-08-31", "low-risk"),))
R["therapy-l1-high-risk-varices"] = th_l1("therapy-l1-high-risk-varices",
                                          endoscopy=(("2024-02-15", "high-risk-untreated"),), fhir=True)
R["therapy-l1-variceal-bleeding-recent"] = th_l1(
    "therapy-l1-variceal-bleeding-recent", endoscopy=(("2024-02-15", "treated"),),
    conditions=[cond("variceal-bleeding", "2024-01-20", "2024-01-22")], fhir=True)
R["therapy-l1-variceal-bleeding-6-months-1-day"] = th_l1(
    "therapy-l1-variceal-bleeding-6-months-1-day", endoscopy=(("2024-02-15", "treated"),),
    conditions=[cond("variceal-bleeding", "2023-08-31", "2023-09-03")])
R["therapy-l1-uncontrolled-hypertension"] = th_l1(
    "therapy-l1-uncontrolled-hypertension", conditions=[cond("uncontrolled-hypertension", "2023-11-01")])
R["therapy-l1-major-bleeding-recent"] = th_l1(
    "therapy-l1-major-bleeding-recent", conditions=[cond("major-bleeding", "2024-01-25", "2024-01-30")])
R["therapy-l1-arterial-thrombosis-recent"] = th_l1(
    "therapy-l1-arterial-thrombosis-recent", conditions=[cond("arterial-thrombosis", "2024-02-05")])
R["therapy-l1-autoimmune"] = th_l1("therapy-l1-autoimmune", conditions=[cond("active-autoimmune-disease", "2010-05-01")])
R["therapy-l1-autoimmune-abated"] = th_l1(
    "therapy-l1-autoimmune-abated", conditions=[cond("active-autoimmune-disease", "2010-05-01", "2020-01-01")])
R["therapy-l1-transplant-occupation-49"] = th_l1(
    "therapy-l1-transplant-occupation-49", occ=49, conditions=[cond("solid-organ-transplant", "2019-06-01")], fhir=True)
R["therapy-l1-transplant-occupation-50"] = th_l1(
    "therapy-l1-transplant-occupation-50", occ=50, conditions=[cond("solid-organ-transplant", "2019-06-01")])
R["therapy-l1-transplant-main-portal-vein"] = th_l1(
    "therapy-l1-transplant-main-portal-vein", vi="main-portal-vein",
    conditions=[cond("solid-organ-transplant", "2019-06-01")])
R["therapy-l1-main-portal-vein"] = th_l1("therapy-l1-main-portal-vein", vi="main-portal-vein")
R["therapy-l1-main-portal-vein-no-endoscopy"] = th_l1("therapy-l1-main-portal-vein-no-endoscopy",
                                                      vi="main-portal-vein", endoscopy=())
R["therapy-l1-bile-duct-autoimmune"] = th_l1("therapy-l1-bile-duct-autoimmune", bile=True,
                                             conditions=[cond("active-autoimmune-disease", "2010-05-01")])
R["therapy-l1-occupation-unreported-autoimmune"] = th_l1(
    "therapy-l1-occupation-unreported-autoimmune", occ=None,
    conditions=[cond("active-autoimmune-disease", "2010-05-01")])
R["therapy-l1-child-pugh-a6"] = th_l1("therapy-l1-child-pugh-a6", lab_kw=dict(alb=3.4))
R["therapy-l1-child-pugh-b7"] = th_l1("therapy-l1-child-pugh-b7", lab_kw=CP_B7)
R["therapy-l1-child-pugh-b8"] = th_l1("therapy-l1-child-pugh-b8", lab_kw=CP_B8, ascites="slight")
R["therapy-l1-child-pugh-c10"] = th_l1("therapy-l1-child-pugh-c10", lab_kw=CP_C10, ascites="slight")
R["therapy-l1-no-inr"] = th_l1("therapy-l1-no-inr", lab_kw=dict(inr=None))
R["therapy-l1-ecog-2"] = th_l1("therapy-l1-ecog-2", ecog=2)
R["therapy-l1-ecog-3"] = th_l1("therapy-l1-ecog-3", ecog=3)
R["therapy-l1-no-ecog"] = th_l1("therapy-l1-no-ecog", ecog=None)

# Variceal bleeding on 2024-03-01, evaluated 2024-09-01: exactly 6 calendar months (184 days).
R["therapy-variceal-bleeding-exactly-6-months"] = record(
    "golden-therapy-variceal-bleeding-exactly-6-months",
    imaging=[img("2024-06-05", 2, 4.0), img("2024-07-22", 2, 5.0, "PD", 90, occ=20, bile=False)],
    labs=std_labs("2024-06-07", ast=35, afp=85) + visit_labs("2024-09-01", 120),
    clinical=[clin("2024-06-07"), clin("2024-09-01", weight=(70, "kg"))],
    tace=["2024-06-10"],
    endoscopy=[endo("2024-08-15", "treated")],
    conditions=[cond("variceal-bleeding", "2024-03-01", "2024-03-05")])

# Second line.
R["therapy-l2-after-sorafenib"] = th_l2("therapy-l2-after-sorafenib", "sorafenib", dose=800, days=28, fhir=True)
R["therapy-l2-sorafenib-400-on-20-afp-400"] = th_l2("therapy-l2-sorafenib-400-on-20-afp-400", "sorafenib",
                                                    dose=400, days=20, afp=400)
R["therapy-l2-sorafenib-400-on-19-afp-399-9"] = th_l2("therapy-l2-sorafenib-400-on-19-afp-399-9", "sorafenib",
                                                      dose=400, days=19, afp=399.9)
R["therapy-l2-sorafenib-399-mg"] = th_l2("therapy-l2-sorafenib-399-mg", "sorafenib", dose=399, days=28)
R["therapy-l2-sorafenib-intolerance"] = th_l2("therapy-l2-sorafenib-intolerance", "sorafenib",
                                              stop="intolerance", dose=400, days=12)
R["therapy-l2-sorafenib-no-dose-no-afp"] = th_l2("therapy-l2-sorafenib-no-dose-no-afp", "sorafenib",
                                                 lab_kw=dict(afp=None))
R["therapy-l2-after-atezolizumab-bevacizumab"] = th_l2("therapy-l2-after-atezolizumab-bevacizumab",
                                                       "atezolizumab-bevacizumab")
R["therapy-l2-after-lenvatinib"] = th_l2("therapy-l2-after-lenvatinib", "lenvatinib", dose=12, days=28)
R["therapy-l2-child-pugh-b7"] = th_l2("therapy-l2-child-pugh-b7", "sorafenib", dose=800, days=28, lab_kw=CP_B7)
R["therapy-l2-ecog-2"] = th_l2("therapy-l2-ecog-2", "sorafenib", dose=800, days=28, ecog=2)
R["therapy-l2-child-pugh-c10"] = th_l2("therapy-l2-child-pugh-c10", "sorafenib", dose=800, days=28,
                                       lab_kw=CP_C10, ascites="slight")
R["therapy-l2-after-durvalumab-tremelimumab"] = th_l2("therapy-l2-after-durvalumab-tremelimumab",
                                                      "durvalumab-tremelimumab")
R["therapy-l2-no-ecog"] = th_l2("therapy-l2-no-ecog", "sorafenib", dose=800, days=28, ecog=None)
R["therapy-l2-transplant"] = th_l2("therapy-l2-transplant", "sorafenib", dose=800, days=28,
                                   conditions=[cond("solid-organ-transplant", "2019-06-01")])

# Ongoing therapy, follow-up, alerts.
R["therapy-on-lenvatinib-branch"] = th_on("therapy-on-lenvatinib-branch", "lenvatinib", vi="branch")
R["therapy-alert5-lenvatinib-main-portal-vein"] = th_on("therapy-alert5-lenvatinib-main-portal-vein", "lenvatinib",
                                                        vi="main-portal-vein")
R["therapy-alert3-lenvatinib-child-pugh-c"] = th_on("therapy-alert3-lenvatinib-child-pugh-c", "lenvatinib",
                                                    lab_kw=CP_C10, ascites="slight")

# Child-Pugh C10 documented on 2024-05-27 while lenvatinib went on until 2024-06-24; no labs after.
R["therapy-alert3-child-pugh-c-during-stopped-lenvatinib"] = th_on(
    "therapy-alert3-child-pugh-c-during-stopped-lenvatinib", "lenvatinib", lab_kw=CP_C10, ascites="slight")
R["therapy-alert3-child-pugh-c-during-stopped-lenvatinib"]["native"]["systemic_therapy"][0].update(
    {"end": "2024-06-24", "stop_reason": "other"})

# Pitfall 1: PR after S1 (no definition refractory), sorafenib started 2024-03-04.
R["therapy-alert1-adjuvant-sorafenib"] = record(
    "golden-therapy-alert1-adjuvant-sorafenib",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30, occ=10, bile=False)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-02-20", ast=36, afp=30)
         + std_labs("2024-03-01", ast=36, afp=25),
    clinical=[clin("2024-01-08"), clin("2024-02-20"), clin("2024-03-01", weight=(70, "kg"))],
    tace=["2024-01-10"],
    systemic=[sys_("sorafenib", "2024-03-04")],
    endoscopy=[endo("2024-02-15", "none")])

# Pitfall 2: PD after S1, sorafenib from 2024-03-04, second TACE on 2024-04-15 during it.
R["therapy-alert2-sorafenib-with-tace"] = record(
    "golden-therapy-alert2-sorafenib-with-tace",
    imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, occ=20, bile=False),
             img("2024-04-12", 2, 5.0, "SD", 85, occ=20, bile=False)],
    labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-03-01", ast=36, afp=120)
         + std_labs("2024-04-12", ast=36, afp=110),
    clinical=[clin("2024-01-08"), clin("2024-03-01", weight=(70, "kg")), clin("2024-04-12", weight=(70, "kg"))],
    tace=["2024-01-10", "2024-04-15"],
    systemic=[sys_("sorafenib", "2024-03-04")],
    endoscopy=[endo("2024-02-15", "none")])


def th_bev(name, endoscopy):
    """PD after S1; atezolizumab-bevacizumab from 2024-03-04, ongoing; evaluated 2024-03-15."""
    return record(
        f"golden-{name}",
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, occ=20, bile=False)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-03-01", ast=36, afp=120),
        clinical=[clin("2024-01-08"), clin("2024-03-01", weight=(70, "kg"))],
        tace=["2024-01-10"],
        systemic=[sys_("atezolizumab-bevacizumab", "2024-03-04")],
        endoscopy=[endo(d, v) for d, v in endoscopy])


R["therapy-alert4-no-endoscopy"] = th_bev("therapy-alert4-no-endoscopy", ())
R["therapy-alert4-endoscopy-exactly-6-months"] = th_bev("therapy-alert4-endoscopy-exactly-6-months",
                                                        (("2023-09-04", "treated"),))
R["therapy-alert4-endoscopy-6-months-1-day"] = th_bev("therapy-alert4-endoscopy-6-months-1-day",
                                                      (("2023-09-03", "treated"),))
R["therapy-alert4-untreated-varices"] = th_bev("therapy-alert4-untreated-varices",
                                               (("2024-02-15", "high-risk-untreated"),))


def th_rego(name, sorafenib, rego_start, visit, ct, fhir=False):
    """PD after S1; sorafenib episode as given, then regorafenib from rego_start, ongoing."""
    return record(
        f"golden-{name}", fhir=fhir,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, occ=20, bile=False),
                 img(ct, 3, 6.0, "PD", 95, new=1, occ=30, bile=False)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-03-01", ast=36, afp=120)
             + visit_labs(visit, 300),
        clinical=[clin("2024-01-08"), clin("2024-03-01", weight=(70, "kg")), clin(visit, weight=(70, "kg"))],
        tace=["2024-01-10"],
        systemic=[sorafenib, sys_("regorafenib", rego_start)],
        endoscopy=[endo("2024-02-15", "none")])


R["therapy-alert6-regorafenib-after-intolerance"] = th_rego(
    "therapy-alert6-regorafenib-after-intolerance",
    sys_("sorafenib", "2024-03-04", "2024-04-15", "intolerance", 400, 12), "2024-04-22", "2024-04-29", "2024-04-18",
    fhir=True)
R["therapy-alert6-regorafenib-after-399-mg"] = th_rego(
    "therapy-alert6-regorafenib-after-399-mg",
    sys_("sorafenib", "2024-03-04", "2024-06-24", "progression", 399, 28), "2024-07-01", "2024-07-05", "2024-06-20")
R["therapy-on-regorafenib-after-tolerated-sorafenib"] = th_rego(
    "therapy-on-regorafenib-after-tolerated-sorafenib",
    sys_("sorafenib", "2024-03-04", "2024-06-24", "progression", 400, 20), "2024-07-01", "2024-07-05", "2024-06-20")

# Pitfall 7 on the l1 course.
R["therapy-alert7-ascites"] = th_l1("therapy-alert7-ascites", ascites="slight")
R["therapy-alert7-encephalopathy"] = th_l1("therapy-alert7-encephalopathy", enceph="grade-1-2")
R["therapy-alert7-bilirubin-3-1"] = th_l1("therapy-alert7-bilirubin-3-1", lab_kw=dict(bili=3.1),
                                          extra_labs=std_labs("2024-02-20", bili=2.5, ast=36))
R["therapy-alert7-bilirubin-3-0"] = th_l1("therapy-alert7-bilirubin-3-0", lab_kw=dict(bili=3.0),
                                          extra_labs=std_labs("2024-02-20", bili=2.5, ast=36))

# Later lines (CLINICAL_RULES §7 "Later lines", P-later-lines): l3 = as l2 with a first regimen,
# then a second regimen to 2024-10-14, CT 2024-10-10 PD, visit 2024-10-17 (labs, bedside, ECOG 0,
# 70 kg); evaluated as of 2024-10-17 → third line.
def th_l3(name, first, second, *, afp=520, lab_kw=None, ecog=0, weight=(70, "kg"), fhir=False):
    return record(
        f"golden-{name}", fhir=fhir,
        imaging=[img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90, occ=20, bile=False),
                 img("2024-06-20", 3, 6.0, "PD", 95, new=1, occ=30, bile=False),
                 img("2024-10-10", 3, 6.5, "PD", 95, new=1, occ=35, bile=False)],
        labs=std_labs("2024-01-08", ast=35, afp=85) + std_labs("2024-03-01", ast=36, afp=120)
             + std_labs("2024-06-27", ast=36, afp=200) + visit_labs("2024-10-17", afp, lab_kw),
        clinical=[clin("2024-01-08"), clin("2024-03-01", weight=(70, "kg")), clin("2024-06-27", weight=(70, "kg")),
                  clin("2024-10-17", "none", "none", ecog, weight)],
        tace=["2024-01-10"],
        systemic=[first, second],
        endoscopy=[endo("2024-02-15", "none")])


SOR_INTOL = sys_("sorafenib", "2024-03-04", "2024-04-15", "intolerance", 400, 12)
LEN_PROG = sys_("lenvatinib", "2024-04-22", "2024-10-14", "progression", 12, 28)
R["therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-50"] = th_l3(
    "therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-50", SOR_INTOL, LEN_PROG, afp=50)
R["therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-400"] = th_l3(
    "therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-400", SOR_INTOL, LEN_PROG, afp=400)
R["therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-399-9"] = th_l3(
    "therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-399-9", SOR_INTOL, LEN_PROG, afp=399.9)
R["therapy-l3-sorafenib-progression-no-dose"] = th_l3(
    "therapy-l3-sorafenib-progression-no-dose", sys_("sorafenib", "2024-03-04", "2024-06-24", "progression"),
    sys_("cabozantinib", "2024-07-01", "2024-10-14", "progression"))
R["therapy-l3-sorafenib-no-stop-reason"] = th_l3(
    "therapy-l3-sorafenib-no-stop-reason", sys_("sorafenib", "2024-03-04", "2024-06-24"),
    sys_("cabozantinib", "2024-07-01", "2024-10-14", "progression"))
R["therapy-l3-after-durvalumab-tremelimumab-then-sorafenib"] = th_l3(
    "therapy-l3-after-durvalumab-tremelimumab-then-sorafenib",
    sys_("durvalumab-tremelimumab", "2024-03-04", "2024-06-24", "progression"),
    sys_("sorafenib", "2024-07-01", "2024-10-14", "progression", 800, 28))
# Regorafenib started at line 3 after sorafenib intolerance at line 1 (pitfall 6 at any line).
R["therapy-alert6-regorafenib-line-3-after-intolerance"] = th_l3(
    "therapy-alert6-regorafenib-line-3-after-intolerance", SOR_INTOL, LEN_PROG)
R["therapy-alert6-regorafenib-line-3-after-intolerance"]["native"]["systemic_therapy"].append(
    sys_("regorafenib", "2024-10-16"))


# Currency of ECOG and weight (CLINICAL_RULES §7 "Currency", P-ecog-weight-currency): the l1 course
# with no ECOG (and, for the weight cases, no weight) at the 2024-03-01 visit or on 2024-01-08;
# one bedside entry on `on` carries ECOG 1 and/or the weight.
def th_currency(name, on, *, ecog=None, weight=None):
    r = th_l1(name, ecog=None if ecog is not None else 0, weight=None if weight is not None else (70, "kg"))
    clinical = r["native"]["clinical"]
    clinical[0].pop("ecog", None)  # 2024-01-08
    clinical.append(clin(on, None, None, ecog, weight))
    clinical.sort(key=lambda e: e["date"])
    return r


for days, on in ((30, "2024-01-31"), (31, "2024-01-30"), (90, "2023-12-02"), (91, "2023-12-01")):
    R[f"therapy-l1-ecog-{days}-days"] = th_currency(f"therapy-l1-ecog-{days}-days", on, ecog=1)
for days, on in ((45, "2024-01-16"), (90, "2023-12-02"), (91, "2023-12-01")):
    R[f"therapy-l1-weight-{days}-days"] = th_currency(f"therapy-l1-weight-{days}-days", on, weight=(70, "kg"))

# Confirmations (P-confirmation): REFLECT exclusions unreported; occupation 49.9% (below 50%).
R["therapy-l1-reflect-unreported-transplant"] = th_l1(
    "therapy-l1-reflect-unreported-transplant", occ=None, bile=None,
    conditions=[cond("solid-organ-transplant", "2019-06-01")])
R["therapy-l1-transplant-occupation-49-9"] = th_l1(
    "therapy-l1-transplant-occupation-49-9", occ=49.9, conditions=[cond("solid-organ-transplant", "2019-06-01")])

# --- FHIR R4 -----------------------------------------------------------------------------------

HCC = "urn:switchpoint:hcc"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CAT = "http://terminology.hl7.org/CodeSystem/observation-category"
BASE = "https://example.org/fhir"

LAB_CODES = {  # (test, unit) -> (LOINC, display, UCUM code, printed unit)
    ("bilirubin", "mg/dL"): ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
    ("bilirubin", "umol/L"): ("14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma", "umol/L", "umol/L"),
    ("albumin", "g/dL"): ("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", "g/dL"),
    ("albumin", "g/L"): ("1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/L", "g/L"),
    ("inr", "INR"): ("6301-6", "INR in Platelet poor plasma by Coagulation assay", "{INR}", "INR"),
    ("ast", "U/L"): ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", "U/L"),
    ("creatinine", "mg/dL"): ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL"),
    ("afp", "ng/mL"): ("1834-1", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma", "ng/mL", "ng/mL"),
    ("dcp", "mAU/mL"): ("34444-0", "Des-gamma-carboxyprothrombin in Serum or Plasma", "m[arb'U]/mL", "mAU/mL"),
}


def coding(system, code, display=None):
    c = {"system": system, "code": code}
    if display:
        c["display"] = display
    return c


def fhir_bundle(name, native):
    pid = native["patient"]["id"]
    subject = {"reference": f"Patient/{pid}"}
    entries = []

    def add(resource):
        entries.append({"fullUrl": f"{BASE}/{resource['resourceType']}/{resource['id']}",
                        "resource": resource})

    patient = {"resourceType": "Patient", "id": pid,
               "gender": native["patient"]["sex"], "birthDate": native["patient"]["birth_date"]}
    add(patient)

    def obs(oid, category, code, date, **value):
        o = {"resourceType": "Observation", "id": oid, "status": "final",
             "category": [{"coding": [coding(CAT, category)]}],
             "code": {"coding": [code]}, "subject": subject, "effectiveDateTime": date}
        o.update(value)
        add(o)

    def qty(value, unit, code):
        return {"value": value, "unit": unit, "system": UCUM, "code": code}

    def concept(code):
        return {"coding": [coding(HCC, code)]}

    cur = native["patient"].get("curative_treatment_unsuitable")
    if cur is not None:
        first = min(e["date"] for e in native.get("imaging", []) + native.get("labs", []))
        obs(f"curative-unsuitable-{first.replace('-', '')}", "exam",
            coding(HCC, "curative-treatment-unsuitable", "Curative treatment judged unsuitable"),
            first, valueBoolean=cur)

    for s in native.get("imaging", []):
        d = s["date"]
        k = d.replace("-", "")

        def hcc(code, display):
            return coding(HCC, code, display)
        if "tumor_count" in s:
            obs(f"tumor-count-{k}", "imaging", hcc("intrahepatic-tumor-count", "Number of intrahepatic tumours"),
                d, valueInteger=s["tumor_count"])
        if "largest_diameter" in s:
            u = s["largest_diameter"]["unit"]
            obs(f"largest-diameter-{k}", "imaging", hcc("largest-tumor-diameter", "Largest tumour diameter"),
                d, valueQuantity=qty(s["largest_diameter"]["value"], u, u))
        if "new_lesions" in s:
            obs(f"new-lesions-{k}", "imaging", hcc("new-intrahepatic-lesion", "New intrahepatic lesions"),
                d, valueInteger=s["new_lesions"])
        if "mrecist" in s:
            obs(f"mrecist-{k}", "imaging", hcc("mrecist-response", "mRECIST response as recorded"),
                d, valueCodeableConcept=concept(s["mrecist"]))
        if "viable_tumor_percent" in s:
            obs(f"viable-percent-{k}", "imaging", hcc("viable-tumor-percent", "Viable part of the treated nodules"),
                d, valueQuantity=qty(s["viable_tumor_percent"], "%", "%"))
        if "vascular_invasion" in s:
            obs(f"macrovascular-invasion-{k}", "imaging", hcc("macrovascular-invasion", "Macrovascular invasion"),
                d, valueCodeableConcept=concept(s["vascular_invasion"]))
        if "extrahepatic_spread" in s:
            obs(f"extrahepatic-spread-{k}", "imaging", hcc("extrahepatic-spread", "Extrahepatic spread"),
                d, valueBoolean=s["extrahepatic_spread"])
        if "morphology" in s:
            obs(f"morphology-{k}", "imaging", hcc("tumor-morphology", "Tumour morphology"),
                d, valueCodeableConcept=concept(s["morphology"]))
        if "bilobar" in s:
            obs(f"bilobar-{k}", "imaging", hcc("bilobar-disease", "Bilobar disease"),
                d, valueBoolean=s["bilobar"])
        if "liver_occupation_percent" in s:
            obs(f"liver-occupation-{k}", "imaging", hcc("liver-occupation-percent", "Liver occupied by tumour"),
                d, valueQuantity=qty(s["liver_occupation_percent"], "%", "%"))
        if "bile_duct_invasion" in s:
            obs(f"bile-duct-invasion-{k}", "imaging", hcc("bile-duct-invasion", "Bile duct invasion"),
                d, valueBoolean=s["bile_duct_invasion"])

    for l in native.get("labs", []):
        loinc, display, ucum, printed = LAB_CODES[(l["test"], l["unit"])]
        obs(f"{l['test']}-{l['date'].replace('-', '')}", "laboratory", coding(LOINC, loinc, display),
            l["date"], valueQuantity=qty(l["value"], printed, ucum))

    for c in native.get("clinical", []):
        k = c["date"].replace("-", "")
        if "ascites" in c:
            obs(f"ascites-{k}", "exam", coding(HCC, "ascites", "Ascites (Child-Pugh grade)"),
                c["date"], valueCodeableConcept=concept(c["ascites"]))
        if "encephalopathy" in c:
            obs(f"encephalopathy-{k}", "exam", coding(HCC, "encephalopathy", "Hepatic encephalopathy (West Haven)"),
                c["date"], valueCodeableConcept=concept(c["encephalopathy"]))
        if "ecog" in c:
            obs(f"ecog-{k}", "survey", coding(LOINC, "89247-1", "ECOG Performance Status score"),
                c["date"], valueInteger=c["ecog"])
        if "weight" in c:
            u = c["weight"]["unit"]
            obs(f"weight-{k}", "vital-signs", coding(LOINC, "29463-7", "Body weight"),
                c["date"], valueQuantity=qty(c["weight"]["value"], u, {"kg": "kg", "lb": "[lb_av]"}[u]))

    for t in native.get("tace", []):
        add({"resourceType": "Procedure", "id": f"tace-{t['date'].replace('-', '')}",
             "status": "completed",
             "code": {"coding": [coding(HCC, "tace", "Transarterial chemoembolisation (TACE)")]},
             "subject": subject, "performedDateTime": t["date"]})

    for e in native.get("endoscopy", []):
        obs(f"varices-{e['date'].replace('-', '')}", "procedure",
            coding(HCC, "varices", "Varices at upper GI endoscopy"), e["date"],
            valueCodeableConcept=concept(e["varices"]))

    for c in native.get("conditions", []):
        res = {"resourceType": "Condition", "id": f"{c['code']}-{c.get('onset', 'undated').replace('-', '')}",
               "clinicalStatus": {"coding": [coding(
                   "http://terminology.hl7.org/CodeSystem/condition-clinical",
                   "resolved" if c.get("abatement") else "active")]},
               "code": {"coding": [coding(HCC, c["code"])]}, "subject": subject}
        if c.get("onset"):
            res["onsetDateTime"] = c["onset"]
        if c.get("abatement"):
            res["abatementDateTime"] = c["abatement"]
        add(res)

    for m in native.get("systemic_therapy", []):
        res = {"resourceType": "MedicationStatement",
               "id": f"{m['regimen']}-{m['start'].replace('-', '')}",
               "status": "active" if not m.get("end") else
                         ("completed" if m.get("stop_reason") == "completed" else "stopped")}
        if m.get("days_at_dose_last_28") is not None:
            res["extension"] = [{"url": "urn:switchpoint:hcc:days-at-dose-last-28",
                                 "valueInteger": m["days_at_dose_last_28"]}]
        if m.get("stop_reason"):
            res["statusReason"] = [{"coding": [coding(HCC, m["stop_reason"])]}]
        res["medicationCodeableConcept"] = {"coding": [coding(HCC, m["regimen"])]}
        res["subject"] = subject
        period = {"start": m["start"]}
        if m.get("end"):
            period["end"] = m["end"]
        res["effectivePeriod"] = period
        if m.get("dose_mg_per_day") is not None:
            res["dosage"] = [{"doseAndRate": [{"rateQuantity": qty(m["dose_mg_per_day"], "mg/d", "mg/d")}]}]
        add(res)

    return {"resourceType": "Bundle", "id": f"golden-{name}", "type": "collection", "entry": entries}


def dump(obj):
    """Top-level keys one per line; each entry of a top-level list on its own line."""
    lines = []
    items = list(obj.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if isinstance(v, list):
            inner = [json.dumps(e, ensure_ascii=False) for e in v]
            lines.append(f"  {json.dumps(k)}: [")
            lines += [f"    {t}{',' if j + 1 < len(inner) else ''}" for j, t in enumerate(inner)]
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}")
    return "{\n" + "\n".join(lines) + "\n}\n"


def outputs():
    out = {}
    for name, r in R.items():
        if not r["fhir"] or r["twin"]:
            out[f"{name}.json"] = dump(r["native"])
        if r["fhir"]:
            out[f"{name}.fhir.json"] = dump(fhir_bundle(name, r["native"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--native-dir")
    a = ap.parse_args()
    files = outputs()
    if a.check:
        bad = [f for f, text in files.items()
               if not (RECORDS / f).exists() or (RECORDS / f).read_text() != text]
        extra = [p.name for p in RECORDS.glob("*.json") if p.name not in files]
        for f in bad:
            print(f"differs or missing: records/{f}")
        for f in extra:
            print(f"not generated here: records/{f}")
        sys.exit(1 if bad or extra else 0)
    RECORDS.mkdir(parents=True, exist_ok=True)
    for f, text in files.items():
        (RECORDS / f).write_text(text)
    if a.native_dir:
        d = pathlib.Path(a.native_dir)
        d.mkdir(parents=True, exist_ok=True)
        for name, r in R.items():
            (d / f"{name}.json").write_text(dump(r["native"]))
    print(f"{len(files)} record files written to {RECORDS}")



# === Sessions, windows and courses (CLINICAL_RULES.md §5 "Common terms"; cases window-*, course-*) ===
# P-session-merge: procedures ≤ 14 days apart with no imaging between them are one session.
# P-assessment-window: the assessment is the first CT/MRI ≥ 14 days after the session (after its last
# procedure), before the next session, ≤ 120 days. P-baseline-window: the latest imaging on or before S1,
# ≤ 183 days. P-course-end: resection, ablation, transplantation end the TACE course. Native records only
# (the FHIR reading of procedures is covered by tests/readers/procedures_test.cpp).


def with_procedures(rec, procedures):
    rec["native"]["procedures"] = [{"date": d, "code": c} for d, c in procedures]
    return rec


def window_course(pid, studies, tace, extra_dates=()):
    """Standard labs and bedside grades on 01-08 and on every imaging date (and `extra_dates`)."""
    dates = ["2024-01-08"] + [st["date"] for st in studies[1:]] + list(extra_dates)
    ls, cl = [], []
    for d in sorted(set(dates)):
        ls += std_labs(d, ast=35, afp=85)
        cl.append(clin(d))
    return record(pid, imaging=studies, labs=ls, clinical=cl, tace=tace)


# An unenhanced lipiodol CT two days after S1 reports "PD"; the CT 41 days after is SD.
R["window-lipiodol-ct-2-days"] = window_course(
    "golden-window-lipiodol-ct-2-days",
    [img("2024-01-05", 2, 4.0), img("2024-01-12", 2, 5.0, "PD"), img("2024-02-20", 2, 3.8, "SD", 60)],
    ["2024-01-10"])

# The only study after S1 is a PD CT 13 (resp. 14) days after it.
R["window-assessment-13-days"] = window_course(
    "golden-window-assessment-13-days",
    [img("2024-01-05", 2, 4.0), img("2024-01-23", 2, 5.0, "PD", 90)], ["2024-01-10"])
R["window-assessment-14-days"] = window_course(
    "golden-window-assessment-14-days",
    [img("2024-01-05", 2, 4.0), img("2024-01-24", 2, 5.0, "PD", 90)], ["2024-01-10"])


def window_baseline(pid, baseline_date):
    """Baseline CT (vascular invasion absent) on `baseline_date`; S1 2024-01-10; PR 02-20; branch
    invasion on the follow-up CT 04-10."""
    return window_course(
        pid,
        [img(baseline_date, 2, 4.0), img("2024-02-20", 2, 2.5, "PR", 30), img("2024-04-10", 2, 2.5, vi="branch")],
        ["2024-01-10"])


R["window-baseline-101-days"] = window_baseline("golden-window-baseline-101-days", "2023-10-01")
R["window-baseline-183-days"] = window_baseline("golden-window-baseline-183-days", "2023-07-11")
R["window-baseline-184-days"] = window_baseline("golden-window-baseline-184-days", "2023-07-10")


def window_staged(pid, second):
    """Procedures 2024-01-10 and `second`, then 2024-03-01; CT 02-20 PD, CT 04-12 SD."""
    return window_course(
        pid,
        [img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 5.0, "PD", 90), img("2024-04-12", 2, 5.0, "SD", 80)],
        ["2024-01-10", second, "2024-03-01"])


R["window-staged-3-days"] = window_staged("golden-window-staged-3-days", "2024-01-13")
R["window-staged-14-days"] = window_staged("golden-window-staged-14-days", "2024-01-24")
R["window-staged-15-days"] = window_staged("golden-window-staged-15-days", "2024-01-25")

# S1 2024-01-10, SD on 02-20, resection 2024-03-01, then PD with branch invasion on 04-10.
R["course-resection-after-tace"] = with_procedures(window_course(
    "golden-course-resection-after-tace",
    [img("2024-01-05", 2, 4.0), img("2024-02-20", 2, 3.8, "SD", 60), img("2024-04-10", 3, 5.0, "PD", 90, vi="branch")],
    ["2024-01-10"]), [("2024-03-01", "resection")])

# TACE 2023-06-01 (baseline 2023-05-25, no invasion), ablation 2023-09-01, CT 2023-12-20 with branch
# invasion, TACE 2024-01-10, CT 2024-02-20 SD with branch invasion.
R["course-new-course-after-ablation"] = with_procedures(window_course(
    "golden-course-new-course-after-ablation",
    [img("2023-05-25", 2, 4.0), img("2023-12-20", 2, 3.0, vi="branch"),
     img("2024-02-20", 2, 3.0, "SD", 60, vi="branch")],
    ["2023-06-01", "2024-01-10"], extra_dates=["2023-05-30"]), [("2023-09-01", "ablation")])


# === Recorded mRECIST category contradicted by the measurements (issue 13, P-recorded-vs-measured;
# cases contradiction-*) ===
# As art-1-5 (one session S1 2024-01-10; INR 1.8 on 02-20: Child-Pugh 5 → 6; AST 35 → 38), but the
# radiologist's category on the assessment CT 02-20 is contradicted by that CT's own measurements.

def contradiction_record(pid, baseline, followup):
    return record(
        pid,
        imaging=[baseline, followup],
        labs=std_labs("2024-01-08", ast=35, afp=85)
             + labs("2024-02-20", bili=0.8, alb=4.2, inr=1.8, ast=38, afp=30),
        clinical=[clin("2024-01-08"), clin("2024-02-20")],
        tace=["2024-01-10"])


# Recorded CR, no viable tumour left in the treated nodules, but 3 new lesions (5 tumours, 1.5 cm).
R["contradiction-cr-new-lesions"] = contradiction_record(
    "golden-contradiction-cr-new-lesions",
    img("2024-01-05", 2, 4.0),
    img("2024-02-20", 5, 1.5, "CR", 0, new=3))

# Recorded PD, but targets 4.0 + 2.0 = 6.0 cm → 2.0 + 1.0 = 3.0 cm (−50 %), non-target absent, no new lesion.
R["contradiction-pd-targets-halved"] = contradiction_record(
    "golden-contradiction-pd-targets-halved",
    targets(img("2024-01-05", 2, 4.0), [("T1", 4.0), ("T2", 2.0)]),
    targets(img("2024-02-20", 2, 2.0, "PD", 30), [("T1", 2.0), ("T2", 1.0)]))

if __name__ == "__main__":
    main()
