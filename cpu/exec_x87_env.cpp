// Saving and restoring the x87 state: FNSTENV/FLDENV (the 14- or 28-byte environment),
// FNSAVE/FRSTOR (environment plus the eight registers in stack order), FXSAVE/FXRSTOR
// (the 512-byte image: x87, MXCSR and the XMM registers).
//
// The environment has four layouts (SDM vol. 1, figures 8-9 to 8-12): 16- or 32-bit by
// operand size, and protected mode (FIP/FDP as offsets with their selectors) or real and
// virtual-8086 mode (20/32-bit linear addresses split around FOP).
#include <array>

#include "cpu/exec_x87.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;

// Memory at ea + offset with the instruction's address-size wrap.
struct Area {
  Cpu& c;
  unsigned seg;
  uint64_t ea;
  uint64_t mask;
  Area(Cpu& cpu, const Insn& i)
      : c(cpu), seg(i.seg), ea(cpu.effective_address(i)), mask(i.asize == 16 ? 0xFFFF : 0xFFFFFFFF) {}
  uint64_t at(unsigned offset) const { return (ea + offset) & mask; }
  template <typename T>
  T get(unsigned offset) const { return c.read<T>(seg, at(offset)); }
  template <typename T>
  void put(unsigned offset, T v) const { c.write<T>(seg, at(offset), v); }
};

// The environment as stored, in either layout; `words` are its 16-bit or 32-bit slots.
struct Environment {
  uint16_t cw = 0, sw = 0, tw = 0, fop = 0, fcs = 0, fds = 0;
  uint32_t fip = 0, fdp = 0;
};

unsigned environment_size(unsigned osize) { return osize == 16 ? 14 : 28; }

// Slot n of the environment: words for 16-bit layouts, dwords for 32-bit ones.
void put_slot(const Area& a, unsigned osize, unsigned n, uint32_t v) {
  if (osize == 16) a.put<uint16_t>(2 * n, static_cast<uint16_t>(v));
  else a.put<uint32_t>(4 * n, v);
}
uint32_t get_slot(const Area& a, unsigned osize, unsigned n) {
  return osize == 16 ? a.get<uint16_t>(2 * n) : a.get<uint32_t>(4 * n);
}

void store_environment(Cpu& c, const Area& a, unsigned osize) {
  const X87& f = c.fpu;
  // The unused upper halves of the 32-bit control, status and tag slots read as ones.
  const uint32_t pad = osize == 16 ? 0 : 0xFFFF0000;
  put_slot(a, osize, 0, pad | f.cw);
  put_slot(a, osize, 1, pad | f.sw);
  put_slot(a, osize, 2, pad | f.tag_word());
  if (c.pm()) {
    put_slot(a, osize, 3, f.fip);
    put_slot(a, osize, 4, osize == 16 ? f.fcs : f.fcs | (uint32_t{f.fop} << 16));
    put_slot(a, osize, 5, f.fdp);
    put_slot(a, osize, 6, pad | f.fds);
  } else {
    const uint32_t ip = (uint32_t{f.fcs} << 4) + f.fip, dp = (uint32_t{f.fds} << 4) + f.fdp;
    put_slot(a, osize, 3, pad | (ip & 0xFFFF));
    put_slot(a, osize, 4, ((ip & 0xFFFF0000) >> 4) | f.fop);
    put_slot(a, osize, 5, pad | (dp & 0xFFFF));
    put_slot(a, osize, 6, (dp & 0xFFFF0000) >> 4);
  }
}

Environment read_environment(Cpu& c, const Area& a, unsigned osize) {
  Environment e;
  e.cw = static_cast<uint16_t>(get_slot(a, osize, 0));
  e.sw = static_cast<uint16_t>(get_slot(a, osize, 1));
  e.tw = static_cast<uint16_t>(get_slot(a, osize, 2));
  const uint32_t s3 = get_slot(a, osize, 3), s4 = get_slot(a, osize, 4);
  const uint32_t s5 = get_slot(a, osize, 5), s6 = get_slot(a, osize, 6);
  if (c.pm()) {
    e.fip = s3;
    e.fcs = static_cast<uint16_t>(s4);
    e.fop = osize == 16 ? 0 : static_cast<uint16_t>((s4 >> 16) & 0x7FF);
    e.fdp = s5;
    e.fds = static_cast<uint16_t>(s6);
  } else {
    // Linear addresses with the selectors 0.
    e.fip = (s3 & 0xFFFF) | ((s4 & 0x0FFFF000) << 4);
    e.fop = static_cast<uint16_t>(s4 & 0x7FF);
    e.fdp = (s5 & 0xFFFF) | ((s6 & 0x0FFFF000) << 4);
  }
  if (osize == 16) {  // 20-bit addresses
    e.fip &= 0xFFFFF;
    e.fdp &= 0xFFFFF;
  }
  return e;
}

void install_environment(X87& f, const Environment& e) {
  f.cw = static_cast<uint16_t>((e.cw & x87cw::kWritable) | x87cw::kReserved1);
  f.sw = e.sw;
  f.set_tag_word(e.tw);
  f.fop = e.fop;
  f.fip = e.fip;
  f.fcs = e.fcs;
  f.fdp = e.fdp;
  f.fds = e.fds;
  f.recompute_error_summary();
}

Float80 read_register(const Area& a, unsigned offset) {
  return Float80{a.get<uint64_t>(offset), a.get<uint16_t>(offset + 8)};
}
void write_register(const Area& a, unsigned offset, Float80 v) {
  a.put<uint64_t>(offset, v.signif);
  a.put<uint16_t>(offset + 8, v.sign_exp);
}

