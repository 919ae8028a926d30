#include "devices/pic8259.h"

#include <fmt/format.h>

#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

constexpr uint8_t bit(unsigned pin) { return static_cast<uint8_t>(1u << (pin & 7)); }

// OCW2 commands (bits 7-5: R, SL, EOI), datasheet table 2.
enum Ocw2 : uint8_t {
  kRotateAeoiClear = 0,
  kNonSpecificEoi = 1,
  kNoOperation = 2,
  kSpecificEoi = 3,
  kRotateAeoiSet = 4,
  kRotateNonSpecificEoi = 5,
  kSetPriority = 6,
  kRotateSpecificEoi = 7,
};

}  // namespace

// ---- One 8259A ----

Pic8259Chip::Pic8259Chip(bool is_master) : is_master_(is_master) { reset(); }

void Pic8259Chip::reset() {
  init_step_ = InitStep::kReady;
  icw1_ = icw2_ = icw3_ = icw4_ = 0;
  irr_ = isr_ = imr_ = 0;
  lowest_priority_ = 7;
  read_isr_ = poll_pending_ = special_mask_ = rotate_in_aeoi_ = false;
  // The input pins and the ELCR are outside the chip: a level input still high after
  // the reset is still requesting.
  irr_ = input_levels_ & level_pins();
}

void Pic8259Chip::write_icw1(uint8_t value) {
  icw1_ = value;
  // Without IC4 "all functions selected in ICW4 are set to zero" (datasheet, ICW1).
  icw4_ = 0;
  imr_ = 0;
  isr_ = 0;  // see the header: stale in-service bits would block their levels for good
  // The edge sense circuit is reset: an edge input must go low and high again to
  // request; a level input requests while it is high.
  irr_ = input_levels_ & level_pins();
  lowest_priority_ = 7;
  special_mask_ = false;
  read_isr_ = false;
  poll_pending_ = false;
  rotate_in_aeoi_ = false;
  init_step_ = InitStep::kIcw2;
}

void Pic8259Chip::write_command(uint8_t value) {
  if (value & kIcw1) {
    write_icw1(value);
  } else if (value & kOcw3) {
    write_ocw3(value);
  } else {
    write_ocw2(value);
  }
}

void Pic8259Chip::write_data(uint8_t value) {
  const bool icw4_follows = icw1_ & kIcw1Ic4;
  switch (init_step_) {
    case InitStep::kIcw2:
      icw2_ = value;
      if (!(icw1_ & kIcw1Sngl)) {
        init_step_ = InitStep::kIcw3;
      } else {
        init_step_ = icw4_follows ? InitStep::kIcw4 : InitStep::kReady;
      }
      break;
    case InitStep::kIcw3:
      icw3_ = value;
      init_step_ = icw4_follows ? InitStep::kIcw4 : InitStep::kReady;
      break;
    case InitStep::kIcw4:
      icw4_ = value;
      init_step_ = InitStep::kReady;
      break;
    case InitStep::kReady:
      imr_ = value;  // OCW1
      break;
  }
}

void Pic8259Chip::write_ocw2(uint8_t value) {
  const unsigned level = value & 7;
  switch (value >> 5) {
    case kNonSpecificEoi:
      if (auto pin = highest_in_service()) isr_ &= static_cast<uint8_t>(~bit(*pin));
      break;
    case kSpecificEoi:
      isr_ &= static_cast<uint8_t>(~bit(level));
      break;
    case kRotateNonSpecificEoi:
      // The level just serviced becomes the lowest: equal-priority devices take turns.
      if (auto pin = highest_in_service()) {
        isr_ &= static_cast<uint8_t>(~bit(*pin));
        lowest_priority_ = *pin;
      }
      break;
    case kRotateSpecificEoi:
      isr_ &= static_cast<uint8_t>(~bit(level));
      lowest_priority_ = level;
      break;
    case kSetPriority:
      lowest_priority_ = level;
      break;
    case kRotateAeoiSet:
      rotate_in_aeoi_ = true;
      break;
    case kRotateAeoiClear:
      rotate_in_aeoi_ = false;
      break;
    case kNoOperation:
    default:
      break;
  }
}

void Pic8259Chip::write_ocw3(uint8_t value) {
  if (value & kOcw3Esmm) special_mask_ = value & kOcw3Smm;
  // A poll command outranks a read-register command given in the same OCW3.
  if (value & kOcw3Poll) poll_pending_ = true;
  if (value & kOcw3ReadReg) read_isr_ = value & kOcw3ReadIsr;
}

