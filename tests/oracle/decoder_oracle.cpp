// trapeze-decoder-oracle: checks trapeze's instruction decoder against Zydis on random
// byte strings in 16-bit and 32-bit code. Every instruction trapeze accepts must be one
// Zydis accepts, with the same length (see decoder_comparison.h for the rules).
//
// Output: each disagreement (the first 50), a table of the opcodes Zydis knows and
// trapeze does not (informative), and the final line
//   N compared, N agreed, N disagreed, N not implemented
// Exit status 1 when anything disagreed.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "tests/oracle/decoder_comparison.h"
#include "tests/oracle/random_instruction_bytes.h"
#include "tests/oracle/zydis_reference.h"

namespace trapeze {
namespace {

struct Options {
  uint64_t strings_per_mode = 1'000'000;
  uint64_t seed = 0x7472617065'7A65;  // "trapeze": fixed, so every run tests the same strings
  unsigned max_shown = 50;
  unsigned table_rows = 20;
};

struct NotImplemented {
  uint64_t count = 0;
  std::string example_mnemonic;
  std::string example_mode;
};

struct Counts {
  uint64_t compared = 0, agreed = 0, disagreed = 0, not_implemented = 0, both_reject = 0;
  uint64_t agreed_too_long = 0;                   // of `agreed`: both say "longer than 15 bytes"
  std::map<std::string, NotImplemented> missing;  // by opcode family
};

std::string hex(const InsnBytes& b) {
  std::string s;
  for (uint8_t x : b) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", x);
    if (!s.empty()) s += ' ';
    s += buf;
  }
  return s;
}

void run_mode(unsigned code_size, const Options& o, const ZydisReference& zydis, Counts& counts) {
  // A different stream per mode, both derived from the one seed.
  RandomInstructionBytes gen(o.seed ^ code_size);
  for (uint64_t i = 0; i < o.strings_per_mode; ++i) {
    InsnBytes bytes = gen.next();
    Comparison c = compare_decoders(bytes, code_size, zydis);
    using Outcome = Comparison::Outcome;
    switch (c.outcome) {
      case Outcome::kAgreed:
        ++counts.compared;
        ++counts.agreed;
        if (c.zydis.kind == ZydisVerdict::Kind::kTooLong) ++counts.agreed_too_long;
        break;
      case Outcome::kDisagreed:
        ++counts.compared;
        if (++counts.disagreed <= o.max_shown)
          std::printf("DISAGREE %u-bit: %s\n  %s\n", code_size, hex(bytes).c_str(),
                      c.detail.c_str());
        break;
      case Outcome::kNotImplemented: {
        ++counts.not_implemented;
        NotImplemented& m = counts.missing[c.zydis.family];
        if (m.count++ == 0) {
          m.example_mnemonic = c.zydis.mnemonic;
          m.example_mode = std::to_string(code_size) + "-bit";
        }
        break;
      }
      case Outcome::kBothReject:
        ++counts.both_reject;
        break;
    }
  }
}

void print_missing_table(const Counts& counts, unsigned rows) {
  std::vector<std::pair<std::string, NotImplemented>> v(counts.missing.begin(),
                                                        counts.missing.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  std::printf(
      "not implemented (Zydis decodes, trapeze says #UD): %zu opcode families, the top %zu:\n",
      v.size(), std::min<size_t>(rows, v.size()));
  for (size_t i = 0; i < v.size() && i < rows; ++i)
    std::printf("  %9llu  %-16s e.g. %s (%s)\n", static_cast<unsigned long long>(v[i].second.count),
                v[i].first.c_str(), v[i].second.example_mnemonic.c_str(),
                v[i].second.example_mode.c_str());
}

bool parse_u64(const char* s, uint64_t& out) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(s, &end, 0);
  if (end == s || *end != '\0') return false;
  out = v;
  return true;
}

int run(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    uint64_t v = 0;
    bool has_value = i + 1 < argc && parse_u64(argv[i + 1], v);
    if (a == "--count" && has_value) {
      o.strings_per_mode = v;
    } else if (a == "--seed" && has_value) {
      o.seed = v;
    } else if (a == "--max-shown" && has_value) {
      o.max_shown = static_cast<unsigned>(v);
    } else if (a == "--table-rows" && has_value) {
      o.table_rows = static_cast<unsigned>(v);
    } else {
      std::printf(
          "usage: trapeze-decoder-oracle [--count N] [--seed S] [--max-shown N]\n"
          "  --count N      random strings per mode (default 1000000)\n"
          "  --seed S       random seed (default fixed)\n"
          "  --max-shown N  disagreements printed (default 50; all are counted)\n"
          "  --table-rows N rows of the not-implemented table (default 20)\n");
      return a == "--help" ? 0 : 2;
    }
    ++i;
  }
  ZydisReference zydis;
  Counts counts;
  for (unsigned code_size : {16u, 32u}) run_mode(code_size, o, zydis, counts);
  if (counts.disagreed > o.max_shown)
    std::printf("(%llu more disagreements not shown)\n",
                static_cast<unsigned long long>(counts.disagreed - o.max_shown));
  print_missing_table(counts, o.table_rows);
  std::printf(
      "%llu agreed on a length, %llu agreed the bytes exceed 15; %llu rejected by both (not "
      "compared)\n",
      static_cast<unsigned long long>(counts.agreed - counts.agreed_too_long),
      static_cast<unsigned long long>(counts.agreed_too_long),
      static_cast<unsigned long long>(counts.both_reject));
  std::printf("%llu compared, %llu agreed, %llu disagreed, %llu not implemented\n",
              static_cast<unsigned long long>(counts.compared),
              static_cast<unsigned long long>(counts.agreed),
              static_cast<unsigned long long>(counts.disagreed),
              static_cast<unsigned long long>(counts.not_implemented));
  return counts.disagreed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace trapeze

int main(int argc, char** argv) { return trapeze::run(argc, argv); }
