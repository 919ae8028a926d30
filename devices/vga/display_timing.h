// Where the beam is, for input status 1 (0x3DA/0x3BA): bit 0 "display disabled" is set
// during horizontal and vertical blanking, bit 3 during vertical retrace. Programs poll
// them to time palette changes and page flips, and BIOSes wait for retrace, so they
// must change with (virtual) time. The timing is the VGA's 640x480 at 60 Hz: 525 lines
// of 31.778 us, 480 of them shown, retrace on lines 490-491; 80% of each line visible.
// IBM VGA Technical Reference, "Input Status Register One".
#pragma once

#include <cstdint>

namespace trapeze::vga {

struct DisplayTiming {
  static constexpr uint64_t kLineNs = 31'778;
  static constexpr uint64_t kLinesPerFrame = 525;
  static constexpr uint64_t kFrameNs = kLineNs * kLinesPerFrame;  // ~16.68 ms
  static constexpr uint64_t kVisibleLines = 480;
  static constexpr uint64_t kRetraceFirstLine = 490, kRetraceLastLine = 491;
  static constexpr uint64_t kVisibleLineNs = kLineNs * 8 / 10;

  // Input status 1 bits 0 and 3 at virtual time `now_ns`.
  static uint8_t input_status_bits(uint64_t now_ns) {
    const uint64_t in_frame = now_ns % kFrameNs;
    const uint64_t line = in_frame / kLineNs;
    const bool vertical_blank = line >= kVisibleLines;
    const bool horizontal_blank = in_frame % kLineNs >= kVisibleLineNs;
    const bool retrace = line >= kRetraceFirstLine && line <= kRetraceLastLine;
    return static_cast<uint8_t>((vertical_blank || horizontal_blank ? 0x01 : 0) |
                                (retrace ? 0x08 : 0));
  }
  // Frames since time 0 (the blink counters count them).
  static uint64_t frame_number(uint64_t now_ns) { return now_ns / kFrameNs; }
};

}  // namespace trapeze::vga
