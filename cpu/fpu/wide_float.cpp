#include "cpu/fpu/wide_float.h"

#include <bit>
#include <cstddef>

#include "cpu/fpu/rounding.h"
#include "cpu/fpu/u128.h"

namespace trapeze::fpu {

namespace {

// Normalises an n-limb magnitude (value = x * 2^(exp - (32n - 1))) into a Wide, keeping
// the top 192 bits.
template <std::size_t N>
Wide normalize(bool sign, int32_t exp, std::array<uint32_t, N> x) {
  int top = static_cast<int>(N) - 1;
  while (top >= 0 && x[static_cast<std::size_t>(top)] == 0) --top;
  Wide w;
  if (top < 0) return w;
  const unsigned lead = static_cast<unsigned>(std::countl_zero(x[static_cast<std::size_t>(top)]));
  // Bits between the leading one and the top of the array.
  const int32_t shift = static_cast<int32_t>((N - 1 - static_cast<std::size_t>(top)) * 32 + lead);
  w.sign = sign;
  w.exp = exp - shift;
  // Take 192 bits starting at the leading one.
  auto bit_window = [&](int from_bit) -> uint32_t {  // 32 bits whose lowest is from_bit
    uint32_t v = 0;
    const int limb = from_bit >> 5, off = from_bit & 31;
    if (from_bit < 0) {
      const int up = -from_bit;
      return up >= 32 ? 0 : x[0] << up;
    }
    if (limb < static_cast<int>(N)) v = x[static_cast<std::size_t>(limb)] >> off;
    if (off && limb + 1 < static_cast<int>(N)) v |= x[static_cast<std::size_t>(limb + 1)] << (32 - off);
    return v;
  };
  const int lead_bit = top * 32 + 31 - static_cast<int>(lead);
  for (int i = 0; i < Wide::kLimbs; ++i)
    w.m[static_cast<std::size_t>(i)] = bit_window(lead_bit - 191 + 32 * i);
  // Bits below the window are jammed into the lowest bit ("sticky"), so a value that lost
  // anything never looks exact and rounds in the right direction later.
  const int low = lead_bit - 191;  // lowest kept bit
  bool lost = false;
  for (int b = 0; b < low && !lost; b += 32) {
    const int limb = b >> 5;
    uint32_t v = x[static_cast<std::size_t>(limb)];
    if (b + 32 > low) v &= (uint32_t{1} << (low - b)) - 1;
    lost = v != 0;
  }
  if (lost) w.m[0] |= 1;
  return w;
}

}  // namespace

Wide Wide::from(const Unpacked& u) {
  Wide w;
  w.sign = u.sign;
  w.exp = u.exp;
  w.m[5] = static_cast<uint32_t>(u.signif >> 32);
  w.m[4] = static_cast<uint32_t>(u.signif);
  return w;
}

Wide Wide::from_uint(uint64_t v) {
  return normalize<2>(false, 63, {static_cast<uint32_t>(v), static_cast<uint32_t>(v >> 32)});
}

Wide Wide::from_u128(bool sign, int32_t exp, uint64_t hi, uint64_t lo) {
  return normalize<4>(sign, exp,
                      {static_cast<uint32_t>(lo), static_cast<uint32_t>(lo >> 32),
                       static_cast<uint32_t>(hi), static_cast<uint32_t>(hi >> 32)});
}

Wide Wide::times(uint32_t k) const {
  std::array<uint32_t, kLimbs + 1> r{};
  uint64_t carry = 0;
  for (int i = 0; i < kLimbs; ++i) {
    const uint64_t p = uint64_t{m[static_cast<std::size_t>(i)]} * k + carry;
    r[static_cast<std::size_t>(i)] = static_cast<uint32_t>(p);
    carry = p >> 32;
  }
  r[kLimbs] = static_cast<uint32_t>(carry);
  return normalize(sign, exp + 32, r);
}

Wide Wide::over(uint32_t k) const {
  std::array<uint32_t, kLimbs + 1> q{};
  uint64_t rem = 0;
  for (int i = kLimbs - 1; i >= 0; --i) {
    const uint64_t cur = (rem << 32) | m[static_cast<std::size_t>(i)];
    q[static_cast<std::size_t>(i + 1)] = static_cast<uint32_t>(cur / k);
    rem = cur % k;
  }
  q[0] = static_cast<uint32_t>((rem << 32) / k);
  if ((rem << 32) % k) q[0] |= 1;  // sticky
  return normalize(sign, exp, q);
}

int compare_magnitude(const Wide& a, const Wide& b) {
  if (a.zero() || b.zero()) return a.zero() == b.zero() ? 0 : a.zero() ? -1 : 1;
  if (a.exp != b.exp) return a.exp > b.exp ? 1 : -1;
  for (int i = Wide::kLimbs - 1; i >= 0; --i) {
    const uint32_t x = a.m[static_cast<std::size_t>(i)], y = b.m[static_cast<std::size_t>(i)];
    if (x != y) return x > y ? 1 : -1;
  }
  return 0;
}

Wide operator+(const Wide& a_in, const Wide& b_in) {
  if (a_in.zero()) return b_in;
  if (b_in.zero()) return a_in;
  const bool swap = compare_magnitude(a_in, b_in) < 0;
  const Wide& a = swap ? b_in : a_in;
  const Wide& b = swap ? a_in : b_in;
  // Seven limbs: one guard limb below the significands.
  constexpr std::size_t N = Wide::kLimbs + 1;
  std::array<uint32_t, N> x{}, y{};
  for (std::size_t i = 0; i < Wide::kLimbs; ++i) x[i + 1] = a.m[i], y[i + 1] = b.m[i];
  const int64_t d = int64_t{a.exp} - b.exp;
  // b aligned to a, its shifted-out bits jammed into the lowest bit (all of b, when it
  // lies entirely below a's guard limb).
  std::array<uint32_t, N> ys{};
  if (d >= static_cast<int64_t>(32 * N)) {
    ys[0] = 1;
  } else {
    const unsigned limbs = static_cast<unsigned>(d / 32), bits = static_cast<unsigned>(d % 32);
    for (std::size_t i = 0; i + limbs < N; ++i) {
      uint32_t v = y[i + limbs] >> bits;
      if (bits && i + limbs + 1 < N) v |= y[i + limbs + 1] << (32 - bits);
      ys[i] = v;
    }
    bool lost = false;
    for (std::size_t i = 0; i < limbs && i < N; ++i) lost |= y[i] != 0;
    if (bits && limbs < N) lost |= (y[limbs] & ((uint32_t{1} << bits) - 1)) != 0;
    if (lost) ys[0] |= 1;
  }
  std::array<uint32_t, N + 1> r{};
  if (a.sign == b.sign) {
    uint64_t carry = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const uint64_t s = uint64_t{x[i]} + ys[i] + carry;
      r[i] = static_cast<uint32_t>(s);
      carry = s >> 32;
    }
    r[N] = static_cast<uint32_t>(carry);
  } else {
    int64_t borrow = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const int64_t s = int64_t{x[i]} - ys[i] - borrow;
      r[i] = static_cast<uint32_t>(s);
      borrow = s < 0 ? 1 : 0;
    }
  }
  return normalize(a.sign, a.exp + 32, r);
}

