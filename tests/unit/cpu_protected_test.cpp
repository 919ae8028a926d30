// Protected mode, paging and their faults, on a bare CPU: descriptor tables are written
// into RAM by the test, the CPU is switched to flat 32-bit protected mode, and every IDT
// vector leads to its own HLT so a test can tell which exception was taken.
#include <doctest/doctest.h>

#include "cpu/cpu_access.h"
#include "cpu_harness.h"

using namespace trapeze;
using trapeze::test::CpuHarness;

namespace {

constexpr uint32_t kGdt = 0x800, kIdt = 0x400 * 4, kStubs = 0x3000, kStack = 0x9000;
constexpr uint16_t kCode0 = 0x08, kData0 = 0x10, kCode3 = 0x1B, kData3 = 0x23, kSmallData = 0x28,
                   kTss = 0x30;

uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
  return (limit & 0xFFFF) | (uint64_t{base & 0xFFFFFF} << 16) | (uint64_t{access} << 40) |
         (uint64_t{(limit >> 16) & 0xF} << 48) | (static_cast<uint64_t>(flags & 0xF) << 52) |
         (uint64_t{base >> 24} << 56);
}

struct ProtectedHarness : CpuHarness {
  ProtectedHarness() {
    auto put64 = [&](uint32_t at, uint64_t v) { ram.write(at, 8, v); };
    put64(kGdt + 0x00, 0);
    put64(kGdt + 0x08, descriptor(0, 0xFFFFF, 0x9A, 0xC));  // ring 0 code, flat
    put64(kGdt + 0x10, descriptor(0, 0xFFFFF, 0x92, 0xC));  // ring 0 data, flat
    put64(kGdt + 0x18, descriptor(0, 0xFFFFF, 0xFA, 0xC));  // ring 3 code
    put64(kGdt + 0x20, descriptor(0, 0xFFFFF, 0xF2, 0xC));  // ring 3 data
    put64(kGdt + 0x28, descriptor(0x5000, 0xFFF, 0x92, 0x4));  // 4 KiB data at 0x5000
    put64(kGdt + 0x30, descriptor(0x7000, 0x67, 0x89, 0x0));   // 32-bit TSS
    ram.write(0x7000 + 4, 4, 0x8800);  // ESP0
    ram.write(0x7000 + 8, 4, kData0);  // SS0
    cpu.gdtr = DescriptorTable{kGdt, 0x37};
    // Every vector: a 32-bit interrupt gate to its own HLT stub.
    for (uint32_t v = 0; v < 32; ++v) {
      const uint32_t target = kStubs + v * 16;
      const uint64_t gate = (target & 0xFFFF) | (uint64_t{kCode0} << 16) | (uint64_t{0xEE00} << 32) |
                            (uint64_t{target >> 16} << 48);
      put64(kIdt + v * 8, gate);
      ram.bytes()[target] = 0xF4;
    }
    cpu.idtr = DescriptorTable{kIdt, 32 * 8 - 1};
    cpu.write_cr0(cpu.cr0 | cr0::PE);
    cpu.far_jump(kCode0, kCodeOffset, 32);
    cpu.load_segment(kSs, kData0);
    for (unsigned s : {kDs, kEs, kFs, kGs}) cpu.load_segment(s, kData0);
    cpu.gpr[kRsp] = kStack;
    cpu.tr = Segment{kTss, 0x7000, 0x67, 0x8B};
  }
  // The vector whose stub the CPU halted in, or -1.
  int vector_taken() const {
    if (cpu.rip < kStubs + 1 || cpu.rip >= kStubs + 32 * 16) return -1;
    return static_cast<int>((cpu.rip - kStubs - 1) / 16);
  }
  uint32_t stack_dword(unsigned n) { return static_cast<uint32_t>(ram.read(cpu.gpr[kRsp] + 4 * n, 4)); }
};

}  // namespace

