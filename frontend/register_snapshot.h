// The registers a trace line reports: captured before and after each instruction, so a
// line can say what changed (old -> new) and a crash report what the state was.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "cpu/cpu.h"

namespace trapeze {

struct RegisterSnapshot {
  std::array<uint32_t, 8> gpr{};  // in encoding order: eax ecx edx ebx esp ebp esi edi
  uint32_t eip = 0;
  uint32_t eflags = 0;
  std::array<uint16_t, kSegCount> seg{};  // es cs ss ds fs gs
  uint32_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;

  static RegisterSnapshot of(const Cpu& cpu);
  friend bool operator==(const RegisterSnapshot&, const RegisterSnapshot&) = default;
};

extern const std::array<const char*, 8> kGprNames;
extern const std::array<const char*, kSegCount> kSegNames;

// "eax=00000000->00000001 eflags=00000002->00000046" (EIP is left out: it always moves).
std::string describe_changes(const RegisterSnapshot& before, const RegisterSnapshot& after);
// Every register on one line: "EAX=... EBX=... ... CR4=...", the trace's "== state" line.
std::string describe_state(const RegisterSnapshot& s);
// "real", "protected", "v86", with "+paging".
std::string describe_mode(const Cpu& cpu);

}  // namespace trapeze
