// Conversions between the 80-bit register format and the memory formats: singles,
// doubles, 16/32/64-bit integers and 18-digit packed BCD.
#pragma once

#include <array>
#include <cstdint>

#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

// Widening loads are exact. A signalling NaN stays signalling (the instruction decides
// whether that is an IE: FLD quiets it, arithmetic propagates it); a denormal becomes a
// normal 80-bit value and *denormal is set so the instruction can raise DE.
Float80 from_single(uint32_t bits, bool* denormal);
Float80 from_double(uint64_t bits, bool* denormal);
Float80 from_int(int64_t value);

// Narrowing stores round by the control word's rounding field (precision control does
// not apply). Unsupported encodings and SNaNs raise IE; the masked result is the
// format's indefinite or the quieted NaN. env.raised tells the caller whether an
// unmasked exception forbids the store.
uint32_t to_single(Env& env, Float80 v);
uint64_t to_double(Env& env, Float80 v);

// Integer stores: NaNs, infinities, unsupported encodings and out-of-range values raise
// IE and give the integer indefinite (the most negative value). `bits` is 16, 32 or 64.
uint64_t to_int(Env& env, Float80 v, unsigned bits);

// Rounds a finite value to an integer magnitude by env's rounding mode, raising PE and
// setting rounded_up. Returns false when the magnitude does not fit in 64 bits.
bool round_to_integer(Env& env, const Unpacked& v, uint64_t* magnitude);

// Packed BCD: 18 digits, two per byte, low digits first; bit 7 of byte 9 is the sign.
using Bcd = std::array<uint8_t, 10>;
Float80 from_bcd(const Bcd& bcd);
Bcd to_bcd(Env& env, Float80 v);

}  // namespace trapeze::fpu
