// The CPU's side of the local APIC: CPUID leaf 1 reports it only when a board attaches
// one, IA32_APIC_BASE and IA32_TSC_DEADLINE go to it, and the NMI input.
#include <doctest/doctest.h>

#include "cpu/cpu.h"
#include "cpu_harness.h"
#include "devices/local_apic.h"
#include "devices/scheduler.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

// A real-mode CPU on an address map with a local APIC, code at 0000:1000.
struct ApicCpu {
  AddressMap memory{1 << 20};
  Scheduler scheduler;
  test::RecordingIo io;
  Cpu cpu{memory, io};
  LocalApic apic{memory, scheduler};

  explicit ApicCpu(bool attach = true) {
    memory.map_ram(0, 1 << 20);
    cpu.reset();
    for (unsigned s = 0; s < kSegCount; ++s) cpu.seg[s] = Segment{0, 0, 0xFFFF, 0x93};
    cpu.seg[kCs] = Segment{0, 0, 0xFFFF, 0x9B};
    cpu.rip = 0x1000;
    cpu.gpr[kRsp] = 0x8000;
    cpu.set_clock([this] { return scheduler.now_ns(); });
    // IVT #GP (vector 13) -> 0000:2800: hlt.
    memory.write(13 * 4, 4, 0x00002800);
    memory.write(0x2800, 1, 0xF4);
    if (attach) {
      cpu.set_local_apic(&apic);
      cpu.set_interrupt_source(&apic);
    }
  }
  void run(std::initializer_list<uint8_t> code) {
    uint32_t at = 0x1000;
    for (uint8_t b : code) memory.write(at++, 1, b);
    cpu.physical_memory_changed();  // new code where the last test program was
    cpu.wake();
    cpu.rip = 0x1000;
    cpu.run(100);
  }
};

// mov eax, 1; cpuid; hlt
constexpr std::initializer_list<uint8_t> kCpuid1 = {0x66, 0xB8, 1, 0, 0, 0, 0x0F, 0xA2, 0xF4};

}  // namespace

TEST_CASE("CPUID leaf 1 reports the APIC, its ID and TSC-deadline only with an APIC") {
  ApicCpu without(false);
  without.run(kCpuid1);
  CHECK((without.cpu.gpr[kRdx] & (1u << 9)) == 0);
  CHECK((without.cpu.gpr[kRcx] & (1u << 24)) == 0);
  CHECK((without.cpu.gpr[kRbx] >> 24) == 0);  // no initial APIC ID

  ApicCpu with;
  with.run(kCpuid1);
  CHECK((with.cpu.gpr[kRdx] & (1u << 9)) != 0);
  CHECK((with.cpu.gpr[kRcx] & (1u << 24)) != 0);
  CHECK((with.cpu.gpr[kRbx] >> 24) == 0);
  // A globally disabled APIC is gone from CPUID too.
  REQUIRE(with.apic.write_apic_base_msr(0xFEE00000));
  with.run(kCpuid1);
  CHECK((with.cpu.gpr[kRdx] & (1u << 9)) == 0);
}

TEST_CASE("RDMSR/WRMSR of IA32_APIC_BASE and IA32_TSC_DEADLINE reach the APIC") {
  ApicCpu c;
  // mov ecx, 0x1B; rdmsr; hlt
  c.run({0x66, 0xB9, 0x1B, 0, 0, 0, 0x0F, 0x32, 0xF4});
  CHECK(c.cpu.gpr[kRax] == 0xFEE00900);
  CHECK(c.cpu.gpr[kRdx] == 0);
  // Reserved bits (x2APIC enable): #GP, and the MSR keeps its value.
  c.cpu.gpr[kRax] = 0xFEE00D00;
  c.cpu.gpr[kRdx] = 0;
  c.run({0x66, 0xB9, 0x1B, 0, 0, 0, 0x0F, 0x30, 0xF4});
  CHECK(c.cpu.rip == 0x2801);
  CHECK(c.apic.read_apic_base_msr() == 0xFEE00900);
  // TSC-deadline: the deadline counts from the TSC, offset or not.
  c.memory.write(LocalApic::kDefaultBase + LocalApic::kLvtTimer, 4, 0x400EC);
  c.cpu.msr.tsc_offset = 1'000'000;
  c.cpu.gpr[kRax] = 1'000'000 + 7000;
  c.cpu.gpr[kRdx] = 0;
  // mov ecx, 0x6E0; wrmsr; hlt
  c.run({0x66, 0xB9, 0xE0, 0x06, 0, 0, 0x0F, 0x30, 0xF4});
  CHECK(c.apic.tsc_deadline() == 1'007'000);
  CHECK(c.apic.timer_event_ns() == 7000);
  // mov ecx, 0x6E0; rdmsr; hlt
  c.run({0x66, 0xB9, 0xE0, 0x06, 0, 0, 0x0F, 0x32, 0xF4});
  CHECK(c.cpu.gpr[kRax] == 1'007'000);
}

