// The VGA CRT controller (ports 0x3D4/0x3D5 in colour mode, 0x3B4/0x3B5 in mono): the
// display's geometry, where scanning starts in video memory (start address, offset,
// line compare), how memory addresses are formed (byte/word/doubleword modes, the CGA
// and Hercules row-scan substitutions), double scanning and the text cursor. Only the
// registers the renderer needs are interpreted; the sync timings are stored.
// IBM VGA Technical Reference, "CRT Controller Registers"; FreeVGA "CRTC Registers".
//
// Register 0x11 bit 7 protects registers 0x00-0x07 from writes, except the line
// compare's bit 8 in register 0x07 (bit 4), which stays writable.
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::vga {

struct Crtc {
  static constexpr uint8_t kHorizontalDisplayEnd = 0x01;
  static constexpr uint8_t kOverflow = 0x07;
  static constexpr uint8_t kPresetRowScan = 0x08;
  static constexpr uint8_t kMaxScanLine = 0x09;
  static constexpr uint8_t kCursorStart = 0x0A;
  static constexpr uint8_t kCursorEnd = 0x0B;
  static constexpr uint8_t kStartAddressHigh = 0x0C;
  static constexpr uint8_t kStartAddressLow = 0x0D;
  static constexpr uint8_t kCursorLocationHigh = 0x0E;
  static constexpr uint8_t kCursorLocationLow = 0x0F;
  static constexpr uint8_t kVerticalRetraceEnd = 0x11;
  static constexpr uint8_t kVerticalDisplayEnd = 0x12;
  static constexpr uint8_t kOffset = 0x13;
  static constexpr uint8_t kUnderlineLocation = 0x14;
  static constexpr uint8_t kModeControl = 0x17;
  static constexpr uint8_t kLineCompare = 0x18;
  static constexpr unsigned kCount = 0x19;

  uint8_t index = 0;
  std::array<uint8_t, 0x20> regs{};

  uint8_t read_data() const { return index < kCount ? regs[index] : 0xFF; }
  void write_data(uint8_t value);
  bool write_protected() const { return regs[kVerticalRetraceEnd] & 0x80; }

  unsigned columns() const { return regs[kHorizontalDisplayEnd] + 1u; }
  // Scanlines displayed: register 0x12 with bits 8 and 9 from the overflow register.
  unsigned display_lines() const {
    const uint8_t o = regs[kOverflow];
    return (regs[kVerticalDisplayEnd] | (o & 0x02) << 7 | (o & 0x40) << 3) + 1u;
  }
  unsigned line_compare() const {
    const uint8_t o = regs[kOverflow];
    return regs[kLineCompare] | (o & 0x10) << 4 | (regs[kMaxScanLine] & 0x40) << 3;
  }
  unsigned max_scan_line() const { return regs[kMaxScanLine] & 0x1F; }
  bool double_scan() const { return regs[kMaxScanLine] & 0x80; }
  uint32_t start_address() const {
    return uint32_t{regs[kStartAddressHigh]} << 8 | regs[kStartAddressLow];
  }
  uint32_t cursor_location() const {
    return uint32_t{regs[kCursorLocationHigh]} << 8 | regs[kCursorLocationLow];
  }
  bool cursor_disabled() const { return regs[kCursorStart] & 0x20; }
  unsigned cursor_start() const { return regs[kCursorStart] & 0x1F; }
  unsigned cursor_end() const { return regs[kCursorEnd] & 0x1F; }
  // Character addresses from one scanline to the next row, in character clocks.
  unsigned row_offset() const { return regs[kOffset] * 2u; }
  // Mode control bit 0 clear: row-scan bit 0 replaces address bit 13 (CGA interleave);
  // bit 1 clear: row-scan bit 1 replaces address bit 14 (Hercules).
  bool cga_interleave() const { return !(regs[kModeControl] & 0x01); }
  bool hercules_interleave() const { return !(regs[kModeControl] & 0x02); }
  // How far character addresses are shifted to form memory addresses: doubleword mode
  // (underline location bit 6) 2, word mode (mode control bit 6 clear) 1, byte mode 0.
  unsigned address_shift() const {
    if (regs[kUnderlineLocation] & 0x40) return 2;
    return (regs[kModeControl] & 0x40) ? 0 : 1;
  }
};

}  // namespace trapeze::vga
