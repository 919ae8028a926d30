// Filled in by the next stages.
#include "cpu/exec_simd.h"

namespace trapeze {

std::vector<OpcodeRow> sse_convert_rows() { return {}; }

}  // namespace trapeze
