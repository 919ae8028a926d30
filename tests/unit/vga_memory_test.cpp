// The VGA's video memory pipeline: addressing modes, latches, write modes 0-3 and read
// modes 0-1, checked plane by plane against the graphics controller's definitions.
#include <doctest/doctest.h>

#include "devices/vga/video_memory.h"

using namespace trapeze;
using namespace trapeze::vga;

namespace {

struct Planes {
  VgaRegisters regs;
  VideoMemory memory{regs, 256 * 1024};

  Planes() {
    regs.sequencer.regs[Sequencer::kMemoryMode] = 0x06;  // planar: no odd/even, no chain-4
    regs.sequencer.regs[Sequencer::kMapMask] = 0x0F;
    regs.graphics.regs[GraphicsController::kBitMask] = 0xFF;
  }
  void gc(uint8_t index, uint8_t value) { regs.graphics.regs[index] = value; }
  // Plane bytes at plane address 0, plane 0 in the low byte.
  uint32_t at(uint32_t plane_address) const { return memory.planes(plane_address); }
  void set(uint32_t plane_address, uint32_t planes) {
    for (unsigned p = 0; p < 4; ++p)
      memory.bytes()[plane_address * 4 + p] = static_cast<uint8_t>(planes >> (8 * p));
  }
};

}  // namespace

TEST_CASE("VGA write mode 0: rotate, set/reset, logical function, bit mask, map mask") {
  Planes v;
  v.memory.write(0, 0xA5);
  CHECK(v.at(0) == 0xA5A5A5A5);
  // Set/reset enabled for planes 0 and 2: they take set/reset's bits (plane 0 ones,
  // plane 2 zeros); planes 1 and 3 take the data.
  v.gc(GraphicsController::kSetReset, 0x01);
  v.gc(GraphicsController::kEnableSetReset, 0x05);
  v.memory.write(1, 0x3C);
  CHECK(v.at(1) == 0x3C003CFF);
  // Rotate right by 4 and XOR with the latches, only bits 7:4 (bit mask), planes 0-1.
  v.gc(GraphicsController::kEnableSetReset, 0);
  v.set(2, 0x0F0F0F0F);
  v.memory.read(2);  // load the latches
  v.gc(GraphicsController::kDataRotate, 0x18 | 4);
  v.gc(GraphicsController::kBitMask, 0xF0);
  v.regs.sequencer.regs[Sequencer::kMapMask] = 0x03;
  v.memory.write(2, 0x0F);  // rotated: 0xF0; XOR latch 0x0F = 0xFF; masked: 0xF0 | 0x0F
  CHECK(v.at(2) == 0x0F0FFFFF);
  // AND and OR.
  v.gc(GraphicsController::kDataRotate, 0x08);
  v.gc(GraphicsController::kBitMask, 0xFF);
  v.memory.write(2, 0x3C);  // latches 0x0F & 0x3C = 0x0C
  CHECK(v.at(2) == 0x0F0F0C0C);
  v.gc(GraphicsController::kDataRotate, 0x10);
  v.memory.write(2, 0x30);  // latches 0x0F | 0x30
  CHECK(v.at(2) == 0x0F0F3F3F);
}

TEST_CASE("VGA write mode 1 copies the latches; read mode 0 reads one plane") {
  Planes v;
  v.set(10, 0x44332211);
  v.gc(GraphicsController::kReadMapSelect, 2);
  CHECK(v.memory.read(10) == 0x33);
  CHECK(v.memory.latches() == 0x44332211);
  v.gc(GraphicsController::kMode, 0x01);
  v.gc(GraphicsController::kBitMask, 0x00);  // ignored in write mode 1
  v.memory.write(20, 0x00);
  CHECK(v.at(20) == 0x44332211);
}

TEST_CASE("VGA write mode 2: the data's low nibble is a colour, through bit mask and ALU") {
  Planes v;
  v.set(0, 0xFFFFFFFF);
  v.memory.read(0);
  v.gc(GraphicsController::kMode, 0x02);
  v.gc(GraphicsController::kBitMask, 0x81);
  v.memory.write(0, 0x05);  // colour 0101: planes 0 and 2 set, 1 and 3 cleared where masked
  CHECK(v.at(0) == 0x7EFF7EFF);
}

