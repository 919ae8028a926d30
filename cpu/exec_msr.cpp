// Model-specific registers and the fast system call: RDMSR, WRMSR, RDPMC, SYSENTER,
// SYSEXIT. MSRs the P6 has keep what is written to them; unknown ones are #GP(0).
// IA32_APIC_BASE and IA32_TSC_DEADLINE belong to the local APIC when the board gives
// the CPU one (cpu/local_apic_link.h).
#include <optional>

#include "cpu/log.h"
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

constexpr uint32_t kTsc = 0x10, kPlatformId = 0x17, kApicBase = 0x1B, kEblCrPoweron = 0x2A,
                   kBiosUpdateTrigger = 0x79, kBiosSignId = 0x8B, kPerfCounter0 = 0xC1,
                   kPerfCounter1 = 0xC2, kMtrrCap = 0xFE, kSysenterCs = 0x174, kSysenterEsp = 0x175,
                   kSysenterEip = 0x176, kMcgCap = 0x179, kMcgStatus = 0x17A, kEventSelect0 = 0x186,
                   kEventSelect1 = 0x187, kMiscEnable = 0x1A0, kPat = 0x277, kMtrrDefType = 0x2FF,
                   kTscDeadline = 0x6E0, kEfer = 0xC0000080;
constexpr uint64_t kEferNxe = 1u << 11;

// The fixed-range MTRRs in the order of Msrs::mtrr_fixed.
constexpr uint32_t kFixedMtrrs[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26A,
                                      0x26B, 0x26C, 0x26D, 0x26E, 0x26F};

// The storage of an MSR that simply holds its value, or nullptr.
uint64_t* plain_msr(Msrs& m, uint32_t index) {
  switch (index) {
    case kApicBase:
      return &m.apic_base;
    case kSysenterCs:
      return &m.sysenter_cs;
    case kSysenterEsp:
      return &m.sysenter_esp;
    case kSysenterEip:
      return &m.sysenter_eip;
    case kPat:
      return &m.pat;
    case kMtrrDefType:
      return &m.mtrr_def_type;
    case kMiscEnable:
      return &m.misc_enable;
    case kMcgStatus:
      return &m.mcg_status;
    case kBiosSignId:
      return &m.bios_sign_id;
    default:
      break;
  }
  if (index >= 0x200 && index <= 0x20F) return &m.mtrr_variable[index - 0x200];
  for (unsigned n = 0; n < 11; ++n)
    if (kFixedMtrrs[n] == index) return &m.mtrr_fixed[n];
  return nullptr;
}

std::optional<uint64_t> read_msr(Cpu& c, uint32_t index) {
  if (LocalApicLink* apic = c.local_apic()) {
    if (index == kApicBase) return apic->read_apic_base_msr();
    if (index == kTscDeadline) return apic->read_tsc_deadline_msr();
  }
  switch (index) {
    case kTsc:
      return c.timestamp();
    case kPlatformId:
      return c.msr.platform_id;
    case kEblCrPoweron:
      return 0;
    case kMtrrCap:
      return c.msr.mtrr_cap;
    case kMcgCap:
      return c.msr.mcg_cap;
    case kEfer:
      return c.msr.efer;
    case kPerfCounter0:
    case kPerfCounter1:
    case kEventSelect0:
    case kEventSelect1:
      return 0;
    default:
      break;
  }
  if (uint64_t* p = plain_msr(c.msr, index)) return *p;
  return std::nullopt;
}

bool write_msr(Cpu& c, uint32_t index, uint64_t value) {
  if (LocalApicLink* apic = c.local_apic()) {
    if (index == kApicBase) return apic->write_apic_base_msr(value);
    if (index == kTscDeadline) {
      apic->write_tsc_deadline_msr(value, c.timestamp());
      return true;
    }
  }
  switch (index) {
    case kTsc:
      c.msr.tsc_offset = value - c.cycles();
      return true;
    case kBiosUpdateTrigger:
      return true;  // microcode updates are accepted and ignored
    case kMtrrCap:
    case kPlatformId:
    case kMcgCap:
      return false;  // read-only
    case kPerfCounter0:
    case kPerfCounter1:
    case kEventSelect0:
    case kEventSelect1:
      // Accepted, as the P6 does, but nothing counts: a guest that checks (Linux writes a
      // counter and reads it back) falls back to software events.
      if (value != 0)
        log::once(log::cpu(), "performance-monitoring counters are not emulated: they stay 0",
                  spdlog::level::info);
      return true;
    case kEfer:
      if (value & ~kEferNxe) return false;  // only NXE exists on this CPU
      c.write_efer(value);
      return true;
    default:
      break;
  }
  if (uint64_t* p = plain_msr(c.msr, index)) {
    *p = value;
    return true;
  }
  return false;
}

