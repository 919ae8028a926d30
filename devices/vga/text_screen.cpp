#include "devices/vga/text_screen.h"

#include "devices/vga/code_page_437.h"
#include "devices/vga/renderer.h"

namespace trapeze::vga {

std::optional<std::string> text_screen(const VgaRegisters& regs, const VideoMemory& memory,
                                       const VbeDispi& vbe) {
  if (vbe.enabled() || regs.graphics.graphics()) return std::nullopt;
  const TextGeometry g = text_geometry(regs);
  std::string out;
  for (unsigned row = 0; row < g.rows; ++row) {
    std::string line;
    size_t kept = 0;  // length of `line` up to its last non-blank character
    const uint32_t row_address = regs.crtc.start_address() + row * regs.crtc.row_offset();
    for (unsigned col = 0; col < g.columns; ++col) {
      const uint8_t ch = memory.plane_byte(0, row_address + col);
      append_utf8(line, cp437_to_unicode(ch));
      if (ch != 0x00 && ch != 0x20 && ch != 0xFF) kept = line.size();
    }
    line.resize(kept);
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace trapeze::vga
