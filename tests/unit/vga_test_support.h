// Helpers the VGA renderer tests share: programming the DAC, and mode 3's registers as
// far as the renderer reads them.
#pragma once

#include <cstdint>

#include "devices/vga/vga_registers.h"

namespace trapeze::vga::test {

inline void set_dac(VgaRegisters& regs, uint8_t index, uint8_t r, uint8_t g, uint8_t b) {
  regs.dac.set_write_index(index);
  regs.dac.write_data(r);
  regs.dac.write_data(g);
  regs.dac.write_data(b);
}

// Mode 3: 80x25 cells of 9x16, line graphics and blink on, the identity palette in the
// attribute controller, the cursor off (the DAC is left to the test).
inline void text_mode_registers(VgaRegisters& regs) {
  regs.crtc.regs[Crtc::kHorizontalDisplayEnd] = 79;
  regs.crtc.regs[Crtc::kVerticalDisplayEnd] = 0x8F;
  regs.crtc.regs[Crtc::kOverflow] = 0x1F;  // VDE bit 8, line compare bit 8
  regs.crtc.regs[Crtc::kMaxScanLine] = 0x4F;
  regs.crtc.regs[Crtc::kLineCompare] = 0xFF;
  regs.crtc.regs[Crtc::kOffset] = 40;
  regs.crtc.regs[Crtc::kModeControl] = 0xA3;
  regs.crtc.regs[Crtc::kCursorStart] = 0x20;  // cursor off
  regs.attribute.index = 0x20;
  regs.attribute.regs[AttributeController::kModeControl] = 0x0C;  // line graphics, blink
  regs.attribute.regs[AttributeController::kColorPlaneEnable] = 0x0F;
  for (uint8_t i = 0; i < 16; ++i) regs.attribute.regs[i] = i;
}

}  // namespace trapeze::vga::test
