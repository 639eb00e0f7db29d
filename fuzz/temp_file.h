#pragma once
// A private temporary file for harnesses whose code under test reads files (the cohort readers):
// created once per process (in /dev/shm when there is one, else $TMPDIR or /tmp), rewritten for
// every input, removed at exit.
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace switchpoint::fuzz {

class TempFile {
 public:
  explicit TempFile(std::string_view suffix) {
    const char* dir =
        ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
    std::string tmpl = std::string(dir) + "/switchpoint-fuzz-XXXXXX" + std::string(suffix);
    const int fd = ::mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw std::runtime_error("fuzz: cannot create a temporary file in " + std::string(dir));
    ::close(fd);
    path_ = tmpl;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& write(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f) throw std::runtime_error("fuzz: cannot write " + path_);
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace switchpoint::fuzz
