// Option ROMs trapeze hands to the firmware. Their sources are nasm files in roms/; the
// build assembles them, fixes their checksums (roms/embed_option_rom.cpp) and compiles
// the bytes into the program, so no binary is kept in the source tree.
#pragma once

#include <cstdint>
#include <span>

namespace trapeze {

// roms/linuxboot.asm: boots a Linux kernel published in fw_cfg (bios/linux_boot.h). A
// PnP option ROM with a boot entry vector, for SeaBIOS's genroms/ directory.
std::span<const uint8_t> linuxboot_option_rom();

}  // namespace trapeze
