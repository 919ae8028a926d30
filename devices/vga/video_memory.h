// The VGA's video memory as the CPU sees it through the 0xA0000-0xBFFFF window: the
// four planes, the latches, and the graphics controller's read and write pipelines.
// IBM VGA Technical Reference, "Graphics Controller" (write modes 0-3, read modes 0-1);
// FreeVGA "VGA Memory Organization" and "Write/Read Modes".
//
// Layout: the planes are interleaved, byte p of each 32-bit group being plane p (QEMU's
// layout too). So chain-4 addressing, where CPU address bits 1:0 pick the plane, is
// plain linear access to the buffer, and the Bochs VBE linear framebuffer is the same
// bytes. A CPU address becomes a plane address as follows:
//  - chain-4 (sequencer memory mode bit 3): plane address >> 2, plane = address & 3;
//  - odd/even (sequencer memory mode bit 2 clear for writes, graphics mode bit 4 for
//    reads): plane address >> 1, plane pair picked by address bit 0;
//  - planar: the address itself, planes from the map mask (writes) or read map select.
// Hardware keeps the address unshifted and shifts the CRTC's addresses instead (word and
// doubleword modes); shifting on the CPU side keeps the planes dense, and the renderer
// drops the CRTC's shift to match.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "devices/vga/vga_registers.h"

namespace trapeze::vga {

class VideoMemory {
 public:
  // `size_bytes` of zeroed memory (a multiple of 64 KiB; the planes get a quarter each
  // in planar modes, which reach only the first 256 KiB).
  VideoMemory(VgaRegisters& registers, uint32_t size_bytes);

  // A CPU access at video-memory `offset` (what window_to_offset() made of the CPU's
  // address): chain-4, odd/even or planar as the registers say, through the latches.
  uint8_t read(uint32_t offset);
  void write(uint32_t offset, uint8_t value);

  // Where `window_offset` (0-0x1FFFF from 0xA0000) lands in video memory, given the
  // graphics controller's memory map and the VBE bank, or -1 when outside the window.
  int64_t window_to_offset(uint32_t window_offset, uint32_t bank_offset) const;

  uint32_t latches() const { return latches_; }
  std::span<uint8_t> bytes() { return vram_; }
  std::span<const uint8_t> bytes() const { return vram_; }
  uint32_t size() const { return static_cast<uint32_t>(vram_.size()); }
  // The 32-bit group of the four planes at `plane_address`.
  uint32_t planes(uint32_t plane_address) const;
  uint8_t plane_byte(unsigned plane, uint32_t plane_address) const {
    return vram_[(plane_address * 4 + plane) % vram_.size()];
  }
  // Bumped by every write: the renderer redraws only when it changed.
  uint64_t generation() const { return generation_; }
  void touch() { ++generation_; }
  void clear();

 private:
  void write_planes(uint32_t plane_address, uint8_t plane_mask, uint8_t value);

  VgaRegisters& regs_;
  std::vector<uint8_t> vram_;
  uint32_t latches_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace trapeze::vga
