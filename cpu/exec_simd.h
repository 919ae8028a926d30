// What the MMX, SSE and SSE2 handlers (cpu/exec_simd_*.cpp, cpu/exec_sse_*.cpp) share:
// the prologues that decide #UD/#NM/#MF (SDM vol. 3, 13.1 and table 12-1; vol. 2,
// tables 22-4 to 22-8), the MMX registers aliased on the x87 registers, operand access
// (MMX, XMM, memory with the 16-byte alignment rule) and MXCSR exception reporting (#XM,
// or #UD without CR4.OSXMMEXCPT).
//
// The checks happen when the instruction runs, not when it is decoded: decoded
// instructions are cached, and CR0/CR4 change under them.
#pragma once

#include "cpu/cpu_access.h"
#include "cpu/exec_x87.h"
#include "cpu/fpu/simd_float.h"
#include "cpu/opcode_table.h"

namespace trapeze::simd {

// Operand widths in bytes: an MMX register or m64, an XMM register or m128.
inline constexpr unsigned kMmx = 8, kXmm = 16;

// ---- Prologues. ----

// Entering MMX mode: TOP = 0 and every register valid (SDM vol. 1, 9.5.1). Happens for
// every MMX instruction but EMMS.
inline void enter_mmx(Cpu& c) {
  c.fpu.set_top(0);
  c.fpu.valid = 0xFF;
}

// MMX instructions, and SSE's MMX-register integer extensions: #UD with CR0.EM, #NM with
// CR0.TS, then a pending x87 exception (#MF, or FERR#; false: frozen, return at once).
inline bool mmx_ready(Cpu& c) {
  if (c.cr0 & cr0::EM) c.raise(vec::kInvalidOpcode);
  if (c.cr0 & cr0::TS) c.raise(vec::kNoDevice);
  if ((c.fpu.sw & x87sw::ES) && !x87::signal_pending_exception(c)) [[unlikely]]
    return false;
  enter_mmx(c);
  return true;
}

// SSE and SSE2: #UD with CR0.EM or without CR4.OSFXSR, #NM with CR0.TS.
inline void sse_ready(Cpu& c) {
  if ((c.cr0 & cr0::EM) || !(c.cr4 & cr4::OSFXSR)) c.raise(vec::kInvalidOpcode);
  if (c.cr0 & cr0::TS) c.raise(vec::kNoDevice);
}

// SSE/SSE2 instructions with an MMX register operand (CVTPI2PS, MOVQ2DQ, ...): both.
inline bool sse_mmx_ready(Cpu& c) {
  sse_ready(c);
  if ((c.fpu.sw & x87sw::ES) && !x87::signal_pending_exception(c)) [[unlikely]]
    return false;
  enter_mmx(c);
  return true;
}

// The prologue of an integer instruction by operand width: MMX, or SSE2 on XMM.
template <unsigned W>
inline bool ready(Cpu& c) {
  if constexpr (W == kMmx) {
    return mmx_ready(c);
  } else {
    sse_ready(c);
    return true;
  }
}

// ---- Registers. ----

// MMn is the significand of physical x87 register Rn; writing it sets the exponent and
// sign field to all ones (SDM vol. 1, 9.5.1).
inline uint64_t mmx(const Cpu& c, unsigned n) { return c.fpu.regs[n].signif; }
inline void set_mmx(Cpu& c, unsigned n, uint64_t v) { c.fpu.regs[n] = fpu::Float80{v, 0xFFFF}; }

// A register of width W as a Vec128 (MMX in the low half, the high half zero).
template <unsigned W>
inline Vec128 get_reg(const Cpu& c, unsigned n) {
  if constexpr (W == kMmx)
    return Vec128{mmx(c, n), 0};
  else
    return c.xmm[n];
}
template <unsigned W>
inline void set_reg(Cpu& c, unsigned n, const Vec128& v) {
  if constexpr (W == kMmx)
    set_mmx(c, n, v.lo);
  else
    c.xmm[n] = v;
}

// ---- Memory. ----

// Aligned 128-bit operands fault with #GP(0) when not on a 16-byte boundary (whatever
// CR0.AM says); unaligned forms (MOVUPS, MOVDQU, scalar and 64-bit operands) do not.
inline void check_aligned(Cpu& c, uint64_t ea) {
  if (ea & 15) c.raise(vec::kGeneral, 0);
}
inline uint64_t ea_plus(const Insn& i, uint64_t ea, unsigned n) {
  return (ea + n) & (i.asize == 16 ? 0xFFFF : 0xFFFFFFFF);
}
inline Vec128 read_m128(Cpu& c, const Insn& i, uint64_t ea, bool aligned) {
  if (aligned) check_aligned(c, ea);
  const uint64_t lo = c.read<uint64_t>(i.seg, ea);
  return Vec128{lo, c.read<uint64_t>(i.seg, ea_plus(i, ea, 8))};
}
inline void write_m128(Cpu& c, const Insn& i, uint64_t ea, const Vec128& v, bool aligned) {
  if (aligned) check_aligned(c, ea);
  c.check_write(i.seg, ea, 16);
  c.write<uint64_t>(i.seg, ea, v.lo);
  c.write<uint64_t>(i.seg, ea_plus(i, ea, 8), v.hi);
}

// The ModRM.rm operand of width W: a register, or memory (m128 aligned unless Aligned is
// false).
template <unsigned W, bool Mem, bool Aligned = true>
inline Vec128 read_rm(Cpu& c, const Insn& i) {
  if constexpr (!Mem) {
    return get_reg<W>(c, i.rm);
  } else {
    const uint64_t ea = c.effective_address(i);
    if constexpr (W == kMmx)
      return Vec128{c.read<uint64_t>(i.seg, ea), 0};
    else
      return read_m128(c, i, ea, Aligned);
  }
}
template <unsigned W, bool Mem, bool Aligned = true>
inline void write_rm(Cpu& c, const Insn& i, const Vec128& v) {
  if constexpr (!Mem) {
    set_reg<W>(c, i.rm, v);
  } else {
    const uint64_t ea = c.effective_address(i);
    if constexpr (W == kMmx)
      c.write<uint64_t>(i.seg, ea, v.lo);
    else
      write_m128(c, i, ea, v, Aligned);
  }
}
// A 64- or 32-bit element from the low end of the rm operand: an XMM/MMX register's low
// lane or memory of that size (scalar operands are never alignment-checked).
template <typename T, bool Mem>
inline T read_rm_low_xmm(Cpu& c, const Insn& i) {
  if constexpr (Mem)
    return c.read<T>(i.seg, c.effective_address(i));
  else
    return c.xmm[i.rm].get<T>(0);
}
template <typename T, bool Mem>
inline T read_rm_low_mmx(Cpu& c, const Insn& i) {
  if constexpr (Mem)
    return c.read<T>(i.seg, c.effective_address(i));
  else
    return static_cast<T>(mmx(c, i.rm));
}

// ---- MXCSR exceptions. ----

// What the lanes of one instruction raised. Pre-computation exceptions (IE, DE, ZE)
// unmasked in any lane stop the instruction before post-computation ones (OE, UE, PE)
// are even reported (SDM vol. 1, 11.5.2).
struct Raised {
  uint8_t pre = 0, post = 0;
  void add(uint8_t raised) {
    pre |= raised & (fpu::ex::IE | fpu::ex::DE | fpu::ex::ZE);
    post |= raised & (fpu::ex::OE | fpu::ex::UE | fpu::ex::PE);
  }
};

// Sets the MXCSR flags; an unmasked exception then raises #XM (#UD without
// CR4.OSXMMEXCPT) and the destination stays unchanged.
void commit(Cpu& c, const Raised& r);

inline fpu::SimdEnv simd_env(const Cpu& c) { return fpu::SimdEnv::from_mxcsr(c.mxcsr); }

// ---- Pickers and rows. ----

// H::run<Mem>.
template <class H>
Handler pick_m(const Form& f) {
  return f.mem ? &H::template run<true> : &H::template run<false>;
}

}  // namespace trapeze::simd
