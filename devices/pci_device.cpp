#include "devices/pci_device.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <utility>

#include "cpu/log.h"
#include "devices/pci_bus.h"

namespace trapeze {

namespace {

constexpr uint64_t kIoSpaceEnd = 0x10000;         // the PIIX3 forwards 16-bit I/O addresses
constexpr uint64_t kMemorySpaceEnd = 1ull << 32;  // 32-bit BARs

void check_size(const std::string& name, uint32_t size_bytes, uint32_t minimum) {
  if (size_bytes < minimum || !std::has_single_bit(size_bytes))
    throw std::invalid_argument(
        fmt::format("pci: '{}' region of {:#x} bytes is not a power of two of at least {:#x}", name,
                    size_bytes, minimum));
}

}  // namespace

// ---- Ready-made BAR mappings ----

PciBarMapping io_bar_mapping(IoBus& io, std::string name, IoHandler& handler,
                             unsigned widths_mask) {
  // The registration lives as long as the mapping's callbacks.
  auto registration = std::make_shared<IoRegistration>();
  return PciBarMapping{[&io, &handler, registration, name = std::move(name), widths_mask](
                           uint64_t base, uint64_t size_bytes) {
                         *registration = io.map(name, static_cast<uint16_t>(base),
                                                static_cast<uint16_t>(base + size_bytes - 1),
                                                widths_mask, handler);
                       },
                       [registration] { registration->reset(); }};
}

PciBarMapping mmio_bar_mapping(AddressMap& memory, std::string name, MmioHandler& handler) {
  auto mapped_base = std::make_shared<std::optional<uint64_t>>();
  return PciBarMapping{
      [&memory, &handler, mapped_base, name = std::move(name)](uint64_t base, uint64_t size_bytes) {
        memory.map_mmio(name, base, size_bytes, handler);
        *mapped_base = base;
      },
      [&memory, mapped_base] {
        if (*mapped_base) memory.unmap(**mapped_base);
        mapped_base->reset();
      }};
}

PciBarMapping rom_bar_mapping(AddressMap& memory, std::string name, std::vector<uint8_t> image) {
  auto mapped_base = std::make_shared<std::optional<uint64_t>>();
  auto rom = std::make_shared<std::vector<uint8_t>>(std::move(image));
  return PciBarMapping{
      [&memory, mapped_base, rom, name = std::move(name)](uint64_t base, uint64_t size_bytes) {
        // The whole window belongs to the ROM; bytes past the image read as erased flash.
        std::vector<uint8_t> window(size_bytes, 0xFF);
        std::copy_n(rom->begin(), std::min<uint64_t>(rom->size(), size_bytes), window.begin());
        memory.map_rom(name, base, window);
        *mapped_base = base;
      },
      [&memory, mapped_base] {
        if (*mapped_base) memory.unmap(**mapped_base);
        mapped_base->reset();
      }};
}

// ---- Construction ----

PciDevice::PciDevice(PciBus& bus, PciAddress address, std::string name, const PciIdentity& identity)
    : bus_(bus), address_(address), name_(std::move(name)), log_(log::component("pci")) {
  using namespace pci;
  define_register16(kVendorId, identity.vendor_id);
  define_register16(kDeviceId, identity.device_id);
  // Decode enables, bus mastering, error reporting and Interrupt Disable, as a simple
  // function implements them; chips with fixed bits redefine the register.
  define_register16(kCommand, 0,
                    kCommandIo | kCommandMemory | kCommandMaster | kCommandParity | kCommandSerr |
                        kCommandInterruptDisable);
  define_register16(kStatus, 0, 0, kStatusErrorBits);
  define_register8(kRevisionId, identity.revision);
  define_register8(kClassCode, static_cast<uint8_t>(identity.class_code));
  define_register8(kClassCode + 1, static_cast<uint8_t>(identity.class_code >> 8));
  define_register8(kClassCode + 2, static_cast<uint8_t>(identity.class_code >> 16));
  define_register8(kCacheLineSize, 0, 0xFF);
  define_register8(kLatencyTimer, 0, 0xFF);
  define_register8(kHeaderType, identity.header_type);
  define_register16(kSubsystemVendorId, identity.subsystem_vendor_id);
  define_register16(kSubsystemId, identity.subsystem_id);
  define_register8(kInterruptLine, 0, 0xFF);  // scratch for software: the IRQ it routed
  define_register8(kInterruptPin, identity.interrupt_pin);
  bus_.attach(*this, address_);
}

PciDevice::~PciDevice() {
  unmap_all();
  bus_.detach(*this);
}

void PciDevice::define_register8(uint8_t offset, uint8_t reset_value, uint8_t write_mask,
                                 uint8_t clear_mask) {
  config_[offset] = reset_config_[offset] = reset_value;
  write_mask_[offset] = reset_write_mask_[offset] = write_mask;
  clear_mask_[offset] = clear_mask;
}

void PciDevice::define_register16(uint8_t offset, uint16_t reset_value, uint16_t write_mask,
                                  uint16_t clear_mask) {
  for (unsigned i = 0; i < 2; ++i)
    define_register8(static_cast<uint8_t>(offset + i), static_cast<uint8_t>(reset_value >> (8 * i)),
                     static_cast<uint8_t>(write_mask >> (8 * i)),
                     static_cast<uint8_t>(clear_mask >> (8 * i)));
}

void PciDevice::define_register32(uint8_t offset, uint32_t reset_value, uint32_t write_mask,
                                  uint32_t clear_mask) {
  for (unsigned i = 0; i < 4; ++i)
    define_register8(static_cast<uint8_t>(offset + i), static_cast<uint8_t>(reset_value >> (8 * i)),
                     static_cast<uint8_t>(write_mask >> (8 * i)),
                     static_cast<uint8_t>(clear_mask >> (8 * i)));
}

void PciDevice::define_bar(unsigned index, PciBarType type, uint32_t size_bytes,
                           PciBarMapping mapping) {
  if (index >= kBarCount) throw std::invalid_argument("pci: BAR index out of range");
  const bool io = type == PciBarType::kIo;
  check_size(name_, size_bytes, io ? 4 : 16);
  if (io && size_bytes > 256)  // PCI 3.0 section 6.2.5.1: I/O BARs claim at most 256 bytes
    throw std::invalid_argument(fmt::format("pci: '{}' I/O BAR larger than 256 bytes", name_));
  Bar& bar = bars_[index];
  bar.defined = true;
  bar.type = type;
  bar.size_bytes = size_bytes;
  bar.mapping = std::move(mapping);
  // The address bits below the size are hard-wired to 0, the type bits to their type:
  // writing all ones then reads back the size mask.
  uint32_t type_bits = 0;
  if (io) type_bits = pci::kBarIo;
  if (type == PciBarType::kMemory32Prefetchable) type_bits = pci::kBarPrefetchable;
  const uint32_t low_bits = io ? 0x3 : 0xF;
  define_register32(static_cast<uint8_t>(pci::kBar0 + 4 * index), type_bits,
                    ~(size_bytes - 1) & ~low_bits);
}

void PciDevice::define_rom(uint32_t size_bytes, PciBarMapping mapping) {
  check_size(name_, size_bytes, 2048);
  rom_.defined = true;
  rom_.type = PciBarType::kMemory32;
  rom_.size_bytes = size_bytes;
  rom_.mapping = std::move(mapping);
  define_register32(pci::kRomAddress, 0,
                    (~(size_bytes - 1) & pci::kRomAddressMask) | pci::kRomEnable);
}

void PciDevice::define_rom_image(AddressMap& memory, std::string name, std::vector<uint8_t> image) {
  const uint32_t size_bytes =
      std::max<uint32_t>(2048, std::bit_ceil(static_cast<uint32_t>(image.size())));
  define_rom(size_bytes, rom_bar_mapping(memory, std::move(name), std::move(image)));
}

void PciDevice::reset_config() {
  config_ = reset_config_;
  write_mask_ = reset_write_mask_;
  interrupt_requested_ = false;
  update_mappings();
  update_intx();
}

// ---- Configuration cycles ----

uint16_t PciDevice::config16(uint8_t offset) const {
  return static_cast<uint16_t>(config_[offset] | (config_[(offset + 1) & 0xFF] << 8));
}

uint32_t PciDevice::config32(uint8_t offset) const {
  uint32_t value = 0;
  for (unsigned i = 0; i < 4; ++i) value |= uint32_t{config_[(offset + i) & 0xFF]} << (8 * i);
  return value;
}

void PciDevice::set_config16(uint8_t offset, uint16_t value) {
  config_[offset] = static_cast<uint8_t>(value);
  config_[(offset + 1) & 0xFF] = static_cast<uint8_t>(value >> 8);
}

uint32_t PciDevice::peek_config(uint8_t offset, unsigned size_bytes) const {
  uint32_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i) {
    const unsigned at = offset + i;
    const uint32_t byte = at < kConfigBytes ? config_[at] : 0xFF;
    value |= byte << (8 * i);
  }
  return value;
}

