// MMX and SSE2 integer arithmetic on packed bytes, words, doublewords and quadwords:
// PADD/PSUB (wrapping and saturating), PMUL*, PMADDWD, PSADBW, PAVG, PMIN/PMAX, PCMPEQ/
// PCMPGT, the logic operations, shifts (by register, memory or immediate; PSLLDQ/PSRLDQ
// by bytes), PACKSS/PACKUS and PUNPCK. Each operation is written once over a width: 8
// bytes (MMX registers, 0F xx) or 16 (XMM registers, 66 0F xx).
#include <algorithm>
#include <limits>

#include "cpu/exec_simd.h"

namespace trapeze {
namespace {

using namespace simd;

// ---- Element operations. ----

template <typename T>
T add_wrap(T a, T b) {
  return static_cast<T>(a + b);
}
template <typename T>
T sub_wrap(T a, T b) {
  return static_cast<T>(a - b);
}
template <typename T>
T saturate(int64_t v) {
  return static_cast<T>(
      std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}
template <typename T>
T add_sat(T a, T b) {
  return saturate<T>(int64_t{a} + int64_t{b});
}
template <typename T>
T sub_sat(T a, T b) {
  return saturate<T>(int64_t{a} - int64_t{b});
}
template <typename T>
T cmp_eq(T a, T b) {
  return a == b ? static_cast<T>(~T{0}) : T{0};
}
template <typename T>
T cmp_gt(T a, T b) {  // T signed
  return a > b ? static_cast<T>(-1) : T{0};
}
template <typename T>
T min_of(T a, T b) {
  return a < b ? a : b;
}
template <typename T>
T max_of(T a, T b) {
  return a > b ? a : b;
}
template <typename T>
T average(T a, T b) {
  return static_cast<T>((uint32_t{a} + uint32_t{b} + 1) >> 1);
}
uint16_t mul_low(uint16_t a, uint16_t b) { return static_cast<uint16_t>(uint32_t{a} * b); }
int16_t mul_high_signed(int16_t a, int16_t b) {
  return static_cast<int16_t>((int32_t{a} * b) >> 16);
}
uint16_t mul_high_unsigned(uint16_t a, uint16_t b) {
  return static_cast<uint16_t>((uint32_t{a} * b) >> 16);
}
uint64_t bit_and(uint64_t a, uint64_t b) { return a & b; }
uint64_t bit_andn(uint64_t a, uint64_t b) { return ~a & b; }
uint64_t bit_or(uint64_t a, uint64_t b) { return a | b; }
uint64_t bit_xor(uint64_t a, uint64_t b) { return a ^ b; }

// ---- Whole-operand operations: result = Op(destination, source, width). ----

using VecOp = Vec128 (*)(Vec128 a, Vec128 b, unsigned width);

template <typename T, T (*F)(T, T)>
Vec128 lanewise(Vec128 a, Vec128 b, unsigned width) {
  Vec128 r;
  for (unsigned n = 0; n < width / sizeof(T); ++n) r.set<T>(n, F(a.get<T>(n), b.get<T>(n)));
  return r;
}

Vec128 pmaddwd(Vec128 a, Vec128 b, unsigned width) {
  Vec128 r;
  for (unsigned n = 0; n < width / 4; ++n) {
    const int32_t lo = int32_t{a.get<int16_t>(2 * n)} * b.get<int16_t>(2 * n);
    const int32_t hi = int32_t{a.get<int16_t>(2 * n + 1)} * b.get<int16_t>(2 * n + 1);
    r.set<uint32_t>(n, static_cast<uint32_t>(lo) + static_cast<uint32_t>(hi));  // 8000h^2 * 2 wraps
  }
  return r;
}

Vec128 psadbw(Vec128 a, Vec128 b, unsigned width) {
  Vec128 r;
  for (unsigned q = 0; q < width / 8; ++q) {
    unsigned sum = 0;
    for (unsigned n = 8 * q; n < 8 * q + 8; ++n) {
      const int d = int{a.get<uint8_t>(n)} - int{b.get<uint8_t>(n)};
      sum += static_cast<unsigned>(d < 0 ? -d : d);
    }
    r.set<uint64_t>(q, sum);
  }
  return r;
}

Vec128 pmuludq(Vec128 a, Vec128 b, unsigned width) {
  Vec128 r;
  for (unsigned q = 0; q < width / 8; ++q)
    r.set<uint64_t>(q, uint64_t{a.get<uint32_t>(2 * q)} * b.get<uint32_t>(2 * q));
  return r;
}

// PACKSS/PACKUS: the destination's elements narrowed with saturation, then the source's.
template <typename From, typename To>
Vec128 pack(Vec128 a, Vec128 b, unsigned width) {
  Vec128 r;
  const unsigned half = width / sizeof(From);
  for (unsigned n = 0; n < half; ++n) {
    r.set<To>(n, saturate<To>(a.get<From>(n)));
    r.set<To>(half + n, saturate<To>(b.get<From>(n)));
  }
  return r;
}

// PUNPCKL/PUNPCKH: elements of the low (or high) halves, interleaved, destination first.
template <typename T, bool High>
Vec128 unpack(Vec128 a, Vec128 b, unsigned width) {
  Vec128 r;
  const unsigned half = width / sizeof(T) / 2;
  for (unsigned n = 0; n < half; ++n) {
    r.set<T>(2 * n, a.get<T>((High ? half : 0) + n));
    r.set<T>(2 * n + 1, b.get<T>((High ? half : 0) + n));
  }
  return r;
}

// Shifts of every element by one count (the low 64 bits of the source operand, or an
// immediate). Counts beyond the element give zero, or copies of the sign bit.
enum class Shift { kLeft, kRightLogical, kRightArithmetic };
template <typename T, Shift K>
Vec128 shift_by(Vec128 a, uint64_t count, unsigned width) {
  constexpr unsigned kBits = sizeof(T) * 8;
  Vec128 r;
  for (unsigned n = 0; n < width / sizeof(T); ++n) {
    const T v = a.get<T>(n);
    T x = 0;
    if constexpr (K == Shift::kLeft) {
      x = count >= kBits ? T{0} : static_cast<T>(v << count);
    } else if constexpr (K == Shift::kRightLogical) {
      x = count >= kBits ? T{0} : static_cast<T>(v >> count);
    } else {
      using S = std::make_signed_t<T>;
      x = static_cast<T>(static_cast<S>(v) >> (count >= kBits ? kBits - 1 : count));
    }
    r.set<T>(n, x);
  }
  return r;
}
template <typename T, Shift K>
Vec128 shift_by_operand(Vec128 a, Vec128 b, unsigned width) {
  return shift_by<T, K>(a, b.lo, width);
}

// ---- Handlers. ----

// dst = Op(dst, src). MMX's PUNPCKL* read only 32 bits of a memory source.
template <unsigned W, VecOp Op, bool LowHalfMemory = false>
struct Binary {
  template <bool Mem>
  static void run(Cpu& c, const Insn& i) {
    if (!ready<W>(c)) return;
    Vec128 b;
    if constexpr (Mem && LowHalfMemory && W == kMmx)
      b.lo = c.read<uint32_t>(i.seg, c.effective_address(i));
    else
      b = read_rm<W, Mem>(c, i);
    set_reg<W>(c, i.reg, Op(get_reg<W>(c, i.reg), b, W));
  }
};

// Shift groups 0F 71-73: the register operand in ModRM.rm, the count an immediate.
template <unsigned W, typename T, Shift K>
void shift_imm(Cpu& c, const Insn& i) {
  if (!ready<W>(c)) return;
  set_reg<W>(c, i.rm, shift_by<T, K>(get_reg<W>(c, i.rm), i.imm & 0xFF, W));
}

// PSLLDQ/PSRLDQ: the whole register by bytes.
template <bool Left>
void shift_bytes(Cpu& c, const Insn& i) {
  sse_ready(c);
  const Vec128 a = c.xmm[i.rm];
  const unsigned count = static_cast<unsigned>(i.imm & 0xFF);
  Vec128 r;
  for (unsigned n = 0; n < 16; ++n) {
    const unsigned from = Left ? n - count : n + count;  // wraps above 15 when out of range
    r.set<uint8_t>(n, count < 16 && from < 16 ? a.get<uint8_t>(from) : uint8_t{0});
  }
  c.xmm[i.rm] = r;
}

struct Rows {
  std::vector<OpcodeRow> rows;
  // The MMX form (0F op) and the SSE2 form (66 0F op) of one operation.
  template <VecOp Op, bool LowHalfMemory = false>
  void both(uint8_t op, const char* mnemonic) {
    rows.push_back({static_cast<uint16_t>(kMap0F | op), -1, mnemonic,
                    LowHalfMemory ? "Pq,Qd" : "Pq,Qq", pick_m<Binary<kMmx, Op, LowHalfMemory>>,
                    attr::kNoSimdPrefix});
    xmm<Op>(op, mnemonic);
  }
  template <VecOp Op>
  void xmm(uint8_t op, const char* mnemonic) {
    rows.push_back(
        {static_cast<uint16_t>(kMap0F66 | op), -1, mnemonic, "Vdq,Wdq", pick_m<Binary<kXmm, Op>>});
  }
  // The PS form (0F op) and the PD form (66 0F op) of an XMM operation.
  template <VecOp Op>
  void sse(uint8_t op, const char* ps, const char* pd) {
    rows.push_back({static_cast<uint16_t>(kMap0F | op), -1, ps, "Vps,Wps", pick_m<Binary<kXmm, Op>>,
                    attr::kNoSimdPrefix});
    rows.push_back(
        {static_cast<uint16_t>(kMap0F66 | op), -1, pd, "Vpd,Wpd", pick_m<Binary<kXmm, Op>>});
  }
  template <typename T, Shift K>
  void shift_group(uint8_t op, int8_t reg, const char* mnemonic) {
    rows.push_back({static_cast<uint16_t>(kMap0F | op), reg, mnemonic, "Nq,Ib",
                    pick<shift_imm<kMmx, T, K>>, attr::kNoSimdPrefix});
    rows.push_back({static_cast<uint16_t>(kMap0F66 | op), reg, mnemonic, "Udq,Ib",
                    pick<shift_imm<kXmm, T, K>>});
  }
};

}  // namespace

std::vector<OpcodeRow> simd_int_rows() {
  Rows r;
  r.both<unpack<uint8_t, false>, true>(0x60, "punpcklbw");
  r.both<unpack<uint16_t, false>, true>(0x61, "punpcklwd");
  r.both<unpack<uint32_t, false>, true>(0x62, "punpckldq");
  r.both<pack<int16_t, int8_t>>(0x63, "packsswb");
  r.both<lanewise<int8_t, cmp_gt<int8_t>>>(0x64, "pcmpgtb");
  r.both<lanewise<int16_t, cmp_gt<int16_t>>>(0x65, "pcmpgtw");
  r.both<lanewise<int32_t, cmp_gt<int32_t>>>(0x66, "pcmpgtd");
  r.both<pack<int16_t, uint8_t>>(0x67, "packuswb");
  r.both<unpack<uint8_t, true>>(0x68, "punpckhbw");
  r.both<unpack<uint16_t, true>>(0x69, "punpckhwd");
  r.both<unpack<uint32_t, true>>(0x6A, "punpckhdq");
  r.both<pack<int32_t, int16_t>>(0x6B, "packssdw");
  r.xmm<unpack<uint64_t, false>>(0x6C, "punpcklqdq");
  r.xmm<unpack<uint64_t, true>>(0x6D, "punpckhqdq");
  r.both<lanewise<uint8_t, cmp_eq<uint8_t>>>(0x74, "pcmpeqb");
  r.both<lanewise<uint16_t, cmp_eq<uint16_t>>>(0x75, "pcmpeqw");
  r.both<lanewise<uint32_t, cmp_eq<uint32_t>>>(0x76, "pcmpeqd");
  r.both<shift_by_operand<uint16_t, Shift::kRightLogical>>(0xD1, "psrlw");
  r.both<shift_by_operand<uint32_t, Shift::kRightLogical>>(0xD2, "psrld");
  r.both<shift_by_operand<uint64_t, Shift::kRightLogical>>(0xD3, "psrlq");
  r.both<lanewise<uint64_t, add_wrap<uint64_t>>>(0xD4, "paddq");
  r.both<lanewise<uint16_t, mul_low>>(0xD5, "pmullw");
  r.both<lanewise<uint8_t, sub_sat<uint8_t>>>(0xD8, "psubusb");
  r.both<lanewise<uint16_t, sub_sat<uint16_t>>>(0xD9, "psubusw");
  r.both<lanewise<uint8_t, min_of<uint8_t>>>(0xDA, "pminub");
  r.both<lanewise<uint64_t, bit_and>>(0xDB, "pand");
  r.both<lanewise<uint8_t, add_sat<uint8_t>>>(0xDC, "paddusb");
  r.both<lanewise<uint16_t, add_sat<uint16_t>>>(0xDD, "paddusw");
  r.both<lanewise<uint8_t, max_of<uint8_t>>>(0xDE, "pmaxub");
  r.both<lanewise<uint64_t, bit_andn>>(0xDF, "pandn");
  r.both<lanewise<uint8_t, average<uint8_t>>>(0xE0, "pavgb");
  r.both<shift_by_operand<uint16_t, Shift::kRightArithmetic>>(0xE1, "psraw");
  r.both<shift_by_operand<uint32_t, Shift::kRightArithmetic>>(0xE2, "psrad");
  r.both<lanewise<uint16_t, average<uint16_t>>>(0xE3, "pavgw");
  r.both<lanewise<uint16_t, mul_high_unsigned>>(0xE4, "pmulhuw");
  r.both<lanewise<int16_t, mul_high_signed>>(0xE5, "pmulhw");
  r.both<lanewise<int8_t, sub_sat<int8_t>>>(0xE8, "psubsb");
  r.both<lanewise<int16_t, sub_sat<int16_t>>>(0xE9, "psubsw");
  r.both<lanewise<int16_t, min_of<int16_t>>>(0xEA, "pminsw");
  r.both<lanewise<uint64_t, bit_or>>(0xEB, "por");
  r.both<lanewise<int8_t, add_sat<int8_t>>>(0xEC, "paddsb");
  r.both<lanewise<int16_t, add_sat<int16_t>>>(0xED, "paddsw");
  r.both<lanewise<int16_t, max_of<int16_t>>>(0xEE, "pmaxsw");
  r.both<lanewise<uint64_t, bit_xor>>(0xEF, "pxor");
  r.both<shift_by_operand<uint16_t, Shift::kLeft>>(0xF1, "psllw");
  r.both<shift_by_operand<uint32_t, Shift::kLeft>>(0xF2, "pslld");
  r.both<shift_by_operand<uint64_t, Shift::kLeft>>(0xF3, "psllq");
  r.both<pmuludq>(0xF4, "pmuludq");
  r.both<pmaddwd>(0xF5, "pmaddwd");
  r.both<psadbw>(0xF6, "psadbw");
  r.both<lanewise<uint8_t, sub_wrap<uint8_t>>>(0xF8, "psubb");
  r.both<lanewise<uint16_t, sub_wrap<uint16_t>>>(0xF9, "psubw");
  r.both<lanewise<uint32_t, sub_wrap<uint32_t>>>(0xFA, "psubd");
  r.both<lanewise<uint64_t, sub_wrap<uint64_t>>>(0xFB, "psubq");
  r.both<lanewise<uint8_t, add_wrap<uint8_t>>>(0xFC, "paddb");
  r.both<lanewise<uint16_t, add_wrap<uint16_t>>>(0xFD, "paddw");
  r.both<lanewise<uint32_t, add_wrap<uint32_t>>>(0xFE, "paddd");
  r.shift_group<uint16_t, Shift::kRightLogical>(0x71, 2, "psrlw");
  r.shift_group<uint16_t, Shift::kRightArithmetic>(0x71, 4, "psraw");
  r.shift_group<uint16_t, Shift::kLeft>(0x71, 6, "psllw");
  r.shift_group<uint32_t, Shift::kRightLogical>(0x72, 2, "psrld");
  r.shift_group<uint32_t, Shift::kRightArithmetic>(0x72, 4, "psrad");
  r.shift_group<uint32_t, Shift::kLeft>(0x72, 6, "pslld");
  r.shift_group<uint64_t, Shift::kRightLogical>(0x73, 2, "psrlq");
  r.shift_group<uint64_t, Shift::kLeft>(0x73, 6, "psllq");
  // The packed-float logic and unpacks are bit moves: the same operations on XMM.
  r.sse<lanewise<uint64_t, bit_and>>(0x54, "andps", "andpd");
  r.sse<lanewise<uint64_t, bit_andn>>(0x55, "andnps", "andnpd");
  r.sse<lanewise<uint64_t, bit_or>>(0x56, "orps", "orpd");
  r.sse<lanewise<uint64_t, bit_xor>>(0x57, "xorps", "xorpd");
  r.rows.push_back({kMap0F | 0x14, -1, "unpcklps", "Vps,Wps",
                    pick_m<Binary<kXmm, unpack<uint32_t, false>>>, attr::kNoSimdPrefix});
  r.rows.push_back({kMap0F | 0x15, -1, "unpckhps", "Vps,Wps",
                    pick_m<Binary<kXmm, unpack<uint32_t, true>>>, attr::kNoSimdPrefix});
  r.xmm<unpack<uint64_t, false>>(0x14, "unpcklpd");
  r.xmm<unpack<uint64_t, true>>(0x15, "unpckhpd");
  r.rows.push_back({kMap0F66 | 0x73, 3, "psrldq", "Udq,Ib", pick<shift_bytes<false>>});
  r.rows.push_back({kMap0F66 | 0x73, 7, "pslldq", "Udq,Ib", pick<shift_bytes<true>>});
  return r.rows;
}

}  // namespace trapeze