uint8_t Pic8259Chip::poll() {
  // The poll read is an acknowledge: the level goes in service as with INTA. Bit 7 says
  // whether there was a request, bits 0-2 which.
  poll_pending_ = false;
  const auto pin = acknowledge();
  return pin ? static_cast<uint8_t>(0x80 | *pin) : 0x00;
}

uint8_t Pic8259Chip::read_command() {
  if (poll_pending_) return poll();
  return peek_command();
}

uint8_t Pic8259Chip::read_data() {
  if (poll_pending_) return poll();
  return peek_data();
}

uint8_t Pic8259Chip::peek_command() const {
  if (poll_pending_) {
    const auto pin = highest_request();
    return pin ? static_cast<uint8_t>(0x80 | *pin) : 0x00;
  }
  return read_isr_ ? isr_ : irr_;
}

uint8_t Pic8259Chip::peek_data() const {
  if (poll_pending_) return peek_command();
  return imr_;
}

void Pic8259Chip::set_input(unsigned pin, bool level) {
  const uint8_t b = bit(pin);
  const bool was_high = input_levels_ & b;
  if (level) {
    input_levels_ |= b;
  } else {
    input_levels_ &= static_cast<uint8_t>(~b);
  }
  if (level_pins() & b) {
    // Level sensing: the request is the line.
    if (level) {
      irr_ |= b;
    } else {
      irr_ &= static_cast<uint8_t>(~b);
    }
  } else if (level && !was_high) {
    irr_ |= b;  // the rising edge is latched until acknowledged
  }
}

void Pic8259Chip::set_level_triggered_pins(uint8_t mask) {
  elcr_ = mask;
  const uint8_t level = level_pins();
  irr_ = static_cast<uint8_t>((irr_ & ~level) | (input_levels_ & level));
}

bool Pic8259Chip::is_cascade_input(unsigned pin) const {
  return is_master_ && !(icw1_ & kIcw1Sngl) && (icw3_ & bit(pin));
}

std::optional<unsigned> Pic8259Chip::highest_request() const {
  const uint8_t pending = irr_ & static_cast<uint8_t>(~imr_);
  if (pending == 0) return std::nullopt;
  for (unsigned k = 0; k < 8; ++k) {
    const unsigned pin = (lowest_priority_ + 1 + k) & 7;
    const uint8_t b = bit(pin);
    if (special_mask_) {
      // Special mask mode: every unmasked level may interrupt, lower ones too; only a
      // level already in service cannot interrupt itself (datasheet, "Special Mask Mode").
      if ((pending & b) && !(isr_ & b)) return pin;
      continue;
    }
    if (isr_ & b) {
      // Fully nested: nothing at or below an in-service level. Special fully nested mode
      // lets a slave's request through while an earlier one of the same slave is in
      // service, so the slave's own priorities apply (datasheet, "Special Fully Nest Mode").
      if ((icw4_ & kIcw4Sfnm) && is_cascade_input(pin) && (pending & b)) return pin;
      return std::nullopt;
    }
    if (pending & b) return pin;
  }
  return std::nullopt;
}

std::optional<unsigned> Pic8259Chip::highest_in_service() const {
  for (unsigned k = 0; k < 8; ++k) {
    const unsigned pin = (lowest_priority_ + 1 + k) & 7;
    if (isr_ & bit(pin)) return pin;
  }
  return std::nullopt;
}

std::optional<unsigned> Pic8259Chip::acknowledge() {
  const auto pin = highest_request();
  if (!pin) return std::nullopt;
  const uint8_t b = bit(*pin);
  // An edge request is consumed; a level input keeps requesting while its line is high,
  // held off by the ISR bit until the EOI.
  if (!(level_pins() & b)) irr_ &= static_cast<uint8_t>(~b);
  if (icw4_ & kIcw4Aeoi) {
    // AEOI: the ISR bit is set and cleared again within the INTA sequence.
    if (rotate_in_aeoi_) lowest_priority_ = *pin;
  } else {
    isr_ |= b;
  }
  return pin;
}

// ---- The cascaded pair ----

