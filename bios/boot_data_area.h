// The low-memory area where a direct-boot loader puts what it hands the kernel (boot
// information, memory map, command line, GDT): a bump allocator over guest RAM, with
// the loader's one-line error when the data does not fit.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "mmu/address_map.h"

namespace trapeze {

class BootDataArea {
 public:
  // [base, end) must be guest RAM.
  BootDataArea(AddressMap& memory, uint32_t base, uint32_t end)
      : memory_(memory), base_(base), end_(end), next_(base) {}

  uint32_t base() const { return base_; }
  uint32_t end() const { return end_; }

  // Claims `size_bytes` at the next multiple of `align` (a power of two) and returns its
  // address; the bytes keep what RAM held (zero, on a fresh machine). Throws ConfigError
  // naming `what` when the area is full.
  uint32_t reserve(uint64_t size_bytes, uint32_t align, std::string_view what);
  // Claims room for `bytes` and copies them there.
  uint32_t put(std::span<const uint8_t> bytes, uint32_t align, std::string_view what);
  // A NUL-terminated copy of `text`.
  uint32_t put_string(std::string_view text, std::string_view what);
  // Fills in bytes claimed earlier (a structure whose pointers were not yet known).
  void write(uint32_t address, std::span<const uint8_t> bytes);

 private:
  AddressMap& memory_;
  uint32_t base_;
  uint32_t end_;
  uint32_t next_;
};

}  // namespace trapeze
