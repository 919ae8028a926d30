// MMX/SSE/SSE2 as a guest sees them: enabling (CR4.OSFXSR), #UD/#NM gating, MXCSR,
// FXSAVE/FXRSTOR with the XMM state, the MMX aliasing on the x87 registers, and a few
// results of each family (the differential test, tests/sse, checks them all against the
// host).
#include <doctest/doctest.h>

#include "cpu/cpu_access.h"
#include "cpu_harness.h"

using namespace trapeze;
using trapeze::test::CpuHarness;

namespace {

// Real mode with every exception vector pointing at its own HLT.
struct SseHarness : CpuHarness {
  static constexpr uint32_t kStubs = 0x3000;
  explicit SseHarness(bool enable = true) {
    for (uint32_t v = 0; v < 32; ++v) {
      ram.write(v * 4, 4, kStubs + v);
      ram.bytes()[kStubs + v] = 0xF4;
    }
    if (enable) cpu.cr4 |= cr4::OSFXSR | cr4::OSXMMEXCPT;
  }
  int vector_taken() const {
    return cpu.rip > kStubs && cpu.rip <= kStubs + 32 ? static_cast<int>(cpu.rip - kStubs - 1) : -1;
  }
  uint32_t dword(uint32_t at) { return static_cast<uint32_t>(ram.read(at, 4)); }
  uint64_t qword(uint32_t at) { return ram.read(at, 8); }
  // New code at the start address: the decoded-instruction cache must forget the old.
  void restart(std::initializer_list<uint8_t> code) {
    load(code);
    cpu.physical_memory_changed();
    cpu.rip = kCodeOffset;
    cpu.wake();
  }
};

}  // namespace

TEST_CASE("SSE needs CR4.OSFXSR; MMX does not; CR0.EM is #UD, CR0.TS #NM") {
  const std::initializer_list<uint8_t> addps = {0x0F, 0xAE, 0x1E,
                                                0x00, 0x20, 0xF4};  // stmxcsr [2000h]
  const std::initializer_list<uint8_t> paddb = {0x0F, 0x77, 0xF4};  // emms
  {
    SseHarness h(false);
    h.load(addps);
    h.run();
    CHECK(h.vector_taken() == 6);
  }
  {
    SseHarness h(false);
    h.load(paddb);
    h.run();
    CHECK(h.vector_taken() == -1);
  }
  {
    SseHarness h;
    h.cpu.cr0 |= cr0::EM;
    h.load(paddb);
    h.run();
    CHECK(h.vector_taken() == 6);
  }
  {
    SseHarness h;
    h.cpu.cr0 |= cr0::TS;
    h.load(addps);
    h.run();
    CHECK(h.vector_taken() == 7);
  }
}

TEST_CASE("LDMXCSR/STMXCSR; reserved MXCSR bits are #GP") {
  SseHarness h;
  CHECK(h.cpu.mxcsr == 0x1F80);
  h.ram.write(0x2000, 4, 0x0000FFC0);
  h.load({0x0F, 0xAE, 0x16, 0x00, 0x20,  // ldmxcsr [2000h]
          0x0F, 0xAE, 0x1E, 0x04, 0x20,  // stmxcsr [2004h]
          0xF4});
  h.run();
  CHECK(h.dword(0x2004) == 0xFFC0);
  SseHarness g;
  g.ram.write(0x2000, 4, 0x00010000);
  g.load({0x0F, 0xAE, 0x16, 0x00, 0x20, 0xF4});
  g.run();
  CHECK(g.vector_taken() == 13);
  CHECK(g.cpu.mxcsr == 0x1F80);
}

TEST_CASE("FXSAVE/FXRSTOR: MXCSR, its mask and the XMM registers; 16-byte alignment") {
  SseHarness h;
  h.cpu.xmm[3] = Vec128{0x0123456789ABCDEF, 0xFEDCBA9876543210};
  h.cpu.mxcsr = 0x9FC0;
  h.load({0x0F, 0xAE, 0x06, 0x00, 0x20,  // fxsave [2000h]
          0xF4});
  h.run();
  CHECK(h.dword(0x2018) == 0x9FC0);
  CHECK(h.dword(0x201C) == 0xFFFF);
  CHECK(h.qword(0x2000 + 160 + 48) == 0x0123456789ABCDEF);
  CHECK(h.qword(0x2000 + 168 + 48) == 0xFEDCBA9876543210);
  h.cpu.xmm[3] = Vec128{};
  h.cpu.mxcsr = 0x1F80;
  h.restart({0x0F, 0xAE, 0x0E, 0x00, 0x20,  // fxrstor [2000h]
             0xF4});
  h.run();
  CHECK(h.cpu.xmm[3] == Vec128{0x0123456789ABCDEF, 0xFEDCBA9876543210});
  CHECK(h.cpu.mxcsr == 0x9FC0);
  // Misaligned: #GP(0).
  h.restart({0x0F, 0xAE, 0x06, 0x08, 0x20, 0xF4});
  h.run();
  CHECK(h.vector_taken() == 13);
}

