#pragma once
// The "obtain" list (P-obtain-list): one line per missing fact, in a clinician's words, with the
// decisions it would settle, the facts that would settle the most decisions first. Built from what
// every rule of the decision says it lacks (core/facts.h phrases), so the same fact asked for by
// eight definitions is one line that names the eight.
#include <string>
#include <vector>

namespace switchpoint {

struct Decision;
struct PatientRecord;

struct ObtainItem {
  std::string fact;                   // "ascites grade within 30 days before 2024-04-15"
  std::vector<std::string> unlocks;   // "checkpoint verdict", "JSH-LCSGJ 2014", "checkpoint: liver function", …
  std::vector<std::string> regimens;  // systemic regimens waiting for it ("Lenvatinib", …)
  // Resources of this fact that were sent but not read (PatientRecord::unread), most recent first:
  // "SNOMED CT 389026000 Ascites on 2024-03-02 but not read (status entered-in-error)". Empty for a
  // native record.
  std::vector<std::string> sent_not_read = {};
  std::string instead = {};  // what to record instead ("record the grade"), when sent_not_read is not empty
  std::size_t decisions() const { return unlocks.size() + regimens.size(); }
};

// "would settle: checkpoint verdict, Galle 2017, EASL 2018 and 7 systemic regimens"
std::string would_settle(const ObtainItem& item);

std::vector<ObtainItem> build_obtain_list(const Decision& d);

// Names, beside each item, the resources of its fact that were sent but not read (`r` is the record
// as of the decision's date). Only the wording changes: no item is added, removed or reordered.
void name_unread(std::vector<ObtainItem>& items, const PatientRecord& r);

// "sent as SNOMED CT 389026000 Ascites on 2024-03-02 but not read (status entered-in-error):
// record the grade"; "" when nothing of the item's fact was sent.
std::string not_read_note(const ObtainItem& item);

// "JSH-LCSGJ 2014" for "jsh-lcsgj-2014".
std::string definition_display_name(const std::string& id);

}  // namespace switchpoint
