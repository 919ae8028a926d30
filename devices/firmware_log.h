// SeaBIOS's debug output port, 0x402 on QEMU (CONFIG_DEBUG_IO, QEMU's "isa-debugcon"
// at iobase 0x402 as `-debugcon` sets it up for firmware logs): each byte written is one
// character of the firmware's log. SeaBIOS reads the port once at start-up and logs
// there only if it reads 0xE9 (hw/serialio.c, qemu_debug_preinit; fw/paravirt.h,
// QEMU_DEBUGCON_READBACK), so reads return 0xE9.
//
// Wiring (the board): construct on the machine's IoBus (port 0x402, 8-bit) with the
// CharOutput for --firmware-log, which must outlive it.
#pragma once

#include <cstdint>

#include "devices/char_output.h"
#include "devices/io_bus.h"

namespace trapeze {

class FirmwareLog : public IoHandler {
 public:
  static constexpr uint16_t kPort = 0x402;
  static constexpr uint8_t kPresent = 0xE9;

  FirmwareLog(IoBus& io, CharOutput& output);

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  CharOutput& output_;
  IoRegistration registration_;
};

}  // namespace trapeze
