#include <iostream>

#include "cli/commands.h"

#ifdef SWITCHPOINT_MIMALLOC
#include <mimalloc.h>
#endif

#ifdef SWITCHPOINT_MIMALLOC
namespace {
// The allocator's memory in 2 MiB pages where the kernel allows it (transparent huge pages): a
// cohort run otherwise spends about a tenth of its time faulting in 4 KiB heap pages. Set before
// any static object allocates.
[[gnu::constructor(101)]] void large_pages() { mi_option_enable(mi_option_large_os_pages); }
}  // namespace
#endif

int main(int argc, char** argv) { return switchpoint::run_cli(argc, argv, std::cout, std::cerr); }
