// The CS:EIP of the last steps the CPU took, for crash reports (`--history N`): printed
// on a triple fault, an emulator error, or when the monitor asks.
//
// Cpu::run() records every step, so this must cost next to nothing: the per-step record
// is one 4-byte store of EIP into a ring small enough to stay in the L1 cache. CS changes
// far less often (the decoded-block loop leaves on every CS load), so it is kept in a
// second ring of (step, CS) records, written by record_cs() when the loop starts and by
// careful steps; a step's CS is the latest record at or before it. Registers per step
// would double the cost of the loop's bookkeeping, so the report shows the registers of
// the final state only, and a trace (--trace) has the rest.
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

  // Steps from number `step` (Cpu::steps()) on run with this CS, until the next call.
  void record_cs(uint64_t step, const Segment& cs) {
    CsRecord& last = cs_[(cs_count_ - 1) & (kCsCapacity - 1)];
    if (cs_count_ != 0 && last.base == cs.base && last.selector == cs.selector) return;
    if (cs_count_ != 0 && last.step == step) {
      last = CsRecord{step, cs.base, cs.selector};
      return;
    }
    cs_[cs_count_++ & (kCsCapacity - 1)] = CsRecord{step, cs.base, cs.selector};
  }
  // Called before step number `step` runs, under the CS of the latest record_cs().
  void record(uint64_t step, uint64_t rip) {
    eips_[step & (kCapacity - 1)] = static_cast<uint32_t>(rip);
  }
  // Both at once (careful steps).
  void record(uint64_t step, const Segment& cs, uint64_t rip) {
    record_cs(step, cs);
    record(step, rip);
  }
  // The entries of the last `n` steps before step number `steps`, oldest first.
  std::vector<Entry> last(uint64_t steps, unsigned n) const {
    if (n > kCapacity) n = kCapacity;
    if (n > steps) n = static_cast<unsigned>(steps);
    std::vector<Entry> out;
    for (uint64_t s = steps - n; s < steps; ++s) {
      Entry e;
      e.eip = eips_[s & (kCapacity - 1)];
      // The latest CS record at or before step s (records are in step order).
      for (uint64_t k = cs_count_; k-- > 0 && k + kCsCapacity >= cs_count_;) {
        const CsRecord& r = cs_[k & (kCsCapacity - 1)];
        if (r.step <= s) {
          e.cs_base = r.base;
          e.cs = r.selector;
          break;
        }
      }
      out.push_back(e);
    }
    return out;
  }

 private:
  // Each record starts at a distinct step, so this many cover the last kCapacity steps.
  static constexpr unsigned kCsCapacity = 2 * kCapacity;
  struct CsRecord {
    uint64_t step = 0;
    uint64_t base = 0;
    uint16_t selector = 0;
  };
  std::array<uint32_t, kCapacity> eips_{};
  std::array<CsRecord, kCsCapacity> cs_{};
  uint64_t cs_count_ = 0;
};

}  // namespace trapeze
