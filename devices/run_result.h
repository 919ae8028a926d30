// Why Machine::run() returned: the exit conditions a headless test run is judged by.
#pragma once

#include <cstdint>
#include <string>

namespace trapeze {

enum class StopReason {
  kGuestExit,            // the guest wrote the isa-debug-exit port; see exit_status
  kHaltedInterruptsOff,  // HLT with IF=0: nothing can ever wake the CPU
  kHaltedForever,        // HLT with IF=1, but no event is pending that could interrupt it
  kShutdown,             // triple fault
  kPoweredOff,           // the guest turned the machine off (ACPI S5)
  kTimeout,              // MachineConfig::timeout_seconds of host time elapsed
  kInstructionBudget,    // MachineConfig::max_instructions retired
  kStopRequested,        // Machine::request_stop()
  kDeadline,             // run_for()'s span of virtual time is over; call again to go on
};

struct RunResult {
  StopReason reason = StopReason::kStopRequested;
  int exit_status = 0;  // kGuestExit: what QEMU would exit with, (value << 1) | 1, 0..255
  uint64_t instructions_retired = 0;
  uint64_t virtual_time_ns = 0;
};

// "guest exit (status 7)", "halted with interrupts off", ... for messages.
std::string describe(const RunResult& result);
const char* to_string(StopReason reason);

}  // namespace trapeze
