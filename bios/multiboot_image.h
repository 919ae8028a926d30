// Where a multiboot kernel's bytes go: the header's address fields (the "a.out kludge",
// flag bit 16) when present, else the ELF program headers. Both GRUB and QEMU give the
// address fields priority, so an ELF that sets bit 16 is loaded by them too.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bios/kernel_image.h"
#include "bios/multiboot_header.h"

namespace trapeze {

// Throws ConfigError (one line naming `path`) when the fields are inconsistent (load_addr
// above header_addr, loading from before the file's start, load_end_addr or
// bss_end_addr below load_addr, load_end_addr beyond the end of the file) or when the
// image is neither an a.out-kludge kernel nor a valid ELF32 executable.
KernelImage layout_multiboot_kernel(std::span<const uint8_t> image, const MultibootHeader& header,
                                    const std::string& path);

}  // namespace trapeze
