// A guest-visible exception raised while executing an instruction. It unwinds (as a C++
// exception, never longjmp) to the instruction loop, which restores the instruction's
// starting state and delivers the exception through the guest's IVT/IDT.
#pragma once

#include <cstdint>

namespace trapeze {

namespace vec {
inline constexpr uint8_t kDivide = 0;     // #DE
inline constexpr uint8_t kDebug = 1;      // #DB
inline constexpr uint8_t kNmi = 2;
inline constexpr uint8_t kBreakpoint = 3; // #BP
inline constexpr uint8_t kOverflow = 4;   // #OF
inline constexpr uint8_t kBound = 5;      // #BR
inline constexpr uint8_t kInvalidOpcode = 6;  // #UD
inline constexpr uint8_t kNoDevice = 7;   // #NM
inline constexpr uint8_t kDoubleFault = 8;
inline constexpr uint8_t kInvalidTss = 10;
inline constexpr uint8_t kNotPresent = 11;
inline constexpr uint8_t kStack = 12;     // #SS
inline constexpr uint8_t kGeneral = 13;   // #GP
inline constexpr uint8_t kPage = 14;      // #PF
inline constexpr uint8_t kFpu = 16;       // #MF
inline constexpr uint8_t kAlignment = 17; // #AC
inline constexpr uint8_t kSimdFp = 19;    // #XM
}  // namespace vec

struct CpuException {
  uint8_t vector = 0;
  bool has_error_code = false;
  uint32_t error_code = 0;
  uint64_t fault_address = 0;  // #PF: the linear address, which delivery puts in CR2
};

}  // namespace trapeze
