// The Bochs VBE DISPI interface as SeaVGABIOS's bochsvga.c and Linux's bochs-drm use it.
#include "devices/vga/vbe_dispi.h"

#include <doctest/doctest.h>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "devices/vga/std_vga.h"
#include "mmu/address_map.h"

using namespace trapeze;
using vga::VbeDispi;

namespace {

struct Dispi {
  IoBus io;
  AddressMap memory{1024 * 1024};
  PciBus pci{io};
  StdVga vga{pci, io, memory, {}, [] { return uint64_t{0}; }};
  void set(uint16_t index, uint16_t value) {
    io.out(VbeDispi::kIndexPort, 2, index);
    io.out(VbeDispi::kDataPort, 2, value);
  }
  uint16_t get(uint16_t index) {
    io.out(VbeDispi::kIndexPort, 2, index);
    return static_cast<uint16_t>(io.in(VbeDispi::kDataPort, 2));
  }
};

}  // namespace

TEST_CASE("VBE DISPI: ID handshake, video memory size, GETCAPS") {
  Dispi d;
  d.set(VbeDispi::kId, 0xB0C0);
  CHECK(d.get(VbeDispi::kId) == 0xB0C0);
  d.set(VbeDispi::kId, 0x1234);  // not an ID: ignored
  CHECK(d.get(VbeDispi::kId) == 0xB0C0);
  d.set(VbeDispi::kId, 0xB0C5);
  CHECK(d.get(VbeDispi::kId) == 0xB0C5);
  CHECK(d.get(VbeDispi::kVideoMemory64k) == 256);  // 16 MiB
  d.set(VbeDispi::kXres, 800);
  d.set(VbeDispi::kEnable, VbeDispi::kGetCaps);
  CHECK(d.get(VbeDispi::kXres) == VbeDispi::kMaxXres);
  CHECK(d.get(VbeDispi::kYres) == VbeDispi::kMaxYres);
  CHECK(d.get(VbeDispi::kBpp) == 32);
  d.set(VbeDispi::kEnable, 0);
  CHECK(d.get(VbeDispi::kXres) == 800);
}

TEST_CASE("VBE DISPI: enabling a mode sets the virtual size, clears memory, maps the bank") {
  Dispi d;
  auto vram = d.vga.video_memory().bytes();
  vram[5] = 0x77;
  vram[0x20005] = 0x66;
  d.set(VbeDispi::kBpp, 32);
  d.set(VbeDispi::kXres, 320);
  d.set(VbeDispi::kYres, 200);
  d.set(VbeDispi::kEnable, VbeDispi::kEnabled | VbeDispi::kLinearFramebuffer);
  CHECK(d.get(VbeDispi::kVirtWidth) == 320);
  CHECK(d.get(VbeDispi::kVirtHeight) == 16 * 1024 * 1024 / (320 * 4));
  CHECK(vram[5] == 0);  // inside the 256000-byte picture: cleared
  CHECK(d.vga.dispi().start_offset() == 0);
  // The legacy window is a 64 KiB bank of the framebuffer.
  d.set(VbeDispi::kBank, 2);
  d.memory.write(0xA0005, 1, 0x99);
  CHECK(vram[0x20005] == 0x99);
  CHECK(d.memory.read(0xA0005, 1) == 0x99);
  // Virtual width and offsets move the scanout.
  d.set(VbeDispi::kVirtWidth, 400);
  d.set(VbeDispi::kXOffset, 3);
  d.set(VbeDispi::kYOffset, 2);
  CHECK(d.vga.dispi().start_offset() == 2 * 1600 + 12);
  // Keep-memory enable leaves the contents alone.
  vram[7] = 0x55;
  d.set(VbeDispi::kEnable, 0);
  d.set(VbeDispi::kEnable, VbeDispi::kEnabled | VbeDispi::kNoClearMemory);
  CHECK(vram[7] == 0x55);
}

TEST_CASE("VBE DISPI: the 8-bit DAC switch keeps 8-bit colour values") {
  Dispi d;
  d.set(VbeDispi::kEnable, VbeDispi::kEnabled | VbeDispi::kEightBitDac);
  d.io.out(0x3C8, 1, 4);
  for (uint8_t v : {0xC8, 0x80, 0x10}) d.io.out(0x3C9, 1, v);
  CHECK(d.vga.registers().dac.rgb(4) == 0xC88010);
  d.io.out(0x3C7, 1, 4);
  CHECK(d.io.in(0x3C9, 1) == 0xC8);
}
