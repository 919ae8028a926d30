// Bochs VBE modes: packed pixels from the start of video memory (X/Y offsets and the
// virtual width applied): 8 bpp through the DAC, 15/16 bpp as 5:5:5 and 5:6:5, 24 and
// 32 bpp as blue, green, red (, unused) bytes. 4 bpp is planar like mode 12h.
#include <algorithm>

#include "devices/vga/renderer.h"

namespace trapeze::vga {

namespace {

uint32_t expand(uint32_t v, unsigned bits) {
  // Stretch an n-bit channel to 8 bits (all ones stays all ones).
  v <<= 8 - bits;
  return v | v >> bits;
}

}  // namespace

void render_vbe(const VgaRegisters& regs, const VideoMemory& memory, const VbeDispi& vbe,
                Frame& frame) {
  const auto bytes = memory.bytes();
  const size_t size = bytes.size();
  const uint32_t line = std::max<uint32_t>(vbe.line_bytes(), 1);
  const uint32_t start = vbe.start_offset();
  // A mode larger than video memory (a guest may program one) shows the lines that
  // exist, so the picture never outgrows the card.
  const size_t lines_in_memory = (vbe.bpp() == 4 ? size / 4 : size) / line;
  const unsigned width = vbe.xres();
  const unsigned height = static_cast<unsigned>(std::min<size_t>(vbe.yres(), lines_in_memory));
  frame.resize(width, height);
  if (vbe.bpp() == 4) {
    const auto colors = palette16(regs);
    for (unsigned y = 0; y < height; ++y)
      for (unsigned x = 0; x < width; ++x) {
        const uint32_t planes = memory.planes(start + y * line + x / 8);
        const unsigned bit = 7 - (x & 7);
        const unsigned pixel = ((planes >> bit) & 1) | ((planes >> (8 + bit)) & 1) << 1 |
                               ((planes >> (16 + bit)) & 1) << 2 |
                               ((planes >> (24 + bit)) & 1) << 3;
        frame.pixels[size_t{y} * width + x] = colors[pixel];
      }
    return;
  }
  const auto colors = palette256(regs);
  const unsigned bpp = vbe.bpp();
  const unsigned step = vbe.bytes_per_pixel();
  for (unsigned y = 0; y < height; ++y) {
    uint32_t* out = &frame.pixels[size_t{y} * width];
    size_t at = (size_t{start} + size_t{y} * line) % size;
    if (at + size_t{width} * step <= size) {
      const uint8_t* p = &bytes[at];
      switch (bpp) {
        case 8:
          for (unsigned x = 0; x < width; ++x) out[x] = colors[p[x]];
          break;
        case 15:
        case 16:
          for (unsigned x = 0; x < width; ++x) {
            const uint32_t v = p[2 * x] | p[2 * x + 1] << 8;
            out[x] = bpp == 15 ? expand((v >> 10) & 31, 5) << 16 | expand((v >> 5) & 31, 5) << 8 |
                                     expand(v & 31, 5)
                               : expand((v >> 11) & 31, 5) << 16 | expand((v >> 5) & 63, 6) << 8 |
                                     expand(v & 31, 5);
          }
          break;
        case 24:
          for (unsigned x = 0; x < width; ++x)
            out[x] = uint32_t{p[3 * x + 2]} << 16 | p[3 * x + 1] << 8 | p[3 * x];
          break;
        default:
          for (unsigned x = 0; x < width; ++x)
            out[x] = uint32_t{p[4 * x + 2]} << 16 | p[4 * x + 1] << 8 | p[4 * x];
          break;
      }
    }
    // A line running past the end of video memory stays black.
  }
}

}  // namespace trapeze::vga
