// The renderer against pictures worked out by hand: a text cell from a font in plane 2,
// mode 13h through the DAC, a planar pixel, a VBE 32 bpp picture; and the frame cache.
#include <doctest/doctest.h>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "devices/vga/renderer.h"
#include "devices/vga/std_vga.h"
#include "devices/vga/text_screen.h"
#include "mmu/address_map.h"
#include "vga_test_support.h"

using namespace trapeze;
using namespace trapeze::vga;

namespace {

using test::set_dac;

// Mode 3's registers, as far as the renderer reads them, the cursor off, with a blue
// and a yellow in the DAC.
void text_mode(VgaRegisters& regs) {
  test::text_mode_registers(regs);
  set_dac(regs, 0x01, 0, 0, 42);    // blue
  set_dac(regs, 0x0E, 63, 63, 21);  // yellow
}

}  // namespace

TEST_CASE("VGA text: a glyph from plane 2 in its colours, 9th dot and line graphics") {
  VgaRegisters regs;
  VideoMemory memory(regs, 256 * 1024);
  text_mode(regs);
  auto vram = memory.bytes();
  // 'A' at row 1, column 2, yellow on blue; glyph row 3 is 1000_0001.
  const uint32_t cell = 80 + 2;
  vram[cell * 4 + 0] = 'A';
  vram[cell * 4 + 1] = 0x1E;
  vram[(0x41 * 32 + 3) * 4 + 2] = 0x81;
  // A horizontal box line (C4) at column 3: glyph row 3 all ones.
  vram[(cell + 1) * 4 + 0] = 0xC4;
  vram[(cell + 1) * 4 + 1] = 0x1E;
  vram[(0xC4 * 32 + 3) * 4 + 2] = 0xFF;
  Frame frame;
  render_text(regs, memory, BlinkPhase{}, frame);
  REQUIRE(frame.width == 720);
  REQUIRE(frame.height == 400);
  auto px = [&](unsigned x, unsigned y) { return frame.pixels[y * 720 + x]; };
  const uint32_t yellow = 0xFFFF55, blue = 0x0000AA;
  const unsigned x0 = 2 * 9, y0 = 16 + 3;
  CHECK(px(x0, y0) == yellow);
  CHECK(px(x0 + 1, y0) == blue);
  CHECK(px(x0 + 7, y0) == yellow);
  CHECK(px(x0 + 8, y0) == blue);  // ninth dot: background for letters
  CHECK(px(x0, y0 + 1) == blue);
  CHECK(px(x0 + 9 + 8, y0) == yellow);  // ... the eighth repeated for C0-DF
  CHECK(px(0, 0) == 0);                 // empty cells: colour 0
  // Eight-dot cells.
  regs.sequencer.regs[Sequencer::kClockingMode] = 0x01;
  render_text(regs, memory, BlinkPhase{}, frame);
  CHECK(frame.width == 640);
  CHECK(frame.pixels[y0 * 640 + 2 * 8 + 7] == yellow);
  // Text extraction: CP437 box drawing becomes U+2500.
  const auto text = text_screen(regs, memory, VbeDispi(16 * 1024 * 1024));
  REQUIRE(text);
  CHECK(text->substr(0, 8) == "\n  A\xE2\x94\x80\n");
}

TEST_CASE("VGA text: blinking characters and the cursor") {
  VgaRegisters regs;
  VideoMemory memory(regs, 256 * 1024);
  text_mode(regs);
  auto vram = memory.bytes();
  vram[0] = 0xDB;  // full block, blinking yellow on blue
  vram[1] = 0x9E;
  for (unsigned row = 0; row < 16; ++row) vram[(0xDB * 32 + row) * 4 + 2] = 0xFF;
  Frame frame;
  render_text(regs, memory, BlinkPhase{true, true}, frame);
  CHECK(frame.pixels[0] == 0xFFFF55);
  render_text(regs, memory, BlinkPhase{true, false}, frame);
  CHECK(frame.pixels[0] == 0x0000AA);
  // Cursor at cell 1 on glyph rows 14-15.
  regs.crtc.regs[Crtc::kCursorStart] = 14;
  regs.crtc.regs[Crtc::kCursorEnd] = 15;
  regs.crtc.regs[Crtc::kCursorLocationLow] = 1;
  vram[4 + 1] = 0x0E;
  render_text(regs, memory, BlinkPhase{true, true}, frame);
  CHECK(frame.pixels[14 * 720 + 9] == 0xFFFF55);
  CHECK(frame.pixels[13 * 720 + 9] == 0);
  render_text(regs, memory, BlinkPhase{false, true}, frame);
  CHECK(frame.pixels[14 * 720 + 9] == 0);
}

