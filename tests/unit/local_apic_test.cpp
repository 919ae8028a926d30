// The local APIC programmed as SeaBIOS (src/fw/smp.c) and Linux (arch/x86/kernel/apic/
// apic.c) program it, through its register page in the address map, against virtual
// time: the 8259 through the virtual wire, priorities, EOI, IPIs to itself, errors and
// the timer in its three modes.
#include "devices/local_apic.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/pic8259.h"
#include "devices/scheduler.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

constexpr uint64_t kBase = LocalApic::kDefaultBase;

struct Board {
  AddressMap memory{1 << 20};
  Scheduler scheduler;
  IoBus io;
  Pic8259 pic{io};
  LocalApic apic{memory, scheduler};
  IrqLine irq0, lint1;
  unsigned nmis = 0, inits = 0;
  std::vector<uint8_t> eois;  // EOI messages broadcast

  Board() {
    memory.map_ram(0, 1 << 20);
    apic.set_pic(&pic);
    apic.set_nmi_sink([this] { ++nmis; });
    apic.set_init_sink([this] { ++inits; });
    apic.set_eoi_broadcast([this](uint8_t v) { eois.push_back(v); });
    irq0.connect(pic.input(0));
    lint1.connect(apic.lint1());
  }
  uint32_t rd(uint32_t reg) { return static_cast<uint32_t>(memory.read(kBase + reg, 4)); }
  void wr(uint32_t reg, uint32_t value) { memory.write(kBase + reg, 4, value); }
  // SeaBIOS pic_reset(0x08, 0x70), IRQ 0 unmasked.
  void init_pic() {
    for (auto [port, value] : {std::pair{0x20, 0x11},
                               {0xA0, 0x11},
                               {0x21, 0x08},
                               {0xA1, 0x70},
                               {0x21, 0x04},
                               {0xA1, 0x02},
                               {0x21, 0x01},
                               {0xA1, 0x01},
                               {0x21, 0xFA},
                               {0xA1, 0xFF}})
      io.out(static_cast<uint16_t>(port), 1, static_cast<uint32_t>(value));
  }
  // Linux setup_local_APIC on the BSP: TPR 0, spurious vector 0xFF and enable, LINT0
  // virtual wire, LINT1 NMI, error vector 0xFE.
  void linux_setup() {
    wr(LocalApic::kTpr, 0);
    wr(LocalApic::kSvr, 0x1FF);
    wr(LocalApic::kLvtLint0, 0x700);
    wr(LocalApic::kLvtLint1, 0x400);
    wr(LocalApic::kLvtError, 0xFE);
    wr(LocalApic::kEsr, 0);
  }
  uint8_t inta() {
    REQUIRE(apic.interrupt_pending());
    return apic.acknowledge_interrupt();
  }
  void eoi() { wr(LocalApic::kEoi, 0); }
  void run_to(uint64_t ns) { scheduler.advance_to(ns); }
  // The self IPI Linux's apic->send_IPI_self sends: fixed, shorthand self.
  void self_ipi(uint8_t vector) { wr(LocalApic::kIcrLow, 0x00040000 | vector); }
};

}  // namespace

TEST_CASE("LocalApic: RESET state as the BSP comes out of reset") {
  Board b;
  CHECK(b.apic.read_apic_base_msr() == 0xFEE00900);
  CHECK(b.rd(LocalApic::kVersionReg) == 0x00050014);
  CHECK(b.rd(LocalApic::kId) == 0);
  CHECK(b.rd(LocalApic::kTpr) == 0);
  CHECK(b.rd(LocalApic::kPpr) == 0);
  CHECK(b.rd(LocalApic::kSvr) == 0xFF);
  CHECK(b.rd(LocalApic::kDfr) == 0xFFFFFFFF);
  CHECK(b.rd(LocalApic::kLdr) == 0);
  CHECK(b.rd(LocalApic::kLvtTimer) == 0x10000);
  CHECK(b.rd(LocalApic::kLvtThermal) == 0x10000);
  CHECK(b.rd(LocalApic::kLvtPerf) == 0x10000);
  CHECK(b.rd(LocalApic::kLvtLint0) == 0x700);  // the BSP's virtual wire
  CHECK(b.rd(LocalApic::kLvtLint1) == 0x10000);
  CHECK(b.rd(LocalApic::kLvtError) == 0x10000);
  CHECK(b.rd(LocalApic::kInitialCount) == 0);
  CHECK(b.rd(LocalApic::kCurrentCount) == 0);
  CHECK(b.rd(LocalApic::kDivide) == 0);
  CHECK_FALSE(b.apic.software_enabled());
  CHECK(b.apic.apic_globally_enabled());
  CHECK_FALSE(b.apic.interrupt_pending());
  CHECK(b.apic.initial_apic_id() == 0);
}

