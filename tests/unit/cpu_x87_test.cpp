// The x87 as a guest sees it: instructions through the decoder, the power-on and FNINIT
// states, #NM from CR0.EM/TS/MP, pending exceptions (#MF with CR0.NE, FERR# without),
// the last-instruction pointers, and the FSTENV/FSAVE/FXSAVE layouts.
#include <doctest/doctest.h>

#include <vector>

#include "cpu/cpu_access.h"
#include "cpu_harness.h"

using namespace trapeze;
using trapeze::test::CpuHarness;

namespace {

// Real-mode harness with every exception vector pointing at its own HLT, so a test can
// tell which one was taken.
struct X87Harness : CpuHarness {
  static constexpr uint32_t kStubs = 0x3000;
  X87Harness() {
    for (uint32_t v = 0; v < 32; ++v) {
      ram.write(v * 4, 4, kStubs + v);  // offset, segment 0
      ram.bytes()[kStubs + v] = 0xF4;
    }
  }
  int vector_taken() const {
    return cpu.rip > kStubs && cpu.rip <= kStubs + 32 ? static_cast<int>(cpu.rip - kStubs - 1) : -1;
  }
  uint16_t word(uint32_t at) { return static_cast<uint16_t>(ram.read(at, 2)); }
  uint32_t dword(uint32_t at) { return static_cast<uint32_t>(ram.read(at, 4)); }
};

constexpr uint8_t kFninit[] = {0xDB, 0xE3};

struct RecordingSink final : FpuErrorSink {
  int asserts = 0, releases = 0;
  void fpu_error(bool asserted) override { ++(asserted ? asserts : releases); }
};

}  // namespace

TEST_CASE("1 + 1 stored as an integer, and the status word in AX") {
  X87Harness h;
  h.load({0xDB, 0xE3,              // fninit
          0xD9, 0xE8,              // fld1
          0xD9, 0xE8,              // fld1
          0xDE, 0xC1,              // faddp st(1), st
          0xDF, 0x1E, 0x00, 0x20,  // fistp word [2000h]
          0xDF, 0xE0,              // fnstsw ax
          0xF4});
  h.run();
  CHECK(h.word(0x2000) == 2);
  CHECK(h.cpu.reg16(kRax) == 0x0000);  // TOP back at 0, no exceptions
  CHECK(h.cpu.fpu.valid == 0);
}

TEST_CASE("power-on state, then FNINIT") {
  X87Harness h;
  CHECK(h.cpu.fpu.cw == 0x0040);
  CHECK(h.cpu.fpu.tag_word() == 0x5555);  // all registers +0, valid
  h.load({0xDB, 0xE3, 0xF4});
  h.run();
  CHECK(h.cpu.fpu.cw == 0x037F);
  CHECK(h.cpu.fpu.sw == 0);
  CHECK(h.cpu.fpu.tag_word() == 0xFFFF);
}

TEST_CASE("CPUID reports the FPU") {
  X87Harness h;
  h.load({0x66, 0xB8, 0x01, 0x00, 0x00, 0x00, 0x0F, 0xA2, 0xF4});  // mov eax, 1; cpuid
  h.run();
  CHECK((h.cpu.reg32(kRdx) & 1) == 1);
}

TEST_CASE("CR0.EM or CR0.TS makes an x87 instruction #NM; WAIT only with MP and TS") {
  X87Harness em;
  em.cpu.write_cr0(em.cpu.cr0 | cr0::EM);
  em.load({0x9B, 0xD9, 0xE8, 0xF4});  // wait; fld1
  em.run();
  CHECK(em.vector_taken() == vec::kNoDevice);
  CHECK(em.word(0x8000 - 6) == X87Harness::kCodeOffset + 1);  // WAIT ran, FLD1 faulted

  X87Harness ts;
  ts.cpu.write_cr0(ts.cpu.cr0 | cr0::TS);
  ts.load({0x9B, 0xDF, 0xE0, 0xF4});  // wait (no MP: runs); fnstsw ax (#NM)
  ts.run();
  CHECK(ts.vector_taken() == vec::kNoDevice);
  CHECK(ts.word(0x8000 - 6) == X87Harness::kCodeOffset + 1);

  X87Harness mp;
  mp.cpu.write_cr0(mp.cpu.cr0 | cr0::TS | cr0::MP);
  mp.load({0x9B, 0xF4});
  mp.run();
  CHECK(mp.vector_taken() == vec::kNoDevice);
}

