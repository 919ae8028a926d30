// Filled in by the next stages.
#include "cpu/exec_simd.h"

namespace trapeze {

std::vector<OpcodeRow> simd_int_rows() { return {}; }

}  // namespace trapeze
