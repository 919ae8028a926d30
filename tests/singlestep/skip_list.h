// The one list of tests the runner does not run: instruction forms where a real 286 and
// trapeze (a 386-and-later design) legitimately differ, or that trapeze does not have yet.
// Rules name instruction forms (a test file, optionally narrowed by a predicate on the
// test), never individual tests; every skipped test is counted under its rule's reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tests/singlestep/moo_test.h"

namespace trapeze {

struct SkipRule {
  // The test files the rule covers, space separated, named as the files are ("D8",
  // "C0.6", "0F05"). A name without ".Y" also covers every "name.Y" file.
  const char* opcodes;
  // Narrows the rule to some tests of those files; nullptr means all of them.
  bool (*applies)(const MooTest& test);
  const char* reason;
};

std::span<const SkipRule> skip_rules();

// The first rule covering this test of file `opcode`, or nullptr.
const SkipRule* find_skip_rule(std::string_view opcode, const MooTest& test);

// ---- Helpers for predicates: looking at a test's instruction bytes. ----

// Number of legacy prefix bytes (26 2E 36 3E 64 65 66 67 F0 F2 F3) before the opcode.
size_t prefix_count(const MooTest& test);
// The instruction's length without the trailing HLT the test generator appends.
inline size_t insn_length(const MooTest& test) {
  return test.bytes.empty() ? 0 : test.bytes.size() - 1;
}
// A value from the test's initial registers (0 when the test does not give it).
inline uint16_t initial_reg(const MooTest& test, MooReg r) { return test.initial.regs.get(r); }

}  // namespace trapeze
