// One end of a PS/2 serial link, as the keyboard controller (i8042) sees the device
// plugged into its keyboard or auxiliary (mouse) port.
//
// On the wire a device may only send while the host lets its clock line float; the 8042
// holds the clock low (inhibits the device) while its own output buffer is full or while
// the port is disabled, and the device keeps its bytes queued meanwhile. So the model is
// pull-based: the device queues bytes and says "I have output", and the controller takes
// one byte whenever its output buffer is free and the port is enabled.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

namespace trapeze {

class Ps2Device {
 public:
  virtual ~Ps2Device() = default;

  // A byte from the host: a command or a command's parameter.
  virtual void receive_from_host(uint8_t byte) = 0;
  // True when a byte waits to be sent to the host.
  virtual bool has_output() const = 0;
  // The next byte, without removing it (debugger, traces).
  virtual uint8_t peek_output() const = 0;
  // Removes and returns the next byte; only called when has_output().
  virtual uint8_t take_output() = 0;

  // The controller's side of the clock line: called whenever the device has queued new
  // output, so the controller can pull it if its buffer is free. One listener.
  void set_output_listener(std::function<void()> listener) {
    output_listener_ = std::move(listener);
  }

 protected:
  Ps2Device() = default;
  Ps2Device(const Ps2Device&) = delete;
  Ps2Device& operator=(const Ps2Device&) = delete;

  // Devices call this after queueing bytes, once their state is consistent (the
  // controller may take a byte before the call returns).
  void notify_output() {
    if (output_listener_) output_listener_();
  }

 private:
  std::function<void()> output_listener_;
};

}  // namespace trapeze