TEST_CASE("LocalApic: before any software touches the APIC the 8259 reaches the CPU") {
  Board b;
  b.init_pic();
  b.irq0.pulse();
  CHECK(b.apic.interrupt_pending());
  CHECK(b.inta() == 0x08);
  CHECK(b.pic.isr() == 0x0001);  // the acknowledge cycle went to the 8259
  CHECK_FALSE(b.apic.interrupt_pending());
}

TEST_CASE("LocalApic: SeaBIOS smp_scan enables the APIC, sets the virtual wire, IPIs nobody") {
  Board b;
  b.init_pic();
  b.wr(LocalApic::kSvr, b.rd(LocalApic::kSvr) | 0x100);
  b.wr(LocalApic::kLvtLint0, 0x8700);  // ExtINT, level
  b.wr(LocalApic::kLvtLint1, 0x8400);  // NMI, level
  CHECK(b.rd(LocalApic::kSvr) == 0x1FF);
  CHECK(b.rd(LocalApic::kLvtLint0) == 0x8700);
  CHECK(b.rd(LocalApic::kLvtLint1) == 0x8400);
  // INIT and SIPI to all excluding self: there is nobody, but the IPIs complete.
  b.wr(LocalApic::kIcrLow, 0x000C4500);
  CHECK((b.rd(LocalApic::kIcrLow) & 0x1000) == 0);  // delivery status idle
  b.wr(LocalApic::kIcrLow, 0x000C4600 | 0x9F);
  CHECK(b.rd(LocalApic::kIcrLow) == 0x000C469F);
  CHECK(b.inits == 0);
  CHECK_FALSE(b.apic.interrupt_pending());
  // The timer interrupt still comes through the 8259.
  b.irq0.pulse();
  CHECK(b.inta() == 0x08);
}

TEST_CASE("LocalApic: ExtINT ignores the task priority; a masked LINT0 cuts the 8259 off") {
  Board b;
  b.init_pic();
  b.linux_setup();
  b.wr(LocalApic::kTpr, 0xF0);  // blocks every fixed interrupt, not ExtINT
  b.irq0.pulse();
  CHECK(b.inta() == 0x08);
  b.io.out(0x20, 1, 0x20);  // 8259 EOI
  // Linux's check_timer masks the virtual wire once the I/O APIC routes IRQ 0.
  b.wr(LocalApic::kLvtLint0, 0x10700);
  b.irq0.pulse();
  CHECK(b.pic.interrupt_pending());
  CHECK_FALSE(b.apic.interrupt_pending());
  b.wr(LocalApic::kLvtLint0, 0x700);
  CHECK(b.apic.interrupt_pending());
  CHECK(b.inta() == 0x08);
}

TEST_CASE("LocalApic: the 8259 goes ahead of a pending fixed interrupt") {
  Board b;
  b.init_pic();
  b.linux_setup();
  b.self_ipi(0xEF);
  b.irq0.pulse();
  CHECK(b.inta() == 0x08);
  CHECK(b.inta() == 0xEF);
}

TEST_CASE("LocalApic: globally disabled, the PIC and the NMI pin go straight to the CPU") {
  Board b;
  b.init_pic();
  b.wr(LocalApic::kLvtLint0, 0x10700);  // even with the wire masked
  CHECK(b.apic.write_apic_base_msr(0xFEE00800 & ~uint64_t{LocalApic::kBaseEnable}));
  CHECK(b.apic.read_apic_base_msr() == 0xFEE00100);  // BSP stays
  CHECK_FALSE(b.apic.apic_globally_enabled());
  // The register page is gone: open bus.
  CHECK(b.memory.read(kBase + LocalApic::kVersionReg, 4) == 0xFFFFFFFF);
  b.irq0.pulse();
  CHECK(b.inta() == 0x08);
  b.lint1.raise();
  CHECK(b.nmis == 1);
  b.lint1.lower();
  // Fixed interrupts from the bus are not accepted.
  b.apic.receive(ApicMessage{0x40, ApicDelivery::kFixed, false, 0, false});
  CHECK_FALSE(b.apic.irr(0x40));
  // The P6 cannot enable it again before RESET.
  CHECK(b.apic.write_apic_base_msr(0xFEE00900));
  CHECK_FALSE(b.apic.apic_globally_enabled());
  b.apic.reset();
  CHECK(b.apic.apic_globally_enabled());
  CHECK(b.rd(LocalApic::kVersionReg) == 0x00050014);
}

