// Turns the VGA's registers and video memory into an RGB picture: text modes (the
// guest's fonts from plane 2, 8/9-dot cells, cursor, blink), CGA 2- and 4-colour,
// EGA/VGA planar 16-colour, 256-colour (mode 13h, unchained "mode X") and the Bochs VBE
// packed-pixel modes. One picture pixel per mode pixel: 720x400 for 80x25 text,
// 320x200 for mode 13h (the doubling a monitor does is the window's business).
//
// Scanning follows the CRTC: start address, offset, max scan line and double scan,
// line compare (split screen), the CGA/Hercules row-scan address substitution, and
// horizontal pixel panning. Addresses are plane addresses as VideoMemory lays them out
// (the CRTC's word/doubleword shift is already folded into the CPU side there).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "devices/display_source.h"
#include "devices/vga/vbe_dispi.h"
#include "devices/vga/vga_registers.h"
#include "devices/vga/video_memory.h"

namespace trapeze::vga {

struct Frame {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint32_t> pixels;  // 0x00RRGGBB

  void resize(uint32_t w, uint32_t h) {
    width = w;
    height = h;
    pixels.assign(size_t{w} * h, 0);
  }
};

// Where the blinking things are in their cycle (VGA: the cursor toggles every 16
// frames, blinking characters every 32).
struct BlinkPhase {
  bool cursor_visible = true;
  bool characters_visible = true;
};

// The text screen's shape, as the CRTC and sequencer program it.
struct TextGeometry {
  unsigned columns = 0;
  unsigned rows = 0;
  unsigned cell_width = 0;   // 8 or 9 dots
  unsigned cell_height = 0;  // scanlines per row
  unsigned scanlines = 0;
};
TextGeometry text_geometry(const VgaRegisters& regs);

// Which picture the registers describe.
enum class DisplayMode { kBlank, kText, kGraphics, kVbe };
DisplayMode display_mode(const VgaRegisters& regs, const VbeDispi& vbe);

void render(const VgaRegisters& regs, const VideoMemory& memory, const VbeDispi& vbe,
            BlinkPhase blink, Frame& frame);

// What each scanline of each text cell showed when last drawn (its glyph bits with the
// cursor applied, its two colours, its ninth dot), so that a redraw writes only the
// cells whose picture changed: a cursor or blink phase change redraws the cursor's and
// the blinking cells, a typed character its own cell. QEMU's vga.c keeps a cache of
// character and attribute per cell for the same reason. What the entries cannot see
// (the palette's colours, the frame's size) makes render_text() start afresh.
struct TextCellCache {
  std::vector<uint32_t> drawn;  // scanline * columns + column
  std::array<uint32_t, 16> colors{};

  void clear() { drawn.clear(); }
};

// The parts, for the renderer and its tests.
// Draws the text screen; with a cache, only the cells whose picture changed since the
// cache was filled (the frame must hold that earlier picture). Returns the rows whose
// pixels were written: all of them without a cache.
RowRange render_text(const VgaRegisters& regs, const VideoMemory& memory, BlinkPhase blink,
                     Frame& frame, TextCellCache* cache = nullptr);
void render_graphics(const VgaRegisters& regs, const VideoMemory& memory, Frame& frame);
void render_vbe(const VgaRegisters& regs, const VideoMemory& memory, const VbeDispi& vbe,
                Frame& frame);

// The 16 colours of 4-bit pixels (attribute palette, colour select, PEL mask, DAC).
std::array<uint32_t, 16> palette16(const VgaRegisters& regs);
// The 256 colours of 8-bit pixels (PEL mask, DAC).
std::array<uint32_t, 256> palette256(const VgaRegisters& regs);

}  // namespace trapeze::vga
