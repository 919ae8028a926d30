// A decoded instruction: everything the handler needs, fixed at decode time, so it can be
// cached by physical address and executed many times.
#pragma once

#include <cstdint>

namespace trapeze {

class Cpu;
struct Insn;
using Handler = void (*)(Cpu& cpu, const Insn& insn);

namespace prefix {
inline constexpr uint8_t kLock = 1u << 0;
inline constexpr uint8_t kRep = 1u << 1;    // F3
inline constexpr uint8_t kRepne = 1u << 2;  // F2
inline constexpr uint8_t kOpSize = 1u << 3;
inline constexpr uint8_t kAddrSize = 1u << 4;
inline constexpr uint8_t kSegOverride = 1u << 5;
}  // namespace prefix

struct Insn {
  Handler handler = nullptr;
  uint64_t imm = 0;       // immediate; far pointer offset; memory offset (moffs)
  int32_t disp = 0;       // memory operand displacement
  uint16_t imm2 = 0;      // second immediate: far pointer selector, ENTER nesting level
  uint16_t row = 0;       // index into the opcode table (names, traces, coverage)
  uint8_t length = 0;     // bytes, prefixes included
  uint8_t reg = 0;        // ModRM.reg, or the register encoded in the opcode
  uint8_t rm = 0;         // ModRM.rm for register operands
  uint8_t base = 16;      // memory operand base register (kZeroReg when absent)
  uint8_t index = 16;     // memory operand index register (kZeroReg when absent)
  uint8_t scale = 0;      // shift count for the index: 0..3
  uint8_t seg = 3;        // segment of the memory operand (override or default)
  uint8_t prefixes = 0;   // prefix:: bits
  uint8_t osize = 16;     // operand size in bits: 16, 32 or 64 (8-bit forms keep 16/32)
  uint8_t asize = 16;     // address size in bits
  uint8_t modrm = 0;      // the raw ModRM byte (0 when absent)
  bool has_modrm = false;

  bool is_mem() const { return has_modrm && (modrm >> 6) != 3; }
  bool rep() const { return prefixes & (prefix::kRep | prefix::kRepne); }
};

}  // namespace trapeze