void rdmsr(Cpu& c, const Insn&) {
  if (c.cpl() != 0) c.raise(vec::kGeneral, 0);
  const auto value = read_msr(c, c.reg<uint32_t>(kRcx));
  if (!value) c.raise(vec::kGeneral, 0);
  c.set_reg<uint32_t>(kRax, static_cast<uint32_t>(*value));
  c.set_reg<uint32_t>(kRdx, static_cast<uint32_t>(*value >> 32));
}

void wrmsr(Cpu& c, const Insn&) {
  if (c.cpl() != 0) c.raise(vec::kGeneral, 0);
  const uint64_t value = (uint64_t{c.reg<uint32_t>(kRdx)} << 32) | c.reg<uint32_t>(kRax);
  if (!write_msr(c, c.reg<uint32_t>(kRcx), value)) c.raise(vec::kGeneral, 0);
}

// RDPMC: counters 0 and 1; at CPL > 0 only with CR4.PCE. The counters do not count.
void rdpmc(Cpu& c, const Insn&) {
  const bool allowed = c.cpl() == 0 || !c.protected_mode() || (c.cr4 & cr4::PCE);
  if (!allowed || c.reg<uint32_t>(kRcx) > 1) c.raise(vec::kGeneral, 0);
  c.set_reg<uint32_t>(kRax, 0);
  c.set_reg<uint32_t>(kRdx, 0);
}

// Flat 4 GiB segments of SYSENTER/SYSEXIT (SDM vol. 2, SYSENTER).
constexpr uint16_t kFlatCode0 = 0xC09B, kFlatData0 = 0xC093, kFlatCode3 = 0xC0FB,
                   kFlatData3 = 0xC0F3;

void sysenter(Cpu& c, const Insn&) {
  const uint16_t cs = static_cast<uint16_t>(c.msr.sysenter_cs);
  if (!c.protected_mode() || (cs & 0xFFFC) == 0) c.raise(vec::kGeneral, 0);
  c.flags.write(c.flags.read() & ~(flag::VM | flag::IF | flag::RF));
  c.set_segment_cache(kCs, Segment{static_cast<uint16_t>(cs & 0xFFFC), 0, 0xFFFFFFFF, kFlatCode0});
  c.set_segment_cache(kSs,
                      Segment{static_cast<uint16_t>((cs & 0xFFFC) + 8), 0, 0xFFFFFFFF, kFlatData0});
  c.gpr[kRsp] = static_cast<uint32_t>(c.msr.sysenter_esp);
  c.rip = static_cast<uint32_t>(c.msr.sysenter_eip);
}

void sysexit(Cpu& c, const Insn&) {
  const uint16_t cs = static_cast<uint16_t>(c.msr.sysenter_cs);
  if (!c.pm() || c.cpl() != 0 || (cs & 0xFFFC) == 0) c.raise(vec::kGeneral, 0);
  c.set_segment_cache(
      kCs, Segment{static_cast<uint16_t>(((cs + 16) & 0xFFFC) | 3), 0, 0xFFFFFFFF, kFlatCode3});
  c.set_segment_cache(
      kSs, Segment{static_cast<uint16_t>(((cs + 24) & 0xFFFC) | 3), 0, 0xFFFFFFFF, kFlatData3});
  c.gpr[kRsp] = c.reg<uint32_t>(kRcx);
  c.rip = c.reg<uint32_t>(kRdx);
}

}  // namespace

std::vector<OpcodeRow> msr_rows() {
  return {
      {kMap0F | 0x30, -1, "wrmsr", "", pick<wrmsr>},
      {kMap0F | 0x32, -1, "rdmsr", "", pick<rdmsr>},
      {kMap0F | 0x33, -1, "rdpmc", "", pick<rdpmc>},
      {kMap0F | 0x34, -1, "sysenter", "", pick<sysenter>},
      {kMap0F | 0x35, -1, "sysexit", "", pick<sysexit>},
  };
}

}  // namespace trapeze
