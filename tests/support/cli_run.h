#pragma once
// The command line run in-process (run_cli is a function: src/cli/cli.h), as the tests of the
// cli, cohort and hostile suites use it. One definition (issue 16).
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace switchpoint::testing_support {

struct CliRun {
  int code;
  std::string out, err;
};

// `switchpoint ARGS…`: the exit code and what was written to standard output and error.
inline CliRun run_switchpoint(std::vector<std::string> args) {
  args.insert(args.begin(), "switchpoint");
  std::vector<const char*> argv;
  argv.reserve(args.size());
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

}  // namespace switchpoint::testing_support
