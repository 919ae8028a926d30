#include "devices/dma8237.h"

#include <fmt/format.h>

#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

using namespace dma;

namespace {

constexpr uint16_t kDma1First = 0x00;
constexpr uint16_t kDma1Last = 0x0F;
constexpr uint16_t kDma2First = 0xC0;
constexpr uint16_t kDma2Last = 0xDF;
constexpr uint16_t kPageLast = 0x8F;

// The 8237's registers by A3-A0 (datasheet table 2).
constexpr unsigned kRegStatusCommand = 0x8;
constexpr unsigned kRegRequest = 0x9;
constexpr unsigned kRegSingleMask = 0xA;
constexpr unsigned kRegMode = 0xB;
constexpr unsigned kRegClearFlipFlop = 0xC;
constexpr unsigned kRegTemporaryMasterClear = 0xD;
constexpr unsigned kRegClearMask = 0xE;
constexpr unsigned kRegAllMask = 0xF;

// Page register offsets (port - 0x80) of channels 0-7: the AT's wiring of the 74LS612.
constexpr std::array<unsigned, 8> kPageIndex = {0x7, 0x3, 0x1, 0x2, 0xF, 0xB, 0x9, 0xA};

}  // namespace

Dma8237::Dma8237(IoBus& bus, PhysicalMemory& memory)
    : memory_(memory),
      log_(log::component("dma")),
      dma1_registration_(bus.map("dma1", kDma1First, kDma1Last, kIoWidth8, *this)),
      page_registration_(bus.map("dma-page", kPagePortBase, kPageLast, kIoWidth8, *this)),
      dma2_registration_(bus.map("dma2", kDma2First, kDma2Last, kIoWidth8, *this)) {
  reset();
}

void Dma8237::reset() {
  for (Controller& chip : chips_) {
    chip.channels.fill(Channel{});
    chip.dreq = 0;
    master_clear(chip);
  }
  pages_.fill(0);
}

void Dma8237::master_clear(Controller& chip) {
  // Datasheet: clears command, status, request, temporary and the flip-flop, and sets
  // every mask bit. Addresses, counts and modes are kept.
  chip.command = 0;
  chip.status = 0;
  chip.request = 0;
  chip.temporary = 0;
  chip.flip_flop = false;
  chip.mask = 0x0F;
}

// ---- Transfers ----

bool Dma8237::channel_ready(unsigned channel) const {
  const Controller& chip = chips_[channel / 4];
  const unsigned index = channel % 4;
  if (chip.command & kCommandDisable) return false;
  if (chip.mask & (1u << index)) return false;
  if ((chip.channels[index].mode & kModeMask) == kModeCascade) return false;
  // DMA1 reaches the bus through DMA2's channel 4 (its hold request is DREQ4).
  if (channel < 4) {
    const Controller& master = chips_[1];
    if ((master.command & kCommandDisable) || (master.mask & 1)) return false;
  }
  return true;
}

