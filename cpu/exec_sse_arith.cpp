// SSE/SSE2 floating-point arithmetic: ADD, SUB, MUL, DIV, MIN, MAX, SQRT (packed and
// scalar, single and double), RCP/RSQRT (single), CMPcc, COMIS/UCOMIS. The numbers are
// cpu/fpu/simd_float.h's; these handlers apply them per lane, report what the lanes
// raised in MXCSR (#XM or #UD when unmasked, the destination then unchanged), and keep
// the upper lanes of the destination for the scalar forms.
#include "cpu/exec_simd.h"

namespace trapeze {
namespace {

using namespace simd;
using fpu::SimdEnv;

// Lanes: 16 / sizeof(F) for packed forms (m128, aligned), 1 for scalar ones (m32/m64).
template <typename F, unsigned Lanes, bool Mem>
Vec128 fp_source(Cpu& c, const Insn& i) {
  if constexpr (Lanes == 1) {
    Vec128 v = c.xmm[Mem ? 0 : i.rm];
    if constexpr (Mem) v.set<F>(0, c.read<F>(i.seg, c.effective_address(i)));
    return v;
  } else {
    return read_rm<kXmm, Mem>(c, i);
  }
}

template <typename F>
using BinaryOp = F (*)(SimdEnv&, F, F);
template <typename F>
using UnaryOp = F (*)(SimdEnv&, F);

template <typename F, unsigned Lanes, BinaryOp<F> Op>
struct FpBinary {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    sse_ready(c);
    const Vec128 b = fp_source<F, Lanes, Mem>(c, i);
    Vec128 r = c.xmm[i.reg];
    SimdEnv e = simd_env(c);
    Raised raised;
    for (unsigned n = 0; n < Lanes; ++n) {
      e.env.raised = 0;
      r.set<F>(n, Op(e, r.get<F>(n), b.get<F>(n)));
      raised.add(e.env.raised);
    }
    commit(c, raised);
    c.xmm[i.reg] = r;
  }
};

template <typename F, unsigned Lanes, UnaryOp<F> Op>
struct FpUnary {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    sse_ready(c);
    const Vec128 b = fp_source<F, Lanes, Mem>(c, i);
    Vec128 r = c.xmm[i.reg];
    SimdEnv e = simd_env(c);
    Raised raised;
    for (unsigned n = 0; n < Lanes; ++n) {
      e.env.raised = 0;
      r.set<F>(n, Op(e, b.get<F>(n)));
      raised.add(e.env.raised);
    }
    commit(c, raised);
    c.xmm[i.reg] = r;
  }
};

// RCPPS/RSQRTPS and the scalar forms: no exceptions, MXCSR untouched.
template <unsigned Lanes, uint32_t (*Op)(uint32_t)>
struct Approximation {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    sse_ready(c);
    const Vec128 b = fp_source<uint32_t, Lanes, Mem>(c, i);
    Vec128 r = c.xmm[i.reg];
    for (unsigned n = 0; n < Lanes; ++n) r.set<uint32_t>(n, Op(b.get<uint32_t>(n)));
    c.xmm[i.reg] = r;
  }
};

template <typename F, unsigned Lanes>
struct Compare {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    sse_ready(c);
    const Vec128 b = fp_source<F, Lanes, Mem>(c, i);
    Vec128 r = c.xmm[i.reg];
    SimdEnv e = simd_env(c);
    Raised raised;
    for (unsigned n = 0; n < Lanes; ++n) {
      e.env.raised = 0;
      r.set<F>(n, fpu::simd_compare(e, r.get<F>(n), b.get<F>(n), static_cast<unsigned>(i.imm)));
      raised.add(e.env.raised);
    }
    commit(c, raised);
    c.xmm[i.reg] = r;
  }
};

// COMISS/UCOMISS/COMISD/UCOMISD: ZF PF CF = 111 unordered, 000 greater, 001 less, 100
// equal; OF, SF and AF cleared.
template <typename F, bool Quiet>
struct Comis {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    sse_ready(c);
    const F b = fp_source<F, 1, Mem>(c, i).template get<F>(0);
    SimdEnv e = simd_env(c);
    const fpu::Relation rel = fpu::simd_comis(e, c.xmm[i.reg].get<F>(0), b, Quiet);
    Raised raised;
    raised.add(e.env.raised);
    commit(c, raised);
    uint32_t bits = 0;
    switch (rel) {
      case fpu::Relation::kUnordered:
        bits = flag::ZF | flag::PF | flag::CF;
        break;
      case fpu::Relation::kLess:
        bits = flag::CF;
        break;
      case fpu::Relation::kEqual:
        bits = flag::ZF;
        break;
      case fpu::Relation::kGreater:
        break;
    }
    c.flags.write_masked(bits, flag::ZF | flag::PF | flag::CF | flag::OF | flag::SF | flag::AF);
  }
};

