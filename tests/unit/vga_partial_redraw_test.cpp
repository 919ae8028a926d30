// Partial text redraws (issue 8, check 4): after each change the guest can make (cursor
// moves and blinks, character blink, a typed character, a new font, palette, scrolling,
// a split screen, a new cell width), the picture drawn cell by cell through the cache
// must equal a full redraw pixel for pixel, the rows it reports must hold every pixel
// that changed, and a cursor blink must report only the cursor's scanlines.
#include <doctest/doctest.h>

#include <random>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "devices/vga/display_timing.h"
#include "devices/vga/renderer.h"
#include "devices/vga/std_vga.h"
#include "mmu/address_map.h"
#include "vga_test_support.h"

using namespace trapeze;
using namespace trapeze::vga;

namespace {

using test::set_dac;

// Mode 3 as the renderer reads it (80x25 cells of 9x16), the cursor on scanlines 14-15,
// sixteen distinct colours in the DAC.
void text_mode(VgaRegisters& regs) {
  test::text_mode_registers(regs);
  regs.crtc.regs[Crtc::kCursorStart] = 14;
  regs.crtc.regs[Crtc::kCursorEnd] = 15;
  for (uint8_t i = 0; i < 16; ++i)
    set_dac(regs, i, static_cast<uint8_t>(i * 4), static_cast<uint8_t>(63 - i * 4),
            static_cast<uint8_t>(i * 2));
}

void set_cursor(VgaRegisters& regs, uint16_t cell) {
  regs.crtc.regs[Crtc::kCursorLocationHigh] = static_cast<uint8_t>(cell >> 8);
  regs.crtc.regs[Crtc::kCursorLocationLow] = static_cast<uint8_t>(cell);
}

void put(VideoMemory& memory, uint32_t cell, uint8_t ch, uint8_t attr) {
  memory.bytes()[cell * 4 + 0] = ch;
  memory.bytes()[cell * 4 + 1] = attr;
}

// Draws incrementally into `frame` and checks it against a full redraw, and that every
// pixel that differs from the picture before lies in the reported rows.
RowRange redraw_and_compare(const VgaRegisters& regs, const VideoMemory& memory, BlinkPhase blink,
                            Frame& frame, TextCellCache& cache) {
  const Frame before = frame;
  const RowRange changed = render_text(regs, memory, blink, frame, &cache);
  Frame full;
  const RowRange all = render_text(regs, memory, blink, full);
  CHECK(all == RowRange{0, full.height});
  REQUIRE(frame.width == full.width);
  REQUIRE(frame.height == full.height);
  CHECK(frame.pixels == full.pixels);
  if (before.width == frame.width && before.height == frame.height) {
    for (uint32_t y = 0; y < frame.height; ++y) {
      if (y >= changed.first && y < changed.end) continue;
      const auto row = [&](const Frame& f) { return &f.pixels[size_t{y} * f.width]; };
      CHECK_MESSAGE(std::equal(row(frame), row(frame) + frame.width, row(before)), "row ", y,
                    " changed outside the reported rows");
    }
  }
  return changed;
}

}  // namespace

