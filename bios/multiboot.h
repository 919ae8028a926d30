// Direct boot of a Multiboot (version 1) kernel without firmware, as QEMU's -kernel and
// GRUB's `multiboot` do it: the kernel's segments (ELF, or the header's a.out-kludge
// addresses) and its module (--initrd) are loaded into RAM, the information structure is
// built in low memory, and the CPU is left at the entry point as the spec requires:
// EAX = 0x2BADB002, EBX = the information structure, flat 32-bit protected mode (CS 0x08,
// data segments 0x10, GDT in guest RAM), paging off, interrupts off, A20 on.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "cpu/cpu.h"
#include "mmu/address_map.h"

namespace trapeze {

namespace multiboot {
// The boot data (information structure, memory map, strings, module list, GDT) lives in
// [kBootDataStart, kBootDataEnd), conventional memory that kernels leave alone (it is
// below the 1 MiB where they load, above the real-mode IVT and BIOS data area).
inline constexpr uint32_t kBootDataStart = 0x9000;
inline constexpr uint32_t kBootDataEnd = 0x10000;
inline constexpr uint16_t kCodeSelector = 0x08;
inline constexpr uint16_t kDataSelector = 0x10;
// The spec leaves ESP undefined; this gives a kernel that pushes before it sets up its
// own stack the free memory below the boot data instead of an address outside RAM.
inline constexpr uint32_t kInitialStack = kBootDataStart;
// Larger files are refused before they are read (a kernel with debug information is
// tens of MiB; its loaded segments must still fit the guest's RAM).
inline constexpr uint64_t kMaxKernelFileBytes = uint64_t{1} << 30;
}  // namespace multiboot

struct MultibootOptions {
  std::string kernel_path;
  std::string append;       // the kernel's command line after its name, as QEMU passes it
  std::string module_path;  // --initrd: one module; empty for none
};

// Loads and prepares everything, then sets the CPU's registers. Throws ConfigError (one
// line for the user) for a file that is not a multiboot kernel, a malformed or truncated
// one, anything that would land outside the machine's usable RAM or over the boot data,
// and requirements (header flags 3-15) trapeze does not know. Nothing is ever written
// outside guest RAM, whatever the file says.
void boot_multiboot(AddressMap& memory, Cpu& cpu, const MultibootOptions& options);
// The same for a kernel file already read (options.kernel_path only names it).
void boot_multiboot_image(AddressMap& memory, Cpu& cpu, std::span<const uint8_t> image,
                          const MultibootOptions& options);

}  // namespace trapeze