TEST_CASE("VGA write mode 3: rotated data ANDed with the bit mask, set/reset as colour") {
  Planes v;
  v.gc(GraphicsController::kMode, 0x03);
  v.gc(GraphicsController::kSetReset, 0x0A);
  v.gc(GraphicsController::kBitMask, 0x3C);
  v.gc(GraphicsController::kDataRotate, 0x01);  // rotate right by 1
  v.memory.read(0);                             // latches zero
  v.memory.write(0, 0xF0);                      // rotated 0x78 & 0x3C = 0x38
  CHECK(v.at(0) == 0x38003800);
}

TEST_CASE("VGA read mode 1: colour compare with don't care") {
  Planes v;
  // Pixels 7..0 colours: bit 7 colour 0xF, bit 6 colour 0x5, others 0.
  v.set(0, 0x80C080C0);
  v.gc(GraphicsController::kMode, 0x08);
  v.gc(GraphicsController::kColorCompare, 0x05);
  v.gc(GraphicsController::kColorDontCare, 0x0F);
  CHECK(v.memory.read(0) == 0x40);
  v.gc(GraphicsController::kColorDontCare, 0x05);  // only planes 0 and 2 count
  CHECK(v.memory.read(0) == 0xC0);
  v.gc(GraphicsController::kColorCompare, 0x00);
  CHECK(v.memory.read(0) == 0x3F);
}

TEST_CASE("VGA chain-4: CPU address bits 1:0 pick the plane, memory is linear") {
  Planes v;
  v.regs.sequencer.regs[Sequencer::kMemoryMode] = 0x0E;
  for (uint32_t a = 0; a < 8; ++a) v.memory.write(a, static_cast<uint8_t>(0x10 + a));
  CHECK(v.at(0) == 0x13121110);
  CHECK(v.at(1) == 0x17161514);
  CHECK(v.memory.read(5) == 0x15);
  v.regs.sequencer.regs[Sequencer::kMapMask] = 0x04;  // only plane 2 writable
  v.memory.write(8, 0xAA);
  v.memory.write(10, 0xBB);
  CHECK(v.at(2) == 0x00BB0000);
}

TEST_CASE("VGA odd/even: even addresses to planes 0/2, odd to 1/3, at address >> 1") {
  Planes v;
  v.regs.sequencer.regs[Sequencer::kMemoryMode] = 0x02;  // odd/even on
  v.gc(GraphicsController::kMode, 0x10);                 // reads odd/even too
  v.regs.sequencer.regs[Sequencer::kMapMask] = 0x03;
  v.memory.write(0x20, 'A');
  v.memory.write(0x21, 0x1E);
  CHECK(v.at(0x10) == 0x00001E41);
  CHECK(v.memory.read(0x20) == 'A');
  CHECK(v.memory.read(0x21) == 0x1E);
  // Read map select bit 1 picks planes 2/3.
  v.set(0x10, 0x44330000 | 0x1E41);
  v.gc(GraphicsController::kReadMapSelect, 2);
  CHECK(v.memory.read(0x20) == 0x33);
  CHECK(v.memory.read(0x21) == 0x44);
}

TEST_CASE("VGA memory map: the graphics controller's window and the VBE bank") {
  Planes v;
  auto map = [&](uint8_t misc) { v.gc(GraphicsController::kMisc, misc); };
  map(0x00);
  CHECK(v.memory.window_to_offset(0x1FFFF, 0) == 0x1FFFF);
  map(0x04);
  CHECK(v.memory.window_to_offset(0x10000, 0) == -1);
  CHECK(v.memory.window_to_offset(0x100, 0x30000) == 0x30100);
  map(0x08);
  CHECK(v.memory.window_to_offset(0x10010, 0) == 0x10);
  CHECK(v.memory.window_to_offset(0x18000, 0) == -1);
  map(0x0C);
  CHECK(v.memory.window_to_offset(0x18002, 0) == 2);
  CHECK(v.memory.window_to_offset(0x0, 0) == -1);
}
