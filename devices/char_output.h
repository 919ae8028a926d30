// The host end of a character device (debug console, later UARTs): stdout, a file, or
// nothing. Output is flushed at each newline, so a watcher (a test harness grepping
// stdout, `tail -f` on the file) sees whole lines as the guest writes them.
#pragma once

#include <cstdio>
#include <memory>

#include "devices/machine_config.h"

namespace trapeze {

class CharOutput {
 public:
  // Opens (truncating) the file for OutputTarget::kFile; throws ConfigError on failure.
  explicit CharOutput(const OutputSpec& spec);
  CharOutput(const CharOutput&) = delete;  // stream_ may point into owned_file_
  CharOutput& operator=(const CharOutput&) = delete;
  ~CharOutput() { flush(); }

  void put(char c);
  void flush();

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> owned_file_;
  std::FILE* stream_ = nullptr;  // stdout, owned_file_, or nullptr for kNone
};

}  // namespace trapeze