Wide operator*(const Wide& a, const Wide& b) {
  if (a.zero() || b.zero()) return Wide{};
  std::array<uint32_t, 2 * Wide::kLimbs> p{};
  for (std::size_t i = 0; i < Wide::kLimbs; ++i) {
    uint64_t carry = 0;
    for (std::size_t j = 0; j < Wide::kLimbs; ++j) {
      const uint64_t t = uint64_t{a.m[i]} * b.m[j] + p[i + j] + carry;
      p[i + j] = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    p[i + Wide::kLimbs] = static_cast<uint32_t>(carry);
  }
  return normalize(a.sign != b.sign, a.exp + b.exp + 1, p);
}

Wide operator/(const Wide& a, const Wide& b) {
  if (a.zero()) return Wide{};
  // 1/b by Newton's iteration y' = y(2 - by) from a 64-bit estimate; each step doubles
  // the correct bits (64, 128, 256).
  const uint64_t top = (uint64_t{b.m[5]} << 32) | b.m[4];
  uint64_t rem = 0;
  const uint64_t q = div128(U128{0x7FFFFFFFFFFFFFFF, ~uint64_t{0}}, top, &rem);
  Wide mag_b = b;
  mag_b.sign = false;
  Wide y = Wide::from_uint(q).scaled(-64 - b.exp);
  const Wide two = Wide::from_uint(2);
  for (int step = 0; step < 3; ++step) y = y * (two - mag_b * y);
  y.sign = b.sign;
  return a * y;
}

Float80 Wide::round(Env& env) const {
  if (zero()) return zero_f80(sign);
  const uint64_t hi = (uint64_t{m[5]} << 32) | m[4];
  uint64_t lo = (uint64_t{m[3]} << 32) | m[2];
  if (m[1] | m[0]) lo |= 1;
  return round_to_extended(env, sign, exp, hi, lo);
}

}  // namespace trapeze::fpu
