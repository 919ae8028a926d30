// The VGA attribute controller (port 0x3C0 index/data, 0x3C1 data read): the 16-entry
// palette from pixel values to DAC indices, text attributes (blink, 9th-dot line
// graphics), pixel panning and the colour plane enable. IBM VGA Technical Reference,
// "Attribute Controller Registers"; FreeVGA "Attribute Controller Registers".
//
// Port 0x3C0 alternates between index and data with a flip-flop that a read of input
// status 1 (0x3DA/0x3BA) resets to "index". Index bit 5 (palette address source) set
// gives the palette back to the display; clear, the screen shows the overscan colour
// while software reloads the palette.
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::vga {

struct AttributeController {
  static constexpr uint8_t kModeControl = 0x10;
  static constexpr uint8_t kOverscanColor = 0x11;
  static constexpr uint8_t kColorPlaneEnable = 0x12;
  static constexpr uint8_t kHorizontalPanning = 0x13;
  static constexpr uint8_t kColorSelect = 0x14;
  static constexpr unsigned kCount = 0x15;

  uint8_t index = 0;            // with bit 5, palette address source
  bool flip_flop_data = false;  // the next 0x3C0 write is data
  std::array<uint8_t, 0x20> regs{};

  void reset_flip_flop() { flip_flop_data = false; }
  // A write to port 0x3C0.
  void write(uint8_t value);
  uint8_t read_index() const { return index; }
  uint8_t read_data() const { return (index & 0x1F) < kCount ? regs[index & 0x1F] : 0; }

  bool palette_enabled() const { return index & 0x20; }
  // Mode control bits.
  bool graphics() const { return regs[kModeControl] & 0x01; }
  bool line_graphics() const { return regs[kModeControl] & 0x04; }
  bool blink_enabled() const { return regs[kModeControl] & 0x08; }
  bool panning_compat() const { return regs[kModeControl] & 0x20; }
  bool palette_bits_54_from_color_select() const { return regs[kModeControl] & 0x80; }
  uint8_t plane_enable() const { return regs[kColorPlaneEnable] & 0x0F; }
  unsigned pixel_panning() const { return regs[kHorizontalPanning] & 0x0F; }
  // The DAC index for a 4-bit pixel value: the palette register, with bits 5:4 taken
  // from the colour select register when mode control bit 7 says so and bits 7:6 always.
  uint8_t dac_index(uint8_t pixel) const {
    const uint8_t cs = regs[kColorSelect];
    uint8_t v = regs[pixel & 0x0F] & 0x3F;
    if (palette_bits_54_from_color_select()) v = (v & 0x0F) | (cs & 0x03) << 4;
    return static_cast<uint8_t>(v | (cs & 0x0C) << 4);
  }
};

}  // namespace trapeze::vga
