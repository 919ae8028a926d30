// The system firmware ROM: loading a raw image and placing it where a PC's CPU and
// firmware expect it.
//
// The whole image sits just below 4 GiB, so the reset vector (physical 0xFFFFFFF0) is
// its last 16 bytes. Its last 128 KiB (all of it, if smaller) also appear just below
// 1 MiB, the "ISA BIOS" window real-mode code reaches: a 64 KiB image appears at
// 0xF0000, a 256 KiB SeaBIOS at 0xE0000 with its top half.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mmu/address_map.h"

namespace trapeze {

inline constexpr uint64_t kBiosGranuleBytes = 64 * 1024;
inline constexpr uint64_t kBiosMaxBytes = 16 * 1024 * 1024;
inline constexpr uint64_t kBiosLowWindowMaxBytes = 128 * 1024;
inline constexpr uint64_t kBiosLowWindowEnd = 0x100000;
inline constexpr uint64_t kBiosHighEnd = uint64_t{1} << 32;

// Reads `path` and checks that it is a multiple of 64 KiB and at most 16 MiB; throws
// ConfigError otherwise.
std::vector<uint8_t> load_bios_image(const std::string& path);
// The size check alone, for an image already read (`path` names it in the message).
void check_bios_image(std::span<const uint8_t> image, const std::string& path);

// Bytes of the image that appear below 1 MiB.
inline uint64_t bios_low_window_bytes(uint64_t image_bytes) {
  return image_bytes < kBiosLowWindowMaxBytes ? image_bytes : kBiosLowWindowMaxBytes;
}

// Maps the image below 4 GiB and its tail below 1 MiB (see above).
void map_bios(AddressMap& memory, std::span<const uint8_t> image);

// Debian's SeaBIOS, when the seabios package is installed; otherwise "".
std::string default_bios_path();

}  // namespace trapeze
