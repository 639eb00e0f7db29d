#include "cohort/line_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace switchpoint::cohort {

namespace {
bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::size_t count_newlines(const char* p, std::size_t n) {
  std::size_t lines = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: each compare gives 0xFF (-1) for a line break, subtracted into per-byte
  // counters that are summed (psadbw) before they can overflow (255 rounds at most).
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i zero = _mm_setzero_si128();
  while (n - i >= 16) {
    const std::size_t rounds = std::min<std::size_t>((n - i) / 16, 255);
    __m128i counts = zero;
    for (std::size_t r = 0; r < rounds; ++r, i += 16) {
      __m128i bytes;
      std::memcpy(&bytes, p + i, 16);
      counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(bytes, newline));
    }
    const __m128i sums = _mm_sad_epu8(counts, zero);
    lines += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
             static_cast<std::size_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < n; ++i) lines += p[i] == '\n' ? 1 : 0;
  return lines;
}

namespace {
struct FileId {
  dev_t dev;
  ino_t ino;
  off_t size;
  std::int64_t mtime_ns;
};
FileId file_id(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_size,
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + static_cast<std::int64_t>(st.st_mtim.tv_nsec)};
}
}  // namespace

std::shared_ptr<const MappedFile> MappedFile::map(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  void* p = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return nullptr;
  const FileId id = file_id(st);
  const auto size = static_cast<std::size_t>(st.st_size);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return std::shared_ptr<const MappedFile>(
      new MappedFile(static_cast<const char*>(p), size, (size + page - 1) / page * page,
                     static_cast<std::uint64_t>(id.dev), static_cast<std::uint64_t>(id.ino), id.mtime_ns));
}

bool MappedFile::unchanged(const std::string& path) const {
  if (truncated()) return false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const FileId id = file_id(st);
  return static_cast<std::uint64_t>(id.dev) == dev_ && static_cast<std::uint64_t>(id.ino) == ino_ &&
         static_cast<std::size_t>(id.size) == size_ && id.mtime_ns == mtime_ns_;
}

MappedFile::~MappedFile() { ::munmap(const_cast<char*>(data_), size_); }

LineSource::LineSource(std::vector<std::string> files, std::size_t block_bytes, std::size_t max_line_bytes)
    : files_(std::move(files)), block_(block_bytes < 4096 ? 4096 : block_bytes), max_line_(max_line_bytes) {
  for (const auto& f : files_) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(f, ec);
    if (!ec) total_ += n;
  }
}

LineSource::~LineSource() { close(); }

void LineSource::close() {
  if (f_) std::fclose(f_);
  if (gz_) gzclose(gz_);
  f_ = nullptr;
  gz_ = nullptr;
  map_ = nullptr;
  open_ = false;
}

bool LineSource::open_next() {
  while (file_ < files_.size() && !open_) {
    const std::string& path = files_[file_];
    if (file_ < maps_.size() && maps_[file_] != nullptr) {
      map_ = maps_[file_].get();
    } else if (ends_with(path, ".gz")) {
      gz_ = gzopen(path.c_str(), "rb");
      if (gz_) gzbuffer(gz_, 1u << 17);
    } else {
      f_ = std::fopen(path.c_str(), "rb");
    }
    if (!gz_ && !f_ && !map_) throw std::runtime_error(fmt::format("{}: cannot open the file", path));
    open_ = true;
    next_line_ = 1;
    file_read_ = 0;
    carry_.clear();
    file_start_consumed_ = consumed_;
  }
  return open_;
}

long LineSource::read_some(char* buf, std::size_t n) {
  if (gz_) {
    const int got = gzread(gz_, buf, static_cast<unsigned>(n));
    if (got < 0) return -1;
    file_read_ += static_cast<std::uint64_t>(got);
    const z_off_t raw = gzoffset(gz_);
    if (raw >= 0) consumed_ = file_start_consumed_ + static_cast<std::uint64_t>(raw);
    return got;
  }
  const std::size_t got = std::fread(buf, 1, n, f_);
  if (got < n && std::ferror(f_)) return -1;
  consumed_ += got;
  file_read_ += got;
  return static_cast<long>(got);
}

