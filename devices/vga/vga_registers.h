// Every register of the standard VGA in one place, shared by the port decoder, the
// video memory pipeline and the renderer. The blocks are plain data with the bit
// meanings as named accessors; the sections of the IBM VGA Technical Reference are in
// each block's header.
#pragma once

#include <cstdint>

#include "devices/vga/attribute_controller.h"
#include "devices/vga/crtc.h"
#include "devices/vga/dac.h"
#include "devices/vga/graphics_controller.h"
#include "devices/vga/sequencer.h"

namespace trapeze::vga {

struct VgaRegisters {
  Sequencer sequencer;
  Crtc crtc;
  GraphicsController graphics;
  AttributeController attribute;
  Dac dac;
  // Miscellaneous output (write 0x3C2, read 0x3CC): bit 0 puts the CRTC and input
  // status 1 at 0x3Dx (colour) instead of 0x3Bx (mono), bit 1 enables the CPU's access
  // to video memory, bits 3:2 pick the dot clock (25/28 MHz).
  uint8_t misc_output = 0;
  // Feature control (write 0x3BA/0x3DA, read 0x3CA): stored only.
  uint8_t feature_control = 0;

  bool color_ports() const { return misc_output & 0x01; }
  bool memory_enabled() const { return misc_output & 0x02; }
};

}  // namespace trapeze::vga
