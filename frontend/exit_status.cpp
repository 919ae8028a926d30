#include "frontend/exit_status.h"

namespace trapeze {

int exit_status_for(const RunResult& result) {
  // No default: a new StopReason must be given a status here (-Wswitch).
  switch (result.reason) {
    case StopReason::kGuestExit:
      return result.exit_status;
    case StopReason::kHaltedInterruptsOff:
    case StopReason::kHaltedForever:
    case StopReason::kStopRequested:
    case StopReason::kDeadline:
    case StopReason::kPoweredOff:
      return kExitNormal;
    case StopReason::kShutdown:
      return kExitFailure;
    case StopReason::kTimeout:
    case StopReason::kInstructionBudget:
      return kExitTimeout;
  }
  return kExitFailure;
}

bool stop_is_noteworthy(const RunResult& result) {
  switch (result.reason) {
    case StopReason::kShutdown:
    case StopReason::kTimeout:
    case StopReason::kInstructionBudget:
    case StopReason::kHaltedForever:
      return true;
    case StopReason::kGuestExit:
    case StopReason::kHaltedInterruptsOff:
    case StopReason::kStopRequested:
    case StopReason::kDeadline:
    case StopReason::kPoweredOff:
      return false;
  }
  return true;
}

}  // namespace trapeze