Pic8259::Pic8259(IoBus& bus)
    : log_(log::component("pic")),
      master_registration_(bus.map("pic-master", kMasterPort, kMasterPort + 1, kIoWidth8, *this)),
      slave_registration_(bus.map("pic-slave", kSlavePort, kSlavePort + 1, kIoWidth8, *this)) {
  update();
}

void Pic8259::reset() {
  master_.reset();
  slave_.reset();
  update();
}

IrqLine::Sink Pic8259::input(unsigned irq) {
  if (irq >= kIrqCount) throw std::invalid_argument(fmt::format("pic: there is no IRQ {}", irq));
  if (sources_[irq] >= kMaxSourcesPerIrq)
    throw std::invalid_argument(
        fmt::format("pic: more than {} sources on IRQ {}", kMaxSourcesPerIrq, irq));
  const unsigned source = ++sources_[irq];
  return [this, irq, source](bool level) { set_source(irq, source, level); };
}

void Pic8259::set_source(unsigned irq, unsigned source, bool level) {
  if (irq == kCascadeInput) {
    if (level)
      log::once(log_,
                "pic: a device raised IRQ 2, which is the slave's cascade input on an AT "
                "(ISA IRQ 2 devices belong on IRQ 9); ignored");
    return;
  }
  if (level) {
    source_levels_[irq] |= 1u << source;
  } else {
    source_levels_[irq] &= ~(1u << source);
  }
  const bool pin = source_levels_[irq] != 0;
  if (irq < 8) {
    master_.set_input(irq, pin);
  } else {
    slave_.set_input(irq - 8, pin);
  }
  update();
}

void Pic8259::set_level_triggered(uint16_t irq_mask) {
  master_.set_level_triggered_pins(static_cast<uint8_t>(irq_mask));
  slave_.set_level_triggered_pins(static_cast<uint8_t>(irq_mask >> 8));
  update();
}

void Pic8259::update() {
  master_.set_input(kCascadeInput, slave_.interrupt_output());
  intr_ = master_.interrupt_output();
}

uint8_t Pic8259::acknowledge_interrupt() {
  uint8_t vector = 0;
  const auto pin = master_.acknowledge();
  if (!pin) {
    // The request went away between INT and INTA: the master answers as IR7 and sets no
    // ISR bit, the spurious IRQ 7 that drivers check the ISR for.
    vector = master_.vector(7);
    log_->trace("spurious IRQ 7");
  } else if (master_.is_cascade_input(*pin)) {
    if (slave_.slave_id() != *pin) {
      // The master puts its IR number on the cascade lines and no slave recognises it:
      // nobody drives the data bus, which reads as all ones.
      log::once(log_, fmt::format("pic: slave ICW3 identity {} does not match its master input "
                                  "{}; the INTA cycle reads a floating bus (0xff)",
                                  slave_.slave_id(), *pin));
      vector = 0xFF;
    } else {
      // The slave resolves its own priorities. With nothing left it answers as its IR7
      // (spurious IRQ 15) while the master's IR2 stays in service, as on hardware.
      const auto slave_pin = slave_.acknowledge();
      vector = slave_.vector(slave_pin.value_or(7));
      if (!slave_pin) log_->trace("spurious IRQ 15");
    }
    master_.set_input(kCascadeInput, false);  // INTA drops the slave's INT (see header)
  } else {
    vector = master_.vector(*pin);
  }
  if (!master_.x86_mode() || !slave_.x86_mode())
    log::once(log_,
              "pic: 8259A initialised for MCS-80/85 (ICW4 uPM=0, or no ICW4); "
              "answering INTA with 8086 vectors");
  update();
  return vector;
}

uint8_t Pic8259::peek(uint16_t port) const {
  const Pic8259Chip& chip = (port & 0x80) ? slave_ : master_;
  return (port & 1) ? chip.peek_data() : chip.peek_command();
}

uint32_t Pic8259::io_read(uint16_t port, unsigned /*size_bytes*/) {
  Pic8259Chip& chip = (port & 0x80) ? slave_ : master_;
  const uint8_t value = (port & 1) ? chip.read_data() : chip.read_command();
  update();  // a poll read acknowledges
  return value;
}

void Pic8259::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  Pic8259Chip& chip = (port & 0x80) ? slave_ : master_;
  const auto byte = static_cast<uint8_t>(value);
  if (port & 1) {
    chip.write_data(byte);
  } else {
    chip.write_command(byte);
  }
  update();
}

}  // namespace trapeze
