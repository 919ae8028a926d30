// Little-endian fields of a file image (ELF headers, boot protocol structures), read
// and written by offset. Callers check bounds first; these only assemble bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace trapeze {

inline uint16_t le16(std::span<const uint8_t> bytes, size_t offset) {
  return static_cast<uint16_t>(bytes[offset] | (bytes[offset + 1] << 8));
}

inline uint32_t le32(std::span<const uint8_t> bytes, size_t offset) {
  return uint32_t{bytes[offset]} | (uint32_t{bytes[offset + 1]} << 8) |
         (uint32_t{bytes[offset + 2]} << 16) | (uint32_t{bytes[offset + 3]} << 24);
}

inline void put_le16(std::span<uint8_t> bytes, size_t offset, uint16_t value) {
  bytes[offset] = static_cast<uint8_t>(value);
  bytes[offset + 1] = static_cast<uint8_t>(value >> 8);
}

inline void put_le32(std::span<uint8_t> bytes, size_t offset, uint32_t value) {
  for (unsigned i = 0; i < 4; ++i) bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

inline void put_le64(std::span<uint8_t> bytes, size_t offset, uint64_t value) {
  for (unsigned i = 0; i < 8; ++i) bytes[offset + i] = static_cast<uint8_t>(value >> (8 * i));
}

}  // namespace trapeze