size_t Dma8237::transfer(unsigned channel, std::span<uint8_t> device_bytes, bool to_memory) {
  if (channel >= kChannels || channel == 4) {
    throw std::out_of_range(fmt::format("dma: no transfers on channel {}", channel));
  }
  Controller& chip = chips_[channel / 4];
  const unsigned index = channel % 4;
  Channel& regs = chip.channels[index];
  regs.ended_at_tc = false;
  if (!channel_ready(channel)) {
    log_->trace("dma: channel {} not ready (masked, disabled or cascade)", channel);
    return 0;
  }
  const uint8_t type = regs.mode & kModeTypeMask;
  if (type == kModeTypeMask) {
    log::once(log_,
              fmt::format("dma: channel {} programmed with the illegal transfer type 3", channel));
    return 0;
  }
  if (type != kModeVerify && to_memory != (type == kModeWrite)) {
    log::once(log_,
              fmt::format("dma: channel {} is programmed to {} memory but its device {}", channel,
                          type == kModeWrite ? "write" : "read", to_memory ? "writes" : "reads"));
  }
  if (chip.command & kCommandMemToMem) {
    log::once(log_, "dma: memory-to-memory transfers are not implemented");
  }

  const size_t unit = channel < 4 ? 1 : 2;
  size_t moved = 0;
  while (device_bytes.size() - moved >= unit) {
    const uint32_t address = physical_address(channel);
    for (size_t i = 0; i < unit; ++i) {
      if (type == kModeWrite) {
        memory_.write(address + i, 1, device_bytes[moved + i]);
      } else if (type == kModeRead) {
        device_bytes[moved + i] = static_cast<uint8_t>(memory_.read(address + i, 1));
      }
    }
    moved += unit;
    // The address counts within its 16 bits: 8-bit channels wrap at 64 KiB boundaries,
    // 16-bit channels at 128 KiB; the page register never carries.
    regs.address =
        static_cast<uint16_t>(regs.mode & kModeDecrement ? regs.address - 1 : regs.address + 1);
    // Terminal count: the count rolls over from 0 to 0xFFFF (count + 1 units in all).
    if (regs.count-- == 0) {
      chip.status |= static_cast<uint8_t>(1u << index);
      chip.request &= static_cast<uint8_t>(~(1u << index));
      if (regs.mode & kModeAutoinit) {
        regs.address = regs.base_address;
        regs.count = regs.base_count;
      } else {
        chip.mask |= static_cast<uint8_t>(1u << index);
      }
      regs.ended_at_tc = true;
      break;
    }
  }
  log_->trace("dma: channel {} moved {} bytes{}", channel, moved,
              regs.ended_at_tc ? ", terminal count" : "");
  return moved;
}

bool Dma8237::terminal_count(unsigned channel) const {
  return channel < kChannels && channel_regs(channel).ended_at_tc;
}

void Dma8237::set_request(unsigned channel, bool active) {
  if (channel >= kChannels) return;
  Controller& chip = chips_[channel / 4];
  const uint8_t bit = static_cast<uint8_t>(1u << (channel % 4));
  chip.dreq = active ? (chip.dreq | bit) : (chip.dreq & ~bit);
}

uint32_t Dma8237::physical_address(unsigned channel) const {
  const Channel& regs = channel_regs(channel);
  const uint32_t page = pages_[kPageIndex[channel % kChannels]];
  if (channel < 4) return (page << 16) | regs.address;
  // Word addressing: the address register drives A1-A16, the page A17-A23.
  return ((page & 0xFE) << 16) | (uint32_t{regs.address} << 1);
}

Dma8237::ChannelState Dma8237::channel_state(unsigned channel) const {
  const Controller& chip = chips_[(channel / 4) & 1];
  const unsigned index = channel % 4;
  const Channel& regs = chip.channels[index];
  ChannelState state;
  state.base_address = regs.base_address;
  state.base_count = regs.base_count;
  state.current_address = regs.address;
  state.current_count = regs.count;
  state.mode = regs.mode;
  state.page = pages_[kPageIndex[channel % kChannels]];
  state.masked = (chip.mask >> index) & 1;
  state.terminal_count = (chip.status >> index) & 1;
  state.request = ((chip.request | chip.dreq) >> index) & 1;
  return state;
}

// ---- Registers ----

unsigned Dma8237::register_index(unsigned chip, uint16_t port) {
  if (chip == 0) return port & 0x0F;
  return ((port - kDma2First) >> 1) & 0x0F;
}

