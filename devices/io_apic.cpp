#include "devices/io_apic.h"

#include <fmt/format.h>

#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

// Writable bits of an entry's low half: vector, delivery mode, destination mode,
// polarity, trigger mode, mask (delivery status and remote IRR are read-only).
constexpr uint64_t kLowWritable = 0x1AFFF;
constexpr uint64_t kDestinationMask = 0xFF00000000000000;

bool counts_remote_irr(ApicDelivery mode) {
  return mode == ApicDelivery::kFixed || mode == ApicDelivery::kLowestPriority;
}

}  // namespace

IoApic::IoApic(AddressMap& memory, LocalApic& apic, uint64_t base)
    : memory_(memory), apic_(apic), base_(base), log_(log::component("ioapic")) {
  reset();
  memory_.map_mmio("io-apic", base_, kPageBytes, *this);
  apic_.set_eoi_broadcast([this](uint8_t vector) { end_of_interrupt(vector); });
}

IoApic::~IoApic() {
  apic_.set_eoi_broadcast(nullptr);
  memory_.unmap(base_);
}

void IoApic::reset() {
  redirection_.fill(kMasked);
  select_ = id_ = arbitration_id_ = 0;
}

IrqLine::Sink IoApic::input(unsigned pin) {
  if (pin >= kPins)
    throw std::out_of_range(fmt::format("I/O APIC input {} does not exist (0-{})", pin, kPins - 1));
  if (sources_[pin] >= kMaxSourcesPerPin)
    throw std::out_of_range(
        fmt::format("I/O APIC input {}: more than {} sources", pin, kMaxSourcesPerPin));
  const unsigned source = ++sources_[pin];
  return [this, pin, source](bool level) { set_source(pin, source, level); };
}

void IoApic::set_source(unsigned pin, unsigned source, bool level) {
  uint32_t& sources = source_levels_.at(pin);
  sources = level ? sources | 1u << source : sources & ~(1u << source);
  const bool asserted = sources != 0;
  const uint32_t bit = 1u << pin;
  if (asserted == ((levels_ & bit) != 0)) return;  // the wire-OR did not change
  const bool rising = asserted && !(levels_ & bit);
  levels_ = asserted ? levels_ | bit : levels_ & ~bit;
  const uint64_t entry = redirection_[pin];
  if (entry & kMasked) return;  // edges are lost, levels wait for the unmask
  if (entry & kLevelTriggered) {
    service_level(pin);
  } else if (rising) {
    deliver(pin);
  }
}

void IoApic::service_level(unsigned pin) {
  const uint64_t entry = redirection_[pin];
  if ((entry & (kMasked | kRemoteIrr)) || !(entry & kLevelTriggered) || !input_level(pin)) return;
  deliver(pin);
}

void IoApic::deliver(unsigned pin) {
  uint64_t& entry = redirection_[pin];
  ApicMessage message;
  message.vector = static_cast<uint8_t>(entry);
  message.delivery = static_cast<ApicDelivery>((entry >> 8) & 7);
  message.logical = entry & kLogical;
  message.destination = static_cast<uint8_t>(entry >> 56);
  message.level_triggered = entry & kLevelTriggered;
  // A level interrupt is in service until its EOI comes back.
  if (message.level_triggered && counts_remote_irr(message.delivery)) entry |= kRemoteIrr;
  apic_.receive(message);
}

void IoApic::end_of_interrupt(uint8_t vector) {
  for (unsigned pin = 0; pin < kPins; ++pin) {
    uint64_t& entry = redirection_[pin];
    if (!(entry & kRemoteIrr) || static_cast<uint8_t>(entry) != vector) continue;
    entry &= ~kRemoteIrr;
    service_level(pin);  // still asserted: the next interrupt
  }
}

uint32_t IoApic::peek_register(uint8_t index) const {
  switch (index) {
    case kIdRegister:
      return uint32_t{id_} << 24;
    case kVersionRegister:
      return kVersion;
    case kArbitrationRegister:
      return uint32_t{arbitration_id_} << 24;
    default:
      break;
  }
  if (index >= kRedirectionBase && index < kRedirectionBase + 2 * kPins) {
    const uint64_t entry = redirection_[(index - kRedirectionBase) / 2];
    return static_cast<uint32_t>((index & 1) ? entry >> 32 : entry);
  }
  return 0;
}

void IoApic::write_register(uint8_t index, uint32_t value) {
  if (index == kIdRegister) {
    id_ = (value >> 24) & 0xF;
    arbitration_id_ = id_;  // the arbitration ID is loaded with the ID (datasheet 3.2.2)
    return;
  }
  if (index < kRedirectionBase || index >= kRedirectionBase + 2 * kPins) return;  // read-only
  const unsigned pin = (index - kRedirectionBase) / 2;
  uint64_t& entry = redirection_[pin];
  if (index & 1) {
    entry = (entry & ~kDestinationMask) | (uint64_t{value} << 32 & kDestinationMask);
    return;
  }
  entry = (entry & (kDestinationMask | kRemoteIrr)) | (value & kLowWritable);
  if (!(entry & kLevelTriggered)) entry &= ~kRemoteIrr;
  service_level(pin);  // unmasked (or re-armed) while the line is high
}

uint64_t IoApic::read(uint64_t offset, unsigned size_bytes) {
  const uint64_t reg = offset & ~uint64_t{3};
  const unsigned shift = 8 * (offset & 3);
  uint64_t value = 0;
  if (reg == kRegisterSelect) {
    value = select_;
  } else if (reg == kWindow) {
    value = peek_register(select_);
  }
  value >>= shift;
  if (size_bytes < 8) value &= (uint64_t{1} << (8 * size_bytes)) - 1;
  return value;
}

void IoApic::write(uint64_t offset, unsigned size_bytes, uint64_t value) {
  const uint64_t reg = offset & ~uint64_t{3};
  const unsigned shift = 8 * (offset & 3);
  if (reg == kRegisterSelect) {
    if (shift == 0) select_ = static_cast<uint8_t>(value);
    return;
  }
  if (reg != kWindow) return;
  // A narrow write changes its bytes of the selected register.
  const uint64_t width_mask = size_bytes >= 4 ? 0xFFFFFFFF : (uint64_t{1} << (8 * size_bytes)) - 1;
  const uint32_t mask = static_cast<uint32_t>(width_mask << shift);
  const uint32_t merged =
      (peek_register(select_) & ~mask) | (static_cast<uint32_t>(value << shift) & mask);
  write_register(select_, merged);
}

}  // namespace trapeze
