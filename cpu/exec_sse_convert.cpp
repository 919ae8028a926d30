// SSE/SSE2 conversions between singles, doubles and 32-bit integers, in XMM, MMX and
// general registers: CVTPI2PS ... CVTTPD2DQ. Rounding by MXCSR.RC, or toward zero for the
// CVTT* forms; out-of-range, infinite and NaN sources give the integer indefinite
// 80000000 with IE (cpu/fpu/simd_float.h).
#include "cpu/exec_simd.h"

namespace trapeze {
namespace {

using namespace simd;
using fpu::SimdEnv;

// Where a conversion reads: an XMM register or m128 (aligned), the low 64 or 32 bits of
// an XMM register or unaligned memory of that size, an MMX register or m64, a general
// register or m32.
enum class Src { kXmm, kXmmLow, kMmx, kGpr };
// Where it writes: an XMM register with the elements above the result cleared or kept,
// an MMX register, a general register.
enum class Dst { kXmmClear, kXmmKeep, kMmx, kGpr };

template <typename From, typename To, unsigned N, Src S, Dst D, To (*Op)(SimdEnv&, From)>
struct Convert {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    // An MMX register taking part makes this an x87-to-MMX transition.
    if constexpr (D == Dst::kMmx || (S == Src::kMmx && !Mem)) {
      if (!sse_mmx_ready(c)) return;
    } else {
      sse_ready(c);
    }
    const Vec128 src = source<Mem>(c, i);
    SimdEnv e = simd_env(c);
    Raised raised;
    Vec128 r = D == Dst::kXmmKeep ? c.xmm[i.reg] : Vec128{};
    for (unsigned n = 0; n < N; ++n) {
      e.env.raised = 0;
      r.set<To>(n, Op(e, src.get<From>(n)));
      raised.add(e.env.raised);
    }
    commit(c, raised);
    if constexpr (D == Dst::kMmx)
      set_mmx(c, i.reg, r.lo);
    else if constexpr (D == Dst::kGpr)
      c.set_reg32(i.reg, r.get<uint32_t>(0));
    else
      c.xmm[i.reg] = r;
  }

  template <bool Mem>
  static Vec128 source(Cpu& c, const Insn& i) {
    constexpr unsigned kBytes = N * sizeof(From);
    if constexpr (S == Src::kXmm) {
      return read_rm<kXmm, Mem>(c, i);
    } else if constexpr (Mem) {
      const uint64_t ea = c.effective_address(i);
      if constexpr (kBytes == 4)
        return Vec128{c.read<uint32_t>(i.seg, ea), 0};
      else
        return Vec128{c.read<uint64_t>(i.seg, ea), 0};
    } else if constexpr (S == Src::kXmmLow) {
      return Vec128{c.xmm[i.rm].lo, 0};
    } else if constexpr (S == Src::kMmx) {
      return Vec128{mmx(c, i.rm), 0};
    } else {
      return Vec128{c.reg32(i.rm), 0};
    }
  }
};

template <typename F>
int32_t round_to_int(SimdEnv& e, F a) {
  return fpu::simd_to_int32(e, a, false);
}
template <typename F>
int32_t truncate_to_int(SimdEnv& e, F a) {
  return fpu::simd_to_int32(e, a, true);
}
template <typename F>
F from_int(SimdEnv& e, int32_t v) {
  return fpu::simd_from_int32<F>(e, v);
}

template <class H>
OpcodeRow row(uint16_t opcode, const char* mnemonic, const char* operands) {
  return {opcode, -1, mnemonic, operands, pick_m<H>, (opcode >> 8) == 1 ? attr::kNoSimdPrefix : 0u};
}

using fpu::simd_double_to_single;
using fpu::simd_single_to_double;
using u32 = uint32_t;
using u64 = uint64_t;
using i32 = int32_t;

}  // namespace

