// Conversions between the register format and memory: singles, doubles, integers and
// packed BCD, with the rounding and invalid-operation rules of FST, FIST and FBSTP.
#include <doctest/doctest.h>

#include "cpu/fpu/conversions.h"
#include "cpu/fpu/scaling.h"

using namespace trapeze::fpu;

namespace {
constexpr Float80 kOneThird{0xAAAAAAAAAAAAAAAB, 0x3FFD};
constexpr Float80 kTwoAndAHalf{0xA000000000000000, 0x4000};
Env rounding(Rounding r) {
  Env e;
  e.rounding = r;
  return e;
}
}  // namespace

TEST_CASE("singles and doubles widen exactly; denormals are flagged") {
  bool denormal = true;
  CHECK(from_single(0x3F800000, &denormal) == Float80{0x8000000000000000, 0x3FFF});
  CHECK_FALSE(denormal);
  CHECK(from_single(0x00000001, &denormal) == Float80{0x8000000000000000, 0x3FFF - 149});
  CHECK(denormal);
  CHECK(from_double(0xFFF0000000000000, &denormal) == inf_f80(true));
  // A signalling NaN stays signalling: the instruction decides what that means.
  CHECK(classify(from_single(0x7F800001, &denormal)) == Class::kSNaN);
}

TEST_CASE("stores round by the rounding control and quiet NaNs") {
  Env e = rounding(Rounding::kNearest);
  CHECK(to_single(e, kOneThird) == 0x3EAAAAAB);
  CHECK(to_double(e, kOneThird) == 0x3FD5555555555555);
  Env up = rounding(Rounding::kUp);
  CHECK(to_double(up, kOneThird) == 0x3FD5555555555556);
  Env nan;
  CHECK(to_single(nan, Float80{0x8000000000000001, 0x7FFF}) == 0x7FC00000);
  CHECK(nan.raised == ex::IE);
  Env over;
  CHECK(to_single(over, Float80{0x8000000000000000, 0x4100}) == 0x7F800000);
  CHECK(over.raised == (ex::OE | ex::PE));
}

TEST_CASE("integer stores: rounding, the indefinite for out-of-range values") {
  Env e = rounding(Rounding::kNearest);
  CHECK(to_int(e, kTwoAndAHalf, 16) == 2);  // ties to even
  Env up = rounding(Rounding::kUp);
  CHECK(to_int(up, kTwoAndAHalf, 32) == 3);
  CHECK(up.rounded_up);
  Env neg = rounding(Rounding::kZero);
  CHECK(to_int(neg, Float80{0xA000000000000000, 0xC000}, 64) == static_cast<uint64_t>(-2));
  Env big = rounding(Rounding::kNearest);
  CHECK(to_int(big, Float80{0x8000000000000000, 0x400F}, 16) == 0x8000);  // 32768
  CHECK(big.raised == ex::IE);
  Env min = rounding(Rounding::kNearest);
  CHECK(to_int(min, Float80{0x8000000000000000, 0xC00E}, 16) == 0x8000);  // -32768 fits
  CHECK(min.raised == 0);
}

TEST_CASE("packed BCD round trip, sign, and the BCD indefinite") {
  Bcd bcd{};
  bcd[0] = 0x89;
  bcd[1] = 0x67;
  bcd[8] = 0x12;
  bcd[9] = 0x80;
  const Float80 v = from_bcd(bcd);  // -120000000000000006789
  Env e;
  CHECK(to_bcd(e, v) == bcd);
  CHECK(e.raised == 0);
  Env huge;
  const Bcd indefinite = to_bcd(huge, Float80{0x8000000000000000, 0x4040});
  CHECK(indefinite[9] == 0xFF);
  CHECK(indefinite[8] == 0xFF);
  CHECK(indefinite[7] == 0xC0);
  CHECK(huge.raised == ex::IE);
}

TEST_CASE("FRNDINT, FXTRACT and FSCALE") {
  Env e = rounding(Rounding::kDown);
  CHECK(round_to_int(e, Float80{0xA000000000000000, 0xC000}) == Float80{0xC000000000000000, 0xC000});
  Env x;
  const Extracted parts = extract(x, Float80{0xC000000000000000, 0x4005});  // 96
  CHECK(parts.exponent == Float80{0xC000000000000000, 0x4001});             // 6
  CHECK(parts.significand == Float80{0xC000000000000000, 0x3FFF});          // 1.5
  Env z;
  CHECK(extract(z, zero_f80(true)).exponent == inf_f80(true));
  CHECK(z.raised == ex::ZE);
  Env s;
  CHECK(scale(s, Float80{0xC000000000000000, 0x3FFF}, Float80{0xE000000000000000, 0xC000}) ==
        Float80{0xC000000000000000, 0x3FFC});  // 1.5 * 2^trunc(-3.5)
}

TEST_CASE("FPREM gives the quotient's low bits; FPREM1 rounds it to nearest") {
  Env e;
  const Remainder r = partial_remainder(e, Float80{0x8C00000000000000, 0x4003}, Float80{0xC000000000000000, 0x4000}, false);
  CHECK(r.complete);
  CHECK(r.quotient == 5);                                      // 17.5 = 5 * 3 + 2.5
  CHECK(r.value == Float80{0xA000000000000000, 0x4000});
  const Remainder r1 = partial_remainder(e, Float80{0x8C00000000000000, 0x4003}, Float80{0xC000000000000000, 0x4000}, true);
  CHECK(r1.quotient == 6);                                     // 17.5 = 6 * 3 - 0.5
  CHECK(r1.value == Float80{0x8000000000000000, 0xBFFE});
  Env big;
  const Remainder partial = partial_remainder(big, Float80{0x8000000000000000, 0x40FF}, Float80{0xC000000000000000, 0x3FFF}, false);
  CHECK_FALSE(partial.complete);
}
