// The x87 FPU's architectural state: eight 80-bit registers addressed as a stack through
// TOP, the control, status and tag words, and the last-instruction pointers (FOP, FIP,
// FCS, FDP, FDS) that FSTENV/FSAVE/FXSAVE report to exception handlers.
//
// Tags are kept abridged, one "valid" bit per physical register, as P6 keeps them: the
// full two-bit tag word (valid/zero/special/empty) is computed from the register
// contents whenever FSTENV/FSAVE store it, and FLDENV/FRSTOR only look at "empty or not".
#pragma once

#include <array>
#include <cstdint>

#include "cpu/fpu/float80.h"

namespace trapeze {

// FERR#, for CR0.NE = 0 (the PC/AT wiring of FPU errors to IRQ13): the board implements
// this and is told when the FPU asserts or releases the pin.
class FpuErrorSink {
 public:
  virtual ~FpuErrorSink() = default;
  virtual void fpu_error(bool asserted) = 0;
};

namespace x87sw {
inline constexpr uint16_t kExceptions = 0x003F;  // IE DE ZE OE UE PE, as fpu::ex
inline constexpr uint16_t SF = 1u << 6;   // stack fault (with IE)
inline constexpr uint16_t ES = 1u << 7;   // error summary: an unmasked exception is pending
inline constexpr uint16_t C0 = 1u << 8;
inline constexpr uint16_t C1 = 1u << 9;
inline constexpr uint16_t C2 = 1u << 10;
inline constexpr uint16_t kTop = 7u << 11;
inline constexpr uint16_t C3 = 1u << 14;
inline constexpr uint16_t B = 1u << 15;   // busy: mirrors ES on 387 and later
inline constexpr uint16_t kConditions = C0 | C1 | C2 | C3;
}  // namespace x87sw

namespace x87cw {
inline constexpr uint16_t kMasks = 0x003F;
inline constexpr uint16_t kDefault = 0x037F;    // FNINIT: all masked, 64-bit, nearest
inline constexpr uint16_t kReserved1 = 0x0040;  // bit 6 reads as 1
inline constexpr uint16_t kWritable = 0x1F3F;   // masks, PC, RC, X (infinity control)
}  // namespace x87cw

namespace x87tag {
inline constexpr unsigned kValid = 0, kZero = 1, kSpecial = 2, kEmpty = 3;
}

struct X87 {
  std::array<fpu::Float80, 8> regs{};  // physical registers R0-R7
  uint16_t cw = x87cw::kDefault;
  uint16_t sw = 0;     // TOP lives in bits 11-13
  uint8_t valid = 0;   // bit n: physical register n is not empty
  uint16_t fop = 0;    // last non-control instruction: (first byte & 7) << 8 | ModRM
  uint32_t fip = 0, fdp = 0;
  uint16_t fcs = 0, fds = 0;

  // FERR#/IGNNE# (CR0.NE = 0). `error_sink` is wired by the board and survives resets;
  // `ignne` is the board's IGNNE# input (on a PC: set by a write to port F0h, cleared
  // when FERR# is released).
  FpuErrorSink* error_sink = nullptr;
  bool ferr = false;
  bool ignne = false;

  unsigned top() const { return (sw >> 11) & 7; }
  void set_top(unsigned t) { sw = static_cast<uint16_t>((sw & ~x87sw::kTop) | ((t & 7) << 11)); }
  unsigned phys(unsigned i) const { return (top() + i) & 7; }

  const fpu::Float80& st(unsigned i) const { return regs[phys(i)]; }
  bool empty(unsigned i) const { return !((valid >> phys(i)) & 1); }
  void set_st(unsigned i, fpu::Float80 v) {
    regs[phys(i)] = v;
    valid = static_cast<uint8_t>(valid | (1u << phys(i)));
  }
  void free(unsigned i) { valid = static_cast<uint8_t>(valid & ~(1u << phys(i))); }
  // Pushing writes the register below TOP; overflow (it is not empty) is the caller's
  // business.
  bool push_would_overflow() const { return !empty(7); }
  void push(fpu::Float80 v) {
    set_top(top() - 1);
    set_st(0, v);
  }
  void pop() {
    free(0);
    set_top(top() + 1);
  }

  void set_conditions(uint16_t bits) { sw = static_cast<uint16_t>((sw & ~x87sw::kConditions) | bits); }
  fpu::Env env() const { return fpu::Env::from_control_word(cw); }

  // The two-bit tag of physical register n, from its contents.
  unsigned tag(unsigned n) const;
  // Full tag word (physical register order), and loading one: 11 empties a register,
  // any other value makes it valid.
  uint16_t tag_word() const;
  void set_tag_word(uint16_t tw);
  // FXSAVE's abridged tag byte is `valid` itself.

  // FNINIT/FINIT: control word 037F, status 0, all empty, pointers 0.
  void init();
  // Power-on RESET (SDM vol. 3, table 9-1): control word 0040, tags valid, registers +0.
  void power_on();
  // ES set or cleared with the pointers' state unchanged; releases FERR# when cleared.
  void recompute_error_summary();
  void set_ferr(bool asserted);
};

}  // namespace trapeze
