// How a run ends, as the exit status scripts and test harnesses see it:
//   0    the guest stopped normally (halted for good, powered off)
//   2    bad usage or unusable input
//   3    the guest triple-faulted (with --no-reboot), or trapeze failed (the stderr line
//        says which). Not 1: that is what a guest writing 0 to port 0xF4 gets.
//   124  --timeout or --max-instructions reached (as timeout(1) reports)
//   130  SIGINT, 143 SIGTERM: a headless run stopped cleanly by the signal (128 + its
//        number, as a shell shows a program the signal ended; disks are flushed first)
//   2V+1 the guest wrote V to port 0xF4 (QEMU's isa-debug-exit)
#pragma once

#include <string>

#include "devices/run_result.h"

namespace trapeze {

constexpr int kExitNormal = 0;
constexpr int kExitFailure = 3;
constexpr int kExitUsage = 2;
constexpr int kExitTimeout = 124;

int exit_status_for(const RunResult& result);

// 128 + the signal's number: what a shell reports for a program the signal ended.
constexpr int exit_status_for_signal(int signal) { return 128 + signal; }

// True when the user should hear why the run ended even without --log: budgets and
// crashes, not a guest that exits or halts as planned.
bool stop_is_noteworthy(const RunResult& result);

}  // namespace trapeze