TEST_CASE("LocalApic: IA32_APIC_BASE refuses reserved bits and relocates the page") {
  Board b;
  CHECK_FALSE(b.apic.write_apic_base_msr(0xFEE00900 | 1u << 10));  // x2APIC enable
  CHECK_FALSE(b.apic.write_apic_base_msr(0xFEE00901));
  CHECK_FALSE(b.apic.write_apic_base_msr(uint64_t{1} << 36 | 0xFEE00900));
  CHECK(b.apic.read_apic_base_msr() == 0xFEE00900);
  REQUIRE(b.apic.write_apic_base_msr(0xFED00800));  // BSP bit written as 0: read-only
  CHECK(b.apic.read_apic_base_msr() == 0xFED00900);
  CHECK(b.memory.read(0xFED00000 + LocalApic::kVersionReg, 4) == 0x00050014);
  CHECK(b.memory.read(kBase + LocalApic::kVersionReg, 4) == 0xFFFFFFFF);
  // Over RAM it cannot be mapped: it disappears instead of crashing the host.
  REQUIRE(b.apic.write_apic_base_msr(0x00080800));
  CHECK(b.memory.read(0x80000 + LocalApic::kVersionReg, 4) != 0x00050014);
  REQUIRE(b.apic.write_apic_base_msr(0xFEE00800));
  CHECK(b.rd(LocalApic::kVersionReg) == 0x00050014);
}

TEST_CASE("LocalApic: ID, LDR and DFR are read/write, version and PPR read-only") {
  Board b;
  // Linux verify_local_APIC toggles the ID and tries to change the version.
  b.wr(LocalApic::kId, 0x0F000000);
  CHECK(b.rd(LocalApic::kId) == 0x0F000000);
  b.wr(LocalApic::kId, 0);
  b.wr(LocalApic::kVersionReg, 0x00050014 ^ 0x00FF00FF);
  CHECK(b.rd(LocalApic::kVersionReg) == 0x00050014);
  b.wr(LocalApic::kLdr, 0x01000000);
  b.wr(LocalApic::kDfr, 0x0FFFFFFF);  // cluster model
  CHECK(b.rd(LocalApic::kLdr) == 0x01000000);
  CHECK(b.rd(LocalApic::kDfr) == 0x0FFFFFFF);
  b.wr(LocalApic::kPpr, 0x50);
  CHECK(b.rd(LocalApic::kPpr) == 0);
  // Narrow reads see part of the register; narrow writes do nothing.
  CHECK(b.memory.read(kBase + LocalApic::kVersionReg + 2, 1) == 0x05);
  b.memory.write(kBase + LocalApic::kTpr, 1, 0x40);
  CHECK(b.rd(LocalApic::kTpr) == 0);
}

