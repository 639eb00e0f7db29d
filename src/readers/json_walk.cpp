#include "readers/json_walk.h"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>

namespace switchpoint::json {

using simdjson::dom::element_type;

std::string_view without_bom(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  return bytes;
}

namespace {
// RFC 6901 §3: '~' is written "~0" and '/' "~1"; every other byte as it is.
void append_escaped(std::string& out, std::string_view key) {
  // A plain loop: find_first_of("~/") searches the two-character set once per byte of the key.
  if (std::none_of(key.begin(), key.end(), [](char c) { return c == '~' || c == '/'; })) {
    out.append(key);  // the usual key: copied at once
    return;
  }
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
}
}  // namespace

std::string pointer_escape(std::string_view key) {
  std::string out;
  append_escaped(out, key);
  return out;
}

// Built with one allocation: these run for every field a reader visits.
std::string child(const std::string& ptr, std::string_view key) {
  std::string out;
  out.reserve(ptr.size() + 1 + key.size());
  out.append(ptr).append(1, '/');
  append_escaped(out, key);
  return out;
}
std::string child(const std::string& ptr, std::size_t index) {
  char digits[24];
  const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), index);
  (void)ec;  // 24 digits hold any std::size_t
  std::string out;
  out.reserve(ptr.size() + 1 + static_cast<std::size_t>(end - digits));
  out.append(ptr).append(1, '/').append(digits, end);
  return out;
}

