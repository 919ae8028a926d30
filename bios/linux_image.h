// A Linux x86 kernel image (bzImage) as the boot protocol describes it
// (Documentation/arch/x86/boot.rst in the kernel tree): the real-mode setup code in the
// file's first (setup_sects + 1) sectors, with the setup header at offset 0x1F1, and the
// protected-mode kernel after it. This file finds and checks the header; where the parts
// go and how they are started is bios/linux_boot.h.
//
// Only protocol 2.02 and later (kernels since 2.4) are taken: their setup code runs
// anywhere in low memory and finds the command line through cmd_line_ptr, so the loader
// can use QEMU's layout. Older kernels and zImages (loaded at 0x10000) are refused with a
// message saying so.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace trapeze {

namespace linux_image {
// Setup header fields: file offsets (boot.rst, "The real-mode kernel header").
inline constexpr size_t kSetupSects = 0x1F1;     // u8: 512-byte sectors of setup code
inline constexpr size_t kSysSize = 0x1F4;        // u32: protected-mode part, 16-byte units
inline constexpr size_t kVidMode = 0x1FA;        // u16
inline constexpr size_t kBootFlag = 0x1FE;       // u16 0xAA55
inline constexpr size_t kHeaderMagicAt = 0x202;  // u32 "HdrS"
inline constexpr size_t kVersion = 0x206;        // u16 protocol version, 0x020F = 2.15
inline constexpr size_t kTypeOfLoader = 0x210;   // u8, written by the loader
inline constexpr size_t kLoadflags = 0x211;      // u8
inline constexpr size_t kRamdiskImage = 0x218;   // u32, written by the loader
inline constexpr size_t kRamdiskSize = 0x21C;    // u32, written by the loader
inline constexpr size_t kHeapEndPtr = 0x224;     // u16, written by the loader
inline constexpr size_t kCmdLinePtr = 0x228;     // u32, written by the loader (2.02+)
inline constexpr size_t kInitrdAddrMax = 0x22C;  // u32 (2.03+)
inline constexpr size_t kRelocatable = 0x234;    // u8 (2.05+)
inline constexpr size_t kXloadflags = 0x236;     // u16 (2.12+)
inline constexpr size_t kCmdlineSize = 0x238;    // u32 (2.06+)
inline constexpr size_t kHeaderEnd202 = 0x22C;   // the header of a 2.02 kernel ends here

inline constexpr uint32_t kHeaderMagic = 0x53726448;  // "HdrS"
inline constexpr uint16_t kMinProtocol = 0x0202;
inline constexpr unsigned kSectorBytes = 512;
// setup_sects 0 means 4 (boot.rst: "for backwards compatibility").
inline constexpr unsigned kDefaultSetupSects = 4;

// loadflags
inline constexpr uint8_t kLoadedHigh = 0x01;  // protected-mode code at 0x100000 (bzImage)
inline constexpr uint8_t kCanUseHeap = 0x80;  // heap_end_ptr is valid
// xloadflags
inline constexpr uint16_t kXlfKernel64 = 1u << 0;  // an x86-64 kernel
inline constexpr uint16_t kXlfCanBeLoadedAbove4G = 1u << 1;

// Defaults for fields older protocols lack (boot.rst).
inline constexpr uint32_t kDefaultInitrdAddrMax = 0x37FFFFFF;  // before 2.03
inline constexpr uint32_t kDefaultCmdlineSize = 255;           // before 2.06
}  // namespace linux_image

// What a loader needs from a checked bzImage.
struct LinuxImage {
  uint16_t protocol = 0;      // 0x0202 and up
  uint32_t setup_bytes = 0;   // the real-mode part: (setup_sects + 1) sectors
  uint32_t kernel_bytes = 0;  // the protected-mode part: the rest of the file (> 0)
  uint8_t loadflags = 0;      // LOADED_HIGH is set
  bool relocatable = false;   // 2.05+
  uint32_t initrd_addr_max = linux_image::kDefaultInitrdAddrMax;  // highest initrd byte
  uint32_t cmdline_max_bytes = linux_image::kDefaultCmdlineSize;  // without the NUL
  uint16_t xloadflags = 0;                                        // 2.12+
};

// True when the file carries the setup header magic ("HdrS" at 0x202): a Linux kernel,
// whether or not it can be booted.
bool has_linux_header(std::span<const uint8_t> image);

// Reads and checks the setup header of a file that has_linux_header. Throws ConfigError
// (one line naming `path`) for a protocol before 2.02, a zImage (not LOADED_HIGH), a file
// cut off inside its header or setup code, one with no protected-mode kernel, and one
// shorter than its header's syssize says (a truncated copy).
LinuxImage parse_linux_image(std::span<const uint8_t> image, const std::string& path);

}  // namespace trapeze
