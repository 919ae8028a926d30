// The observed instruction loop (cpu/cpu_observer.h): the same steps as Cpu::run(), with
// the observer called around each. Kept apart so the unobserved loop stays as it was.
#include "cpu/cpu.h"

namespace trapeze {

void Cpu::set_observer(CpuObserver* observer) {
  observer_ = observer;
  active_io_ = observer != nullptr ? static_cast<PortIo*>(&observed_io_) : &io_;
  mmu_.set_observer(observer);
}

RunStop Cpu::run_observed(uint64_t max_steps) {
  stop_requested_ = false;
  for (uint64_t n = 0; n < max_steps; ++n) {
    if (shutdown_) return RunStop::kShutdown;
    if (stop_requested_) return RunStop::kStopRequested;
    if (halted_ && !(nmi_pending_ && !nmi_blocked_) &&
        !(interrupts_ && flags.get(flag::IF) && interrupts_->interrupt_pending()))
      return RunStop::kHalted;
    // The observer may detach itself (a trace reaching its limit).
    if (observer_ == nullptr) return run(max_steps - n);
    if (observer_->before_step(*this)) return RunStop::kStopRequested;
    history_.record(steps_, seg[kCs], rip);
    step();
    ++steps_;
    if (observer_ != nullptr) observer_->after_step(*this);
  }
  return shutdown_ ? RunStop::kShutdown : RunStop::kBudget;
}

uint32_t Cpu::ObservedPortIo::in(uint16_t port, unsigned size_bytes) {
  const uint32_t value = cpu_.io_.in(port, size_bytes);
  if (cpu_.observer_ != nullptr) cpu_.observer_->port_access(port, size_bytes, value, false);
  return value;
}

void Cpu::ObservedPortIo::out(uint16_t port, unsigned size_bytes, uint32_t value) {
  if (cpu_.observer_ != nullptr) cpu_.observer_->port_access(port, size_bytes, value, true);
  cpu_.io_.out(port, size_bytes, value);
}

}  // namespace trapeze
