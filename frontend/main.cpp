// The `trapeze` program: command line in, exit status out.
//
// Every way out is an exit status (frontend/exit_status.h) with at most one line on
// stderr by default: never a stack trace, never a dialogue.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "devices/config_error.h"
#include "devices/machine.h"
#include "frontend/cli.h"
#include "frontend/debug_session.h"
#include "frontend/demo_guest.h"
#include "frontend/display.h"
#include "frontend/exit_status.h"
#include "frontend/logging.h"
#include "frontend/machine_config_from_cli.h"
#include "frontend/screenshot.h"
#include "frontend/serial_console.h"
#include "frontend/user_network.h"

namespace trapeze {
namespace {

int fail(std::string message, int exit_status) {
  // One line, whatever an exception's text holds: scripts read stderr line by line.
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::fprintf(stderr, "trapeze: %s\n", message.c_str());
  return exit_status;
}

// --screenshot and --screen-text, once the run has stopped.
std::optional<std::string> save_screen(const CliOptions& options, DisplaySource* display) {
  if (options.screenshot_path.empty() && options.screen_text_path.empty()) return std::nullopt;
  if (display == nullptr)
    return "--screenshot and --screen-text need a display card (not --vga none)";
  if (!options.screenshot_path.empty())
    if (auto error = write_png(options.screenshot_path, display->frame())) return error;
  if (!options.screen_text_path.empty())
    if (auto error = write_screen_text(options.screen_text_path, *display)) return error;
  return std::nullopt;
}

int run(int argc, char** argv) {
  const CliParseResult parsed = parse_command_line(argc, argv);
  if (!parsed.ok()) return fail(parsed.error->message, parsed.error->exit_status);
  CliOptions options = parsed.options;
  if (options.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::printf("trapeze %s\n", TRAPEZE_VERSION);
    return 0;
  }
  if (boots_nothing(options)) {
    if (auto error = use_demo_guest(options)) return fail(error->message, error->exit_status);
  }
  configure_logging(options.log);

  MachineConfig config = machine_config_from_cli(options);
  if (!config.headless) {
    // Without a display there is nowhere to put a window: headless is the only choice.
    if (host_has_display()) spdlog::warn("the window is not implemented yet; running headless");
    config.headless = true;
  }

  std::optional<Machine> machine;
  try {
    machine.emplace(std::move(config));
  } catch (const ConfigError& error) {
    return fail(error.what(), kExitUsage);
  }
  std::optional<SerialConsoleInput> console;
  if (options.serial.target == OutputTarget::kStdio && !options.debug.monitor_stdio)
    console.emplace(machine->com1());
  std::optional<UserNetwork> network;
  if (machine->network_card() != nullptr) {
    try {
      Scheduler& scheduler = machine->scheduler();
      network.emplace(*machine->network_card(), options.net,
                      [&scheduler] { return scheduler.now_ns(); });
    } catch (const std::exception& error) {
      return fail(error.what(), kExitUsage);
    }
  }
  RunResult result;
  try {
    result = run_with_debugging(*machine, options.debug, [&console, &network] {
      if (console) console->poll();
      if (network) network->poll();
    });
  } catch (const std::runtime_error& error) {
    // Opening the trace file or the GDB port failed (or the machine failed: the
    // history report is already out).
    return fail(error.what(), kExitFailure);
  }
  if (stop_is_noteworthy(result)) {
    spdlog::warn("stopped: {}", describe(result));
  } else {
    spdlog::info("stopped: {}", describe(result));
  }
  if (auto error = save_screen(options, machine->display())) return fail(*error, kExitFailure);
  return exit_status_for(result);
}

}  // namespace
}  // namespace trapeze

int main(int argc, char** argv) {
  try {
    return trapeze::run(argc, argv);
  } catch (const std::exception& error) {
    return trapeze::fail(std::string("internal error: ") + error.what(), trapeze::kExitFailure);
  } catch (...) {
    return trapeze::fail("internal error (unknown exception)", trapeze::kExitFailure);
  }
}
