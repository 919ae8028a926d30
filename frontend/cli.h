// The `trapeze` command line: QEMU's option names spelled as GNU long options.
//
// Parsing never prints and never exits: it returns either the options or a usage error,
// so main decides what to print and the unit tests can check every error case.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "devices/machine_config.h"
#include "frontend/debug_session.h"
#include "frontend/key_script.h"
#include "frontend/log_spec.h"
#include "frontend/net_options.h"

namespace trapeze {

// Everything the command line can say, before it becomes a MachineConfig.
struct CliOptions {
  uint64_t memory_mib = 128;
  std::string bios_path;
  std::string hda_path;
  std::string hdb_path;
  std::string cdrom_path;
  std::string boot_order;  // QEMU's -boot letters; empty: the default
  std::string kernel_path;
  std::string initrd_path;
  std::string append;
  VgaKind vga = VgaKind::kStd;
  // Written when the run stops: the screen as PNG, and the text screen as UTF-8.
  std::string screenshot_path;
  std::string screen_text_path;
  bool snapshot = false;
  bool no_reboot = false;
  // True only when --headless was given; without it the frontend opens a window if the
  // host has a display.
  bool headless = false;
  // QEMU sends the first serial port to stdio when there is no window; so do we.
  OutputSpec serial{OutputTarget::kStdio, {}};
  // Port 0xE9 is off unless asked for, as in QEMU.
  OutputSpec debugcon{OutputTarget::kNone, {}};
  OutputSpec firmware_log{OutputTarget::kNone, {}};
  double timeout_seconds = 0;     // 0: no limit
  uint64_t max_instructions = 0;  // 0: no limit
  NetOptions net;                 // --net, --nic, --net-dump
  // --exit-on: stop with status 0 when any of these appears on a console or the screen.
  std::vector<std::string> exit_on;
  // --when, --type and --keys in command-line order.
  std::vector<InputStep> input_script;
  // The window runs in real time unless this keeps virtual time (headless always does).
  bool deterministic = false;
  // The window: scale only by whole numbers, and start full screen.
  bool integer_scaling = false;
  bool full_screen = false;
  LogSpec log;
  // Tracing, crash history, monitor and GDB stub (frontend/debug_session.h).
  DebugOptions debug;
  bool help = false;
  bool version = false;
};

// A mistake in what the user typed: main prints "trapeze: <message>" and exits 2.
struct UsageError {
  std::string message;
  int exit_status = 2;
};

struct CliParseResult {
  CliOptions options;
  std::optional<UsageError> error;

  bool ok() const { return !error.has_value(); }
};

// `args` excludes the program name (argv[0]).
CliParseResult parse_command_line(std::span<const std::string_view> args);
CliParseResult parse_command_line(int argc, const char* const* argv);

// The --help text: one line per option, generated from the same table the parser uses.
std::string usage_text();

}  // namespace trapeze
