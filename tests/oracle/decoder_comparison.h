// One byte string, two decoders: trapeze's and Zydis'. Classifies the pair of verdicts.
//
// Only trapeze's claims are checked: where it accepts an instruction (kOk), Zydis must
// accept it too, with the same length; where it says "longer than 15 bytes", Zydis must
// agree. Where Zydis knows an instruction trapeze rejects, that is a form trapeze does
// not implement (x87 until the FPU lands, VEX/EVEX, SSE and later): counted, not failed.
#pragma once

#include <cstdint>
#include <string>

#include "tests/oracle/random_instruction_bytes.h"
#include "tests/oracle/zydis_reference.h"

namespace trapeze {

struct Comparison {
  enum class Outcome {
    kAgreed,          // both accept with the same length, or both say too long
    kDisagreed,       // trapeze's verdict is contradicted (or inconsistent with itself)
    kNotImplemented,  // Zydis accepts, trapeze says #UD
    kBothReject,      // neither accepts: nothing to compare
  };
  Outcome outcome = Outcome::kBothReject;
  std::string detail;  // for disagreements: both verdicts, readable
  ZydisVerdict zydis;
};

Comparison compare_decoders(const InsnBytes& bytes, unsigned code_size,
                            const ZydisReference& zydis);

}  // namespace trapeze
