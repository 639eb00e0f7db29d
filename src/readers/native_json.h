#pragma once
// The native record format "switchpoint.record/1" (docs/record.schema.json): JSON bytes in,
// a validated PatientRecord or every problem with its JSON pointer out.
#include <string_view>

#include "readers/problems.h"

namespace switchpoint {

inline constexpr std::string_view kNativeSchema = "switchpoint.record/1";

ReadResult read_native_json(std::string_view json);

}  // namespace switchpoint
