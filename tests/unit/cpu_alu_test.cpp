// Arithmetic results and flags, instruction by instruction, as the SDM states them.
#include <doctest/doctest.h>

#include "cpu_harness.h"

using namespace trapeze;
using trapeze::test::CpuHarness;

TEST_CASE("ADD sets carry, overflow, adjust, zero and parity from one result") {
  CpuHarness h;
  h.load({0xB0, 0x7F,  // mov al, 7Fh
          0x04, 0x81,  // add al, 81h -> 00, CF=1, ZF=1, AF=1, PF=1, OF=0, SF=0
          0xF4});
  h.run();
  CHECK(h.cpu.reg8(0) == 0x00);
  CHECK(h.cpu.flags.cf());
  CHECK(h.cpu.flags.zf());
  CHECK(h.cpu.flags.af());
  CHECK(h.cpu.flags.pf());
  CHECK_FALSE(h.cpu.flags.of());
  CHECK_FALSE(h.cpu.flags.sf());
}

TEST_CASE("signed overflow: 7FFFh + 1") {
  CpuHarness h;
  h.load({0xB8, 0xFF, 0x7F, 0x05, 0x01, 0x00, 0xF4});  // mov ax,7FFFh; add ax,1
  h.run();
  CHECK(h.cpu.reg16(kRax) == 0x8000);
  CHECK(h.cpu.flags.of());
  CHECK(h.cpu.flags.sf());
  CHECK_FALSE(h.cpu.flags.cf());
  CHECK(h.cpu.flags.read() == (flag::kReserved1 | flag::OF | flag::SF | flag::AF | flag::PF));
}

TEST_CASE("SBB borrows through CF and CMP leaves its operand alone") {
  CpuHarness h;
  h.load({0xF9,              // stc
          0xB8, 0x00, 0x00,  // mov ax, 0
          0x1D, 0x00, 0x00,  // sbb ax, 0 -> FFFF, CF=1
          0x3D, 0xFF, 0xFF,  // cmp ax, FFFF -> ZF=1, CF=0
          0xF4});
  h.run();
  CHECK(h.cpu.reg16(kRax) == 0xFFFF);
  CHECK(h.cpu.flags.zf());
  CHECK_FALSE(h.cpu.flags.cf());
}

TEST_CASE("INC and DEC keep CF") {
  CpuHarness h;
  h.load({0xF9, 0x40, 0xF4});  // stc; inc ax
  h.run();
  CHECK(h.cpu.reg16(kRax) == 1);
  CHECK(h.cpu.flags.cf());
  CpuHarness h2;
  h2.load({0xF8, 0x48, 0xF4});  // clc; dec ax -> FFFF, CF still 0
  h2.run();
  CHECK(h2.cpu.reg16(kRax) == 0xFFFF);
  CHECK_FALSE(h2.cpu.flags.cf());
  CHECK(h2.cpu.flags.sf());
  CHECK(h2.cpu.flags.af());
}

TEST_CASE("32-bit operands in real mode with the operand-size prefix") {
  CpuHarness h;
  h.load({0x66, 0xB8, 0x00, 0x00, 0x00, 0x80,  // mov eax, 80000000h
          0x66, 0x01, 0xC0,                    // add eax, eax -> 0, CF=1, OF=1, ZF=1
          0xF4});
  h.run();
  CHECK(h.cpu.reg32(kRax) == 0);
  CHECK(h.cpu.flags.cf());
  CHECK(h.cpu.flags.of());
  CHECK(h.cpu.flags.zf());
}

TEST_CASE("AH..BH byte registers alias bits 8-15") {
  CpuHarness h;
  h.load({0xBB, 0x34, 0x12,  // mov bx, 1234h
          0x88, 0xFC,        // mov ah, bh
          0xF4});
  h.run();
  CHECK(h.cpu.reg8(4) == 0x12);
  CHECK(h.cpu.reg16(kRax) == 0x1200);
}

