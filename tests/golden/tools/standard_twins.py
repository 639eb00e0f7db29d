#!/usr/bin/env python3
"""Writes the standard-coded twins of the example patients and of the golden records (issue 14).

A twin is a FHIR R4 Bundle with the very same facts as its original, in which every fact that has
a standard code the reader reads (docs/terminology.md, docs/fhir.md) is written ONLY in that
standard code; the project CodeSystem `urn:switchpoint:hcc` is kept only for the facts that have
none. The Bundle's `meta.tag` lists those kept project codes (system KEPT below), so the header of
every twin says which facts could not be written in standard codes alone.
tests/golden/standard_twins_test.cpp evaluates original and twin at the same dates and compares
the decisions field by field.

    python3 tests/golden/tools/standard_twins.py           # rewrite the twins
    python3 tests/golden/tools/standard_twins.py --check   # fail if a committed twin differs

Originals and twins:
    examples/0N-*.json (native)                  -> examples/fhir/twins/0N-*.twin.bundle.json
    examples/fhir/01-responding-patient.bundle.json (its native facts are examples/01-…, plus
        the HCC diagnosis Condition)             -> examples/fhir/twins/01-responding-patient.fhir-twin.bundle.json
    tests/golden/records/<name>.json             -> tests/golden/twins/<name>.twin.json
    tests/golden/records/<name>.fhir.json        -> tests/golden/twins/<name>.fhir.twin.json
      (the facts of make_records.py's R table, from which both the native and the FHIR original
      are written; the FHIR original leaves out what make_records.fhir_bundle does not write)

THE TABLES BELOW ARE THE ONLY PLACE WHERE A CODE IS CHOSEN. To switch a fact to a standard code
that the reader has learnt (after merging another part of issue 14), change its one entry, run
this script, and run golden_tests: the twin test then checks that the new reading gives the same
decision as the project code did.
"""
import argparse
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
import make_records as mr  # noqa: E402  (the golden facts, R, and the dump format)

EXAMPLES = ROOT / "examples"
EXAMPLE_TWINS = EXAMPLES / "fhir" / "twins"
GOLDEN_TWINS = ROOT / "tests" / "golden" / "twins"

HCC = "urn:switchpoint:hcc"
LOINC = "http://loinc.org"
SCT = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
CAT = "http://terminology.hl7.org/CodeSystem/observation-category"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
KEPT = "urn:switchpoint:hcc:twin-kept-project-code"
NOTE = "urn:switchpoint:hcc:twin-note"
MAX_FHIR_ID = 64  # FHIR R4 id: [A-Za-z0-9\-\.]{1,64}
BASE = "https://example.org/fhir"


def c(system, code, display=None):
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


def project(code, display=None):
    return c(HCC, code, display)


# --- the code tables -----------------------------------------------------------------------------
# Each entry: the coding written for the fact. A `project(...)` entry is a fact with no standard
# code the reader reads today; its reason is in NO_STANDARD. Sources: docs/terminology.md and
# docs/fhir.md (each code there has its source).

