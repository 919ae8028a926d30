#include "devices/vga/renderer.h"

namespace trapeze::vga {

TextGeometry text_geometry(const VgaRegisters& regs) {
  TextGeometry g;
  g.columns = regs.crtc.columns();
  g.cell_width = regs.sequencer.eight_dot_chars() ? 8 : 9;
  g.cell_height = regs.crtc.max_scan_line() + 1;
  g.scanlines = regs.crtc.display_lines();
  if (regs.crtc.double_scan()) g.scanlines /= 2;
  g.rows = (g.scanlines + g.cell_height - 1) / g.cell_height;
  return g;
}

DisplayMode display_mode(const VgaRegisters& regs, const VbeDispi& vbe) {
  if (vbe.enabled()) return DisplayMode::kVbe;
  // A blanked screen (sequencer screen off) or a palette being reloaded (attribute
  // index bit 5 clear) shows nothing, as on a monitor: mode sets do both.
  if (regs.sequencer.screen_off() || !regs.attribute.palette_enabled()) return DisplayMode::kBlank;
  return regs.graphics.graphics() ? DisplayMode::kGraphics : DisplayMode::kText;
}

std::array<uint32_t, 16> palette16(const VgaRegisters& regs) {
  std::array<uint32_t, 16> p{};
  for (unsigned i = 0; i < 16; ++i)
    p[i] = regs.dac.rgb(regs.attribute.dac_index(static_cast<uint8_t>(i)) & regs.dac.pel_mask());
  return p;
}

std::array<uint32_t, 256> palette256(const VgaRegisters& regs) {
  std::array<uint32_t, 256> p{};
  for (unsigned i = 0; i < 256; ++i)
    p[i] = regs.dac.rgb(static_cast<uint8_t>(i & regs.dac.pel_mask()));
  return p;
}

void render(const VgaRegisters& regs, const VideoMemory& memory, const VbeDispi& vbe,
            BlinkPhase blink, Frame& frame) {
  switch (display_mode(regs, vbe)) {
    case DisplayMode::kVbe:
      render_vbe(regs, memory, vbe, frame);
      return;
    case DisplayMode::kText:
      render_text(regs, memory, blink, frame);
      return;
    case DisplayMode::kGraphics:
      render_graphics(regs, memory, frame);
      return;
    case DisplayMode::kBlank: {
      // Keep the size the mode would have, black.
      const uint32_t w = frame.width ? frame.width : 640, h = frame.height ? frame.height : 480;
      frame.resize(w, h);
      return;
    }
  }
}

}  // namespace trapeze::vga
