#include "core/refractoriness/patterns.h"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <algorithm>

#include "core/facts.h"
#include "core/number_text.h"
#include "core/scores/child_pugh.h"
#include "core/text.h"
#include "core/timeline.h"

namespace switchpoint {
namespace {

void add_unique(std::vector<std::string>& v, std::string s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

std::string study_ref(const SessionAssessment& a) {
  return format_text(FMT_COMPILE("{} → imaging {}"), session_ref(a),
                     a.study_date->iso());  // P-session-merge: staged named
}

}  // namespace

std::optional<SessionVerdict> assessment_gate(const TaceHistory& h, const SessionAssessment& a, Detail detail) {
  switch (a.state) {
    case AssessmentState::Assessed:
      return std::nullopt;
    case AssessmentState::Pending:
      return SessionVerdict::explained(SessionVerdict::Skip, detail, [&] {
        return format_text(FMT_COMPILE("S{} ({}): response assessment pending on {} ({} days after the session)"),
                           a.session_index + 1, a.session_date.iso(), h.as_of.iso(),
                           days_between(a.session_date, h.as_of));
      });
    case AssessmentState::Missing:
      return SessionVerdict{SessionVerdict::Unknown, facts::response_imaging(a.session_date)};
  }
  return std::nullopt;
}

void note_window_flags(CriterionResult& c, const TaceHistory& h) {
  for (const auto& a : h.sessions)
    if (a.state == AssessmentState::Assessed && a.outside_window)
      if (c.explain)
        add_unique(c.notes,
                   format_text(FMT_COMPILE("{} is outside the 28–92-day response assessment window (used, flagged)"),
                               h.assessment_label(a)));
}

void judge_any_session(CriterionResult& c, const TaceHistory& h, std::size_t from, const SessionPredicate& pred) {
  bool unknown = false, considered = false;
  for (std::size_t i = from; i < h.sessions.size(); ++i) {
    const SessionVerdict v = pred(h.sessions[i]);
    switch (v.kind) {
      case SessionVerdict::Yes:
        c.met(*h.sessions[i].study_date, v.why);
        return;
      case SessionVerdict::No:
        considered = true;
        c.add_evidence(v.why);
        break;
      case SessionVerdict::Unknown:
        unknown = true;
        add_unique(c.missing, v.why);
        break;
      case SessionVerdict::Skip:
        c.add_note(v.why);
        break;
    }
  }
  if (unknown) {
    c.state = CriterionState::NotJudgeable;
    return;
  }
  c.state = CriterionState::NotMet;
  if (!considered)
    c.add_evidence([&] {
      return format_text(
          FMT_COMPILE("{} session{} with a completed assessment from S{} on: the criterion cannot hold yet"), "no", "",
          from + 1);
    });
}

void judge_consecutive_pair(CriterionResult& c, const TaceHistory& h, std::size_t from, const SessionPredicate& pred,
                            const std::function<bool(std::size_t)>& pair_counts) {
  std::vector<SessionVerdict> v;
  v.reserve(h.sessions.size());
  for (const auto& a : h.sessions) v.push_back(pred(a));
  bool unknown = false, considered = false;
  for (std::size_t i = from; i + 1 < h.sessions.size(); ++i) {
    const SessionVerdict& x = v[i];
    const SessionVerdict& y = v[i + 1];
    if (x.kind == SessionVerdict::Skip || y.kind == SessionVerdict::Skip) {
      c.add_note(x.kind == SessionVerdict::Skip ? x.why : y.why);
      continue;
    }
    if (pair_counts && !pair_counts(i)) {
      c.add_evidence([&] {
        return format_text(FMT_COMPILE("S{} and S{} do not form a qualifying pair ({} days apart)"), i + 1, i + 2,
                           days_between(h.sessions[i].session_date, h.sessions[i + 1].session_date));
      });
      considered = true;
      continue;
    }
    if (x.kind == SessionVerdict::Yes && y.kind == SessionVerdict::Yes) {
      c.met(*h.sessions[i + 1].study_date, [&] { return format_text(FMT_COMPILE("{}; then {}"), x.why, y.why); });
      return;
    }
    if (x.kind == SessionVerdict::No || y.kind == SessionVerdict::No) {
      considered = true;
      c.add_evidence(x.kind == SessionVerdict::No ? x.why : y.why);
      continue;
    }
    unknown = true;
    if (x.kind == SessionVerdict::Unknown) add_unique(c.missing, x.why);
    if (y.kind == SessionVerdict::Unknown) add_unique(c.missing, y.why);
  }
  if (unknown) {
    c.state = CriterionState::NotJudgeable;
    return;
  }
  c.state = CriterionState::NotMet;
  if (!considered)
    c.add_evidence([&] {
      return format_text(FMT_COMPILE("{} completed session{} from S{}: two consecutive sessions are needed"),
                         h.sessions.size() > from ? h.sessions.size() - from : 0,
                         h.sessions.size() - from == 1 ? "" : "s", from + 1);
    });
}

SessionVerdict no_objective_response(const TaceHistory& h, const SessionAssessment& a, Detail detail) {
  if (auto g = assessment_gate(h, a, detail)) return *g;
  if (!a.response.category) return {SessionVerdict::Unknown, facts::mrecist(*a.study_date, a.session_date)};
  const auto cat = to_string(*a.response.category);
  if (a.objective_response())
    return SessionVerdict::explained(SessionVerdict::No, detail, [&] {
      return format_text(FMT_COMPILE("{}: mRECIST {} (objective response)"), study_ref(a), cat);
    });
  return SessionVerdict::explained(SessionVerdict::Yes, detail, [&] {
    return format_text(FMT_COMPILE("{}: mRECIST {} (no objective response)"), study_ref(a), cat);
  });
}

SessionVerdict progressive_disease(const TaceHistory& h, const SessionAssessment& a, Detail detail) {
  if (auto g = assessment_gate(h, a, detail)) return *g;
  if (!a.response.category) return {SessionVerdict::Unknown, facts::mrecist(*a.study_date, a.session_date)};
  if (*a.response.category == MrecistCategory::PD)
    return SessionVerdict::explained(SessionVerdict::Yes, detail, [&] {
      return format_text(FMT_COMPILE("{}: mRECIST PD{}"), study_ref(a),
                         a.response.basis.empty() ? "" : " — " + a.response.basis);
    });
  return SessionVerdict::explained(SessionVerdict::No, detail, [&] {
    return format_text(FMT_COMPILE("{}: mRECIST {}"), study_ref(a), to_string(*a.response.category));
  });
}

namespace {

struct FindingView {
  std::string_view name;
  std::optional<bool> (*present)(const ImagingStudy&);
  std::string (*describe)(const ImagingStudy&);
};

std::optional<bool> vascular_present(const ImagingStudy& s) {
  if (!s.vascular_invasion) return std::nullopt;
  return *s.vascular_invasion != VascularInvasion::Absent;
}
std::string vascular_describe(const ImagingStudy& s) {
  return format_text(FMT_COMPILE("vascular invasion {} on imaging {}"), to_string(*s.vascular_invasion), s.date.iso());
}
std::optional<bool> ehs_present(const ImagingStudy& s) { return s.extrahepatic_spread; }
std::string ehs_describe(const ImagingStudy& s) {
  return format_text(FMT_COMPILE("extrahepatic spread {} on imaging {}"), *s.extrahepatic_spread ? "present" : "absent",
                     s.date.iso());
}

FindingView view_of(Finding f) {
  if (f == Finding::VascularInvasion) return {"vascular invasion", vascular_present, vascular_describe};
  return {"extrahepatic spread", ehs_present, ehs_describe};
}

}  // namespace

void judge_new_finding(CriterionResult& c, const PatientRecord& r, const TaceHistory& h, Finding f) {
  const FindingView fv = view_of(f);
  if (!h.any_session()) {
    c.state = CriterionState::NotMet;
    c.add_evidence("no TACE session yet");
    return;
  }
  const Date s1 = h.first_session();
  // Baseline for this finding (P-baseline-window): the latest study on or before S1, at most 183
  // days before it and after the procedure that ended an earlier course, that reports it.
  const ImagingStudy* baseline = nullptr;
  for (const auto& s : r.imaging)
    if (s.date <= s1 && days_between(s.date, s1) <= kBaselineMaxDays && fv.present(s) &&
        (!h.course_started_after || s.date > h.course_started_after->date))
      baseline = &s;
  if (c.explain && baseline && days_between(baseline->date, s1) > kBaselineFlagDays)
    add_unique(
        c.notes,
        format_text(FMT_COMPILE("baseline imaging of {} is {} days before S1 ({}): older than {} days (used, flagged)"),
                    baseline->date.iso(), days_between(baseline->date, s1), s1.iso(), kBaselineFlagDays));
  const ImagingStudy* first_present = nullptr;
  const ImagingStudy* latest_after = nullptr;
  for (const auto& s : r.imaging) {
    if (s.date <= s1) continue;
    latest_after = &s;
    if (!first_present && fv.present(s).value_or(false)) first_present = &s;
  }
  if (first_present) {
    if (baseline && !*fv.present(*baseline)) {
      c.met(first_present->date, [&] {
        return format_text(FMT_COMPILE("{}; absent at baseline ({})"), fv.describe(*first_present),
                           baseline->date.iso());
      });
      return;
    }
    if (baseline) {
      c.state = CriterionState::NotMet;
      c.add_evidence([&] {
        return format_text(FMT_COMPILE("{}: present before the first TACE, not new"), fv.describe(*baseline));
      });
      return;
    }
    c.state = CriterionState::NotJudgeable;
    c.add_evidence([&] { return fv.describe(*first_present); });
    c.missing.push_back(facts::finding_at_baseline(fv.name, s1));
    return;
  }
  if (!latest_after) {
    c.state = CriterionState::NotJudgeable;
    c.missing.push_back(facts::imaging_after_first_tace(s1));
    return;
  }
  if (!fv.present(*latest_after)) {
    c.state = CriterionState::NotJudgeable;
    c.missing.push_back(facts::finding(fv.name, latest_after->date));
    return;
  }
  c.state = CriterionState::NotMet;
  c.add_evidence([&] { return fv.describe(*latest_after); });
}

void judge_decompensation(CriterionResult& c, const PatientRecord& r, const TaceHistory& h) {
  if (!h.any_session()) {
    c.state = CriterionState::NotMet;
    c.add_evidence("no TACE session yet");
    return;
  }
  const Date s1 = h.first_session();
  std::optional<Date> first;
  std::string why;
  // `w` builds the text of the earliest finding, only when explanations are asked for.
  auto consider = [&](Date d, auto w) {
    if (!first || d < *first) {
      first = d;
      if (c.explain) why = w();
    }
  };
  for (const auto& a : r.clinical) {
    if (a.date <= s1) continue;
    if (a.ascites == Ascites::ModerateSevere)
      consider(a.date, [&] { return format_text(FMT_COMPILE("moderate-severe ascites on {}"), a.date.iso()); });
    if (a.encephalopathy && *a.encephalopathy != Encephalopathy::None)
      consider(a.date, [&] {
        return format_text(FMT_COMPILE("hepatic encephalopathy {} on {}"), to_string(*a.encephalopathy), a.date.iso());
      });
    if (a.child_pugh_points_recorded && *a.child_pugh_points_recorded >= 10)
      consider(a.date, [&] {
        return format_text(FMT_COMPILE("Child-Pugh C ({} points, as recorded) on {}"), *a.child_pugh_points_recorded,
                           a.date.iso());
      });
  }
  // Child-Pugh C on any date after S1 at which an input was observed.
  std::vector<Date> dates;
  for (const auto& a : r.clinical)
    if (a.date > s1) dates.push_back(a.date);
  for (Quantity q : {Quantity::Bilirubin, Quantity::Albumin, Quantity::Inr, Quantity::PtProlongation})
    for (const auto& v : r.labs.of(q))
      if (v.date > s1) dates.push_back(v.date);
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  for (Date d : dates) {
    if (first && d >= *first) break;
    const auto cp = child_pugh_value(r, d);
    if (cp && cp->cls == 'C') {
      consider(d, [&] { return format_text(FMT_COMPILE("Child-Pugh C ({} points) on {}"), cp->points, d.iso()); });
      break;
    }
  }
  if (first) {
    c.met(*first, why);
    return;
  }
  // Not met only when the current state is known and compensated.
  // The value alone (no report text) unless an input is missing and must be named.
  const std::optional<ChildPugh> cp = child_pugh_value(r, h.as_of);
  const auto* asc = latest_ascites(r, h.as_of);
  const auto* enc = latest_encephalopathy(r, h.as_of);
  if (!cp)
    for (const auto& m : child_pugh(r, h.as_of, c.explain ? Detail::Full : Detail::Verdicts).report.missing)
      add_unique(c.missing, facts::child_pugh_input(m, h.as_of));
  if (!asc) add_unique(c.missing, facts::ascites(h.as_of));
  if (!enc) add_unique(c.missing, facts::encephalopathy(h.as_of));
  if (!c.missing.empty()) {
    c.state = CriterionState::NotJudgeable;
    return;
  }
  c.state = CriterionState::NotMet;
  c.add_evidence([&] {
    return format_text(FMT_COMPILE("on {}: Child-Pugh {}{} ({} points), ascites {}, encephalopathy {}"), h.as_of.iso(),
                       cp->cls, cp->points, cp->points, to_string(*asc->ascites), to_string(*enc->encephalopathy));
  });
}

namespace {

void judge_ecog_rise(CriterionResult& c, const PatientRecord& r, const TaceHistory& h) {
  const Date s1 = h.first_session();
  const ClinicalAssessment* base = latest_ecog(r, s1);
  bool any_post = false, all_post_zero = true;
  for (const auto& a : r.clinical) {
    if (a.date <= s1 || !a.ecog) continue;
    any_post = true;
    if (*a.ecog >= 1) all_post_zero = false;
    if (base && *a.ecog > *base->ecog && *a.ecog >= 1) {
      c.met(a.date, [&] {
        return format_text(FMT_COMPILE("ECOG {} on {} (baseline ECOG {} on {})"), *a.ecog, a.date.iso(), *base->ecog,
                           base->date.iso());
      });
      return;
    }
  }
  const ClinicalAssessment* now = latest_ecog(r, h.as_of);
  if (now && now->date > s1 && (base || all_post_zero)) {
    c.state = CriterionState::NotMet;
    c.add_evidence([&] {
      return base ? format_text(FMT_COMPILE("ECOG {} on {} (baseline ECOG {} on {})"), *now->ecog, now->date.iso(),
                                *base->ecog, base->date.iso())
                  : format_text(FMT_COMPILE("ECOG 0 after S1 (latest {})"), now->date.iso());
    });
    return;
  }
  c.state = CriterionState::NotJudgeable;
  if (!base && any_post) c.missing.push_back(facts::ecog_before_first_tace(s1));
  if (!now || now->date <= s1) c.missing.push_back(facts::ecog(r, h.as_of));
}

bool infiltrative(Morphology m) {
  return m == Morphology::MassiveInfiltrative || m == Morphology::MultipleDisseminated;
}

thread_local UntreatableProgressionOnce* t_untreatable_once = nullptr;

CriterionResult judge_untreatable_progression(const PatientRecord& r, const TaceHistory& h, std::string_view rule_id,
                                              Detail detail);
}  // namespace

UntreatableProgressionOnce::UntreatableProgressionOnce(const PatientRecord& r, const TaceHistory& h)
    : record_(&r), history_(&h), outer_(t_untreatable_once) {
  t_untreatable_once = this;
}

UntreatableProgressionOnce::~UntreatableProgressionOnce() { t_untreatable_once = outer_; }

CriterionResult untreatable_progression(const PatientRecord& r, const TaceHistory& h, std::string_view rule_id,
                                        Detail detail) {
  UntreatableProgressionOnce* once = t_untreatable_once;
  if (once == nullptr || once->record_ != &r || once->history_ != &h)
    return judge_untreatable_progression(r, h, rule_id, detail);
  // A judgement kept with explanations answers a call for verdicts too, never the reverse.
  if (!once->judged_ || (detail == Detail::Full && !once->judged_->explain))
    once->judged_ = judge_untreatable_progression(r, h, rule_id, detail);
  CriterionResult out = *once->judged_;
  out.rule = &rule(rule_id);
  return out;
}

namespace {

CriterionResult judge_untreatable_progression(const PatientRecord& r, const TaceHistory& h, std::string_view rule_id,
                                              Detail detail) {
  CriterionResult out = CriterionResult::start("untreatable-progression", rule_id, detail);
  if (!h.any_session()) {
    out.state = CriterionState::NotMet;
    out.add_evidence("no TACE session yet");
    return out;
  }
  std::vector<std::pair<std::string_view, CriterionResult>> parts;
  auto part = [&](std::string_view name) -> CriterionResult& {
    parts.emplace_back(name, CriterionResult::start(name, rule_id, detail));
    return parts.back().second;
  };
  judge_new_finding(part("new macrovascular invasion"), r, h, Finding::VascularInvasion);
  judge_new_finding(part("new extrahepatic spread"), r, h, Finding::ExtrahepaticSpread);
  judge_decompensation(part("decompensation"), r, h);
  judge_ecog_rise(part("ECOG rise"), r, h);
  judge_any_session(
      part("PD with infiltrative or bilobar disease"), h, 0, [&](const SessionAssessment& a) -> SessionVerdict {
        SessionVerdict pd = progressive_disease(h, a, detail);
        if (pd.kind != SessionVerdict::Yes) return pd;
        const ImagingStudy& s = r.imaging[*a.study_index];
        const ImagingStudy* m = s.morphology ? &s : latest_imaging_with(r, s.date, &ImagingStudy::morphology);
        const ImagingStudy* b = s.bilobar ? &s : latest_imaging_with(r, s.date, &ImagingStudy::bilobar);
        if ((m && infiltrative(*m->morphology)) || (b && *b->bilobar))
          return SessionVerdict::explained(SessionVerdict::Yes, detail, [&] {
            return format_text(FMT_COMPILE("{}; {}{}"), pd.why,
                               m && infiltrative(*m->morphology) ? to_string(*m->morphology) : "",
                               (b && *b->bilobar) ? " bilobar disease" : "");
          });
        if (m && b)
          return SessionVerdict::explained(SessionVerdict::No, detail, [&] {
            return format_text(FMT_COMPILE("{} but {} and not bilobar"), pd.why, to_string(*m->morphology));
          });
        return {
            SessionVerdict::Unknown,
            format_text(FMT_COMPILE("tumour morphology and bilobar extent on imaging {} (PD there)"), s.date.iso())};
      });

  bool unknown = false;
  for (auto& [name, c] : parts) {
    if (c.state == CriterionState::Met && (!out.on || *c.on < *out.on)) {
      out.state = CriterionState::Met;
      out.on = c.on;
    }
    if (c.state == CriterionState::NotJudgeable) unknown = true;
  }
  // The part that set the met-on date leads; each part's verdict is stated once, then its
  // observations.
  std::stable_sort(parts.begin(), parts.end(), [&](const auto& a, const auto& b) {
    const bool a_first = a.second.state == CriterionState::Met && a.second.on == out.on;
    const bool b_first = b.second.state == CriterionState::Met && b.second.on == out.on;
    return a_first && !b_first;
  });
  for (auto& [name, c] : parts) {
    for (const auto& m : c.missing) add_unique(out.missing, m);
    if (!out.explain) continue;
    const char* verdict = c.state == CriterionState::Met      ? "met"
                          : c.state == CriterionState::NotMet ? "not met"
                                                              : "not judgeable";
    if (c.state == CriterionState::Met)
      out.evidence.push_back(format_text(FMT_COMPILE("{}: met on {} — {}"), name, c.on->iso(), c.evidence.front()));
    else
      out.evidence.push_back(
          format_text(FMT_COMPILE("{}: {}{}"), name, verdict, c.evidence.empty() ? "" : " — " + c.evidence.back()));
    for (const auto& n : c.notes) add_unique(out.notes, n);
  }
  if (out.state != CriterionState::Met) out.state = unknown ? CriterionState::NotJudgeable : CriterionState::NotMet;
  if (out.state != CriterionState::NotJudgeable) out.missing.clear();
  return out;
}

}  // namespace

void judge_marker_rise(CriterionResult& c, const PatientRecord& r, const TaceHistory& h) {
  struct Marker {
    Quantity q;
    std::string_view name;
    double uln;
  };
  constexpr Marker kMarkers[] = {{Quantity::Afp, "AFP", 10.0}, {Quantity::Dcp, "DCP", 40.0}};
  bool judged = false;
  std::optional<Date> met_on;
  std::string met_why;
  for (const auto& m : kMarkers) {
    const LabSeries& series = r.labs.of(m.q);
    const auto& unit = spec_of(m.q).canonical_unit;
    for (std::size_t i = 0; i < h.sessions.size(); ++i) {
      const Date s = h.sessions[i].session_date;
      const std::optional<Date> next =
          i + 1 < h.sessions.size() ? std::optional<Date>(h.sessions[i + 1].session_date) : std::nullopt;
      const LabValue* pre = latest_lab(series, s, 30);
      std::vector<const LabValue*> post;
      for (const auto& v : series)
        if (v.date > s && (!next || v.date < *next) && days_between(s, v.date) <= 90) post.push_back(&v);
      if (!pre || post.empty()) continue;
      judged = true;
      bool rising = post.size() >= 2;
      for (std::size_t k = 1; k < post.size(); ++k) rising = rising && post[k]->value > post[k - 1]->value;
      const LabValue& last = *post.back();
      auto text = [&] {
        std::string series_text;
        for (const auto* v : post)
          series_text +=
              format_text(FMT_COMPILE("{}{} ({})"), series_text.empty() ? "" : ", ", G{v->value}, v->date.iso());
        return format_text(FMT_COMPILE("{} after S{} ({}): pre {} {} ({}); post {}"), m.name, i + 1, s.iso(),
                           G{pre->value}, unit, pre->date.iso(), series_text);
      };
      if (rising && last.value > pre->value && last.value > m.uln) {
        if (!met_on || last.date < *met_on) {
          met_on = last.date;
          if (c.explain)
            met_why = format_text(FMT_COMPILE("{} — continuous rise above the upper limit of normal ({} {})"), text(),
                                  G{m.uln}, unit);
        }
      } else {
        c.add_evidence(
            [&] { return text() + " — no continuous rise above the pre-session value and the upper limit of normal"; });
      }
    }
  }
  if (met_on) {
    c.met(*met_on, met_why);
    return;
  }
  if (judged) {
    c.state = CriterionState::NotMet;
    return;
  }
  c.state = CriterionState::NotJudgeable;
  c.missing.push_back(facts::tumour_markers_around_tace());
}

}  // namespace switchpoint
