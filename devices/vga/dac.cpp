#include "devices/vga/dac.h"

namespace trapeze::vga {

void Dac::set_read_index(uint8_t index) {
  read_index_ = index;
  read_component_ = 0;
  reading_ = true;
}

void Dac::set_write_index(uint8_t index) {
  write_index_ = index;
  write_component_ = 0;
  reading_ = false;
}

uint8_t Dac::read_data() {
  const uint8_t value = entries_[read_index_][read_component_];
  if (++read_component_ == 3) {
    read_component_ = 0;
    ++read_index_;
  }
  return value;
}

void Dac::write_data(uint8_t value) {
  pending_[write_component_] = eight_bit_ ? value : value & 0x3F;
  if (++write_component_ == 3) {
    // The colour changes as a whole once blue arrives, as on the real DAC.
    entries_[write_index_] = pending_;
    update_rgb(write_index_);
    write_component_ = 0;
    ++write_index_;
  }
}

void Dac::set_eight_bit(bool eight_bit) {
  if (eight_bit == eight_bit_) return;
  eight_bit_ = eight_bit;
  for (unsigned i = 0; i < 256; ++i) update_rgb(static_cast<uint8_t>(i));
}

void Dac::update_rgb(uint8_t index) {
  const auto& e = entries_[index];
  auto scale = [&](uint8_t v) -> uint32_t {
    // 6-bit values stretch to the full 8-bit range (63 -> 255).
    return eight_bit_ ? v : static_cast<uint32_t>((v << 2) | (v >> 4));
  };
  rgb_[index] = scale(e[0]) << 16 | scale(e[1]) << 8 | scale(e[2]);
}

}  // namespace trapeze::vga
