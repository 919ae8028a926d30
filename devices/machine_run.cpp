// Machine's run loop: CPU slices against virtual time, idling, and the stops.
#include <algorithm>

#include "devices/machine.h"

namespace trapeze {

void Machine::set_debugcon_sink(std::function<void(char)> sink) {
  debug_ports_.set_console_sink(std::move(sink));
}

RunResult Machine::run() { return run_until(kNoEvent); }

RunResult Machine::run_for(uint64_t duration_ns) {
  const uint64_t now = scheduler_.now_ns();
  return run_until(now + std::min(duration_ns, kNoEvent - 1 - now));
}

RunResult Machine::result(StopReason reason, int exit_status) {
  RunResult r;
  r.reason = reason;
  r.exit_status = exit_status;
  r.instructions_retired = cpu_.instructions_retired();
  r.virtual_time_ns = scheduler_.now_ns();
  log_->debug("stopped: {} at {:04x}:{:08x}", describe(r), cpu_.seg[kCs].selector, cpu_.rip);
  debugcon_output_.flush();
  serial_output_.flush();
  return r;
}

bool Machine::timed_out() {
  if (config_.timeout_seconds <= 0) return false;
  const auto now = std::chrono::steady_clock::now();
  if (!first_run_start_) first_run_start_ = now;
  return std::chrono::duration<double>(now - *first_run_start_).count() >= config_.timeout_seconds;
}

uint64_t Machine::slice_instructions(uint64_t deadline_ns) const {
  const uint64_t now = scheduler_.now_ns();
  // Events are never scheduled in the past, so next_event_ns() >= now.
  const uint64_t until_ns = std::min(scheduler_.next_event_ns(), deadline_ns);
  uint64_t n = std::min(kMaxSliceInstructions, (until_ns - now) / kNsPerInstruction);
  if (config_.max_instructions != 0)
    n = std::min(n, config_.max_instructions - cpu_.instructions_retired());
  return std::max<uint64_t>(n, 1);
}

RunResult Machine::run_until(uint64_t deadline_ns) {
  for (;;) {
    if (auto status = debug_ports_.exit_status()) return result(StopReason::kGuestExit, *status);
    if (stop_requested_.exchange(false, std::memory_order_relaxed))
      return result(StopReason::kStopRequested);
    if (config_.max_instructions != 0 && cpu_.instructions_retired() >= config_.max_instructions)
      return result(StopReason::kInstructionBudget);
    if (timed_out()) return result(StopReason::kTimeout);
    if (scheduler_.now_ns() >= deadline_ns) return result(StopReason::kDeadline);

    if (cpu_.halted()) {
      if (cpu_.nmi_pending()) {
        cpu_.wake();
        continue;
      }
      if (!cpu_.flags.get(flag::IF)) return result(StopReason::kHaltedInterruptsOff);
      if (interrupt_pending()) {
        cpu_.wake();
        continue;
      }
      // Nothing happens until the next event: skip the idle time in one step.
      const uint64_t next_ns = scheduler_.next_event_ns();
      if (next_ns == kNoEvent) return result(StopReason::kHaltedForever);
      scheduler_.advance_to(std::min(next_ns, deadline_ns));
      continue;
    }

    const uint64_t slice = slice_instructions(deadline_ns);
    slice_start_ns_ = scheduler_.now_ns();
    slice_start_steps_ = cpu_.steps();
    slice_end_ns_ = slice_start_ns_ + slice * kNsPerInstruction;
    in_slice_ = true;
    const RunStop stop = cpu_.run(slice);
    in_slice_ = false;
    const uint64_t steps = cpu_.steps() - slice_start_steps_;
    scheduler_.advance_to(slice_start_ns_ + steps * kNsPerInstruction);
    if (power_off_requested_) {
      power_off_requested_ = false;
      return result(StopReason::kPoweredOff);
    }
    if (reset_requested_) {
      reset_requested_ = false;
      log_->info("the guest reset the machine");
      reset();
      continue;
    }
    if (stop == RunStop::kShutdown) {
      if (triple_fault_hook_) triple_fault_hook_();
      if (config_.no_reboot) return result(StopReason::kShutdown);
      log_->warn("triple fault: resetting the machine");
      reset();
    }
  }
}

}  // namespace trapeze
