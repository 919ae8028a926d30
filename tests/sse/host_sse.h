// Runs one MMX/SSE/SSE2 instruction on the host CPU (x86-64 only): FXRSTOR the starting
// image, set EFLAGS and EAX, execute the instruction bytes with RDX pointing at the
// memory operand, FXSAVE the result. The code is generated at run time into an
// executable page, so the host executes exactly the bytes the emulator decodes. A fault
// (an unmasked SIMD exception: SIGFPE) is caught, and the state at the fault taken from
// the signal frame.
#pragma once

#include <cstdint>
#include <span>

#include "tests/sse/fxsave_image.h"

namespace trapeze::ssetest {

class HostSse {
 public:
  static bool available();
  HostSse();
  ~HostSse();
  HostSse(const HostSse&) = delete;
  HostSse& operator=(const HostSse&) = delete;

  void load(std::span<const uint8_t> instruction);
  RunResult run(const RunInput& in);

 private:
  uint8_t* code_ = nullptr;
};

}  // namespace trapeze::ssetest