TEST_CASE("an unmasked zero divide is pending until the next waiting instruction: #MF") {
  X87Harness h;
  h.cpu.write_cr0(h.cpu.cr0 | cr0::NE);
  h.ram.write(0x2000, 2, 0x037B);  // ZE unmasked
  h.load({0xDB, 0xE3,              // 1000 fninit
          0xD9, 0x2E, 0x00, 0x20,  // 1002 fldcw [2000h]
          0xD9, 0xEE,              // 1006 fldz
          0xD9, 0xE8,              // 1008 fld1
          0xD8, 0xF1,              // 100A fdiv st, st(1)
          0xDF, 0xE0,              // 100C fnstsw ax (no wait: no fault)
          0x9B,                    // 100E wait -> #MF
          0xF4});
  h.run();
  CHECK(h.vector_taken() == vec::kFpu);
  CHECK((h.cpu.reg16(kRax) & 0x80BF) == 0x8084);  // B, ES, ZE
  CHECK(h.cpu.fpu.st(0) == fpu::make_f80(false, fpu::kBias, fpu::kIntegerBit));  // ST(0) untouched
  CHECK(h.cpu.fpu.fip == 0x100A);
  CHECK(h.cpu.fpu.fop == 0x0F1);  // D8 F1: (D8 & 7) << 8 | F1
  CHECK(h.word(0x8000 - 6) == 0x100E);  // #MF returns to the WAIT
}

TEST_CASE("CR0.NE clear: FERR# freezes the next waiting instruction until IGNNE#") {
  X87Harness h;
  RecordingSink sink;
  h.cpu.fpu.error_sink = &sink;
  h.ram.write(0x2000, 2, 0x037B);
  h.load({0xDB, 0xE3, 0xD9, 0x2E, 0x00, 0x20, 0xD9, 0xEE, 0xD9, 0xE8,
          0xD8, 0xF1,  // 100A fdiv: ZE pending
          0xD9, 0xE8,  // 100C fld1: FERR#, frozen here
          0xDB, 0xE2,  // 100E fnclex: releases FERR#
          0xF4});
  h.run();
  CHECK(sink.asserts == 1);
  CHECK(h.cpu.halted());
  CHECK(h.cpu.rip == 0x100C);
  CHECK(h.vector_taken() == -1);
  // The board's IGNNE# (a write to port F0h on a PC) lets the instruction go ahead.
  h.cpu.fpu.ignne = true;
  h.cpu.wake();
  h.run();
  CHECK(h.cpu.rip == 0x1011);
  CHECK(sink.releases == 1);
  CHECK((h.cpu.fpu.sw & x87sw::ES) == 0);
}

TEST_CASE("masked stack overflow pushes the indefinite and sets C1") {
  X87Harness h;
  std::vector<uint8_t> code = {0xDB, 0xE3};
  for (int n = 0; n < 9; ++n) code.insert(code.end(), {0xD9, 0xE8});  // fld1 x 9
  code.insert(code.end(), {0xDF, 0xE0, 0xF4});
  for (size_t n = 0; n < code.size(); ++n) h.ram.bytes()[X87Harness::kCodeOffset + n] = code[n];
  h.run();
  CHECK((h.cpu.reg16(kRax) & 0x0241) == 0x0241);  // C1, SF, IE
  CHECK(h.cpu.fpu.st(0) == fpu::kIndefinite);
}

