#include "frontend/guest_peek.h"

namespace trapeze {

std::optional<uint64_t> peek_translate(Cpu& cpu, uint64_t linear) {
  return cpu.mmu().peek_translate(linear & 0xFFFFFFFF);
}

size_t peek_physical(PhysicalMemory& memory, uint64_t physical, uint8_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    const uint64_t address = physical + done;
    const uint8_t* page = memory.page_pointer(address & ~kPageMask, false);
    if (page == nullptr) break;
    const size_t chunk = std::min<size_t>(n - done, kPageSize - (address & kPageMask));
    std::copy_n(page + (address & kPageMask), chunk, out + done);
    done += chunk;
  }
  return done;
}

size_t peek_linear(Cpu& cpu, PhysicalMemory& memory, uint64_t linear, uint8_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    const uint64_t address = (linear + done) & 0xFFFFFFFF;
    const auto physical = peek_translate(cpu, address);
    if (!physical) break;
    const size_t chunk = std::min<size_t>(n - done, kPageSize - (address & kPageMask));
    const size_t got = peek_physical(memory, *physical, out + done, chunk);
    done += got;
    if (got < chunk) break;
  }
  return done;
}

size_t poke_linear(Cpu& cpu, PhysicalMemory& memory, uint64_t linear, const uint8_t* in, size_t n) {
  size_t done = 0;
  for (; done < n; ++done) {
    const auto physical = peek_translate(cpu, (linear + done) & 0xFFFFFFFF);
    if (!physical) break;
    uint8_t* page = memory.page_pointer(*physical & ~kPageMask, true);
    if (page == nullptr) break;
    page[*physical & kPageMask] = in[done];
  }
  cpu.physical_memory_changed();
  return done;
}

}  // namespace trapeze
