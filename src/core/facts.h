#pragma once
// The facts a decision can lack, in a clinician's words (P-obtain-list). Every rule that cannot be
// judged names what it lacks with one of these phrases, so that the same fact asked for by several
// rules is one line of the "obtain" list, never one line per rule, and never an internal field name.
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/record.h"
#include "core/units.h"

namespace switchpoint::facts {

// "total bilirubin within 30 days before 2024-04-15"
std::string lab(Quantity q, Date at);
// "AST within 30 days before the first TACE (2024-01-10)"
std::string lab_before_first_tace(Quantity q, Date first_session);
std::string ascites(Date at);
std::string encephalopathy(Date at);
// "ECOG performance status within 90 days before 2024-03-01 (last: ECOG 1 on 2023-12-01, 91 days
// before)": the last value the record holds, when any, is part of the fact.
std::string ecog(const PatientRecord& r, Date at);
std::string ecog_before_first_tace(Date first_session);
std::string weight(const PatientRecord& r, Date at);
// A Child-Pugh input named as the score reports it ("bilirubin", "inr (or pt_prolongation)",
// "ascites", …) at a date.
std::string child_pugh_input(std::string_view name, Date at);

// Imaging. "the CT/MRI of 2024-04-12"
std::string study(Date d);
// "mRECIST response on the CT/MRI of 2024-04-12 (after the TACE of 2024-03-01)"
std::string mrecist(Date study_date, Date session);
// "a response CT/MRI after the TACE of 2024-01-10 (14–120 days after it, before the next TACE)"
std::string response_imaging(Date session);
// "viable tumour % of the treated nodules on the CT/MRI of 2024-02-20"
std::string viable_percent(Date study_date);
// "number of intrahepatic tumours on the CT/MRI of 2024-02-20"
std::string tumour_count(Date study_date);
// "number of intrahepatic tumours on the CT/MRI before the TACE of 2024-03-01"
std::string tumour_count_before(Date session);
// "vascular invasion (present or absent) on the CT/MRI of 2024-04-12"
std::string finding(std::string_view what, Date study_date);
// "vascular invasion (present or absent) on the baseline CT/MRI before the first TACE (2024-01-10)"
std::string finding_at_baseline(std::string_view what, Date first_session);
// "a CT/MRI after the first TACE (2024-01-10)"
std::string imaging_after_first_tace(Date first_session);
// "number of tumours and largest diameter on a CT/MRI within 92 days before 2024-04-15"
std::string tumour_burden(Date at);
std::string tumour_burden_on(Date study_date);
// "tumour morphology on a CT/MRI within 92 days before 2024-04-15"
std::string morphology(Date at);
std::string bilobar(Date at);
std::string tumour_markers_around_tace();

// The kinds of fact (core/record.h FactKind) a phrase above asks for, read from its opening words:
// "ascites grade within …" → Ascites; "AFP or DCP …" → Afp and Dcp; "vascular invasion (present
// or absent) on the CT/MRI …" → VascularInvasion and Imaging. Empty for a phrase of no kind. The
// obtain list uses it to name a resource of that kind that was sent but not read.
std::vector<FactKind> kinds_of(std::string_view fact);

}  // namespace switchpoint::facts
