#pragma once
// The folder `switchpoint synth -o DIR` writes into (issue 15 item 8): a new cohort never lands
// silently on top of another one. An existing folder must be empty; with `force`, the NDJSON
// files already in it (.ndjson and .ndjson.gz alike, so that --gzip leaves no old plain file
// beside the new ones for `cohort` to read twice) are removed first, and other files are left.
#include <string>
#include <vector>

namespace switchpoint::synth {

// Creates the folder if needed. Throws std::runtime_error with what to do when the folder holds
// anything (without force) or cannot be created or cleaned. Returns the files removed (names).
std::vector<std::string> prepare_output_dir(const std::string& dir, bool force);

}  // namespace switchpoint::synth
