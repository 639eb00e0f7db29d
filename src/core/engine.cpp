#include "core/engine.h"

#include "core/scores/all_scores.h"

namespace switchpoint {

std::optional<Date> default_as_of(const PatientRecord& record) { return record.latest_entry_date(); }

Decision evaluate(const PatientRecord& full_record, Date as_of) {
  const PatientRecord r = full_record.as_of(as_of);
  Decision d;
  d.patient_id = r.patient_id;
  d.as_of = as_of;
  d.scores = compute_scores(r, as_of);
  return d;
}

}  // namespace switchpoint
