// Runs one x87 instruction on trapeze's CPU, in flat 32-bit protected mode, the same way
// HostX87 runs it on the host: FRSTOR [EDI]; the instruction; FNSAVE [ESI]; HLT. Every
// exception vector leads to its own HLT, so a fault is reported rather than hidden.
#pragma once

#include <memory>
#include <span>

#include "tests/fpu/save_image.h"

namespace trapeze::x87test {

class EmulatedX87 {
 public:
  EmulatedX87();
  ~EmulatedX87();
  void load(std::span<const uint8_t> instruction);
  RunResult run(const RunInput& in);

 private:
  struct Machine;
  std::unique_ptr<Machine> m_;
};

}  // namespace trapeze::x87test
