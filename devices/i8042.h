// The PC keyboard controller: an Intel 8042 with IBM's PS/2 firmware (registers and
// commands in i8042_registers.h), with a keyboard port and an auxiliary (mouse) port, the
// A20 gate and the CPU reset line on its output port.
//
// Data flow. The controller has one output buffer (port 0x60) for three sources, taken
// in this order whenever the buffer is empty: its own command replies (and bytes the
// guest loops back with D2/D3), then the keyboard, then the aux device. A device's bytes
// wait in the device while the buffer is full or its port is disabled (clock held low),
// exactly as the wire protocol makes them wait. Keyboard bytes are translated from set
// 2 to set 1 when command byte bit 6 is set: F0 is swallowed and sets bit 7 of the next
// byte.
//
// Interrupts. IRQ1 follows "buffer holds a keyboard byte and command byte bit 0", IRQ12
// "buffer holds an aux byte and bit 1": the levels of the 8042's P24/P25 pins. Reading
// port 0x60 empties the buffer, dropping the line, and the next byte (if any) is loaded at
// once, raising it again: the edge-triggered PIC sees one rising edge per byte. Writes
// are taken at once, so IBF never reads as set.
//
// Power-on state. A real controller's ROM leaves the command byte for the BIOS to set;
// this one starts in the state SeaBIOS leaves it (0x61: keyboard interrupt, translation,
// aux port disabled), so a guest booted without firmware (--kernel) finds a controller
// as after a BIOS. A20 starts enabled, like the MMU.
//
// Wiring (the board): ports 0x60 and 0x64 (8-bit); keyboard_irq() to IRQ1 and aux_irq()
// to IRQ12 of the PICs / I/O APIC; the A20 listener ORed with port 0x92's gate into the
// MMU's A20; the reset listener requests a machine reset (it is called from inside the
// guest's OUT instruction, so the board should defer the reset to the end of the
// instruction). The keyboard and aux device must outlive the controller; either may be
// null (no device: writes to it time out with 0xFE, as with nothing plugged in).
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "devices/i8042_registers.h"
#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/ps2_device.h"

namespace trapeze {

class I8042 : public IoHandler {
 public:
  static constexpr uint16_t kDataPort = 0x60;
  static constexpr uint16_t kCommandPort = 0x64;  // the status register when read
  static constexpr uint8_t kPowerOnCommandByte =
      i8042::kCtrKbdInt | i8042::kCtrAuxDisable | i8042::kCtrTranslate;
  // Input port (command C0): keylock off, colour display, no manufacturing jumper, and
  // the keyboard and aux data lines idle high.
  static constexpr uint8_t kInputPort = 0xA3;

  I8042(IoBus& bus, Ps2Device* keyboard, Ps2Device* aux);
  I8042(const I8042&) = delete;
  I8042& operator=(const I8042&) = delete;
  ~I8042() override;

  // Power-on state (see the header comment). Does not reset the devices, which have
  // their own reset(). Tells the A20 listener if the gate changes.
  void reset();

  IrqLine& keyboard_irq() { return irq1_; }
  IrqLine& aux_irq() { return irq12_; }
  // Told the 8042's A20 gate whenever it changes (output port bit 1, DD/DF).
  void set_a20_listener(std::function<void(bool)> listener) { a20_listener_ = std::move(listener); }
  // Called when the guest pulses or drives the reset line low (FE, F0-FF with bit 0
  // clear, D1 with bit 0 clear).
  void set_reset_listener(std::function<void()> listener) { reset_listener_ = std::move(listener); }

  // ---- State, without side effects (debugger, tests) ----
  bool a20_enabled() const { return (output_port_ & i8042::kOutA20) != 0; }
  uint8_t command_byte() const { return ram_[0]; }
  uint8_t status() const;
  // The output port as command D0 reads it: the latched bits plus the live pins.
  uint8_t output_port() const;
  // What a read of `port` (0x60 or 0x64) would return, without emptying the buffer.
  uint8_t peek(uint16_t port) const;

  // ---- IoHandler ----
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  struct QueuedByte {
    uint8_t value = 0;
    bool aux = false;
  };

  uint8_t read_data();
  void write_data(uint8_t value);
  void run_command(uint8_t command);
  void write_command_byte(uint8_t value);
  void write_output_port(uint8_t value);
  void set_a20(bool enabled);
  void request_reset();
  // A reply from the controller itself (or a loopback byte), tagged with its port.
  void queue_reply(uint8_t value, bool aux = false);
  void send_to_device(Ps2Device* device, uint8_t value, bool aux);
  // Fills the output buffer from the next source that has a byte, if it is empty.
  void service_output();
  void load_output(uint8_t value, bool aux);
  void update_irqs();

  Ps2Device* keyboard_;
  Ps2Device* aux_;
  IrqLine irq1_;
  IrqLine irq12_;
  std::function<void(bool)> a20_listener_;
  std::function<void()> reset_listener_;
  std::shared_ptr<spdlog::logger> log_;

  // The controller's 32 bytes of RAM; byte 0 is the command byte.
  std::array<uint8_t, 32> ram_{};
  uint8_t output_port_ = i8042::kOutReset | i8042::kOutA20;  // latched bits 0-1
  uint8_t output_ = 0;        // the output buffer (reads return it even when empty)
  bool output_full_ = false;  // OBF
  bool output_from_aux_ = false;
  bool last_write_command_ = false;  // A2
  bool timeout_ = false;
  bool translate_break_ = false;  // translation saw F0: the next byte gets bit 7
  uint8_t pending_command_ = 0;   // the command whose data byte port 0x60 takes next, or 0
  std::deque<QueuedByte> replies_;

  IoRegistration data_registration_;
  IoRegistration command_registration_;
};

}  // namespace trapeze