TEST_CASE("LocalApic: priority classes against TPR and PPR, nesting, EOI order") {
  Board b;
  b.linux_setup();
  b.self_ipi(0x35);
  b.wr(LocalApic::kTpr, 0x40);
  CHECK_FALSE(b.apic.interrupt_pending());
  b.wr(LocalApic::kTpr, 0x3F);  // same class: still blocked
  CHECK_FALSE(b.apic.interrupt_pending());
  CHECK(b.rd(LocalApic::kPpr) == 0x3F);
  b.wr(LocalApic::kTpr, 0x20);
  CHECK(b.inta() == 0x35);
  CHECK(b.apic.isr(0x35));
  CHECK_FALSE(b.apic.irr(0x35));
  CHECK(b.rd(LocalApic::kIsr + 0x10) == 1u << (0x35 - 32));
  CHECK(b.rd(LocalApic::kPpr) == 0x30);
  // A lower or equal class waits for the EOI; a higher class nests.
  b.self_ipi(0x31);
  CHECK_FALSE(b.apic.interrupt_pending());
  CHECK(b.rd(LocalApic::kIrr + 0x10) == 1u << (0x31 - 32));
  b.self_ipi(0x61);
  CHECK(b.inta() == 0x61);
  CHECK(b.rd(LocalApic::kPpr) == 0x60);
  b.eoi();  // ends 0x61, the highest in service
  CHECK_FALSE(b.apic.isr(0x61));
  CHECK(b.apic.isr(0x35));
  CHECK_FALSE(b.apic.interrupt_pending());
  b.eoi();
  CHECK(b.rd(LocalApic::kPpr) == 0x20);
  CHECK(b.inta() == 0x31);
  b.eoi();
  CHECK(b.rd(LocalApic::kPpr) == 0x20);
  CHECK(b.eois.empty());  // all edge-triggered
}

TEST_CASE("LocalApic: arbitration priority follows TPR, ISR and IRR") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kTpr, 0x45);
  CHECK(b.rd(LocalApic::kApr) == 0x45);
  b.self_ipi(0x81);
  CHECK(b.rd(LocalApic::kApr) == 0x80);
  b.wr(LocalApic::kTpr, 0);
  b.inta();
  CHECK(b.rd(LocalApic::kApr) == 0x80);
}

TEST_CASE("LocalApic: a request withdrawn before the acknowledge gives the spurious vector") {
  Board b;
  b.linux_setup();
  b.self_ipi(0x41);
  REQUIRE(b.apic.interrupt_pending());
  b.wr(LocalApic::kTpr, 0x50);  // between INTR and INTA
  CHECK(b.apic.acknowledge_interrupt() == 0xFF);
  CHECK_FALSE(b.apic.isr(0x41));
  CHECK(b.apic.irr(0x41));
}

TEST_CASE("LocalApic: software disabled, the APIC holds fixed interrupts and masks the LVT") {
  Board b;
  b.self_ipi(0x50);  // accepted while disabled, not dispatched
  CHECK(b.apic.irr(0x50));
  CHECK_FALSE(b.apic.interrupt_pending());
  b.wr(LocalApic::kSvr, 0x1FF);
  CHECK(b.inta() == 0x50);
  b.eoi();
  b.wr(LocalApic::kLvtTimer, 0x000EC);
  b.wr(LocalApic::kLvtLint1, 0x00400);
  b.wr(LocalApic::kSvr, 0x0FF);
  CHECK(b.rd(LocalApic::kLvtTimer) == 0x100EC);
  CHECK(b.rd(LocalApic::kLvtLint1) == 0x10400);
  b.wr(LocalApic::kLvtTimer, 0x000EC);  // cannot be unmasked now
  CHECK(b.rd(LocalApic::kLvtTimer) == 0x100EC);
  b.lint1.raise();
  CHECK(b.nmis == 0);
}

TEST_CASE("LocalApic: self IPIs by shorthand and by destination") {
  Board b;
  b.linux_setup();
  b.self_ipi(0x40);
  CHECK(b.apic.irr(0x40));
  b.wr(LocalApic::kIcrLow, 0x00080041);  // all including self
  CHECK(b.apic.irr(0x41));
  b.wr(LocalApic::kIcrLow, 0x000C0042);  // all excluding self
  CHECK_FALSE(b.apic.irr(0x42));
  // Physical destination: our ID, someone else's, broadcast.
  b.wr(LocalApic::kIcrHigh, 0x00000000);
  b.wr(LocalApic::kIcrLow, 0x00000043);
  CHECK(b.apic.irr(0x43));
  b.wr(LocalApic::kIcrHigh, 0x01000000);
  b.wr(LocalApic::kIcrLow, 0x00000044);
  CHECK_FALSE(b.apic.irr(0x44));
  CHECK((b.rd(LocalApic::kIcrLow) & 0x1000) == 0);
  b.wr(LocalApic::kIcrHigh, 0xFF000000);
  b.wr(LocalApic::kIcrLow, 0x00000045);
  CHECK(b.apic.irr(0x45));
  // Logical, flat model: LDR bit 1.
  b.wr(LocalApic::kLdr, 0x02000000);
  b.wr(LocalApic::kIcrHigh, 0x03000000);
  b.wr(LocalApic::kIcrLow, 0x00000846);
  CHECK(b.apic.irr(0x46));
  b.wr(LocalApic::kIcrHigh, 0x01000000);
  b.wr(LocalApic::kIcrLow, 0x00000847);
  CHECK_FALSE(b.apic.irr(0x47));
  // Cluster model: cluster 2, member bit 0.
  b.wr(LocalApic::kDfr, 0x0FFFFFFF);
  b.wr(LocalApic::kLdr, 0x21000000);
  CHECK(b.apic.is_destination(0x21, true));
  CHECK(b.apic.is_destination(0x23, true));
  CHECK_FALSE(b.apic.is_destination(0x11, true));
  CHECK_FALSE(b.apic.is_destination(0x22, true));
  CHECK(b.apic.is_destination(0xFF, true));
}