void fnstenv(Cpu& c, const Insn& i) {
  X87& f = no_wait_prologue(c);
  const Area a(c, i);
  store_environment(c, a, i.osize);
  f.cw |= x87cw::kMasks;  // exception handlers run with everything masked
}

void fldenv(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const Area a(c, i);
  install_environment(c.fpu, read_environment(c, a, i.osize));
}

void fnsave(Cpu& c, const Insn& i) {
  X87& f = no_wait_prologue(c);
  const Area a(c, i);
  store_environment(c, a, i.osize);
  const unsigned base = environment_size(i.osize);
  for (unsigned n = 0; n < 8; ++n) write_register(a, base + 10 * n, f.st(n));
  f.init();
}

void frstor(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const Area a(c, i);
  const Environment e = read_environment(c, a, i.osize);
  const unsigned base = environment_size(i.osize);
  std::array<Float80, 8> stack;
  for (unsigned n = 0; n < 8; ++n) stack[n] = read_register(a, base + 10 * n);
  X87& f = c.fpu;
  install_environment(f, e);
  for (unsigned n = 0; n < 8; ++n) f.regs[f.phys(n)] = stack[n];
}

// FXSAVE/FXRSTOR (SDM vol. 2, FXSAVE, table 3-53): a 16-byte aligned 512-byte area; the
// tag is abridged (one bit per physical register, 1 = valid). MXCSR and the XMM
// registers take part only with CR4.OSFXSR (the choice P4 makes where the SDM leaves it
// to the implementation). Bytes 288-511 are left alone.
void check_fxsave_area(Cpu& c, const Area& a) {
  if (c.cr0 & (cr0::EM | cr0::TS)) c.raise(vec::kNoDevice);
  if (a.ea & 15) c.raise(vec::kGeneral, 0);
}

void fxsave(Cpu& c, const Insn& i) {
  const Area a(c, i);
  check_fxsave_area(c, a);
  c.check_write(a.seg, a.ea, 288);
  const X87& f = c.fpu;
  a.put<uint16_t>(0, f.cw);
  a.put<uint16_t>(2, f.sw);
  a.put<uint8_t>(4, f.valid);
  a.put<uint8_t>(5, 0);
  a.put<uint16_t>(6, f.fop);
  a.put<uint32_t>(8, f.fip);
  a.put<uint32_t>(12, f.fcs);
  a.put<uint32_t>(16, f.fdp);
  a.put<uint32_t>(20, f.fds);
  for (unsigned n = 0; n < 8; ++n) {
    write_register(a, 32 + 16 * n, f.st(n));
    a.put<uint16_t>(32 + 16 * n + 10, 0);
    a.put<uint32_t>(32 + 16 * n + 12, 0);
  }
  if (!(c.cr4 & cr4::OSFXSR)) return;
  a.put<uint32_t>(24, c.mxcsr);
  a.put<uint32_t>(28, mxcsr::kMask);
  for (unsigned n = 0; n < 8; ++n) {
    a.put<uint64_t>(160 + 16 * n, c.xmm[n].lo);
    a.put<uint64_t>(168 + 16 * n, c.xmm[n].hi);
  }
}

void fxrstor(Cpu& c, const Insn& i) {
  const Area a(c, i);
  check_fxsave_area(c, a);
  const bool sse = c.cr4 & cr4::OSFXSR;
  const uint32_t new_mxcsr = sse ? a.get<uint32_t>(24) : c.mxcsr;
  if (new_mxcsr & ~mxcsr::kMask) c.raise(vec::kGeneral, 0);
  Environment e;
  e.cw = a.get<uint16_t>(0);
  e.sw = a.get<uint16_t>(2);
  const uint8_t valid = a.get<uint8_t>(4);
  e.fop = a.get<uint16_t>(6) & 0x7FF;
  e.fip = a.get<uint32_t>(8);
  e.fcs = a.get<uint16_t>(12);
  e.fdp = a.get<uint32_t>(16);
  e.fds = a.get<uint16_t>(20);
  std::array<Float80, 8> stack;
  for (unsigned n = 0; n < 8; ++n) stack[n] = read_register(a, 32 + 16 * n);
  std::array<Vec128, 8> xmm = c.xmm;
  if (sse)
    for (unsigned n = 0; n < 8; ++n)
      xmm[n] = Vec128{a.get<uint64_t>(160 + 16 * n), a.get<uint64_t>(168 + 16 * n)};
  X87& f = c.fpu;
  install_environment(f, e);
  f.valid = valid;
  for (unsigned n = 0; n < 8; ++n) f.regs[f.phys(n)] = stack[n];
  c.mxcsr = new_mxcsr;
  c.xmm = xmm;
}

}  // namespace

std::vector<OpcodeRow> x87_env_rows() {
  return {
      {0xD9, 4, "fldenv", "M", pick<fldenv>},
      {0xD9, 6, "fnstenv", "M", pick<fnstenv>},
      {0xDD, 4, "frstor", "M", pick<frstor>},
      {0xDD, 6, "fnsave", "M", pick<fnsave>},
      {kMap0F | 0xAE, 0, "fxsave", "M", pick<fxsave>, attr::kNoSimdPrefix},
      {kMap0F | 0xAE, 1, "fxrstor", "M", pick<fxrstor>, attr::kNoSimdPrefix},
  };
}

}  // namespace trapeze
