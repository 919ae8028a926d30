// What the host side of the network (user-mode networking, a packet capture) sees of
// the guest's network card, whichever model it is: a MAC address, the Ethernet frames
// the guest transmits, and a way to hand it frames from the wire.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>

namespace trapeze {

using MacAddress = std::array<uint8_t, 6>;

// QEMU's default MAC address for the first NIC (locally administered 52:54:00 prefix).
inline constexpr MacAddress kDefaultMacAddress{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

class NetworkCard {
 public:
  // Called with each complete frame the guest transmits (destination MAC first, no FCS).
  using FrameSink = std::function<void(std::span<const uint8_t> frame)>;

  virtual ~NetworkCard() = default;
  virtual void set_transmit_sink(FrameSink sink) = 0;
  // A frame from the wire (no FCS). Returns false when the card dropped it (receiver off,
  // filtered out, or its receive buffer full), as the wire would lose it.
  virtual bool receive(std::span<const uint8_t> frame) = 0;
  virtual MacAddress mac_address() const = 0;
};

}  // namespace trapeze
