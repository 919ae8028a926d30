// Runs one MOO test on a fresh trapeze::Cpu and compares the result with what the real
// 286 did (FORMAT.md, "How a test runs").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/singlestep/flat_memory.h"
#include "tests/singlestep/moo_test.h"
#include "tests/singlestep/open_bus_io.h"

namespace trapeze {

struct TestOutcome {
  bool passed = false;
  std::string problem;            // why the run itself went wrong (did not halt, ...), or empty
  std::vector<std::string> diff;  // one line per mismatch (per register, with `verbose`)
};

class SingleStepRunner {
 public:
  // A test is the instruction and a HLT; anything near this many instructions means
  // the CPU is looping (a fault that re-faults, a jump to itself).
  static constexpr uint64_t kInstructionBudget = 100000;

  // `flags_mask`: the opcode's defined FLAGS bits (metadata.json), all ones if none.
  TestOutcome run(const MooTest& test, uint16_t flags_mask, bool verbose);

 private:
  // Reused across tests: the memory clears only what the previous test touched.
  FlatMemory memory_;
  OpenBusIo io_;
};

}  // namespace trapeze
