// Comparisons (FCOM, FUCOM, FCOMI, FUCOMI, FICOM, FTST): equal, less, greater or
// unordered. The ordered forms raise IE for any NaN, the unordered ("U") forms only for
// signalling NaNs; both for unsupported encodings. Zeros compare equal whatever the sign.
#pragma once

#include "cpu/fpu/arith.h"

namespace trapeze::fpu {

enum class Relation : uint8_t { kGreater, kLess, kEqual, kUnordered };

Relation compare(Env& env, Operand a, Operand b, bool quiet);

}  // namespace trapeze::fpu
