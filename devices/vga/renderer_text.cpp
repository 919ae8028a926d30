// Text modes: each cell's character (plane 0) and attribute (plane 1) at consecutive
// plane addresses, the glyph rows from the font in plane 2 (32 bytes per character),
// attribute bits 3:0 foreground, 7:4 background (bit 7 blink when enabled).
#include "devices/vga/renderer.h"

namespace trapeze::vga {

void render_text(const VgaRegisters& regs, const VideoMemory& memory, BlinkPhase blink,
                 Frame& frame) {
  const TextGeometry g = text_geometry(regs);
  frame.resize(g.columns * g.cell_width, g.scanlines);
  const auto colors = palette16(regs);
  const Crtc& crtc = regs.crtc;
  const AttributeController& ac = regs.attribute;
  const uint32_t font_a = regs.sequencer.font_offset(true);
  const uint32_t font_b = regs.sequencer.font_offset(false);
  const uint32_t cursor = crtc.cursor_location();
  const bool cursor_on = blink.cursor_visible && !crtc.cursor_disabled();
  const unsigned line_compare = crtc.line_compare();
  for (unsigned y = 0; y < g.scanlines; ++y) {
    // Past the line compare the picture restarts at address 0 (a split screen).
    const bool split = y > line_compare;
    const unsigned line = split ? y - line_compare - 1 : y;
    const unsigned row = line / g.cell_height;
    const unsigned glyph_line = line % g.cell_height;
    const uint32_t row_address = (split ? 0 : crtc.start_address()) + row * crtc.row_offset();
    uint32_t* out = &frame.pixels[size_t{y} * frame.width];
    for (unsigned col = 0; col < g.columns; ++col) {
      const uint32_t address = row_address + col;
      const uint8_t ch = memory.plane_byte(0, address);
      const uint8_t attr = memory.plane_byte(1, address);
      uint8_t fg = attr & 0x0F;
      uint8_t bg = attr >> 4;
      if (ac.blink_enabled()) {
        bg &= 7;
        if ((attr & 0x80) && !blink.characters_visible) fg = bg;
      }
      const uint32_t font = (attr & 0x08) ? font_a : font_b;
      uint8_t bits = memory.plane_byte(2, font + ch * 32u + glyph_line);
      const bool cursor_here = cursor_on && address == cursor &&
                               glyph_line >= crtc.cursor_start() && glyph_line <= crtc.cursor_end();
      if (cursor_here) bits = 0xFF;
      const uint32_t fg_rgb = colors[fg], bg_rgb = colors[bg];
      for (unsigned dot = 0; dot < 8; ++dot) *out++ = (bits & (0x80 >> dot)) ? fg_rgb : bg_rgb;
      if (g.cell_width == 9) {
        // The ninth dot repeats the eighth for the box-drawing characters C0-DF when
        // line graphics are enabled, and is background otherwise.
        const bool extend = cursor_here || (ac.line_graphics() && ch >= 0xC0 && ch <= 0xDF);
        *out++ = extend && (bits & 1) ? fg_rgb : bg_rgb;
      }
    }
  }
}

}  // namespace trapeze::vga
