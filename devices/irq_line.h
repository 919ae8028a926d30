// An interrupt request wire from a device to an interrupt controller input (PIC, I/O
// APIC). The line holds a level; the sink (the controller's input) hears every change,
// so level-triggered inputs see the level and edge-triggered inputs see the edges.
#pragma once

#include <functional>
#include <utility>

namespace trapeze {

class IrqLine {
 public:
  using Sink = std::function<void(bool level)>;

  IrqLine() = default;
  explicit IrqLine(Sink sink) : sink_(std::move(sink)) {}

  // Wires the line to a controller input; the input is told the current level so both
  // ends agree even when the device raised the line before the board was wired.
  void connect(Sink sink) {
    sink_ = std::move(sink);
    if (sink_) sink_(level_);
  }

  void raise() { set(true); }
  void lower() { set(false); }
  void set(bool level) {
    if (level == level_) return;  // a wire has no event without a change
    level_ = level;
    if (sink_) sink_(level_);
  }
  // A rising and a falling edge (the ISA way of signalling one interrupt); the line
  // ends low. On a line already high this is just the falling edge.
  void pulse() {
    raise();
    lower();
  }
  bool level() const { return level_; }

 private:
  Sink sink_;
  bool level_ = false;
};

}  // namespace trapeze
