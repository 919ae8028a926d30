// The 82540EM's integrated copper PHY (an M88E1011-compatible core) as software sees it
// through MDIC (8254x SDM 8.4 and 13.4.7): PHY address 1, the IEEE 802.3 clause 22
// registers and the Marvell-specific status register that drivers read for speed and
// duplex. The link is always up at 1000 Mb/s full duplex, auto-negotiation completes at
// once, and reset and restart-negotiation bits clear themselves as on the chip.
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::e1000 {

namespace phy {
inline constexpr unsigned kAddress = 1;
inline constexpr unsigned kControl = 0x00;
inline constexpr unsigned kStatus = 0x01;
inline constexpr unsigned kId1 = 0x02;
inline constexpr unsigned kId2 = 0x03;
inline constexpr unsigned kAutonegAdvertise = 0x04;
inline constexpr unsigned kLinkPartnerAbility = 0x05;
inline constexpr unsigned kAutonegExpansion = 0x06;
inline constexpr unsigned k1000BaseTControl = 0x09;
inline constexpr unsigned k1000BaseTStatus = 0x0A;
inline constexpr unsigned kSpecificControl = 0x10;
inline constexpr unsigned kSpecificStatus = 0x11;
inline constexpr unsigned kExtendedSpecificControl = 0x14;

inline constexpr uint16_t kControlReset = 0x8000;
inline constexpr uint16_t kControlRestartAutoneg = 0x0200;
inline constexpr uint16_t kStatusLinkUp = 0x0004;
inline constexpr uint16_t kStatusAutonegComplete = 0x0020;
}  // namespace phy

class Phy {
 public:
  Phy() { reset(); }
  void reset();

  // An MDIC access to register `reg`: false for a register the PHY does not have (the
  // MAC then reports an error in MDIC).
  bool read(unsigned reg, uint16_t& value) const;
  bool write(unsigned reg, uint16_t value);

 private:
  static bool exists(unsigned reg);
  std::array<uint16_t, 32> registers_{};
};

}  // namespace trapeze::e1000
