#include "bios/multiboot_info.h"

#include <array>

#include "bios/le_bytes.h"
#include "devices/pc_memory_layout.h"

namespace trapeze {

using namespace multiboot;

namespace {

// mem_lower and mem_upper (KiB) agree with the memory map: the usable conventional
// memory, and the extended memory up to the first hole.
uint32_t mem_lower_kib() { return pc_memory::kConventionalUsableEnd / 1024; }
uint32_t mem_upper_kib(uint64_t ram_bytes) {
  const uint64_t end = pc_memory::low_ram_end(ram_bytes);
  return end > pc_memory::kExtendedStart
             ? static_cast<uint32_t>((end - pc_memory::kExtendedStart) / 1024)
             : 0;
}

uint32_t write_memory_map(BootDataArea& area, const std::vector<pc_memory::Range>& map) {
  std::vector<uint8_t> bytes(map.size() * kMmapEntryBytes);
  for (size_t i = 0; i < map.size(); ++i) {
    const size_t at = i * kMmapEntryBytes;
    // The size field counts the entry after itself, which lets a kernel skip entries of
    // a newer, longer layout.
    put_le32(bytes, at, kMmapEntryBytes - 4);
    put_le64(bytes, at + 4, map[i].base);
    put_le64(bytes, at + 12, map[i].length);
    put_le32(bytes, at + 20, static_cast<uint32_t>(map[i].type));
  }
  return area.put(bytes, 8, "multiboot memory map");
}

uint32_t write_modules(BootDataArea& area, const std::vector<MultibootModule>& modules) {
  std::vector<uint8_t> bytes(modules.size() * kModuleEntryBytes);
  for (size_t i = 0; i < modules.size(); ++i) {
    const size_t at = i * kModuleEntryBytes;
    put_le32(bytes, at, modules[i].start);
    put_le32(bytes, at + 4, modules[i].end);
    put_le32(bytes, at + 8, area.put_string(modules[i].string, "module string"));
  }
  // Even without modules the list has a valid address (QEMU reports an empty list too).
  return area.put(bytes, 4, "multiboot module list");
}

}  // namespace

uint32_t write_multiboot_info(BootDataArea& area, const MultibootInfoInputs& inputs) {
  const uint32_t info = area.reserve(kInfoBytes, 4, "multiboot information");
  const std::vector<pc_memory::Range> map = pc_memory::memory_map(inputs.ram_bytes);

  std::array<uint8_t, kInfoBytes> bytes{};
  put_le32(bytes, kInfoFlagsOffset,
           kInfoMemory | kInfoCmdline | kInfoModules | kInfoMemoryMap | kInfoBootLoaderName);
  put_le32(bytes, kInfoMemLowerOffset, mem_lower_kib());
  put_le32(bytes, kInfoMemUpperOffset, mem_upper_kib(inputs.ram_bytes));
  put_le32(bytes, kInfoCmdlineOffset, area.put_string(inputs.cmdline, "kernel command line"));
  put_le32(bytes, kInfoModsCountOffset, static_cast<uint32_t>(inputs.modules.size()));
  put_le32(bytes, kInfoModsAddrOffset, write_modules(area, inputs.modules));
  put_le32(bytes, kInfoMmapLengthOffset, static_cast<uint32_t>(map.size() * kMmapEntryBytes));
  put_le32(bytes, kInfoMmapAddrOffset, write_memory_map(area, map));
  put_le32(bytes, kInfoBootLoaderNameOffset, area.put_string(kBootLoaderName, "boot loader name"));
  area.write(info, bytes);
  return info;
}

}  // namespace trapeze
