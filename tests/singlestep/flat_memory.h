// The test machine's memory: 16 MiB of plain RAM, the whole 24-bit physical address
// space of a 286, so addresses wrap at 16 MiB as they would on its address bus.
//
// Pages are allocated on first touch and only the pages written since the last clear()
// are zeroed again: the runner executes hundreds of thousands of tests and clearing
// 16 MiB before each would dominate its run time.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "mmu/physical_memory.h"

namespace trapeze {

class FlatMemory final : public PhysicalMemory {
 public:
  static constexpr uint64_t kSizeBytes = uint64_t{16} << 20;
  static constexpr uint64_t kAddressMask = kSizeBytes - 1;

  FlatMemory() : pages_(kSizeBytes / kPageSize) {}

  uint8_t* page_pointer(uint64_t address, bool for_write) override {
    // A page handed out for writing may be written behind our back: remember to clear it.
    return page(address, for_write);
  }
  uint64_t read(uint64_t address, unsigned size_bytes) override {
    uint64_t v = 0;
    for (unsigned i = 0; i < size_bytes; ++i) v |= uint64_t{peek(address + i)} << (8 * i);
    return v;
  }
  void write(uint64_t address, unsigned size_bytes, uint64_t value) override {
    for (unsigned i = 0; i < size_bytes; ++i)
      poke(address + i, static_cast<uint8_t>(value >> (8 * i)));
  }

  // Byte access for the runner (loading and checking RAM), without allocating on reads.
  uint8_t peek(uint64_t address) const {
    const auto& p = pages_[(address & kAddressMask) / kPageSize];
    return p ? p[address & kPageMask] : 0;
  }
  void poke(uint64_t address, uint8_t value) { page(address, true)[address & kPageMask] = value; }

  // Zeroes everything written since the last clear. Page pointers stay valid.
  void clear() {
    for (size_t n : dirty_) {
      std::memset(pages_[n].get(), 0, kPageSize);
      is_dirty_[n] = false;
    }
    dirty_.clear();
  }

  // Calls f(address, value) for every non-zero byte: with memory zeroed before a test,
  // those are the bytes the test loaded or the CPU wrote.
  // Scans eight bytes at a time: the pages are mostly zero, and this runs once per test.
  template <typename F>
  void for_each_nonzero(F&& f) const {
    for (size_t n : dirty_) {
      const uint8_t* page = pages_[n].get();
      for (uint64_t i = 0; i < kPageSize; i += 8) {
        uint64_t word;
        std::memcpy(&word, page + i, sizeof word);
        if (word == 0) continue;
        for (uint64_t j = i; j < i + 8; ++j)
          if (page[j] != 0) f(n * kPageSize + j, page[j]);
      }
    }
  }

 private:
  uint8_t* page(uint64_t address, bool for_write) {
    size_t n = (address & kAddressMask) / kPageSize;
    if (!pages_[n]) pages_[n] = std::make_unique<uint8_t[]>(kPageSize);  // zero-filled
    if (for_write && !is_dirty_[n]) {
      is_dirty_[n] = true;
      dirty_.push_back(n);
    }
    return pages_[n].get();
  }

  std::vector<std::unique_ptr<uint8_t[]>> pages_;
  std::vector<bool> is_dirty_ = std::vector<bool>(kSizeBytes / kPageSize);
  std::vector<size_t> dirty_;
};

}  // namespace trapeze
