// Checks that a --screenshot PNG shows a text console drawn on a framebuffer (Linux's
// fbcon on vesafb): the picture has the mode's size, and most character rows hold ink
// in the console's foreground colour on its background. The kernel log fills the
// screen before the shell's prompt, so a picture that stayed black, lost its rows or
// scrambled its colours fails.
//   trapeze-console-picture-check FILE.png WIDTH HEIGHT CELL_HEIGHT FOREGROUND BACKGROUND
// (colours as RRGGBB hex). Exit status 0 when the picture looks like that console.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "frontend/screenshot.h"

using namespace trapeze;

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr,
                 "usage: trapeze-console-picture-check FILE.png WIDTH HEIGHT CELL_HEIGHT "
                 "FOREGROUND BACKGROUND\n");
    return 2;
  }
  const auto image = read_png(argv[1]);
  if (!image) {
    std::fprintf(stderr, "cannot read %s as PNG\n", argv[1]);
    return 1;
  }
  const uint32_t width = std::strtoul(argv[2], nullptr, 10);
  const uint32_t height = std::strtoul(argv[3], nullptr, 10);
  const uint32_t cell_height = std::strtoul(argv[4], nullptr, 10);
  const uint32_t foreground = std::strtoul(argv[5], nullptr, 16);
  const uint32_t background = std::strtoul(argv[6], nullptr, 16);
  if (image->width != width || image->height != height || cell_height == 0) {
    std::fprintf(stderr, "%s is %ux%u, expected %ux%u\n", argv[1], image->width, image->height,
                 width, height);
    return 1;
  }
  const uint32_t rows = height / cell_height;
  uint32_t rows_with_ink = 0;
  uint64_t ink = 0, paper = 0, other = 0;
  for (uint32_t row = 0; row < rows; ++row) {
    uint32_t row_ink = 0;
    for (uint32_t y = row * cell_height; y < (row + 1) * cell_height; ++y)
      for (uint32_t x = 0; x < width; ++x) {
        const uint32_t pixel = image->pixels[y * width + x] & 0xFFFFFF;
        if (pixel == foreground) {
          ++row_ink;
        } else if (pixel == background) {
          ++paper;
        } else {
          ++other;
        }
      }
    ink += row_ink;
    if (row_ink != 0) ++rows_with_ink;
  }
  std::printf(
      "%u of %u character rows hold text; %llu foreground, %llu background, %llu other "
      "pixels\n",
      rows_with_ink, rows, static_cast<unsigned long long>(ink),
      static_cast<unsigned long long>(paper), static_cast<unsigned long long>(other));
  // A full screen of log: nearly every row. Text covers well under half a row's pixels,
  // and other colours (the logo, coloured log levels) stay a small part of the picture.
  const uint64_t total = uint64_t{width} * height;
  if (rows_with_ink * 4 < rows * 3 || ink * 2 > total || other * 10 > total) {
    std::fprintf(stderr, "the picture does not look like a console full of text\n");
    return 1;
  }
  return 0;
}
