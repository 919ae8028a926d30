// Guest memory as bus-master and 8237 DMA see it: the board's address map (bounds-checked,
// so a device can never reach host memory), plus a notice to the CPU for every write, so
// instructions decoded from RAM that DMA overwrote are decoded again.
#pragma once

#include <functional>

#include "mmu/physical_memory.h"

namespace trapeze {

class DmaMemory final : public PhysicalMemory {
 public:
  DmaMemory(PhysicalMemory& memory, std::function<void(uint64_t)> written)
      : memory_(memory), written_(std::move(written)) {}

  // A page handed out for writing is about to be written by the device, right now,
  // before the CPU runs again: invalidating first is as good as after.
  uint8_t* page_pointer(uint64_t address, bool for_write) override {
    if (for_write) written_(address);
    return memory_.page_pointer(address, for_write);
  }
  uint64_t read(uint64_t address, unsigned size_bytes) override {
    return memory_.read(address, size_bytes);
  }
  void write(uint64_t address, unsigned size_bytes, uint64_t value) override {
    memory_.write(address, size_bytes, value);
    written_(address);
  }

 private:
  PhysicalMemory& memory_;
  std::function<void(uint64_t)> written_;
};

}  // namespace trapeze
