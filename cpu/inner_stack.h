// The stack of a more privileged level, taken from the current TSS when a call gate or
// an interrupt raises the privilege level (SDM vol. 3, 5.8.5 and 6.12.1).
#pragma once

#include "cpu/cpu.h"

namespace trapeze {

struct InnerStack {
  Segment ss;
  uint64_t sp = 0;
};

// Reads SS:ESP for privilege level `dpl` from the TSS and checks the stack segment:
// #TS for a bad selector or descriptor, #SS when it is not present.
InnerStack read_inner_stack(Cpu& cpu, unsigned dpl);

}  // namespace trapeze
