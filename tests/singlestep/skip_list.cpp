// The skip table. To add a rule: one row, the files it covers, an optional predicate
// (a small function above the table), and a reason a reader can check against the
// manuals. Rules are matched in order; the first match counts.
#include "tests/singlestep/skip_list.h"

namespace trapeze {

namespace {

constexpr SkipRule kRules[] = {
    {"D8 D9 DA DB DC DD DE DF", nullptr,
     "no x87 yet: the FPU lands in issue 4; a 286 without a coprocessor treats ESC as a "
     "no-op with a memory operand"},
};

// True when `name` is one of the space-separated names in `list`, or "X.Y" and X is.
bool covers(std::string_view list, std::string_view name) {
  std::string_view base = name.substr(0, name.find('.'));
  while (!list.empty()) {
    size_t space = list.find(' ');
    std::string_view item = list.substr(0, space);
    if (!item.empty() && (item == name || item == base)) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace

std::span<const SkipRule> skip_rules() { return kRules; }

const SkipRule* find_skip_rule(std::string_view opcode, const MooTest& test) {
  for (const SkipRule& rule : kRules)
    if (covers(rule.opcodes, opcode) && (rule.applies == nullptr || rule.applies(test))) return &rule;
  return nullptr;
}

size_t prefix_count(const MooTest& test) {
  size_t n = 0;
  while (n < test.bytes.size()) {
    switch (test.bytes[n]) {
      case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
      case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
        ++n;
        continue;
      default:
        return n;
    }
  }
  return n;
}

}  // namespace trapeze