TEST_CASE("DIV by zero is a fault: #DE pushes the address of the DIV itself") {
  CpuHarness h;
  // IVT[0] -> 0000:2000, which holds HLT.
  h.ram.write(0, 2, 0x2000);
  h.ram.write(2, 2, 0x0000);
  h.load({0xF4}, 0x2000);
  h.load({0xB3, 0x00, 0xF6, 0xF3, 0xF4});  // mov bl,0; div bl
  h.run();
  CHECK(h.cpu.rip == 0x2001);
  CHECK(h.cpu.gpr[kRsp] == 0x8000 - 6);
  CHECK(h.word_at(0x8000 - 6) == CpuHarness::kCodeOffset + 2);  // the DIV, not the next insn
}

TEST_CASE("a word at offset FFFFh is outside the segment: #GP, and #SS for the stack") {
  CpuHarness h;
  h.ram.write(13 * 4, 4, 0x00002000);  // #GP handler
  h.ram.write(12 * 4, 4, 0x00002100);  // #SS handler
  h.load({0xF4}, 0x2000);
  h.load({0xF4}, 0x2100);
  h.load({0xA1, 0xFF, 0xFF, 0xF4});  // mov ax, [FFFFh]
  h.run();
  CHECK(h.cpu.rip == 0x2001);

  // PUSH with SP=1 writes at FFFFh: #SS. Delivering it pushes onto the same broken
  // stack: #SS again, so #DF, which faults too: the processor shuts down.
  CpuHarness s;
  s.ram.write(12 * 4, 4, 0x00002100);
  s.load({0xF4}, 0x2100);
  s.load({0x50, 0xF4});  // push ax
  s.cpu.gpr[kRsp] = 1;
  s.run();
  CHECK(s.cpu.shutdown());
}

TEST_CASE("REP STOSB fills memory and counts CX down to zero") {
  CpuHarness h;
  h.load({0xB9, 0x00, 0x30,  // mov cx, 3000h (more than one chunk of iterations)
          0xBF, 0x00, 0x40,  // mov di, 4000h
          0xB0, 0xAB,        // mov al, ABh
          0xFC,              // cld
          0xF3, 0xAA,        // rep stosb
          0xF4});
  h.run();
  CHECK(h.cpu.reg16(kRcx) == 0);
  CHECK(h.cpu.reg16(kRdi) == 0x7000);
  CHECK(h.ram.bytes()[0x4000] == 0xAB);
  CHECK(h.ram.bytes()[0x6FFF] == 0xAB);
  CHECK(h.ram.bytes()[0x7000] == 0x00);
}

TEST_CASE("LOCK on an instruction that cannot be locked is #UD") {
  CpuHarness h;
  h.ram.write(6 * 4, 4, 0x00002000);
  h.load({0xF4}, 0x2000);
  h.load({0xF0, 0x40, 0xF4});  // lock inc ax
  h.run();
  CHECK(h.cpu.rip == 0x2001);
  CHECK(h.cpu.reg16(kRax) == 0);
}

TEST_CASE("OUT and IN reach the port bus") {
  CpuHarness h;
  h.load({0xB0, 0x41, 0xE6, 0xE9,  // mov al,'A'; out E9h, al
          0xE4, 0x60, 0xF4});      // in al, 60h (open bus: FFh)
  h.run();
  REQUIRE(h.io.writes.size() == 1);
  CHECK(h.io.writes[0].first == 0xE9);
  CHECK(h.io.writes[0].second == 0x41);
  CHECK(h.cpu.reg8(0) == 0xFF);
}

TEST_CASE("BSWAP reverses the bytes of a 32-bit register") {
  CpuHarness h;
  h.load({0x66, 0xB8, 0x00, 0x00, 0x00, 0x64,  // mov eax, 64000000h
          0x66, 0x0F, 0xC8,                    // bswap eax
          0x66, 0xBB, 0x78, 0x56, 0x34, 0x12,  // mov ebx, 12345678h
          0x66, 0x0F, 0xCB,                    // bswap ebx
          0xF4});
  h.run();
  CHECK(h.cpu.gpr[kRax] == 0x00000064);
  CHECK(h.cpu.gpr[kRbx] == 0x78563412);
}
