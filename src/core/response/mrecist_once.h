#pragma once
// The mRECIST response of a study is asked for several times per evaluation: the TACE history
// (each session's assessment), the mRECIST score, ABCR's and ART's response after the last TACE.
// While an MrecistOnce lives on a thread (evaluate() holds one), mrecist_response() judges each
// study of that record once and answers later calls for the same record with a copy of the first
// answer (issue 16). Calls for another record, or outside its lifetime, judge as usual.
#include <cstddef>
#include <utility>
#include <vector>

#include "core/record.h"
#include "core/response/mrecist.h"

namespace switchpoint {

class MrecistOnce {
 public:
  // Inert when an MrecistOnce for the same record is already alive on this thread.
  explicit MrecistOnce(const PatientRecord& r);
  ~MrecistOnce();
  MrecistOnce(const MrecistOnce&) = delete;
  MrecistOnce& operator=(const MrecistOnce&) = delete;

  // The live memo for `r` on this thread, or nullptr.
  static MrecistOnce* of(const PatientRecord& r);
  const StudyResponse* find(std::size_t study_index) const;
  const StudyResponse& keep(std::size_t study_index, StudyResponse response);

 private:
  const PatientRecord* record_;
  bool active_ = false;
  MrecistOnce* outer_ = nullptr;
  std::vector<std::pair<std::size_t, StudyResponse>> judged_;
};

}  // namespace switchpoint
