// The Bochs VBE display interface ("DISPI", ports 0x1CE index and 0x1CF data, 16 bits
// each): a linear framebuffer mode of any size and depth, set by writing resolution,
// depth and enable; what SeaVGABIOS (vgasrc/bochsvga.c) and Linux's bochs-drm and
// vesafb use on QEMU and Bochs. Bochs vbe_display_api.txt; QEMU docs "standard-vga".
//
// Registers: 0 ID (0xB0C0-0xB0C5 accepted, reads the last written), 1 XRES, 2 YRES,
// 3 BPP (4, 8, 15, 16, 24, 32), 4 ENABLE, 5 BANK (64 KiB window at 0xA0000), 6
// VIRT_WIDTH, 7 VIRT_HEIGHT (derived), 8 X_OFFSET, 9 Y_OFFSET, 0xA video memory in 64 KiB
// units. ENABLE bits: 0x01 enabled, 0x02 GETCAPS (XRES/YRES/BPP read their maxima while
// set), 0x20 8-bit DAC, 0x40 linear framebuffer, 0x80 keep memory (no clear on enable).
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::vga {

class VbeDispi {
 public:
  static constexpr uint16_t kIndexPort = 0x1CE;
  static constexpr uint16_t kDataPort = 0x1CF;
  static constexpr uint16_t kId = 0x0, kXres = 0x1, kYres = 0x2, kBpp = 0x3, kEnable = 0x4,
                            kBank = 0x5, kVirtWidth = 0x6, kVirtHeight = 0x7, kXOffset = 0x8,
                            kYOffset = 0x9, kVideoMemory64k = 0xA;
  static constexpr uint16_t kIdFirst = 0xB0C0, kIdLatest = 0xB0C5;
  static constexpr uint16_t kEnabled = 0x01, kGetCaps = 0x02, kEightBitDac = 0x20,
                            kLinearFramebuffer = 0x40, kNoClearMemory = 0x80;
  // QEMU's limits, which SeaVGABIOS reads back through GETCAPS.
  static constexpr uint16_t kMaxXres = 16000, kMaxYres = 12000, kMaxBpp = 32;

  explicit VbeDispi(uint32_t video_memory_bytes) : memory_bytes_(video_memory_bytes) { reset(); }
  void reset();

  uint16_t index() const { return index_; }
  void set_index(uint16_t index) { index_ = index; }
  uint16_t read_data() const;
  // What a data write changed, for the card: a mode switch (clear memory, reprogram the
  // VGA registers) or new scanout parameters.
  struct WriteEffect {
    bool enabled_now = false;   // the mode was just switched on
    bool clear_memory = false;  // ... without ENABLE's keep-memory bit
    bool dac_width_changed = false;
  };
  WriteEffect write_data(uint16_t value);

  bool enabled() const { return regs_[kEnable] & kEnabled; }
  bool eight_bit_dac() const { return regs_[kEnable] & kEightBitDac; }
  unsigned xres() const { return regs_[kXres]; }
  unsigned yres() const { return regs_[kYres]; }
  unsigned bpp() const { return regs_[kBpp]; }
  // Bytes per pixel (15 bpp takes two), 0 for the planar 4 bpp mode.
  unsigned bytes_per_pixel() const { return bpp() == 4 ? 0 : (bpp() + 7) / 8; }
  // Bytes from one scanline to the next (a 4 bpp mode's line is in plane bytes).
  uint32_t line_bytes() const;
  // Where the visible picture starts in video memory (X/Y offsets applied).
  uint32_t start_offset() const;
  uint32_t bank_offset() const { return uint32_t{regs_[kBank]} << 16; }
  uint16_t reg(uint16_t index) const { return index < regs_.size() ? regs_[index] : 0; }

 private:
  static constexpr unsigned kCount = 10;
  void update_virtual_height();

  uint32_t memory_bytes_;
  uint16_t index_ = 0;
  std::array<uint16_t, kCount> regs_{};
};

}  // namespace trapeze::vga
