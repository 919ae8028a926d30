// The Multiboot information structure (spec 3.3) a loader leaves for the kernel, with
// what trapeze provides: memory sizes and the memory map, the command line, modules and
// the boot loader's name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bios/boot_data_area.h"

namespace trapeze {

namespace multiboot {
// Info flags: which fields are valid.
inline constexpr uint32_t kInfoMemory = 1u << 0;
inline constexpr uint32_t kInfoCmdline = 1u << 2;
inline constexpr uint32_t kInfoModules = 1u << 3;
inline constexpr uint32_t kInfoMemoryMap = 1u << 6;
inline constexpr uint32_t kInfoBootLoaderName = 1u << 9;
// Field offsets in the structure.
inline constexpr uint32_t kInfoFlagsOffset = 0;
inline constexpr uint32_t kInfoMemLowerOffset = 4;
inline constexpr uint32_t kInfoMemUpperOffset = 8;
inline constexpr uint32_t kInfoCmdlineOffset = 16;
inline constexpr uint32_t kInfoModsCountOffset = 20;
inline constexpr uint32_t kInfoModsAddrOffset = 24;
inline constexpr uint32_t kInfoMmapLengthOffset = 44;
inline constexpr uint32_t kInfoMmapAddrOffset = 48;
inline constexpr uint32_t kInfoBootLoaderNameOffset = 64;
// Up to and including the framebuffer fields, so every field a kernel may look at lies
// inside it, even those whose flag is clear.
inline constexpr uint32_t kInfoBytes = 116;
inline constexpr uint32_t kMmapEntryBytes = 24;  // the size field (4) and 20 bytes of entry
inline constexpr uint32_t kModuleEntryBytes = 16;
inline constexpr char kBootLoaderName[] = "trapeze";
}  // namespace multiboot

struct MultibootModule {
  uint32_t start = 0;
  uint32_t end = 0;  // one past the last byte, as GRUB reports it
  std::string string;
};

struct MultibootInfoInputs {
  uint64_t ram_bytes = 0;  // the memory map is the PC layout of this much RAM
  std::string cmdline;
  std::vector<MultibootModule> modules;
};

// Writes the structure first (so it sits at area.base()) and what it points to after
// it. Returns its address, for EBX.
uint32_t write_multiboot_info(BootDataArea& area, const MultibootInfoInputs& inputs);

}  // namespace trapeze