# Labs: (test, unit as written in the native record) -> (LOINC, UCUM code). The native spelling is
# kept as the human-readable `unit`, so the entered unit shown in the report is the original's.
LAB_LOINC = {
    "bilirubin": {"mass": c(LOINC, "1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
                  "molar": c(LOINC, "14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma")},
    "albumin": c(LOINC, "1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
    "inr": c(LOINC, "6301-6", "INR in Platelet poor plasma by Coagulation assay"),
    # LOINC 5902-2 is the prothrombin time itself, not its prolongation over control (docs/fhir.md)
    "pt_prolongation": project("pt-prolongation", "Prothrombin time prolongation over control"),
    "ast": c(LOINC, "1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "alt": c(LOINC, "1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma"),
    "platelets": c(LOINC, "777-3", "Platelets [#/volume] in Blood by Automated count"),
    "creatinine": {"mass": c(LOINC, "2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
                   "molar": c(LOINC, "14682-9", "Creatinine [Moles/volume] in Serum or Plasma")},
    "afp": {"mass": c(LOINC, "1834-1", "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma"),
            "units": c(LOINC, "19176-7", "Alpha-1-Fetoprotein [Units/volume] in Serum or Plasma")},
    "dcp": c(LOINC, "34444-0", "Des-gamma-carboxyprothrombin in Serum or Plasma"),
}
UCUM_OF = {  # native unit spelling -> (UCUM code, kind for the LOINC choice)
    "mg/dL": ("mg/dL", "mass"), "umol/L": ("umol/L", "molar"), "µmol/L": ("umol/L", "molar"),
    "μmol/L": ("umol/L", "molar"), "g/dL": ("g/dL", "mass"), "g/L": ("g/L", "mass"),
    "INR": ("{INR}", None), "{INR}": ("{INR}", None), "s": ("s", None),
    "U/L": ("U/L", None), "IU/L": ("[IU]/L", None),
    "10^9/L": ("10*9/L", None), "10*9/L": ("10*9/L", None), "10^3/uL": ("10*3/uL", None),
    "10^3/µL": ("10*3/uL", None), "10*3/uL": ("10*3/uL", None), "/uL": ("/uL", None), "/µL": ("/uL", None),
    "ng/mL": ("ng/mL", "mass"), "ug/L": ("ug/L", "mass"), "µg/L": ("ug/L", "mass"),
    "IU/mL": ("[IU]/mL", "units"), "mAU/mL": ("m[arb'U]/mL", None),
    "kg": ("kg", None), "lb": ("[lb_av]", None), "cm": ("cm", None), "mm": ("mm", None), "%": ("%", None),
}

ECOG = c(LOINC, "89247-1", "ECOG Performance Status score")
# LOINC answer list LL529-9: the answer of each ECOG grade (valueCodeableConcept, no valueInteger).
ECOG_ANSWER = {0: "LA9622-7", 1: "LA9623-5", 2: "LA9624-3", 3: "LA9625-0", 4: "LA9626-8", 5: "LA9627-6"}
WEIGHT = c(LOINC, "29463-7", "Body weight")

ASCITES = c(SCT, "389026000", "Ascites")
ASCITES_VALUE = {"none": c(SCT, "2667000", "Absent"),
                 "slight": c(SCT, "255604002", "Mild"),
                 "moderate-severe": c(SCT, "6736007", "Moderate")}
ENCEPHALOPATHY = c(SCT, "13920009", "Hepatic encephalopathy")
ENCEPHALOPATHY_VALUE = {"none": c(SCT, "2667000", "Absent")}  # West Haven grades: no standard value

# Imaging findings: none has a standard code the reader reads yet (mCODE tumour size, LI-RADS
# treatment response and NCIt RECIST/mRECIST categories are being added in another part of issue
# 14). Native field -> (observation coding, value kind). Value kinds: "integer", "boolean",
# "percent", "quantity", "concept" (value codes from IMAGING_VALUE, else the project's), or
# ("component", coding) for a quantity sent in a component, as mCODE sends tumour size:
#   "largest_diameter": (c(LOINC, "21889-1", "Size Tumor"),
#                         ("component", c(LOINC, "33728-7", "Size.maximum dimension in Tumor"))),
# (use it once the reader reads that form as the largest diameter; the mCODE example
# Observation-tumor-size-jenny-m in tests/foreign/ has exactly this shape).
IMAGING = {
    "tumor_count": (project("intrahepatic-tumor-count", "Number of intrahepatic tumours"), "integer"),
    # mCODE TumorSize without focus: the study's reported size, read as the largest diameter
    # (docs/terminology.md "Imaging").
    "largest_diameter": (c(LOINC, "21889-1", "Size Tumor"),
                         ("component", c(LOINC, "33728-7", "Size.maximum dimension in Tumor"))),
    "nontarget": (project("mrecist-nontarget", "mRECIST non-target lesions"), "concept"),
    "new_lesions": (project("new-intrahepatic-lesion", "New intrahepatic lesions"), "integer"),
    "mrecist": (project("mrecist-response", "mRECIST response as recorded"), "concept"),
    "viable_tumor_percent": (project("viable-tumor-percent", "Viable part of the treated nodules"), "percent"),
    "treated_size_change_percent": (project("treated-size-change-percent", "Size change of the treated nodules"), "percent"),
    "vascular_invasion": (project("macrovascular-invasion", "Macrovascular invasion"), "concept"),
    "extrahepatic_spread": (project("extrahepatic-spread", "Extrahepatic spread"), "boolean"),
    "morphology": (project("tumor-morphology", "Tumour morphology"), "concept"),
    "bilobar": (project("bilobar-disease", "Bilobar disease"), "boolean"),
    "liver_occupation_percent": (project("liver-occupation-percent", "Liver occupied by tumour"), "percent"),
    "bile_duct_invasion": (project("bile-duct-invasion", "Bile duct invasion"), "boolean"),
}
TARGET = project("target-lesion-viable-diameter", "mRECIST target lesion, viable diameter")
# (field, project value) -> standard value coding. The mRECIST category as NCIt, under the
# project's mRECIST question (no standard question says "mRECIST": docs/terminology.md "Imaging").
IMAGING_VALUE = {
    ("mrecist", "CR"): c(NCIT, "C4870", "Complete Response"),
    ("mrecist", "PR"): c(NCIT, "C18058", "Partial Response"),
    ("mrecist", "SD"): c(NCIT, "C18213", "Stable Disease"),
    ("mrecist", "PD"): c(NCIT, "C35571", "Progressive Disease"),
}
MODALITY = {"CT": c(DICOM, "CT", "Computed Tomography"), "MRI": c(DICOM, "MR", "Magnetic Resonance")}

VARICES = project("varices", "Varices at upper GI endoscopy")  # the risk grade has no standard code
# "No varices" has one: SNOMED CT 28670008 valued 2667000 Absent (docs/terminology.md).
NO_VARICES = (c(SCT, "28670008", "Esophageal varices"), c(SCT, "2667000", "Absent"))
CURATIVE = project("curative-treatment-unsuitable", "Curative treatment judged unsuitable")

TACE = c(SCT, "441525007", "Percutaneous transluminal chemoembolization of artery")
PROCEDURE = {
    # 897703001 (laparoscopic extended right hemihepatectomy) and 708625004 (open radiofrequency
    # ablation) are the only verified codes and are narrower than the fact: the twin would invent
    # the approach. Liver transplantation has its exact concept.
    "resection": project("resection", "Hepatic resection"),
    "ablation": project("ablation", "Local ablation"),
    "liver-transplantation": c(SCT, "18027006", "Transplantation of liver"),
}

CONDITION = {
    "active-autoimmune-disease": c(SCT, "85828009", "Autoimmune disease"),
    # the organ is not said in the original: the unspecified status, not an invented organ
    "solid-organ-transplant": c(ICD10CM, "Z94.9", "Transplanted organ and tissue status, unspecified"),
    "variceal-bleeding": c(SCT, "17709002", "Bleeding esophageal varices"),
    "arterial-thrombosis": c(ICD10CM, "I74.9", "Embolism and thrombosis of unspecified artery"),
    "uncontrolled-hypertension": project("uncontrolled-hypertension"),
    "major-bleeding": project("major-bleeding"),
}
HCC_DIAGNOSIS = c(SCT, "109841003", "Liver cell carcinoma")

# Regimens: the agents, one MedicationStatement each with the same dates (the reader assembles
# the combination). A regimen with an agent of no verified code keeps the project regimen id.
RX = {
    "atezolizumab": c(RXNORM, "1792776", "atezolizumab"),
    "bevacizumab": c(RXNORM, "253337", "bevacizumab"),
    "pembrolizumab": c(RXNORM, "1547545", "pembrolizumab"),
    "nivolumab": c(RXNORM, "1597876", "nivolumab"),
    "sorafenib": c(RXNORM, "495881", "sorafenib"),
    "lenvatinib": c(RXNORM, "1603296", "lenvatinib"),
    "cabozantinib": c(RXNORM, "1363268", "cabozantinib"),
    "ipilimumab": c(RXNORM, "1094833", "ipilimumab"),
    "tremelimumab": c(ATC, "L01FX20", "tremelimumab"),
    "tislelizumab": c(ATC, "L01FF09", "tislelizumab"),
    "regorafenib": c(ATC, "L01EX05", "regorafenib"),
    "ramucirumab": c(ATC, "L01FG02", "ramucirumab"),
    "durvalumab": c(RXNORM, "1919503", "durvalumab"),
}
REGIMEN = {
    "atezolizumab-bevacizumab": [RX["atezolizumab"], RX["bevacizumab"]],
    "durvalumab-tremelimumab": [RX["durvalumab"], RX["tremelimumab"]],
    "nivolumab-ipilimumab": [RX["nivolumab"], RX["ipilimumab"]],
    "lenvatinib": [RX["lenvatinib"]],
    "sorafenib": [RX["sorafenib"]],
    "durvalumab": [RX["durvalumab"]],
    "tislelizumab": [RX["tislelizumab"]],
    "regorafenib": [RX["regorafenib"]],
    "cabozantinib": [RX["cabozantinib"]],
    "ramucirumab": [RX["ramucirumab"]],
    "pembrolizumab": [RX["pembrolizumab"]],
}
# SNOMED CT stop reasons of mCODE's treatment termination value set (docs/terminology.md);
# progression and "other" have no standard code the reader reads.
STOP_REASON = {"progression": project("progression"), "other": project("other"),
               "intolerance": c(SCT, "407563006", "Treatment not tolerated"),
               "completed": c(SCT, "182992009", "Treatment completed")}

# Why a project code is kept (the twin's meta.tag display).
NO_STANDARD = {
    "pt-prolongation": "LOINC 5902-2 is the prothrombin time, not its prolongation",
    "encephalopathy": "a West Haven grade has no standard value the reader reads",
    "varices": "the variceal risk grade has no standard code",
    "curative-treatment-unsuitable": "no standard code",
    "tace-technique": "project extension (informational)",
    "tace-selective": "project extension",
    "days-at-dose-last-28": "project extension",
    "stop-reason": "progression and other stop reasons have no standard code the reader reads (docs/terminology.md)",
    "resection": "verified SNOMED CT codes are narrower (a laparoscopic extended right hemihepatectomy)",
    "ablation": "verified SNOMED CT code is narrower (open radiofrequency ablation)",
    "uncontrolled-hypertension": "no standard code says 'uncontrolled'",
    "major-bleeding": "no standard concept verified",
}
for field, (coding_, _) in IMAGING.items():
    NO_STANDARD.setdefault(coding_["code"], "imaging finding: no standard code read yet")
NO_STANDARD.setdefault(TARGET["code"], "imaging finding: no standard code read yet")
for regimen, agents in REGIMEN.items():
    if agents[0]["system"] == HCC:
        NO_STANDARD.setdefault(regimen, "an agent of the regimen has no verified RxNorm/ATC code")


# --- the writer ----------------------------------------------------------------------------------

# The second way of writing the same facts ("alt" twins, *.alt.twin.json): what other EHRs send for
# them, each form read to the same fact by the rules of docs/fhir.md and docs/terminology.md.
ALT = {
    "bundle_type": "searchset",                      # any Bundle.type; entries in reverse order
    "time": "T08:30:00+02:00",                       # a dateTime is cut to its date as written
    "inr": c(LOINC, "34714-6", "INR in Blood by Coagulation assay"),
    "ascites_none": c(SCT, "860638000", "No ascites"),
    "ascites_moderate_severe": c(SCT, "24484000", "Severe"),  # moderate or severe: moderate-severe
    "variceal_bleeding_icd": c(ICD10CM, "I85.01", "Esophageal varices with bleeding"),
    "hcc_diagnosis": c(ICD10CM, "C22.0", "Liver cell carcinoma"),
}


def twin_bundle(bundle_id, native, hcc_diagnosis=None, alt=False):
    """alt=False: the plain twin. alt=True: the same facts as another EHR writes them: ECOG as
    valueInteger with its LOINC answer as interpretation (mCODE), dateTimes with a time and zone,
    TACE with a performedPeriod, INR under LOINC 34714-6, 'no ascites' 860638000 and 'severe'
    24484000, variceal bleeding coded in SNOMED CT and ICD-10-CM, onsetPeriod, the agent in a
    contained Medication, the diagnosis in ICD-10-CM, a searchset Bundle in reverse order."""
    pid = native["patient"]["id"]

    def dt(date):
        return date + ALT["time"] if alt else date
    subject = {"reference": f"Patient/{pid}"}
    entries, kept = [], set()

    def add(resource):
        entries.append({"fullUrl": f"{BASE}/{resource['resourceType']}/{resource['id']}", "resource": resource})

    def note(coding_, why_key=None):
        if coding_["system"] == HCC:
            kept.add(why_key or coding_["code"])
        return coding_

    def obs(oid, category, code, date, **value):
        o = {"resourceType": "Observation", "id": oid, "status": "final",
             "category": [{"coding": [c(CAT, category)]}],
             "code": {"coding": [note(code)]}, "subject": subject, "effectiveDateTime": dt(date)}
        o.update(value)
        add(o)

    def qty(value, unit):
        code, _ = UCUM_OF[unit]
        return {"value": value, "unit": unit, "system": UCUM, "code": code}

    def concept(coding_, why_key=None):
        return {"coding": [note(coding_, why_key)]}

    p = native["patient"]
    notes = []
    if len(pid) > MAX_FHIR_ID:  # a FHIR id has at most 64 characters; the native id has no limit
        notes.append(c(NOTE, "patient-id-shortened", f"the native patient id '{pid}' is cut to its first "
                                                      f"{MAX_FHIR_ID} characters (the FHIR id limit)"))
        pid = pid[:MAX_FHIR_ID]
        subject = {"reference": f"Patient/{pid}"}
    patient = {"resourceType": "Patient", "id": pid}
    if p.get("sex"):
        patient["gender"] = p["sex"]
    if p.get("birth_date"):
        patient["birthDate"] = p["birth_date"]
    if p.get("deceased_date"):
        patient["deceasedDateTime"] = p["deceased_date"]
    add(patient)

    if hcc_diagnosis is not None:
        add({"resourceType": "Condition", "id": "hcc-diagnosis",
             "clinicalStatus": {"coding": [c(CLINICAL, "active")]},
             "code": {"coding": [ALT["hcc_diagnosis"] if alt else HCC_DIAGNOSIS]}, "subject": subject,
             **hcc_diagnosis})

    cur = p.get("curative_treatment_unsuitable")
    if cur is not None:  # dated as make_records.py dates it: the first imaging or lab date
        first = min(e["date"] for e in native.get("imaging", []) + native.get("labs", []))
        obs(f"curative-unsuitable-{first.replace('-', '')}", "exam", CURATIVE, first, valueBoolean=cur)

    for s in native.get("imaging", []):
        d, k = s["date"], s["date"].replace("-", "")
        if s.get("modality") in MODALITY:
            add({"resourceType": "ImagingStudy", "id": f"study-{k}", "status": "available", "subject": subject,
                 "started": d, "modality": [MODALITY[s["modality"]]]})
        for field, (code, kind) in IMAGING.items():
            if field not in s:
                continue
            v = s[field]
            oid = f"{code['code']}-{k}"
            if isinstance(kind, tuple):  # ("component", coding): the value in a component (mCODE tumour size)
                _, component = kind
                obs(oid, "imaging", code, d, component=[{"code": {"coding": [note(component)]},
                                                        "valueQuantity": qty(v["value"], v["unit"])}])
            elif kind == "integer":
                obs(oid, "imaging", code, d, valueInteger=v)
            elif kind == "boolean":
                obs(oid, "imaging", code, d, valueBoolean=v)
            elif kind == "percent":
                obs(oid, "imaging", code, d, valueQuantity=qty(v, "%"))
            elif kind == "quantity":
                obs(oid, "imaging", code, d, valueQuantity=qty(v["value"], v["unit"]))
            else:
                value = IMAGING_VALUE.get((field, v), project(v))
                obs(oid, "imaging", code, d, valueCodeableConcept={"coding": [value]})
        for t in s.get("target_lesions", []):
            o_id = f"target-{t['id'].lower()}-{k}"
            obs(o_id, "imaging", TARGET, d,
                focus=[{"identifier": {"system": "urn:switchpoint:hcc:lesion", "value": t["id"]}}],
                valueQuantity=qty(t["viable_diameter"]["value"], t["viable_diameter"]["unit"]))

    for i, l in enumerate(native.get("labs", [])):
        code = LAB_LOINC[l["test"]]
        if isinstance(code, dict) and "system" not in code:
            code = code[UCUM_OF[l["unit"]][1]]
        if alt and l["test"] == "inr":
            code = ALT["inr"]
        obs(f"{l['test'].replace('_', '-')}-{l['date'].replace('-', '')}-{i}", "laboratory", code, l["date"],
            valueQuantity=qty(l["value"], l["unit"]))

    for i, a in enumerate(native.get("clinical", [])):
        d, k = a["date"], f"{a['date'].replace('-', '')}-{i}"
        if "ascites" in a:
            value = ASCITES_VALUE.get(a["ascites"])
            if alt and a["ascites"] == "none":
                value = ALT["ascites_none"]
            if alt and a["ascites"] == "moderate-severe":
                value = ALT["ascites_moderate_severe"]
            obs(f"ascites-{k}", "exam", ASCITES, d, valueCodeableConcept=concept(value or project(a["ascites"]), "ascites"))
        if "encephalopathy" in a:
            value = ENCEPHALOPATHY_VALUE.get(a["encephalopathy"])
            if value is not None:
                obs(f"encephalopathy-{k}", "exam", ENCEPHALOPATHY, d, valueCodeableConcept=concept(value))
            else:  # a West Haven grade: the project finding and value
                obs(f"encephalopathy-{k}", "exam", project("encephalopathy", "Hepatic encephalopathy (West Haven)"),
                    d, valueCodeableConcept=concept(project(a["encephalopathy"]), "encephalopathy"))
        if "ecog" in a and alt:
            obs(f"ecog-{k}", "survey", ECOG, d, valueInteger=a["ecog"],
                interpretation=[{"coding": [c(LOINC, ECOG_ANSWER[a["ecog"]])]}])
        elif "ecog" in a:
            obs(f"ecog-{k}", "survey", ECOG, d,
                valueCodeableConcept={"coding": [c(LOINC, ECOG_ANSWER[a["ecog"]])]})
        if "weight" in a:
            obs(f"weight-{k}", "vital-signs", WEIGHT, d, valueQuantity=qty(a["weight"]["value"], a["weight"]["unit"]))

    for i, t in enumerate(native.get("tace", [])):
        res = {"resourceType": "Procedure", "id": f"tace-{t['date'].replace('-', '')}-{i}", "status": "completed"}
        ext = []
        if "technique" in t:
            ext.append({"url": "urn:switchpoint:hcc:tace-technique", "valueString": t["technique"]})
            kept.add("tace-technique")
        if "selective" in t:
            ext.append({"url": "urn:switchpoint:hcc:tace-selective", "valueBoolean": t["selective"]})
            kept.add("tace-selective")
        if ext:
            res["extension"] = ext
        res.update({"code": {"coding": [note(TACE)]}, "subject": subject})
        if alt:
            res["performedPeriod"] = {"start": t["date"] + "T09:00:00+02:00", "end": t["date"] + "T10:30:00+02:00"}
        else:
            res["performedDateTime"] = t["date"]
        add(res)

    for i, pr in enumerate(native.get("procedures", [])):
        add({"resourceType": "Procedure", "id": f"{pr['code']}-{pr['date'].replace('-', '')}-{i}",
             "status": "completed", "code": {"coding": [note(PROCEDURE[pr["code"]])]},
             "subject": subject, "performedDateTime": pr["date"]})

    for i, e in enumerate(native.get("endoscopy", [])):
        if e["varices"] == "none":
            obs(f"varices-{e['date'].replace('-', '')}-{i}", "procedure", NO_VARICES[0], e["date"],
                valueCodeableConcept={"coding": [NO_VARICES[1]]})
        else:
            obs(f"varices-{e['date'].replace('-', '')}-{i}", "procedure", VARICES, e["date"],
                valueCodeableConcept=concept(project(e["varices"]), "varices"))

    for i, cd in enumerate(native.get("conditions", [])):
        res = {"resourceType": "Condition", "id": f"{cd['code']}-{i}",
               "clinicalStatus": {"coding": [c(CLINICAL, "resolved" if cd.get("abatement") else "active")]},
               "code": {"coding": [note(CONDITION[cd["code"]])]}, "subject": subject}
        if alt and cd["code"] == "variceal-bleeding":
            res["code"]["coding"].append(ALT["variceal_bleeding_icd"])
        if cd.get("onset") and alt:
            res["onsetPeriod"] = {"start": dt(cd["onset"])}
        elif cd.get("onset"):
            res["onsetDateTime"] = cd["onset"]
        if cd.get("abatement"):
            res["abatementDateTime"] = cd["abatement"]
        add(res)

    for i, m in enumerate(native.get("systemic_therapy", [])):
        for j, agent in enumerate(REGIMEN[m["regimen"]]):
            res = {"resourceType": "MedicationStatement", "id": f"{m['regimen']}-{m['start'].replace('-', '')}-{i}-{j}",
                   "status": "active" if not m.get("end") else
                             ("completed" if m.get("stop_reason") == "completed" else "stopped")}
            if m.get("days_at_dose_last_28") is not None:
                res["extension"] = [{"url": "urn:switchpoint:hcc:days-at-dose-last-28",
                                     "valueInteger": m["days_at_dose_last_28"]}]
                kept.add("days-at-dose-last-28")
            if m.get("stop_reason"):
                res["statusReason"] = [concept(STOP_REASON[m["stop_reason"]], "stop-reason")]
            if alt:
                res["contained"] = [{"resourceType": "Medication", "id": "med",
                                     "code": {"coding": [note(agent, m["regimen"])]}}]
                res["medicationReference"] = {"reference": "#med"}
            else:
                res["medicationCodeableConcept"] = {"coding": [note(agent, m["regimen"])]}
            res["subject"] = subject
            period = {"start": m["start"]}
            if m.get("end"):
                period["end"] = m["end"]
            res["effectivePeriod"] = period
            if m.get("dose_mg_per_day") is not None:
                res["dosage"] = [{"doseAndRate": [{"rateQuantity": {
                    "value": m["dose_mg_per_day"], "unit": "mg/d", "system": UCUM, "code": "mg/d"}}]}]
            add(res)

    tags = [c(KEPT, k, NO_STANDARD[k]) for k in sorted(kept)] + notes
    meta = {"tag": tags} if tags else None
    b = {"resourceType": "Bundle", "id": bundle_id[:MAX_FHIR_ID]}
    if meta:
        b["meta"] = meta
    if alt:
        b.update({"type": ALT["bundle_type"], "entry": list(reversed(entries))})
    else:
        b.update({"type": "collection", "entry": entries})
    return b


# Golden records that also get an alt twin: one of each kind of fact the alt forms change
# (conditions, regimens of agents, ascites grades, ECOG, INR, TACE, staged sessions, procedures).
ALT_RECORDS = [
    "nr-responding", "aasld-decompensation", "checkpoint-cp-rise", "therapy-l1-all-eligible",
    "therapy-l1-autoimmune", "therapy-l1-autoimmune-abated", "therapy-l1-arterial-thrombosis-recent",
    "therapy-l1-variceal-bleeding-recent", "therapy-variceal-bleeding-exactly-6-months",
    "therapy-l2-transplant", "therapy-l2-after-atezolizumab-bevacizumab", "therapy-l2-after-lenvatinib",
    "therapy-l2-after-sorafenib", "therapy-l3-sorafenib-intolerance-lenvatinib-progression-afp-400",
    "therapy-on-regorafenib-after-tolerated-sorafenib", "therapy-alert6-regorafenib-after-intolerance",
    "therapy-alert7-ascites", "therapy-l1-child-pugh-b8", "therapy-l1-ecog-2", "window-staged-14-days",
    "course-resection-after-tace", "course-new-course-after-ablation", "untreated-child-pugh-c",
]


def outputs(all_alt=False):
    out = {}
    for path in sorted(EXAMPLES.glob("0*.json")):
        native = json.loads(path.read_text(encoding="utf-8"))
        out[EXAMPLE_TWINS / f"{path.stem}.twin.bundle.json"] = mr.dump(twin_bundle(f"twin-{path.stem}", native))
        out[EXAMPLE_TWINS / f"{path.stem}.alt.twin.bundle.json"] = mr.dump(
            twin_bundle(f"alt-twin-{path.stem}", native, alt=True))
    # The FHIR example carries the native example's facts and the HCC diagnosis with its onset.
    fhir_example = json.loads((EXAMPLES / "fhir" / "01-responding-patient.bundle.json").read_text(encoding="utf-8"))
    dx = next(e["resource"] for e in fhir_example["entry"] if e["resource"].get("id") == "hcc-diagnosis")
    onset = {k: v for k, v in dx.items() if k in ("onsetDateTime", "onsetPeriod", "recordedDate")}
    native01 = json.loads((EXAMPLES / "01-responding-patient.json").read_text(encoding="utf-8"))
    out[EXAMPLE_TWINS / "01-responding-patient.fhir-twin.bundle.json"] = mr.dump(
        twin_bundle("twin-fhir-01-responding-patient", native01, hcc_diagnosis=onset))
    out[EXAMPLE_TWINS / "01-responding-patient.fhir-twin.alt.bundle.json"] = mr.dump(
        twin_bundle("alt-twin-fhir-01-responding-patient", native01, hcc_diagnosis=onset, alt=True))
    assert all(n in mr.R for n in ALT_RECORDS)
    for name, r in mr.R.items():
        alts = [False, True] if all_alt or name in ALT_RECORDS else [False]
        for alt in alts:
            ext = ".alt.twin.json" if alt else ".twin.json"
            if not r["fhir"] or r["twin"]:
                out[GOLDEN_TWINS / f"{name}{ext}"] = mr.dump(twin_bundle(f"twin-{name}", r["native"], alt=alt))
            if r["fhir"]:
                out[GOLDEN_TWINS / f"{name}.fhir{ext}"] = mr.dump(
                    twin_bundle(f"twin-{name}-fhir", facts_of_fhir_original(r["native"]), alt=alt))
    return out


def facts_of_fhir_original(native):
    """The facts make_records.fhir_bundle writes of a record: TACE without technique and
    selectivity, studies without modality (no ImagingStudy). It writes no target lesion,
    non-target status, treated size change nor course-ending procedure: a record with one of
    those cannot be a FHIR golden record, and is refused here rather than twinned wrongly."""
    facts = json.loads(json.dumps(native))
    facts["tace"] = [{"date": t["date"]} for t in facts.get("tace", [])]
    for s in facts.get("imaging", []):
        s.pop("modality", None)
        for unsupported in ("target_lesions", "nontarget", "treated_size_change_percent"):
            assert unsupported not in s, unsupported
    assert "procedures" not in facts
    if not facts["tace"]:
        del facts["tace"]
    return facts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--all-alt", action="store_true",
                    help="also write the alt twin of every golden record (a local check; not committed)")
    a = ap.parse_args()
    files = outputs(a.all_alt)
    if a.check:
        bad = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        extra = [p for d in (EXAMPLE_TWINS, GOLDEN_TWINS) for p in d.glob("*.json") if p not in files]
        for p in bad:
            print(f"differs or missing: {p.relative_to(ROOT)}")
        for p in extra:
            print(f"not generated here: {p.relative_to(ROOT)}")
        sys.exit(1 if bad or extra else 0)
    for p, text in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    print(f"{len(files)} twins written")


if __name__ == "__main__":
    main()
