#include "devices/vga/video_memory.h"

#include <algorithm>
#include <cstring>

namespace trapeze::vga {

namespace {

// A byte replicated into the four planes' lanes.
constexpr uint32_t spread(uint8_t v) { return v * 0x01010101u; }

// Bit p of `bits` (a 4-bit plane set) expanded to plane p's whole lane.
constexpr uint32_t lanes(unsigned bits) {
  return (bits & 1 ? 0xFFu : 0) | (bits & 2 ? 0xFF00u : 0) | (bits & 4 ? 0xFF0000u : 0) |
         (bits & 8 ? 0xFF000000u : 0);
}

}  // namespace

VideoMemory::VideoMemory(VgaRegisters& registers, uint32_t size_bytes)
    : regs_(registers), vram_(size_bytes, 0) {}

void VideoMemory::clear() {
  std::fill(vram_.begin(), vram_.end(), 0);
  ++generation_;
}

int64_t VideoMemory::window_to_offset(uint32_t window_offset, uint32_t bank_offset) const {
  switch (regs_.graphics.memory_map()) {
    case 0:
      return window_offset;
    case 1:
      return window_offset < 0x10000 ? int64_t{window_offset} + bank_offset : -1;
    case 2:
      return window_offset - 0x10000 < 0x8000 ? int64_t{window_offset} - 0x10000 : -1;
    default:
      return window_offset - 0x18000 < 0x8000 ? int64_t{window_offset} - 0x18000 : -1;
  }
}

uint32_t VideoMemory::planes(uint32_t plane_address) const {
  const size_t at = (size_t{plane_address} * 4) % vram_.size();
  uint32_t v;
  std::memcpy(&v, &vram_[at], 4);
  return v;  // little-endian host assumed by the lane layout (plane 0 lowest)
}

uint8_t VideoMemory::read(uint32_t offset) {
  const Sequencer& seq = regs_.sequencer;
  const GraphicsController& gc = regs_.graphics;
  if (seq.chain4()) return vram_[offset % vram_.size()];
  uint32_t plane_address = offset;
  unsigned plane = gc.read_map();
  if (gc.regs[GraphicsController::kMode] & 0x10) {
    plane_address = offset >> 1;
    plane = (plane & 2) | (offset & 1);
  }
  latches_ = planes(plane_address);
  if (gc.read_mode() == 0) return static_cast<uint8_t>(latches_ >> (8 * plane));
  // Read mode 1: a bit is set where every plane that "colour don't care" includes
  // matches the colour compare value.
  const uint32_t differ = (latches_ ^ lanes(gc.regs[GraphicsController::kColorCompare])) &
                          lanes(gc.regs[GraphicsController::kColorDontCare]);
  const uint32_t any = differ | differ >> 16;
  return static_cast<uint8_t>(~(any | any >> 8));
}

void VideoMemory::write(uint32_t offset, uint8_t value) {
  const Sequencer& seq = regs_.sequencer;
  ++generation_;
  if (seq.chain4()) {
    if (seq.map_mask() & (1u << (offset & 3))) vram_[offset % vram_.size()] = value;
    return;
  }
  if (seq.odd_even()) {
    write_planes(offset >> 1, seq.map_mask() & (offset & 1 ? 0x0A : 0x05), value);
  } else {
    write_planes(offset, seq.map_mask(), value);
  }
}

void VideoMemory::write_planes(uint32_t plane_address, uint8_t plane_mask, uint8_t value) {
  const GraphicsController& gc = regs_.graphics;
  const unsigned rotate = gc.rotate_count();
  const uint8_t rotated = static_cast<uint8_t>((value >> rotate) | (value << ((8 - rotate) & 7)));
  const uint32_t set_reset = lanes(gc.regs[GraphicsController::kSetReset]);
  uint8_t bit_mask = gc.regs[GraphicsController::kBitMask];
  uint32_t data = 0;
  switch (gc.write_mode()) {
    case 0: {
      const uint32_t enable = lanes(gc.regs[GraphicsController::kEnableSetReset]);
      data = (spread(rotated) & ~enable) | (set_reset & enable);
      break;
    }
    case 1:
      // The latches as they are: a fast copy of four planes at once.
      data = latches_;
      bit_mask = 0xFF;
      break;
    case 2:
      data = lanes(value & 0x0F);
      break;
    case 3:
      // The rotated byte masks the bit mask; set/reset is the colour.
      bit_mask &= rotated;
      data = set_reset;
      break;
  }
  if (gc.write_mode() != 1) {
    switch (gc.logical_op()) {
      case LogicalOp::kReplace:
        break;
      case LogicalOp::kAnd:
        data &= latches_;
        break;
      case LogicalOp::kOr:
        data |= latches_;
        break;
      case LogicalOp::kXor:
        data ^= latches_;
        break;
    }
  }
  const uint32_t mask = spread(bit_mask);
  data = (data & mask) | (latches_ & ~mask);
  const size_t at = (size_t{plane_address} * 4) % vram_.size();
  uint32_t old;
  std::memcpy(&old, &vram_[at], 4);
  const uint32_t keep = ~lanes(plane_mask);
  const uint32_t result = (old & keep) | (data & ~keep);
  std::memcpy(&vram_[at], &result, 4);
}

}  // namespace trapeze::vga
