#include "devices/run_result.h"

#include <fmt/format.h>

namespace trapeze {

const char* to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kGuestExit:
      return "guest exit";
    case StopReason::kHaltedInterruptsOff:
      return "halted with interrupts off";
    case StopReason::kHaltedForever:
      return "halted with no event left to wake it";
    case StopReason::kShutdown:
      return "shutdown (triple fault)";
    case StopReason::kPoweredOff:
      return "powered off";
    case StopReason::kTimeout:
      return "timeout";
    case StopReason::kInstructionBudget:
      return "instruction budget spent";
    case StopReason::kStopRequested:
      return "stop requested";
    case StopReason::kDeadline:
      return "run span over";
  }
  return "?";
}

std::string describe(const RunResult& result) {
  std::string text = to_string(result.reason);
  if (result.reason == StopReason::kGuestExit)
    text += fmt::format(" (status {})", result.exit_status);
  text += fmt::format(" after {} instructions, {} ns of virtual time", result.instructions_retired,
                      result.virtual_time_ns);
  return text;
}

}  // namespace trapeze
