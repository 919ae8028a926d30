// Runs the machine with the debugging the command line asks for: the trace (--trace and
// its filters), the crash history (--history), the monitor (--monitor stdio) or the GDB
// stub (--gdb PORT). Without any of them it is the caller's run loop plus the history report.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "devices/machine.h"
#include "frontend/trace_filter.h"

namespace trapeze {

struct DebugOptions {
  std::string trace_path;  // empty: no trace; "-": stdout
  TraceFilterSpec trace_filter;
  bool trace_page_walks = false;
  unsigned history_steps = 64;  // 0: no crash history
  bool monitor_stdio = false;
  int gdb_port = -1;  // -1: no GDB stub
  bool gdb_wait = false;
};

// Throws std::runtime_error when the trace file or the GDB port cannot be opened; an
// exception from the machine is rethrown after the history report.
// `run_freely` runs the machine when no monitor or debugger drives it (the headless
// loop, or the window); the trace and the crash history apply either way.
RunResult run_with_debugging(Machine& machine, const DebugOptions& options,
                             const std::function<RunResult()>& run_freely);

}  // namespace trapeze
