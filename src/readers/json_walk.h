#pragma once
// Typed access to a simdjson DOM with JSON-pointer bookkeeping: every accessor records a
// problem (pointer, field, value, expectation) instead of stopping at the first one.
#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/units.h"
#include "readers/problems.h"

namespace switchpoint::json {

// The bytes without a leading UTF-8 byte order mark. RFC 8259 §8.1 lets a parser ignore one, and
// Windows editors write one; simdjson would call it "improper structure".
std::string_view without_bom(std::string_view bytes);

std::string pointer_escape(std::string_view key);
std::string child(const std::string& ptr, std::string_view key);
std::string child(const std::string& ptr, std::size_t index);
std::string type_name(simdjson::dom::element_type t);
std::string render(simdjson::dom::element e);  // short rendering of a value for messages

// Every member name that appears more than once in one object, anywhere in `root`, as a problem
// at the repeated member's pointer (`base` + the path): {"value": 1, "value": 2} is ambiguous —
// parsers disagree on which one counts — so it is refused, never resolved silently. Linear in
// the size of the document (simdjson bounds its depth). The values of members named
// `skip_member` are not looked into (a Bundle's entries' resources, which the resource reader
// checks itself). Returns the number of repeated names found.
std::size_t duplicate_keys(simdjson::dom::element root, const std::string& base, std::vector<Problem>& problems,
                           std::string_view skip_member = {});
std::size_t duplicate_keys(simdjson::dom::object root, const std::string& base, std::vector<Problem>& problems);

class Walker {
 public:
  explicit Walker(std::vector<Problem>& problems) : problems_(problems) {}

  void problem(std::string ptr, std::string message) { add_problem(problems_, std::move(ptr), std::move(message)); }

  // Field accessors: `required` missing fields are problems; present fields of the wrong
  // type are always problems.
  std::optional<simdjson::dom::element> field(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                              bool required);
  std::optional<simdjson::dom::object> object(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                              bool required);
  std::optional<simdjson::dom::array> array(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                            bool required);
  std::optional<std::string> string(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                    bool required);
  // The same as a view of the document (alive as long as it is): nothing copied.
  std::optional<std::string_view> view(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                       bool required);
  std::optional<Date> date(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required);
  std::optional<double> number(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required);
  std::optional<int> integer(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required,
                             long min, long max);
  std::optional<bool> boolean(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required);
  // The same checks on a member the caller has found itself (`e` null: absent), for a reader that
  // finds an object's members in one pass: field(), then view() or number(), report exactly what
  // these report.
  std::optional<simdjson::dom::element> present(const simdjson::dom::element* e, const std::string& ptr,
                                                std::string_view key, bool required);
  std::optional<std::string_view> view_of(std::optional<simdjson::dom::element> e, const std::string& ptr,
                                          std::string_view key);
  std::optional<double> number_of(std::optional<simdjson::dom::element> e, const std::string& ptr,
                                  std::string_view key);
  // A number within [min, max] (inclusive), e.g. a percentage.
  std::optional<double> bounded(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required,
                                double min, double max, std::string_view what);
  // {"value": n, "unit": "…"} converted to the canonical unit of q.
  std::optional<LabValue> quantity(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required,
                                   Quantity q, Date date);
  // A string mapped through `parse`; an unknown spelling lists the accepted ones.
  template <typename E, typename Parse>
  std::optional<E> enumeration(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required,
                               Parse parse, std::string_view accepted) {
    auto s = string(o, ptr, key, required);
    if (!s) return std::nullopt;
    if (auto e = parse(*s)) return e;
    problem(child(ptr, key),
            "'" + *s + "' is not a known " + std::string(key) + "; expected one of: " + std::string(accepted));
    return std::nullopt;
  }
  // Every key of `o` must be one of `known`; others are reported (they are usually typos).
  void only_keys(simdjson::dom::object o, const std::string& ptr, std::initializer_list<std::string_view> known);

 private:
  std::vector<Problem>& problems_;
};

}  // namespace switchpoint::json
