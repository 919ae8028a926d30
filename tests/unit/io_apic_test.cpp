// The I/O APIC programmed as Linux (arch/x86/kernel/apic/io_apic.c) programs it, through
// IOREGSEL/IOWIN in the address map, delivering to a real local APIC: edge and level
// pins, remote IRR and the EOI message, masking, destinations and delivery modes.
#include "devices/io_apic.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <utility>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/local_apic.h"
#include "devices/pic8259.h"
#include "devices/pit8254.h"
#include "devices/scheduler.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

constexpr uint64_t kBase = IoApic::kDefaultBase;
constexpr uint32_t kLevel = 1u << 15, kMask = 1u << 16, kLogical = 1u << 11;
constexpr uint32_t kRemoteIrr = 1u << 14;
// Both 8259s at vectors 0x20/0x28, everything masked but IRQ 0.
constexpr std::pair<uint16_t, uint8_t> kPicInit[] = {
    {0x20, 0x11}, {0xA0, 0x11}, {0x21, 0x20}, {0xA1, 0x28}, {0x21, 0x04},
    {0xA1, 0x02}, {0x21, 0x01}, {0xA1, 0x01}, {0x21, 0xFE}, {0xA1, 0xFF}};

struct Board {
  AddressMap memory{1 << 20};
  Scheduler scheduler;
  IoBus io;
  Pic8259 pic{io};
  LocalApic apic{memory, scheduler};
  IoApic io_apic{memory, apic};
  IrqLine lines[IoApic::kPins];
  unsigned nmis = 0;

  Board() {
    apic.set_pic(&pic);
    apic.set_nmi_sink([this] { ++nmis; });
    for (unsigned pin = 0; pin < IoApic::kPins; ++pin) lines[pin].connect(io_apic.input(pin));
    // Linux: APIC enabled, TPR 0, the virtual wire masked once the I/O APIC routes.
    lapic_write(LocalApic::kSvr, 0x1FF);
    lapic_write(LocalApic::kLvtLint0, 0x10700);
  }
  void lapic_write(uint32_t reg, uint32_t value) {
    memory.write(LocalApic::kDefaultBase + reg, 4, value);
  }
  uint32_t io_read(uint8_t index) {
    memory.write(kBase + IoApic::kRegisterSelect, 4, index);
    return static_cast<uint32_t>(memory.read(kBase + IoApic::kWindow, 4));
  }
  void io_write(uint8_t index, uint32_t value) {
    memory.write(kBase + IoApic::kRegisterSelect, 4, index);
    memory.write(kBase + IoApic::kWindow, 4, value);
  }
  // Linux ioapic_write_entry: high half first, then low.
  void route(unsigned pin, uint32_t low, uint8_t destination = 0) {
    io_write(static_cast<uint8_t>(0x11 + 2 * pin), uint32_t{destination} << 24);
    io_write(static_cast<uint8_t>(0x10 + 2 * pin), low);
  }
  uint32_t entry_low(unsigned pin) { return io_read(static_cast<uint8_t>(0x10 + 2 * pin)); }
  uint8_t inta() {
    REQUIRE(apic.interrupt_pending());
    return apic.acknowledge_interrupt();
  }
  void eoi() { lapic_write(LocalApic::kEoi, 0); }
  void init_pic() {
    for (auto [port, value] : kPicInit)
      io.out(static_cast<uint16_t>(port), 1, static_cast<uint32_t>(value));
  }
};

}  // namespace

TEST_CASE("IoApic: identification registers and the reset state") {
  Board b;
  CHECK(b.io_read(IoApic::kVersionRegister) == 0x00170011);
  CHECK(b.io_read(IoApic::kIdRegister) == 0);
  for (unsigned pin = 0; pin < IoApic::kPins; ++pin) {
    CHECK(b.entry_low(pin) == kMask);
    CHECK(b.io_read(static_cast<uint8_t>(0x11 + 2 * pin)) == 0);
  }
  // Linux setup_ioapic_ids_from_mpc writes the ID; the arbitration ID follows it.
  b.io_write(IoApic::kIdRegister, 0x0A000000);
  CHECK(b.io_read(IoApic::kIdRegister) == 0x0A000000);
  CHECK(b.io_read(IoApic::kArbitrationRegister) == 0x0A000000);
  b.io_write(IoApic::kIdRegister, 0xFF000000);  // 4 bits
  CHECK(b.io_read(IoApic::kIdRegister) == 0x0F000000);
  b.io_write(IoApic::kVersionRegister, 0);
  CHECK(b.io_read(IoApic::kVersionRegister) == 0x00170011);
  CHECK(b.io_read(0x40) == 0);  // beyond the table
  // IOREGSEL reads back; a byte write selects as well.
  b.memory.write(kBase + IoApic::kRegisterSelect, 1, 0x01);
  CHECK(b.memory.read(kBase + IoApic::kRegisterSelect, 4) == 0x01);
  CHECK(b.memory.read(kBase + IoApic::kWindow + 2, 1) == 0x17);
  CHECK_THROWS_AS(b.io_apic.input(24), std::out_of_range);
}

