#include "core/scores/child_pugh.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/scores/child_pugh_once.h"
#include "core/text.h"
#include "core/timeline.h"

namespace switchpoint {

namespace {
constexpr double kBilirubin2mgdl = 2.0 * 17.1;  // 34.2 µmol/L
constexpr double kBilirubin3mgdl = 3.0 * 17.1;  // 51.3 µmol/L
}  // namespace

int child_pugh_bilirubin_points(double v) {
  if (below(v, kBilirubin2mgdl)) return 1;
  if (at_most(v, kBilirubin3mgdl)) return 2;
  return 3;
}

int child_pugh_albumin_points(double v) {
  if (above(v, 35.0)) return 1;
  if (at_least(v, 28.0)) return 2;
  return 3;
}

int child_pugh_inr_points(double v) {
  if (below(v, 1.7)) return 1;
  if (at_most(v, 2.3)) return 2;
  return 3;
}

int child_pugh_pt_points(double v) {
  if (below(v, 4.0)) return 1;
  if (at_most(v, 6.0)) return 2;
  return 3;
}

int child_pugh_ascites_points(Ascites a) {
  switch (a) {
    case Ascites::None:
      return 1;
    case Ascites::Slight:
      return 2;
    case Ascites::ModerateSevere:
      return 3;
  }
  return 3;
}

int child_pugh_encephalopathy_points(Encephalopathy e) {
  switch (e) {
    case Encephalopathy::None:
      return 1;
    case Encephalopathy::Grade1to2:
      return 2;
    case Encephalopathy::Grade3to4:
      return 3;
  }
  return 3;
}

char child_pugh_class(int points) {
  if (points <= 6) return 'A';
  if (points <= 9) return 'B';
  return 'C';
}

std::optional<ChildPugh> child_pugh_value(const PatientRecord& r, Date at) {
  const LabValue* bili = latest_lab(r.labs.bilirubin_umol_per_l, at);
  const LabValue* alb = latest_lab(r.labs.albumin_g_per_l, at);
  const LabValue* inr = latest_lab(r.labs.inr, at);
  const LabValue* pt = inr ? nullptr : latest_lab(r.labs.pt_prolongation_s, at);
  const ClinicalAssessment* asc = latest_ascites(r, at);
  const ClinicalAssessment* enc = latest_encephalopathy(r, at);
  if (!bili || !alb || (!inr && !pt) || !asc || !enc) return std::nullopt;
  const int points = child_pugh_bilirubin_points(bili->value) + child_pugh_albumin_points(alb->value) +
                     (inr ? child_pugh_inr_points(inr->value) : child_pugh_pt_points(pt->value)) +
                     child_pugh_ascites_points(*asc->ascites) + child_pugh_encephalopathy_points(*enc->encephalopathy);
  return ChildPugh{points, child_pugh_class(points)};
}

namespace {
ChildPughResult compute_child_pugh(const PatientRecord& r, Date at, Detail detail);
}  // namespace

ChildPughResult child_pugh(const PatientRecord& r, Date at, Detail detail) {
  // Full over lean, never the reverse: a lean result lacks the text a full caller shows.
  return ChildPughOnce::get(
      r, at, [&](const ChildPughResult& kept) { return detail != Detail::Full || kept.report.explain; },
      [&](const PatientRecord& rec, Date d) { return compute_child_pugh(rec, d, detail); });
}

namespace {

ChildPughResult compute_child_pugh(const PatientRecord& r, Date at, Detail detail) {
  ChildPughResult out{std::nullopt, start_score("child_pugh", "child-pugh", at, detail)};
  ScoreResult& rep = out.report;
  int points = 0;
  bool complete = true;
  // Components present but not graded (issue 14): their point range, never a guessed grade.
  int ungraded_min = 0;
  int ungraded_max = 0;
  std::vector<std::string> ungraded;

  auto lab = [&](Quantity q, const char* name, int (*score)(double)) {
    if (const LabValue* v = latest_lab(r.labs.of(q), at)) {
      const int p = score(v->value);
      points += p;
      // Each input's name and date are kept in every detail: ABCR, ART and BCLC read their dates.
      rep.used.push_back({std::string(spec_of(q).key), v->date,
                          rep.explain
                              ? format_text(FMT_COMPILE("{} → {} point{}"), describe(*v, q), p, p == 1 ? "" : "s")
                              : std::string()});
    } else {
      complete = false;
      rep.missing.emplace_back(name);
    }
  };
  lab(Quantity::Bilirubin, "bilirubin", child_pugh_bilirubin_points);
  lab(Quantity::Albumin, "albumin", child_pugh_albumin_points);
  if (latest_lab(r.labs.pt_prolongation_s, at) != nullptr && latest_lab(r.labs.inr, at) == nullptr)
    lab(Quantity::PtProlongation, "pt_prolongation", child_pugh_pt_points);
  else lab(Quantity::Inr, "inr (or pt_prolongation)", child_pugh_inr_points);

  if (const auto* c = latest_ascites(r, at)) {
    const int p = child_pugh_ascites_points(*c->ascites);
    points += p;
    rep.used.push_back({"ascites", c->date,
                        rep.explain
                            ? format_text(FMT_COMPILE("{} → {} point{}"), to_string(*c->ascites), p, p == 1 ? "" : "s")
                            : std::string()});
  } else if (const auto* u = latest_ascites_any(r, at)) {
    // Present, grade not recorded: slight (2 points) or moderate-severe (3 points).
    complete = false;
    ungraded_min += child_pugh_ascites_points(Ascites::Slight);
    ungraded_max += child_pugh_ascites_points(Ascites::ModerateSevere);
    ungraded.push_back(format_text(
        FMT_COMPILE("ascites present on {} but its grade (slight or moderate-severe) is not recorded"), u->date.iso()));
    rep.missing.emplace_back("ascites grade (slight or moderate-severe)");
  } else {
    complete = false;
    rep.missing.emplace_back("ascites");
  }
  if (const auto* c = latest_encephalopathy(r, at)) {
    const int p = child_pugh_encephalopathy_points(*c->encephalopathy);
    points += p;
    rep.used.push_back(
        {"encephalopathy", c->date,
         rep.explain ? format_text(FMT_COMPILE("{} → {} point{}"), to_string(*c->encephalopathy), p, p == 1 ? "" : "s")
                     : std::string()});
  } else if (const auto* u = latest_encephalopathy_any(r, at)) {
    complete = false;
    ungraded_min += child_pugh_encephalopathy_points(Encephalopathy::Grade1to2);
    ungraded_max += child_pugh_encephalopathy_points(Encephalopathy::Grade3to4);
    ungraded.push_back(format_text(
        FMT_COMPILE("hepatic encephalopathy present on {} but its grade (1-2 or 3-4) is not recorded"), u->date.iso()));
    rep.missing.emplace_back("encephalopathy grade (1-2 or 3-4)");
  } else {
    complete = false;
    rep.missing.emplace_back("encephalopathy");
  }
  if (!ungraded.empty() && rep.explain) {
    std::string why;
    for (const auto& u : ungraded) why.append(why.empty() ? "" : "; ").append(u);
    // The range only when every other component is known: otherwise it would be a guess too.
    const bool others_known = rep.missing.size() == ungraded.size();
    if (others_known) {
      const int lo = points + ungraded_min;
      const int hi = points + ungraded_max;
      const char clo = child_pugh_class(lo);
      const char chi = child_pugh_class(hi);
      why += format_text(FMT_COMPILE(" (with the other inputs: {}–{} points, class {})"), lo, hi,
                         clo == chi ? std::string(1, clo) : format_text(FMT_COMPILE("{} or {}"), clo, chi));
    }
    rep.summary = format_text(FMT_COMPILE("not computed: {}"), why);
    rep.notes.push_back(format_text(FMT_COMPILE("Child-Pugh not computed: {}; record the grade"), why));
  }
  if (!complete) return out;

  const ChildPugh cp{points, child_pugh_class(points)};
  out.value = cp;
  rep.computed = true;
  rep.summarize([&] { return format_text(FMT_COMPILE("{} points, class {}"), cp.points, cp.cls); });
  rep.fields.push_back({"points", cp.points});
  rep.fields.push_back({"class", std::string(1, cp.cls)});
  return out;
}

}  // namespace

}  // namespace switchpoint
