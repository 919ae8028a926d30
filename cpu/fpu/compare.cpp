#include "cpu/fpu/compare.h"

namespace trapeze::fpu {

Relation compare(Env& env, Operand a, Operand b, bool quiet) {
  const Class ca = classify(a.value), cb = classify(b.value);
  if (ca == Class::kUnsupported || cb == Class::kUnsupported) {
    env.raised |= ex::IE;
    return Relation::kUnordered;
  }
  if (is_nan(ca) || is_nan(cb)) {
    if (!quiet || ca == Class::kSNaN || cb == Class::kSNaN) env.raised |= ex::IE;
    return Relation::kUnordered;
  }
  if (a.denormal_source || b.denormal_source || is_denormal(ca) || is_denormal(cb))
    env.raised |= ex::DE;
  const bool az = ca == Class::kZero, bz = cb == Class::kZero;
  if (az && bz) return Relation::kEqual;
  const bool as = a.value.sign(), bs = b.value.sign();
  if (az) return bs ? Relation::kGreater : Relation::kLess;
  if (bz) return as ? Relation::kLess : Relation::kGreater;
  if (as != bs) return as ? Relation::kLess : Relation::kGreater;
  // Same sign: compare magnitudes (infinities have the largest exponent).
  const bool ai = ca == Class::kInfinity, bi = cb == Class::kInfinity;
  int order = 0;  // magnitude of a against b
  if (ai || bi) {
    order = ai == bi ? 0 : ai ? 1 : -1;
  } else {
    const Unpacked x = unpack(a.value), y = unpack(b.value);
    order = x.exp != y.exp ? (x.exp > y.exp ? 1 : -1)
            : x.signif != y.signif ? (x.signif > y.signif ? 1 : -1) : 0;
  }
  if (order == 0) return Relation::kEqual;
  return (order > 0) != as ? Relation::kGreater : Relation::kLess;
}

}  // namespace trapeze::fpu
