// Where the guest's picture goes in the window: scaled to fit, centred, with the
// aspect ratio of the monitor the mode was made for.
//
// VGA modes were shown on 4:3 monitors whatever their pixel count: 320x200 and
// 640x400 pixels are taller than wide, 720x400 text has pixels wider than tall. So
// every frame up to 720x480 is shown at 4:3. Larger (VBE) modes have square pixels,
// which is also 4:3 for 800x600 and 1024x768 and keeps 1280x1024 at 5:4.
#pragma once

#include <cstdint>

namespace trapeze {

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  bool operator==(const Rect&) const = default;
};

// The frame's displayed size at scale 1: its width, and the height that gives it the
// right aspect ratio.
struct DisplaySize {
  int width = 0;
  int height = 0;
};
DisplaySize display_size(uint32_t frame_width, uint32_t frame_height);

// The largest rectangle of the frame's aspect that fits `window_width` x
// `window_height`, centred. With `integer_scaling`, the frame's own pixels are scaled by
// whole numbers on each axis (the VGA aspect kept as well as whole numbers allow), and
// never below 1.
Rect fit_frame(uint32_t frame_width, uint32_t frame_height, int window_width, int window_height,
               bool integer_scaling);

}  // namespace trapeze
