// The desktop window (SDL2): shows the guest's display, takes the host's keyboard and
// mouse for the PS/2 devices, and offers the hotkeys below. The machine runs on an
// EmulationThread; this runs SDL's event loop on the calling (main) thread.
//
// Hotkeys are Ctrl+Alt plus a key (QEMU's convention); that key does not reach the guest.
// kWindowHotkeys lists them for --help and the README.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "devices/machine.h"
#include "frontend/automation.h"
#include "frontend/emulation_thread.h"

namespace trapeze {

struct WindowOptions {
  bool real_time = true;
  bool integer_scaling = false;
  bool full_screen = false;
  // Host I/O between slices of virtual time (the user-mode network), on the emulation
  // thread.
  std::function<void()> between_slices;
};

// The --help section on the window's hotkeys.
extern const char* const kWindowHotkeys;

struct WindowResult {
  // Why the guest stopped, if it did (powered off, halted, ...); empty when the user
  // closed the window while it ran.
  std::optional<RunResult> stop;
  std::optional<std::string> exit_match;  // an --exit-on text that appeared
};

// Opens the window and runs until the user closes it, the guest powers off or exits, or
// an --exit-on text appears. Returns an error message when SDL cannot open a window
// (`result` is then untouched).
std::optional<std::string> run_window(Machine& machine, const WindowOptions& options,
                                      Automation* automation, WindowResult& result);

}  // namespace trapeze
