#include "devices/vga/attribute_controller.h"

namespace trapeze::vga {

namespace {
// Palette entries are 6 bits; mode control lacks bit 4; the rest as the manual lists.
constexpr std::array<uint8_t, AttributeController::kCount> kWritable{
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0xEF, 0xFF, 0x3F, 0x0F, 0x0F};
}  // namespace

void AttributeController::write(uint8_t value) {
  if (!flip_flop_data) {
    index = value & 0x3F;
  } else {
    // Palette writes while the display owns the palette (index bit 5 set) are taken, as
    // QEMU and Bochs take them: some guests never clear the bit first.
    const unsigned i = index & 0x1F;
    if (i < kCount) regs[i] = value & kWritable[i];
  }
  flip_flop_data = !flip_flop_data;
}

}  // namespace trapeze::vga
