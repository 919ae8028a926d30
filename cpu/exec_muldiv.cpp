// MUL, IMUL (one, two and three operands), DIV, IDIV.
//
// After MUL/IMUL only CF and OF are defined; SF/ZF/PF follow the low half of the result
// and AF is cleared, which is what P6 hardware does.
#include <limits>

#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

// Double-width arithmetic for every operand size, 64-bit included, without relying on a
// 128-bit host type.
struct Wide {
  uint64_t lo = 0, hi = 0;
};
Wide mul_u64(uint64_t a, uint64_t b) {
  const uint64_t a0 = a & 0xFFFFFFFF, a1 = a >> 32, b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  return {(mid << 32) | (p00 & 0xFFFFFFFF), p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)};
}
// Unsigned (hi:lo) / d; returns false when the quotient does not fit in 64 bits.
bool div_u128(Wide n, uint64_t d, uint64_t& q, uint64_t& r) {
  if (n.hi >= d) return false;
  uint64_t rem = n.hi, quo = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const bool carry = rem >> 63;
    rem = (rem << 1) | ((n.lo >> bit) & 1);
    if (carry || rem >= d) {
      rem -= d;
      quo |= uint64_t{1} << bit;
    }
  }
  q = quo;
  r = rem;
  return true;
}

template <typename T>
using Signed = std::make_signed_t<T>;
template <typename T>
using Double = std::conditional_t<sizeof(T) == 1, uint16_t,
                                  std::conditional_t<sizeof(T) == 2, uint32_t, uint64_t>>;

// Where the high half of a widening MUL/IMUL goes: AH for bytes, else DX/EDX/RDX.
template <typename T>
void store_product(Cpu& c, T lo, T hi) {
  if constexpr (sizeof(T) == 1) {
    c.set_reg<uint16_t>(kAcc, static_cast<uint16_t>((uint16_t{hi} << 8) | lo));
  } else {
    c.set_reg<T>(kAcc, lo);
    c.set_reg<T>(kRdx, hi);
  }
}

struct Mul {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T b = read_e<T, M>(c, i);
    const T a = c.reg<T>(kAcc);
    T lo, hi;
    if constexpr (sizeof(T) == 8) {
      const Wide p = mul_u64(a, b);
      lo = p.lo;
      hi = p.hi;
    } else {
      const Double<T> p = static_cast<Double<T>>(Double<T>{a} * b);
      lo = static_cast<T>(p);
      hi = static_cast<T>(p >> kBits<T>);
    }
    store_product(c, lo, hi);
    c.flags.set_result(lo, hi != 0, hi != 0, false);
  }
};

// Signed full product of two T values, as (lo, hi).
template <typename T>
std::pair<T, T> signed_product(T a, T b) {
  if constexpr (sizeof(T) == 8) {
    Wide p = mul_u64(a, b);
    if (static_cast<int64_t>(a) < 0) p.hi -= b;
    if (static_cast<int64_t>(b) < 0) p.hi -= a;
    return {p.lo, p.hi};
  } else {
    const int64_t p = int64_t{static_cast<Signed<T>>(a)} * int64_t{static_cast<Signed<T>>(b)};
    return {static_cast<T>(p), static_cast<T>(static_cast<uint64_t>(p) >> kBits<T>)};
  }
}
// True when (lo, hi) is just the sign extension of lo: the product fits in T.
template <typename T>
bool fits(T lo, T hi) {
  return hi == ((lo & kSignBit<T>) ? static_cast<T>(~T{0}) : T{0});
}

struct Imul1 {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const auto [lo, hi] = signed_product<T>(c.reg<T>(kAcc), read_e<T, M>(c, i));
    store_product(c, lo, hi);
    const bool overflow = !fits(lo, hi);
    c.flags.set_result(lo, overflow, overflow, false);
  }
};
// IMUL G, E (0F AF) and IMUL G, E, imm (69, 6B).
template <bool WithImm>
struct ImulG {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T a = read_e<T, M>(c, i);
    const T b = WithImm ? imm<T>(i) : read_g<T>(c, i);
    const auto [lo, hi] = signed_product<T>(a, b);
    write_g<T>(c, i, lo);
    const bool overflow = !fits(lo, hi);
    c.flags.set_result(lo, overflow, overflow, false);
  }
};

