// Unsigned 128-bit integers for the soft-float core: products of two significands, the
// guard bits below a significand, dividends and radicands. Portable C++ with a fast path
// through the compiler's 128-bit integer where there is one (GCC and Clang on 64-bit
// hosts); both give the same bits, which the unit tests check (and building with
// -DTRAPEZE_PORTABLE_ARITHMETIC forces the portable path everywhere).
#pragma once

#include <bit>
#include <cstdint>

namespace trapeze::fpu {

#if defined(__SIZEOF_INT128__) && !defined(TRAPEZE_PORTABLE_ARITHMETIC)
__extension__ typedef unsigned __int128 HostU128;
#define TRAPEZE_HOST_U128 1
#endif

struct U128 {
  uint64_t hi = 0, lo = 0;

  friend bool operator==(const U128&, const U128&) = default;
  bool zero() const { return (hi | lo) == 0; }
};

inline bool less(U128 a, U128 b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }

inline U128 add(U128 a, U128 b) {
  const uint64_t lo = a.lo + b.lo;
  return {a.hi + b.hi + (lo < a.lo), lo};
}

inline U128 sub(U128 a, U128 b) { return {a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo}; }

inline U128 shl(U128 a, unsigned n) {
  if (n == 0) return a;
  if (n >= 128) return {};
  if (n >= 64) return {a.lo << (n - 64), 0};
  return {(a.hi << n) | (a.lo >> (64 - n)), a.lo << n};
}

inline U128 shr(U128 a, unsigned n) {
  if (n == 0) return a;
  if (n >= 128) return {};
  if (n >= 64) return {0, a.hi >> (n - 64)};
  return {a.hi >> n, (a.lo >> n) | (a.hi << (64 - n))};
}

// Shift right, OR-ing every bit shifted out into the lowest bit ("jamming"), so rounding
// still sees that the value was inexact.
inline U128 shr_jam(U128 a, unsigned n) {
  if (n == 0) return a;
  if (n >= 128) return {0, a.zero() ? 0u : 1u};
  const U128 kept = shr(a, n);
  const bool lost = !(shl(kept, n) == a);
  return {kept.hi, kept.lo | (lost ? 1u : 0u)};
}

inline unsigned clz128(U128 a) {
  return a.hi ? static_cast<unsigned>(std::countl_zero(a.hi))
              : 64 + static_cast<unsigned>(std::countl_zero(a.lo));
}

// The portable forms, always compiled (the unit tests hold the fast ones to them).
inline U128 mul64_portable(uint64_t a, uint64_t b) {
  const uint64_t a0 = a & 0xFFFFFFFF, a1 = a >> 32, b0 = b & 0xFFFFFFFF, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFF) + (p10 & 0xFFFFFFFF);
  return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xFFFFFFFF)};
}
inline uint64_t div128_portable(U128 n, uint64_t d, uint64_t* rem) {
  uint64_t r = n.hi, q = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const bool carry = r >> 63;
    r = (r << 1) | ((n.lo >> bit) & 1);
    if (carry || r >= d) {
      r -= d;
      q |= uint64_t{1} << bit;
    }
  }
  *rem = r;
  return q;
}

inline U128 mul64(uint64_t a, uint64_t b) {
#ifdef TRAPEZE_HOST_U128
  const HostU128 p = static_cast<HostU128>(a) * b;
  return {static_cast<uint64_t>(p >> 64), static_cast<uint64_t>(p)};
#else
  return mul64_portable(a, b);
#endif
}

// (n.hi:n.lo) / d for n.hi < d, so the quotient fits in 64 bits. Returns the quotient;
// *rem gets the remainder.
inline uint64_t div128(U128 n, uint64_t d, uint64_t* rem) {
#ifdef TRAPEZE_HOST_U128
  const HostU128 x = (static_cast<HostU128>(n.hi) << 64) | n.lo;
  *rem = static_cast<uint64_t>(x % d);
  return static_cast<uint64_t>(x / d);
#else
  return div128_portable(n, d, rem);
#endif
}

}  // namespace trapeze::fpu
