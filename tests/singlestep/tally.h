// Counting a run's results: per file (to find the worst opcodes), per skip reason, and
// overall, printed as a short report ending in the one summary line CTest logs show.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <deque>
#include <vector>

#include "tests/singlestep/skip_list.h"

namespace trapeze {

struct FileTally {
  std::string name;  // file name, e.g. "80.3.MOO.gz"
  uint64_t passed = 0, failed = 0, skipped = 0;
};

class Tally {
 public:
  FileTally& begin_file(const std::string& name) {
    files_.push_back(FileTally{name});
    return files_.back();
  }
  void count_skip(const SkipRule* rule) { ++skips_by_rule_[rule]; }  // nullptr: revoked
  void count_error() { ++errors_; }

  uint64_t passed() const;
  uint64_t failed() const;
  uint64_t skipped() const;
  uint64_t errors() const { return errors_; }
  uint64_t files() const { return files_.size(); }

  // Skip reasons with counts, the files with most failures, then the summary line
  // "N passed, N failed, N skipped" (always the last line).
  void print_report(unsigned worst_files_shown) const;

 private:
  std::deque<FileTally> files_;  // deque: begin_file's references stay valid
  std::map<const SkipRule*, uint64_t> skips_by_rule_;
  uint64_t errors_ = 0;
};

}  // namespace trapeze
