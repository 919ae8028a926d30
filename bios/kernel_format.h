// What kind of kernel --kernel names, which decides how the machine boots it: a Linux
// bzImage through the firmware and the linuxboot option ROM (bios/linux_boot.h), a
// Multiboot kernel without firmware (bios/multiboot.h). QEMU checks in the same order: a
// Linux setup header first, then a Multiboot header.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace trapeze {

enum class KernelFormat { kNone, kLinux, kMultiboot };

// kNone for an empty path. Reads the file; throws ConfigError (one line naming the file)
// when it cannot be read, when it is a Linux kernel or a Multiboot kernel that cannot be
// booted (parse_linux_image, find_multiboot_header), and when it is neither.
KernelFormat identify_kernel(const std::string& path);
// The same for a file already read: `path` only names it in messages.
KernelFormat identify_kernel_image(std::span<const uint8_t> file, const std::string& path);

}  // namespace trapeze
