#include "frontend/history_report.h"

#include <fmt/format.h>

#include <array>

#include "frontend/disassembler.h"
#include "frontend/guest_peek.h"
#include "frontend/register_snapshot.h"

namespace trapeze {

std::string register_report(const Cpu& cpu) {
  const RegisterSnapshot s = RegisterSnapshot::of(cpu);
  std::string out = fmt::format(
      "EAX={:08x} EBX={:08x} ECX={:08x} EDX={:08x}\nESI={:08x} EDI={:08x} EBP={:08x} "
      "ESP={:08x}\nEIP={:08x} EFL={:08x} CPL={} mode={}\n",
      s.gpr[kRax], s.gpr[kRbx], s.gpr[kRcx], s.gpr[kRdx], s.gpr[kRsi], s.gpr[kRdi], s.gpr[kRbp],
      s.gpr[kRsp], s.eip, s.eflags, cpu.cpl(), describe_mode(cpu));
  for (unsigned r = 0; r < kSegCount; ++r) {
    const Segment& g = cpu.seg[r];
    out += fmt::format("{}={:04x} base={:08x} limit={:08x} rights={:04x}\n", kSegNames[r],
                       g.selector, g.base, g.limit, g.rights);
  }
  out += fmt::format("ldtr={:04x} base={:08x} limit={:08x}\ntr={:04x} base={:08x} limit={:08x}\n",
                     cpu.ldtr.selector, cpu.ldtr.base, cpu.ldtr.limit, cpu.tr.selector, cpu.tr.base,
                     cpu.tr.limit);
  out += fmt::format("gdt base={:08x} limit={:04x}  idt base={:08x} limit={:04x}\n", cpu.gdtr.base,
                     cpu.gdtr.limit, cpu.idtr.base, cpu.idtr.limit);
  out += fmt::format("CR0={:08x} CR2={:08x} CR3={:08x} CR4={:08x} EFER={:08x}\n", s.cr0, s.cr2,
                     s.cr3, s.cr4, cpu.msr.efer);
  out += fmt::format("DR0={:08x} DR1={:08x} DR2={:08x} DR3={:08x} DR6={:08x} DR7={:08x}\n",
                     cpu.dr[0], cpu.dr[1], cpu.dr[2], cpu.dr[3], cpu.dr[6], cpu.dr[7]);
  return out;
}

std::string history_report(Machine& machine, unsigned n) {
  Cpu& cpu = machine.cpu();
  const auto entries = cpu.history().last(cpu.steps(), n);
  std::string out = fmt::format("last {} steps, oldest first:\n", entries.size());
  for (const StepHistory::Entry& e : entries) {
    const uint64_t linear = (e.cs_base + e.eip) & 0xFFFFFFFF;
    std::array<uint8_t, 15> bytes{};
    const size_t got = peek_linear(cpu, machine.memory(), linear, bytes.data(), bytes.size());
    // The code size is not recorded; the current one is the likeliest.
    const Disassembly d = disassemble(std::span(bytes.data(), got), cpu.code32() ? 32 : 16, e.eip);
    std::string hex;
    for (unsigned i = 0; i < d.length; ++i) hex += fmt::format("{:02x}", bytes[i]);
    out += fmt::format("  {:04x}:{:08x} L{:08x} {:<16} {}\n", e.cs, e.eip, linear, hex, d.text);
  }
  out += register_report(cpu);
  return out;
}

}  // namespace trapeze
