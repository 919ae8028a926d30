#include "frontend/debugger.h"

#include <fmt/format.h>

#include <algorithm>

#include "frontend/trace_format.h"

namespace trapeze {

namespace {
uint64_t linear_pc(const Cpu& cpu) { return (cpu.seg[kCs].base + cpu.rip) & 0xFFFFFFFF; }
}  // namespace

Debugger::~Debugger() {
  if (machine_.cpu().observer() == this) machine_.cpu().set_observer(nullptr);
}

void Debugger::set_tracer(std::unique_ptr<Tracer> tracer) {
  tracer_ = std::move(tracer);
  update_attachment();
}

void Debugger::update_attachment() {
  if (tracer_ && tracer_->finished()) tracer_.reset();
  has_execute_ = std::any_of(breakpoints_.begin(), breakpoints_.end(), [](const Breakpoint& b) {
    return b.kind == Breakpoint::Kind::kExecute;
  });
  has_watch_ = std::any_of(breakpoints_.begin(), breakpoints_.end(), [](const Breakpoint& b) {
    return b.kind >= Breakpoint::Kind::kWatchWrite;
  });
  const bool needed = tracer_ != nullptr || !breakpoints_.empty() || steps_left_ != 0;
  Cpu& cpu = machine_.cpu();
  if (needed && cpu.observer() != this) cpu.set_observer(this);
  if (!needed && cpu.observer() == this) cpu.set_observer(nullptr);
}

unsigned Debugger::add_breakpoint(Breakpoint::Kind kind, uint64_t address, uint64_t length) {
  const unsigned id = next_id_++;
  breakpoints_.push_back(Breakpoint{id, kind, address, length == 0 ? 1 : length});
  update_attachment();
  return id;
}

bool Debugger::remove_breakpoint(unsigned id) {
  const auto it = std::find_if(breakpoints_.begin(), breakpoints_.end(),
                               [&](const Breakpoint& b) { return b.id == id; });
  if (it == breakpoints_.end()) return false;
  breakpoints_.erase(it);
  update_attachment();
  return true;
}

bool Debugger::remove_breakpoint(Breakpoint::Kind kind, uint64_t address) {
  const auto it = std::find_if(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& b) {
    return b.kind == kind && b.address == address;
  });
  if (it == breakpoints_.end()) return false;
  breakpoints_.erase(it);
  update_attachment();
  return true;
}

void Debugger::clear_breakpoints() {
  breakpoints_.clear();
  update_attachment();
}

void Debugger::set_step_limit(uint64_t n) {
  steps_left_ = n;
  update_attachment();
}

void Debugger::resume() {
  resume_linear_ = linear_pc(machine_.cpu());
  skip_execute_at_ =
      cause_.kind == StopCause::Kind::kBreakpoint && cause_.address == resume_linear_ &&
      std::any_of(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& b) {
        return b.id == cause_.breakpoint_id && b.kind == Breakpoint::Kind::kExecute;
      });
  cause_ = StopCause{};
}

void Debugger::stop(StopCause cause) {
  if (cause_.kind == StopCause::Kind::kNone) cause_ = std::move(cause);
  machine_.cpu().request_stop();
  machine_.request_stop();
}

bool Debugger::before_step(Cpu& cpu) {
  if (has_execute_) {
    const uint64_t pc = linear_pc(cpu);
    const bool skip = skip_execute_at_ && pc == resume_linear_;
    for (const Breakpoint& b : breakpoints_) {
      if (b.kind == Breakpoint::Kind::kExecute && b.address == pc && !skip) {
        stop(StopCause{StopCause::Kind::kBreakpoint, b.id, pc,
                       fmt::format("breakpoint {} at {:08x}", b.id, pc)});
        return true;
      }
    }
  }
  skip_execute_at_ = false;
  if (tracer_) tracer_->before_step(cpu);
  return false;
}

void Debugger::after_step(Cpu& cpu) {
  if (tracer_) {
    tracer_->after_step(cpu);
    if (tracer_->finished()) update_attachment();  // the limit is reached: detach if idle
  }
  if (steps_left_ != 0 && --steps_left_ == 0) {
    stop(StopCause{StopCause::Kind::kStep, 0, linear_pc(cpu), "step"});
    update_attachment();
  }
}

void Debugger::memory_access(const MemoryAccess& a) {
  if (tracer_) tracer_->memory_access(a);
  if (!has_watch_) return;
  for (const Breakpoint& b : breakpoints_) {
    if (b.kind < Breakpoint::Kind::kWatchWrite) continue;
    if (b.kind == Breakpoint::Kind::kWatchWrite && !a.write) continue;
    if (b.kind == Breakpoint::Kind::kWatchRead && a.write) continue;
    if (a.linear < b.address + b.length && b.address < a.linear + a.size_bytes) {
      stop(StopCause{StopCause::Kind::kWatchpoint, b.id, a.linear,
                     fmt::format("watchpoint {}: {} of {} bytes at {:08x} (value {:x})", b.id,
                                 a.write ? "write" : "read", a.size_bytes, a.linear, a.value)});
    }
  }
}

void Debugger::page_walk(const PageWalk& w) {
  if (tracer_) tracer_->page_walk(w);
}

void Debugger::event(const CpuEvent& e) {
  if (tracer_) tracer_->event(e);
  const bool exception = e.kind == CpuEvent::Kind::kException;
  const bool interrupt =
      e.kind == CpuEvent::Kind::kExternalInterrupt || e.kind == CpuEvent::Kind::kSoftwareInterrupt;
  for (const Breakpoint& b : breakpoints_) {
    if ((b.kind == Breakpoint::Kind::kException && exception && b.address == e.vector) ||
        (b.kind == Breakpoint::Kind::kInterrupt && interrupt && b.address == e.vector)) {
      stop(StopCause{StopCause::Kind::kBreakpoint, b.id, e.vector,
                     fmt::format("breakpoint {}: {}", b.id, format_event(e).substr(3))});
    }
  }
}

void Debugger::port_access(uint16_t port, unsigned size_bytes, uint32_t value, bool write) {
  if (tracer_) tracer_->port_access(PortAccessRecord{port, size_bytes, value, write});
  for (const Breakpoint& b : breakpoints_) {
    if (b.kind == Breakpoint::Kind::kPort && b.address == port) {
      stop(StopCause{StopCause::Kind::kBreakpoint, b.id, port,
                     fmt::format("breakpoint {}: {} port {:04x} value {:x}", b.id,
                                 write ? "write to" : "read of", port, value)});
    }
  }
}

}  // namespace trapeze
