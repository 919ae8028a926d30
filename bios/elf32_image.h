// 32-bit x86 ELF executables (System V ABI, i386 supplement): the loadable segments at
// their physical addresses, which is how multiboot loaders (GRUB, QEMU) place a kernel.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bios/kernel_image.h"

namespace trapeze {

// True when the image starts with the ELF magic (any class or machine).
bool is_elf(std::span<const uint8_t> image);

// The PT_LOAD segments (at p_paddr) and the entry point of an ELF32 i386 executable.
// The entry is e_entry, translated from virtual to physical through the segment that
// holds it (as GRUB does), so a kernel linked to run high but loaded low starts at its
// physical entry. Throws ConfigError (one line naming `path`) for anything that is not
// such a file or does not add up: another class or machine, headers or segments beyond
// the end of the file, segments that wrap past 4 GiB, no loadable segment.
KernelImage parse_elf32_image(std::span<const uint8_t> image, const std::string& path);

}  // namespace trapeze