TEST_CASE("LocalApic: NMI and INIT IPIs, the LINT1 NMI pin") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kIcrLow, 0x00040400);  // NMI to self
  CHECK(b.nmis == 1);
  b.wr(LocalApic::kIcrLow, 0x00084500);  // INIT assert to all including self
  CHECK(b.inits == 1);
  b.wr(LocalApic::kIcrLow, 0x00088500);  // INIT level de-assert: no INIT
  CHECK(b.inits == 1);
  b.wr(LocalApic::kIcrLow, 0x00040608);  // SIPI: the BSP ignores it
  CHECK_FALSE(b.apic.interrupt_pending());
  // LINT1 in NMI mode: one NMI per rising edge.
  b.lint1.raise();
  b.lint1.raise();
  CHECK(b.nmis == 2);
  b.lint1.lower();
  b.lint1.raise();
  CHECK(b.nmis == 3);
  b.lint1.lower();
  b.wr(LocalApic::kLvtLint1, 0x10400);
  b.lint1.pulse();
  CHECK(b.nmis == 3);
}

TEST_CASE("LocalApic: a level-triggered fixed LINT1 keeps remote IRR until the EOI") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kLvtLint1, 0x08051);  // fixed, level, vector 0x51
  b.lint1.raise();
  CHECK(b.rd(LocalApic::kLvtLint1) == (0x08051 | LocalApic::kLvtRemoteIrr));
  CHECK(b.apic.tmr(0x51));
  CHECK(b.inta() == 0x51);
  CHECK_FALSE(b.apic.interrupt_pending());
  b.eoi();  // still high: delivered again
  CHECK(b.eois == std::vector<uint8_t>{0x51});
  CHECK(b.inta() == 0x51);
  b.lint1.lower();
  b.eoi();
  CHECK(b.rd(LocalApic::kLvtLint1) == 0x08051);
  CHECK_FALSE(b.apic.interrupt_pending());
}

TEST_CASE("LocalApic: EOI of a level-triggered vector is broadcast to the I/O APICs") {
  Board b;
  b.linux_setup();
  b.apic.receive(ApicMessage{0x61, ApicDelivery::kFixed, false, 0, true});
  b.apic.receive(ApicMessage{0x31, ApicDelivery::kLowestPriority, false, 0, false});
  CHECK(b.apic.tmr(0x61));
  CHECK_FALSE(b.apic.tmr(0x31));
  CHECK(b.rd(LocalApic::kTmr + 0x30) == 1u << (0x61 - 96));
  CHECK(b.inta() == 0x61);
  b.eoi();
  CHECK(b.eois == std::vector<uint8_t>{0x61});
  CHECK(b.inta() == 0x31);
  b.eoi();
  CHECK(b.eois.size() == 1);
  // Messages for another APIC ID are not accepted.
  b.apic.receive(ApicMessage{0x62, ApicDelivery::kFixed, false, 3, false});
  CHECK_FALSE(b.apic.irr(0x62));
}

