#pragma once
// The rule catalogue as Markdown or JSON (`switchpoint rules`), generated from the same table
// the engine cites.
#include <string>

namespace switchpoint {

std::string catalogue_to_markdown();
std::string catalogue_to_json();

}  // namespace switchpoint
