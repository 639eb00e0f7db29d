#pragma once
// The mRECIST response of a study is asked for several times per evaluation: the TACE history
// (each session's assessment), the mRECIST score, ABCR's and ART's response after the last TACE.
// While an MrecistOnce lives (evaluate() holds one), mrecist_response() judges each study of that
// record once (core/record_memo.h).
#include <cstddef>

#include "core/record_memo.h"
#include "core/response/mrecist.h"

namespace switchpoint {

using MrecistOnce = RecordMemo<struct MrecistTag, std::size_t, StudyResponse>;

}  // namespace switchpoint
