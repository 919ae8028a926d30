// The paravirtual ports a guest that knows it is emulated can use, compatible with
// QEMU and Bochs so existing test programs work unchanged:
//  - 0xE9, the debug console: every byte written is one character of output; reading
//    returns 0xE9, which is how guests detect the port (Bochs "port e9 hack").
//  - 0xF4, isa-debug-exit: writing v asks the machine to exit with status (v << 1) | 1
//    (QEMU's convention; the odd status can never be mistaken for a clean exit of 0).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "devices/io_bus.h"

namespace trapeze {

class DebugPorts : public IoHandler {
 public:
  static constexpr uint16_t kConsolePort = 0xE9;
  static constexpr uint16_t kExitPort = 0xF4;

  // Registers both ports on `bus`; they stay mapped for the object's lifetime.
  explicit DebugPorts(IoBus& bus);

  // Where console characters go (nothing, until set).
  void set_console_sink(std::function<void(char)> sink) { console_sink_ = std::move(sink); }
  // The current sink, so a watcher (the frontend's --exit-on) can chain in front of it.
  const std::function<void(char)>& console_sink() const { return console_sink_; }
  // Called at the exit port write, so the machine can stop the CPU at once.
  void set_exit_listener(std::function<void(int status)> listener) {
    exit_listener_ = std::move(listener);
  }
  // The status of the first exit request, if the guest made one.
  std::optional<int> exit_status() const { return exit_status_; }
  void clear_exit_request() { exit_status_.reset(); }

  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  std::function<void(char)> console_sink_;
  std::function<void(int)> exit_listener_;
  std::optional<int> exit_status_;
  IoRegistration console_registration_;
  IoRegistration exit_registration_;
};

}  // namespace trapeze
