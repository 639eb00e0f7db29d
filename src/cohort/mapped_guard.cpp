#include "cohort/mapped_guard.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

namespace switchpoint::cohort {
namespace {

// One guarded range. The handler reads it with no lock (a signal handler may take none): `state`
// is published last when a range is added and cleared first when it is removed.
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled or emptied, 2 guarding
  std::atomic<std::uintptr_t> begin{0}, end{0};
  std::atomic<bool> faulted{false};
};
static_assert(std::atomic<std::uintptr_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
                  std::atomic<bool>::is_always_lock_free,
              "the SIGBUS handler reads the slots with no lock");

std::array<Slot, MappingGuard::kSlots> slots;
std::uintptr_t page_size = 4096;
struct sigaction previous {};
std::once_flag installed;

// SIGBUS: a read in a guarded range past its file's end gets zero pages from the faulting page to
// the range's end, and the instruction is run again; any other SIGBUS goes where it went before.
void on_sigbus(int sig, siginfo_t* info, void* context) {
  const auto addr = reinterpret_cast<std::uintptr_t>(info->si_addr);
  if (info->si_code == BUS_ADRERR) {
    for (Slot& s : slots) {
      if (s.state.load(std::memory_order_acquire) != 2) continue;
      const std::uintptr_t begin = s.begin.load(std::memory_order_relaxed);
      const std::uintptr_t end = s.end.load(std::memory_order_relaxed);
      if (addr < begin || addr >= end) continue;
      // The faulting page, as a pointer derived from the faulting address (no integer-to-pointer cast).
      const std::uintptr_t into_page = addr & (page_size - 1);
      void* page = static_cast<char*>(info->si_addr) - into_page;
      // mmap is a plain system call: safe in a signal handler on Linux.
      void* p = ::mmap(page, end - (addr - into_page), PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) break;
      s.faulted.store(true, std::memory_order_release);
      return;
    }
  }
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  // No handler before this one: the default action, as if this handler had never been installed
  // (returning runs the faulting instruction again, which now ends the process with SIGBUS).
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(SIGBUS, &dfl, nullptr);
}

void install() {
  page_size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  struct sigaction act {};
  act.sa_sigaction = on_sigbus;
  act.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&act.sa_mask);
  ::sigaction(SIGBUS, &act, &previous);
}

}  // namespace

MappingGuard::MappingGuard(const void* data, std::size_t size) {
  if (data == nullptr || size == 0) return;
  std::call_once(installed, install);
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t end = (begin + size + page_size - 1) & ~(page_size - 1);
  for (int i = 0; i < kSlots; ++i) {
    Slot& s = slots[static_cast<std::size_t>(i)];
    int expected = 0;
    if (!s.state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) continue;
    s.begin.store(begin, std::memory_order_relaxed);
    s.end.store(end, std::memory_order_relaxed);
    s.faulted.store(false, std::memory_order_relaxed);
    s.state.store(2, std::memory_order_release);
    slot_ = i;
    return;
  }
}

MappingGuard::~MappingGuard() {
  if (slot_ < 0) return;
  Slot& s = slots[static_cast<std::size_t>(slot_)];
  s.state.store(1, std::memory_order_release);
  s.begin.store(0, std::memory_order_relaxed);
  s.end.store(0, std::memory_order_relaxed);
  s.state.store(0, std::memory_order_release);
}

bool MappingGuard::faulted() const {
  return slot_ >= 0 && slots[static_cast<std::size_t>(slot_)].faulted.load(std::memory_order_acquire);
}

}  // namespace switchpoint::cohort
