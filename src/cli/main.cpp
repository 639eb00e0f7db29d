#include <iostream>

#include "cli/commands.h"

#ifdef SWITCHPOINT_JEMALLOC
// jemalloc's options, read once when it starts (before main): the heap in 2 MiB transparent huge
// pages, which spares a cohort run ~90% of its page faults (docs/performance.md).
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc reads this symbol
const char* malloc_conf = "thp:always,metadata_thp:always";
}
#endif

int main(int argc, char** argv) { return switchpoint::run_cli(argc, argv, std::cout, std::cerr); }
