#pragma once
// A small streaming JSON writer. Written by hand rather than taken from a DOM library because
// the decision JSON must be byte-identical across runs and machines: keys in the order the
// schema documents, numbers at a fixed precision chosen per field (fmt, locale-independent),
// no intermediate tree. It is ~100 lines and tested against simdjson's parser.
#include <string>
#include <string_view>
#include <vector>

namespace switchpoint {

class JsonWriter {
 public:
  explicit JsonWriter(bool pretty = true) : pretty_(pretty) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int i);
  JsonWriter& value(long i);
  JsonWriter& number(double v, int decimals);  // fixed decimals, "-0.00" written as "0.00"
  JsonWriter& null();

  // Shorthands for "key": value.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  JsonWriter& end_container(char close);
  void newline();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
  bool pretty_;
};

std::string json_escape(std::string_view s);

}  // namespace switchpoint
