// The soft-float core: the four operations and the square root, rounding by mode and
// precision, NaN propagation, denormals, and the masked and unmasked responses to
// overflow and underflow. Values are written as {significand, sign and exponent}.
#include <doctest/doctest.h>

#include <random>

#include "cpu/fpu/arith.h"
#include "cpu/fpu/rounding.h"
#include "cpu/fpu/u128.h"

using namespace trapeze::fpu;

namespace {

constexpr Float80 kOne{0x8000000000000000, 0x3FFF};
constexpr Float80 kTwo{0x8000000000000000, 0x4000};
constexpr Float80 kThree{0xC000000000000000, 0x4000};
constexpr Float80 kTen{0xA000000000000000, 0x4002};
constexpr Float80 kMinNormal{0x8000000000000000, 0x0001};
constexpr Float80 kMaxFinite{0xFFFFFFFFFFFFFFFF, 0x7FFE};

Env with(Rounding r, uint8_t precision = 64, uint8_t masks = ex::kAll) {
  Env e;
  e.rounding = r;
  e.precision = precision;
  e.masks = masks;
  return e;
}

}  // namespace

TEST_CASE("the portable 128-bit helpers agree with the host's") {
  std::mt19937_64 rng(7);
  for (int n = 0; n < 10000; ++n) {
    const uint64_t a = rng(), b = rng() | 1;
    CHECK(mul64(a, b) == mul64_portable(a, b));
    const U128 num{rng() % b, rng()};
    uint64_t r1 = 0, r2 = 0;
    CHECK(div128(num, b, &r1) == div128_portable(num, b, &r2));
    CHECK(r1 == r2);
  }
}

TEST_CASE("1/3 and 1/10 round to nearest with the round-up reported") {
  Env e = with(Rounding::kNearest);
  CHECK(div(e, kOne, kThree) == Float80{0xAAAAAAAAAAAAAAAB, 0x3FFD});
  CHECK(e.raised == ex::PE);
  CHECK(e.rounded_up);
  Env down = with(Rounding::kDown);
  CHECK(div(down, kOne, kTen) == Float80{0xCCCCCCCCCCCCCCCC, 0x3FFB});
  CHECK_FALSE(down.rounded_up);
  Env up = with(Rounding::kUp);
  CHECK(div(up, kOne, kTen) == Float80{0xCCCCCCCCCCCCCCCD, 0x3FFB});
}

TEST_CASE("precision control rounds the significand to 24 or 53 bits") {
  Env single = with(Rounding::kNearest, 24);
  CHECK(div(single, kOne, kThree) == Float80{0xAAAAAB0000000000, 0x3FFD});
  Env dbl = with(Rounding::kZero, 53);
  CHECK(div(dbl, kOne, kThree) == Float80{0xAAAAAAAAAAAAA800, 0x3FFD});
}

TEST_CASE("exact results raise nothing, and x - x is +0 except when rounding down") {
  Env e = with(Rounding::kNearest);
  CHECK(add(e, kOne, kTwo) == kThree);
  CHECK(mul(e, kThree, kTwo) == Float80{0xC000000000000000, 0x4001});
  CHECK(e.raised == 0);
  CHECK(sub(e, kThree, kThree) == zero_f80(false));
  Env down = with(Rounding::kDown);
  CHECK(sub(down, kThree, kThree) == zero_f80(true));
}

TEST_CASE("square roots are correctly rounded; a negative operand is invalid") {
  Env e = with(Rounding::kNearest);
  CHECK(sqrt(e, kTwo) == Float80{0xB504F333F9DE6484, 0x3FFF});
  CHECK(e.raised == ex::PE);
  Env exact = with(Rounding::kNearest);
  CHECK(sqrt(exact, Float80{0x9000000000000000, 0x4002}) == kThree);  // sqrt(9)
  CHECK(exact.raised == 0);
  Env bad = with(Rounding::kNearest);
  CHECK(sqrt(bad, Float80{0x8000000000000000, 0xBFFF}) == kIndefinite);
  CHECK(bad.raised == ex::IE);
  CHECK(sqrt(bad, zero_f80(true)) == zero_f80(true));
}

