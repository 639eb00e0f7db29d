#include "core/scores/all_scores.h"

#include "core/response/jsh_te.h"
#include "core/response/mrecist.h"
#include "core/scores/abcr.h"
#include "core/scores/albi.h"
#include "core/scores/art.h"
#include "core/scores/bclc.h"
#include "core/scores/bolondi.h"
#include "core/scores/child_pugh.h"
#include "core/scores/hap.h"
#include "core/scores/kinki.h"
#include "core/scores/moral.h"
#include "core/scores/tumor_burden.h"

namespace switchpoint {

// Clinical reading order: liver function, stage and its B subclasses, tumour burden,
// prognostic scores, scores of the TACE course, tumour markers, then tumour response.
std::vector<ScoreResult> compute_scores(const PatientRecord& r, Date at) {
  std::vector<ScoreResult> out;
  out.push_back(child_pugh(r, at).report);
  out.push_back(albi(r, at).report);
  const BclcResult stage = bclc(r, at);
  out.push_back(stage.report);
  out.push_back(kinki_from(stage, at).report);
  out.push_back(bolondi_from(stage, at).report);
  out.push_back(up_to_seven(r, at).report);
  out.push_back(six_and_twelve(r, at).report);
  out.push_back(tumor_burden_score(r, at).report);
  out.push_back(hap(r, at).report);
  out.push_back(mhap_ii(r, at).report);
  out.push_back(art(r, at).report);
  out.push_back(abcr(r, at).report);
  out.push_back(moral(r, at).report);
  out.push_back(moral_tace(r, at).report);
  out.push_back(mrecist(r, at).report);
  out.push_back(jsh_te(r, at).report);
  return out;
}

}  // namespace switchpoint
