// A kernel image as a loader sees it: which bytes of the file go where in guest-physical
// memory, and where execution starts. ELF program headers and the multiboot a.out
// kludge both come down to this.
#pragma once

#include <cstdint>
#include <vector>

namespace trapeze {

// File bytes [file_offset, file_offset + file_bytes) copied to `address`, then zeroes up
// to `memory_bytes` (an ELF segment's bss). The parser has checked that the file bytes
// exist and that the range ends at or below 4 GiB.
struct ImageSegment {
  uint64_t address = 0;
  uint64_t file_offset = 0;
  uint64_t file_bytes = 0;
  uint64_t memory_bytes = 0;  // >= file_bytes
};

struct KernelImage {
  std::vector<ImageSegment> segments;
  uint64_t entry = 0;  // physical
};

}  // namespace trapeze
