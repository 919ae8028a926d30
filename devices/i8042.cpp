#include "devices/i8042.h"

#include <fmt/format.h>

#include "cpu/log.h"
#include "devices/scan_codes.h"

namespace trapeze {

using namespace i8042;

I8042::I8042(IoBus& bus, Ps2Device* keyboard, Ps2Device* aux)
    : keyboard_(keyboard),
      aux_(aux),
      log_(log::component("kbd")),
      data_registration_(bus.map("i8042-data", kDataPort, kDataPort, kIoWidth8, *this)),
      command_registration_(
          bus.map("i8042-command", kCommandPort, kCommandPort, kIoWidth8, *this)) {
  // A device with a byte to send raises its clock; the controller takes the byte when its
  // buffer and the port allow.
  if (keyboard_ != nullptr) keyboard_->set_output_listener([this] { service_output(); });
  if (aux_ != nullptr) aux_->set_output_listener([this] { service_output(); });
  reset();
}

I8042::~I8042() {
  if (keyboard_ != nullptr) keyboard_->set_output_listener(nullptr);
  if (aux_ != nullptr) aux_->set_output_listener(nullptr);
}

void I8042::reset() {
  ram_.fill(0);
  ram_[0] = kPowerOnCommandByte;
  output_ = 0;
  output_full_ = false;
  output_from_aux_ = false;
  last_write_command_ = false;
  timeout_ = false;
  translate_break_ = false;
  pending_command_ = 0;
  replies_.clear();
  // Keep the current gate in the latch so set_a20() only reports a real change.
  output_port_ = static_cast<uint8_t>(kOutReset | (output_port_ & kOutA20));
  set_a20(true);
  update_irqs();
  service_output();
}

// ---- Status and output port ----

uint8_t I8042::status() const {
  uint8_t value = kStatusUnlocked;
  if (output_full_) value |= kStatusOutputFull;
  if (ram_[0] & kCtrSystem) value |= kStatusSystem;
  if (last_write_command_) value |= kStatusCommand;
  if (output_full_ && output_from_aux_) value |= kStatusAuxData;
  if (timeout_) value |= kStatusTimeout;
  return value;
}

uint8_t I8042::output_port() const {
  // Bits 0-1 are latched; the rest are pins the firmware drives: the interrupt outputs,
  // and the clock lines, held low while a port is disabled (data lines idle high).
  uint8_t value = output_port_ & (kOutReset | kOutA20);
  value |= kOutAuxData | kOutKbdData;
  if (!(ram_[0] & kCtrAuxDisable)) value |= kOutAuxClock;
  if (!(ram_[0] & kCtrKbdDisable)) value |= kOutKbdClock;
  if (irq1_.level()) value |= kOutKbdIrq;
  if (irq12_.level()) value |= kOutAuxIrq;
  return value;
}

uint8_t I8042::peek(uint16_t port) const { return port == kCommandPort ? status() : output_; }

// ---- Output buffer ----

void I8042::queue_reply(uint8_t value, bool aux) {
  replies_.push_back({value, aux});
  service_output();
}

void I8042::service_output() {
  if (output_full_) return;
  if (!replies_.empty()) {
    const QueuedByte byte = replies_.front();
    replies_.pop_front();
    load_output(byte.value, byte.aux);
    return;
  }
  const bool translate = ram_[0] & kCtrTranslate;
  while (keyboard_ != nullptr && !(ram_[0] & kCtrKbdDisable) && keyboard_->has_output()) {
    uint8_t value = keyboard_->take_output();
    if (translate) {
      // The break prefix is folded into the byte after it and never reaches the host.
      if (value == 0xF0) {
        translate_break_ = true;
        continue;
      }
      value = translate_set2_to_set1(value);
      if (translate_break_) value |= 0x80;
      translate_break_ = false;
    }
    load_output(value, false);
    return;
  }
  if (aux_ != nullptr && !(ram_[0] & kCtrAuxDisable) && aux_->has_output()) {
    load_output(aux_->take_output(), true);
  }
}

void I8042::load_output(uint8_t value, bool aux) {
  output_ = value;
  output_full_ = true;
  output_from_aux_ = aux;
  update_irqs();
}

void I8042::update_irqs() {
  irq1_.set(output_full_ && !output_from_aux_ && (ram_[0] & kCtrKbdInt));
  irq12_.set(output_full_ && output_from_aux_ && (ram_[0] & kCtrAuxInt));
}

uint8_t I8042::read_data() {
  // An empty buffer reads as the last byte again, without side effects.
  const uint8_t value = output_;
  if (output_full_) {
    output_full_ = false;
    update_irqs();     // the falling edge ...
    service_output();  // ... and the next byte's rising edge
  }
  return value;
}

// ---- Host writes ----

void I8042::send_to_device(Ps2Device* device, uint8_t value, bool aux) {
  timeout_ = false;
  if (device == nullptr) {
    // Nothing answers on the wire: the firmware gives up, flags the timeout and puts
    // FE in the buffer, which drivers take as "no device".
    timeout_ = true;
    queue_reply(kDeviceTimeout, aux);
    return;
  }
  device->receive_from_host(value);
  service_output();
}

void I8042::write_data(uint8_t value) {
  const uint8_t command = pending_command_;
  pending_command_ = 0;
  if (command >= kCmdWriteRam && command < kCmdWriteRam + ram_.size()) {
    if (command == kCmdWriteRam) {
      write_command_byte(value);
    } else {
      ram_[command - kCmdWriteRam] = value;
    }
    return;
  }
  switch (command) {
    case 0:
      // Sending to the keyboard needs its clock, so it re-enables the port (the firmware
      // clears command byte bit 4, as QEMU also models).
      ram_[0] &= static_cast<uint8_t>(~kCtrKbdDisable);
      send_to_device(keyboard_, value, false);
      return;
    case kCmdWriteOutputPort:
      write_output_port(value);
      return;
    case kCmdWriteKbdOutput:
      queue_reply(value, false);
      return;
    case kCmdWriteAuxOutput:
      queue_reply(value, true);
      return;
    case kCmdWriteAux:
      send_to_device(aux_, value, true);
      return;
    case kCmdPasswordLoad:
      // The password arrives as scan codes ending with 0; it is not kept (no password
      // is ever "installed", see A4).
      if (value != 0) pending_command_ = kCmdPasswordLoad;
      return;
    default:
      return;
  }
}

void I8042::write_command_byte(uint8_t value) {
  ram_[0] = value;
  if (!(value & kCtrTranslate)) translate_break_ = false;
  update_irqs();
  service_output();  // a port may just have been enabled
}

void I8042::write_output_port(uint8_t value) {
  set_a20(value & kOutA20);
  // Bit 0 low holds the CPU in reset; the board resets the machine, after which the
  // line is high again, so the latch keeps reading 1.
  if (!(value & kOutReset)) request_reset();
}

void I8042::set_a20(bool enabled) {
  const bool was_enabled = a20_enabled();
  output_port_ =
      static_cast<uint8_t>(enabled ? (output_port_ | kOutA20) : (output_port_ & ~kOutA20));
  if (enabled == was_enabled) return;
  log_->debug("i8042: A20 {}", enabled ? "enabled" : "disabled");
  if (a20_listener_) a20_listener_(enabled);
}

void I8042::request_reset() {
  log_->debug("i8042: CPU reset requested");
  if (reset_listener_) reset_listener_();
}

void I8042::run_command(uint8_t command) {
  pending_command_ = 0;
  if (command >= kCmdReadRam && command < kCmdReadRam + ram_.size()) {
    queue_reply(ram_[command - kCmdReadRam]);
    return;
  }
  if (command >= kCmdWriteRam && command < kCmdWriteRam + ram_.size()) {
    pending_command_ = command;
    return;
  }
  if (command >= kCmdPulseOutput) {
    // Bits 0-3 low select the P20-P23 pins to pulse for 6 us. Only P20 (reset) has an
    // effect worth modelling; a 6 us dip of A20 or the aux lines is invisible.
    if (!(command & kOutReset)) request_reset();
    return;
  }
  switch (command) {
    case kCmdPasswordTest:
      queue_reply(kNoPasswordInstalled);
      return;
    case kCmdPasswordLoad:
      pending_command_ = command;
      return;
    case kCmdPasswordEnable:
      // Without an installed password the firmware has nothing to enable.
      log::once(log_, "i8042: password enable (A6) ignored: no password installed");
      return;
    case kCmdAuxDisable:
      ram_[0] |= kCtrAuxDisable;
      return;
    case kCmdAuxEnable:
      ram_[0] &= static_cast<uint8_t>(~kCtrAuxDisable);
      service_output();
      return;
    case kCmdAuxTest:
    case kCmdKbdTest:
      queue_reply(kInterfaceTestPassed);
      return;
    case kCmdSelfTest:
      // A passed self-test sets the system flag (IBM: 0 after power-on, 1 after the
      // self-test, and otherwise what command byte bit 2 says).
      ram_[0] |= kCtrSystem;
      queue_reply(kSelfTestPassed);
      return;
    case kCmdKbdDisable:
      ram_[0] |= kCtrKbdDisable;
      return;
    case kCmdKbdEnable:
      ram_[0] &= static_cast<uint8_t>(~kCtrKbdDisable);
      service_output();
      return;
    case kCmdReadInputPort:
      queue_reply(kInputPort);
      return;
    case kCmdReadOutputPort:
      queue_reply(output_port());
      return;
    case kCmdWriteOutputPort:
    case kCmdWriteKbdOutput:
    case kCmdWriteAuxOutput:
    case kCmdWriteAux:
      pending_command_ = command;
      return;
    case kCmdDisableA20:
    case kCmdEnableA20:
      set_a20(command == kCmdEnableA20);
      return;
    case kCmdReadTestInputs: {
      // T0 and T1 are the keyboard and aux clock lines, high unless held by the firmware.
      uint8_t inputs = 0;
      if (!(ram_[0] & kCtrKbdDisable)) inputs |= 0x01;
      if (!(ram_[0] & kCtrAuxDisable)) inputs |= 0x02;
      queue_reply(inputs);
      return;
    }
    default:
      // C1/C2 (input port polling), AC (diagnostic dump), A1 (vendor version) and the
      // undefined codes: real controllers ignore what their firmware does not know.
      log::once(log_, fmt::format("i8042: unimplemented command {:#04x} ignored", command));
      return;
  }
}

// ---- IoHandler ----

uint32_t I8042::io_read(uint16_t port, unsigned /*size_bytes*/) {
  return port == kCommandPort ? status() : read_data();
}

void I8042::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  const uint8_t byte = static_cast<uint8_t>(value);
  if (port == kCommandPort) {
    last_write_command_ = true;
    run_command(byte);
  } else {
    last_write_command_ = false;
    write_data(byte);
  }
}

}  // namespace trapeze
