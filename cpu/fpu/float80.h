// The x87 register format (1 sign bit, 15 exponent bits, 64 significand bits with an
// explicit integer bit) and the context every soft-float operation runs in: the rounding
// and precision control and exception masks of the control word, and the exceptions the
// operation raised. Everything is integer arithmetic, so every host gives the same bits.
#pragma once

#include <cstdint>

namespace trapeze::fpu {

struct Float80 {
  uint64_t signif = 0;    // bit 63 is the explicit integer bit
  uint16_t sign_exp = 0;  // bit 15 sign, bits 0-14 biased exponent

  bool sign() const { return sign_exp >> 15; }
  uint16_t exp() const { return sign_exp & 0x7FFF; }
  friend bool operator==(const Float80&, const Float80&) = default;
};

inline constexpr int32_t kBias = 16383;
inline constexpr uint16_t kExpMax = 0x7FFF;
inline constexpr uint64_t kIntegerBit = uint64_t{1} << 63;
inline constexpr uint64_t kQuietBit = uint64_t{1} << 62;
// The "real indefinite": the QNaN every masked invalid operation returns.
inline constexpr Float80 kIndefinite{0xC000000000000000, 0xFFFF};

inline constexpr Float80 make_f80(bool sign, uint16_t biased_exp, uint64_t signif) {
  return {signif, static_cast<uint16_t>((sign ? 0x8000 : 0) | biased_exp)};
}
inline constexpr Float80 zero_f80(bool sign) { return make_f80(sign, 0, 0); }
inline constexpr Float80 inf_f80(bool sign) { return make_f80(sign, kExpMax, kIntegerBit); }

// Operand classes. "Unsupported" are the encodings the 387 accepted and P6 rejects with
// #IA: unnormals (exponent 1-7FFE, integer bit clear), pseudo-infinities and pseudo-NaNs
// (exponent 7FFF, integer bit clear). Pseudo-denormals (exponent 0, integer bit set) are
// still accepted, as denormal operands that mean the same value with exponent 1.
enum class Class : uint8_t {
  kZero, kNormal, kDenormal, kPseudoDenormal, kInfinity, kQNaN, kSNaN, kUnsupported
};

inline Class classify(Float80 v) {
  const uint16_t e = v.exp();
  const bool integer = v.signif >> 63;
  if (e == 0) {
    if (v.signif == 0) return Class::kZero;
    return integer ? Class::kPseudoDenormal : Class::kDenormal;
  }
  if (!integer) return Class::kUnsupported;
  if (e != kExpMax) return Class::kNormal;
  if ((v.signif << 1) == 0) return Class::kInfinity;
  return (v.signif & kQuietBit) ? Class::kQNaN : Class::kSNaN;
}

inline bool is_nan(Class c) { return c == Class::kQNaN || c == Class::kSNaN; }
inline bool is_denormal(Class c) { return c == Class::kDenormal || c == Class::kPseudoDenormal; }

// Exception flags, in their status-word positions.
namespace ex {
inline constexpr uint8_t IE = 1u << 0;  // invalid operation
inline constexpr uint8_t DE = 1u << 1;  // denormal operand
inline constexpr uint8_t ZE = 1u << 2;  // zero divide
inline constexpr uint8_t OE = 1u << 3;  // overflow
inline constexpr uint8_t UE = 1u << 4;  // underflow
inline constexpr uint8_t PE = 1u << 5;  // precision (inexact)
inline constexpr uint8_t kAll = 0x3F;
}  // namespace ex

// The control word's rounding control field.
enum class Rounding : uint8_t { kNearest = 0, kDown = 1, kUp = 2, kZero = 3 };

struct Env {
  Rounding rounding = Rounding::kNearest;
  uint8_t precision = 64;   // significand bits of register results: 24, 53 or 64
  uint8_t masks = ex::kAll; // masked exceptions (control word bits 0-5)
  uint8_t raised = 0;       // exceptions this operation raised
  bool rounded_up = false;  // the last rounding increased the magnitude (reported in C1)
  // SSE arithmetic rounds straight to single or double: the destination format's
  // exponent range rather than the register's. (Unmasked overflow and underflow then
  // report as for a register, PE from the exponent-wrapped result, though SSE stores
  // nothing.) x87 keeps the defaults.
  int32_t emin = -16382, emax = 16383;

  // From an x87 control word. Precision control 01 is reserved and behaves like 11.
  static Env from_control_word(uint16_t cw) {
    Env e;
    e.rounding = static_cast<Rounding>((cw >> 10) & 3);
    const unsigned pc = (cw >> 8) & 3;
    e.precision = pc == 0 ? 24 : pc == 2 ? 53 : 64;
    e.masks = cw & ex::kAll;
    return e;
  }
  bool masked(uint8_t flag) const { return masks & flag; }
};

// A value as arithmetic sees it: sign, unbiased exponent and a significand normalised so
// that bit 63 is set (value = signif * 2^(exp - 63)).
struct Unpacked {
  bool sign = false;
  int32_t exp = 0;
  uint64_t signif = 0;
};

// A finite nonzero operand (normal, denormal or pseudo-denormal) in normalised form.
Unpacked unpack(Float80 v);

}  // namespace trapeze::fpu