struct Div {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T d = read_e<T, M>(c, i);
    if (d == 0) c.raise(vec::kDivide);
    T hi_in, lo_in;
    if constexpr (sizeof(T) == 1) {
      hi_in = c.reg<uint8_t>(4);  // AH
      lo_in = c.reg<uint8_t>(kRax);
    } else {
      hi_in = c.reg<T>(kRdx);
      lo_in = c.reg<T>(kAcc);
    }
    uint64_t q, r;
    if constexpr (sizeof(T) == 8) {
      if (!div_u128({lo_in, hi_in}, d, q, r)) c.raise(vec::kDivide);
    } else {
      const uint64_t n = (uint64_t{hi_in} << kBits<T>) | lo_in;
      q = n / d;
      r = n % d;
      if (q > static_cast<T>(~T{0})) c.raise(vec::kDivide);
    }
    store_product(c, static_cast<T>(q), static_cast<T>(r));
  }
};

struct Idiv {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T d = read_e<T, M>(c, i);
    if (d == 0) c.raise(vec::kDivide);
    T hi_in, lo_in;
    if constexpr (sizeof(T) == 1) {
      hi_in = c.reg<uint8_t>(4);
      lo_in = c.reg<uint8_t>(kRax);
    } else {
      hi_in = c.reg<T>(kRdx);
      lo_in = c.reg<T>(kAcc);
    }
    T q, r;
    if constexpr (sizeof(T) == 8) {
      // Divide magnitudes, then fix the signs.
      const bool n_negative = static_cast<int64_t>(hi_in) < 0;
      const bool d_negative = static_cast<int64_t>(d) < 0;
      Wide n{lo_in, hi_in};
      if (n_negative) {
        n.lo = ~n.lo + 1;
        n.hi = ~n.hi + (n.lo == 0 ? 1 : 0);
      }
      const uint64_t dm = d_negative ? ~d + 1 : d;
      uint64_t qm, rm;
      if (!div_u128(n, dm, qm, rm)) c.raise(vec::kDivide);
      const bool q_negative = n_negative != d_negative;
      if (qm > (q_negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1)) c.raise(vec::kDivide);
      q = q_negative ? ~qm + 1 : qm;
      r = n_negative ? ~rm + 1 : rm;
    } else {
      const int64_t n = static_cast<int64_t>(
          (static_cast<uint64_t>(static_cast<Signed<T>>(hi_in)) << kBits<T>) | lo_in);
      const int64_t sd = static_cast<Signed<T>>(d);
      // INT64_MIN / -1 would trap on the host; its quotient overflows any T anyway.
      if (sd == -1 && n == std::numeric_limits<int64_t>::min()) c.raise(vec::kDivide);
      const int64_t sq = n / sd;
      if (sq > std::numeric_limits<Signed<T>>::max() || sq < std::numeric_limits<Signed<T>>::min())
        c.raise(vec::kDivide);
      q = static_cast<T>(sq);
      r = static_cast<T>(n % sd);
    }
    store_product(c, q, r);
  }
};

}  // namespace

std::vector<OpcodeRow> muldiv_rows() {
  return {
      {0xF6, 4, "mul", "Eb", pick_b<Mul>},
      {0xF7, 4, "mul", "Ev", pick_v<Mul>},
      {0xF6, 5, "imul", "Eb", pick_b<Imul1>},
      {0xF7, 5, "imul", "Ev", pick_v<Imul1>},
      {0xF6, 6, "div", "Eb", pick_b<Div>},
      {0xF7, 6, "div", "Ev", pick_v<Div>},
      {0xF6, 7, "idiv", "Eb", pick_b<Idiv>},
      {0xF7, 7, "idiv", "Ev", pick_v<Idiv>},
      {kMap0F | 0xAF, -1, "imul", "Gv,Ev", pick_v<ImulG<false>>},
      {0x69, -1, "imul", "Gv,Ev,Iz", pick_v<ImulG<true>>},
      {0x6B, -1, "imul", "Gv,Ev,Ibs", pick_v<ImulG<true>>},
  };
}

}  // namespace trapeze
