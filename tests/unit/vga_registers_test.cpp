// The VGA's register blocks through the card's ports, as a BIOS or driver programs them.
#include <doctest/doctest.h>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "devices/vga/display_timing.h"
#include "devices/vga/std_vga.h"
#include "mmu/address_map.h"

using namespace trapeze;

namespace {

struct Card {
  AddressMap memory{1024 * 1024};
  IoBus io;
  PciBus pci{io};
  uint64_t now_ns = 0;
  StdVga vga{pci, io, memory, {}, [this] { return now_ns; }};

  Card() { io.out(0x3C2, 1, 0x67); }  // colour ports, memory enabled (mode 3's value)
  uint8_t in(uint16_t port) { return static_cast<uint8_t>(io.in(port, 1)); }
  void out(uint16_t port, uint8_t value) { io.out(port, 1, value); }
  void out16(uint16_t port, uint16_t value) { io.out(port, 2, value); }
};

}  // namespace

TEST_CASE("VGA sequencer and graphics controller: index/data pairs, 16-bit writes, masks") {
  Card c;
  c.out16(0x3C4, 0x0F02);  // map mask = 0x0F, as one 16-bit OUT
  c.out(0x3C4, 0x02);
  CHECK(c.in(0x3C5) == 0x0F);
  c.out16(0x3C4, 0xFF04);  // memory mode: only bits 3:1 exist
  CHECK(c.vga.registers().sequencer.regs[4] == 0x0E);
  c.out16(0x3CE, 0xFF05);  // graphics mode: bits 6:3 and 1:0
  c.out(0x3CE, 0x05);
  CHECK(c.in(0x3CF) == 0x7B);
  CHECK(c.in(0x3CE) == 0x05);
  c.out16(0x3CE, 0x0A08);
  CHECK(c.vga.registers().graphics.regs[8] == 0x0A);
}

TEST_CASE("VGA CRTC: the protect bit guards registers 0-7 except line compare bit 8") {
  Card c;
  c.out16(0x3D4, 0x5F00);
  c.out16(0x3D4, 0x1F07);
  c.out16(0x3D4, 0x8011);  // protect on
  c.out16(0x3D4, 0x1200);  // ignored
  c.out16(0x3D4, 0x0007);  // only bit 4 gets through: 0x1F -> 0x0F
  c.out(0x3D4, 0x00);
  CHECK(c.in(0x3D5) == 0x5F);
  c.out(0x3D4, 0x07);
  CHECK(c.in(0x3D5) == 0x0F);
  c.out16(0x3D4, 0x550C);  // start address: not protected
  c.out(0x3D4, 0x0C);
  CHECK(c.in(0x3D5) == 0x55);
  c.out16(0x3D4, 0x0011);  // protect off
  c.out16(0x3D4, 0x1200);
  c.out(0x3D4, 0x00);
  CHECK(c.in(0x3D5) == 0x12);
}

TEST_CASE("VGA CRTC and input status follow misc output bit 0 (mono 0x3Bx, colour 0x3Dx)") {
  Card c;
  c.out16(0x3D4, 0x340E);
  c.out(0x3C2, 0x66);  // mono
  CHECK(c.in(0x3D5) == 0xFF);
  c.out(0x3B4, 0x0E);
  CHECK(c.in(0x3B5) == 0x34);
  CHECK(c.in(0x3CC) == 0x66);
}

TEST_CASE("VGA attribute controller: the flip-flop alternates and input status 1 resets it") {
  Card c;
  c.in(0x3DA);
  c.out(0x3C0, 0x01);  // index 1
  c.out(0x3C0, 0x3F);  // palette 1 = 0x3F
  c.out(0x3C0, 0x12);  // index: colour plane enable
  c.out(0x3C0, 0xFF);  // 6 bits exist (5:4 the video status mux)
  CHECK(c.vga.registers().attribute.regs[1] == 0x3F);
  CHECK(c.vga.registers().attribute.regs[0x12] == 0x3F);
  CHECK(c.vga.registers().attribute.plane_enable() == 0x0F);
  c.out(0x3C0, 0x10);  // index written: the next write would be data...
  c.in(0x3DA);         // ...but reading input status 1 goes back to index
  c.out(0x3C0, 0x33);  // index 0x13 with palette address source (bit 5)
  CHECK(c.in(0x3C0) == 0x33);
  c.out(0x3C0, 0x07);  // pixel panning
  CHECK(c.in(0x3C1) == 0x07);
  CHECK(c.vga.registers().attribute.palette_enabled());
}

TEST_CASE("VGA DAC: auto-incrementing indices, 6-bit values, PEL mask, state") {
  Card c;
  c.out(0x3C8, 0x10);
  for (uint8_t v : {0x3F, 0x20, 0xFF, 0x01, 0x02, 0x03}) c.out(0x3C9, v);
  CHECK(c.in(0x3C8) == 0x12);  // two colours written
  CHECK(c.in(0x3C7) == 0x00);  // last set: the write index
  c.out(0x3C7, 0x10);
  CHECK(c.in(0x3C7) == 0x03);
  CHECK(c.in(0x3C9) == 0x3F);
  CHECK(c.in(0x3C9) == 0x20);
  CHECK(c.in(0x3C9) == 0x3F);  // 0xFF kept 6 bits
  CHECK(c.in(0x3C9) == 0x01);  // the read index moved on to colour 0x11
  CHECK(c.vga.registers().dac.rgb(0x10) == 0xFF82FF);
  c.out(0x3C6, 0x0F);
  CHECK(c.in(0x3C6) == 0x0F);
}

TEST_CASE("VGA input status 1: display enable and vertical retrace follow the virtual clock") {
  Card c;
  using T = vga::DisplayTiming;
  c.now_ns = 0;
  CHECK((c.in(0x3DA) & 0x09) == 0x00);  // drawing the first line
  c.now_ns = T::kVisibleLineNs + 10;
  CHECK((c.in(0x3DA) & 0x09) == 0x01);  // horizontal blank
  c.now_ns = T::kLineNs * T::kRetraceFirstLine;
  CHECK((c.in(0x3DA) & 0x09) == 0x09);  // vertical retrace
  c.now_ns = T::kFrameNs + 5;
  CHECK((c.in(0x3DA) & 0x09) == 0x00);  // the next frame
}

TEST_CASE("VGA PCI function: identity, framebuffer BAR, ROM BAR") {
  AddressMap memory{1024 * 1024};
  IoBus io;
  PciBus pci{io};
  std::vector<uint8_t> rom(40000, 0);
  rom[0] = 0x55;
  rom[1] = 0xAA;
  StdVga vga{pci, io, memory, rom, [] { return uint64_t{0}; }};
  CHECK(vga.config_read(0x00, 4) == 0x11111234);
  CHECK(vga.config_read(0x08, 4) == 0x03000002);
  vga.config_write(0x10, 4, 0xFFFFFFFF);
  CHECK(vga.config_read(0x10, 4) == 0xFF000008);  // 16 MiB, prefetchable memory
  vga.config_write(0x30, 4, 0xFFFFF800);
  CHECK(vga.config_read(0x30, 4) == 0xFFFF0000);  // 64 KiB holds the 40000-byte image
  vga.config_write(0x10, 4, 0xFD000000);
  vga.config_write(0x30, 4, 0xFEB00001);
  vga.config_write(0x04, 2, 0x0003);
  CHECK(memory.read(0xFEB00000, 2) == 0xAA55);
  // The framebuffer is the video memory, as the legacy window in chain-4 sees it.
  memory.write(0xFD000123, 1, 0x77);
  CHECK(vga.video_memory().bytes()[0x123] == 0x77);
}
