// System control port A at 0x92 ("fast A20 and fast reset", PS/2-compatible), decoded by
// the PIIX3 (82371SB datasheet, Port 92h):
//  - bit 1 ALT_A20_GATE: 1 lets address line 20 through. On the PC the A20 gate the
//    CPU sees is this bit ORed with the 8042's A20 output; the listener hears this bit.
//  - bit 0 ALT_RST: a 0-to-1 write pulses INIT, which restarts the machine. The bit reads
//    as 0, so the read-modify-write SeaBIOS does before every switch to 32-bit mode
//    (inb, or in 0x02, outb) never resets by accident.
// Other bits are reserved and read as 0.
//
// Wiring (the board): construct on the machine's IoBus (port 0x92, 8-bit);
// set_a20_listener() feeds the A20 gate (with the 8042's output into
// cpu.mmu().set_a20); set_reset_listener() requests a machine reset. reset() returns the
// register to 0 without driving the gate: the board sets A20 at reset as a PC comes up
// (enabled, since the 8042 output port resets with its A20 bit set).
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "devices/io_bus.h"

namespace trapeze {

class Port92 : public IoHandler {
 public:
  static constexpr uint16_t kPort = 0x92;
  static constexpr uint8_t kFastReset = 0x01;
  static constexpr uint8_t kA20 = 0x02;

  explicit Port92(IoBus& io);

  void set_a20_listener(std::function<void(bool enabled)> listener) {
    a20_listener_ = std::move(listener);
  }
  void set_reset_listener(std::function<void()> listener) { reset_listener_ = std::move(listener); }

  void reset() { a20_ = false; }
  bool a20() const { return a20_; }
  // What a read of the port returns.
  uint8_t peek() const { return a20_ ? kA20 : 0; }

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  bool a20_ = false;
  std::shared_ptr<spdlog::logger> log_;
  std::function<void(bool)> a20_listener_;
  std::function<void()> reset_listener_;
  IoRegistration registration_;
};

}  // namespace trapeze
