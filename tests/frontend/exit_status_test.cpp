// Run results become the exit statuses scripts rely on.
#include "frontend/exit_status.h"

#include <doctest/doctest.h>

#include <csignal>

namespace trapeze {
namespace {

RunResult stopped(StopReason reason, int exit_status = 0) {
  RunResult result;
  result.reason = reason;
  result.exit_status = exit_status;
  return result;
}

TEST_CASE("a guest that halts for good is a normal stop") {
  CHECK(exit_status_for(stopped(StopReason::kHaltedInterruptsOff)) == 0);
  CHECK(exit_status_for(stopped(StopReason::kHaltedForever)) == 0);
}

TEST_CASE("the exit port's status passes through: (value << 1) | 1") {
  CHECK(exit_status_for(stopped(StopReason::kGuestExit, (0x21 << 1) | 1)) == 0x43);
  CHECK(exit_status_for(stopped(StopReason::kGuestExit, 1)) == 1);
}

TEST_CASE("budgets end with 124, as timeout(1) does") {
  CHECK(exit_status_for(stopped(StopReason::kTimeout)) == 124);
  CHECK(exit_status_for(stopped(StopReason::kInstructionBudget)) == 124);
  CHECK(stop_is_noteworthy(stopped(StopReason::kTimeout)));
}

TEST_CASE("a triple fault is a failure, and said so") {
  CHECK(exit_status_for(stopped(StopReason::kShutdown)) == 3);
  CHECK(stop_is_noteworthy(stopped(StopReason::kShutdown)));
  CHECK_FALSE(stop_is_noteworthy(stopped(StopReason::kGuestExit, 3)));
}

TEST_CASE("SIGINT and SIGTERM stops end with 128 + the signal, as a shell shows them") {
  CHECK(exit_status_for_signal(SIGINT) == 130);
  CHECK(exit_status_for_signal(SIGTERM) == 143);
}

}  // namespace
}  // namespace trapeze
