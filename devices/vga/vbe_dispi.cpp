#include "devices/vga/vbe_dispi.h"

#include <algorithm>

namespace trapeze::vga {

void VbeDispi::reset() {
  regs_.fill(0);
  regs_[kId] = kIdLatest;
  regs_[kXres] = 640;
  regs_[kYres] = 480;
  regs_[kBpp] = 8;
  regs_[kVirtWidth] = 640;
  update_virtual_height();
  index_ = 0;
}

uint32_t VbeDispi::line_bytes() const {
  const uint32_t width = regs_[kVirtWidth];
  if (bpp() == 4) return width / 8;
  return width * bytes_per_pixel();
}

uint32_t VbeDispi::start_offset() const {
  const uint32_t x = regs_[kXOffset], y = regs_[kYOffset];
  if (bpp() == 4) return y * line_bytes() + x / 8;
  return y * line_bytes() + x * bytes_per_pixel();
}

void VbeDispi::update_virtual_height() {
  const uint32_t line = line_bytes();
  const uint32_t lines = line == 0 ? 0 : (bpp() == 4 ? memory_bytes_ / 4 : memory_bytes_) / line;
  regs_[kVirtHeight] = static_cast<uint16_t>(std::min<uint32_t>(lines, 0xFFFF));
}

uint16_t VbeDispi::read_data() const {
  if ((regs_[kEnable] & kGetCaps) && index_ >= kXres && index_ <= kBpp) {
    const uint16_t maxima[] = {kMaxXres, kMaxYres, kMaxBpp};
    return maxima[index_ - kXres];
  }
  if (index_ == kVideoMemory64k) return static_cast<uint16_t>(memory_bytes_ >> 16);
  return index_ < kCount ? regs_[index_] : 0;
}

VbeDispi::WriteEffect VbeDispi::write_data(uint16_t value) {
  WriteEffect effect;
  switch (index_) {
    case kId:
      if (value >= kIdFirst && value <= kIdLatest) regs_[kId] = value;
      break;
    case kXres:
    case kYres:
    case kBpp:
      if (index_ == kBpp && value != 4 && value != 8 && value != 15 && value != 16 && value != 24 &&
          value != 32)
        break;
      if (index_ == kXres && (value == 0 || value > kMaxXres)) break;
      if (index_ == kYres && (value == 0 || value > kMaxYres)) break;
      regs_[index_] = value;
      if (enabled()) {
        // A change while the mode is on (QEMU allows it): keep the scanout consistent.
        regs_[kVirtWidth] = std::max(regs_[kVirtWidth], regs_[kXres]);
        update_virtual_height();
      }
      break;
    case kEnable: {
      const bool was_enabled = enabled();
      const bool was_eight_bit = eight_bit_dac();
      regs_[kEnable] =
          value & (kEnabled | kGetCaps | kEightBitDac | kLinearFramebuffer | kNoClearMemory);
      if (enabled() && !was_enabled) {
        regs_[kVirtWidth] = regs_[kXres];
        regs_[kXOffset] = regs_[kYOffset] = 0;
        regs_[kBank] = 0;
        update_virtual_height();
        effect.enabled_now = true;
        effect.clear_memory = !(value & kNoClearMemory);
      }
      effect.dac_width_changed = eight_bit_dac() != was_eight_bit;
      break;
    }
    case kBank:
      // Banks beyond the memory wrap to what exists.
      regs_[kBank] = static_cast<uint16_t>(value % std::max<uint32_t>(memory_bytes_ >> 16, 1));
      break;
    case kVirtWidth:
      if (value < regs_[kXres]) break;
      regs_[kVirtWidth] = value;
      update_virtual_height();
      break;
    case kXOffset:
    case kYOffset:
      regs_[index_] = value;
      break;
    default:
      break;
  }
  return effect;
}

}  // namespace trapeze::vga
