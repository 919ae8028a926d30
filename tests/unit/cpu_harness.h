// A CPU on 1 MiB of flat RAM with an I/O space that records writes: enough to run short
// real-mode programs in unit tests without a PC around them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "cpu/cpu.h"

namespace trapeze::test {

class FlatRam final : public PhysicalMemory {
 public:
  explicit FlatRam(size_t size_bytes = 1 << 20) : bytes_(size_bytes, 0) {}
  uint8_t* page_pointer(uint64_t address, bool) override {
    return address < bytes_.size() ? bytes_.data() + (address & ~kPageMask) : nullptr;
  }
  uint64_t read(uint64_t address, unsigned size) override {
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i)
      v |= uint64_t{address + i < bytes_.size() ? bytes_[address + i] : uint8_t{0xFF}} << (8 * i);
    return v;
  }
  void write(uint64_t address, unsigned size, uint64_t value) override {
    for (unsigned i = 0; i < size; ++i)
      if (address + i < bytes_.size()) bytes_[address + i] = static_cast<uint8_t>(value >> (8 * i));
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

class RecordingIo final : public PortIo {
 public:
  uint32_t in(uint16_t, unsigned size) override { return size == 1 ? 0xFF : size == 2 ? 0xFFFF : ~0u; }
  void out(uint16_t port, unsigned, uint32_t value) override { writes.emplace_back(port, value); }
  std::vector<std::pair<uint16_t, uint32_t>> writes;
};

// Code is loaded at 0000:1000 with the stack at 0000:8000; `run()` executes until HLT.
struct CpuHarness {
  static constexpr uint16_t kCodeOffset = 0x1000;
  FlatRam ram;
  RecordingIo io;
  Cpu cpu{ram, io};

  CpuHarness() {
    cpu.reset();
    for (unsigned s = 0; s < kSegCount; ++s) {
      cpu.seg[s].selector = 0;
      cpu.seg[s].base = 0;
    }
    cpu.rip = kCodeOffset;
    cpu.gpr[kRsp] = 0x8000;
  }
  void load(std::initializer_list<uint8_t> code, uint32_t at = kCodeOffset) {
    for (uint8_t b : code) ram.bytes()[at++] = b;
  }
  // Runs until HLT (or the budget ends); returns instructions retired, HLT included.
  uint64_t run(uint64_t budget = 10000) {
    const uint64_t before = cpu.instructions_retired();
    cpu.run(budget);
    return cpu.instructions_retired() - before;
  }
  uint16_t word_at(uint32_t address) { return static_cast<uint16_t>(ram.read(address, 2)); }
};

}  // namespace trapeze::test
