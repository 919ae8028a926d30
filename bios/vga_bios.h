// The VGA card's option ROM: Debian's SeaVGABIOS build for the QEMU/Bochs standard VGA
// (`vgabios-stdvga.bin` from the seabios package), served through the card's expansion
// ROM BAR. SeaBIOS copies it to 0xC0000 and calls it at C000:0003 (see
// docs SEABIOS.md, "VGA option ROM").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace trapeze {

inline constexpr const char* kDefaultVgaBiosPath = "/usr/share/seabios/vgabios-stdvga.bin";

// Reads a VGA option ROM image (at most 16 MiB, starting 55 AA); throws ConfigError
// naming the package to install when the default image is missing, or saying what is
// wrong with the file otherwise.
std::vector<uint8_t> load_vga_bios_image(const std::string& path = kDefaultVgaBiosPath);
// The signature check alone, for an image already read (`path` names it in the message).
void check_vga_bios_image(std::span<const uint8_t> image, const std::string& path);

}  // namespace trapeze
