// Text modes: each cell's character (plane 0) and attribute (plane 1) at consecutive
// plane addresses, the glyph rows from the font in plane 2 (32 bytes per character),
// attribute bits 3:0 foreground, 7:4 background (bit 7 blink when enabled).
#include <algorithm>

#include "devices/vga/renderer.h"

namespace trapeze::vga {

namespace {

// A cell scanline's look packed into one word: glyph bits 7:0, foreground 11:8,
// background 15:12, ninth dot 16. Never equal to kNothingDrawn.
constexpr uint32_t kNothingDrawn = ~uint32_t{0};
constexpr uint32_t look_of(uint8_t bits, uint8_t fg, uint8_t bg, bool ninth_dot) {
  return bits | uint32_t{fg} << 8 | uint32_t{bg} << 12 | uint32_t{ninth_dot} << 16;
}

// The CRTC allows at most 256 character clocks a row.
constexpr unsigned kMaxColumns = 256;

}  // namespace

RowRange render_text(const VgaRegisters& regs, const VideoMemory& memory, BlinkPhase blink,
                     Frame& frame, TextCellCache* cache) {
  const TextGeometry g = text_geometry(regs);
  const uint32_t width = g.columns * g.cell_width;
  // Every pixel is written below, so an unchanged size keeps the old picture for the cache.
  const bool reshaped = frame.width != width || frame.height != g.scanlines;
  if (reshaped) frame.resize(width, g.scanlines);
  const auto colors = palette16(regs);
  const size_t cell_lines = size_t{g.scanlines} * g.columns;
  uint32_t* drawn = nullptr;
  if (cache) {
    if (reshaped || cache->colors != colors || cache->drawn.size() != cell_lines) {
      cache->drawn.assign(cell_lines, kNothingDrawn);
      cache->colors = colors;
    }
    drawn = cache->drawn.data();
  }
  const Crtc& crtc = regs.crtc;
  const AttributeController& ac = regs.attribute;
  const uint32_t font_a = regs.sequencer.font_offset(true);
  const uint32_t font_b = regs.sequencer.font_offset(false);
  const uint32_t cursor = crtc.cursor_location();
  const bool cursor_on = blink.cursor_visible && !crtc.cursor_disabled();
  const unsigned line_compare = crtc.line_compare();
  // The row's characters and attributes, read once for all its scanlines.
  std::array<uint8_t, kMaxColumns> chars{}, attrs{};
  uint32_t fetched_row = kNothingDrawn;
  RowRange changed;
  for (unsigned y = 0; y < g.scanlines; ++y) {
    // Past the line compare the picture restarts at address 0 (a split screen).
    const bool split = y > line_compare;
    const unsigned line = split ? y - line_compare - 1 : y;
    const unsigned row = line / g.cell_height;
    const unsigned glyph_line = line % g.cell_height;
    const uint32_t row_address = (split ? 0 : crtc.start_address()) + row * crtc.row_offset();
    if (row_address != fetched_row) {
      for (unsigned col = 0; col < g.columns; ++col) {
        chars[col] = memory.plane_byte(0, row_address + col);
        attrs[col] = memory.plane_byte(1, row_address + col);
      }
      fetched_row = row_address;
    }
    const bool cursor_line = glyph_line >= crtc.cursor_start() && glyph_line <= crtc.cursor_end();
    uint32_t* const row_pixels = &frame.pixels[size_t{y} * frame.width];
    bool row_changed = false;
    for (unsigned col = 0; col < g.columns; ++col) {
      const uint8_t ch = chars[col];
      const uint8_t attr = attrs[col];
      uint8_t fg = attr & 0x0F;
      uint8_t bg = attr >> 4;
      if (ac.blink_enabled()) {
        bg &= 7;
        if ((attr & 0x80) && !blink.characters_visible) fg = bg;
      }
      const uint32_t font = (attr & 0x08) ? font_a : font_b;
      uint8_t bits = memory.plane_byte(2, font + ch * 32u + glyph_line);
      const bool cursor_here = cursor_on && cursor_line && row_address + col == cursor;
      if (cursor_here) bits = 0xFF;
      // The ninth dot repeats the eighth for the box-drawing characters C0-DF when
      // line graphics are enabled, and is background otherwise.
      const bool extend = cursor_here || (ac.line_graphics() && ch >= 0xC0 && ch <= 0xDF);
      const bool ninth_dot = g.cell_width == 9 && extend && (bits & 1);
      if (drawn) {
        uint32_t& entry = drawn[size_t{y} * g.columns + col];
        const uint32_t look = look_of(bits, fg, bg, ninth_dot);
        if (entry == look) continue;
        entry = look;
      }
      row_changed = true;
      uint32_t* out = row_pixels + col * g.cell_width;
      const uint32_t fg_rgb = colors[fg], bg_rgb = colors[bg];
      for (unsigned dot = 0; dot < 8; ++dot) *out++ = (bits & (0x80 >> dot)) ? fg_rgb : bg_rgb;
      if (g.cell_width == 9) *out = ninth_dot ? fg_rgb : bg_rgb;
    }
    if (row_changed) changed.add({y, y + 1});
  }
  return changed;
}

}  // namespace trapeze::vga