TEST_CASE("IoApic: an edge-triggered pin delivers each rising edge (ISA IRQ 0 on pin 2)") {
  Board b;
  b.route(2, 0x30);
  CHECK(b.entry_low(2) == 0x30);
  b.lines[2].pulse();
  CHECK(b.apic.irr(0x30));
  CHECK_FALSE(b.apic.tmr(0x30));
  CHECK(b.inta() == 0x30);
  b.eoi();
  CHECK_FALSE(b.apic.interrupt_pending());
  b.lines[2].raise();  // a line held high is one edge
  CHECK(b.inta() == 0x30);
  b.eoi();
  CHECK_FALSE(b.apic.interrupt_pending());
  b.lines[2].lower();
  CHECK(b.entry_low(2) == 0x30);  // delivery status idle, no remote IRR on edge pins
}

TEST_CASE("IoApic: an edge on a masked pin is lost") {
  Board b;
  b.route(4, 0x34 | kMask);
  b.lines[4].pulse();
  b.route(4, 0x34);
  CHECK_FALSE(b.apic.interrupt_pending());
  b.lines[4].pulse();
  CHECK(b.inta() == 0x34);
}

TEST_CASE("IoApic: a level-triggered pin holds remote IRR until the EOI, then re-delivers") {
  Board b;
  b.route(16, 0x41 | kLevel);
  b.lines[16].raise();
  CHECK(b.entry_low(16) == (0x41 | kLevel | kRemoteIrr));
  CHECK(b.apic.tmr(0x41));
  CHECK(b.inta() == 0x41);
  CHECK_FALSE(b.apic.interrupt_pending());
  // The handler did not quiet the device: the EOI brings the interrupt straight back.
  b.eoi();
  CHECK(b.entry_low(16) == (0x41 | kLevel | kRemoteIrr));
  CHECK(b.inta() == 0x41);
  // This time it did.
  b.lines[16].lower();
  b.eoi();
  CHECK(b.entry_low(16) == (0x41 | kLevel));
  CHECK_FALSE(b.apic.interrupt_pending());
  // Another pin's vector does not clear it.
  b.route(17, 0x42 | kLevel);
  b.lines[16].raise();
  b.lines[17].raise();
  CHECK(b.inta() == 0x42);
  b.lines[17].lower();
  b.eoi();
  CHECK(b.entry_low(16) == (0x41 | kLevel | kRemoteIrr));
  CHECK(b.entry_low(17) == (0x42 | kLevel));
}

TEST_CASE("IoApic: a level asserted while masked is delivered on unmask") {
  Board b;
  b.route(18, 0x43 | kLevel | kMask);
  b.lines[18].raise();
  CHECK_FALSE(b.apic.interrupt_pending());
  CHECK(b.entry_low(18) == (0x43 | kLevel | kMask));
  b.route(18, 0x43 | kLevel);
  CHECK(b.inta() == 0x43);
  // Masked while in service, the EOI still clears remote IRR but delivers nothing.
  b.route(18, 0x43 | kLevel | kMask);
  b.eoi();
  CHECK(b.entry_low(18) == (0x43 | kLevel | kMask));
  CHECK_FALSE(b.apic.interrupt_pending());
}

TEST_CASE("IoApic: Linux's mask/edge/level dance clears a stuck remote IRR") {
  Board b;
  b.route(19, 0x44 | kLevel);
  b.lines[19].raise();
  CHECK(b.inta() == 0x44);
  REQUIRE((b.entry_low(19) & kRemoteIrr) != 0);
  // __eoi_ioapic_pin on an I/O APIC without an EOI register.
  b.io_write(0x10 + 2 * 19, 0x44 | kMask);
  CHECK((b.entry_low(19) & kRemoteIrr) == 0);
  b.io_write(0x10 + 2 * 19, 0x44 | kLevel);
  CHECK(b.apic.irr(0x44));  // still asserted: delivered again
  CHECK((b.entry_low(19) & kRemoteIrr) != 0);
}

TEST_CASE("IoApic: destinations, physical and logical") {
  Board b;
  b.route(5, 0x50, 1);  // APIC ID 1: nobody
  b.lines[5].pulse();
  CHECK_FALSE(b.apic.irr(0x50));
  b.route(5, 0x50, 0xFF);  // broadcast
  b.lines[5].pulse();
  CHECK(b.apic.irr(0x50));
  // Linux's flat logical mode: LDR bit 0, destination mask 0x01.
  b.lapic_write(LocalApic::kDfr, 0xFFFFFFFF);
  b.lapic_write(LocalApic::kLdr, 0x01000000);
  b.route(6, 0x51 | kLogical, 0x01);
  b.lines[6].pulse();
  CHECK(b.apic.irr(0x51));
  b.route(6, 0x52 | kLogical, 0x02);
  b.lines[6].pulse();
  CHECK_FALSE(b.apic.irr(0x52));
  // Lowest priority goes to the one CPU.
  b.route(7, 0x53 | 0x100 | kLogical, 0x01);
  b.lines[7].pulse();
  CHECK(b.apic.irr(0x53));
  // Destination bits are the high byte of the high half.
  b.io_write(0x11 + 2 * 7, 0xFFFFFFFF);
  CHECK(b.io_read(0x11 + 2 * 7) == 0xFF000000);
}

