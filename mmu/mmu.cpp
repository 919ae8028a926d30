#include "mmu/mmu.h"

namespace trapeze {

void Mmu::flush() {
  for (Entry& e : tlb_) e = Entry{0, 0, nullptr, nullptr};
}

void Mmu::fill(uint64_t linear, bool for_write) {
  Entry& e = tlb_[index(linear)];
  uint64_t physical_page = to_physical(linear) & ~kPageMask;
  uint8_t* page = memory_.page_pointer(physical_page, for_write);
  if (page == nullptr) return;
  if (for_write) {
    e.write_tag = tag(linear);
    e.write_page = page;
  } else {
    e.read_tag = tag(linear);
    e.read_page = page;
  }
}

uint64_t Mmu::read_slow(uint64_t linear, unsigned size) {
  if ((linear & kPageMask) + size > kPageSize) {
    // Crosses a page: assemble from bytes, low address first.
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= uint64_t{read<uint8_t>(linear + i)} << (8 * i);
    return v;
  }
  fill(linear, false);
  const Entry& e = tlb_[index(linear)];
  if (e.read_tag == tag(linear)) {
    const uint8_t* p = e.read_page + (linear & kPageMask);
    switch (size) {
      case 1: return *p;
      case 2: return load_le<uint16_t>(p);
      case 4: return load_le<uint32_t>(p);
      default: return load_le<uint64_t>(p);
    }
  }
  return memory_.read(to_physical(linear), size);
}

void Mmu::write_slow(uint64_t linear, unsigned size, uint64_t value) {
  if ((linear & kPageMask) + size > kPageSize) {
    for (unsigned i = 0; i < size; ++i) write<uint8_t>(linear + i, static_cast<uint8_t>(value >> (8 * i)));
    return;
  }
  fill(linear, true);
  Entry& e = tlb_[index(linear)];
  if (e.write_tag == tag(linear)) {
    uint8_t* p = e.write_page + (linear & kPageMask);
    switch (size) {
      case 1: *p = static_cast<uint8_t>(value); break;
      case 2: store_le<uint16_t>(p, static_cast<uint16_t>(value)); break;
      case 4: store_le<uint32_t>(p, static_cast<uint32_t>(value)); break;
      default: store_le<uint64_t>(p, value); break;
    }
    return;
  }
  memory_.write(to_physical(linear), size, value);
}

size_t Mmu::fetch_in_page(uint64_t linear, uint8_t* dst, size_t n) {
  size_t room = kPageSize - (linear & kPageMask);
  if (n > room) n = room;
  for (size_t i = 0; i < n; ++i) dst[i] = read<uint8_t>(linear + i);
  return n;
}

}  // namespace trapeze