uint32_t PciDevice::config_read(uint8_t offset, unsigned size_bytes) {
  return peek_config(offset, size_bytes);
}

void PciDevice::config_write(uint8_t offset, unsigned size_bytes, uint32_t value) {
  size_bytes = std::min<unsigned>(size_bytes, static_cast<unsigned>(kConfigBytes - offset));
  for (unsigned i = 0; i < size_bytes; ++i) {
    const unsigned at = offset + i;
    const auto byte = static_cast<uint8_t>(value >> (8 * i));
    config_[at] = static_cast<uint8_t>((config_[at] & ~write_mask_[at]) | (byte & write_mask_[at]));
    config_[at] = static_cast<uint8_t>(config_[at] & ~(byte & clear_mask_[at]));
  }
  const bool command_touched = touches_range(offset, size_bytes, pci::kCommand, pci::kCommand + 1);
  if (command_touched) update_intx();
  if (command_touched || touches_range(offset, size_bytes, pci::kBar0, pci::kBar0 + 23) ||
      touches_range(offset, size_bytes, pci::kRomAddress, pci::kRomAddress + 3))
    update_mappings();
  config_written(offset, size_bytes);
}

// ---- BAR decoding ----

std::optional<uint64_t> PciDevice::bar_address(unsigned index) const {
  return index < kBarCount ? bars_[index].mapped_base : std::nullopt;
}

