#include "frontend/debug_session.h"

#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

#include "frontend/debugger.h"
#include "frontend/gdb_server.h"
#include "frontend/history_report.h"
#include "frontend/monitor.h"
#include "frontend/tracer.h"

namespace trapeze {

namespace {

// Ctrl-C in the monitor stops the guest, not trapeze. Only an atomic store happens in
// the handler (Machine::request_stop).
Machine* g_interrupt_target = nullptr;
extern "C" void on_sigint(int) {
  if (g_interrupt_target != nullptr) g_interrupt_target->request_stop();
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr && f != stdout) std::fclose(f);
  }
};

// While it lives, every character the guest prints on COM1 or the debug console also
// reaches `tap`; the consoles' own sinks come back when it goes.
class ConsoleTap {
 public:
  ConsoleTap(Machine& machine, std::function<void(char)> tap)
      : machine_(machine),
        serial_(machine.com1().transmit_sink()),
        debugcon_(machine.debug_ports().console_sink()) {
    machine.com1().set_transmit_sink([serial = serial_, tap](uint8_t byte) {
      tap(static_cast<char>(byte));
      if (serial) serial(byte);
    });
    machine.set_debugcon_sink([debugcon = debugcon_, tap](char c) {
      tap(c);
      if (debugcon) debugcon(c);
    });
  }
  ~ConsoleTap() {
    machine_.com1().set_transmit_sink(serial_);
    machine_.set_debugcon_sink(debugcon_);
  }
  ConsoleTap(const ConsoleTap&) = delete;
  ConsoleTap& operator=(const ConsoleTap&) = delete;

 private:
  Machine& machine_;
  std::function<void(uint8_t)> serial_;
  std::function<void(char)> debugcon_;
};

}  // namespace

RunResult run_with_debugging(Machine& machine, const DebugOptions& options,
                             const std::function<RunResult()>& run_freely) {
  std::unique_ptr<std::FILE, FileCloser> trace_file;
  Debugger debugger(machine);
  std::optional<ConsoleTap> console_tap;
  if (!options.trace_path.empty()) {
    std::FILE* f = options.trace_path == "-" ? stdout : std::fopen(options.trace_path.c_str(), "w");
    if (f == nullptr)
      throw std::runtime_error(
          fmt::format("--trace: cannot write '{}': {}", options.trace_path, std::strerror(errno)));
    trace_file.reset(f);
    debugger.set_tracer(std::make_unique<Tracer>(
        f, machine.memory(), TraceFilter(options.trace_filter), options.trace_page_walks));
    if (!options.trace_filter.on_text.empty())
      console_tap.emplace(machine, [&debugger](char c) {
        if (Tracer* t = debugger.tracer()) t->console_output(c);
      });
  }
  if (options.history_steps != 0) {
    machine.set_triple_fault_hook([&machine, &options] {
      std::fprintf(stderr, "trapeze: triple fault; %s",
                   history_report(machine, options.history_steps).c_str());
    });
  }
  std::optional<GdbServer> server;
  if (options.gdb_port >= 0)
    server.emplace(machine, debugger, static_cast<uint16_t>(options.gdb_port));
  try {
    if (options.monitor_stdio) {
      Monitor monitor(machine, debugger, options.history_steps);
      g_interrupt_target = &machine;
      std::signal(SIGINT, on_sigint);
      monitor.run_session(stdin, stdout);
      std::signal(SIGINT, SIG_DFL);
      g_interrupt_target = nullptr;
      if (monitor.guest_end()) return *monitor.guest_end();
      RunResult r;
      r.reason = StopReason::kStopRequested;
      r.instructions_retired = machine.cpu().instructions_retired();
      return r;
    }
    if (server) return server->run(options.gdb_wait);
    return run_freely();
  } catch (const std::exception&) {
    if (options.history_steps != 0)
      std::fprintf(stderr, "trapeze: emulator error; %s",
                   history_report(machine, options.history_steps).c_str());
    throw;
  }
}

}  // namespace trapeze
