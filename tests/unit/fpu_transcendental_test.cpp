// The transcendental kernels: correctly rounded results for ordinary arguments (the
// reference values are mpmath's, rounded to nearest), the special cases of each
// instruction's table, the C2 range limit, and the hardware's pi for range reduction.
#include <doctest/doctest.h>

#include "cpu/fpu/transcendental.h"
#include "cpu/fpu/wide_float.h"

using namespace trapeze::fpu;

namespace {
constexpr Float80 kOne{0x8000000000000000, 0x3FFF};
constexpr Float80 kTwo{0x8000000000000000, 0x4000};
constexpr Float80 kThree{0xC000000000000000, 0x4000};
constexpr Float80 kHalf{0x8000000000000000, 0x3FFE};
}  // namespace

TEST_CASE("the wide working format adds, multiplies and divides") {
  const Wide three = Wide::from_uint(3), seven = Wide::from_uint(7);
  Env e;
  CHECK((three * seven).round(e) == Float80{0xA800000000000000, 0x4003});  // 21
  CHECK((seven - three).round(e) == Float80{0x8000000000000000, 0x4001});  // 4
  Env third;
  CHECK((Wide::from_uint(1) / three).round(third) == Float80{0xAAAAAAAAAAAAAAAB, 0x3FFD});
  CHECK(third.raised == ex::PE);
  CHECK((Wide::from_uint(1).over(3)).round(third) == Float80{0xAAAAAAAAAAAAAAAB, 0x3FFD});
}

TEST_CASE("sin, cos, tan, atan, log2 and 2^x - 1 of ordinary arguments") {
  Env e;
  CHECK(sin(e, kOne) == Float80{0xD76AA47848677021, 0x3FFE});
  CHECK(cos(e, kOne) == Float80{0x8A51407DA8345C92, 0x3FFE});
  CHECK(tan(e, kOne) == Float80{0xC75922E5F71D2DC5, 0x3FFF});
  CHECK(atan2(e, kOne, kTwo) == Float80{0xED63382B0DDA7B45, 0x3FFD});
  CHECK(ylog2x(e, kOne, kThree) == Float80{0xCAE00D1CFDEB43D0, 0x3FFF});
  CHECK(ylog2xp1(e, kOne, Float80{0x8000000000000000, 0x3FFD}) == Float80{0xA4D3C25E68DC57F2, 0x3FFD});
  CHECK(exp2m1(e, kHalf) == Float80{0xD413CCCFE7799211, 0x3FFD});
  CHECK(e.raised == ex::PE);
  const SinCos sc = sincos(e, kOne);
  CHECK(sc.sin == Float80{0xD76AA47848677021, 0x3FFE});
  CHECK(sc.cos == Float80{0x8A51407DA8345C92, 0x3FFE});
}

TEST_CASE("FSIN and friends accept |x| < 2^63 and reject larger arguments") {
  CHECK(trig_in_range(Float80{0xFFFFFFFFFFFFFFFF, 0x403D}));
  CHECK_FALSE(trig_in_range(Float80{0x8000000000000000, 0x403E}));
  CHECK(trig_in_range(inf_f80(false)));  // infinities are invalid, not out of range
}

TEST_CASE("range reduction uses the x87's 66-bit pi") {
  // sin(pi rounded to 64 bits) is -5.0166e-20 (BFBE:ECE675D1FC8F8CBB); the x87, reducing
  // against pi rounded to 66 bits, sees an argument 2^-64 past pi and gives -2^-64.
  Env e;
  CHECK(sin(e, Float80{0xC90FDAA22168C235, 0x4000}) == Float80{0x8000000000000000, 0xBFBF});
}

TEST_CASE("special cases: zeros, infinities, logs of zero and of negatives") {
  Env e;
  CHECK(sin(e, zero_f80(true)) == zero_f80(true));
  CHECK(cos(e, zero_f80(true)) == kOne);
  CHECK(e.raised == 0);
  Env inv;
  CHECK(sin(inv, inf_f80(false)) == kIndefinite);
  CHECK(ylog2x(inv, kOne, Float80{0x8000000000000000, 0xBFFF}) == kIndefinite);
  CHECK(inv.raised == ex::IE);
  Env z;
  CHECK(ylog2x(z, kOne, zero_f80(false)) == inf_f80(true));
  CHECK(z.raised == ex::ZE);
  Env pi;
  CHECK(atan2(pi, zero_f80(false), Float80{0x8000000000000000, 0xBFFF}) == Float80{0xC90FDAA22168C235, 0x4000});
  Env m;
  CHECK(exp2m1(m, inf_f80(true)) == Float80{0x8000000000000000, 0xBFFF});
}