TEST_CASE("FXSAVE without CR4.OSFXSR leaves the SSE part alone") {
  SseHarness h(false);
  h.ram.write(0x2018, 4, 0xAAAAAAAA);
  h.load({0x0F, 0xAE, 0x06, 0x00, 0x20, 0xF4});
  h.run();
  CHECK(h.dword(0x2018) == 0xAAAAAAAA);
  CHECK(h.dword(0x2000) == 0x0040);  // the power-on control word was saved
}

TEST_CASE("MMX: registers alias the x87 significands; TOP 0, tags valid; EMMS empties") {
  SseHarness h;
  h.cpu.fpu.set_top(5);
  h.cpu.fpu.regs[1] = fpu::Float80{0x0102030405060708, 0x3FFF};
  h.cpu.fpu.regs[2] = fpu::Float80{0x01010101FFFFFFFF, 0x3FFF};
  h.load({0x0F, 0xFC, 0xCA,  // paddb mm1, mm2
          0xF4});
  h.run();
  CHECK(h.cpu.fpu.regs[1] == fpu::Float80{0x0203040504050607, 0xFFFF});
  CHECK(h.cpu.fpu.top() == 0);
  CHECK(h.cpu.fpu.valid == 0xFF);
  h.restart({0x0F, 0x77, 0xF4});  // emms
  h.run();
  CHECK(h.cpu.fpu.valid == 0);
}

TEST_CASE("ADDPS, and an unmasked SIMD exception: #XM with OSXMMEXCPT, #UD without") {
  SseHarness h;
  h.cpu.xmm[0] = Vec128{0x400000003F800000, 0x7F80000000000000};  // 1, 2, 0, +inf
  h.cpu.xmm[1] = Vec128{0x3F8000003F800000, 0xFF8000003F800000};  // 1, 1, 1, -inf
  h.load({0x0F, 0x58, 0xC1, 0xF4});                               // addps xmm0, xmm1
  h.run();
  CHECK(h.cpu.xmm[0] == Vec128{0x4040000040000000, 0xFFC000003F800000});  // 2, 3, 1, default NaN
  CHECK(h.cpu.mxcsr == 0x1F81);                                           // IE
  h.cpu.mxcsr = 0x1F80 & ~(1u << 7);                                      // IE unmasked
  const Vec128 before = h.cpu.xmm[0] = Vec128{0, 0x7F80000000000000};
  h.restart({0x0F, 0x58, 0xC1, 0xF4});
  h.run();
  CHECK(h.vector_taken() == 19);
  CHECK(h.cpu.xmm[0] == before);  // no result stored
  CHECK(h.cpu.mxcsr == 0x1F01);
  h.cpu.cr4 &= ~cr4::OSXMMEXCPT;
  h.restart({0x0F, 0x58, 0xC1, 0xF4});
  h.run();
  CHECK(h.vector_taken() == 6);
}

TEST_CASE("MOVAPS needs 16-byte alignment, MOVUPS does not; MASKMOVQ stores selected bytes") {
  SseHarness h;
  h.ram.write(0x2008, 8, 0x1122334455667788);
  h.load({0x0F, 0x10, 0x06, 0x08, 0x20,  // movups xmm0, [2008h]
          0x0F, 0x28, 0x0E, 0x08, 0x20,  // movaps xmm1, [2008h]
          0xF4});
  h.run();
  CHECK(h.cpu.xmm[0].lo == 0x1122334455667788);
  CHECK(h.vector_taken() == 13);
  SseHarness g;
  g.cpu.fpu.regs[0].signif = 0x8877665544332211;  // data
  g.cpu.fpu.regs[1].signif = 0x0080008000800080;  // mask: bytes 0, 2, 4, 6
  g.cpu.gpr[kRdi] = 0x2100;
  g.load({0x0F, 0xF7, 0xC1, 0xF4});  // maskmovq mm0, mm1
  g.run();
  CHECK(g.qword(0x2100) == 0x0077005500330011);
}

TEST_CASE("CVTTSD2SI truncates, CVTSD2SI rounds by MXCSR, out of range gives 80000000h") {
  SseHarness h;
  h.cpu.xmm[1] = Vec128{0x4004000000000000, 0};  // 2.5
  h.load({0xF2, 0x0F, 0x2C, 0xC1,                // cvttsd2si eax, xmm1
          0xF2, 0x0F, 0x2D, 0xD9,                // cvtsd2si ebx, xmm1
          0xF4});
  h.run();
  CHECK(h.cpu.reg32(kRax) == 2);
  CHECK(h.cpu.reg32(kRbx) == 2);                 // to nearest even
  CHECK(h.cpu.mxcsr == 0x1FA0);                  // PE
  h.cpu.xmm[1] = Vec128{0x41E0000000000000, 0};  // 2^31
  h.restart({0xF2, 0x0F, 0x2D, 0xC1, 0xF4});
  h.run();
  CHECK(h.cpu.reg32(kRax) == 0x80000000);
  CHECK(h.cpu.mxcsr == 0x1FA1);
}
