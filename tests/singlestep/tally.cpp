#include "tests/singlestep/tally.h"

#include <algorithm>
#include <cstdio>

namespace trapeze {

uint64_t Tally::passed() const {
  uint64_t n = 0;
  for (const FileTally& f : files_) n += f.passed;
  return n;
}
uint64_t Tally::failed() const {
  uint64_t n = 0;
  for (const FileTally& f : files_) n += f.failed;
  return n;
}
uint64_t Tally::skipped() const {
  uint64_t n = 0;
  for (const FileTally& f : files_) n += f.skipped;
  return n;
}

void Tally::print_report(unsigned worst_files_shown) const {
  if (!skips_by_rule_.empty()) {
    std::printf("skipped by reason:\n");
    // In table order, so the report reads like skip_list.cpp; revocations first.
    if (auto it = skips_by_rule_.find(nullptr); it != skips_by_rule_.end())
      std::printf("  %8llu  revoked: listed in revocation_list.txt\n",
                  static_cast<unsigned long long>(it->second));
    for (const SkipRule& rule : skip_rules())
      if (auto it = skips_by_rule_.find(&rule); it != skips_by_rule_.end())
        std::printf("  %8llu  [%s] %s\n", static_cast<unsigned long long>(it->second), rule.opcodes,
                    rule.reason);
  }
  std::vector<const FileTally*> worst;
  for (const FileTally& f : files_)
    if (f.failed > 0) worst.push_back(&f);
  std::stable_sort(worst.begin(), worst.end(),
                   [](const FileTally* a, const FileTally* b) { return a->failed > b->failed; });
  if (!worst.empty()) {
    std::printf("files with the most failures (%zu of %zu files have failures):\n", worst.size(),
                files_.size());
    for (size_t i = 0; i < worst.size() && i < worst_files_shown; ++i)
      std::printf("  %8llu  %s\n", static_cast<unsigned long long>(worst[i]->failed),
                  worst[i]->name.c_str());
  }
  if (errors_ > 0)
    std::printf("%llu file(s) could not be read (see the error lines above)\n",
                static_cast<unsigned long long>(errors_));
  std::printf("%llu passed, %llu failed, %llu skipped\n", static_cast<unsigned long long>(passed()),
              static_cast<unsigned long long>(failed()), static_cast<unsigned long long>(skipped()));
}

}  // namespace trapeze
