// The monitor's commands against a small machine (debug_test_machine.h).
#include "frontend/monitor.h"

#include <doctest/doctest.h>

#include "debug_test_machine.h"

using namespace trapeze;

namespace {
struct Fixture {
  test::DebugTestMachine m;
  Debugger debugger{*m.machine};
  Monitor monitor{*m.machine, debugger, 8};
  std::string run(std::string_view line) { return monitor.execute(line); }
};
bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("monitor: an I/O port breakpoint stops after the access") {
  Fixture f;
  CHECK(contains(f.run("break-io 61"), "breakpoint 1: io-port 61"));
  const std::string out = f.run("c");
  CHECK(contains(out, "read of port 0061"));
  CHECK(f.m.cpu().rip == 0x000F);  // after IN, before MOV AL
  CHECK(f.m.cpu().reg16(kRcx) == 3);
}

TEST_CASE("monitor: a write watchpoint stops after each write, with the value") {
  Fixture f;
  f.run("watch 500 2");
  CHECK(contains(f.run("continue"), "write of 2 bytes at 00000500 (value 1)"));
  CHECK(f.m.cpu().rip == 0x0008);
  CHECK(contains(f.run("c"), "(value 2)"));
  CHECK(contains(f.run("x 500 2"), "00000500: 02 00"));
  f.run("delete 1");
  CHECK(contains(f.run("c"), "guest exit (status 33)"));
  REQUIRE(f.monitor.guest_end());
  CHECK(f.monitor.guest_end()->exit_status == 33);
}

TEST_CASE("monitor: execute breakpoints, step and delete") {
  Fixture f;
  f.run("break f0008");
  CHECK(contains(f.run("c"), "breakpoint 1 at 000f0008"));
  CHECK(f.m.cpu().rip == 0x0008);
  // Continuing from a breakpoint runs its instruction, then stops there on the next pass.
  CHECK(contains(f.run("c"), "breakpoint 1 at 000f0008"));
  CHECK(f.m.cpu().reg16(kRcx) == 2);
  const uint64_t before = f.m.cpu().instructions_retired();
  f.run("step 3");
  CHECK(f.m.cpu().instructions_retired() == before + 3);
  CHECK(contains(f.run("breakpoints"), "1: execute f0008"));
  CHECK(f.run("delete all").empty());
  CHECK(f.run("breakpoints") == "no breakpoints\n");
  CHECK(f.m.cpu().observer() == nullptr);  // nothing left to observe: full speed
}

TEST_CASE("monitor: memory, disassembly, translation and registers") {
  Fixture f;
  CHECK(contains(f.run("xp f0000 4"), "000f0000: b9 00 00 41"));
  const std::string disas = f.run("disas f0000 2");
  CHECK(contains(disas, "000f0000: b90000"));
  CHECK(contains(disas, "mov cx, 0x00"));
  CHECK(contains(disas, "000f0003: 41"));
  CHECK(f.run("translate 1234") == "00001234 -> 00001234 (paging off)\n");
  const std::string regs = f.run("registers");
  CHECK(contains(regs, "EIP=0000fff0"));
  CHECK(contains(regs, "cs=f000 base=ffff0000 limit=0000ffff"));
  CHECK(contains(regs, "CR0=60000010"));
  CHECK(contains(f.run("x ffffff00 4"), "ffffff00: f4 f4 f4 f4"));
}

TEST_CASE("monitor: device summaries read without side effects") {
  Fixture f;
  f.run("step 2");
  const uint16_t irr = f.m.machine->pic().irr();
  const uint16_t count = f.m.machine->pit().peek_count(0);
  CHECK(contains(f.run("info pic"), "PIC master"));
  CHECK(contains(f.run("info devices"), "PIT counter 2"));
  CHECK(contains(f.run("info ide"), "IDE primary"));
  CHECK(f.m.machine->pic().irr() == irr);
  CHECK(f.m.machine->pit().peek_count(0) == count);
}

TEST_CASE("monitor: history, help, errors and quit") {
  Fixture f;
  f.run("step 4");
  const std::string history = f.run("history 2");
  CHECK(contains(history, "last 2 steps"));
  CHECK(contains(history, "f000:00000003"));  // inc cx
  CHECK(contains(history, "f000:00000004"));  // mov [0x500], cx
  CHECK(contains(f.run("help"), "break-exception VEC"));
  CHECK(contains(f.run("frobnicate"), "unknown command"));
  CHECK(contains(f.run("x zz"), "usage error"));
  CHECK(f.run("").empty());
  CHECK_FALSE(f.monitor.quit_requested());
  f.run("quit");
  CHECK(f.monitor.quit_requested());
}

TEST_CASE("monitor: exception and interrupt breakpoints") {
  Fixture f;
  // Replace the program: int 0x30 with the IVT pointing 0x30 at F000:0013 (hlt).
  Cpu& cpu = f.m.cpu();
  f.run("step 1");  // past the reset jump
  uint8_t* ram = f.m.machine->memory().page_pointer(0, true);
  ram[0x30 * 4 + 0] = 0x13;
  ram[0x30 * 4 + 1] = 0x00;
  ram[0x30 * 4 + 2] = 0x00;
  ram[0x30 * 4 + 3] = 0xF0;
  ram[0x1000] = 0xCD;  // int 0x30 at 0000:1000
  ram[0x1001] = 0x30;
  cpu.seg[kCs].selector = 0;
  cpu.seg[kCs].base = 0;
  cpu.rip = 0x1000;
  f.run("break-interrupt 30");
  CHECK(contains(f.run("c"), "interrupt 30 (software)"));
  CHECK(cpu.seg[kCs].selector == 0xF000);
  CHECK(cpu.rip == 0x13);
  // Divide by zero: #DE.
  ram[0x1002] = 0xF6;  // div bl (BL = 0)
  ram[0x1003] = 0xF3;
  ram[0] = 0x13;
  ram[1] = 0x00;
  ram[2] = 0x00;
  ram[3] = 0xF0;
  cpu.physical_memory_changed();
  cpu.seg[kCs].selector = 0;
  cpu.seg[kCs].base = 0;
  cpu.rip = 0x1002;
  cpu.wake();
  f.run("break-exception 0");
  CHECK(contains(f.run("c"), "exception 00 #DE"));
}