TEST_CASE("VGA text: a redraw through the cell cache equals a full redraw after every change") {
  VgaRegisters regs;
  VideoMemory memory(regs, 256 * 1024);
  text_mode(regs);
  std::mt19937 random(8);
  auto byte = [&] { return static_cast<uint8_t>(random()); };
  auto vram = memory.bytes();
  for (uint32_t cell = 0; cell < 80 * 50; ++cell) put(memory, cell, byte(), byte());
  for (uint32_t at = 0; at < 256 * 32; ++at) vram[at * 4 + 2] = byte();
  set_cursor(regs, 5 * 80 + 7);
  Frame frame;
  TextCellCache cache;

  // The first picture is drawn whole.
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache) == RowRange{0, 400});
  // Nothing changed: nothing drawn.
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache).empty());

  // The cursor blinks off: only its two scanlines in row 5 change.
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{false, true}, frame, cache) ==
        RowRange{5 * 16 + 14, 5 * 16 + 16});
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache) ==
        RowRange{5 * 16 + 14, 5 * 16 + 16});
  // The cursor moves to row 9 (the old cell is restored, the new one drawn).
  set_cursor(regs, 9 * 80 + 70);
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache) ==
        RowRange{5 * 16 + 14, 9 * 16 + 16});
  // A cursor shape change.
  regs.crtc.regs[Crtc::kCursorStart] = 0;
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  // Blinking characters go dark and come back.
  redraw_and_compare(regs, memory, BlinkPhase{true, false}, frame, cache);
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  // A typed character in row 20 (a glyph with every scanline lit, so all 16 change).
  for (unsigned line = 0; line < 16; ++line) vram[(0xDB * 32 + line) * 4 + 2] = 0xFF;
  put(memory, 20 * 80 + 3, ' ', 0x00);
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  put(memory, 20 * 80 + 3, 0xDB, 0x0F);
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache) ==
        RowRange{20 * 16, 21 * 16});
  // A font change reaches every cell using the glyph.
  for (uint32_t at = 0x41 * 32; at < 0x42 * 32; ++at) vram[at * 4 + 2] = byte();
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  // The second font (attribute bit 3) at another place in plane 2.
  regs.sequencer.regs[Sequencer::kCharacterMapSelect] = 0x01;
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  // A palette change the cell entries cannot see: drawn whole.
  set_dac(regs, 3, 1, 2, 3);
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache) == RowRange{0, 400});
  // Scrolling by one row, a split screen, blinking off and line graphics off.
  regs.crtc.regs[Crtc::kStartAddressLow] = 80;
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  regs.crtc.regs[Crtc::kLineCompare] = 200;
  regs.crtc.regs[Crtc::kOverflow] = 0x0F;  // line compare bit 8 clear
  redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache);
  regs.attribute.regs[AttributeController::kModeControl] = 0x00;
  redraw_and_compare(regs, memory, BlinkPhase{true, false}, frame, cache);
  // Eight-dot cells: a new frame size, drawn whole.
  regs.sequencer.regs[Sequencer::kClockingMode] = 0x01;
  CHECK(redraw_and_compare(regs, memory, BlinkPhase{true, true}, frame, cache) == RowRange{0, 400});
  CHECK(frame.width == 640);
}

TEST_CASE("VGA frames: a new generation only when pixels changed, with the rows that did") {
  IoBus io;
  AddressMap address_map{1024 * 1024};
  PciBus pci{io};
  uint64_t now_ns = 0;
  StdVga vga{pci, io, address_map, {}, [&] { return now_ns; }};
  text_mode(vga.registers());
  set_cursor(vga.registers(), 2 * 80 + 1);
  auto vram = vga.video_memory().bytes();
  for (unsigned line = 0; line < 16; ++line) vram[(0xDB * 32 + line) * 4 + 2] = 0xFF;

  const FrameView first = vga.frame();
  CHECK(first.changed == RowRange{0, 400});
  // The same character written again: no new picture, nothing for a window to present.
  vga.video_memory().touch();
  CHECK(vga.frame().generation == first.generation);
  // A block character in row 3: one new generation, that row's 16 scanlines.
  put(vga.video_memory(), 3 * 80 + 10, 0xDB, 0x07);
  vga.video_memory().touch();
  FrameView view = vga.frame();
  CHECK(view.generation == first.generation + 1);
  CHECK(view.changed == RowRange{3 * 16, 4 * 16});
  CHECK(view.pixels[(3 * 16 + 5) * 720 + 10 * 9 + 3] != view.pixels[0]);
  // Eight frames later the cursor has blinked off: its two scanlines in row 2.
  now_ns = 8 * DisplayTiming::kFrameNs;
  view = vga.frame();
  CHECK(view.generation == first.generation + 2);
  CHECK(view.changed == RowRange{2 * 16 + 14, 2 * 16 + 16});
  // A port write that changes nothing visible (the CRTC index) makes no new picture.
  io.out(0x3D4, 1, 0x0E);
  CHECK(vga.frame().generation == view.generation);
}
