// Model-specific registers the P6-class CPU keeps (RDMSR/WRMSR, cpu/exec_msr.cpp).
#pragma once

#include <array>
#include <cstdint>

namespace trapeze {

struct Msrs {
  uint64_t tsc_offset = 0;  // TSC = virtual cycles + offset (WRMSR 0x10 sets it)
  uint64_t apic_base = 0xFEE00900;  // BSP, enabled, default base
  uint64_t sysenter_cs = 0, sysenter_esp = 0, sysenter_eip = 0;
  uint64_t efer = 0;
  uint64_t pat = 0x0007040600070406;
  uint64_t mtrr_cap = 0x508;  // 8 variable ranges, fixed ranges, write-combining
  uint64_t mtrr_def_type = 0;
  std::array<uint64_t, 16> mtrr_variable{};  // base/mask pairs 0x200-0x20F
  std::array<uint64_t, 11> mtrr_fixed{};     // 0x250, 0x258, 0x259, 0x268-0x26F
  uint64_t misc_enable = 1;  // fast strings
  uint64_t platform_id = 0;
  uint64_t bios_sign_id = 0;
  uint64_t mcg_cap = 0, mcg_status = 0;
};

}  // namespace trapeze
