#include "devices/e1000/net_checksum.h"

#include <array>

namespace trapeze::net {

uint32_t checksum_add(std::span<const uint8_t> bytes, uint32_t sum) {
  uint64_t total = sum;
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) total += uint32_t{bytes[i]} << 8 | bytes[i + 1];
  if (i < bytes.size()) total += uint32_t{bytes[i]} << 8;
  while (total >> 32) total = (total & 0xFFFFFFFF) + (total >> 32);
  return static_cast<uint32_t>(total);
}

uint16_t fold_checksum(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

namespace {
constexpr std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = make_crc_table();
}  // namespace

uint32_t ethernet_crc32(std::span<const uint8_t> frame) {
  uint32_t crc = 0xFFFFFFFF;
  for (uint8_t b : frame) crc = kCrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace trapeze::net
