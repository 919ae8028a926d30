// What a frontend shows: the guest's screen as pixels, and as text when the display
// shows characters. The VGA card implements it; the SDL window, the headless
// screenshot (--screenshot) and the text dump (--screen-text) consume it, and nothing
// below the frontend knows how the picture is made.
//
// Frames are computed lazily: frame() redraws only when the guest changed something
// that shows (video memory, a register, the blink phase), so polling it at the host's
// refresh rate costs nothing while the screen is static. Each frame also says which rows
// changed since the one before, so a window uploads only those (a blinking cursor is
// 16 rows of 400). Call from the thread that runs the machine, between run slices.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace trapeze {

// Rows [first, end) of a picture; empty when first >= end.
struct RowRange {
  uint32_t first = 0;
  uint32_t end = 0;

  bool empty() const { return first >= end; }
  uint32_t count() const { return empty() ? 0 : end - first; }
  // The smallest range holding both.
  void add(RowRange other) {
    if (other.empty()) return;
    if (empty()) {
      *this = other;
      return;
    }
    if (other.first < first) first = other.first;
    if (other.end > end) end = other.end;
  }
  friend bool operator==(const RowRange&, const RowRange&) = default;
};

struct FrameView {
  uint32_t width = 0;
  uint32_t height = 0;
  // width * height pixels, row after row, each 0x00RRGGBB (XRGB8888; the top byte is 0).
  std::span<const uint32_t> pixels;
  // Changes whenever the pixels differ from the previous frame's (the window re-uploads
  // its texture only then). Starts at 1 for the first frame.
  uint64_t generation = 0;
  // The rows whose pixels differ from those of generation - 1 (all of them when the size
  // changed). A consumer that skipped a generation must take the whole picture.
  RowRange changed;
};

class DisplaySource {
 public:
  virtual ~DisplaySource() = default;
  // The picture as it is now. The pixels stay valid until the next call or until the
  // machine runs again.
  virtual FrameView frame() = 0;
  // The screen's characters as UTF-8 (code page 437 translated), one line per text row
  // with trailing blanks removed, each line ending in '\n'; nullopt while the display
  // shows graphics.
  virtual std::optional<std::string> text_screen() = 0;
};

}  // namespace trapeze
