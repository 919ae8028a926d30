#include "devices/vga/crtc.h"

namespace trapeze::vga {

void Crtc::write_data(uint8_t value) {
  if (index >= kCount) return;
  if (write_protected() && index <= kOverflow) {
    // Only the line compare's bit 8 gets through the protection.
    if (index == kOverflow) regs[kOverflow] = (regs[kOverflow] & ~0x10) | (value & 0x10);
    return;
  }
  regs[index] = value;
}

}  // namespace trapeze::vga
