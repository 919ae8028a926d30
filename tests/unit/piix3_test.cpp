// The PIIX3 ISA bridge: reset values, SeaBIOS's piix_isa_bridge_setup (PIRQ routes
// 10,10,11,11 and ELCR 0x00/0x0C), PCI INTx routing as Linux's ACPI link devices change
// it (LNKx _SRS writes the same registers), and the 0xCF9 reset SeaBIOS's qemu_reboot
// and Linux's reboot=pci use.
#include "devices/piix3.h"

#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"

using namespace trapeze;

namespace {

struct Board {
  IoBus io;
  PciBus bus{io};
  Piix3 piix3{bus, io};
  std::vector<std::pair<unsigned, bool>> irq_changes;
  std::vector<uint16_t> elcr_updates;
  unsigned resets = 0;

  Board() {
    piix3.set_irq_output(
        [this](unsigned irq, bool level) { irq_changes.emplace_back(irq, level); });
    piix3.set_elcr_listener([this](uint16_t mask) { elcr_updates.push_back(mask); });
    piix3.set_reset_listener([this] { ++resets; });
    elcr_updates.clear();
  }
  static uint32_t address(uint8_t reg) { return 0x80000000u | (1u << 11) | (reg & 0xFC); }
  uint32_t readl(uint8_t reg) {
    io.out(0xCF8, 4, address(reg));
    return io.in(0xCFC, 4);
  }
  uint16_t readw(uint8_t reg) {
    io.out(0xCF8, 4, address(reg));
    return static_cast<uint16_t>(io.in(0xCFC + (reg & 2), 2));
  }
  uint8_t readb(uint8_t reg) {
    io.out(0xCF8, 4, address(reg));
    return static_cast<uint8_t>(io.in(0xCFC + (reg & 3), 1));
  }
  void writeb(uint8_t reg, uint8_t value) {
    io.out(0xCF8, 4, address(reg));
    io.out(0xCFC + (reg & 3), 1, value);
  }
  // piix_isa_bridge_setup.
  void seabios_setup() {
    const uint8_t irqs[4] = {10, 10, 11, 11};
    for (uint8_t i = 0; i < 4; ++i) writeb(static_cast<uint8_t>(0x60 + i), irqs[i]);
    io.out(0x4D0, 1, 0x00);
    io.out(0x4D1, 1, 0x0C);
  }
};

}  // namespace

TEST_CASE("Piix3: identity and reset values (82371SB function 0)") {
  Board b;
  CHECK(b.readl(0x00) == 0x70008086);
  CHECK(b.readl(0x08) == 0x06010000);  // ISA bridge, revision 0
  CHECK(b.readb(0x0E) == 0x80);        // function 0 of a multi-function device
  CHECK(b.readw(0x04) == 0x0007);
  CHECK(b.readw(0x06) == 0x0280);
  CHECK(b.readb(0x4C) == 0x4D);
  CHECK(b.readw(0x4E) == 0x0003);
  CHECK(b.readl(0x60) == 0x80808080);  // every PIRQ unrouted
  CHECK(b.readb(0x69) == 0x02);
  CHECK(b.readb(0x70) == 0x80);
  CHECK(b.readw(0x76) == 0x0404);
  CHECK(b.readb(0xA0) == 0x08);
  CHECK(b.readb(0xA8) == 0x0F);
  CHECK(b.io.in(0x4D0, 1) == 0x00);
  CHECK(b.io.in(0x4D1, 1) == 0x00);
  CHECK(b.io.in(0x4D0, 2) == 0x0000);
  for (unsigned pirq = 0; pirq < 4; ++pirq) CHECK_FALSE(b.piix3.pirq_irq(pirq));
}

TEST_CASE("Piix3: SeaBIOS's PIRQ and ELCR programming") {
  Board b;
  b.seabios_setup();
  CHECK(b.readl(0x60) == 0x0B0B0A0A);
  CHECK(b.piix3.pirq_irq(0) == 10u);
  CHECK(b.piix3.pirq_irq(3) == 11u);
  CHECK(b.io.in(0x4D1, 1) == 0x0C);
  CHECK(b.piix3.elcr() == 0x0C00);
  REQUIRE_FALSE(b.elcr_updates.empty());
  CHECK(b.elcr_updates.back() == 0x0C00);
}

TEST_CASE("Piix3: the board's INTx-to-PIRQ swizzle (SeaBIOS piix_pci_slot_get_irq)") {
  CHECK(Piix3::pirq_for(1, 1) == 0);  // slot 1 INTA# -> PIRQA#
  CHECK(Piix3::pirq_for(2, 1) == 1);  // the VGA card at 02.0 -> PIRQB# (IRQ 10)
  CHECK(Piix3::pirq_for(3, 1) == 2);
  CHECK(Piix3::pirq_for(3, 4) == 1);
  CHECK(Piix3::pirq_for(4, 1) == 3);
  CHECK(Piix3::pirq_for(5, 1) == 0);
}