TEST_CASE("FNSTENV in real mode, 16-bit: linear FIP/FDP around FOP, then all masked") {
  X87Harness h;
  h.load({0xDB, 0xE3,              // 1000 fninit
          0xD9, 0xE8,              // 1002 fld1
          0xD8, 0x0E, 0x00, 0x22,  // 1004 fmul dword [2200h]
          0xD9, 0x36, 0x00, 0x21,  // 1008 fnstenv [2100h]
          0xF4});
  h.ram.write(0x2200, 4, 0x40000000);  // 2.0f
  h.run();
  CHECK(h.word(0x2100) == 0x037F);                      // control word
  CHECK(h.word(0x2102) == 0x3800);                      // TOP = 7
  CHECK(h.word(0x2104) == 0x3FFF);                      // tags: R7 valid, the rest empty
  CHECK(h.word(0x2106) == 0x1004);                      // FIP bits 0-15
  CHECK(h.word(0x2108) == ((0x0 << 12) | 0x00E));        // FIP 16-19, FOP (D8 0E)
  CHECK(h.word(0x210A) == 0x2200);                      // FDP bits 0-15
  CHECK(h.word(0x210C) == 0x0000);
  CHECK(h.cpu.fpu.cw == 0x037F);
}

TEST_CASE("FNSAVE/FRSTOR, 32-bit protected mode layout, round trip") {
  X87Harness h;
  h.cpu.write_cr0(h.cpu.cr0 | cr0::PE);
  h.cpu.set_segment_cache(kCs, Segment{0x08, 0, 0xFFFFF, 0x409B});  // 32-bit code
  h.cpu.set_segment_cache(kDs, Segment{0x10, 0, 0xFFFFF, 0x4093});
  h.ram.write(0x2200, 8, 0x4008000000000000);  // 3.0
  h.load({0xDB, 0xE3,                          // fninit
          0xDD, 0x05, 0x00, 0x22, 0x00, 0x00,  // fld qword [2200h]
          0xD9, 0xE8,                          // fld1
          0xDD, 0x35, 0x00, 0x21, 0x00, 0x00,  // fnsave [2100h]
          0xDD, 0x25, 0x00, 0x21, 0x00, 0x00,  // frstor [2100h]
          0xF4});
  h.run();
  CHECK(h.dword(0x2100) == 0xFFFF037F);
  CHECK(h.dword(0x2104) == 0xFFFF3000);  // TOP = 6
  CHECK(h.dword(0x2108) == 0xFFFF0FFF);  // R6 valid (1), R7 valid (3), others empty
  CHECK(h.dword(0x210C) == 0x1008);      // FIP of FLD1
  CHECK(h.dword(0x2110) == (0x08u | (0x1E8u << 16)));  // FCS, FOP D9 E8
  CHECK(h.dword(0x2114) == 0x2200);      // FDP of the FLD
  CHECK(h.dword(0x2118) == 0xFFFF0010);  // FDS
  CHECK(h.ram.read(0x2100 + 28, 8) == 0x8000000000000000);  // ST(0) = 1.0
  CHECK(h.word(0x2100 + 36) == 0x3FFF);
  CHECK(h.word(0x2100 + 46) == 0x4000);  // ST(1) = 3.0
  // FRSTOR brought everything back after FNSAVE's reinitialisation.
  CHECK(h.cpu.fpu.top() == 6);
  CHECK(h.cpu.fpu.st(1) == fpu::Float80{0xC000000000000000, 0x4000});
}

TEST_CASE("FXSAVE: abridged tags and registers every 16 bytes") {
  X87Harness h;
  h.load({0xDB, 0xE3, 0xD9, 0xEE, 0xD9, 0xE8,  // fninit; fldz; fld1
          0x0F, 0xAE, 0x06, 0x00, 0x20,        // fxsave [2000h]
          0xF4});
  h.run();
  CHECK(h.word(0x2000) == 0x037F);
  CHECK(h.word(0x2002) == 0x3000);
  CHECK(h.ram.read(0x2004, 1) == 0xC0);  // R6 and R7 valid
  CHECK(h.word(0x2006) == 0x1E8);        // FOP
  CHECK(h.ram.read(0x2020, 8) == 0x8000000000000000);
  CHECK(h.word(0x2028) == 0x3FFF);       // ST(0) = 1
  CHECK(h.word(0x2038) == 0x0000);       // ST(1) = +0
}
