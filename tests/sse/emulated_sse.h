// Runs one MMX/SSE/SSE2 instruction on trapeze's CPU, in flat 32-bit protected mode with
// CR4.OSFXSR and OSXMMEXCPT, the way HostSse runs it on the host: FXRSTOR [EDI]; the
// instruction; FXSAVE [ESI]; HLT. Every exception vector leads to its own FXSAVE [ESI];
// HLT, so a fault is reported with the state at the fault, as the host's signal frame
// reports it.
#pragma once

#include <memory>
#include <span>

#include "tests/sse/fxsave_image.h"

namespace trapeze::ssetest {

class EmulatedSse {
 public:
  EmulatedSse();
  ~EmulatedSse();
  void load(std::span<const uint8_t> instruction);
  RunResult run(const RunInput& in);

 private:
  struct Machine;
  std::unique_ptr<Machine> m_;
};

}  // namespace trapeze::ssetest
