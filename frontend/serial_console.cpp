#include "frontend/serial_console.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <string_view>

namespace trapeze {

SerialConsoleInput::SerialConsoleInput(Uart16550& uart) : uart_(uart) {
  termios terminal{};
  if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &terminal) == 0) {
    saved_terminal_ = terminal;
    // Raw input, keep ISIG so Ctrl-C and Ctrl-Z reach trapeze, map CR to what a serial
    // terminal sends (CR, not LF: ICRNL off).
    terminal.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO | ECHONL | IEXTEN));
    terminal.c_iflag &= static_cast<tcflag_t>(~(ICRNL | INLCR | IXON));
    terminal.c_cc[VMIN] = 0;
    terminal.c_cc[VTIME] = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &terminal);
  }
}

SerialConsoleInput::~SerialConsoleInput() {
  if (saved_terminal_) tcsetattr(STDIN_FILENO, TCSANOW, &*saved_terminal_);
}

void SerialConsoleInput::poll() {
  while (open_) {
    pollfd fd{STDIN_FILENO, POLLIN, 0};
    if (::poll(&fd, 1, 0) <= 0 || (fd.revents & (POLLIN | POLLHUP)) == 0) return;
    char buffer[256];
    const ssize_t n = read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) {
      open_ = false;  // end of input (a script's pipe closed): the guest keeps running
      return;
    }
    uart_.receive(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

}  // namespace trapeze
