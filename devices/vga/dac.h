// The VGA DAC (RAMDAC): 256 colours of 6 bits per channel (8 bits with the Bochs VBE
// 8-bit DAC switch), loaded and read through auto-incrementing indices, and the PEL
// mask applied to every pixel. IBM VGA Technical Reference, "Video DAC"; FreeVGA "DAC
// Operation".
//  0x3C6 PEL mask (read/write)
//  0x3C7 write: read index (the next three 0x3C9 reads return red, green, blue, then
//        the index advances); read: DAC state (0 = last set was the write index, 3 =
//        the read index)
//  0x3C8 write index (the next three 0x3C9 writes set red, green, blue, then the index
//        advances); reads back the write index
//  0x3C9 data
#pragma once

#include <array>
#include <cstdint>

namespace trapeze::vga {

class Dac {
 public:
  uint8_t pel_mask() const { return pel_mask_; }
  void set_pel_mask(uint8_t mask) { pel_mask_ = mask; }
  void set_read_index(uint8_t index);
  void set_write_index(uint8_t index);
  uint8_t write_index() const { return write_index_; }
  uint8_t state() const { return reading_ ? 0x03 : 0x00; }
  uint8_t read_data();
  void write_data(uint8_t value);

  // 8 bits per channel (VBE DISPI enable bit 5), else 6: values keep the width written.
  void set_eight_bit(bool eight_bit);
  bool eight_bit() const { return eight_bit_; }
  // Colour `index` as 0x00RRGGBB with channels scaled to 8 bits (the PEL mask is the
  // caller's business: it applies to pixels, not to palette reads).
  uint32_t rgb(uint8_t index) const { return rgb_[index]; }
  // Direct access for tests and the renderer's reference images.
  uint8_t channel(uint8_t index, unsigned component) const { return entries_[index][component]; }

 private:
  void update_rgb(uint8_t index);

  std::array<std::array<uint8_t, 3>, 256> entries_{};
  std::array<uint32_t, 256> rgb_{};
  uint8_t pel_mask_ = 0xFF;
  uint8_t read_index_ = 0;
  uint8_t write_index_ = 0;
  unsigned read_component_ = 0;
  unsigned write_component_ = 0;
  std::array<uint8_t, 3> pending_{};  // a write index's colour, committed after blue
  bool reading_ = false;
  bool eight_bit_ = false;
};

}  // namespace trapeze::vga
