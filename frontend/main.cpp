// The `trapeze` program: command line in, exit status out.
//
// Every way out is an exit status (frontend/exit_status.h) with at most one line on
// stderr by default: never a stack trace, never a dialogue.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "devices/config_error.h"
#include "devices/machine.h"
#include "frontend/automation.h"
#include "frontend/cli.h"
#include "frontend/debug_session.h"
#include "frontend/demo_guest.h"
#include "frontend/display.h"
#include "frontend/exit_status.h"
#include "frontend/logging.h"
#include "frontend/machine_config_from_cli.h"
#include "frontend/screenshot.h"
#include "frontend/sdl_window.h"
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

// SIGUSR1: save the screen now (--screenshot, --screen-text) and go on running. The
// handler only sets the flag; the run loop does the work between slices.
std::atomic<bool> screen_save_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_sigusr1(int) { screen_save_requested.store(true, std::memory_order_relaxed); }

void catch_sigusr1() {
  struct sigaction action {};
  action.sa_handler = on_sigusr1;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &action, nullptr);
}

// SIGINT and SIGTERM in a headless run: stop the machine at the end of its slice and
// leave as after any other stop, so the disk images are flushed and closed (DiskImage's
// destructor) and the terminal restored. The handler does only async-signal-safe
// things: two lock-free atomic stores (Machine::request_stop is one). SA_RESETHAND: a
// second signal ends the process at once, should the clean way ever hang. In a window,
// SDL turns both signals into closing the window, which is a clean exit too.
std::atomic<int> termination_signal{0};
std::atomic<Machine*> machine_to_stop{nullptr};
static_assert(std::atomic<int>::is_always_lock_free);
static_assert(std::atomic<Machine*>::is_always_lock_free);

void on_termination(int signal) {
  termination_signal.store(signal, std::memory_order_relaxed);
  if (Machine* machine = machine_to_stop.load(std::memory_order_relaxed)) machine->request_stop();
}

void catch_termination(Machine& machine) {
  machine_to_stop.store(&machine, std::memory_order_relaxed);
  struct sigaction action {};
  action.sa_handler = on_termination;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

// Undone before the machine goes, so a late signal cannot reach a destroyed machine.
struct TerminationGuard {
  ~TerminationGuard() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    machine_to_stop.store(nullptr, std::memory_order_relaxed);
  }
};

// --screenshot and --screen-text, once the run has stopped or on SIGUSR1.
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
  // First of all: a test may signal as soon as it has started us.
  catch_sigusr1();
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
  // Without a display there is nowhere to put a window: headless is the only choice.
  // The monitor and the GDB stub drive the machine from the main thread: no window then.
  const bool windowed = !config.headless && host_has_display() && !options.debug.monitor_stdio &&
                        options.debug.gdb_port < 0;
  // The machine's own notion of headless is "virtual time" (a fixed RTC start).
  config.headless = !windowed || options.deterministic;

  std::optional<Machine> machine;
  try {
    machine.emplace(std::move(config));
  } catch (const ConfigError& error) {
    return fail(error.what(), kExitUsage);
  }
  std::optional<SerialConsoleInput> console;
  // The window takes its input from the window; stdin feeds COM1 in headless runs.
  if (options.serial.target == OutputTarget::kStdio && !options.debug.monitor_stdio && !windowed)
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
  // The monitor takes SIGINT for itself (back to its prompt), and the GDB stub waits on
  // its socket; only a free-running headless machine is stopped by signals here.
  std::optional<TerminationGuard> termination_guard;
  if (!windowed && !options.debug.monitor_stdio && options.debug.gdb_port < 0) {
    termination_guard.emplace();
    catch_termination(*machine);
  }
  Automation automation(*machine, options.exit_on, options.input_script);
  // Set when the run ended without the guest stopping: an --exit-on text appeared, or
  // the user closed the window.
  bool ended_by_host = false;

  // SIGUSR1, between slices of either loop (the window's on its emulation thread).
  const auto save_on_signal = [&] {
    if (options.screenshot_path.empty() && options.screen_text_path.empty())
      spdlog::warn("SIGUSR1: nothing to save (give --screenshot or --screen-text)");
    if (auto error = save_screen(options, machine->display())) spdlog::warn("SIGUSR1: {}", *error);
  };
  const auto run_window_freely = [&]() -> RunResult {
    WindowOptions window_options;
    window_options.real_time = !options.deterministic;
    window_options.integer_scaling = options.integer_scaling;
    window_options.full_screen = options.full_screen;
    window_options.between_slices = [&] {
      if (network) network->poll();
      if (screen_save_requested.exchange(false, std::memory_order_relaxed)) save_on_signal();
    };
    WindowResult window_result;
    if (auto error = run_window(*machine, window_options, &automation, window_result))
      throw std::runtime_error(*error);
    if (window_result.exit_match || !window_result.stop) {
      ended_by_host = true;
      return RunResult{};
    }
    return *window_result.stop;
  };
  // Slices of virtual time, so typed input reaches the guest while it runs; shorter
  // while a script types, one key event per slice.
  const auto run_headless_freely = [&]() -> RunResult {
    constexpr uint64_t kInputPollNs = 10'000'000;
    for (;;) {
      const RunResult result =
          machine->run_for(automation.typing() ? Automation::kKeyIntervalNs : kInputPollNs);
      if (result.reason != StopReason::kDeadline) return result;
      if (console) console->poll();
      if (network) network->poll();
      if (screen_save_requested.exchange(false, std::memory_order_relaxed)) save_on_signal();
      if (auto matched = automation.after_slice()) {
        spdlog::info("--exit-on '{}' appeared after {} instructions, {} ns of virtual time",
                     *matched, result.instructions_retired, result.virtual_time_ns);
        ended_by_host = true;
        return result;
      }
    }
  };

  RunResult result;
  try {
    if (windowed)
      result = run_with_debugging(*machine, options.debug, run_window_freely);
    else
      result = run_with_debugging(*machine, options.debug, run_headless_freely);
  } catch (const std::runtime_error& error) {
    // The window, the trace file or the GDB port could not be opened (or the machine
    // failed: the history report is already out).
    return fail(error.what(), kExitFailure);
  }
  console.reset();
  if (const int signal = termination_signal.load(std::memory_order_relaxed); signal != 0) {
    spdlog::warn("stopped: {}", signal == SIGINT ? "SIGINT" : "SIGTERM");
    if (auto error = save_screen(options, machine->display())) return fail(*error, kExitFailure);
    return exit_status_for_signal(signal);
  }
  if (ended_by_host) {
    if (auto error = save_screen(options, machine->display())) return fail(*error, kExitFailure);
    return kExitNormal;
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