namespace {
// Makes room for `need` bytes of lines plus padding, keeping the first `keep` bytes.
void reserve(Block& b, std::size_t need, std::size_t keep) {
  const std::size_t want = need + simdjson::SIMDJSON_PADDING;
  if (b.capacity >= want) return;
  const std::size_t cap = std::max(want, b.capacity * 2);
  std::unique_ptr<char[]> fresh(new char[cap]);
  if (keep) std::memcpy(fresh.get(), b.buffer.get(), keep);
  b.buffer = std::move(fresh);
  b.capacity = cap;
}
}  // namespace

namespace {
// Asks the kernel to map the pages of data[start, end) in one call, before the scan reads them,
// instead of one page fault after another as they are first read. Only the block about to be
// scanned: a file larger than memory is never held whole. A kernel without MADV_POPULATE_READ
// (before Linux 5.14: EINVAL) or a file cut short (EFAULT) leaves the pages to be faulted in as
// they are read, as without it.
void populate(const char* data, std::size_t start, std::size_t end) {
#if defined(MADV_POPULATE_READ)
  static const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t first = start / page * page;
  if (end > first) (void)::madvise(const_cast<char*>(data) + first, end - first, MADV_POPULATE_READ);
#else
  (void)data, (void)start, (void)end;
#endif
}
}  // namespace

// The next block of a mapped file: up to the last line break within the block size (or the first
// after it), as a view of the mapping. Only a block whose padding would lie past the mapping's last
// page (the file's end) is copied, into the buffer.
bool LineSource::next_mapped(Block& out) {
  const char* data = map_->data();
  const std::size_t n = map_->size();
  const std::size_t start = file_read_;
  std::size_t end = n;
  if (n - start > block_) {
    if (const void* nl = ::memrchr(data + start, '\n', block_)) {
      end = static_cast<std::size_t>(static_cast<const char*>(nl) - data) + 1;
    } else if (const void* after = std::memchr(data + start + block_, '\n', n - start - block_)) {
      end = static_cast<std::size_t>(static_cast<const char*>(after) - data) + 1;
    }
  }
  // Line numbers, and the lines over the cap (as with read lines: their bytes up to the line break).
  // A block no longer than the cap cannot hold a line over it: its line breaks are only counted.
  const std::size_t size = end - start;
  out.overlong_bytes = 0;
  out.first_line = next_line_;
  populate(data, start, end);
  if (size <= max_line_) {
    next_line_ += static_cast<long>(count_newlines(data + start, size));
  } else {
    for (const char* p = data + start; p < data + end;) {
      const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(data + end - p));
      const char* line_end = nl != nullptr ? static_cast<const char*>(nl) : data + end;
      const auto length = static_cast<std::size_t>(line_end - p);
      if (length > max_line_) {
        out.overlong.push_back(next_line_);
        out.overlong_bytes += length;
      }
      if (nl == nullptr) break;
      ++next_line_;
      p = line_end + 1;
    }
  }
  out.file = file_;
  out.file_offset = start;
  out.contiguous = true;
  out.size = size;
  if (end + simdjson::SIMDJSON_PADDING <= map_->readable()) {
    out.view = data + start;
  } else {
    reserve(out, size, 0);
    std::memcpy(out.buffer.get(), data + start, size);
    std::memset(out.buffer.get() + size, 0, simdjson::SIMDJSON_PADDING);
  }
  file_read_ = end;
  consumed_ += size;
  uncompressed_ += size - out.overlong_bytes;
  if (end == n) {
    close();
    ++file_;
  }
  out.seq = seq_++;
  return true;
}

