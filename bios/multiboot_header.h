// The Multiboot (version 1, spec 0.6.96) header a kernel carries in its first 8 KiB:
// finding it, and the fields a loader reads from it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace trapeze {

namespace multiboot {
inline constexpr uint32_t kHeaderMagic = 0x1BADB002;
inline constexpr uint32_t kBootMagic = 0x2BADB002;  // in EAX at the kernel's entry
inline constexpr uint32_t kSearchBytes = 8192;
// Multiboot 2 kernels carry this instead; named only to say why they are refused.
inline constexpr uint32_t kMultiboot2Magic = 0xE85250D6;

// Header flags. Bits 0-15 are requirements: a loader that does not know one must refuse
// the kernel; bits 16-31 are optional features.
inline constexpr uint32_t kFlagAlignModules = 1u << 0;
inline constexpr uint32_t kFlagMemoryInfo = 1u << 1;
inline constexpr uint32_t kFlagVideoMode = 1u << 2;
inline constexpr uint32_t kFlagAddresses = 1u << 16;  // the "a.out kludge" fields are valid
inline constexpr uint32_t kRequiredMask = 0x0000FFFF;
}  // namespace multiboot

struct MultibootHeader {
  uint32_t file_offset = 0;  // where the magic is in the file
  uint32_t flags = 0;
  // Valid with kFlagAddresses.
  uint32_t header_addr = 0;
  uint32_t load_addr = 0;
  uint32_t load_end_addr = 0;
  uint32_t bss_end_addr = 0;
  uint32_t entry_addr = 0;
};

// The first valid header: the magic at a 4-byte aligned offset in the first 8 KiB, with
// magic + flags + checksum == 0 (mod 2^32), and all the fields its flags promise inside
// the file. Returns nothing when the image has none. Throws ConfigError (naming `path`)
// when the image is recognisably a kernel trapeze cannot boot this way: a header with a
// bad checksum, one cut off by the end of the file, or a Multiboot 2 header.
std::optional<MultibootHeader> find_multiboot_header(std::span<const uint8_t> image,
                                                     const std::string& path);

}  // namespace trapeze
