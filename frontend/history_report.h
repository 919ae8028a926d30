// The crash report of `--history N`: the last N steps (CS:EIP, linear address, bytes,
// disassembly) from the CPU's StepHistory, then the registers of the final state.
// Printed on a triple fault, on an emulator error, and by the monitor's `history`.
#pragma once

#include <string>

#include "devices/machine.h"

namespace trapeze {

// Bytes are read now, so code the guest has since overwritten shows its new bytes.
std::string history_report(Machine& machine, unsigned n);
// The registers, segment caches, descriptor tables and control registers: the final
// state in crash reports, and the monitor's `registers`.
std::string register_report(const Cpu& cpu);

}  // namespace trapeze
