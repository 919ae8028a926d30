// Linear-to-physical translation with a TLB of host pointers.
//
// A hit costs one tag compare and one load: each entry holds, per access kind, the
// linear page tag and the host address of the page. Misses (and pages that must not be
// touched directly: MMIO, ROM writes) go to the slow path. Paging is not modelled yet:
// linear addresses map to physical addresses through the A20 gate only.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "mmu/physical_memory.h"

namespace trapeze {

// Reverses the bytes of an integer (std::byteswap is C++23).
template <typename T>
constexpr T byte_swap(T v) {
  T r = 0;
  for (unsigned i = 0; i < sizeof(T); ++i) r = static_cast<T>((r << 8) | ((v >> (8 * i)) & 0xFF));
  return r;
}

// Little-endian loads and stores of guest data through host pointers.
template <typename T>
inline T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) v = byte_swap(v);
  return v;
}
template <typename T>
inline void store_le(uint8_t* p, T v) {
  if constexpr (std::endian::native == std::endian::big) v = byte_swap(v);
  std::memcpy(p, &v, sizeof(T));
}

class Mmu {
 public:
  explicit Mmu(PhysicalMemory& memory) : memory_(memory) { flush(); }

  // The A20 gate: when off, physical address bit 20 is forced to 0 (8086 wrap-around).
  void set_a20(bool enabled) {
    a20_mask_ = enabled ? ~uint64_t{0} : ~(uint64_t{1} << 20);
    flush();
  }
  bool a20() const { return a20_mask_ & (uint64_t{1} << 20); }
  // Forgets every translation (memory map changes, CR3 loads, mode changes).
  void flush();

  uint64_t to_physical(uint64_t linear) const { return linear & a20_mask_; }

  template <typename T>
  T read(uint64_t linear) {
    const Entry& e = tlb_[index(linear)];
    if ((linear & kPageMask) <= kPageSize - sizeof(T) && e.read_tag == tag(linear))
      return load_le<T>(e.read_page + (linear & kPageMask));
    return static_cast<T>(read_slow(linear, sizeof(T)));
  }
  template <typename T>
  void write(uint64_t linear, T value) {
    Entry& e = tlb_[index(linear)];
    if ((linear & kPageMask) <= kPageSize - sizeof(T) && e.write_tag == tag(linear)) {
      store_le<T>(e.write_page + (linear & kPageMask), value);
      return;
    }
    write_slow(linear, sizeof(T), value);
  }
  // Copies up to `n` bytes of code starting at `linear`, stopping at the end of the page.
  // Returns the number copied.
  size_t fetch_in_page(uint64_t linear, uint8_t* dst, size_t n);

 private:
  static constexpr unsigned kEntries = 1024;
  struct Entry {
    uint64_t read_tag;
    uint64_t write_tag;
    uint8_t* read_page;
    uint8_t* write_page;
  };
  static unsigned index(uint64_t linear) { return (linear >> 12) & (kEntries - 1); }
  // Tags are page numbers plus one, so 0 never matches a real page.
  static uint64_t tag(uint64_t linear) { return (linear >> 12) + 1; }

  uint64_t read_slow(uint64_t linear, unsigned size);
  void write_slow(uint64_t linear, unsigned size, uint64_t value);
  void fill(uint64_t linear, bool for_write);

  PhysicalMemory& memory_;
  uint64_t a20_mask_ = ~uint64_t{0};
  std::array<Entry, kEntries> tlb_{};
};

}  // namespace trapeze
