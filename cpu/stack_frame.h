// Writing a stack frame onto a stack that is not the current one yet: the inner stack of
// a privilege change, read from the TSS. Nothing in the CPU changes until the caller
// commits, so a fault while building the frame leaves the old state intact.
#pragma once

#include "cpu/cpu.h"

namespace trapeze {

class StackFrameWriter {
 public:
  // `fault_vector`/`fault_code`: what a limit violation raises (#SS(sel) for a new stack).
  StackFrameWriter(Cpu& cpu, const Segment& ss, uint64_t sp, uint8_t fault_vector, uint32_t fault_code)
      : cpu_(cpu), ss_(ss), sp_(sp), fault_vector_(fault_vector), fault_code_(fault_code) {}

  void push(uint32_t value, unsigned size) {
    const bool big = ss_.rights & rights::kBig;
    const uint64_t mask = big ? 0xFFFFFFFF : 0xFFFF;
    sp_ = (sp_ - size) & mask;
    const bool expand_down = !(ss_.rights & rights::kCode) && (ss_.rights & rights::kExpandDownConforming);
    const bool ok = expand_down ? sp_ > ss_.limit && size - 1 <= mask - sp_
                                : sp_ <= ss_.limit && size - 1 <= ss_.limit - sp_;
    if (!ok) cpu_.raise(fault_vector_, fault_code_);
    if (size == 4) cpu_.write_system<uint32_t>(ss_.base + sp_, value);
    else cpu_.write_system<uint16_t>(ss_.base + sp_, static_cast<uint16_t>(value));
  }
  uint64_t sp() const { return sp_; }

 private:
  Cpu& cpu_;
  const Segment& ss_;
  uint64_t sp_;
  uint8_t fault_vector_;
  uint32_t fault_code_;
};

}  // namespace trapeze
