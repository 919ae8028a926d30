// The VGA graphics controller (ports 0x3CE index, 0x3CF data): how CPU reads and writes
// combine with the four planes (set/reset, rotate, logical function, bit mask, read
// modes and colour compare), where the memory window sits, and the pixel shifter's
// packing. IBM VGA Technical Reference, "Graphics Controller Registers"; FreeVGA
// "Graphics Registers" and "VGA Memory Write/Read Modes".
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::vga {

enum class LogicalOp : uint8_t { kReplace = 0, kAnd = 1, kOr = 2, kXor = 3 };

struct GraphicsController {
  static constexpr uint8_t kSetReset = 0x00;
  static constexpr uint8_t kEnableSetReset = 0x01;
  static constexpr uint8_t kColorCompare = 0x02;
  static constexpr uint8_t kDataRotate = 0x03;
  static constexpr uint8_t kReadMapSelect = 0x04;
  static constexpr uint8_t kMode = 0x05;
  static constexpr uint8_t kMisc = 0x06;
  static constexpr uint8_t kColorDontCare = 0x07;
  static constexpr uint8_t kBitMask = 0x08;
  static constexpr unsigned kCount = 9;
  static constexpr std::array<uint8_t, 16> kWritable{0x0F, 0x0F, 0x0F, 0x1F, 0x03,
                                                     0x7B, 0x0F, 0x0F, 0xFF};

  uint8_t index = 0;
  std::array<uint8_t, 16> regs{};

  uint8_t read_data() const { return index < kCount ? regs[index] : 0xFF; }
  void write_data(uint8_t value) {
    if (index < kCount) regs[index] = value & kWritable[index];
  }

  unsigned write_mode() const { return regs[kMode] & 3; }
  unsigned read_mode() const { return (regs[kMode] >> 3) & 1; }
  unsigned rotate_count() const { return regs[kDataRotate] & 7; }
  LogicalOp logical_op() const { return static_cast<LogicalOp>((regs[kDataRotate] >> 3) & 3); }
  unsigned read_map() const { return regs[kReadMapSelect] & 3; }
  // Mode bit 5: the shifter takes 2-bit pixels from planes 0/1 (CGA 320x200 4-colour).
  bool shift_interleaved() const { return regs[kMode] & 0x20; }
  // Mode bit 6: the shifter builds 8-bit pixels (mode 13h and its unchained variants).
  bool shift_256() const { return regs[kMode] & 0x40; }
  // Misc bit 0: graphics (else text: the attribute controller draws characters).
  bool graphics() const { return regs[kMisc] & 0x01; }
  // Misc bits 3:2: the CPU window: 0 A0000-BFFFF, 1 A0000-AFFFF, 2 B0000-B7FFF, 3 B8000-BFFFF.
  unsigned memory_map() const { return (regs[kMisc] >> 2) & 3; }
  // Misc bit 1 (chain odd maps to even): CPU address bit 0 selects the plane pair.
  bool chain_odd_even() const { return regs[kMisc] & 0x02; }
};

}  // namespace trapeze::vga
