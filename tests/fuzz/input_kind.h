// The inputs harness's first byte: which reader the rest of the input goes to.
#pragma once

#include <cstdint>

namespace trapeze::fuzz {

enum class InputKind : uint8_t {
  kDisk,         // a hard-disk image
  kCdrom,        // a CD-ROM (ISO 9660) image
  kKernel,       // --kernel: bzImage or multiboot; "\0CMDLINE=" then the command line
  kElf,          // an ELF32 executable, parsed alone
  kRom,          // --bios, and the VGA BIOS check
  kCommandLine,  // arguments separated by NUL bytes
  kMoo,          // a single-step test file, gzip'd or not
  kJson,         // the single-step suite's metadata.json
  kGdb,          // bytes from a GDB client (--gdb): packets, answered by the stub
  kMonitor,      // monitor command lines (--monitor), except those that run the guest
};
inline constexpr unsigned kInputKindCount = 10;

}  // namespace trapeze::fuzz
