// Runs one MOO test on a fresh trapeze::Cpu and compares the result with what the real
// 286 did (FORMAT.md, "How a test runs").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cpu/cpu.h"
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
  // A test is the instruction and a HLT (a REP string instruction may take a few steps,
  // and a fault one more); anything near this many instructions means the CPU is
  // running away (a jump to itself, or off into zeroed memory).
  static constexpr uint64_t kInstructionBudget = 100000;
  // Steps that delivered an exception instead of retiring an instruction. A test takes
  // at most one interrupt; this many means the CPU is in a fault loop. Kept far below
  // the instruction budget because each costs a C++ throw.
  static constexpr uint64_t kFaultBudget = 1000;

  // `flags_mask`: the opcode's defined FLAGS bits (metadata.json), all ones if none.
  TestOutcome run(const MooTest& test, uint16_t flags_mask, bool verbose);

 private:
  // Reused across tests: the memory clears only what the previous test touched.
  FlatMemory memory_;
  OpenBusIo io_;
  // One CPU, reset for each test: constructing one allocates its TLB and decode caches
  // (megabytes), which would dominate the run time.
  Cpu cpu_{memory_, io_};
};

}  // namespace trapeze
