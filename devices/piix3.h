// The Intel 82371SB PIIX3 PCI-to-ISA bridge, function 0 (8086:7000) at PCI 01.0 as on
// QEMU's pc machine: PCI interrupt routing (PIRQRC, config 0x60-0x63), the edge/level
// control registers of the 8259 pair (ELCR, ports 0x4D0/0x4D1) and the reset control
// register (port 0xCF9). Intel 82371FB/82371SB datasheet, sections 2.2 and 4.
//
// Interrupt routing. The four PCI interrupt lines PIRQA#-PIRQD# are shared, active-low
// and level-triggered; each PIRQRC register either steers its line to one ISA IRQ
// (bits 3:0, one of 3-7, 9-12, 14, 15) or, with bit 7 set (the reset value 0x80), to
// nothing. SeaBIOS (fw/pciinit.c, piix_isa_bridge_setup) programs 10, 10, 11, 11 and sets
// ELCR = 0x00/0x0C; Linux re-routes through ACPI's LNKA-LNKD (_SRS writes the same
// registers) or its PIRQ router. A device's INTx# pin reaches a PIRQ line by the board's
// swizzle (pirq_for), then the ISA IRQ this chip selects. Several devices on one PIRQ
// are wired-OR; several PIRQs on one IRQ likewise. The output is the PCI side's level
// per ISA IRQ ("asserted" = true); the interrupt controllers OR it with the ISA devices
// on the same input and treat it as level-triggered when the ELCR says so.
//
// Wiring (the board):
//  - construct after the PciBus with the machine's IoBus: ports 0x4D0-0x4D1, and the
//    PciBus's pass-through (byte and word accesses to 0xCF8-0xCFB) for 0xCF9;
//  - set_irq_output(): the PIC's (and I/O APIC's) input, called on every level change;
//  - set_elcr_listener(): the 8259 pair's edge/level mask (bit n = IRQ n), called on
//    every ELCR write and at reset;
//  - set_reset_listener(): machine reset, requested through 0xCF9;
//  - each PCI device: device.intx().connect(piix3.pci_interrupt(Piix3::pirq_for(...)));
//  - reset() on machine reset.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/pci_bus.h"
#include "devices/pci_device.h"

namespace trapeze {

class Piix3 : public PciDevice, public IoHandler {
 public:
  static constexpr PciAddress kAddress{1, 0};
  static constexpr uint16_t kVendorId = 0x8086;
  static constexpr uint16_t kDeviceId = 0x7000;

  static constexpr uint8_t kPirqRoute = 0x60;  // PIRQRC[A]-[D]: 0x60-0x63
  static constexpr uint8_t kPirqRouteDisable = 0x80;
  static constexpr uint8_t kPirqRouteIrqMask = 0x0F;
  static constexpr unsigned kPirqCount = 4;
  static constexpr uint8_t kTopOfMemory = 0x69;  // TOM

  static constexpr uint16_t kElcr1Port = 0x4D0;  // IRQ 0-7
  static constexpr uint16_t kElcr2Port = 0x4D1;  // IRQ 8-15
  // IRQ 0, 1, 2, 8 and 13 are always edge-triggered: their ELCR bits read as zero.
  static constexpr uint16_t kElcrMask = 0xDEF8;

  static constexpr uint16_t kResetControlPort = 0xCF9;
  static constexpr uint8_t kResetSystem = 0x02;  // SRST: hard (1) or soft (0) reset
  static constexpr uint8_t kResetCpu = 0x04;     // RCPU: writing 1 performs the reset

  Piix3(PciBus& bus, IoBus& io, PciAddress address = kAddress);
  ~Piix3() override;

  // PCIRST#: registers to their defaults (routing off), ELCR all edge.
  void reset();

  void set_irq_output(std::function<void(unsigned irq, bool level)> output);
  void set_elcr_listener(std::function<void(uint16_t level_mask)> listener);
  void set_reset_listener(std::function<void()> listener) { reset_listener_ = std::move(listener); }

  // An input for one device's INTx# on PIRQ line `pirq` (0 = PIRQA# ... 3 = PIRQD#).
  // Each call makes a new wired-OR input. The sinks call into this object, which must
  // outlive the lines connected to them.
  IrqLine::Sink pci_interrupt(unsigned pirq);

  // The i440FX board's swizzle (as QEMU's pc machine and SeaBIOS's piix_pci_slot_get_irq
  // have it): INTA# of slot 1 is PIRQA#, and each slot rotates by one.
  static unsigned pirq_for(unsigned device_number, unsigned interrupt_pin) {
    return (device_number + interrupt_pin - 2) & 3;
  }

  // The ISA IRQ PIRQ line `pirq` is routed to, if any.
  std::optional<unsigned> pirq_irq(unsigned pirq) const;
  uint16_t elcr() const { return elcr_; }
  // The levels this chip drives onto the ISA IRQs (bit n = IRQ n).
  uint16_t irq_levels() const { return driven_levels_; }

  // IoHandler: ELCR ports and, through the PciBus, 0xCF8-0xCFB.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  struct Source {
    unsigned pirq = 0;
    bool asserted = false;
  };

  void config_written(uint8_t offset, unsigned size_bytes) override;
  void define_registers();
  void set_source(size_t index, bool asserted);
  void update_irqs();
  uint8_t read_byte(uint16_t port) const;
  void write_byte(uint16_t port, uint8_t value);

  PciBus& bus_;
  std::function<void(unsigned, bool)> irq_output_;
  std::function<void(uint16_t)> elcr_listener_;
  std::function<void()> reset_listener_;
  std::vector<Source> sources_;
  std::array<unsigned, kPirqCount> asserted_count_{};  // sources holding each PIRQ low
  uint16_t driven_levels_ = 0;
  uint16_t elcr_ = 0;
  uint8_t reset_control_ = 0;
  IoRegistration elcr_registration_;
};

}  // namespace trapeze