std::string type_name(element_type t) {
  switch (t) {
    case element_type::ARRAY:
      return "array";
    case element_type::OBJECT:
      return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::STRING:
      return "string";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "value";
}

std::string render(simdjson::dom::element e) {
  std::string s = simdjson::minify(e);
  if (s.size() > 60) {
    // Cut at a character boundary: the message goes into JSON answers and HTML pages, which must
    // stay valid UTF-8.
    std::size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

namespace {

// The walk of duplicate_keys: the path is kept as segments and spelled out only for a problem.
struct DuplicateSegment {
  std::string_view key;
  std::size_t index;
  bool is_key;
};
// The scan's working lists, kept by each thread from call to call: the scan runs for every line of
// a cohort, and would otherwise allocate them anew each time.
struct DuplicateScratch {
  std::vector<DuplicateSegment> path;
  std::vector<std::string_view> names, sorted;
};
DuplicateScratch& duplicate_scratch() {
  thread_local DuplicateScratch scratch;
  scratch.path.clear();
  scratch.names.clear();
  scratch.sorted.clear();
  return scratch;
}

struct DuplicateScan {
  std::vector<Problem>& problems;
  const std::string& base;
  std::vector<DuplicateSegment>& path;
  std::vector<std::string_view>& names;  // the member names of the objects being walked, innermost last
  std::vector<std::string_view>& sorted;
  std::string_view skip;
  std::size_t found = 0;

  std::string pointer(std::string_view key) const {
    std::string p = base;
    for (const auto& s : path) p = s.is_key ? child(p, s.key) : child(p, s.index);
    return child(p, key);
  }

  void report(std::string_view key) {
    ++found;
    add_problem(problems, pointer(key),
                fmt::format("'{}' appears more than once in this object; which one is meant cannot be told (each "
                            "member name once)",
                            key));
  }

  void walk(simdjson::dom::element e) {
    switch (e.type()) {
      case element_type::ARRAY: {
        std::size_t i = 0;
        for (auto v : simdjson::dom::array(e)) {
          if (v.type() == element_type::ARRAY || v.type() == element_type::OBJECT) {
            path.push_back({{}, i, false});
            walk(v);
            path.pop_back();
          }
          ++i;
        }
        return;
      }
      case element_type::OBJECT:
        walk_object(simdjson::dom::object(e));
        return;
      default:
        return;
    }
  }

  void walk_object(simdjson::dom::object o) {
    const std::size_t first = names.size();
    for (auto [k, v] : o) {
      names.push_back(k);
      if ((v.type() == element_type::ARRAY || v.type() == element_type::OBJECT) && (skip.empty() || k != skip)) {
        path.push_back({k, 0, true});
        walk(v);
        path.pop_back();
      }
    }
    if (names.size() - first <= 16) {
      // Small objects, the usual case: pairwise, no allocation. Each repeated name is reported
      // once, at its second appearance.
      for (std::size_t i = first + 1; i < names.size(); ++i) {
        std::size_t before = 0;
        for (std::size_t j = first; j < i; ++j) before += names[j] == names[i] ? 1 : 0;
        if (before == 1) report(names[i]);
      }
    } else {
      sorted.assign(names.begin() + static_cast<std::ptrdiff_t>(first), names.end());
      std::sort(sorted.begin(), sorted.end());
      for (std::size_t i = 1; i < sorted.size(); ++i)
        if (sorted[i] == sorted[i - 1] && (i < 2 || sorted[i - 2] != sorted[i])) report(sorted[i]);
    }
    names.resize(first);
  }
};

}  // namespace

std::size_t duplicate_keys(simdjson::dom::element root, const std::string& base, std::vector<Problem>& problems,
                           std::string_view skip_member) {
  DuplicateScratch& w = duplicate_scratch();
  DuplicateScan scan{problems, base, w.path, w.names, w.sorted, skip_member};
  scan.walk(root);
  return scan.found;
}

std::size_t duplicate_keys(simdjson::dom::object root, const std::string& base, std::vector<Problem>& problems) {
  DuplicateScratch& w = duplicate_scratch();
  DuplicateScan scan{problems, base, w.path, w.names, w.sorted, {}};
  scan.walk_object(root);
  return scan.found;
}

std::optional<simdjson::dom::element> Walker::field(simdjson::dom::object o, const std::string& ptr,
                                                    std::string_view key, bool required) {
  simdjson::dom::element e;
  return present(o.at_key(key).get(e) == simdjson::SUCCESS ? &e : nullptr, ptr, key, required);
}

std::optional<simdjson::dom::element> Walker::present(const simdjson::dom::element* e, const std::string& ptr,
                                                      std::string_view key, bool required) {
  if (e == nullptr || e->is_null()) {
    if (required) problem(child(ptr, key), fmt::format("required field '{}' is missing", key));
    return std::nullopt;
  }
  return *e;
}

std::optional<simdjson::dom::object> Walker::object(simdjson::dom::object o, const std::string& ptr,
                                                    std::string_view key, bool required) {
  auto e = field(o, ptr, key, required);
  if (!e) return std::nullopt;
  simdjson::dom::object out;
  if (e->get(out) != simdjson::SUCCESS) {
    problem(child(ptr, key), fmt::format("'{}' must be an object, found {} {}", key, type_name(e->type()), render(*e)));
    return std::nullopt;
  }
  return out;
}

std::optional<simdjson::dom::array> Walker::array(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                                  bool required) {
  auto e = field(o, ptr, key, required);
  if (!e) return std::nullopt;
  simdjson::dom::array out;
  if (e->get(out) != simdjson::SUCCESS) {
    problem(child(ptr, key), fmt::format("'{}' must be an array, found {} {}", key, type_name(e->type()), render(*e)));
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> Walker::string(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                          bool required) {
  auto v = view(o, ptr, key, required);
  if (!v) return std::nullopt;
  return std::string(*v);
}

std::optional<std::string_view> Walker::view(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                             bool required) {
  return view_of(field(o, ptr, key, required), ptr, key);
}

std::optional<std::string_view> Walker::view_of(std::optional<simdjson::dom::element> e, const std::string& ptr,
                                                std::string_view key) {
  if (!e) return std::nullopt;
  std::string_view out;
  if (e->get(out) != simdjson::SUCCESS) {
    problem(child(ptr, key), fmt::format("'{}' must be a string, found {} {}", key, type_name(e->type()), render(*e)));
    return std::nullopt;
  }
  return out;
}

std::optional<Date> Walker::date(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required) {
  auto s = string(o, ptr, key, required);
  if (!s) return std::nullopt;
  if (auto d = Date::parse(*s)) return d;
  problem(child(ptr, key), fmt::format("'{}' is '{}'; expected a real calendar date YYYY-MM-DD between "
                                       "1900 and 2200",
                                       key, *s));
  return std::nullopt;
}

std::optional<double> Walker::number(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                     bool required) {
  return number_of(field(o, ptr, key, required), ptr, key);
}

std::optional<double> Walker::number_of(std::optional<simdjson::dom::element> e, const std::string& ptr,
                                        std::string_view key) {
  if (!e) return std::nullopt;
  double out = 0;
  if (e->get(out) != simdjson::SUCCESS) {
    problem(child(ptr, key), fmt::format("'{}' must be a number, found {} {}", key, type_name(e->type()), render(*e)));
    return std::nullopt;
  }
  if (!std::isfinite(out)) {
    problem(child(ptr, key), fmt::format("'{}' must be a finite number", key));
    return std::nullopt;
  }
  return out;
}

std::optional<int> Walker::integer(simdjson::dom::object o, const std::string& ptr, std::string_view key, bool required,
                                   long min, long max) {
  auto e = field(o, ptr, key, required);
  if (!e) return std::nullopt;
  int64_t out = 0;
  if (e->get(out) != simdjson::SUCCESS) {
    // 2.0 is a whole number too (JSON Schema's "integer" and many exporters write it so).
    double d = 0;
    uint64_t big = 0;
    if (e->get(d) == simdjson::SUCCESS && std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
      out = static_cast<int64_t>(d);
    } else if (e->get(big) == simdjson::SUCCESS ||
               (e->get(d) == simdjson::SUCCESS && std::isfinite(d) && d == std::trunc(d))) {
      // A whole number, but far out of range (2^64 − 1, 1e300): say so, not "not a whole number".
      problem(child(ptr, key),
              fmt::format("'{}' is {}; expected a whole number from {} to {}", key, render(*e), min, max));
      return std::nullopt;
    } else {
      problem(child(ptr, key),
              fmt::format("'{}' must be a whole number, found {} {}", key, type_name(e->type()), render(*e)));
      return std::nullopt;
    }
  }
  if (out < min || out > max) {
    problem(child(ptr, key), fmt::format("'{}' is {}; expected a whole number from {} to {}", key, out, min, max));
    return std::nullopt;
  }
  return static_cast<int>(out);
}

std::optional<bool> Walker::boolean(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                    bool required) {
  auto e = field(o, ptr, key, required);
  if (!e) return std::nullopt;
  bool out = false;
  if (e->get(out) != simdjson::SUCCESS) {
    problem(child(ptr, key),
            fmt::format("'{}' must be true or false, found {} {}", key, type_name(e->type()), render(*e)));
    return std::nullopt;
  }
  return out;
}

std::optional<double> Walker::bounded(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                      bool required, double min, double max, std::string_view what) {
  auto v = number(o, ptr, key, required);
  if (!v) return std::nullopt;
  if (*v < min || *v > max) {
    problem(child(ptr, key), fmt::format("'{}' is {}; expected {} from {} to {}", key, *v, what, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<LabValue> Walker::quantity(simdjson::dom::object o, const std::string& ptr, std::string_view key,
                                         bool required, Quantity q, Date date) {
  auto obj = object(o, ptr, key, required);
  if (!obj) return std::nullopt;
  const std::string p = child(ptr, key);
  only_keys(*obj, p, {"value", "unit"});
  auto value = number(*obj, p, "value", true);
  const bool unit_given = field(*obj, p, "unit", false).has_value();
  auto unit = string(*obj, p, "unit", false);
  // A unit of the wrong type was reported by string(); do not report it again as missing.
  if (!value || (unit_given && !unit)) return std::nullopt;
  Converted c = to_canonical(q, *value, unit.value_or(""));
  if (!c.canonical) {
    problem(unit ? p : child(p, "unit"), std::string(key) + ": " + c.problem);
    return std::nullopt;
  }
  return LabValue{date, *c.canonical, *value, unit.value_or("")};
}

void Walker::only_keys(simdjson::dom::object o, const std::string& ptr, std::initializer_list<std::string_view> known) {
  for (auto [k, v] : o) {
    bool ok = false;
    for (auto n : known) ok = ok || n == k;
    if (!ok) {
      std::string list;
      for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      problem(child(ptr, k), fmt::format("unknown field '{}' (a typo?); known fields here: {}", k, list));
    }
  }
}

}  // namespace switchpoint::json
