#include "devices/e1000/e1000_phy.h"

namespace trapeze::e1000 {

using namespace phy;

void Phy::reset() {
  registers_ = {};
  // Auto-negotiation on, 1000 Mb/s full duplex selected.
  registers_[kControl] = 0x1140;
  // 100BASE-X/10BASE-T capable, extended status, preamble suppression, negotiation
  // complete, link up, extended capabilities.
  registers_[kStatus] = 0x796D;
  // Marvell's OUI and the 88E1011 model, as the 82540EM reports it.
  registers_[kId1] = 0x0141;
  registers_[kId2] = 0x0C20;
  registers_[kAutonegAdvertise] = 0x0DE1;
  // The partner (the virtual switch) can do everything, and acknowledged.
  registers_[kLinkPartnerAbility] = 0x45E1;
  registers_[kAutonegExpansion] = 0x0001;
  registers_[k1000BaseTControl] = 0x0E00;
  registers_[k1000BaseTStatus] = 0x3C00;  // partner 1000 full/half, local/remote OK
  registers_[kSpecificControl] = 0x0068;
  // 1000 Mb/s, full duplex, speed and duplex resolved, link up.
  registers_[kSpecificStatus] = 0xAC00;
  registers_[kExtendedSpecificControl] = 0x0D60;
}

bool Phy::exists(unsigned reg) {
  switch (reg) {
    case kControl:
    case kStatus:
    case kId1:
    case kId2:
    case kAutonegAdvertise:
    case kLinkPartnerAbility:
    case kAutonegExpansion:
    case 0x07:
    case 0x08:
    case k1000BaseTControl:
    case k1000BaseTStatus:
    case 0x0F:
    case kSpecificControl:
    case kSpecificStatus:
    case 0x12:
    case 0x13:
    case kExtendedSpecificControl:
    case 0x15:
    case 0x16:
    case 0x18:
    case 0x19:
    case 0x1A:
    case 0x1D:
    case 0x1E:
      return true;
    default:
      return false;
  }
}

bool Phy::read(unsigned reg, uint16_t& value) const {
  if (!exists(reg)) return false;
  value = registers_[reg];
  return true;
}

bool Phy::write(unsigned reg, uint16_t value) {
  if (!exists(reg)) return false;
  switch (reg) {
    case kControl:
      if (value & kControlReset) {
        // The reset completes at once; the negotiated link stays up.
        reset();
        return true;
      }
      // Restarting negotiation completes at once too; both bits clear themselves.
      registers_[kControl] = value & ~(kControlReset | kControlRestartAutoneg);
      registers_[kStatus] |= kStatusAutonegComplete | kStatusLinkUp;
      return true;
    case kStatus:
    case kId1:
    case kId2:
    case kLinkPartnerAbility:
    case kAutonegExpansion:
    case k1000BaseTStatus:
    case kSpecificStatus:
      return true;  // read-only
    default:
      registers_[reg] = value;
      return true;
  }
}

}  // namespace trapeze::e1000