std::optional<uint64_t> PciDevice::decoded_base(const Bar& bar, uint32_t bar_value,
                                                bool rom) const {
  if (!bar.defined) return std::nullopt;
  const uint16_t cmd = command();
  const uint64_t size = bar.size_bytes;
  uint64_t base = 0;
  uint64_t space_end = kMemorySpaceEnd;
  if (rom) {
    // The ROM decodes only with both its own enable and memory space enabled.
    if ((cmd & pci::kCommandMemory) == 0 || (bar_value & pci::kRomEnable) == 0) return std::nullopt;
    base = bar_value & pci::kRomAddressMask;
  } else if (bar.type == PciBarType::kIo) {
    if ((cmd & pci::kCommandIo) == 0) return std::nullopt;
    base = bar_value & ~uint32_t{0x3};
    space_end = kIoSpaceEnd;
  } else {
    if ((cmd & pci::kCommandMemory) == 0) return std::nullopt;
    base = bar_value & ~uint32_t{0xF};
  }
  // Address 0 is the reset value (not assigned yet), and a region that reaches the top
  // of the space is the all-ones sizing pattern (in memory it would also cover the BIOS
  // flash): neither is decoded, as QEMU's pci_bar_address has it.
  const bool past_end =
      bar.type == PciBarType::kIo && !rom ? base + size > space_end : base + size >= space_end;
  if (base == 0 || past_end) return std::nullopt;
  return base;
}

void PciDevice::update_mapping(Bar& bar, std::optional<uint64_t> base, const char* what,
                               unsigned index) {
  if (bar.mapped_base == base) return;
  if (bar.mapped_base) {
    log_->debug("{}: {} {} unmapped from {:#x}", name_, what, index, *bar.mapped_base);
    bar.mapping.unmap();
    bar.mapped_base.reset();
  }
  if (!base) return;
  try {
    bar.mapping.map(*base, bar.size_bytes);
    bar.mapped_base = base;
    log_->debug("{}: {} {} mapped at {:#x} ({:#x} bytes)", name_, what, index, *base,
                bar.size_bytes);
  } catch (const std::invalid_argument& e) {
    // Two decoders on one address is a guest programming error; on a real bus it would
    // be contention. Leave this one off and say so.
    log_->warn("{}: {} {} at {:#x} not mapped: {}", name_, what, index, *base, e.what());
  }
}

void PciDevice::update_mappings() {
  for (unsigned i = 0; i < kBarCount; ++i) {
    Bar& bar = bars_[i];
    if (!bar.defined) continue;
    const uint32_t value = config32(static_cast<uint8_t>(pci::kBar0 + 4 * i));
    update_mapping(bar, decoded_base(bar, value, false), "BAR", i);
  }
  if (rom_.defined)
    update_mapping(rom_, decoded_base(rom_, config32(pci::kRomAddress), true), "ROM", 0);
}

void PciDevice::unmap_all() {
  for (Bar& bar : bars_) {
    if (bar.mapped_base) bar.mapping.unmap();
    bar.mapped_base.reset();
  }
  if (rom_.mapped_base) rom_.mapping.unmap();
  rom_.mapped_base.reset();
}

// ---- INTx# ----

void PciDevice::set_interrupt(bool asserted) {
  interrupt_requested_ = asserted;
  update_intx();
}

void PciDevice::update_intx() {
  // Status bit 3 shows the request whatever Interrupt Disable says (PCI 3.0 6.2.3).
  uint16_t status = config16(pci::kStatus);
  status =
      interrupt_requested_ ? (status | pci::kStatusInterrupt) : (status & ~pci::kStatusInterrupt);
  set_config16(pci::kStatus, status);
  intx_.set(interrupt_requested_ && (command() & pci::kCommandInterruptDisable) == 0);
}

}  // namespace trapeze
