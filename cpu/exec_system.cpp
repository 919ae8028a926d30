// System and miscellaneous instructions: HLT, BOUND, ARPL, descriptor-table loads and
// stores, LMSW/SMSW/CLTS, MOV CR/DR, INVLPG, INVD/WBINVD, UD2, the long NOP, CPUID and
// RDTSC. (WAIT and the x87 escapes D8-DF live in cpu/exec_x87_*.cpp.)
#include "cpu/log.h"
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

void require_cpl0(Cpu& c) {
  if (c.protected_mode() && c.cpl() != 0) c.raise(vec::kGeneral, 0);
}

void hlt(Cpu& c, const Insn&) {
  require_cpl0(c);
  c.halt();
}

struct Bound {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    using S = std::make_signed_t<T>;
    const uint64_t ea = c.effective_address(i);
    const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
    const S lower = static_cast<S>(c.read<T>(i.seg, ea));
    const S upper = static_cast<S>(c.read<T>(i.seg, (ea + sizeof(T)) & mask));
    const S index = static_cast<S>(read_g<T>(c, i));
    if (index < lower || index > upper) c.raise(vec::kBound);
  }
};

// SGDT/SIDT store the limit and the 32-bit base; LGDT/LIDT with a 16-bit operand size
// load only 24 bits of base.
template <bool Idt>
struct StoreTable {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const DescriptorTable& t = Idt ? c.idtr : c.gdtr;
    const uint64_t ea = c.effective_address(i);
    const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
    c.write<uint16_t>(i.seg, ea, t.limit);
    c.write<uint32_t>(i.seg, (ea + 2) & mask, static_cast<uint32_t>(t.base));
  }
};
template <bool Idt>
struct LoadTable {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_cpl0(c);
    const uint64_t ea = c.effective_address(i);
    const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
    const uint16_t limit = c.read<uint16_t>(i.seg, ea);
    uint32_t base = c.read<uint32_t>(i.seg, (ea + 2) & mask);
    if (sizeof(T) == 2) base &= 0x00FFFFFF;
    DescriptorTable& t = Idt ? c.idtr : c.gdtr;
    t.limit = limit;
    t.base = base;
  }
};
struct Smsw {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    if constexpr (M) c.write<uint16_t>(i.seg, c.effective_address(i), static_cast<uint16_t>(c.cr0));
    else c.set_reg<T>(i.rm, static_cast<T>(c.cr0));
  }
};
struct Lmsw {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_cpl0(c);
    const uint16_t v = read_e<uint16_t, M>(c, i);
    // Only PE, MP, EM and TS; LMSW can set PE but never clear it.
    uint64_t value = (c.cr0 & ~uint64_t{0xE}) | (v & 0xF) | (c.cr0 & cr0::PE);
    c.write_cr0(value);
  }
};
void clts(Cpu& c, const Insn&) {
  require_cpl0(c);
  c.cr0 &= ~cr0::TS;
}
struct Invlpg {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    require_cpl0(c);
    c.mmu().invalidate_page((c.seg[i.seg].base + c.effective_address(i)) & 0xFFFFFFFF);
  }
};
void cache_flush(Cpu& c, const Insn&) { require_cpl0(c); }  // no cache is modelled
void ud2(Cpu& c, const Insn&) { c.raise(vec::kInvalidOpcode); }
void nop(Cpu&, const Insn&) {}

// CR4 bits the CPU implements; setting any other is #GP(0).
constexpr uint64_t kCr4Supported = cr4::TSD | cr4::DE | cr4::PSE | cr4::PAE | cr4::MCE | cr4::PGE | cr4::PCE |
                                   cr4::OSFXSR | cr4::OSXMMEXCPT;

void mov_from_cr(Cpu& c, const Insn& i) {
  require_cpl0(c);
  const uint64_t values[5] = {c.cr0, 0, c.cr2, c.cr3, c.cr4};
  c.set_reg<uint32_t>(i.rm, static_cast<uint32_t>(values[i.reg]));
}
void mov_to_cr(Cpu& c, const Insn& i) {
  require_cpl0(c);
  const uint64_t v = c.reg<uint32_t>(i.rm);
  switch (i.reg) {
    case 0:
      if ((v & cr0::PG) && !(v & cr0::PE)) c.raise(vec::kGeneral, 0);
      if ((v & cr0::NW) && !(v & cr0::CD)) c.raise(vec::kGeneral, 0);
      c.write_cr0(v);
      break;
    case 2: c.cr2 = v; break;
    case 3: c.write_cr3(v); break;
    default:
      if (v & ~kCr4Supported) c.raise(vec::kGeneral, 0);
      c.write_cr4(v);
      break;
  }
}
// DR4/DR5 are aliases of DR6/DR7, unless CR4.DE makes them #UD. With DR7.GD set, any
// debug-register access is a #DB fault with DR6.BD, and GD clears so the handler can
// use the registers (SDM vol. 3, 17.2.4).
unsigned debug_register(Cpu& c, unsigned n) {
  if (c.dr[7] & (1u << 13)) {
    c.dr[6] |= 1u << 13;
    c.dr[7] &= ~uint64_t{1u << 13};
    c.raise(vec::kDebug);
  }
  if ((n == 4 || n == 5) && (c.cr4 & cr4::DE)) c.raise(vec::kInvalidOpcode);
  return n == 4 || n == 5 ? n + 2 : n;
}
void mov_from_dr(Cpu& c, const Insn& i) {
  require_cpl0(c);
  c.set_reg<uint32_t>(i.rm, static_cast<uint32_t>(c.dr[debug_register(c, i.reg)]));
}
void mov_to_dr(Cpu& c, const Insn& i) {
  require_cpl0(c);
  c.write_dr(debug_register(c, i.reg), c.reg<uint32_t>(i.rm));
}