TEST_CASE("IoApic: NMI and ExtINT delivery modes") {
  Board b;
  b.route(8, 0x400);  // NMI
  b.lines[8].pulse();
  CHECK(b.nmis == 1);
  CHECK_FALSE(b.apic.interrupt_pending());
  // ExtINT on pin 0 (Linux's "8259A through the I/O APIC" timer fallback): the CPU
  // acknowledges the 8259.
  b.init_pic();
  b.route(0, 0x700);
  b.pic.set_irq(0, true);
  b.lines[0].raise();
  CHECK(b.inta() == 0x20);
  CHECK(b.pic.isr() == 1);
}

TEST_CASE("IoApic: polarity is stored but the inputs carry the asserted state") {
  Board b;
  b.route(20, 0x60 | kLevel | (1u << 13));
  CHECK(b.entry_low(20) == (0x60 | kLevel | (1u << 13)));
  CHECK_FALSE(b.apic.interrupt_pending());  // idle line: nothing
  b.lines[20].raise();
  CHECK(b.inta() == 0x60);
}

TEST_CASE("IoApic: narrow IOWIN writes change only their bytes; reset masks all") {
  Board b;
  b.route(9, 0x10000 | 0x39);
  b.memory.write(kBase + IoApic::kRegisterSelect, 4, 0x10 + 2 * 9);
  b.memory.write(kBase + IoApic::kWindow, 1, 0x3A);
  CHECK(b.entry_low(9) == (0x10000 | 0x3A));
  b.memory.write(kBase + IoApic::kRegisterSelect, 4, 0x10 + 2 * 9);
  b.memory.write(kBase + IoApic::kWindow + 2, 1, 0x00);  // unmask
  CHECK(b.entry_low(9) == 0x3A);
  b.io_apic.reset();
  CHECK(b.entry_low(9) == kMask);
  CHECK(b.io_apic.redirection(9) == kMask);
}

TEST_CASE("IoApic: ISA IRQ 0 wired to both the 8259 and pin 2, as on QEMU's pc") {
  Board b;
  // One line, two controllers: the board fans it out.
  IrqLine irq0;
  IrqLine::Sink to_pic = b.pic.input(0), to_io_apic = b.io_apic.input(2);
  irq0.connect([&](bool level) {
    to_pic(level);
    to_io_apic(level);
  });
  b.init_pic();
  // Virtual wire masked, pin 2 routed: the I/O APIC's vector arrives, the 8259's does not.
  b.route(2, 0x30);
  irq0.pulse();
  CHECK(b.inta() == 0x30);
  CHECK_FALSE(b.apic.interrupt_pending());
  CHECK(b.pic.interrupt_pending());  // the 8259 holds its request, unseen
}

TEST_CASE("IoApic: the sources of one pin are wired-OR") {
  Board b;
  IrqLine isa, pci;  // an ISA device and a PCI interrupt routed to IRQ 11
  isa.connect(b.io_apic.input(11));
  pci.connect(b.io_apic.input(11));
  b.route(11, 0x3B | kLevel);
  isa.raise();
  pci.raise();
  CHECK(b.inta() == 0x3B);
  isa.lower();  // the PCI device still asserts
  CHECK(b.io_apic.input_level(11));
  b.eoi();
  CHECK(b.inta() == 0x3B);
  pci.lower();
  b.eoi();
  CHECK_FALSE(b.io_apic.input_level(11));
  CHECK_FALSE(b.apic.interrupt_pending());
  CHECK((b.entry_low(11) & kRemoteIrr) == 0);
}

TEST_CASE("IoApic: the PIT's 1 kHz tick through pin 2, as Linux's check_timer expects") {
  Board b;
  Pit8254 pit(b.io, b.scheduler);
  IrqLine::Sink to_pic = b.pic.input(0), to_io_apic = b.io_apic.input(2);
  pit.irq0().connect([&](bool level) {
    to_pic(level);
    to_io_apic(level);
  });
  b.route(2, 0x30);
  b.io.out(0x43, 1, 0x34);  // counter 0, lobyte/hibyte, mode 2
  b.io.out(0x40, 1, 1193 & 0xFF);
  b.io.out(0x40, 1, 1193 >> 8);
  unsigned ticks = 0;
  for (uint64_t t = 0; t <= 10'000'000; t += 50'000) {
    b.scheduler.advance_to(t);
    while (b.apic.interrupt_pending()) {
      CHECK(b.apic.acknowledge_interrupt() == 0x30);
      b.eoi();
      ++ticks;
    }
  }
  CHECK(ticks == 10);
}
