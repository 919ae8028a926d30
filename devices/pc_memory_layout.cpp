#include "devices/pc_memory_layout.h"

namespace trapeze::pc_memory {

std::vector<Range> memory_map(uint64_t ram_bytes) {
  std::vector<Range> map = {
      {0, kConventionalUsableEnd, RangeType::kUsable},
      {kConventionalUsableEnd, kExtendedStart - kConventionalUsableEnd, RangeType::kReserved},
  };
  const uint64_t low_end = low_ram_end(ram_bytes);
  if (low_end > kExtendedStart)
    map.push_back({kExtendedStart, low_end - kExtendedStart, RangeType::kUsable});
  if (ram_bytes > low_end) map.push_back({kHighRamStart, ram_bytes - low_end, RangeType::kUsable});
  return map;
}

std::vector<Range> firmware_memory_map(uint64_t ram_bytes, uint64_t bios_bytes) {
  std::vector<Range> map = {
      {0, kConventionalUsableEnd, RangeType::kUsable},
      {kConventionalUsableEnd, kConventionalEnd - kConventionalUsableEnd, RangeType::kReserved},
      {kBiosSegmentStart, kExtendedStart - kBiosSegmentStart, RangeType::kReserved},
  };
  const uint64_t low_end = low_ram_end(ram_bytes);
  if (low_end > kExtendedStart)
    map.push_back({kExtendedStart, low_end - kExtendedStart, RangeType::kUsable});
  if (bios_bytes != 0)
    map.push_back({kHighRamStart - bios_bytes, bios_bytes, RangeType::kReserved});
  if (ram_bytes > low_end) map.push_back({kHighRamStart, ram_bytes - low_end, RangeType::kUsable});
  return map;
}

}  // namespace trapeze::pc_memory
