// Counting a run's results: per file (to find the worst opcodes), per skip reason, and
// overall, printed as a short report ending in the one summary line CTest logs show.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/singlestep/skip_list.h"

namespace trapeze {

struct FileTally {
  std::string name;  // file name, e.g. "80.3.MOO.gz"
  uint64_t passed = 0, failed = 0, skipped = 0;
};

class Tally {
 public:
  // One file's results, added in report order. `counts` is absent when the file could
  // not be used; skip maps are keyed by rule (nullptr: revoked); `skips_passing` counts
  // skipped tests that passed when run anyway (--run-skipped).
  void add(const std::optional<FileTally>& counts, const std::map<const SkipRule*, uint64_t>& skips,
           const std::map<const SkipRule*, uint64_t>& skips_passing, uint64_t errors);

  uint64_t passed() const;
  uint64_t failed() const;
  uint64_t skipped() const;
  uint64_t errors() const { return errors_; }
  uint64_t files() const { return files_.size(); }

  // Skip reasons with counts (with --run-skipped: how many of them pass anyway), the
  // files with most failures, then the summary line "N passed, N failed, N skipped"
  // (always the last line).
  void print_report(unsigned worst_files_shown, bool ran_skipped) const;

 private:
  std::deque<FileTally> files_;
  std::map<const SkipRule*, uint64_t> skips_by_rule_;
  std::map<const SkipRule*, uint64_t> skips_passing_;
  uint64_t errors_ = 0;
};

}  // namespace trapeze
