// The SSE state: eight 128-bit XMM registers and MXCSR, the SIMD control and status
// register (SDM vol. 1, 10.2). The MMX registers are not here: they are the significands
// of the x87 registers (SDM vol. 1, 9.5), see cpu/exec_simd.h.
#pragma once

#include <cstdint>
#include <type_traits>

namespace trapeze {

// 128 bits as two 64-bit halves, with typed lanes. Lanes are read with shifts, not by
// reinterpreting memory, so the layout is the guest's on every host.
struct Vec128 {
  uint64_t lo = 0, hi = 0;

  template <typename T>
  T get(unsigned n) const {
    constexpr unsigned kPerWord = 8 / sizeof(T);
    const uint64_t word = n < kPerWord ? lo : hi;
    if constexpr (sizeof(T) == 8)
      return static_cast<T>(word);
    else
      return static_cast<T>(word >> (8 * sizeof(T) * (n % kPerWord)));
  }
  template <typename T>
  void set(unsigned n, T v) {
    constexpr unsigned kPerWord = 8 / sizeof(T);
    uint64_t& word = n < kPerWord ? lo : hi;
    if constexpr (sizeof(T) == 8) {
      word = static_cast<uint64_t>(v);
    } else {
      using U = std::make_unsigned_t<T>;
      const unsigned shift = 8 * sizeof(T) * (n % kPerWord);
      const uint64_t mask = uint64_t{static_cast<U>(~U{0})} << shift;
      word = (word & ~mask) | (uint64_t{static_cast<U>(v)} << shift);
    }
  }
  friend bool operator==(const Vec128&, const Vec128&) = default;
};

namespace mxcsr {
inline constexpr uint32_t kFlags = 0x003F;      // IE DE ZE OE UE PE, as fpu::ex
inline constexpr uint32_t DAZ = 1u << 6;        // denormal operands are zero
inline constexpr unsigned kMaskShift = 7;       // IM DM ZM OM UM PM: bits 7-12
inline constexpr unsigned kRoundingShift = 13;  // RC: bits 13-14
inline constexpr uint32_t FZ = 1u << 15;        // flush tiny results to zero
inline constexpr uint32_t kDefault = 0x1F80;    // all masked, round to nearest
// The writable bits, as FXSAVE reports them in MXCSR_MASK (DAZ included: P4 and later).
inline constexpr uint32_t kMask = 0xFFFF;
}  // namespace mxcsr

}  // namespace trapeze