// The identity trapeze reports: a P6-class part (family 6, model 3, stepping 3) with
// exactly the features implemented. Bits: FPU 0, DE 2, PSE 3, TSC 4, MSR 5, PAE 6, CX8 8,
// SEP 11, MTRR 12, PGE 13, CMOV 15 (with the FPU: FCMOVcc, FCOMI), PAT 16, CLFSH 19 (with
// EBX[15:8] = 8: 64-byte lines), MMX 23, FXSR 24, SSE 25, SSE2 26; extended leaf
// 0x80000001: NX 20.
constexpr uint32_t kFeatures = (1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) |
                               (1u << 6) | (1u << 8) | (1u << 11) | (1u << 12) | (1u << 13) |
                               (1u << 15) | (1u << 16) | (1u << 19) | (1u << 23) | (1u << 24) |
                               (1u << 25) | (1u << 26);
constexpr char kBrand[49] = "trapeze virtual P6-class CPU                    ";

void cpuid(Cpu& c, const Insn&) {
  uint32_t leaf = c.reg<uint32_t>(kRax);
  uint32_t r[4] = {0, 0, 0, 0};  // eax, ebx, ecx, edx
  // Above the highest leaf of its range, Intel parts answer with the highest basic leaf.
  if (leaf > 0x80000004 || (leaf > 2 && leaf < 0x80000000)) leaf = 2;
  switch (leaf) {
    case 0:
      r[0] = 2;
      r[1] = 0x756E6547;  // "Genu"
      r[3] = 0x49656E69;  // "ineI"
      r[2] = 0x6C65746E;  // "ntel"
      break;
    case 1:
      r[0] = 0x0633;
      r[1] = 8u << 8;  // CLFLUSH line size in 8-byte units
      r[3] = kFeatures;
      // With a local APIC: APIC (EDX 9) while it is globally enabled, its initial ID
      // (EBX[31:24]) and the TSC-deadline timer (ECX 24).
      if (const LocalApicLink* apic = c.local_apic()) {
        if (apic->apic_globally_enabled()) r[3] |= 1u << 9;
        r[1] |= uint32_t{apic->initial_apic_id()} << 24;
        r[2] = 1u << 24;
      }
      break;
    case 2:
      r[0] = 0x00000001;  // one iteration, no cache or TLB descriptors
      break;
    case 0x80000000: r[0] = 0x80000004; break;
    case 0x80000001: r[3] = 1u << 20; break;
    default: {
      const unsigned part = leaf - 0x80000002;
      for (unsigned n = 0; n < 4; ++n)
        for (unsigned b = 0; b < 4; ++b)
          r[n] |= uint32_t{static_cast<uint8_t>(kBrand[part * 16 + n * 4 + b])} << (8 * b);
      break;
    }
  }
  c.set_reg<uint32_t>(kRax, r[0]);
  c.set_reg<uint32_t>(kRbx, r[1]);
  c.set_reg<uint32_t>(kRcx, r[2]);
  c.set_reg<uint32_t>(kRdx, r[3]);
}

void rdtsc(Cpu& c, const Insn&) {
  if ((c.cr4 & cr4::TSD) && c.protected_mode() && c.cpl() != 0)
    c.raise(vec::kGeneral, 0);
  const uint64_t tsc = c.timestamp();
  c.set_reg<uint32_t>(kRax, static_cast<uint32_t>(tsc));
  c.set_reg<uint32_t>(kRdx, static_cast<uint32_t>(tsc >> 32));
}

}  // namespace

std::vector<OpcodeRow> system_rows() {
  std::vector<OpcodeRow> rows = {
      {0xF4, -1, "hlt", "", pick<hlt>},
      {0x62, -1, "bound", "Gv,Ma", pick_v<Bound>, attr::kNo64},
      {kMap0F | 0x01, 0, "sgdt", "Ms", pick_v<StoreTable<false>>},
      {kMap0F | 0x01, 1, "sidt", "Ms", pick_v<StoreTable<true>>},
      {kMap0F | 0x01, 2, "lgdt", "Ms", pick_v<LoadTable<false>>},
      {kMap0F | 0x01, 3, "lidt", "Ms", pick_v<LoadTable<true>>},
      {kMap0F | 0x01, 4, "smsw", "Ew", pick_v<Smsw>},
      {kMap0F | 0x01, 6, "lmsw", "Ew", pick_w<Lmsw>},
      {kMap0F | 0x01, 7, "invlpg", "Mb", pick_v<Invlpg>},
      {kMap0F | 0x06, -1, "clts", "", pick<clts>},
      {kMap0F | 0x08, -1, "invd", "", pick<cache_flush>},
      {kMap0F | 0x09, -1, "wbinvd", "", pick<cache_flush>},
      {kMap0F | 0x0B, -1, "ud2", "", pick<ud2>},
      {kMap0F | 0x1F, -1, "nop", "Ev", pick<nop>},
      {kMap0F | 0x21, -1, "mov", "Rd,Dd", pick<mov_from_dr>},
      {kMap0F | 0x23, -1, "mov", "Dd,Rd", pick<mov_to_dr>},
      {kMap0F | 0x31, -1, "rdtsc", "", pick<rdtsc>},
      {kMap0F | 0xA2, -1, "cpuid", "", pick<cpuid>},
  };
  for (int8_t cr : {0, 2, 3, 4}) {
    rows.push_back({kMap0F | 0x20, cr, "mov", "Rd,Cd", pick<mov_from_cr>});
    rows.push_back({kMap0F | 0x22, cr, "mov", "Cd,Rd", pick<mov_to_cr>});
  }
  return rows;
}

}  // namespace trapeze
