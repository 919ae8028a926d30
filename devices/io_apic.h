// The I/O APIC: an Intel 82093AA (datasheet, order number 290566), as on QEMU's pc
// board at 0xFEC00000. Its 24 input pins carry the ISA and PCI interrupt lines; each pin
// has a redirection entry that turns an edge or a level into an interrupt message on
// the APIC bus (vector, delivery mode, destination) for the local APIC.
//
// Wiring (the board does this once):
//   IoApic io_apic(memory, local_apic);         // maps 0xFEC00000-0xFEC00FFF; takes
//                                               // the local APIC's EOI broadcast
//   line.connect(io_apic.input(pin));           // ISA IRQ n -> pin n, except IRQ 0 ->
//                                               // pin 2 (the MADT/MP override)
// On QEMU's pc the PCI interrupts reach the I/O APIC through the PIIX3's PIRQ router, on
// the pins of the ISA IRQs they are routed to (its MADT declares IRQs 5, 9, 10 and 11
// level-triggered, active high); pins 16-23 are not connected.
// The sinks input() returns point at the IoApic; both it and the LocalApic must outlive
// the lines wired to them.
//
// Registers: IOREGSEL at +0x00 selects, IOWIN at +0x10 reads or writes the selected
// 32-bit register: 0x00 ID, 0x01 version (0x00170011: version 0x11, 24 entries), 0x02
// arbitration ID, 0x10 + 2n / 0x11 + 2n the low / high half of redirection entry n.
//
// Modelling choices:
// - Input levels are the asserted state, not the electrical level: the board's
//   IrqLines are active-high whatever the wire (the PIIX3 inverts the PCI lines for the
//   8259 too). The polarity bit is kept but does not invert, as in QEMU (hw/intc/
//   ioapic.c) - Linux programs active-low for PCI pins from the firmware's tables.
// - Several lines may drive one pin (wired-OR), as with the 8259 (pic8259.h).
// - Edge-triggered pins deliver on the rising edge; an edge that arrives while masked is
//   lost (datasheet, "Interrupt Mask"). Level-triggered fixed/lowest-priority pins
//   deliver while asserted and unmasked with remote IRR clear, set remote IRR, and are
//   re-examined when an EOI message with their vector clears it.
// - Writing an entry's low half with edge trigger clears its remote IRR, as QEMU does:
//   Linux relies on it to unstick a level interrupt on I/O APICs without an EOI
//   register (mask, switch to edge, switch back).
// - Delivery is instantaneous: delivery status always reads 0.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>

#include "devices/irq_line.h"
#include "devices/local_apic.h"
#include "mmu/address_map.h"

namespace trapeze {

class IoApic : public MmioHandler {
 public:
  static constexpr uint64_t kDefaultBase = 0xFEC00000;
  static constexpr uint64_t kPageBytes = 0x1000;
  static constexpr unsigned kPins = 24;
  static constexpr uint32_t kVersion = 0x00170011;
  // MMIO offsets.
  static constexpr uint32_t kRegisterSelect = 0x00, kWindow = 0x10;
  // Register indexes.
  static constexpr uint8_t kIdRegister = 0x00, kVersionRegister = 0x01, kArbitrationRegister = 0x02,
                           kRedirectionBase = 0x10;
  // Redirection entry bits.
  static constexpr uint64_t kLogical = 1u << 11;
  static constexpr uint64_t kDeliveryStatus = 1u << 12;
  static constexpr uint64_t kActiveLow = 1u << 13;
  static constexpr uint64_t kRemoteIrr = 1u << 14;
  static constexpr uint64_t kLevelTriggered = 1u << 15;
  static constexpr uint64_t kMasked = 1u << 16;

  // Maps the registers at `base` in `memory` and becomes `apic`'s EOI listener; both
  // must outlive the I/O APIC.
  IoApic(AddressMap& memory, LocalApic& apic, uint64_t base = kDefaultBase);
  IoApic(const IoApic&) = delete;
  IoApic& operator=(const IoApic&) = delete;
  ~IoApic() override;

  // RESET: every entry masked, ID 0. Input levels stay: they belong to the devices.
  void reset();

  // A sink for input pin `pin` (0-23), for IrqLine::connect. Each call makes a new
  // source: the sources of one pin are wired-OR (an ISA device and the PIIX3's PCI
  // interrupt routed to the same IRQ), up to kMaxSourcesPerPin. Throws std::out_of_range
  // for a pin the chip does not have, or one source too many (wiring bugs).
  IrqLine::Sink input(unsigned pin);
  static constexpr unsigned kMaxSourcesPerPin = 31;
  // Drives one more source of `pin` directly (tests, the monitor), ORed with the sinks.
  void set_input(unsigned pin, bool asserted) { set_source(pin, 0, asserted); }
  // The EOI message from a local APIC (LocalApic::set_eoi_broadcast).
  void end_of_interrupt(uint8_t vector);

  // MmioHandler.
  uint64_t read(uint64_t offset, unsigned size_bytes) override;
  void write(uint64_t offset, unsigned size_bytes, uint64_t value) override;

  // State without side effects (monitor, traces, tests).
  uint32_t peek_register(uint8_t index) const;
  uint64_t redirection(unsigned pin) const { return redirection_.at(pin); }
  uint8_t selected_register() const { return select_; }
  bool input_level(unsigned pin) const { return (levels_ >> pin) & 1; }
  uint8_t id() const { return id_; }

 private:
  void set_source(unsigned pin, unsigned source, bool asserted);
  void write_register(uint8_t index, uint32_t value);
  // Delivers pin `pin` if it is level-triggered, asserted, unmasked and not in service.
  void service_level(unsigned pin);
  void deliver(unsigned pin);

  AddressMap& memory_;
  LocalApic& apic_;
  uint64_t base_;
  std::array<uint64_t, kPins> redirection_{};
  uint32_t levels_ = 0;  // bit n: pin n asserted (some source is)
  // Per pin: bit n is source n's level (bit 0 set_input(), the others input() sinks), and
  // how many sources have been handed out.
  std::array<uint32_t, kPins> source_levels_{};
  std::array<unsigned, kPins> sources_{};
  uint8_t select_ = 0;
  uint8_t id_ = 0;
  uint8_t arbitration_id_ = 0;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace trapeze
