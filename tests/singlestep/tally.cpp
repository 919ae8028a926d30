#include "tests/singlestep/tally.h"

#include <algorithm>
#include <cstdio>
#include <string>

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

void Tally::add(const std::optional<FileTally>& counts,
                const std::map<const SkipRule*, uint64_t>& skips,
                const std::map<const SkipRule*, uint64_t>& skips_passing, uint64_t errors) {
  if (counts) files_.push_back(*counts);
  for (const auto& [rule, n] : skips) skips_by_rule_[rule] += n;
  for (const auto& [rule, n] : skips_passing) skips_passing_[rule] += n;
  errors_ += errors;
}

void Tally::print_report(unsigned worst_files_shown, bool ran_skipped) const {
  if (!skips_by_rule_.empty()) {
    std::printf("skipped by reason%s:\n",
                ran_skipped ? " (and how many of those pass when run anyway)" : "");
    auto passing = [&](const SkipRule* rule) {
      if (!ran_skipped || rule == nullptr) return std::string();
      auto it = skips_passing_.find(rule);
      return " (" + std::to_string(it == skips_passing_.end() ? 0 : it->second) + " pass)";
    };
    // In table order, so the report reads like skip_list.cpp; revocations first.
    if (auto it = skips_by_rule_.find(nullptr); it != skips_by_rule_.end())
      std::printf("  %8llu  revoked: listed in revocation_list.txt\n",
                  static_cast<unsigned long long>(it->second));
    for (const SkipRule& rule : skip_rules())
      if (auto it = skips_by_rule_.find(&rule); it != skips_by_rule_.end())
        std::printf("  %8llu%s  [%s] %s\n", static_cast<unsigned long long>(it->second),
                    passing(&rule).c_str(), rule.opcodes, rule.reason);
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
    std::printf("%llu path(s) or file(s) could not be used (see the error lines above)\n",
                static_cast<unsigned long long>(errors_));
  std::printf("%llu passed, %llu failed, %llu skipped\n", static_cast<unsigned long long>(passed()),
              static_cast<unsigned long long>(failed()),
              static_cast<unsigned long long>(skipped()));
}

}  // namespace trapeze