TEST_CASE("flat protected mode runs 32-bit code by default") {
  ProtectedHarness h;
  h.load({0xB8, 0x78, 0x56, 0x34, 0x12,  // mov eax, 12345678h (no prefix: 32-bit code)
          0xA3, 0x00, 0x20, 0x00, 0x00,  // mov [2000h], eax
          0xF4});
  h.run();
  CHECK(h.cpu.code32());
  CHECK(h.cpu.reg32(kRax) == 0x12345678);
  CHECK(h.ram.read(0x2000, 4) == 0x12345678);
}

TEST_CASE("a dword crossing a segment limit is #GP(0), a null segment too") {
  ProtectedHarness h;
  h.load({0x66, 0xB8, kSmallData, 0x00,  // mov ax, 28h
          0x8E, 0xD8,                    // mov ds, ax
          0xA1, 0xFE, 0x0F, 0x00, 0x00,  // mov eax, [0FFEh]: bytes 0FFE-1001 > limit 0FFF
          0xF4});
  h.run();
  CHECK(h.vector_taken() == vec::kGeneral);
  CHECK(h.stack_dword(0) == 0);  // error code
  CHECK(h.stack_dword(1) == CpuHarness::kCodeOffset + 6);  // the faulting MOV

  ProtectedHarness n;
  n.load({0x31, 0xC0,        // xor eax, eax
          0x8E, 0xC0,        // mov es, ax (a null selector loads fine)
          0x26, 0x8B, 0x00,  // mov eax, es:[eax] -> #GP(0)
          0xF4});
  n.run();
  CHECK(n.vector_taken() == vec::kGeneral);
  CHECK(n.stack_dword(0) == 0);
}

TEST_CASE("loading SS with a non-writable or wrong-privilege selector is #GP(selector)") {
  ProtectedHarness h;
  h.load({0x66, 0xB8, kCode0, 0x00,  // mov ax, 08h (code segment)
          0x8E, 0xD0,                // mov ss, ax
          0xF4});
  h.run();
  CHECK(h.vector_taken() == vec::kGeneral);
  CHECK(h.stack_dword(0) == kCode0);

  ProtectedHarness p;
  p.load({0x66, 0xB8, kData3, 0x00,  // mov ax, 23h (DPL 3 data, RPL 3) at CPL 0
          0x8E, 0xD0, 0xF4});
  p.run();
  CHECK(p.vector_taken() == vec::kGeneral);
  CHECK(p.stack_dword(0) == (kData3 & 0xFFFC));
}

TEST_CASE("IRET to ring 3 and an interrupt back to ring 0 switch stacks through the TSS") {
  ProtectedHarness h;
  // Ring 0: push an IRET frame for ring 3 code at 1100h; ring 3 executes INT 3... the
  // gates have DPL 3 (EE00), so INT 3 from ring 3 enters the ring-0 stub on ESP0.
  h.load({0x6A, kData3,                    // push 23h (SS)
          0x68, 0x00, 0x60, 0x00, 0x00,    // push 6000h (ESP)
          0x6A, 0x02,                      // push 2 (EFLAGS)
          0x6A, kCode3,                    // push 1Bh (CS)
          0x68, 0x00, 0x11, 0x00, 0x00,    // push 1100h (EIP)
          0xCF});                          // iret
  h.load({0xCC}, 0x1100);                  // int3
  h.run();
  CHECK(h.vector_taken() == vec::kBreakpoint);
  CHECK(h.cpu.cpl() == 0);
  CHECK(h.cpu.gpr[kRsp] == 0x8800 - 20);
  CHECK(h.stack_dword(0) == 0x1101);   // return EIP
  CHECK(h.stack_dword(1) == kCode3);   // CS
  CHECK(h.stack_dword(3) == 0x6000);   // ring 3 ESP
  CHECK(h.stack_dword(4) == kData3);   // ring 3 SS
}

