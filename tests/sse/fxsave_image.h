// The 512-byte FXSAVE/FXRSTOR image: how both the host and the emulated CPU are given
// their starting x87/MMX/SSE state and hand back the result, plus what else one run of
// an instruction takes and gives (the memory operand, EFLAGS, EAX, a fault).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

namespace trapeze::ssetest {

struct FxImage {
  alignas(16) std::array<uint8_t, 512> bytes{};

  uint32_t mxcsr() const { return get<uint32_t>(24); }
  void set_mxcsr(uint32_t v) { put<uint32_t>(24, v); }
  // XMM register n, 16 bytes at 160 + 16n; MMX/ST register n, 10 bytes at 32 + 16n.
  uint8_t* xmm(unsigned n) { return &bytes[160 + 16 * n]; }
  const uint8_t* xmm(unsigned n) const { return &bytes[160 + 16 * n]; }
  uint8_t* st(unsigned n) { return &bytes[32 + 16 * n]; }
  const uint8_t* st(unsigned n) const { return &bytes[32 + 16 * n]; }

  template <typename T>
  T get(unsigned offset) const {
    T v;
    std::memcpy(&v, &bytes[offset], sizeof v);
    return v;
  }
  template <typename T>
  void put(unsigned offset, T v) {
    std::memcpy(&bytes[offset], &v, sizeof v);
  }
};

inline constexpr size_t kMemoryBytes = 16;

struct RunInput {
  FxImage image;
  alignas(16) std::array<uint8_t, kMemoryBytes> memory{};
  uint32_t eflags = 2;
  uint32_t eax = 0;
};

struct RunResult {
  FxImage image;
  std::array<uint8_t, kMemoryBytes> memory{};
  uint32_t eflags = 0;
  uint32_t eax = 0;
  int fault = -1;  // the exception vector taken (#XM 19, #UD 6, ...), if any
};

}  // namespace trapeze::ssetest
