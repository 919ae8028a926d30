// The four basic operations and the square root on 80-bit values, exact to the bit:
// the result is the infinitely precise one rounded by the control word (precision
// control included). NaN propagation follows the x87 rules (SDM vol. 1, table 4-7).
#pragma once

#include "cpu/fpu/float80.h"

namespace trapeze::fpu {

// An operand of an arithmetic instruction. A single or double read from memory whose
// encoding was denormal is a normal 80-bit value, yet still raises DE like a denormal.
struct Operand {
  Float80 value;
  bool denormal_source = false;
  Operand(Float80 v, bool denormal = false) : value(v), denormal_source(denormal) {}  // NOLINT
};

Float80 add(Env& env, Operand a, Operand b);
Float80 sub(Env& env, Operand a, Operand b);
Float80 mul(Env& env, Operand a, Operand b);
Float80 div(Env& env, Operand a, Operand b);
Float80 sqrt(Env& env, Float80 a);

// The result of an operation with a NaN operand (and no unsupported one): the QNaN by the
// x87 rules, IE when either is signalling.
Float80 propagate_nan(Env& env, Float80 a, Float80 b);
// One-operand form: an SNaN becomes quiet (IE), a QNaN passes.
Float80 propagate_nan(Env& env, Float80 a);

// Shared operand screening for two-operand operations: unsupported encodings give IE and
// the indefinite; NaNs propagate. Returns true (with *result set) when that decided it.
bool screen_operands(Env& env, Float80 a, Float80 b, Float80* result);
// One operand: unsupported gives IE/indefinite, NaN propagates.
bool screen_operand(Env& env, Float80 a, Float80* result);

}  // namespace trapeze::fpu
