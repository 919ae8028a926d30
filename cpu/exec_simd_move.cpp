// MMX/SSE/SSE2 data movement: MOVD/MOVQ in all their forms, MOVAPS/MOVUPS/MOVDQA/
// MOVDQU and friends, the scalar and half moves (MOVSS, MOVSD, MOVLPS, MOVHPS, MOVHLPS,
// MOVLHPS), non-temporal stores (MOVNT*, MASKMOVQ, MASKMOVDQU), shuffles (PSHUFW, PSHUFD,
// PSHUFLW, PSHUFHW, SHUFPS, SHUFPD), PINSRW/PEXTRW, PMOVMSKB/MOVMSKPS/MOVMSKPD and the
// crossings between MMX and XMM registers (MOVQ2DQ, MOVDQ2Q).
//
// These handlers look at Insn::is_mem() when they run: one branch, against a template
// instantiation per form for each of some forty instructions.
#include "cpu/exec_simd.h"

namespace trapeze {
namespace {

using namespace simd;

uint64_t ea(Cpu& c, const Insn& i) { return c.effective_address(i); }

// The XMM rm operand: a register, or 16 bytes of memory (aligned or not).
Vec128 xmm_source(Cpu& c, const Insn& i, bool aligned) {
  return i.is_mem() ? read_m128(c, i, ea(c, i), aligned) : c.xmm[i.rm];
}
void xmm_destination(Cpu& c, const Insn& i, const Vec128& v, bool aligned) {
  if (i.is_mem())
    write_m128(c, i, ea(c, i), v, aligned);
  else
    c.xmm[i.rm] = v;
}
uint64_t mmx_source(Cpu& c, const Insn& i) {
  return i.is_mem() ? c.read<uint64_t>(i.seg, ea(c, i)) : mmx(c, i.rm);
}

// ---- MOVD / MOVQ. ----

void movd_to_mmx(Cpu& c, const Insn& i) {
  if (!mmx_ready(c)) return;
  set_mmx(c, i.reg, i.is_mem() ? c.read<uint32_t>(i.seg, ea(c, i)) : c.reg32(i.rm));
}
void movd_from_mmx(Cpu& c, const Insn& i) {
  if (!mmx_ready(c)) return;
  const uint32_t v = static_cast<uint32_t>(mmx(c, i.reg));
  if (i.is_mem())
    c.write<uint32_t>(i.seg, ea(c, i), v);
  else
    c.set_reg32(i.rm, v);
}
void movd_to_xmm(Cpu& c, const Insn& i) {
  sse_ready(c);
  c.xmm[i.reg] = Vec128{i.is_mem() ? c.read<uint32_t>(i.seg, ea(c, i)) : c.reg32(i.rm), 0};
}
void movd_from_xmm(Cpu& c, const Insn& i) {
  sse_ready(c);
  const uint32_t v = c.xmm[i.reg].get<uint32_t>(0);
  if (i.is_mem())
    c.write<uint32_t>(i.seg, ea(c, i), v);
  else
    c.set_reg32(i.rm, v);
}
void movq_load_mmx(Cpu& c, const Insn& i) {
  if (!mmx_ready(c)) return;
  set_mmx(c, i.reg, mmx_source(c, i));
}
void movq_store_mmx(Cpu& c, const Insn& i) {
  if (!mmx_ready(c)) return;
  const uint64_t v = mmx(c, i.reg);
  if (i.is_mem())
    c.write<uint64_t>(i.seg, ea(c, i), v);
  else
    set_mmx(c, i.rm, v);
}
// F3 0F 7E: the low quadword, the upper one cleared.
void movq_load_xmm(Cpu& c, const Insn& i) {
  sse_ready(c);
  c.xmm[i.reg] = Vec128{i.is_mem() ? c.read<uint64_t>(i.seg, ea(c, i)) : c.xmm[i.rm].lo, 0};
}
// 66 0F D6: to memory, or to a register with its upper quadword cleared.
void movq_store_xmm(Cpu& c, const Insn& i) {
  sse_ready(c);
  const uint64_t v = c.xmm[i.reg].lo;
  if (i.is_mem())
    c.write<uint64_t>(i.seg, ea(c, i), v);
  else
    c.xmm[i.rm] = Vec128{v, 0};
}
void movq2dq(Cpu& c, const Insn& i) {
  if (!sse_mmx_ready(c)) return;
  c.xmm[i.reg] = Vec128{mmx(c, i.rm), 0};
}
void movdq2q(Cpu& c, const Insn& i) {
  if (!sse_mmx_ready(c)) return;
  set_mmx(c, i.reg, c.xmm[i.rm].lo);
}

// ---- Whole registers: MOVAPS/MOVUPS/MOVAPD/MOVUPD/MOVDQA/MOVDQU, MOVNT*. ----

template <bool Aligned>
void move_load(Cpu& c, const Insn& i) {
  sse_ready(c);
  c.xmm[i.reg] = xmm_source(c, i, Aligned);
}
template <bool Aligned>
void move_store(Cpu& c, const Insn& i) {
  sse_ready(c);
  xmm_destination(c, i, c.xmm[i.reg], Aligned);
}
void movntq(Cpu& c, const Insn& i) {
  if (!mmx_ready(c)) return;
  c.write<uint64_t>(i.seg, ea(c, i), mmx(c, i.reg));
}
void movnti(Cpu& c, const Insn& i) { c.write<uint32_t>(i.seg, ea(c, i), c.reg32(i.reg)); }

// ---- Scalars and halves. ----

// MOVSS/MOVSD: from memory the rest of the register is cleared; between registers only
// the low element moves.
template <typename T>
void move_scalar_load(Cpu& c, const Insn& i) {
  sse_ready(c);
  if (i.is_mem()) {
    Vec128 v;
    v.set<T>(0, c.read<T>(i.seg, ea(c, i)));
    c.xmm[i.reg] = v;
  } else {
    c.xmm[i.reg].set<T>(0, c.xmm[i.rm].get<T>(0));
  }
}
template <typename T>
void move_scalar_store(Cpu& c, const Insn& i) {
  sse_ready(c);
  const T v = c.xmm[i.reg].get<T>(0);
  if (i.is_mem())
    c.write<T>(i.seg, ea(c, i), v);
  else
    c.xmm[i.rm].set<T>(0, v);
}
// 0F 12 / 0F 16 loads: MOVLPS/MOVHPS from memory, MOVHLPS/MOVLHPS between registers.
template <bool High>
void move_half_load(Cpu& c, const Insn& i) {
  sse_ready(c);
  const uint64_t v = i.is_mem() ? c.read<uint64_t>(i.seg, ea(c, i))
                     : High     ? c.xmm[i.rm].lo
                                : c.xmm[i.rm].hi;
  (High ? c.xmm[i.reg].hi : c.xmm[i.reg].lo) = v;
}
template <bool High>
void move_half_store(Cpu& c, const Insn& i) {
  sse_ready(c);
  c.write<uint64_t>(i.seg, ea(c, i), High ? c.xmm[i.reg].hi : c.xmm[i.reg].lo);
}

// ---- Shuffles, inserts, extracts, masks. ----

void pshufw(Cpu& c, const Insn& i) {
  if (!mmx_ready(c)) return;
  const Vec128 s{mmx_source(c, i), 0};
  Vec128 r;
  for (unsigned n = 0; n < 4; ++n) r.set<uint16_t>(n, s.get<uint16_t>((i.imm >> (2 * n)) & 3));
  set_mmx(c, i.reg, r.lo);
}
void pshufd(Cpu& c, const Insn& i) {
  sse_ready(c);
  const Vec128 s = xmm_source(c, i, true);
  Vec128 r;
  for (unsigned n = 0; n < 4; ++n) r.set<uint32_t>(n, s.get<uint32_t>((i.imm >> (2 * n)) & 3));
  c.xmm[i.reg] = r;
}
// PSHUFLW/PSHUFHW: the words of one half shuffled, the other half copied.
template <bool High>
void pshuf_half(Cpu& c, const Insn& i) {
  sse_ready(c);
  const Vec128 s = xmm_source(c, i, true);
  Vec128 r = s;
  const unsigned base = High ? 4 : 0;
  for (unsigned n = 0; n < 4; ++n)
    r.set<uint16_t>(base + n, s.get<uint16_t>(base + ((i.imm >> (2 * n)) & 3)));
  c.xmm[i.reg] = r;
}
void shufps(Cpu& c, const Insn& i) {
  sse_ready(c);
  const Vec128 a = c.xmm[i.reg], b = xmm_source(c, i, true);
  Vec128 r;
  r.set<uint32_t>(0, a.get<uint32_t>(i.imm & 3));
  r.set<uint32_t>(1, a.get<uint32_t>((i.imm >> 2) & 3));
  r.set<uint32_t>(2, b.get<uint32_t>((i.imm >> 4) & 3));
  r.set<uint32_t>(3, b.get<uint32_t>((i.imm >> 6) & 3));
  c.xmm[i.reg] = r;
}
void shufpd(Cpu& c, const Insn& i) {
  sse_ready(c);
  const Vec128 a = c.xmm[i.reg], b = xmm_source(c, i, true);
  c.xmm[i.reg] = Vec128{(i.imm & 1) ? a.hi : a.lo, (i.imm & 2) ? b.hi : b.lo};
}

// PINSRW: a word from memory or the low word of a general register.
template <unsigned W>
void pinsrw(Cpu& c, const Insn& i) {
  if (!ready<W>(c)) return;
  const uint16_t v = i.is_mem() ? c.read<uint16_t>(i.seg, ea(c, i)) : c.reg16(i.rm);
  Vec128 r = get_reg<W>(c, i.reg);
  r.set<uint16_t>(static_cast<unsigned>(i.imm & (W / 2 - 1)), v);
  set_reg<W>(c, i.reg, r);
}
template <unsigned W>
void pextrw(Cpu& c, const Insn& i) {
  if (!ready<W>(c)) return;
  c.set_reg32(i.reg, get_reg<W>(c, i.rm).template get<uint16_t>(
                         static_cast<unsigned>(i.imm & (W / 2 - 1))));
}
template <unsigned W>
void pmovmskb(Cpu& c, const Insn& i) {
  if (!ready<W>(c)) return;
  const Vec128 v = get_reg<W>(c, i.rm);
  uint32_t mask = 0;
  for (unsigned n = 0; n < W; ++n) mask |= static_cast<uint32_t>(v.get<uint8_t>(n) >> 7) << n;
  c.set_reg32(i.reg, mask);
}
template <typename T>
void movmsk(Cpu& c, const Insn& i) {
  sse_ready(c);
  uint32_t mask = 0;
  for (unsigned n = 0; n < 16 / sizeof(T); ++n)
    mask |= static_cast<uint32_t>(c.xmm[i.rm].get<T>(n) >> (8 * sizeof(T) - 1)) << n;
  c.set_reg32(i.reg, mask);
}

// MASKMOVQ/MASKMOVDQU: the bytes whose mask byte has bit 7 set, to DS:(E)DI (segment
// overridable). Bytes are stored one by one, lowest first.
template <unsigned W>
void maskmov(Cpu& c, const Insn& i) {
  if (!ready<W>(c)) return;
  const Vec128 data = get_reg<W>(c, i.reg), mask = get_reg<W>(c, i.rm);
  const uint64_t address_mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
  const uint64_t base = c.gpr[kRdi] & address_mask;
  for (unsigned n = 0; n < W; ++n)
    if (mask.get<uint8_t>(n) & 0x80)
      c.write<uint8_t>(i.seg, (base + n) & address_mask, data.get<uint8_t>(n));
}

OpcodeRow plain(uint8_t op, const char* m, const char* ops, HandlerPicker p) {
  return {static_cast<uint16_t>(kMap0F | op), -1, m, ops, p, attr::kNoSimdPrefix};
}
OpcodeRow with(uint16_t map, uint8_t op, const char* m, const char* ops, HandlerPicker p) {
  return {static_cast<uint16_t>(map | op), -1, m, ops, p};
}

}  // namespace

std::vector<OpcodeRow> simd_move_rows() {
  return {
      plain(0x6E, "movd", "Pq,Ed", pick<movd_to_mmx>),
      with(kMap0F66, 0x6E, "movd", "Vdq,Ed", pick<movd_to_xmm>),
      plain(0x7E, "movd", "Ed,Pq", pick<movd_from_mmx>),
      with(kMap0F66, 0x7E, "movd", "Ed,Vdq", pick<movd_from_xmm>),
      with(kMap0FF3, 0x7E, "movq", "Vq,Wq", pick<movq_load_xmm>),
      plain(0x6F, "movq", "Pq,Qq", pick<movq_load_mmx>),
      plain(0x7F, "movq", "Qq,Pq", pick<movq_store_mmx>),
      with(kMap0F66, 0x6F, "movdqa", "Vdq,Wdq", pick<move_load<true>>),
      with(kMap0FF3, 0x6F, "movdqu", "Vdq,Wdq", pick<move_load<false>>),
      with(kMap0F66, 0x7F, "movdqa", "Wdq,Vdq", pick<move_store<true>>),
      with(kMap0FF3, 0x7F, "movdqu", "Wdq,Vdq", pick<move_store<false>>),
      with(kMap0F66, 0xD6, "movq", "Wq,Vq", pick<movq_store_xmm>),
      with(kMap0FF3, 0xD6, "movq2dq", "Vdq,Nq", pick<movq2dq>),
      with(kMap0FF2, 0xD6, "movdq2q", "Pq,Udq", pick<movdq2q>),
      plain(0xE7, "movntq", "Mq,Pq", pick<movntq>),
      with(kMap0F66, 0xE7, "movntdq", "Mdq,Vdq", pick<move_store<true>>),
      plain(0xC3, "movnti", "Md,Gd", pick<movnti>),
      plain(0x10, "movups", "Vps,Wps", pick<move_load<false>>),
      with(kMap0F66, 0x10, "movupd", "Vpd,Wpd", pick<move_load<false>>),
      with(kMap0FF3, 0x10, "movss", "Vss,Wss", pick<move_scalar_load<uint32_t>>),
      with(kMap0FF2, 0x10, "movsd", "Vsd,Wsd", pick<move_scalar_load<uint64_t>>),
      plain(0x11, "movups", "Wps,Vps", pick<move_store<false>>),
      with(kMap0F66, 0x11, "movupd", "Wpd,Vpd", pick<move_store<false>>),
      with(kMap0FF3, 0x11, "movss", "Wss,Vss", pick<move_scalar_store<uint32_t>>),
      with(kMap0FF2, 0x11, "movsd", "Wsd,Vsd", pick<move_scalar_store<uint64_t>>),
      plain(0x12, "movlps", "Vq,Wq", pick<move_half_load<false>>),  // MOVHLPS with a register
      {kMap0F66 | 0x12, -1, "movlpd", "Vq,Mq", pick<move_half_load<false>>},
      plain(0x13, "movlps", "Mq,Vq", pick<move_half_store<false>>),
      {kMap0F66 | 0x13, -1, "movlpd", "Mq,Vq", pick<move_half_store<false>>},
      plain(0x16, "movhps", "Vq,Wq", pick<move_half_load<true>>),  // MOVLHPS with a register
      {kMap0F66 | 0x16, -1, "movhpd", "Vq,Mq", pick<move_half_load<true>>},
      plain(0x17, "movhps", "Mq,Vq", pick<move_half_store<true>>),
      {kMap0F66 | 0x17, -1, "movhpd", "Mq,Vq", pick<move_half_store<true>>},
      plain(0x28, "movaps", "Vps,Wps", pick<move_load<true>>),
      with(kMap0F66, 0x28, "movapd", "Vpd,Wpd", pick<move_load<true>>),
      plain(0x29, "movaps", "Wps,Vps", pick<move_store<true>>),
      with(kMap0F66, 0x29, "movapd", "Wpd,Vpd", pick<move_store<true>>),
      plain(0x2B, "movntps", "Mps,Vps", pick<move_store<true>>),
      with(kMap0F66, 0x2B, "movntpd", "Mpd,Vpd", pick<move_store<true>>),
      plain(0x70, "pshufw", "Pq,Qq,Ib", pick<pshufw>),
      with(kMap0F66, 0x70, "pshufd", "Vdq,Wdq,Ib", pick<pshufd>),
      with(kMap0FF2, 0x70, "pshuflw", "Vdq,Wdq,Ib", pick<pshuf_half<false>>),
      with(kMap0FF3, 0x70, "pshufhw", "Vdq,Wdq,Ib", pick<pshuf_half<true>>),
      plain(0xC6, "shufps", "Vps,Wps,Ib", pick<shufps>),
      with(kMap0F66, 0xC6, "shufpd", "Vpd,Wpd,Ib", pick<shufpd>),
      plain(0xC4, "pinsrw", "Pq,Ed,Ib", pick<pinsrw<kMmx>>),
      with(kMap0F66, 0xC4, "pinsrw", "Vdq,Ed,Ib", pick<pinsrw<kXmm>>),
      plain(0xC5, "pextrw", "Gd,Nq,Ib", pick<pextrw<kMmx>>),
      with(kMap0F66, 0xC5, "pextrw", "Gd,Udq,Ib", pick<pextrw<kXmm>>),
      plain(0xD7, "pmovmskb", "Gd,Nq", pick<pmovmskb<kMmx>>),
      with(kMap0F66, 0xD7, "pmovmskb", "Gd,Udq", pick<pmovmskb<kXmm>>),
      plain(0x50, "movmskps", "Gd,Ups", pick<movmsk<uint32_t>>),
      with(kMap0F66, 0x50, "movmskpd", "Gd,Upd", pick<movmsk<uint64_t>>),
      plain(0xF7, "maskmovq", "Pq,Nq", pick<maskmov<kMmx>>),
      with(kMap0F66, 0xF7, "maskmovdqu", "Vdq,Udq", pick<maskmov<kXmm>>),
  };
}

}  // namespace trapeze
