#include "tests/sse/emulated_sse.h"

#include "cpu/cpu.h"
#include "tests/unit/cpu_harness.h"

namespace trapeze::ssetest {

namespace {
constexpr uint32_t kIdt = 0x400, kGdt = 0x600, kStubs = 0x5000, kCode = 0x8000;
constexpr uint32_t kImageIn = 0x9000, kImageOut = 0x9400, kMemory = 0xA000, kStack = 0xF000;
constexpr uint8_t kFxsaveEsi[] = {0x0F, 0xAE, 0x06};
}  // namespace

struct EmulatedSse::Machine {
  test::FlatRam ram;
  test::RecordingIo io;
  Cpu cpu{ram, io};
};

EmulatedSse::EmulatedSse() : m_(std::make_unique<Machine>()) {
  test::FlatRam& ram = m_->ram;
  for (uint32_t v = 0; v < 32; ++v) {
    const uint32_t target = kStubs + v * 16;
    const uint64_t gate = (target & 0xFFFF) | (uint64_t{0x08} << 16) | (uint64_t{0x8E00} << 32) |
                          (uint64_t{target >> 16} << 48);
    ram.write(kIdt + v * 8, 8, gate);
    for (unsigned n = 0; n < 3; ++n) ram.bytes()[target + n] = kFxsaveEsi[n];
    ram.bytes()[target + 3] = 0xF4;
  }
  ram.write(kGdt + 8, 8, 0x00CF9A000000FFFF);   // flat ring-0 code, 32-bit
  ram.write(kGdt + 16, 8, 0x00CF92000000FFFF);  // flat ring-0 data
}

EmulatedSse::~EmulatedSse() = default;

void EmulatedSse::load(std::span<const uint8_t> instruction) {
  std::vector<uint8_t>& b = m_->ram.bytes();
  uint32_t at = kCode;
  for (uint8_t x : {0x0F, 0xAE, 0x0F}) b[at++] = x;  // fxrstor [edi]
  for (uint8_t x : instruction) b[at++] = x;
  for (uint8_t x : kFxsaveEsi) b[at++] = x;
  b[at++] = 0xF4;
  m_->cpu.physical_memory_changed();
}

RunResult EmulatedSse::run(const RunInput& in) {
  Cpu& cpu = m_->cpu;
  std::vector<uint8_t>& b = m_->ram.bytes();
  std::copy(in.image.bytes.begin(), in.image.bytes.end(), b.begin() + kImageIn);
  std::copy(in.memory.begin(), in.memory.end(), b.begin() + kMemory);
  cpu.wake();
  cpu.gdtr = DescriptorTable{kGdt, 0x17};
  cpu.idtr = DescriptorTable{kIdt, 32 * 8 - 1};
  cpu.write_cr0(cr0::PE | cr0::ET | cr0::NE | cr0::MP);
  cpu.write_cr4(cr4::OSFXSR | cr4::OSXMMEXCPT);
  cpu.set_segment_cache(kCs, Segment{0x08, 0, 0xFFFFFFFF, 0xC09B});
  for (unsigned s : {kSs, kDs, kEs, kFs, kGs})
    cpu.set_segment_cache(s, Segment{0x10, 0, 0xFFFFFFFF, 0xC093});
  cpu.gpr[kRsp] = kStack;
  cpu.gpr[kRdi] = kImageIn;
  cpu.gpr[kRsi] = kImageOut;
  cpu.gpr[kRdx] = kMemory;
  cpu.gpr[kRax] = in.eax;
  cpu.flags.write(in.eflags | 2);
  cpu.rip = kCode;
  cpu.run(16);
  RunResult r;
  std::copy(b.begin() + kImageOut, b.begin() + kImageOut + 512, r.image.bytes.begin());
  std::copy(b.begin() + kMemory, b.begin() + kMemory + r.memory.size(), r.memory.begin());
  r.eflags = cpu.flags.read();
  r.eax = cpu.reg32(kRax);
  if (cpu.rip > kStubs && cpu.rip <= kStubs + 32 * 16)
    r.fault = static_cast<int>((cpu.rip - kStubs) / 16);
  return r;
}

}  // namespace trapeze::ssetest
