// The host end of the first serial port when it is on stdio: what the user types (or a
// script pipes in) goes to the guest's COM1 receiver. On a terminal, the terminal is put
// in raw mode for the run (no line editing, no local echo: the guest echoes, as a
// serial terminal expects) and restored at the end; Ctrl-C still stops trapeze.
#pragma once

#include <termios.h>

#include <optional>

#include "devices/uart16550.h"

namespace trapeze {

class SerialConsoleInput {
 public:
  // Takes stdin; does nothing when stdin is closed or /dev/null.
  explicit SerialConsoleInput(Uart16550& uart);
  SerialConsoleInput(const SerialConsoleInput&) = delete;
  SerialConsoleInput& operator=(const SerialConsoleInput&) = delete;
  ~SerialConsoleInput();

  // Moves whatever stdin has ready (without waiting) to the UART.
  void poll();

 private:
  Uart16550& uart_;
  bool open_ = true;
  std::optional<termios> saved_terminal_;
};

}  // namespace trapeze
