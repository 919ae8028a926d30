// The QEMU/Bochs "standard VGA" (PCI 1234:1111, class 0300 display/VGA) at PCI 00:02.0,
// as QEMU's pc machine has it: a VGA with the Bochs VBE extensions, which Debian's
// SeaVGABIOS (vgabios-stdvga.bin) drives unmodified. QEMU docs "standard-vga";
// SEABIOS.md "VGA option ROM".
//
// What the guest sees:
//  - PCI: BAR0 the linear framebuffer (all 16 MiB of video memory, 32-bit prefetchable
//    memory), the expansion-ROM BAR serving the VGA BIOS, which SeaBIOS copies to
//    0xC0000 and calls at C000:0003. No BAR2 (QEMU's MMIO copy of the ports): the BIOS
//    then uses the ports.
//  - Legacy decode, always on as on any VGA: ports 0x3B0-0x3DF (8-bit; the bus splits
//    the 16-bit index/data writes BIOSes do), the DISPI ports 0x1CE/0x1CF, and memory
//    0xA0000-0xBFFFF, which the graphics controller's memory map carves into the 128,
//    64 or 32 KiB window the mode uses (an MMIO handler: planar modes need the latches).
//  - The LFB is mapped as RAM-like memory (the CPU writes it directly) with write
//    tracking, so an idle screen costs nothing and a busy one costs one slow write per
//    frame.
//
// Wiring (the board): construct after the PciBus, with the I/O bus, the address map,
// the ROM image (bios/vga_bios.h) and a clock returning the current virtual time (the
// scheduler's now_ns(), current at every port access); reset() on machine reset.
#pragma once

#include <spdlog/logger.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "devices/display_source.h"
#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "devices/pci_device.h"
#include "devices/vga/renderer.h"
#include "devices/vga/vbe_dispi.h"
#include "devices/vga/vga_registers.h"
#include "devices/vga/video_memory.h"
#include "mmu/address_map.h"

namespace trapeze {

class StdVga final : public PciDevice, public IoHandler, public MmioHandler, public DisplaySource {
 public:
  static constexpr PciAddress kAddress{2, 0};
  static constexpr uint16_t kVendorId = 0x1234;
  static constexpr uint16_t kDeviceId = 0x1111;
  static constexpr uint8_t kRevision = 0x02;
  static constexpr uint32_t kClassVga = 0x030000;
  static constexpr uint32_t kVideoMemoryBytes = 16 * 1024 * 1024;
  static constexpr uint64_t kLegacyWindowBase = 0xA0000;
  static constexpr uint64_t kLegacyWindowBytes = 0x20000;

  StdVga(PciBus& bus, IoBus& io, AddressMap& memory, std::vector<uint8_t> rom,
         std::function<uint64_t()> clock_ns);
  ~StdVga() override;

  // Power-on state: registers cleared, DISPI off (video memory keeps its contents).
  void reset();

  // IoHandler: 0x3B0-0x3DF and 0x1CE-0x1CF.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;
  // MmioHandler: the 0xA0000-0xBFFFF window.
  uint64_t read(uint64_t offset, unsigned size_bytes) override;
  void write(uint64_t offset, unsigned size_bytes, uint64_t value) override;

  // DisplaySource.
  FrameView frame() override;
  std::optional<std::string> text_screen() override;

  // For tests and the monitor.
  vga::VgaRegisters& registers() { return regs_; }
  vga::VideoMemory& video_memory() { return memory_; }
  vga::VbeDispi& dispi() { return dispi_; }

 private:
  uint8_t read_port(uint16_t port);
  void write_port(uint16_t port, uint8_t value);
  void write_dispi(uint16_t value);
  // The card's ports 0x3Bx or 0x3Dx, whichever misc output bit 0 does not select, are
  // not decoded.
  bool inactive_port(uint16_t port) const;
  vga::BlinkPhase blink_phase() const;

  AddressMap& address_map_;
  std::function<uint64_t()> clock_ns_;
  vga::VgaRegisters regs_;
  vga::VideoMemory memory_;
  vga::VbeDispi dispi_;
  IoRegistration vga_ports_;
  IoRegistration dispi_ports_;
  // Where BAR0 is mapped (shared with the BAR mapping, which outlives this class's members).
  std::shared_ptr<std::optional<uint64_t>> lfb_base_;
  // What the last frame was drawn from: redraw when any of it changed.
  uint64_t register_generation_ = 0;
  uint64_t lfb_generation_ = 0;
  struct DrawnFrom {
    uint64_t registers = ~uint64_t{0};
    uint64_t memory = 0;
    uint64_t lfb = 0;
    bool cursor_visible = false;
    bool characters_visible = false;
    friend bool operator==(const DrawnFrom&, const DrawnFrom&) = default;
  };
  DrawnFrom drawn_from_;
  vga::Frame frame_;
  vga::TextCellCache text_cells_;  // what frame_ shows, cell by cell, in text modes
  uint64_t frame_generation_ = 0;
  RowRange changed_;  // what frame_generation_ changed
};

}  // namespace trapeze
