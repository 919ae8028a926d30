// The CS:EIP of the last steps the CPU took, for crash reports (`--history N`): printed
// on a triple fault, an emulator error, or when the monitor asks.
//
// Cpu::run() records every step, so this must cost next to nothing: one 16-byte store
// into a ring small enough to stay in the L1 cache. Registers per step would double the
// cost of the loop's bookkeeping (measured at ~2% on the jmp-loop benchmark), so the
// report shows the registers of the final state only, and a trace (--trace) has the rest.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cpu/registers.h"

namespace trapeze {

class StepHistory {
 public:
  static constexpr unsigned kCapacity = 256;
  struct Entry {
    uint64_t cs_base = 0;
    uint32_t eip = 0;
    uint16_t cs = 0;
  };

  // Called before step number `step` (Cpu::steps()) runs.
  void record(uint64_t step, const Segment& cs, uint64_t rip) {
    entries_[step & (kCapacity - 1)] = Entry{cs.base, static_cast<uint32_t>(rip), cs.selector};
  }
  // The entries of the last `n` steps before step number `steps`, oldest first.
  std::vector<Entry> last(uint64_t steps, unsigned n) const {
    if (n > kCapacity) n = kCapacity;
    if (n > steps) n = static_cast<unsigned>(steps);
    std::vector<Entry> out;
    for (uint64_t s = steps - n; s < steps; ++s) out.push_back(entries_[s & (kCapacity - 1)]);
    return out;
  }

 private:
  std::array<Entry, kCapacity> entries_{};
};

}  // namespace trapeze
