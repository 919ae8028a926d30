// VGA graphics modes: planar 16-colour (one bit per plane per pixel), CGA-compatible
// interleaved 2-bit pixels, and 256-colour (one byte per pixel across the planes).
#include "devices/vga/renderer.h"

namespace trapeze::vga {

namespace {

// The memory address of character address `address` on a scanline with row-scan
// counter `row_scan`: mode control may substitute row-scan bits for address bits 13
// and 14 (shifted down with the CRTC's word/doubleword mode, see VideoMemory).
uint32_t substitute(const Crtc& crtc, uint32_t address, unsigned row_scan) {
  const unsigned shift = crtc.address_shift();
  if (crtc.cga_interleave()) {
    const uint32_t bit = 1u << (13 - shift);
    address = (address & ~bit) | ((row_scan & 1) ? bit : 0);
  }
  if (crtc.hercules_interleave()) {
    const uint32_t bit = 1u << (14 - shift);
    address = (address & ~bit) | ((row_scan & 2) ? bit : 0);
  }
  return address;
}

}  // namespace

void render_graphics(const VgaRegisters& regs, const VideoMemory& memory, Frame& frame) {
  const Crtc& crtc = regs.crtc;
  const GraphicsController& gc = regs.graphics;
  const AttributeController& ac = regs.attribute;
  const bool shift_256 = gc.shift_256();
  const unsigned width = crtc.columns() * (shift_256 ? 4 : 8);
  // Scanlines that repeat one pixel row: double scanning, and the max scan line when
  // every row scan shows the same addresses (no CGA/Hercules substitution).
  const unsigned scans_per_row = crtc.max_scan_line() + 1;
  const bool rows_differ = crtc.cga_interleave() || crtc.hercules_interleave();
  const unsigned repeat = (crtc.double_scan() ? 2 : 1) * (rows_differ ? 1 : scans_per_row);
  const unsigned height = crtc.display_lines() / repeat;
  frame.resize(width, height);
  const auto colors16 = palette16(regs);
  const auto colors256 = palette256(regs);
  const unsigned line_compare = crtc.line_compare();
  const uint8_t plane_enable = ac.plane_enable();
  for (unsigned y = 0; y < height; ++y) {
    const unsigned scan = y * repeat;
    const bool split = scan > line_compare;
    const unsigned line = (split ? scan - line_compare - 1 : scan) >> (crtc.double_scan() ? 1 : 0);
    const unsigned row = line / scans_per_row;
    const unsigned row_scan = line % scans_per_row;
    const uint32_t row_address = (split ? 0 : crtc.start_address()) + row * crtc.row_offset();
    // Pixel panning, which the split screen may be exempt from (mode control bit 5).
    const unsigned pan = (split && ac.panning_compat()) ? 0 : ac.pixel_panning();
    uint32_t* out = &frame.pixels[size_t{y} * width];
    if (shift_256) {
      const unsigned skip = (pan >> 1) & 3;
      for (unsigned x = 0; x < width; ++x) {
        const unsigned px = x + skip;
        const uint32_t address = substitute(crtc, row_address + px / 4, row_scan);
        out[x] = colors256[memory.plane_byte(px & 3, address)];
      }
    } else if (gc.shift_interleaved()) {
      for (unsigned x = 0; x < width; ++x) {
        const unsigned px = x + (pan & 7);
        const uint32_t planes = memory.planes(substitute(crtc, row_address + px / 8, row_scan));
        const unsigned k = px & 7;
        // Pixels 0-3 come from planes 0 (bits 1:0) and 2 (bits 3:2), pixels 4-7 from
        // planes 1 and 3, two bits each, most significant first.
        const unsigned lane = k < 4 ? 0 : 8;
        const unsigned bit = 6 - 2 * (k & 3);
        const unsigned low = (planes >> (lane + bit)) & 3;
        const unsigned high = (planes >> (16 + lane + bit)) & 3;
        out[x] = colors16[(low | high << 2) & plane_enable];
      }
    } else {
      for (unsigned x = 0; x < width; ++x) {
        const unsigned px = x + (pan & 7);
        const uint32_t planes = memory.planes(substitute(crtc, row_address + px / 8, row_scan));
        const unsigned bit = 7 - (px & 7);
        const unsigned pixel = ((planes >> bit) & 1) | ((planes >> (8 + bit)) & 1) << 1 |
                               ((planes >> (16 + bit)) & 1) << 2 |
                               ((planes >> (24 + bit)) & 1) << 3;
        out[x] = colors16[pixel & plane_enable];
      }
    }
  }
}

}  // namespace trapeze::vga
