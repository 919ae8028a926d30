#include "devices/debug_ports.h"

namespace trapeze {

DebugPorts::DebugPorts(IoBus& bus)
    : console_registration_(bus.map("debugcon", kConsolePort, kConsolePort, kIoWidth8, *this)),
      // QEMU takes the exit value at any width; `out dx, eax` must work as `out dx, al`.
      exit_registration_(bus.map("debug-exit", kExitPort, kExitPort, kIoWidthAny, *this)) {}

uint32_t DebugPorts::io_read(uint16_t port, unsigned /*size_bytes*/) {
  if (port == kConsolePort) return kConsolePort;
  return 0;  // QEMU's isa-debug-exit reads as 0
}

void DebugPorts::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  if (port == kConsolePort) {
    if (console_sink_) console_sink_(static_cast<char>(value & 0xFF));
    return;
  }
  // QEMU calls exit((value << 1) | 1) and the host keeps the low 8 bits; report exactly
  // what a QEMU process would have exited with.
  const int status = static_cast<int>(((value << 1) | 1) & 0xFF);
  if (!exit_status_) exit_status_ = status;
  if (exit_listener_) exit_listener_(status);
}

}  // namespace trapeze