TEST_CASE("VGA mode 13h: 320x200, one byte per pixel through the PEL mask and DAC") {
  VgaRegisters regs;
  VideoMemory memory(regs, 256 * 1024);
  regs.graphics.regs[GraphicsController::kMode] = 0x40;
  regs.graphics.regs[GraphicsController::kMisc] = 0x05;
  regs.sequencer.regs[Sequencer::kMemoryMode] = 0x0E;
  regs.sequencer.regs[Sequencer::kMapMask] = 0x0F;
  regs.crtc.regs[Crtc::kHorizontalDisplayEnd] = 0x4F;
  regs.crtc.regs[Crtc::kVerticalDisplayEnd] = 0x8F;
  regs.crtc.regs[Crtc::kOverflow] = 0x1F;
  regs.crtc.regs[Crtc::kMaxScanLine] = 0x41;
  regs.crtc.regs[Crtc::kLineCompare] = 0xFF;
  regs.crtc.regs[Crtc::kOffset] = 0x28;
  regs.crtc.regs[Crtc::kUnderlineLocation] = 0x40;
  regs.crtc.regs[Crtc::kModeControl] = 0xA3;
  regs.attribute.index = 0x20;
  regs.attribute.regs[AttributeController::kModeControl] = 0x41;
  set_dac(regs, 0x90, 10, 20, 30);
  set_dac(regs, 0x10, 63, 0, 0);
  for (uint32_t a = 0; a < 320 * 200; ++a) memory.write(a, static_cast<uint8_t>(a % 7));
  memory.write(5 * 320 + 17, 0x90);
  Frame frame;
  render_graphics(regs, memory, frame);
  REQUIRE(frame.width == 320);
  REQUIRE(frame.height == 200);
  // 6-bit 10, 20, 30 stretched to 8 bits: v << 2 | v >> 4.
  CHECK(frame.pixels[5 * 320 + 17] == (40u << 16 | 81u << 8 | 121u));
  CHECK(frame.pixels[5 * 320 + 18] == regs.dac.rgb((5 * 320 + 18) % 7));
  // The PEL mask applies to pixels: 0x90 & 0x1F = 0x10.
  regs.dac.set_pel_mask(0x1F);
  render_graphics(regs, memory, frame);
  CHECK(frame.pixels[5 * 320 + 17] == 0xFF0000);
}

TEST_CASE("VGA planar 16 colours: a pixel's four plane bits through the palette") {
  VgaRegisters regs;
  VideoMemory memory(regs, 256 * 1024);
  regs.graphics.regs[GraphicsController::kMisc] = 0x05;
  regs.crtc.regs[Crtc::kHorizontalDisplayEnd] = 0x4F;
  regs.crtc.regs[Crtc::kVerticalDisplayEnd] = 0xDF;
  regs.crtc.regs[Crtc::kOverflow] = 0x3E;  // VDE bit 8 and 9 (0x1DF), line compare bit 8
  regs.crtc.regs[Crtc::kLineCompare] = 0xFF;
  regs.crtc.regs[Crtc::kMaxScanLine] = 0x40;
  regs.crtc.regs[Crtc::kOffset] = 0x28;
  regs.crtc.regs[Crtc::kModeControl] = 0xE3;
  regs.attribute.index = 0x20;
  regs.attribute.regs[AttributeController::kColorPlaneEnable] = 0x0F;
  for (uint8_t i = 0; i < 16; ++i) regs.attribute.regs[i] = static_cast<uint8_t>(0x30 + i);
  set_dac(regs, 0x3B, 0, 63, 63);
  // Pixel (9, 2): plane address 2 * 80 + 1, bit 6; colour 1011b.
  auto vram = memory.bytes();
  const uint32_t address = 2 * 80 + 1;
  vram[address * 4 + 0] = 0x40;
  vram[address * 4 + 1] = 0x40;
  vram[address * 4 + 3] = 0x40;
  Frame frame;
  render_graphics(regs, memory, frame);
  REQUIRE(frame.width == 640);
  CHECK(frame.height == 480);  // 0x1DF + 1 scanlines, no doubling
  CHECK(frame.pixels[2 * 640 + 9] == 0x00FFFF);
  CHECK(frame.pixels[2 * 640 + 8] == regs.dac.rgb(0x30));
}

