#include "tests/oracle/random_instruction_bytes.h"

namespace trapeze {

namespace {

// Every legacy prefix valid outside 64-bit mode.
constexpr uint8_t kLegacyPrefixes[] = {0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x26,
                                       0x2E, 0x36, 0x3E, 0x64, 0x65};

}  // namespace

uint8_t RandomInstructionBytes::legacy_prefix() {
  return kLegacyPrefixes[below(sizeof kLegacyPrefixes)];
}

InsnBytes RandomInstructionBytes::next() {
  InsnBytes b;
  for (uint8_t& x : b) x = static_cast<uint8_t>(rng_());
  size_t at = 0;
  // Uniform bytes reach a prefix only 11 times in 256; prefixes decide operand and
  // address size, so 30% of strings start with one to three of them.
  unsigned roll = below(100);
  if (roll < 30) {
    for (unsigned n = 1 + below(3); n > 0; --n) b[at++] = legacy_prefix();
  } else if (roll < 32) {
    // 2%: a run of 10-15 prefixes, around the 15-byte limit (#GP beyond it).
    for (unsigned n = 10 + below(6); n > 0 && at < kMaxInsnBytes; --n) b[at++] = legacy_prefix();
  }
  // 20% use the two-byte opcode map, where most of the 386+ additions live.
  if (at < kMaxInsnBytes && below(100) < 20) b[at++] = 0x0F;
  return b;
}

}  // namespace trapeze