TEST_CASE("paging: a not-present page is #PF with CR2 and the error code") {
  ProtectedHarness h;
  // Page directory at 0x10000: entry 0 -> table at 0x11000, which identity-maps 0-1 MiB
  // except page 0x40000 (not present).
  h.ram.write(0x10000, 4, 0x11000 | 0x7);
  for (uint32_t p = 0; p < 256; ++p) h.ram.write(0x11000 + p * 4, 4, (p << 12) | 0x7);
  h.ram.write(0x11000 + 0x40 * 4, 4, 0);
  h.ram.write(0x11000 + 0x41 * 4, 4, 0x41000 | 0x5);  // present, user, read-only
  h.cpu.cr3 = 0x10000;
  h.cpu.write_cr3(0x10000);
  h.cpu.write_cr0(h.cpu.cr0 | cr0::PG | cr0::WP);
  h.load({0xA1, 0x34, 0x02, 0x04, 0x00,  // mov eax, [40234h]
          0xF4});
  h.run();
  CHECK(h.vector_taken() == vec::kPage);
  CHECK(h.cpu.cr2 == 0x40234);
  CHECK(h.stack_dword(0) == 0);  // not present, read, supervisor
  // The walk set the accessed bits of the directory entry it used.
  CHECK((h.ram.read(0x10000, 4) & 0x20) != 0);

  ProtectedHarness w;
  w.ram.write(0x10000, 4, 0x11000 | 0x7);
  for (uint32_t p = 0; p < 256; ++p) w.ram.write(0x11000 + p * 4, 4, (p << 12) | 0x7);
  w.ram.write(0x11000 + 0x41 * 4, 4, 0x41000 | 0x5);
  w.cpu.write_cr3(0x10000);
  w.cpu.write_cr0(w.cpu.cr0 | cr0::PG | cr0::WP);
  w.load({0xA3, 0x00, 0x10, 0x04, 0x00,  // mov [41000h], eax: read-only page, CR0.WP
          0xF4});
  w.run();
  CHECK(w.vector_taken() == vec::kPage);
  CHECK(w.cpu.cr2 == 0x41000);
  CHECK(w.stack_dword(0) == 3);  // present | write
  // A write that succeeds sets the dirty bit.
  ProtectedHarness d;
  d.ram.write(0x10000, 4, 0x11000 | 0x7);
  for (uint32_t p = 0; p < 256; ++p) d.ram.write(0x11000 + p * 4, 4, (p << 12) | 0x7);
  d.cpu.write_cr3(0x10000);
  d.cpu.write_cr0(d.cpu.cr0 | cr0::PG);
  d.load({0xA3, 0x00, 0x20, 0x04, 0x00, 0xF4});  // mov [42000h], eax
  d.run();
  CHECK((d.ram.read(0x11000 + 0x42 * 4, 4) & 0x60) == 0x60);  // accessed and dirty
}

TEST_CASE("a delivery that keeps faulting the same benign way shuts the CPU down") {
  ProtectedHarness h;
  // #UD and #AC lead to ring-3 code, so delivering either pushes onto the ring-3 stack,
  // which is misaligned while alignment checking is on: each push is another #AC, and
  // benign faults during delivery are delivered serially, without end. (Found by the
  // CPU fuzzer: it hung the host inside one step.)
  for (uint8_t v : {vec::kInvalidOpcode, vec::kAlignment})
    h.ram.write(kIdt + v * 8, 8, 0x1200 | (uint64_t{kCode3} << 16) | (uint64_t{0xEE00} << 32));
  h.cpu.write_cr0(h.cpu.cr0 | cr0::AM);
  h.load({0x6A, kData3,                    // push 23h (SS)
          0x68, 0x01, 0x60, 0x00, 0x00,    // push 6001h (ESP, misaligned)
          0x68, 0x02, 0x00, 0x04, 0x00,    // push 40002h (EFLAGS with AC)
          0x6A, kCode3,                    // push 1Bh (CS)
          0x68, 0x00, 0x11, 0x00, 0x00,    // push 1100h (EIP)
          0xCF});                          // iret
  h.load({0x0F, 0x0B}, 0x1100);            // ud2
  CHECK(h.cpu.run(100) == RunStop::kShutdown);
  CHECK(h.cpu.shutdown());
  CHECK(h.cpu.cpl() == 3);
}
