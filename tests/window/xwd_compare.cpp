// Compares an X window dump (xwd -id, 24/32-bit TrueColor, ZPixmap) with a PNG written
// by trapeze: the PNG must appear in the dump, centred horizontally and vertically,
// with at most two character cells' worth of differing pixels (window_check.sh types a
// last character after the dump, and the text cursor moves and blinks).
// Exit status 0 when they match; the reason on stdout otherwise.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "frontend/screenshot.h"

namespace {

uint32_t big_endian32(const std::vector<uint8_t>& bytes, size_t offset) {
  return uint32_t{bytes[offset]} << 24 | uint32_t{bytes[offset + 1]} << 16 |
         uint32_t{bytes[offset + 2]} << 8 | bytes[offset + 3];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::puts("usage: trapeze-xwd-compare WINDOW.xwd SCREENSHOT.png");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> xwd((std::istreambuf_iterator<char>(in)), {});
  if (xwd.size() < 100) {
    std::puts("the xwd file is missing or short");
    return 1;
  }
  // XWDFileHeader (X11/XWDFile.h): 25 big-endian CARD32 fields, then the window name.
  const uint32_t header_size = big_endian32(xwd, 0);
  const uint32_t format = big_endian32(xwd, 8);
  const uint32_t width = big_endian32(xwd, 16);
  const uint32_t height = big_endian32(xwd, 20);
  const uint32_t byte_order = big_endian32(xwd, 28);
  const uint32_t bits_per_pixel = big_endian32(xwd, 44);
  const uint32_t bytes_per_line = big_endian32(xwd, 48);
  const uint32_t colormap_entries = big_endian32(xwd, 76);
  const size_t pixels_at = header_size + size_t{colormap_entries} * 12;
  if (format != 2 || bits_per_pixel != 32 ||
      xwd.size() < pixels_at + size_t{bytes_per_line} * height) {
    std::printf("unsupported xwd: format %u, %u bits per pixel\n", format, bits_per_pixel);
    return 1;
  }
  auto x_pixel = [&](uint32_t x, uint32_t y) {
    const size_t at = pixels_at + size_t{y} * bytes_per_line + size_t{x} * 4;
    const uint32_t value = byte_order == 0 ? uint32_t{xwd[at]} | uint32_t{xwd[at + 1]} << 8 |
                                                 uint32_t{xwd[at + 2]} << 16
                                           : big_endian32(xwd, at);
    return value & 0x00FFFFFF;
  };
  const auto png = trapeze::read_png(argv[2]);
  if (!png) {
    std::puts("the screenshot PNG is missing or unreadable");
    return 1;
  }
  if (png->width > width || png->height > height) {
    std::printf("the window (%ux%u) is smaller than the screenshot (%ux%u)\n", width, height,
                png->width, png->height);
    return 1;
  }
  const uint32_t left = (width - png->width) / 2;
  const uint32_t top = (height - png->height) / 2;
  size_t differing = 0;
  size_t lit = 0;
  for (uint32_t y = 0; y < png->height; ++y) {
    for (uint32_t x = 0; x < png->width; ++x) {
      const uint32_t expected = png->pixels[size_t{y} * png->width + x];
      if (expected != 0) ++lit;
      if (x_pixel(left + x, top + y) != expected) ++differing;
    }
  }
  std::printf("window %ux%u, screenshot %ux%u at (%u,%u): %zu of %zu pixels differ, %zu lit\n",
              width, height, png->width, png->height, left, top, differing,
              size_t{png->width} * png->height, lit);
  // Two 9x16 cells at most; a picture that is not there differs in thousands. A blank
  // screenshot would prove nothing.
  if (lit < 1000) return 1;
  return differing <= 2 * 9 * 16 ? 0 : 1;
}