TEST_CASE("LocalApic: ESR is written, then read; errors raise the error LVT") {
  Board b;
  b.linux_setup();
  b.self_ipi(0x05);  // vectors 0-15 are illegal
  CHECK_FALSE(b.apic.irr(0x05));
  CHECK(b.rd(LocalApic::kEsr) == 0);  // not latched yet
  CHECK(b.apic.irr(0xFE));            // the error interrupt
  b.wr(LocalApic::kEsr, 0);
  CHECK(b.rd(LocalApic::kEsr) == LocalApic::kEsrSendIllegalVector);
  b.wr(LocalApic::kEsr, 0);
  CHECK(b.rd(LocalApic::kEsr) == 0);
  // Reserved registers.
  CHECK(b.rd(0x2F0) == 0);  // no CMCI entry in this version
  b.wr(0x400, 1);
  b.wr(LocalApic::kEsr, 0);
  CHECK(b.rd(LocalApic::kEsr) == LocalApic::kEsrIllegalRegister);
  // A timer with an illegal vector is a receive error.
  b.wr(LocalApic::kLvtTimer, 0x00007);
  b.wr(LocalApic::kDivide, 0xB);
  b.wr(LocalApic::kInitialCount, 10);
  b.run_to(b.scheduler.now_ns() + 10);
  b.wr(LocalApic::kEsr, 0);
  CHECK(b.rd(LocalApic::kEsr) == LocalApic::kEsrReceiveIllegalVector);
  // The peek does not count as an access.
  CHECK(b.apic.peek(0x400) == 0);
  b.wr(LocalApic::kEsr, 0);
  CHECK(b.rd(LocalApic::kEsr) == 0);
}

TEST_CASE("LocalApic: one-shot timer fires at initial count x divisor ns") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kDivide, 0x3);  // divide by 16, as Linux uses
  b.wr(LocalApic::kLvtTimer, 0x000EC);
  b.wr(LocalApic::kInitialCount, 1000);
  CHECK(b.rd(LocalApic::kCurrentCount) == 1000);
  CHECK(b.apic.timer_event_ns() == 16000);
  b.run_to(8000);
  CHECK(b.rd(LocalApic::kCurrentCount) == 500);
  b.run_to(8015);
  CHECK(b.rd(LocalApic::kCurrentCount) == 500);
  b.run_to(8016);
  CHECK(b.rd(LocalApic::kCurrentCount) == 499);
  b.run_to(15999);
  CHECK_FALSE(b.apic.irr(0xEC));
  b.run_to(16000);
  CHECK(b.apic.irr(0xEC));
  CHECK(b.rd(LocalApic::kCurrentCount) == 0);
  CHECK(b.inta() == 0xEC);
  b.eoi();
  b.run_to(100000);
  CHECK_FALSE(b.apic.interrupt_pending());  // once only
  CHECK_FALSE(b.apic.timer_event_ns().has_value());
  CHECK(b.rd(LocalApic::kInitialCount) == 1000);
}

TEST_CASE("LocalApic: periodic timer reloads and fires every period") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kDivide, 0xB);  // divide by 1
  b.wr(LocalApic::kLvtTimer, 0x200EC);
  b.run_to(100);
  b.wr(LocalApic::kInitialCount, 5000);
  std::vector<uint64_t> fired;
  for (uint64_t t = 100; t <= 20100; t += 100) {
    b.run_to(t);
    if (b.apic.interrupt_pending()) {
      fired.push_back(t);
      CHECK(b.inta() == 0xEC);
      b.eoi();
    }
  }
  CHECK(fired == std::vector<uint64_t>{5100, 10100, 15100, 20100});
  b.run_to(22600);
  CHECK(b.rd(LocalApic::kCurrentCount) == 2500);
  // Writing 0 stops it.
  b.wr(LocalApic::kInitialCount, 0);
  CHECK(b.rd(LocalApic::kCurrentCount) == 0);
  b.run_to(100000);
  CHECK_FALSE(b.apic.interrupt_pending());
}

TEST_CASE("LocalApic: every divide configuration") {
  const std::pair<uint32_t, uint64_t> divisors[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                                                    {0x8, 32}, {0x9, 64}, {0xA, 128}, {0xB, 1}};
  for (auto [code, divisor] : divisors) {
    Board b;
    b.linux_setup();
    b.wr(LocalApic::kDivide, code);
    CHECK(b.rd(LocalApic::kDivide) == code);
    b.wr(LocalApic::kLvtTimer, 0x000EC);
    b.wr(LocalApic::kInitialCount, 100);
    b.run_to(divisor * 30);
    CHECK(b.rd(LocalApic::kCurrentCount) == 70);
    b.run_to(divisor * 100 - 1);
    CHECK_FALSE(b.apic.irr(0xEC));
    b.run_to(divisor * 100);
    CHECK(b.apic.irr(0xEC));
  }
}