TEST_CASE("VGA VBE 32 bpp: pixels from the framebuffer with virtual width and offsets") {
  IoBus io;
  AddressMap memory{1024 * 1024};
  PciBus pci{io};
  StdVga vga{pci, io, memory, {}, [] { return uint64_t{0}; }};
  auto set = [&](uint16_t index, uint16_t value) {
    io.out(VbeDispi::kIndexPort, 2, index);
    io.out(VbeDispi::kDataPort, 2, value);
  };
  set(VbeDispi::kBpp, 32);
  set(VbeDispi::kXres, 64);
  set(VbeDispi::kYres, 32);
  set(VbeDispi::kEnable, VbeDispi::kEnabled | VbeDispi::kLinearFramebuffer);
  set(VbeDispi::kVirtWidth, 100);
  set(VbeDispi::kXOffset, 3);
  set(VbeDispi::kYOffset, 1);
  auto vram = vga.video_memory().bytes();
  // The pixel shown at (5, 7) is at virtual (8, 8): B, G, R, unused.
  const size_t at = (8 * 100 + 8) * 4;
  vram[at] = 0x33;
  vram[at + 1] = 0x22;
  vram[at + 2] = 0x11;
  vga.video_memory().touch();
  FrameView view = vga.frame();
  REQUIRE(view.width == 64);
  REQUIRE(view.height == 32);
  CHECK(view.pixels[7 * 64 + 5] == 0x112233);
  CHECK(view.pixels[7 * 64 + 4] == 0);
  CHECK_FALSE(vga.text_screen());
  // Nothing changed: the same frame, not redrawn.
  const uint64_t generation = view.generation;
  CHECK(vga.frame().generation == generation);
  set(VbeDispi::kXOffset, 2);
  view = vga.frame();
  CHECK(view.generation != generation);
  CHECK(view.pixels[7 * 64 + 6] == 0x112233);
}

TEST_CASE("VGA frame cache: writes through the mapped framebuffer are noticed") {
  IoBus io;
  AddressMap memory{1024 * 1024};
  PciBus pci{io};
  StdVga vga{pci, io, memory, {}, [] { return uint64_t{0}; }};
  vga.config_write(0x10, 4, 0xFD000000);
  vga.config_write(0x04, 2, 0x0002);
  io.out(VbeDispi::kIndexPort, 2, VbeDispi::kXres);
  io.out(VbeDispi::kDataPort, 2, 16);
  io.out(VbeDispi::kIndexPort, 2, VbeDispi::kYres);
  io.out(VbeDispi::kDataPort, 2, 16);
  io.out(VbeDispi::kIndexPort, 2, VbeDispi::kBpp);
  io.out(VbeDispi::kDataPort, 2, 32);
  io.out(VbeDispi::kIndexPort, 2, VbeDispi::kEnable);
  io.out(VbeDispi::kDataPort, 2, 0x41);
  const uint64_t first = vga.frame().generation;
  CHECK(vga.frame().generation == first);
  memory.write(0xFD000000 + 4 * 17, 4, 0x00ABCDEF);  // pixel (1, 1)
  const FrameView view = vga.frame();
  CHECK(view.generation != first);
  CHECK(view.pixels[17] == 0xABCDEF);
  CHECK(vga.frame().generation == view.generation);
}

TEST_CASE("VGA VBE: a mode larger than video memory shows only the lines that exist") {
  VgaRegisters regs;
  VideoMemory memory(regs, 1024 * 1024);
  VbeDispi vbe(1024 * 1024);
  for (auto [index, value] : {std::pair<uint16_t, uint16_t>{VbeDispi::kXres, 4000},
                              {VbeDispi::kYres, 4000},
                              {VbeDispi::kBpp, 32},
                              {VbeDispi::kEnable, VbeDispi::kEnabled}}) {
    vbe.set_index(index);
    vbe.write_data(value);
  }
  Frame frame;
  render_vbe(regs, memory, vbe, frame);
  CHECK(frame.width == 4000);
  CHECK(frame.height == 1024 * 1024 / 16000);
}
