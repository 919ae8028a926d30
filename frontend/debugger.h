// The frontend's CpuObserver: one object the CPU calls around each step, which feeds the
// trace (frontend/tracer.h) and checks the monitor's and the GDB stub's breakpoints:
// execution at a linear address, access to an I/O port, an exception vector, an
// interrupt vector, and memory watchpoints. It also counts steps for "step N".
//
// It is attached to the CPU only while it has something to do (a live trace, a
// breakpoint, a step count), so a debugger session that is merely connected runs the
// guest at full speed. A stop asks both the CPU and the Machine to stop: the Machine's
// run() then returns kStopRequested, and stop_cause() says why.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cpu/cpu_observer.h"
#include "devices/machine.h"
#include "frontend/tracer.h"

namespace trapeze {

struct Breakpoint {
  enum class Kind : uint8_t {
    kExecute,
    kPort,
    kException,
    kInterrupt,
    kWatchWrite,
    kWatchRead,
    kWatchAccess
  };
  unsigned id = 0;
  Kind kind = Kind::kExecute;
  uint64_t address = 0;  // linear address, port number or vector
  uint64_t length = 1;   // watchpoints: bytes watched
};

struct StopCause {
  enum class Kind : uint8_t { kNone, kBreakpoint, kWatchpoint, kStep, kInterrupted };
  Kind kind = Kind::kNone;
  unsigned breakpoint_id = 0;
  uint64_t address = 0;  // watchpoints: the address accessed
  std::string description;
};

class Debugger final : public CpuObserver {
 public:
  explicit Debugger(Machine& machine) : machine_(machine) {}
  ~Debugger() override;
  Debugger(const Debugger&) = delete;
  Debugger& operator=(const Debugger&) = delete;

  void set_tracer(std::unique_ptr<Tracer> tracer);
  Tracer* tracer() { return tracer_.get(); }

  unsigned add_breakpoint(Breakpoint::Kind kind, uint64_t address, uint64_t length = 1);
  bool remove_breakpoint(unsigned id);
  // GDB names breakpoints by kind and address, not by number.
  bool remove_breakpoint(Breakpoint::Kind kind, uint64_t address);
  void clear_breakpoints();
  const std::vector<Breakpoint>& breakpoints() const { return breakpoints_; }

  // Stop after `n` more steps (0: no step limit).
  void set_step_limit(uint64_t n);
  // Clears the stop cause before running on. When the last stop was an execute
  // breakpoint here, the next step ignores it (else the guest could never move on).
  void resume();
  // Asks the running machine to stop (Ctrl-C, GDB's interrupt): safe from a signal handler.
  void interrupt() { machine_.request_stop(); }

  const StopCause& stop_cause() const { return cause_; }
  void clear_stop_cause() { cause_ = StopCause{}; }
  // The run ended because the user interrupted it (GDB's Ctrl-C).
  void note_interrupted() {
    cause_ = StopCause{StopCause::Kind::kInterrupted, 0, 0, "interrupted"};
  }

  // CpuObserver.
  bool before_step(Cpu& cpu) override;
  void after_step(Cpu& cpu) override;
  void memory_access(const MemoryAccess& access) override;
  void page_walk(const PageWalk& walk) override;
  void event(const CpuEvent& event) override;
  void port_access(uint16_t port, unsigned size_bytes, uint32_t value, bool write) override;

 private:
  void stop(StopCause cause);
  // Attaches to the CPU exactly when there is something to observe.
  void update_attachment();

  Machine& machine_;
  std::unique_ptr<Tracer> tracer_;
  std::vector<Breakpoint> breakpoints_;
  unsigned next_id_ = 1;
  bool has_execute_ = false;
  bool has_watch_ = false;
  uint64_t steps_left_ = 0;
  bool skip_execute_at_ = false;
  uint64_t resume_linear_ = 0;
  StopCause cause_;
};

}  // namespace trapeze