TEST_CASE("LocalApic: changing the divisor mid-count continues from the current count") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kDivide, 0xB);
  b.wr(LocalApic::kLvtTimer, 0x000EC);
  b.wr(LocalApic::kInitialCount, 1000);
  b.run_to(400);
  b.wr(LocalApic::kDivide, 0x0);  // now divide by 2: 600 counts left = 1200 ns
  CHECK(b.rd(LocalApic::kCurrentCount) == 600);
  CHECK(b.apic.timer_event_ns() == 1600);
  b.run_to(1599);
  CHECK_FALSE(b.apic.irr(0xEC));
  b.run_to(1600);
  CHECK(b.apic.irr(0xEC));
}

TEST_CASE("LocalApic: a masked timer counts without interrupting; one-shot <-> periodic") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kDivide, 0xB);
  b.wr(LocalApic::kLvtTimer, 0x100EC);
  b.wr(LocalApic::kInitialCount, 1000);
  b.run_to(1000);
  CHECK_FALSE(b.apic.irr(0xEC));
  CHECK(b.rd(LocalApic::kCurrentCount) == 0);
  // Periodic while masked, then unmasked mid-period.
  b.wr(LocalApic::kInitialCount, 1000);
  b.wr(LocalApic::kLvtTimer, 0x300EC);
  b.run_to(3500);
  CHECK_FALSE(b.apic.irr(0xEC));
  CHECK(b.rd(LocalApic::kCurrentCount) == 500);
  b.wr(LocalApic::kLvtTimer, 0x200EC);
  b.run_to(4000);
  CHECK(b.apic.irr(0xEC));
  // Back to one-shot mid-count: fires once at the end of this count.
  b.inta();
  b.eoi();
  b.run_to(4300);
  b.wr(LocalApic::kLvtTimer, 0x000EC);
  CHECK(b.rd(LocalApic::kCurrentCount) == 700);
  b.run_to(5000);
  CHECK(b.apic.irr(0xEC));
  b.inta();
  b.eoi();
  b.run_to(9000);
  CHECK_FALSE(b.apic.irr(0xEC));
}

TEST_CASE("LocalApic: a tiny periodic count does not flood the scheduler") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kDivide, 0xB);
  b.wr(LocalApic::kLvtTimer, 0x200EC);
  b.wr(LocalApic::kInitialCount, 2);
  CHECK(b.apic.timer_event_ns() >= LocalApic::kMinPeriodNs);
  b.run_to(10 * LocalApic::kMinPeriodNs + 1);
  CHECK(b.apic.irr(0xEC));
  CHECK(b.rd(LocalApic::kCurrentCount) >= 1);
  CHECK(b.rd(LocalApic::kCurrentCount) <= 2);
}

TEST_CASE("LocalApic: TSC-deadline mode") {
  Board b;
  b.linux_setup();
  // Outside the mode IA32_TSC_DEADLINE ignores writes and reads 0.
  b.apic.write_tsc_deadline_msr(5000, 0);
  CHECK(b.apic.read_tsc_deadline_msr() == 0);
  CHECK_FALSE(b.apic.timer_event_ns().has_value());
  b.wr(LocalApic::kLvtTimer, 0x400EC);
  // The TSC may be offset from the clock: only the distance counts.
  b.run_to(1000);
  b.apic.write_tsc_deadline_msr(1'000'000 + 5000, 1'000'000);
  CHECK(b.apic.read_tsc_deadline_msr() == 1'005'000);
  CHECK(b.apic.timer_event_ns() == 6000);
  b.wr(LocalApic::kInitialCount, 100);  // ignored in this mode
  CHECK(b.rd(LocalApic::kInitialCount) == 0);
  CHECK(b.rd(LocalApic::kCurrentCount) == 0);
  b.run_to(5999);
  CHECK_FALSE(b.apic.irr(0xEC));
  b.run_to(6000);
  CHECK(b.apic.irr(0xEC));
  CHECK(b.apic.read_tsc_deadline_msr() == 0);  // disarmed once passed
  b.inta();
  b.eoi();
  // A deadline already passed fires at once; 0 disarms.
  b.apic.write_tsc_deadline_msr(10, 20);
  CHECK(b.apic.irr(0xEC));
  b.inta();
  b.eoi();
  b.apic.write_tsc_deadline_msr(9000, 6000);
  b.apic.write_tsc_deadline_msr(0, 6000);
  b.run_to(20000);
  CHECK_FALSE(b.apic.irr(0xEC));
  // Leaving the mode disarms it too.
  b.apic.write_tsc_deadline_msr(30000, 20000);
  b.wr(LocalApic::kLvtTimer, 0x000EC);
  CHECK(b.apic.tsc_deadline() == 0);
  b.run_to(40000);
  CHECK_FALSE(b.apic.irr(0xEC));
}

