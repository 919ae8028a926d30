// The debugging interface of the CPU: steps, memory accesses, port accesses, events and
// the step history, seen by an observer on a small real-mode program.
#include "cpu/cpu_observer.h"

#include <doctest/doctest.h>

#include <vector>

#include "cpu_harness.h"

using namespace trapeze;
using trapeze::test::CpuHarness;

namespace {

struct Recorder final : CpuObserver {
  std::vector<uint64_t> before_rips;
  std::vector<MemoryAccess> accesses;
  std::vector<CpuEvent> events;
  std::vector<std::pair<uint16_t, uint32_t>> port_writes;
  unsigned after_steps = 0;
  uint64_t stop_at = ~uint64_t{0};

  bool before_step(Cpu& cpu) override {
    before_rips.push_back(cpu.rip);
    return cpu.rip == stop_at;
  }
  void after_step(Cpu&) override { ++after_steps; }
  void memory_access(const MemoryAccess& a) override { accesses.push_back(a); }
  void event(const CpuEvent& e) override { events.push_back(e); }
  void port_access(uint16_t port, unsigned, uint32_t value, bool write) override {
    if (write) port_writes.emplace_back(port, value);
  }
};

}  // namespace

TEST_CASE("an observer sees every step, data access and port write") {
  CpuHarness h;
  h.load({
      0xB8, 0x34, 0x12,        // mov ax, 0x1234
      0xA3, 0x00, 0x20,        // mov [0x2000], ax
      0x8B, 0x1E, 0x00, 0x20,  // mov bx, [0x2000]
      0xE6, 0x80,              // out 0x80, al
      0xF4,                    // hlt
  });
  Recorder r;
  h.cpu.set_observer(&r);
  CHECK(h.run() == 5);
  CHECK(r.before_rips == std::vector<uint64_t>{0x1000, 0x1003, 0x1006, 0x100A, 0x100C});
  CHECK(r.after_steps == 5);
  REQUIRE(r.accesses.size() == 2);
  CHECK(r.accesses[0].write);
  CHECK(r.accesses[0].linear == 0x2000);
  CHECK(r.accesses[0].physical == 0x2000);
  CHECK(r.accesses[0].size_bytes == 2);
  CHECK(r.accesses[0].value == 0x1234);
  CHECK_FALSE(r.accesses[1].write);
  CHECK(r.accesses[1].value == 0x1234);
  CHECK(h.cpu.reg16(kRbx) == 0x1234);
  REQUIRE(r.port_writes.size() == 1);
  CHECK(r.port_writes[0] == std::pair<uint16_t, uint32_t>{0x80, 0x34});
  CHECK(h.io.writes.size() == 1);  // the port write still reached the bus
}

TEST_CASE("a repeated access through a cached translation is still reported") {
  CpuHarness h;
  h.load({0xA3, 0x00, 0x20, 0xA3, 0x00, 0x20, 0xF4});  // mov [0x2000], ax twice; hlt
  Recorder r;
  h.cpu.set_observer(&r);
  h.run();
  CHECK(r.accesses.size() == 2);
  h.cpu.set_observer(nullptr);
  h.cpu.rip = 0x1000;
  h.cpu.wake();
  h.run();
  CHECK(r.accesses.size() == 2);  // detached: nothing more reported
}

TEST_CASE("a page-crossing access is one record") {
  CpuHarness h;
  h.load({0x66, 0xA3, 0xFE, 0x2F, 0xF4});  // mov [0x2FFE], eax; hlt
  h.cpu.gpr[kRax] = 0xAABBCCDD;
  Recorder r;
  h.cpu.set_observer(&r);
  h.run();
  REQUIRE(r.accesses.size() == 1);
  CHECK(r.accesses[0].size_bytes == 4);
  CHECK(r.accesses[0].value == 0xAABBCCDD);
  CHECK(h.ram.read(0x2FFE, 4) == 0xAABBCCDD);
}

TEST_CASE("before_step returning true stops run() before the instruction") {
  CpuHarness h;
  h.load({0x40, 0x40, 0x40, 0xF4});  // inc ax x3; hlt
  Recorder r;
  r.stop_at = 0x1002;
  h.cpu.set_observer(&r);
  CHECK(h.cpu.run(100) == RunStop::kStopRequested);
  CHECK(h.cpu.rip == 0x1002);
  CHECK(h.cpu.reg16(kRax) == 2);
}

TEST_CASE("software interrupts and exceptions are reported as events") {
  CpuHarness h;
  // IVT: vector 0x21 and vector 0 (#DE) both point at 0000:3000, which halts.
  h.ram.write(0x21 * 4, 4, 0x00003000);
  h.ram.write(0, 4, 0x00003000);
  h.load({0xF4}, 0x3000);
  h.load({0xCD, 0x21});  // int 0x21
  Recorder r;
  h.cpu.set_observer(&r);
  h.run();
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].kind == CpuEvent::Kind::kSoftwareInterrupt);
  CHECK(r.events[0].vector == 0x21);

  h.cpu.rip = 0x1000;
  h.cpu.wake();
  h.load({0x31, 0xC9, 0xF7, 0xF1});  // xor cx, cx; div cx
  h.cpu.physical_memory_changed();   // written behind the decoded-instruction cache
  h.run();
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[1].kind == CpuEvent::Kind::kException);
  CHECK(r.events[1].vector == vec::kDivide);
}

TEST_CASE("the step history holds the CS:EIP of the last steps, oldest first") {
  CpuHarness h;
  h.load({0x40, 0x40, 0x40, 0xF4});
  h.run();
  const auto last = h.cpu.history().last(h.cpu.steps(), 2);
  REQUIRE(last.size() == 2);
  CHECK(last[0].eip == 0x1002);
  CHECK(last[1].eip == 0x1003);
  CHECK(h.cpu.history().last(h.cpu.steps(), 100).size() == 4);
}

TEST_CASE("both reads of LGDT are reported") {
  CpuHarness h;
  h.load({0x0F, 0x01, 0x16, 0x00, 0x20, 0xF4});  // lgdt [0x2000]; hlt
  h.ram.write(0x2000, 2, 0x17);
  h.ram.write(0x2002, 4, 0x123456);
  Recorder r;
  h.cpu.set_observer(&r);
  h.run();
  REQUIRE(r.accesses.size() == 2);
  CHECK(r.accesses[0].linear == 0x2000);
  CHECK(r.accesses[1].linear == 0x2002);
  CHECK(r.accesses[1].value == 0x123456);
}
