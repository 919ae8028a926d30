// The command-line monitor (`--monitor stdio`), in the spirit of QEMU's: breakpoints on
// an address, an I/O port, an exception or interrupt vector, memory watchpoints; step and
// continue; registers with segment caches and control registers; memory dumps by linear
// or physical address; disassembly; page-table translation; device summaries. `help`
// lists the commands. Nothing the monitor reads has side effects on the guest.
//
// stdin belongs to the monitor, so the serial console may not be on stdio (main refuses
// `--monitor stdio` with `--serial stdio`, exit status 2): guest output interleaved with
// the prompt would be unreadable, and a later serial input would fight the monitor for
// stdin. QEMU multiplexes both on stdio behind Ctrl-A c; a plain split is simpler to
// script and to test.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "devices/machine.h"
#include "frontend/debugger.h"

namespace trapeze {

class Monitor {
 public:
  Monitor(Machine& machine, Debugger& debugger, unsigned history_steps)
      : machine_(machine), debugger_(debugger), history_steps_(history_steps) {}

  // Runs one command line and returns what it prints.
  std::string execute(std::string_view line);
  bool quit_requested() const { return quit_; }
  // The guest's own end (power-off, exit port...), when a run reached it.
  const std::optional<RunResult>& guest_end() const { return guest_end_; }

  // Prompts on `out`, reads commands from `in` until `quit` or end of input.
  void run_session(std::FILE* in, std::FILE* out);

 private:
  std::string run_machine();
  std::string stop_line();

  Machine& machine_;
  Debugger& debugger_;
  unsigned history_steps_;
  bool quit_ = false;
  std::optional<RunResult> guest_end_;
};

}  // namespace trapeze
