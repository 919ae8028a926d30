// Checks a --screenshot PNG against the picture a vga_modes.asm scenario must produce,
// computed here from the VGA's definitions (the BIOS's default 16-colour palette, the
// DAC's 6-to-8-bit scaling, the scenario's drawing rules), never from a stored image.
//   trapeze-vga-screen-check SCENARIO FILE.png
// Exit status 0 when every pixel matches; otherwise the first mismatches on stderr.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "frontend/screenshot.h"

using namespace trapeze;

namespace {

// A 6-bit DAC value as the card shows it.
uint32_t dac8(uint32_t v) { return (v << 2) | (v >> 4); }
uint32_t rgb6(uint32_t r, uint32_t g, uint32_t b) { return dac8(r) << 16 | dac8(g) << 8 | dac8(b); }

// The VGA BIOS's 16 colours: 0x2A (two thirds) for the colour bits, 0x15 (one third) for
// intensity, brown's green halved.
uint32_t ega(unsigned c) {
  const uint32_t i = (c & 8) ? 0x15 : 0;
  const uint32_t r = ((c & 4) ? 0x2A : 0) + i;
  const uint32_t g = (c == 6 ? 0x15 : (c & 2) ? 0x2A : 0) + i;
  const uint32_t b = ((c & 1) ? 0x2A : 0) + i;
  return rgb6(r, g, b);
}

struct Expected {
  uint32_t width;
  uint32_t height;
  std::function<uint32_t(uint32_t x, uint32_t y)> pixel;
};

Expected scenario(int n) {
  switch (n) {
    case 1:
      return {320, 200, [](uint32_t x, uint32_t y) {
                const uint32_t i = (x + 2 * y) & 0xFF;
                return rgb6(i >> 2, 63 - (i >> 2), (7 * i) & 63);
              }};
    case 2:
      return {640, 480, [](uint32_t x, uint32_t y) {
                const unsigned column = (x / 8) & 15;
                const bool left = (x & 7) < 4;
                if (y < 200) return ega(column);
                if (y < 300) return ega(left ? 14 : 0);
                if (y < 400) return ega(left ? column : column ^ 9);
                return ega(0);
              }};
    case 3:
      return {1024, 768, [](uint32_t x, uint32_t y) {
                return (x & 0xFF) << 16 | (y & 0xFF) << 8 | ((x ^ y) & 0xFF);
              }};
    case 4:
      return {720, 400, [](uint32_t x, uint32_t y) {
                // Row 2, columns 5-7: the user glyph (rows alternate AA, 55) in yellow on
                // blue; the ninth dot is background; everything else black.
                const uint32_t col = x / 9, row = y / 16, dot = x % 9, line = y % 16;
                if (row != 2 || col < 5 || col > 7) return ega(0);
                if (dot == 8) return ega(1);
                const unsigned bits = (line & 1) ? 0x55 : 0xAA;
                return (bits & (0x80 >> dot)) ? ega(14) : ega(1);
              }};
    case 5:
      return {320, 200, [](uint32_t x, uint32_t y) {
                // CGA palette 1, high intensity: black, cyan, magenta, white.
                static const unsigned cga[4] = {0, 11, 13, 15};
                return ega(cga[((x + y) >> 3) & 3]);
              }};
    case 6:
      return {320, 200, [](uint32_t x, uint32_t y) { return ega(((x + y) >> 3) & 15); }};
    case 7:
      return {320, 200, [](uint32_t x, uint32_t y) {
                const uint32_t i = (x ^ y) & 0xFF;
                return rgb6(i >> 2, 63 - (i >> 2), (7 * i) & 63);
              }};
    default:
      return {0, 0, nullptr};
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: trapeze-vga-screen-check SCENARIO FILE.png\n");
    return 2;
  }
  const Expected expected = scenario(std::atoi(argv[1]));
  if (!expected.pixel) {
    std::fprintf(stderr, "unknown scenario %s\n", argv[1]);
    return 2;
  }
  const auto image = read_png(argv[2]);
  if (!image) {
    std::fprintf(stderr, "cannot read %s as PNG\n", argv[2]);
    return 1;
  }
  if (image->width != expected.width || image->height != expected.height) {
    std::fprintf(stderr, "%s is %ux%u, expected %ux%u\n", argv[2], image->width, image->height,
                 expected.width, expected.height);
    return 1;
  }
  unsigned mismatches = 0;
  for (uint32_t y = 0; y < expected.height; ++y)
    for (uint32_t x = 0; x < expected.width; ++x) {
      const uint32_t want = expected.pixel(x, y), got = image->pixels[y * image->width + x];
      if (want != got && ++mismatches <= 5)
        std::fprintf(stderr, "pixel (%u, %u): %06X, expected %06X\n", x, y, got, want);
    }
  if (mismatches != 0) {
    std::fprintf(stderr, "%u of %u pixels differ\n", mismatches, expected.width * expected.height);
    return 1;
  }
  std::printf("all %u pixels match\n", expected.width * expected.height);
  return 0;
}
