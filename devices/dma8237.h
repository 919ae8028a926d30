// The PC/AT's ISA DMA: two Intel 8237A controllers (8237A High Performance Programmable
// DMA Controller datasheet) and the page registers (a 74LS612 on the AT) that supply
// address bits 16-23.
//
//   DMA1, 8-bit channels 0-3, ports 0x00-0x0F: byte addresses and byte counts.
//   DMA2, 16-bit channels 4-7, ports 0xC0-0xDF at even addresses (A0 is not decoded, so
//   odd ports alias): word addresses and word counts. Channel 4 is the cascade input
//   from DMA1, so DMA1's channels only run while DMA2's channel 4 is unmasked (SeaBIOS
//   sets it to cascade mode and unmasks it at POST).
//   Page registers 0x80-0x8F: 0x87, 0x83, 0x81, 0x82 for channels 0-3 and 0x8F, 0x8B,
//   0x89, 0x8A for channels 4-7 (bit 0 unused on 16-bit channels, where A16 comes from the
//   address register). The other bytes are plain storage; 0x80 is where firmware writes
//   its POST codes, logged at debug level.
//
// Register file per controller: base and current address and count for each channel
// (written through the byte-pointer flip-flop, low byte first), mode (transfer type,
// autoinit, decrement, demand/single/block/cascade), command (bit 2 disables the
// controller), request, mask (single, all, clear), status (TC bits 0-3, cleared on read;
// request bits 4-7), temporary register, master clear.
//
// Transfers. A device with data for a channel (floppy, Sound Blaster) calls transfer():
// the bytes move through the board's memory with its bounds checks (never host memory),
// and the address, count, TC status and mask change as the chip would change them. The
// direction is the one the guest programmed in the mode register, as on hardware (the
// device's expectation only matters for a warning). Memory-to-memory transfers (command
// bit 0, channels 0 and 1) are not implemented: no PC software uses them.
//
// Wiring (the board): ports 0x00-0x0F, 0x80-0x8F and 0xC0-0xDF (8-bit) on the I/O bus;
// `memory` is the board's AddressMap, or better a thin PhysicalMemory in front of it that
// also invalidates the CPU's decoded code for the pages written (Mmu::code_pages()):
// AddressMap::write() alone does not, and a floppy read over code that already ran
// (a boot sector loaded twice at 0x7C00) must not execute stale decodes. No interrupt
// line: the 8237 has none (devices raise their own IRQ at TC).
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "devices/io_bus.h"
#include "mmu/physical_memory.h"

namespace trapeze {

namespace dma {

// Mode register (write to 0x0B / 0xD6): bits 0-1 select the channel.
inline constexpr uint8_t kModeTypeMask = 0x0C;
inline constexpr uint8_t kModeVerify = 0x00;
inline constexpr uint8_t kModeWrite = 0x04;  // device to memory
inline constexpr uint8_t kModeRead = 0x08;   // memory to device
inline constexpr uint8_t kModeAutoinit = 0x10;
inline constexpr uint8_t kModeDecrement = 0x20;
inline constexpr uint8_t kModeMask = 0xC0;
inline constexpr uint8_t kModeDemand = 0x00;
inline constexpr uint8_t kModeSingle = 0x40;
inline constexpr uint8_t kModeBlock = 0x80;
inline constexpr uint8_t kModeCascade = 0xC0;

// Command register (write to 0x08 / 0xD0).
inline constexpr uint8_t kCommandMemToMem = 0x01;
inline constexpr uint8_t kCommandDisable = 0x04;

}  // namespace dma

class Dma8237 : public IoHandler {
 public:
  static constexpr unsigned kChannels = 8;
  static constexpr uint16_t kPagePortBase = 0x80;
  static constexpr uint16_t kPostCodePort = 0x80;

  // What the debugger and tests can see of one channel.
  struct ChannelState {
    uint16_t base_address = 0;
    uint16_t base_count = 0;
    uint16_t current_address = 0;
    uint16_t current_count = 0;
    uint8_t mode = 0;  // bits 2-7 as written
    uint8_t page = 0;
    bool masked = true;
    bool terminal_count = false;  // the status register's TC bit (until read)
    bool request = false;         // DREQ or a software request
  };

  Dma8237(IoBus& bus, PhysicalMemory& memory);
  Dma8237(const Dma8237&) = delete;
  Dma8237& operator=(const Dma8237&) = delete;

  // Power-on: both controllers master-cleared (every channel masked) with zeroed
  // address, count and mode registers, and zeroed page registers.
  void reset();

  // Moves up to device_bytes.size() bytes on `channel` (0-3, 5-7): into memory from
  // `device_bytes` or out of memory into it, per the channel's mode; a verify-mode
  // channel only counts. Stops at terminal count or when the span is used up (16-bit
  // channels move whole words: an odd last byte stays). Returns the bytes moved, 0 when
  // the channel is masked, its controller disabled or in cascade mode. `to_memory` is
  // the device's side of the direction; a mismatch with the mode is logged once.
  // Throws std::out_of_range for channel 4 or >= 8 (a wiring bug, not a guest error).
  size_t transfer(unsigned channel, std::span<uint8_t> device_bytes, bool to_memory);
  // Whether the last transfer() on `channel` ended at terminal count (the TC pulse the
  // device sees, e.g. the floppy controller ends its command on it).
  bool terminal_count(unsigned channel) const;
  // The channel's DREQ line as the device drives it (status bits 4-7).
  void set_request(unsigned channel, bool active);

  // ---- State, without side effects (debugger, tests) ----
  ChannelState channel_state(unsigned channel) const;
  // The physical address the channel's next transfer touches.
  uint32_t physical_address(unsigned channel) const;
  uint8_t page_register(unsigned index) const { return pages_[index & 0x0F]; }
  // What a read of `port` would return, without toggling the flip-flop or clearing TC.
  uint8_t peek(uint16_t port) const;

  // ---- IoHandler ----
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  struct Channel {
    uint16_t base_address = 0;
    uint16_t base_count = 0;
    uint16_t address = 0;
    uint16_t count = 0;
    uint8_t mode = 0;
    bool ended_at_tc = false;  // the last transfer() reached terminal count
  };
  // One 8237A.
  struct Controller {
    std::array<Channel, 4> channels{};
    uint8_t command = 0;
    uint8_t status = 0;   // TC bits 0-3
    uint8_t request = 0;  // software request bits 0-3
    uint8_t dreq = 0;     // device request lines 0-3
    uint8_t mask = 0x0F;
    uint8_t temporary = 0;
    bool flip_flop = false;  // false: the next byte is the low byte
  };

  // Register index 0-15 (the 8237's A0-A3) of a port on controller `chip`.
  static unsigned register_index(unsigned chip, uint16_t port);
  uint8_t read_register(unsigned chip, unsigned reg);
  void write_register(unsigned chip, unsigned reg, uint8_t value);
  uint8_t peek_register(unsigned chip, unsigned reg) const;
  static void master_clear(Controller& controller);
  // Whether `channel` would answer its DREQ now.
  bool channel_ready(unsigned channel) const;
  Channel& channel_regs(unsigned channel) { return chips_[channel / 4].channels[channel % 4]; }
  const Channel& channel_regs(unsigned channel) const {
    return chips_[channel / 4].channels[channel % 4];
  }

  PhysicalMemory& memory_;
  std::shared_ptr<spdlog::logger> log_;
  std::array<Controller, 2> chips_{};
  std::array<uint8_t, 16> pages_{};

  IoRegistration dma1_registration_;
  IoRegistration page_registration_;
  IoRegistration dma2_registration_;
};

}  // namespace trapeze
