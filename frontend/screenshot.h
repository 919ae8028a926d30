// Saving what the guest's display shows: the picture as a PNG file (libpng, frontend
// only) and the text screen as a UTF-8 file, for --screenshot and --screen-text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/display_source.h"

namespace trapeze {

// Writes `frame` as an 8-bit RGB PNG. Returns an error message for the user, or
// nullopt on success. An empty frame (no mode set yet) is written as a 1x1 black image.
std::optional<std::string> write_png(const std::string& path, const FrameView& frame);
// Reads an RGB or RGBA PNG back into XRGB pixels (for tests): nullopt if unreadable.
struct DecodedImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint32_t> pixels;
};
std::optional<DecodedImage> read_png(const std::string& path);

// Writes the display's text screen to `path`; in a graphics mode, an explanatory note
// on stderr and an empty file. Returns an error message, or nullopt.
std::optional<std::string> write_screen_text(const std::string& path, DisplaySource& display);

}  // namespace trapeze
