// One-screen summaries of the chips for the monitor's `info` commands, read through the
// devices' peek functions: reading them never acknowledges an interrupt, latches a
// counter or moves a FIFO.
#pragma once

#include <string>

#include "devices/machine.h"

namespace trapeze {

std::string pic_summary(Machine& machine);
std::string pit_summary(Machine& machine);
std::string apic_summary(Machine& machine);
std::string ide_summary(Machine& machine);

}  // namespace trapeze
