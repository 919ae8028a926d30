// Decode once, execute many: decoded instructions cached by the physical address of
// their first byte and the code-segment size they were decoded for. An entry is valid
// while its page's generation (mmu/code_pages.h) is unchanged, so a store into code,
// even into the very next instruction, makes the CPU decode again.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "cpu/insn.h"

namespace trapeze {

class DecodedCache {
 public:
  DecodedCache() : entries_(std::make_unique<std::array<Entry, kEntries>>()) {}

  // The cached instruction for this address, mode and page generation, or nullptr.
  const Insn* find(uint64_t physical, bool code32, uint32_t generation) const {
    const Entry& e = (*entries_)[slot(physical)];
    return e.key == key(physical, code32) && e.generation == generation && e.epoch == epoch_
               ? &e.insn
               : nullptr;
  }
  const Insn* store(uint64_t physical, bool code32, uint32_t generation, const Insn& insn) {
    Entry& e = (*entries_)[slot(physical)];
    e = Entry{key(physical, code32), generation, epoch_, insn};
    return &e.insn;
  }
  // Forgets everything: reset, or physical memory remapped (PAM, BARs).
  void clear() { ++epoch_; }

 private:
  static constexpr unsigned kEntries = 1u << 15;
  struct Entry {
    uint64_t key = 0;
    uint32_t generation = 0;
    uint32_t epoch = 0;
    Insn insn;
  };
  static unsigned slot(uint64_t physical) {
    return static_cast<unsigned>((physical ^ (physical >> 15)) & (kEntries - 1));
  }
  static uint64_t key(uint64_t physical, bool code32) { return (physical << 2) | (code32 ? 2 : 0) | 1; }

  std::unique_ptr<std::array<Entry, kEntries>> entries_;
  uint32_t epoch_ = 1;
};

}  // namespace trapeze
