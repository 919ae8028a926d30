// The opcode table: one row per instruction form. The decoder, the dispatch (each row
// picks its handler for the operand size and memory/register form at decode time), the
// trace names and the tests all come from these rows. Rows live beside their handlers,
// one list per instruction family (cpu/exec_*.cpp), and are merged here.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cpu/insn.h"

namespace trapeze {

// What the picker knows when it chooses a handler.
struct Form {
  bool mem = false;    // ModRM names memory (mod != 3)
  uint8_t osize = 16;  // effective operand size: 16, 32 or 64
  uint8_t asize = 16;  // effective address size
};
using HandlerPicker = Handler (*)(const Form& form);

namespace attr {
inline constexpr uint32_t kLockable = 1u << 0;  // LOCK allowed (with a memory destination)
inline constexpr uint32_t kNo64 = 1u << 1;      // invalid in 64-bit mode
inline constexpr uint32_t kDefault64 = 1u << 2; // 64-bit operand size by default in long mode
// Recognised but not implemented yet: decode() reports kInvalid, the handler raises the
// exception hardware would give without the feature (#UD, or #NM for x87 with CR0.EM).
inline constexpr uint32_t kPlaceholder = 1u << 3;
// An MMX/SSE-era 0F form without a mandatory prefix: with 66, F2 or F3 in front it is no
// instruction (those prefixes select other forms, in the prefixed maps, or none).
inline constexpr uint32_t kNoSimdPrefix = 1u << 4;
}  // namespace attr

// Opcode maps: the one-byte map, and the two-byte map behind 0F. SSE gave 0F opcodes a
// mandatory prefix (66, F3 or F2) that selects another instruction: those forms are maps
// of their own. The decoder takes a prefixed map when it has a row for the opcode, else
// the plain 0F map (where 66 is an operand-size prefix and F2/F3 are ignored), and a
// mandatory 66 does not change the operand size (SDM vol. 2, 2.1.2).
inline constexpr uint16_t kMap0F = 0x100;
inline constexpr uint16_t kMap0F66 = 0x200;
inline constexpr uint16_t kMap0FF3 = 0x300;
inline constexpr uint16_t kMap0FF2 = 0x400;
inline constexpr uint16_t kOpcodeSlots = 0x500;

struct OpcodeRow {
  uint16_t opcode;       // 0x00-0xFF, or kMap0F | second byte
  int8_t reg;            // required ModRM.reg value, or -1 for any
  const char* mnemonic;
  // Operands in the SDM's notation, comma separated: E/G/S/M/R/C/D and the MMX/XMM
  // P/Q/N (MMX) and V/W/U (XMM) (ModRM; N and U are register-only), I (immediate:
  // b, w, z, v, bs = sign-extended byte), J (relative: b, z), A (far pointer), O (moffs);
  // fixed registers in lower case (al, ax, dx, cl, 1). The decoder derives ModRM
  // presence, memory/register restrictions and immediate bytes from this string.
  const char* operands;
  HandlerPicker pick;
  uint32_t attributes = 0;
  // Register forms only: required ModRM.rm value, or -1 for any (x87 D9 E0 FCHS, ...).
  // A row with an rm value never matches a memory operand.
  int8_t rm = -1;
};

// Every row, from every instruction family.
std::span<const OpcodeRow> opcode_rows();

// Row lists of the instruction families (each defined next to its handlers).
std::vector<OpcodeRow> alu_rows();
std::vector<OpcodeRow> move_rows();
std::vector<OpcodeRow> stack_rows();
std::vector<OpcodeRow> control_rows();
std::vector<OpcodeRow> string_rows();
std::vector<OpcodeRow> shift_rows();
std::vector<OpcodeRow> muldiv_rows();
std::vector<OpcodeRow> bcd_rows();
std::vector<OpcodeRow> bit_rows();
std::vector<OpcodeRow> flag_rows();
std::vector<OpcodeRow> io_rows();
std::vector<OpcodeRow> system_rows();
std::vector<OpcodeRow> exchange_rows();
std::vector<OpcodeRow> protected_rows();
std::vector<OpcodeRow> msr_rows();
// The x87 FPU (cpu/exec_x87_*.cpp).
std::vector<OpcodeRow> x87_arith_rows();
std::vector<OpcodeRow> x87_load_store_rows();
std::vector<OpcodeRow> x87_compare_rows();
std::vector<OpcodeRow> x87_transcendental_rows();
std::vector<OpcodeRow> x87_stack_rows();
std::vector<OpcodeRow> x87_control_rows();
std::vector<OpcodeRow> x87_env_rows();
// MMX, SSE and SSE2 (cpu/exec_simd_*.cpp, cpu/exec_sse_*.cpp).
std::vector<OpcodeRow> simd_state_rows();
std::vector<OpcodeRow> simd_int_rows();
std::vector<OpcodeRow> simd_move_rows();
std::vector<OpcodeRow> sse_arith_rows();
std::vector<OpcodeRow> sse_convert_rows();

// Handler pickers: choose the instantiation of a handler family `H` for the form.
// H::run<T, Mem> for E-operand instructions; H::run<T> when there is no memory form.
template <class H>
Handler pick_b(const Form& f) {
  return f.mem ? &H::template run<uint8_t, true> : &H::template run<uint8_t, false>;
}
template <class H>
Handler pick_w(const Form& f) {
  return f.mem ? &H::template run<uint16_t, true> : &H::template run<uint16_t, false>;
}
template <class H>
Handler pick_v(const Form& f) {
  switch (f.osize) {
    case 16: return f.mem ? &H::template run<uint16_t, true> : &H::template run<uint16_t, false>;
    case 32: return f.mem ? &H::template run<uint32_t, true> : &H::template run<uint32_t, false>;
    default: return f.mem ? &H::template run<uint64_t, true> : &H::template run<uint64_t, false>;
  }
}
// No ModRM memory form: sized by operand size only.
template <class H>
Handler pick_vo(const Form& f) {
  switch (f.osize) {
    case 16: return &H::template run<uint16_t>;
    case 32: return &H::template run<uint32_t>;
    default: return &H::template run<uint64_t>;
  }
}
template <class H, typename T>
Handler pick_fixed(const Form&) {
  return &H::template run<T>;
}
// Sized by address size only (LOOP, JCXZ, XLAT).
template <class H>
Handler pick_a(const Form& f) {
  switch (f.asize) {
    case 16: return &H::template run<uint16_t>;
    case 32: return &H::template run<uint32_t>;
    default: return &H::template run<uint64_t>;
  }
}
// Element type T fixed, address size selects the index registers (byte string ops).
template <class H, typename T>
Handler pick_ta(const Form& f) {
  switch (f.asize) {
    case 16: return &H::template run<T, uint16_t>;
    case 32: return &H::template run<T, uint32_t>;
    default: return &H::template run<T, uint64_t>;
  }
}
// Element by operand size, index registers by address size (word/dword string ops).
template <class H>
Handler pick_va(const Form& f) {
  switch (f.osize) {
    case 16: return pick_ta<H, uint16_t>(f);
    case 32: return pick_ta<H, uint32_t>(f);
    default: return pick_ta<H, uint64_t>(f);
  }
}
// A handler with no size at all.
template <Handler h>
Handler pick(const Form&) {
  return h;
}

}  // namespace trapeze
