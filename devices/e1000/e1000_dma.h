// Bus-master access to guest memory for the e1000: whole byte ranges, page by page,
// through the machine's bounds-checked memory. Only plain RAM answers; a range that
// touches anything else (MMIO, unmapped space, beyond RAM) is a master abort and moves
// nothing, so a guest that points descriptors anywhere else can never reach host memory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include "mmu/physical_memory.h"

namespace trapeze::e1000 {

class Dma {
 public:
  explicit Dma(PhysicalMemory& memory) : memory_(memory) {}

  // False (master abort) when any byte of the range is not RAM; then nothing is read or
  // written. Writes check every page before touching any.
  bool read(uint64_t address, std::span<uint8_t> bytes) {
    return each_page(address, bytes.size(), false, [&](uint8_t* host, size_t at, size_t n) {
      std::memcpy(bytes.data() + at, host, n);
    });
  }
  bool write(uint64_t address, std::span<const uint8_t> bytes) {
    if (!each_page(address, bytes.size(), true, [](uint8_t*, size_t, size_t) {})) return false;
    return each_page(address, bytes.size(), true, [&](uint8_t* host, size_t at, size_t n) {
      std::memcpy(host, bytes.data() + at, n);
    });
  }

 private:
  template <typename Copy>
  bool each_page(uint64_t address, size_t size_bytes, bool for_write, Copy copy) {
    // PCI addresses are 64 bits; the board decodes 32 (a dual-address cycle above 4 GiB
    // finds nothing).
    constexpr uint64_t kLimit = uint64_t{1} << 32;
    if (address >= kLimit || size_bytes > kLimit - address) return false;
    size_t done = 0;
    while (done < size_bytes) {
      const uint64_t at = address + done;
      const size_t n =
          static_cast<size_t>(std::min<uint64_t>(size_bytes - done, kPageSize - (at & kPageMask)));
      uint8_t* page = memory_.page_pointer(at, for_write);
      if (page == nullptr) return false;
      copy(page + (at & kPageMask), done, n);
      done += n;
    }
    return true;
  }

  PhysicalMemory& memory_;
};

}  // namespace trapeze::e1000
