// The 108-byte FSAVE/FRSTOR image in its 32-bit protected-mode layout: how both the host
// and the emulated CPU are given their starting x87 state and hand back the result.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "cpu/fpu/float80.h"

namespace trapeze::x87test {

struct SaveImage {
  std::array<uint8_t, 108> bytes{};

  uint16_t word(unsigned offset) const { return static_cast<uint16_t>(bytes[offset] | (bytes[offset + 1] << 8)); }
  void set_word(unsigned offset, uint16_t v) {
    bytes[offset] = static_cast<uint8_t>(v);
    bytes[offset + 1] = static_cast<uint8_t>(v >> 8);
  }
  uint16_t cw() const { return word(0); }
  uint16_t sw() const { return word(4); }
  uint16_t tw() const { return word(8); }
  void set_cw(uint16_t v) { set_word(0, v); }
  void set_sw(uint16_t v) { set_word(4, v); }
  void set_tw(uint16_t v) { set_word(8, v); }
  // ST(n), in stack order.
  fpu::Float80 st(unsigned n) const {
    fpu::Float80 v;
    std::memcpy(&v.signif, &bytes[28 + 10 * n], 8);
    v.sign_exp = word(28 + 10 * n + 8);
    return v;
  }
  void set_st(unsigned n, fpu::Float80 v) {
    std::memcpy(&bytes[28 + 10 * n], &v.signif, 8);
    set_word(28 + 10 * n + 8, v.sign_exp);
  }
};

// The memory operand: room for the largest, FSAVE's 108 bytes.
inline constexpr size_t kMemoryBytes = 112;

// What one run produces besides the image.
struct RunResult {
  SaveImage image;
  std::array<uint8_t, kMemoryBytes> memory{};  // the memory operand after the instruction
  uint32_t eflags = 0;
  uint32_t eax = 0;
  int fault = -1;                    // emulator only: the exception vector taken, if any
};

struct RunInput {
  SaveImage image;
  std::array<uint8_t, kMemoryBytes> memory{};
  uint32_t eflags = 2;
  uint32_t eax = 0;
};

}  // namespace trapeze::x87test
