#include "frontend/display_geometry.h"

#include <algorithm>
#include <cmath>

namespace trapeze {

DisplaySize display_size(uint32_t frame_width, uint32_t frame_height) {
  const int width = static_cast<int>(frame_width);
  const int height = static_cast<int>(frame_height);
  if (width == 0 || height == 0) return {width, height};
  if (width <= 720 && height <= 480) return {width, width * 3 / 4};
  return {width, height};
}

Rect fit_frame(uint32_t frame_width, uint32_t frame_height, int window_width, int window_height,
               bool integer_scaling) {
  if (frame_width == 0 || frame_height == 0 || window_width <= 0 || window_height <= 0)
    return {0, 0, std::max(window_width, 0), std::max(window_height, 0)};
  const DisplaySize shown = display_size(frame_width, frame_height);
  int width = 0;
  int height = 0;
  if (integer_scaling) {
    // Whole multiples of the frame's pixels: pick the horizontal factor that fits, and
    // the vertical factor nearest the aspect ratio's wish that also fits.
    const double aspect_y = static_cast<double>(shown.height) / frame_height;  // per x unit
    int scale_x = std::max(1, window_width / static_cast<int>(frame_width));
    for (; scale_x > 1; --scale_x) {
      const int wanted_y = std::max(1, static_cast<int>(std::lround(scale_x * aspect_y)));
      if (static_cast<int>(frame_height) * wanted_y <= window_height) break;
    }
    const int scale_y = std::max(1, static_cast<int>(std::lround(scale_x * aspect_y)));
    width = static_cast<int>(frame_width) * scale_x;
    height = static_cast<int>(frame_height) * scale_y;
  } else {
    const double scale = std::min(static_cast<double>(window_width) / shown.width,
                                  static_cast<double>(window_height) / shown.height);
    width = std::max(1, static_cast<int>(std::lround(shown.width * scale)));
    height = std::max(1, static_cast<int>(std::lround(shown.height * scale)));
  }
  return {(window_width - width) / 2, (window_height - height) / 2, width, height};
}

}  // namespace trapeze