TEST_CASE("Piix3: a PCI INTx reaches the ISA IRQ its PIRQ is routed to") {
  Board b;
  IrqLine intx;
  intx.connect(b.piix3.pci_interrupt(Piix3::pirq_for(2, 1)));
  intx.raise();  // nothing routed yet: the level goes nowhere
  CHECK(b.irq_changes.empty());
  b.seabios_setup();
  REQUIRE(b.irq_changes.size() == 1);
  CHECK(b.irq_changes[0] == std::pair<unsigned, bool>{10, true});
  CHECK(b.piix3.irq_levels() == (1u << 10));
  intx.lower();
  CHECK(b.irq_changes.back() == std::pair<unsigned, bool>{10, false});
  CHECK(b.piix3.irq_levels() == 0);
}

TEST_CASE("Piix3: re-routing moves an asserted interrupt to the new IRQ (ACPI LNKx _SRS)") {
  Board b;
  b.seabios_setup();
  IrqLine intx;
  intx.connect(b.piix3.pci_interrupt(2));  // PIRQC# -> IRQ 11
  intx.raise();
  b.irq_changes.clear();
  b.writeb(0x62, 5);
  REQUIRE(b.irq_changes.size() == 2);
  CHECK(b.irq_changes[0] == std::pair<unsigned, bool>{5, true});
  CHECK(b.irq_changes[1] == std::pair<unsigned, bool>{11, false});
  b.irq_changes.clear();
  b.writeb(0x62, 0x80 | 5);  // _DIS: routing off
  REQUIRE(b.irq_changes.size() == 1);
  CHECK(b.irq_changes[0] == std::pair<unsigned, bool>{5, false});
  CHECK(b.readb(0x62) == 0x85);
  b.irq_changes.clear();
  b.writeb(0x62, 13);  // reserved IRQ numbers (0-2, 8, 13) route nowhere
  CHECK_FALSE(b.piix3.pirq_irq(2));
  CHECK(b.irq_changes.empty());
}

TEST_CASE("Piix3: shared lines are wired-OR") {
  Board b;
  b.seabios_setup();
  IrqLine first, second, other_pirq;
  first.connect(b.piix3.pci_interrupt(0));
  second.connect(b.piix3.pci_interrupt(0));
  other_pirq.connect(b.piix3.pci_interrupt(1));  // PIRQB# also goes to IRQ 10
  first.raise();
  second.raise();
  other_pirq.raise();
  first.lower();
  second.lower();
  CHECK((b.piix3.irq_levels() & (1u << 10)) != 0);  // PIRQB# still holds IRQ 10
  other_pirq.lower();
  CHECK(b.piix3.irq_levels() == 0);
  // One rising and one falling edge for the whole episode.
  CHECK(b.irq_changes == std::vector<std::pair<unsigned, bool>>{{10, true}, {10, false}});
}

TEST_CASE("Piix3: ELCR bits of IRQ 0, 1, 2, 8 and 13 are hard-wired to edge") {
  Board b;
  b.io.out(0x4D0, 1, 0xFF);
  b.io.out(0x4D1, 1, 0xFF);
  CHECK(b.io.in(0x4D0, 1) == 0xF8);
  CHECK(b.io.in(0x4D1, 1) == 0xDE);
  CHECK(b.elcr_updates.back() == 0xDEF8);
  b.io.out(0x4D0, 2, 0x0C20);  // a word write covers both registers
  CHECK(b.piix3.elcr() == 0x0C20);
}

TEST_CASE("Piix3: 0xCF9 reset control (SeaBIOS qemu_reboot: 0x02, then 0x06)") {
  Board b;
  b.io.out(0xCF8, 4, 0x80000800);
  b.io.out(0xCF9, 1, 0x02);
  CHECK(b.resets == 0);
  CHECK(b.io.in(0xCF9, 1) == 0x02);
  b.io.out(0xCF9, 1, 0x06);
  CHECK(b.resets == 1);
  CHECK(b.io.in(0xCF8, 4) == 0x80000800);  // CONFIG_ADDRESS untouched
  CHECK(b.io.in(0xCFA, 1) == 0xFF);
}

TEST_CASE("Piix3: reset turns routing off and the ELCR back to edge") {
  Board b;
  b.seabios_setup();
  IrqLine intx;
  intx.connect(b.piix3.pci_interrupt(0));
  intx.raise();
  b.irq_changes.clear();
  b.piix3.reset();
  CHECK(b.readl(0x60) == 0x80808080);
  CHECK(b.piix3.elcr() == 0);
  CHECK(b.elcr_updates.back() == 0);
  CHECK(b.irq_changes == std::vector<std::pair<unsigned, bool>>{{10, false}});
  // A late-wired controller hears what is asserted.
  b.seabios_setup();
  std::vector<std::pair<unsigned, bool>> late;
  b.piix3.set_irq_output([&](unsigned irq, bool level) { late.emplace_back(irq, level); });
  CHECK(late == std::vector<std::pair<unsigned, bool>>{{10, true}});
}
