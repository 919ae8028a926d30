// Runs one x87 instruction on the host CPU (x86-64 only): FRSTOR the starting image, set
// EFLAGS and EAX, execute the instruction bytes with EDX/RDX pointing at the memory
// operand, FNSAVE the result. The code is generated at run time into an executable page,
// so the host executes exactly the bytes the emulator decodes.
#pragma once

#include <cstdint>
#include <span>

#include "tests/fpu/save_image.h"

namespace trapeze::x87test {

class HostX87 {
 public:
  // False on hosts without an x87 to compare against (or without executable memory).
  static bool available();
  HostX87();
  ~HostX87();
  HostX87(const HostX87&) = delete;
  HostX87& operator=(const HostX87&) = delete;

  // Prepares the runner for one instruction (its bytes use [EDX] for memory operands).
  void load(std::span<const uint8_t> instruction);
  RunResult run(const RunInput& in);

 private:
  uint8_t* code_ = nullptr;
};

}  // namespace trapeze::x87test