TEST_CASE("Without an APIC, IA32_TSC_DEADLINE is #GP and IA32_APIC_BASE a plain MSR") {
  ApicCpu c(false);
  c.run({0x66, 0xB9, 0xE0, 0x06, 0, 0, 0x0F, 0x32, 0xF4});
  CHECK(c.cpu.rip == 0x2801);
  c.run({0x66, 0xB9, 0x1B, 0, 0, 0, 0x0F, 0x32, 0xF4});
  CHECK(c.cpu.gpr[kRax] == 0xFEE00900);
}

TEST_CASE("NMI: delivered whatever IF says, blocked until IRET, latched meanwhile") {
  test::CpuHarness h;
  // IVT vector 2 -> 0000:2000: inc byte [0x3000]; iret
  h.ram.write(2 * 4, 4, 0x00002000);
  h.load({0xFE, 0x06, 0x00, 0x30, 0xCF}, 0x2000);
  h.load({0xFA, 0x90, 0x90, 0x90, 0xF4});  // cli; nop; nop; nop; hlt
  h.cpu.step();                            // cli
  h.cpu.raise_nmi();
  CHECK(h.cpu.nmi_pending());
  h.cpu.step();  // the NMI
  CHECK(h.cpu.rip == 0x2000);
  CHECK_FALSE(h.cpu.nmi_pending());
  h.cpu.raise_nmi();  // arrives inside the handler: waits
  h.cpu.step();
  CHECK(h.cpu.rip == 0x2004);
  CHECK(h.ram.bytes()[0x3000] == 1);
  h.cpu.step();  // iret
  CHECK(h.cpu.rip == 0x1001);
  h.cpu.step();  // the second NMI, now that IRET unblocked them
  CHECK(h.cpu.rip == 0x2000);
  h.cpu.step();
  h.cpu.step();
  CHECK(h.ram.bytes()[0x3000] == 2);
  // An NMI wakes a CPU halted with interrupts off.
  h.run();
  CHECK(h.cpu.halted());
  h.cpu.raise_nmi();
  h.cpu.run(1);
  CHECK(h.cpu.rip == 0x2000);
}

TEST_CASE("The CPU takes its interrupts through the APIC: timer vector via the IDT/IVT") {
  ApicCpu c;
  c.memory.write(LocalApic::kDefaultBase + LocalApic::kSvr, 4, 0x1FF);
  c.memory.write(LocalApic::kDefaultBase + LocalApic::kDivide, 4, 0xB);
  c.memory.write(LocalApic::kDefaultBase + LocalApic::kLvtTimer, 4, 0x00040);
  c.memory.write(LocalApic::kDefaultBase + LocalApic::kInitialCount, 4, 50);
  // IVT 0x40 -> 0000:2000: hlt
  c.memory.write(0x40 * 4, 4, 0x00002000);
  c.memory.write(0x2000, 1, 0xF4);
  c.run({0xFB, 0xF4});  // sti; hlt
  CHECK(c.cpu.halted());
  CHECK(c.cpu.rip == 0x1002);
  c.scheduler.advance_to(50);
  c.cpu.run(10);
  CHECK(c.cpu.rip == 0x2001);
  CHECK(c.apic.isr(0x40));
}
