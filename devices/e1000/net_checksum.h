// The checksums a network card computes: the Internet checksum (RFC 1071), used for the
// IPv4 header and TCP/UDP, and the Ethernet frame check sequence (IEEE 802.3 CRC-32).
#pragma once

#include <cstdint>
#include <span>

namespace trapeze::net {

// The 32-bit running one's-complement sum of big-endian 16-bit words (an odd last byte
// is padded with zero), added to `sum`. Fold it with fold_checksum().
uint32_t checksum_add(std::span<const uint8_t> bytes, uint32_t sum = 0);
// Folds a running sum to 16 bits and complements it: the value stored in a header.
uint16_t fold_checksum(uint32_t sum);

// The Ethernet FCS of `frame` (reflected CRC-32, polynomial 0x04C11DB7), as transmitted
// little-endian after the frame.
uint32_t ethernet_crc32(std::span<const uint8_t> frame);

}  // namespace trapeze::net
