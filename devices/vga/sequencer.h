// The VGA sequencer (ports 0x3C4 index, 0x3C5 data): which planes CPU writes reach, how
// CPU addresses select planes (chain-4, odd/even), the character clock and the text
// fonts' location in plane 2. IBM VGA Technical Reference, "Sequencer Registers";
// FreeVGA "Sequencer Registers".
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::vga {

struct Sequencer {
  static constexpr uint8_t kReset = 0x00;
  static constexpr uint8_t kClockingMode = 0x01;
  static constexpr uint8_t kMapMask = 0x02;
  static constexpr uint8_t kCharacterMapSelect = 0x03;
  static constexpr uint8_t kMemoryMode = 0x04;
  static constexpr unsigned kCount = 5;
  // The bits each register implements; the rest read as zero.
  static constexpr std::array<uint8_t, 8> kWritable{0x03, 0x3D, 0x0F, 0x3F, 0x0E, 0, 0, 0};

  uint8_t index = 0;
  std::array<uint8_t, 8> regs{};

  uint8_t read_data() const { return index < kCount ? regs[index] : 0xFF; }
  void write_data(uint8_t value) {
    if (index < kCount) regs[index] = value & kWritable[index];
  }

  uint8_t map_mask() const { return regs[kMapMask] & 0x0F; }
  // Clocking mode bit 0: 8-dot characters (else 9-dot, text modes).
  bool eight_dot_chars() const { return regs[kClockingMode] & 0x01; }
  // Clocking mode bit 5: the screen is blanked (BIOSes set it while changing modes).
  bool screen_off() const { return regs[kClockingMode] & 0x20; }
  // Memory mode bit 3: CPU address bits 1:0 select the plane (mode 13h).
  bool chain4() const { return regs[kMemoryMode] & 0x08; }
  // Memory mode bit 2 clear: CPU address bit 0 selects plane 0/1 or 2/3 (text modes).
  bool odd_even() const { return !(regs[kMemoryMode] & 0x04); }
  // Where in plane 2 the fonts of character maps A (attribute bit 3 set) and B start, in
  // bytes: maps 0-3 at 0, 16, 32 and 48 KiB, maps 4-7 8 KiB above them.
  uint32_t font_offset(bool map_a) const {
    const uint8_t r = regs[kCharacterMapSelect];
    const unsigned map =
        map_a ? ((r >> 5) & 1) << 2 | ((r >> 2) & 3) : ((r >> 4) & 1) << 2 | (r & 3);
    return (map & 3) * 0x4000 + (map >> 2) * 0x2000;
  }
};

}  // namespace trapeze::vga