std::vector<OpcodeRow> sse_convert_rows() {
  return {
      row<Convert<i32, u32, 2, Src::kMmx, Dst::kXmmKeep, from_int<u32>>>(kMap0F | 0x2A, "cvtpi2ps",
                                                                         "Vps,Qq"),
      row<Convert<i32, u64, 2, Src::kMmx, Dst::kXmmClear, from_int<u64>>>(kMap0F66 | 0x2A,
                                                                          "cvtpi2pd", "Vpd,Qq"),
      row<Convert<i32, u32, 1, Src::kGpr, Dst::kXmmKeep, from_int<u32>>>(kMap0FF3 | 0x2A,
                                                                         "cvtsi2ss", "Vss,Ed"),
      row<Convert<i32, u64, 1, Src::kGpr, Dst::kXmmKeep, from_int<u64>>>(kMap0FF2 | 0x2A,
                                                                         "cvtsi2sd", "Vsd,Ed"),
      row<Convert<u32, i32, 2, Src::kXmmLow, Dst::kMmx, truncate_to_int<u32>>>(
          kMap0F | 0x2C, "cvttps2pi", "Pq,Wq"),
      row<Convert<u64, i32, 2, Src::kXmm, Dst::kMmx, truncate_to_int<u64>>>(kMap0F66 | 0x2C,
                                                                            "cvttpd2pi", "Pq,Wpd"),
      row<Convert<u32, i32, 1, Src::kXmmLow, Dst::kGpr, truncate_to_int<u32>>>(
          kMap0FF3 | 0x2C, "cvttss2si", "Gd,Wss"),
      row<Convert<u64, i32, 1, Src::kXmmLow, Dst::kGpr, truncate_to_int<u64>>>(
          kMap0FF2 | 0x2C, "cvttsd2si", "Gd,Wsd"),
      row<Convert<u32, i32, 2, Src::kXmmLow, Dst::kMmx, round_to_int<u32>>>(kMap0F | 0x2D,
                                                                            "cvtps2pi", "Pq,Wq"),
      row<Convert<u64, i32, 2, Src::kXmm, Dst::kMmx, round_to_int<u64>>>(kMap0F66 | 0x2D,
                                                                         "cvtpd2pi", "Pq,Wpd"),
      row<Convert<u32, i32, 1, Src::kXmmLow, Dst::kGpr, round_to_int<u32>>>(kMap0FF3 | 0x2D,
                                                                            "cvtss2si", "Gd,Wss"),
      row<Convert<u64, i32, 1, Src::kXmmLow, Dst::kGpr, round_to_int<u64>>>(kMap0FF2 | 0x2D,
                                                                            "cvtsd2si", "Gd,Wsd"),
      row<Convert<u32, u64, 2, Src::kXmmLow, Dst::kXmmClear, simd_single_to_double>>(
          kMap0F | 0x5A, "cvtps2pd", "Vpd,Wq"),
      row<Convert<u64, u32, 2, Src::kXmm, Dst::kXmmClear, simd_double_to_single>>(
          kMap0F66 | 0x5A, "cvtpd2ps", "Vps,Wpd"),
      row<Convert<u32, u64, 1, Src::kXmmLow, Dst::kXmmKeep, simd_single_to_double>>(
          kMap0FF3 | 0x5A, "cvtss2sd", "Vsd,Wss"),
      row<Convert<u64, u32, 1, Src::kXmmLow, Dst::kXmmKeep, simd_double_to_single>>(
          kMap0FF2 | 0x5A, "cvtsd2ss", "Vss,Wsd"),
      row<Convert<i32, u32, 4, Src::kXmm, Dst::kXmmClear, from_int<u32>>>(kMap0F | 0x5B, "cvtdq2ps",
                                                                          "Vps,Wdq"),
      row<Convert<u32, i32, 4, Src::kXmm, Dst::kXmmClear, round_to_int<u32>>>(
          kMap0F66 | 0x5B, "cvtps2dq", "Vdq,Wps"),
      row<Convert<u32, i32, 4, Src::kXmm, Dst::kXmmClear, truncate_to_int<u32>>>(
          kMap0FF3 | 0x5B, "cvttps2dq", "Vdq,Wps"),
      row<Convert<i32, u64, 2, Src::kXmmLow, Dst::kXmmClear, from_int<u64>>>(kMap0FF3 | 0xE6,
                                                                             "cvtdq2pd", "Vpd,Wq"),
      row<Convert<u64, i32, 2, Src::kXmm, Dst::kXmmClear, round_to_int<u64>>>(
          kMap0FF2 | 0xE6, "cvtpd2dq", "Vdq,Wpd"),
      row<Convert<u64, i32, 2, Src::kXmm, Dst::kXmmClear, truncate_to_int<u64>>>(
          kMap0F66 | 0xE6, "cvttpd2dq", "Vdq,Wpd"),
  };
}

}  // namespace trapeze