uint8_t Dma8237::peek_register(unsigned chip_index, unsigned reg) const {
  const Controller& chip = chips_[chip_index];
  if (reg < kRegStatusCommand) {
    const Channel& regs = chip.channels[reg / 2];
    const uint16_t value = (reg & 1) ? regs.count : regs.address;
    return static_cast<uint8_t>(chip.flip_flop ? value >> 8 : value);
  }
  switch (reg) {
    case kRegStatusCommand:
      return static_cast<uint8_t>((chip.status & 0x0F) | ((chip.request | chip.dreq) << 4));
    case kRegTemporaryMasterClear:
      return chip.temporary;
    case kRegAllMask:
      // The 8237A cannot read its mask; the PIIX-era bridges can, with bits 4-7 set.
      return static_cast<uint8_t>(0xF0 | chip.mask);
    default:
      // Write-only registers: nothing drives the bus.
      return 0xFF;
  }
}

uint8_t Dma8237::read_register(unsigned chip_index, unsigned reg) {
  Controller& chip = chips_[chip_index];
  const uint8_t value = peek_register(chip_index, reg);
  if (reg < kRegStatusCommand) {
    chip.flip_flop = !chip.flip_flop;
  } else if (reg == kRegStatusCommand) {
    chip.status = 0;  // reading the status clears the TC bits
  }
  return value;
}

void Dma8237::write_register(unsigned chip_index, unsigned reg, uint8_t value) {
  Controller& chip = chips_[chip_index];
  if (reg < kRegStatusCommand) {
    Channel& regs = chip.channels[reg / 2];
    // Base and current registers are written together, a byte at a time.
    const auto merge = [&](uint16_t old) {
      return static_cast<uint16_t>(chip.flip_flop ? (old & 0x00FF) | (value << 8)
                                                  : (old & 0xFF00) | value);
    };
    if (reg & 1) {
      regs.base_count = merge(regs.base_count);
      regs.count = regs.base_count;
    } else {
      regs.base_address = merge(regs.base_address);
      regs.address = regs.base_address;
    }
    chip.flip_flop = !chip.flip_flop;
    return;
  }
  const unsigned index = value & 3;
  const uint8_t bit = static_cast<uint8_t>(1u << index);
  switch (reg) {
    case kRegStatusCommand:
      chip.command = value;
      if (value & kCommandMemToMem) {
        log::once(log_, "dma: memory-to-memory mode enabled (not implemented)");
      }
      return;
    case kRegRequest:
      chip.request = (value & 0x04) ? (chip.request | bit) : (chip.request & ~bit);
      return;
    case kRegSingleMask:
      chip.mask = (value & 0x04) ? (chip.mask | bit) : (chip.mask & ~bit);
      return;
    case kRegMode:
      chip.channels[index].mode = value & 0xFC;
      log_->trace("dma: channel {} mode {:#04x}", chip_index * 4 + index, value);
      return;
    case kRegClearFlipFlop:
      chip.flip_flop = false;
      return;
    case kRegTemporaryMasterClear:
      master_clear(chip);
      return;
    case kRegClearMask:
      chip.mask = 0;
      return;
    case kRegAllMask:
      chip.mask = value & 0x0F;
      return;
    default:
      return;
  }
}

uint8_t Dma8237::peek(uint16_t port) const {
  if (port >= kPagePortBase && port <= kPageLast) return pages_[port - kPagePortBase];
  if (port >= kDma2First && port <= kDma2Last) return peek_register(1, register_index(1, port));
  if (port <= kDma1Last) return peek_register(0, register_index(0, port));
  return 0xFF;
}

uint32_t Dma8237::io_read(uint16_t port, unsigned /*size_bytes*/) {
  if (port >= kPagePortBase && port <= kPageLast) return pages_[port - kPagePortBase];
  const unsigned chip = port >= kDma2First ? 1 : 0;
  return read_register(chip, register_index(chip, port));
}

void Dma8237::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  const uint8_t byte = static_cast<uint8_t>(value);
  if (port >= kPagePortBase && port <= kPageLast) {
    if (port == kPostCodePort) log_->debug("POST code {:#04x}", byte);
    pages_[port - kPagePortBase] = byte;
    return;
  }
  const unsigned chip = port >= kDma2First ? 1 : 0;
  write_register(chip, register_index(chip, port), byte);
}

}  // namespace trapeze
