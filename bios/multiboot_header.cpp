#include "bios/multiboot_header.h"

#include <fmt/format.h>

#include <algorithm>

#include "bios/le_bytes.h"
#include "devices/config_error.h"

namespace trapeze {

using namespace multiboot;

namespace {

constexpr size_t kBaseBytes = 12;     // magic, flags, checksum
constexpr size_t kAddressBytes = 32;  // ... header_addr, load_addr, load_end, bss_end, entry

ConfigError cut_off(const std::string& path, size_t offset) {
  return ConfigError(
      fmt::format("'{}': the multiboot header at offset {:#x} is cut off by the end of the file",
                  path, offset));
}

}  // namespace

std::optional<MultibootHeader> find_multiboot_header(std::span<const uint8_t> image,
                                                     const std::string& path) {
  // Like GRUB, keep looking past a magic with a bad checksum (the constant may also occur
  // as data); complain about it only when no valid header follows. Kernels may carry a
  // Multiboot 2 header beside the version 1 one, so that too only matters at the end.
  std::optional<size_t> bad_checksum_offset;
  bool multiboot2 = false;
  const size_t search_end = std::min<size_t>(image.size(), kSearchBytes);
  for (size_t offset = 0; offset + 4 <= search_end; offset += 4) {
    const uint32_t magic = le32(image, offset);
    if (magic == kMultiboot2Magic) multiboot2 = true;
    if (magic != kHeaderMagic) continue;
    if (offset + kBaseBytes > image.size()) throw cut_off(path, offset);
    MultibootHeader header;
    header.file_offset = static_cast<uint32_t>(offset);
    header.flags = le32(image, offset + 4);
    const uint32_t checksum = le32(image, offset + 8);
    if (magic + header.flags + checksum != 0) {
      if (!bad_checksum_offset) bad_checksum_offset = offset;
      continue;
    }
    if (header.flags & kFlagAddresses) {
      if (offset + kAddressBytes > image.size()) throw cut_off(path, offset);
      header.header_addr = le32(image, offset + 12);
      header.load_addr = le32(image, offset + 16);
      header.load_end_addr = le32(image, offset + 20);
      header.bss_end_addr = le32(image, offset + 24);
      header.entry_addr = le32(image, offset + 28);
    }
    return header;
  }
  if (bad_checksum_offset)
    throw ConfigError(fmt::format("'{}': the multiboot header at offset {:#x} has a bad checksum",
                                  path, *bad_checksum_offset));
  if (multiboot2)
    throw ConfigError(
        fmt::format("'{}' is a Multiboot 2 kernel; trapeze boots Multiboot 1 kernels only", path));
  return std::nullopt;
}

}  // namespace trapeze
