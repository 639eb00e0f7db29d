#pragma once
// The command line as a function, so tests can run every command in-process.
#include <iosfwd>

namespace switchpoint {

// Exit codes (INTERFACES.md): 0 success; 2 bad usage or invalid input; 1 internal error.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace switchpoint
