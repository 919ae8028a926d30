#include "frontend/register_snapshot.h"

#include <fmt/format.h>

#include "frontend/trace_format.h"

namespace trapeze {

const std::array<const char*, 8> kGprNames = {"eax", "ecx", "edx", "ebx",
                                              "esp", "ebp", "esi", "edi"};
const std::array<const char*, kSegCount> kSegNames = {"es", "cs", "ss", "ds", "fs", "gs"};

RegisterSnapshot RegisterSnapshot::of(const Cpu& cpu) {
  RegisterSnapshot s;
  for (unsigned r = 0; r < 8; ++r) s.gpr[r] = static_cast<uint32_t>(cpu.gpr[r]);
  s.eip = static_cast<uint32_t>(cpu.rip);
  s.eflags = cpu.flags.read();
  for (unsigned r = 0; r < kSegCount; ++r) s.seg[r] = cpu.seg[r].selector;
  s.cr0 = static_cast<uint32_t>(cpu.cr0);
  s.cr2 = static_cast<uint32_t>(cpu.cr2);
  s.cr3 = static_cast<uint32_t>(cpu.cr3);
  s.cr4 = static_cast<uint32_t>(cpu.cr4);
  return s;
}

std::string describe_changes(const RegisterSnapshot& a, const RegisterSnapshot& b) {
  std::string out;
  auto add = [&](const char* name, uint32_t x, uint32_t y, unsigned digits) {
    if (x == y) return;
    if (!out.empty()) out += ' ';
    out += name;
    out += '=';
    append_hex(out, x, digits);
    out += "->";
    append_hex(out, y, digits);
  };
  for (unsigned r = 0; r < 8; ++r) add(kGprNames[r], a.gpr[r], b.gpr[r], 8);
  add("eflags", a.eflags, b.eflags, 8);
  for (unsigned r = 0; r < kSegCount; ++r) add(kSegNames[r], a.seg[r], b.seg[r], 4);
  add("cr0", a.cr0, b.cr0, 8);
  add("cr2", a.cr2, b.cr2, 8);
  add("cr3", a.cr3, b.cr3, 8);
  add("cr4", a.cr4, b.cr4, 8);
  return out;
}

std::string describe_state(const RegisterSnapshot& s) {
  return fmt::format(
      "EAX={:08x} EBX={:08x} ECX={:08x} EDX={:08x} ESI={:08x} EDI={:08x} EBP={:08x} "
      "ESP={:08x} EIP={:08x} EFL={:08x} ES={:04x} CS={:04x} SS={:04x} DS={:04x} FS={:04x} "
      "GS={:04x} CR0={:08x} CR2={:08x} CR3={:08x} CR4={:08x}",
      s.gpr[kRax], s.gpr[kRbx], s.gpr[kRcx], s.gpr[kRdx], s.gpr[kRsi], s.gpr[kRdi], s.gpr[kRbp],
      s.gpr[kRsp], s.eip, s.eflags, s.seg[kEs], s.seg[kCs], s.seg[kSs], s.seg[kDs], s.seg[kFs],
      s.seg[kGs], s.cr0, s.cr2, s.cr3, s.cr4);
}

std::string describe_mode(const Cpu& cpu) {
  std::string mode = !cpu.protected_mode() ? "real" : cpu.v86_mode() ? "v86" : "protected";
  if (cpu.protected_mode() && (cpu.cr0 & cr0::PG)) mode += "+paging";
  if (cpu.pm()) mode += cpu.code32() ? " (32-bit code)" : " (16-bit code)";
  return mode;
}

}  // namespace trapeze
