#include "core/scores/kinki.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include "core/text.h"

namespace switchpoint {

std::string_view to_string(KinkiSubstage s) {
  switch (s) {
    case KinkiSubstage::B1:
      return "B1";
    case KinkiSubstage::B2:
      return "B2";
    case KinkiSubstage::B3a:
      return "B3a";
    case KinkiSubstage::B3b:
      return "B3b";
  }
  return "?";
}

std::optional<KinkiSubstage> kinki_substage(int cp, bool within) {
  if (cp >= 5 && cp <= 7) return within ? KinkiSubstage::B1 : KinkiSubstage::B2;
  if (cp >= 8 && cp <= 9) return within ? KinkiSubstage::B3a : KinkiSubstage::B3b;
  return std::nullopt;
}

KinkiResult kinki_from(const BclcResult& stage, Date at) {
  KinkiResult out{std::nullopt, start_score("kinki", "kinki", at)};
  ScoreResult& rep = out.report;
  if (!bclc_b_gate(stage, rep, "the Kinki criteria")) return out;
  const Bclc& b = *stage.value;
  // Stage B is only reached with Child-Pugh and the tumour burden known.
  out.value = kinki_substage(*b.child_pugh_points, *b.within_up_to_seven);
  if (!out.value) {
    rep.missing.emplace_back("Child-Pugh 5–9 points (BCLC B with other points cannot be subclassified)");
    return out;
  }
  rep.computed = true;
  rep.summary = format_text(FMT_COMPILE("{} (Child-Pugh {} points, {} up-to-seven)"), to_string(*out.value),
                            *b.child_pugh_points, *b.within_up_to_seven ? "within" : "beyond");
  rep.fields.push_back({"substage", std::string(to_string(*out.value))});
  return out;
}

KinkiResult kinki(const PatientRecord& r, Date at) { return kinki_from(bclc(r, at), at); }

}  // namespace switchpoint