TEST_CASE("LocalApic: access hooks run around register and MSR accesses") {
  Board b;
  unsigned before = 0, after = 0;
  b.apic.set_access_hooks([&] { ++before; }, [&] { ++after; });
  b.rd(LocalApic::kCurrentCount);
  b.wr(LocalApic::kTpr, 0);
  b.apic.read_apic_base_msr();
  CHECK(before == 3);
  CHECK(after == 3);
  // The hook may move time before the read: the count is taken after it.
  b.wr(LocalApic::kSvr, 0x1FF);
  b.wr(LocalApic::kDivide, 0xB);
  b.wr(LocalApic::kLvtTimer, 0x100EC);
  b.wr(LocalApic::kInitialCount, 1000);
  b.apic.set_access_hooks([&] { b.scheduler.advance_to(b.scheduler.now_ns() + 100); }, nullptr);
  CHECK(b.rd(LocalApic::kCurrentCount) == 900);
}

TEST_CASE("LocalApic: INIT resets the registers but keeps the ID and the base") {
  Board b;
  b.linux_setup();
  b.wr(LocalApic::kId, 0x05000000);
  b.self_ipi(0x40);
  b.wr(LocalApic::kLvtTimer, 0x200EC);
  b.wr(LocalApic::kInitialCount, 1000);
  b.apic.init();
  CHECK(b.rd(LocalApic::kId) == 0x05000000);
  CHECK(b.apic.read_apic_base_msr() == 0xFEE00900);
  CHECK(b.rd(LocalApic::kSvr) == 0xFF);
  CHECK(b.rd(LocalApic::kLvtLint0) == 0x10000);  // only RESET restores the virtual wire
  CHECK(b.rd(LocalApic::kLvtTimer) == 0x10000);
  CHECK_FALSE(b.apic.irr(0x40));
  CHECK_FALSE(b.apic.timer_event_ns().has_value());
  b.apic.reset();
  CHECK(b.rd(LocalApic::kId) == 0);
  CHECK(b.rd(LocalApic::kLvtLint0) == 0x700);
}

TEST_CASE("LocalApic: an ExtINT message makes the CPU acknowledge the 8259") {
  Board b;
  b.init_pic();
  b.linux_setup();
  b.wr(LocalApic::kLvtLint0, 0x10700);
  b.irq0.pulse();
  CHECK_FALSE(b.apic.interrupt_pending());
  b.apic.receive(ApicMessage{0, ApicDelivery::kExtInt, false, 0, false});
  CHECK(b.inta() == 0x08);
  CHECK_FALSE(b.apic.interrupt_pending());
}

TEST_CASE("LocalApic: Linux's calibration sees a 1 GHz bus clock through divide by 16") {
  Board b;
  b.linux_setup();
  // calibrate_APIC_clock: __setup_APIC_LVTT(0xffffffff, 0, 0), masked periodic, /16.
  b.wr(LocalApic::kLvtTimer, 0x300EC);
  b.wr(LocalApic::kDivide, 0x3);
  b.wr(LocalApic::kInitialCount, 0xFFFFFFFF);
  b.run_to(1'000'000);  // the first PIT tick
  const uint32_t start = b.rd(LocalApic::kCurrentCount);
  b.run_to(101'000'000);  // 100 ms of PIT ticks later
  const uint32_t end = b.rd(LocalApic::kCurrentCount);
  CHECK(start - end == 6'250'000);  // lapic_timer_period * HZ / 10 -> 1000 MHz bus
  CHECK(b.apic.timer_event_ns() == uint64_t{0xFFFFFFFF} * 16);
  CHECK_FALSE(b.apic.interrupt_pending());
}
