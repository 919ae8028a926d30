// The one list of tests the runner does not run: instruction forms where a real 286 and
// trapeze (a 386-and-later design) legitimately differ, or that trapeze does not have yet.
// Rules name instruction forms (a test file, optionally narrowed by a predicate on the
// test), never individual tests; every skipped test is counted under its rule's reason.
//
// Predicates look only at the test itself -- its bytes, initial state and what the 286
// did -- never at trapeze's CPU or decoder, so a skip cannot hide a bug in them. The
// helpers below decode just enough of the instruction to do that (16-bit addressing, as
// a 286 has nothing else).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tests/singlestep/moo_test.h"

namespace trapeze {

struct SkipRule {
  // The test files the rule covers, space separated, named as the files are ("D8",
  // "C0.6", "0F05"). A name without ".Y" also covers every "name.Y" file; "*" covers
  // every file (for rules about a prefix or a fault that any instruction can have).
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
bool has_prefix(const MooTest& test, uint8_t prefix);
// The opcode byte (the first after the prefixes); 0 past the end.
inline uint8_t opcode_byte(const MooTest& test) {
  size_t n = prefix_count(test);
  return n < test.bytes.size() ? test.bytes[n] : 0;
}
// The opcode: 0x00XX for a one-byte opcode XX, 0x0FXX for a two-byte opcode 0F XX.
uint16_t opcode(const MooTest& test);
// Index in `bytes` of the first byte after the opcode: the ModRM byte of an opcode that
// takes one, else the first immediate byte.
size_t after_opcode(const MooTest& test);
// The byte after the opcode (0 past the end): the ModRM byte for opcodes that take one.
inline uint8_t modrm_byte(const MooTest& test) {
  size_t n = after_opcode(test);
  return n < test.bytes.size() ? test.bytes[n] : 0;
}
inline unsigned modrm_mod(const MooTest& test) { return modrm_byte(test) >> 6; }
inline unsigned modrm_reg(const MooTest& test) { return (modrm_byte(test) >> 3) & 7; }
// True when the opcode takes a ModRM byte (the 286's opcodes and the 386's 0F ones).
bool has_modrm(uint16_t opcode);

// True when the 286 took interrupt `vector` during the test (EXCP chunk).
inline bool took_interrupt(const MooTest& test, uint8_t vector) {
  return test.exception && test.exception->vector == vector;
}
// The instruction's length without the trailing HLT the test generator appends.
inline size_t insn_length(const MooTest& test) {
  return test.bytes.empty() ? 0 : test.bytes.size() - 1;
}
// A value from the test's initial registers (0 when the test does not give it).
inline uint16_t initial_reg(const MooTest& test, MooReg r) { return test.initial.regs.get(r); }
// A byte of the test's initial RAM at a linear address (0, as the runner's memory starts
// zeroed, when the test does not give it).
uint8_t initial_ram(const MooTest& test, uint32_t address);

// ---- Helpers for predicates: the instruction's explicit memory operand. ----

// The segment register of the last segment-override prefix (the one a 286 and a 386 use
// when there are several), if any (FS and GS: none, see MemoryOperand).
std::optional<MooReg> segment_override(const MooTest& test);

struct MemoryOperand {
  // The last segment override, else DS, or SS for BP-based addressing; nullopt for FS
  // and GS (64, 65 prefixes), which no 286 has and MOO does not record.
  std::optional<MooReg> segment;
  uint16_t offset;  // the effective address, computed from the initial registers
  unsigned size;    // bytes accessed there; 0 when nothing is accessed (LEA) or unknown
};
// The operand a ModRM byte with mod != 3 names (16-bit addressing), or the moffs16 of
// MOV A0-A3; nullopt for other instructions and register operands.
std::optional<MemoryOperand> memory_operand(const MooTest& test);
// Linear address of segment:offset from the initial registers (real mode, A20 on).
uint32_t initial_linear(const MooTest& test, MooReg segment, uint16_t offset);

// True when an access of `size` bytes at `offset` overruns the 64 KiB segment the way
// a 286 notices it: it moves operands as words at offset, offset+2, ... (wrapping in the
// segment), and a word at FFFFh is the one that crosses the limit.
bool word_at_ffff(uint16_t offset, unsigned size);

// True when one of the words the instruction pushes or pops without naming them (PUSH,
// POP, CALL, RET, INT, IRET, PUSHA, POPA, ENTER, LEAVE, ...; offsets from the initial SP,
// or BP for LEAVE and ENTER's frame copies) lies at SS:FFFFh.
bool stack_word_at_ffff(const MooTest& test);

}  // namespace trapeze