bool LineSource::next(Block& out) {
  out.error.clear();
  out.overlong.clear();
  out.size = 0;
  out.view = nullptr;
  out.overlong_bytes = 0;
  while (open_next()) {
    if (map_ != nullptr) return next_mapped(out);
    // The partial line carried over, then reads until the block holds a newline or the file ends.
    std::size_t size = carry_.size();
    out.file_offset = file_read_ - size;
    out.contiguous = true;
    reserve(out, size + block_, 0);
    if (size) std::memcpy(out.buffer.get(), carry_.data(), size);
    carry_.clear();
    bool eof = false;
    while (true) {
      reserve(out, size + block_, size);
      const long got = read_some(out.buffer.get() + size, block_);
      if (got < 0) {
        int errnum = 0;
        out.error = gz_ ? fmt::format("the gzip data is corrupt or truncated ({})", gzerror(gz_, &errnum))
                        : std::string("read error");
        eof = true;
        break;
      }
      const std::size_t old = size;
      size += static_cast<std::size_t>(got);
      if (got == 0) {
        // zlib reports a truncated stream as the end of the data: ask it.
        int errnum = Z_OK;
        const char* msg = gz_ ? gzerror(gz_, &errnum) : nullptr;
        if (gz_ && errnum != Z_OK) out.error = fmt::format("the gzip data is corrupt or truncated ({})", msg);
        eof = true;
        break;
      }
      if (const void* nl = std::memchr(out.buffer.get() + old, '\n', static_cast<std::size_t>(got))) {
        // The block's first line ends here; longer than the cap, it is dropped (the stand-in
        // empty line is its line break).
        const auto first = static_cast<std::size_t>(static_cast<const char*>(nl) - out.buffer.get());
        if (first > max_line_) {
          out.overlong.push_back(next_line_);
          out.file_offset += first;  // the block now starts at the long line's line break
          std::memmove(out.buffer.get(), out.buffer.get() + first, size - first);
          size -= first;
        }
        break;
      }
      // No line break in the block yet: one line. Longer than the cap, its bytes are dropped up to
      // the next line break as they are read; an empty line stands in for it.
      if (size > max_line_) {
        out.overlong.push_back(next_line_);
        out.contiguous = false;  // the stand-in line break is not the file's bytes
        size = 0;
        bool found = false;
        while (!found) {
          const long skipped = read_some(out.buffer.get(), block_);
          if (skipped < 0) {
            int errnum = 0;
            out.error = gz_ ? fmt::format("the gzip data is corrupt or truncated ({})", gzerror(gz_, &errnum))
                            : std::string("read error");
            eof = true;
            break;
          }
          if (skipped == 0) {
            int errnum = Z_OK;
            const char* msg = gz_ ? gzerror(gz_, &errnum) : nullptr;
            if (gz_ && errnum != Z_OK) out.error = fmt::format("the gzip data is corrupt or truncated ({})", msg);
            eof = true;
            break;
          }
          const auto n = static_cast<std::size_t>(skipped);
          const void* nl = std::memchr(out.buffer.get(), '\n', n);
          if (!nl) continue;
          const std::size_t k = static_cast<std::size_t>(static_cast<const char*>(nl) - out.buffer.get());
          // The stand-in line break, then what follows the long line.
          std::memmove(out.buffer.get() + 1, out.buffer.get() + k + 1, n - k - 1);
          out.buffer.get()[0] = '\n';
          size = n - k;
          found = true;
        }
        break;
      }
    }
    std::size_t cut = size;
    if (!eof) {
      const char* p = out.buffer.get();
      while (cut > 0 && p[cut - 1] != '\n') --cut;
      carry_.assign(p + cut, size - cut);
    }
    std::memset(out.buffer.get() + cut, 0, simdjson::SIMDJSON_PADDING);
    out.file = file_;
    out.first_line = next_line_;
    next_line_ += static_cast<long>(count_newlines(out.buffer.get(), cut));
    uncompressed_ += cut;
    out.size = cut;
    if (eof) {
      close();
      ++file_;
    }
    if (out.size > 0 || !out.error.empty() || !out.overlong.empty()) {
      out.seq = seq_++;
      return true;
    }
  }
  return false;
}

}  // namespace switchpoint::cohort
