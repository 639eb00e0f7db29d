#pragma once
// A file mapped into memory and truncated by another program while it is read: the kernel answers
// a read of a page past the file's new end with SIGBUS, which would end the process with no
// message. While a MappingGuard lives, such a read in its range is answered instead with zeros
// (the rest of the mapping, from the faulting page on, is replaced by anonymous zero pages) and
// the guard remembers it: the reader asks faulted() once it has read, and refuses its results
// ("the file changed while it was read"), never using what the zeros made of them.
//
// Written by hand: no Debian library does this. The handler is installed once, on the first
// guard, and keeps any handler installed before it (a sanitizer's, or none) for every SIGBUS
// outside the guarded ranges, which therefore still ends the process as before.
#include <cstddef>

namespace switchpoint::cohort {

class MappingGuard {
 public:
  // Guards [data, data + size) (a mapping from mmap, size rounded up to whole pages by the guard).
  // When every slot is taken (kSlots files mapped at once), the range is not guarded: active() is false.
  MappingGuard(const void* data, std::size_t size);
  MappingGuard(const MappingGuard&) = delete;
  MappingGuard& operator=(const MappingGuard&) = delete;
  ~MappingGuard();

  // True once a read in the range found the file shorter than the mapping (its bytes from that
  // page on read as zeros).
  bool faulted() const;
  bool active() const { return slot_ >= 0; }

  static constexpr int kSlots = 4096;

 private:
  int slot_ = -1;
};

}  // namespace switchpoint::cohort
