// The CPU's view of guest-physical memory. The machine's AddressMap implements it;
// tests give the CPU a flat array instead.
#pragma once

#include <cstdint>

namespace trapeze {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPageMask = kPageSize - 1;

class PhysicalMemory {
 public:
  virtual ~PhysicalMemory() = default;

  // Host pointer to the start of the 4 KiB page holding `address`, when that page is plain
  // RAM (or ROM, when !for_write) that the CPU may access directly; nullptr when accesses
  // must go through read()/write() (MMIO, ROM writes, unmapped space). A page handed out
  // for writing stays valid until the memory map changes (the MMU is told to flush then).
  virtual uint8_t* page_pointer(uint64_t address, bool for_write) = 0;

  // Slow path. `size_bytes` is 1, 2, 4 or 8 and the access never crosses a page.
  // Unmapped reads return all ones (open bus); unmapped and ROM writes are dropped.
  virtual uint64_t read(uint64_t address, unsigned size_bytes) = 0;
  virtual void write(uint64_t address, unsigned size_bytes, uint64_t value) = 0;
};

}  // namespace trapeze
