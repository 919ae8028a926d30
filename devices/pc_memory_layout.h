// Where the PC's RAM appears in the physical address space, as QEMU's pc machine (and
// so SeaBIOS) lays it out; the board maps RAM by it and the memory map handed to a
// guest (multiboot, later E820 through fw_cfg) describes it.
#pragma once

#include <cstdint>
#include <vector>

namespace trapeze::pc_memory {

inline constexpr uint64_t kMiB = 1024 * 1024;
inline constexpr uint64_t kConventionalEnd = 0xA0000;  // 640 KiB; VGA memory follows
// The last KiB of conventional memory is the extended BIOS data area on a PC with
// firmware; memory maps report it reserved even without firmware, so a guest sees the
// same map whichever way it was booted.
inline constexpr uint64_t kConventionalUsableEnd = 0x9FC00;
inline constexpr uint64_t kUpperRamStart = 0xC0000;    // option ROM and BIOS area
inline constexpr uint64_t kExtendedStart = 0x100000;   // 1 MiB
inline constexpr uint64_t kPciHoleStart = 0xE0000000;  // RAM beyond 3.5 GiB moves above 4 GiB
inline constexpr uint64_t kHighRamStart = uint64_t{1} << 32;

// RAM below the PCI hole: the end of what [kExtendedStart, ...) holds.
inline uint64_t low_ram_end(uint64_t ram_bytes) {
  return ram_bytes < kPciHoleStart ? ram_bytes : kPciHoleStart;
}

enum class RangeType : uint32_t { kUsable = 1, kReserved = 2 };  // E820 / multiboot types

struct Range {
  uint64_t base = 0;
  uint64_t length = 0;
  RangeType type = RangeType::kUsable;
  friend bool operator==(const Range&, const Range&) = default;
};

// The memory map of a machine with `ram_bytes` of RAM, in address order: conventional
// memory, the reserved area up to 1 MiB, extended memory up to the PCI hole, and the RAM
// moved above 4 GiB.
std::vector<Range> memory_map(uint64_t ram_bytes);

inline constexpr uint64_t kBiosSegmentStart = 0xF0000;  // the 64 KiB system BIOS segment

// The memory map the board hands to firmware (fw_cfg's etc/e820) with `bios_bytes` of
// flash below 4 GiB: conventional memory less the EBDA's last KiB, the EBDA and the BIOS
// segment reserved, extended memory, the flash reserved, and the RAM above 4 GiB. The
// VGA and option-ROM area (0xA0000-0xEFFFF) is left out: SeaBIOS reserves what it uses.
// SeaBIOS takes the RAM size below 4 GiB from CMOS and uses the RAM entries here only
// above it, and adds the reserved entries to its own map.
std::vector<Range> firmware_memory_map(uint64_t ram_bytes, uint64_t bios_bytes);

}  // namespace trapeze::pc_memory
