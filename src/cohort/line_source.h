#pragma once
// Reads files of lines (plain, or gzip by their .gz name) as blocks of whole lines, so that
// workers can parse blocks in parallel while each line keeps its file and line number. Block
// boundaries depend only on the files and the block size, never on the number of threads.
#include <simdjson.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cohort/mapped_guard.h"

namespace switchpoint::cohort {

// A block of whole lines. The buffer is reused from block to block (a worker keeps its Block),
// so that reading does not allocate, zero or fault in fresh memory for every block.
struct Block {
  std::size_t seq = 0;             // 0, 1, 2, … across all files
  std::size_t file = 0;            // index into the source's files
  long first_line = 1;             // line number of the first line
  std::unique_ptr<char[]> buffer;  // `size` bytes of lines, then SIMDJSON_PADDING readable bytes
  std::size_t capacity = 0;
  std::size_t size = 0;
  std::string error;  // a read error after these lines (e.g. corrupt gzip data)
  // Lines longer than kMaxLineBytes: their bytes were skipped as they were read (never held
  // whole), and each stands in the block as an empty line with this number.
  std::vector<long> overlong;
  // Where data()[0] lies in the file's (uncompressed) bytes, and whether the block is that file's
  // bytes unchanged (false when an overlong line's bytes were dropped): a plain file's contiguous
  // block lets its lines be named by offset, so the scan keeps no copy of them (ndjson_input.h).
  std::uint64_t file_offset = 0;
  bool contiguous = true;
  // A mapped file's block is a view of its mapping (no copy), `size` bytes at `view`; its lines
  // over the cap stay in it, listed in `overlong`, their `overlong_bytes` (line breaks excluded)
  // not counted as read.
  const char* view = nullptr;
  std::size_t overlong_bytes = 0;
  const char* data() const { return view != nullptr ? view : buffer.get(); }
};

// A plain file mapped read-only into memory (unmapped when the last user goes). Should another
// program truncate the file while it is mapped, reads past its new end give zeros instead of
// ending the process (cohort/mapped_guard.h), and unchanged() is false from then on.
class MappedFile {
 public:
  // nullptr when the file cannot be mapped (not a regular file, empty, or mmap fails).
  static std::shared_ptr<const MappedFile> map(const std::string& path);
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  // The bytes that may be read from data(): the size rounded up to whole pages.
  std::size_t readable() const { return readable_; }
  // False when the file at `path` is no longer the one mapped, as it was: another file, another
  // size or another modification time, or a read found it shorter than it was when mapped.
  bool unchanged(const std::string& path) const;
  // True once a read found the file truncated (what was read past its new end is zeros).
  bool truncated() const { return guard_.faulted(); }

 private:
  MappedFile(const char* data, std::size_t size, std::size_t readable, std::uint64_t dev, std::uint64_t ino,
             std::int64_t mtime_ns)
      : data_(data), size_(size), readable_(readable), dev_(dev), ino_(ino), mtime_ns_(mtime_ns), guard_(data, size) {}
  const char* data_;
  std::size_t size_, readable_;
  std::uint64_t dev_, ino_;
  std::int64_t mtime_ns_;
  MappingGuard guard_;  // last: removed after the munmap of ~MappedFile
};

// The longest line read: 16 MiB, far above any real FHIR resource of a patient (the same cap as
// a CSV row, cohort/csv.h). A longer line is reported as invalid and skipped while it is read, so
// memory stays bounded by the block size plus this cap, for plain and gzip files alike.
inline constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;

// The line breaks in p[0, n), counted 16 bytes at a time where the processor allows (SSE2).
std::size_t count_newlines(const char* p, std::size_t n);

class LineSource {
 public:
  LineSource(std::vector<std::string> files, std::size_t block_bytes, std::size_t max_line_bytes = kMaxLineBytes);
  LineSource(const LineSource&) = delete;
  LineSource& operator=(const LineSource&) = delete;
  ~LineSource();

  // The next block; false at the end of the last file. Throws std::runtime_error when a file
  // cannot be opened.
  bool next(Block& out);
  // Input bytes consumed so far and in all (compressed bytes for .gz), for a progress bar.
  std::uint64_t consumed() const { return consumed_; }
  std::uint64_t total() const { return total_; }
  std::uint64_t uncompressed() const { return uncompressed_; }
  const std::vector<std::string>& files() const { return files_; }
  // Files mapped (by index; null: read with fread or zlib) are scanned from their mapping, their
  // blocks views of it: no read(2) copy, no buffer. Given before the first next().
  void use_maps(std::vector<std::shared_ptr<const MappedFile>> maps) { maps_ = std::move(maps); }

 private:
  bool open_next();
  void close();
  long read_some(char* buf, std::size_t n);  // -1 on error
  bool next_mapped(Block& out);

  std::vector<std::string> files_;
  std::size_t block_;
  std::size_t max_line_;
  std::size_t file_ = 0;
  bool open_ = false;
  std::FILE* f_ = nullptr;
  gzFile gz_ = nullptr;
  std::vector<std::shared_ptr<const MappedFile>> maps_;
  const MappedFile* map_ = nullptr;  // the current file's mapping, when it is scanned from it
  std::string carry_;                // a partial line from the previous read
  long next_line_ = 1;
  std::uint64_t file_read_ = 0;  // uncompressed bytes read from the current file
  std::size_t seq_ = 0;
  std::uint64_t consumed_ = 0, total_ = 0, uncompressed_ = 0, file_start_consumed_ = 0;
};

}  // namespace switchpoint::cohort