TEST_CASE("invalid operations give the indefinite; division by zero gives infinity") {
  Env e;
  CHECK(sub(e, inf_f80(false), inf_f80(false)) == kIndefinite);
  CHECK(mul(e, zero_f80(false), inf_f80(true)) == kIndefinite);
  CHECK(div(e, zero_f80(false), zero_f80(true)) == kIndefinite);
  CHECK(e.raised == ex::IE);
  Env z;
  CHECK(div(z, Float80{0x8000000000000000, 0xBFFF}, zero_f80(false)) == inf_f80(true));
  CHECK(z.raised == ex::ZE);
}

TEST_CASE("NaNs: an SNaN is quieted with IE, two NaNs give the larger significand") {
  const Float80 snan{0x8000000000000001, 0x7FFF}, qnan{0xC000000000000002, 0xFFFF};
  Env e;
  CHECK(add(e, snan, kOne) == Float80{0xC000000000000001, 0x7FFF});
  CHECK(e.raised == ex::IE);
  Env q;
  CHECK(add(q, snan, qnan) == qnan);  // the QNaN wins over the SNaN
  CHECK(add(q, Float80{0xC000000000000005, 0x7FFF}, qnan) == Float80{0xC000000000000005, 0x7FFF});
  Env u;
  CHECK(add(u, Float80{0x4000000000000000, 0x4000}, kOne) == kIndefinite);  // unnormal
  CHECK(u.raised == ex::IE);
}

TEST_CASE("denormal operands raise DE; pseudo-denormals count as denormals") {
  Env e;
  const Float80 denormal{0x0000000000000001, 0x0000};
  CHECK(add(e, denormal, denormal) == Float80{0x0000000000000002, 0x0000});
  CHECK(e.raised == ex::DE);
  Env p;
  CHECK(mul(p, Float80{0x8000000000000000, 0x0000}, kOne) == kMinNormal);  // pseudo-denormal
  CHECK(p.raised == ex::DE);
}

TEST_CASE("masked overflow gives infinity or the largest value by rounding direction") {
  Env nearest = with(Rounding::kNearest);
  CHECK(mul(nearest, kMaxFinite, kTwo) == inf_f80(false));
  CHECK(nearest.raised == (ex::OE | ex::PE));
  CHECK(nearest.rounded_up);
  Env chop = with(Rounding::kZero);
  CHECK(mul(chop, kMaxFinite, kTwo) == kMaxFinite);
  Env down24 = with(Rounding::kDown, 24);
  CHECK(mul(down24, kMaxFinite, kTwo) == Float80{0xFFFFFF0000000000, 0x7FFE});
}

TEST_CASE("unmasked overflow and underflow deliver the result scaled by 2^-+24576") {
  Env over = with(Rounding::kNearest, 64, ex::kAll & ~ex::OE);
  CHECK(mul(over, kMaxFinite, kTwo) == Float80{0xFFFFFFFFFFFFFFFF, 0x7FFF - 24576});
  CHECK(over.raised == ex::OE);
  Env under = with(Rounding::kNearest, 64, ex::kAll & ~ex::UE);
  const Float80 quarter_min = div(under, kMinNormal, Float80{0x8000000000000000, 0x4001});
  CHECK(quarter_min == Float80{0x8000000000000000, 0x0001 - 2 + 24576});
  CHECK(under.raised == ex::UE);  // exact: no PE, yet unmasked underflow is signalled
}

TEST_CASE("masked underflow: a denormal result, UE only when inexact") {
  Env exact = with(Rounding::kNearest);
  CHECK(div(exact, kMinNormal, Float80{0x8000000000000000, 0x4001}) == Float80{0x2000000000000000, 0});
  CHECK(exact.raised == 0);
  Env lossy = with(Rounding::kNearest);
  const Float80 r = div(lossy, kMinNormal, kThree);
  CHECK(r.exp() == 0);
  CHECK(lossy.raised == (ex::UE | ex::PE));
}

TEST_CASE("tininess is detected after rounding") {
  // Just below the smallest normal by less than half an ulp: rounds up to it, not tiny.
  Env e = with(Rounding::kNearest);
  const Float80 r = pack_extended(false, round(e, false, -16383, 0xFFFFFFFFFFFFFFFF, 0xC000000000000000,
                                               kExtendedFormat, true));
  CHECK(r == kMinNormal);
  CHECK(e.raised == ex::PE);
}
