#pragma once
#include <span>
#include <string_view>

namespace switchpoint {

struct EmbeddedExample {
  std::string_view name;  // file name under examples/
  std::string_view json;
};

// The example patients of examples/, compiled into the binary for `switchpoint demo`.
std::span<const EmbeddedExample> embedded_examples();

}  // namespace switchpoint
