// Direct boot of a Linux bzImage through the firmware, as QEMU's -kernel does it on the
// pc machine (hw/i386/x86.c x86_load_linux, pc-bios/optionrom/linuxboot.S): SeaBIOS POSTs
// the board as usual (ACPI and MP tables, E820, PCI, the VGA BIOS), and its first boot
// choice is trapeze's option ROM (roms/linuxboot.asm), which copies the kernel's parts
// from fw_cfg to the addresses chosen here and starts the real-mode setup code by the
// 16-bit boot protocol (Documentation/arch/x86/boot.rst).
//
// The layout is QEMU's for protocol 2.02+ kernels:
//   0x10000   setup code (real-mode segment 0x1000), with the patched setup header;
//             its heap ends at 0xFE00 and the stack sits above, below
//   0x20000   the command line;
//   0x100000  the protected-mode kernel;
//   initrd    at the top of the RAM below 4 GiB, page aligned, under the kernel's
//             initrd_addr_max and below the top 160 KiB, which SeaBIOS takes for its
//             ACPI tables and other data (QEMU's acpi_data_size).
// The loader does all the header patching here, so the ROM only copies and jumps.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bios/linux_image.h"
#include "devices/fw_cfg.h"

namespace trapeze {

namespace linux_boot {
inline constexpr uint32_t kSetupAddress = 0x10000;
inline constexpr uint32_t kCmdlineAddress = 0x20000;
inline constexpr uint32_t kKernelAddress = 0x100000;
// heap_end_ptr, an offset from the setup segment: the 512 bytes above are the stack.
inline constexpr uint16_t kHeapEnd = kCmdlineAddress - kSetupAddress - 0x200;
// The top of the RAM below 4 GiB that the firmware keeps: QEMU's acpi_data_size for the
// pc machine (128 KiB of ACPI tables and 32 KiB for other BIOS data structures).
inline constexpr uint64_t kFirmwareDataBytes = 0x20000 + 0x8000;
inline constexpr uint32_t kInitrdAlign = 4096;
// type_of_loader: 0xFF is "undefined" in boot.rst; trapeze has no ID of its own and must
// not claim QEMU's (0xB0).
inline constexpr uint8_t kLoaderType = 0xFF;
inline constexpr uint16_t kVidModeNormal = 0xFFFF;  // vga=normal, the default
inline constexpr uint16_t kVidModeExtended = 0xFFFE;
inline constexpr uint16_t kVidModeAsk = 0xFFFD;
// The fw_cfg file SeaBIOS runs as an option ROM, and the bootorder line that makes it
// the first boot choice (SeaBIOS names a genroms ROM "/rom@" + its file name).
inline constexpr const char* kOptionRomFile = "genroms/linuxboot.bin";
inline constexpr const char* kBootOrder = "/rom@genroms/linuxboot.bin";
// Larger files are refused before they are read.
inline constexpr uint64_t kMaxKernelFileBytes = uint64_t{1} << 30;
}  // namespace linux_boot

// The parts the option ROM copies, each with its guest-physical address.
struct LinuxBootPlan {
  std::vector<uint8_t> setup;  // the real-mode code with the patched setup header
  std::vector<uint8_t> kernel;
  std::vector<uint8_t> initrd;  // empty: none
  std::string cmdline;
  uint32_t setup_address = 0;
  uint32_t kernel_address = 0;
  uint32_t cmdline_address = 0;
  uint32_t initrd_address = 0;  // 0 without an initrd
};

// Lays out a checked bzImage (`file`, parsed as `image`) with its initrd and command line
// for a machine with `ram_bytes` of RAM, and patches the setup header: type_of_loader,
// CAN_USE_HEAP and heap_end_ptr, cmd_line_ptr, ramdisk_image/size, vid_mode (from a
// "vga=" option as QEMU reads it, else normal). Throws ConfigError (naming `path`) for a
// 64-bit kernel, a command line longer than the kernel takes, a bad vga= value, and
// parts that do not fit in RAM.
LinuxBootPlan plan_linux_boot(std::span<const uint8_t> file, const LinuxImage& image,
                              std::vector<uint8_t> initrd, std::string cmdline, uint64_t ram_bytes,
                              const std::string& path);

// Hands the plan to the firmware: the fw_cfg kernel items (QEMU's keys 0x07-0x18), the
// option ROM as genroms/linuxboot.bin and the bootorder file that boots it first.
void publish_linux_boot(FwCfg& fw_cfg, LinuxBootPlan plan);

struct LinuxBootOptions {
  std::string kernel_path;
  std::string initrd_path;  // empty: none
  std::string append;       // the whole command line, as QEMU passes -append to Linux
};

// Reads the files, plans and publishes. Throws ConfigError (one line for the user) for
// unreadable files and everything plan_linux_boot and parse_linux_image refuse.
void load_linux_kernel(FwCfg& fw_cfg, uint64_t ram_bytes, const LinuxBootOptions& options);

}  // namespace trapeze