struct Rows {
  std::vector<OpcodeRow> rows;
  // The four forms of an arithmetic operation: PS, PD (66), SS (F3), SD (F2).
  template <BinaryOp<uint32_t> S, BinaryOp<uint64_t> D>
  void four(uint8_t op, const char* ps, const char* pd, const char* ss, const char* sd) {
    rows.push_back({static_cast<uint16_t>(kMap0F | op), -1, ps, "Vps,Wps",
                    pick_m<FpBinary<uint32_t, 4, S>>, attr::kNoSimdPrefix});
    rows.push_back({static_cast<uint16_t>(kMap0F66 | op), -1, pd, "Vpd,Wpd",
                    pick_m<FpBinary<uint64_t, 2, D>>});
    rows.push_back({static_cast<uint16_t>(kMap0FF3 | op), -1, ss, "Vss,Wss",
                    pick_m<FpBinary<uint32_t, 1, S>>});
    rows.push_back({static_cast<uint16_t>(kMap0FF2 | op), -1, sd, "Vsd,Wsd",
                    pick_m<FpBinary<uint64_t, 1, D>>});
  }
};

}  // namespace

std::vector<OpcodeRow> sse_arith_rows() {
  using namespace fpu;
  Rows r;
  r.four<simd_add<uint32_t>, simd_add<uint64_t>>(0x58, "addps", "addpd", "addss", "addsd");
  r.four<simd_mul<uint32_t>, simd_mul<uint64_t>>(0x59, "mulps", "mulpd", "mulss", "mulsd");
  r.four<simd_sub<uint32_t>, simd_sub<uint64_t>>(0x5C, "subps", "subpd", "subss", "subsd");
  r.four<simd_min<uint32_t>, simd_min<uint64_t>>(0x5D, "minps", "minpd", "minss", "minsd");
  r.four<simd_div<uint32_t>, simd_div<uint64_t>>(0x5E, "divps", "divpd", "divss", "divsd");
  r.four<simd_max<uint32_t>, simd_max<uint64_t>>(0x5F, "maxps", "maxpd", "maxss", "maxsd");
  auto& rows = r.rows;
  rows.push_back({kMap0F | 0x51, -1, "sqrtps", "Vps,Wps",
                  pick_m<FpUnary<uint32_t, 4, simd_sqrt<uint32_t>>>, attr::kNoSimdPrefix});
  rows.push_back({kMap0F66 | 0x51, -1, "sqrtpd", "Vpd,Wpd",
                  pick_m<FpUnary<uint64_t, 2, simd_sqrt<uint64_t>>>});
  rows.push_back({kMap0FF3 | 0x51, -1, "sqrtss", "Vss,Wss",
                  pick_m<FpUnary<uint32_t, 1, simd_sqrt<uint32_t>>>});
  rows.push_back({kMap0FF2 | 0x51, -1, "sqrtsd", "Vsd,Wsd",
                  pick_m<FpUnary<uint64_t, 1, simd_sqrt<uint64_t>>>});
  rows.push_back({kMap0F | 0x52, -1, "rsqrtps", "Vps,Wps", pick_m<Approximation<4, simd_rsqrt>>,
                  attr::kNoSimdPrefix});
  rows.push_back({kMap0FF3 | 0x52, -1, "rsqrtss", "Vss,Wss", pick_m<Approximation<1, simd_rsqrt>>});
  rows.push_back({kMap0F | 0x53, -1, "rcpps", "Vps,Wps", pick_m<Approximation<4, simd_rcp>>,
                  attr::kNoSimdPrefix});
  rows.push_back({kMap0FF3 | 0x53, -1, "rcpss", "Vss,Wss", pick_m<Approximation<1, simd_rcp>>});
  rows.push_back({kMap0F | 0xC2, -1, "cmpps", "Vps,Wps,Ib", pick_m<Compare<uint32_t, 4>>,
                  attr::kNoSimdPrefix});
  rows.push_back({kMap0F66 | 0xC2, -1, "cmppd", "Vpd,Wpd,Ib", pick_m<Compare<uint64_t, 2>>});
  rows.push_back({kMap0FF3 | 0xC2, -1, "cmpss", "Vss,Wss,Ib", pick_m<Compare<uint32_t, 1>>});
  rows.push_back({kMap0FF2 | 0xC2, -1, "cmpsd", "Vsd,Wsd,Ib", pick_m<Compare<uint64_t, 1>>});
  rows.push_back({kMap0F | 0x2E, -1, "ucomiss", "Vss,Wss", pick_m<Comis<uint32_t, true>>,
                  attr::kNoSimdPrefix});
  rows.push_back({kMap0F66 | 0x2E, -1, "ucomisd", "Vsd,Wsd", pick_m<Comis<uint64_t, true>>});
  rows.push_back({kMap0F | 0x2F, -1, "comiss", "Vss,Wss", pick_m<Comis<uint32_t, false>>,
                  attr::kNoSimdPrefix});
  rows.push_back({kMap0F66 | 0x2F, -1, "comisd", "Vsd,Wsd", pick_m<Comis<uint64_t, false>>});
  return rows;
}

}  // namespace trapeze
