#include "devices/pci_bus.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

// CONFIG_ADDRESS bits the 82441FX implements: enable, bus, device, function, register.
constexpr uint32_t kConfigAddressMask = 0x80FFFFFC;

uint32_t all_ones(unsigned size_bytes) {
  return size_bytes >= 4 ? 0xFFFFFFFF : (uint32_t{1} << (8 * size_bytes)) - 1;
}

}  // namespace

PciBus::PciBus(IoBus& io)
    : log_(log::component("pci")),
      registration_(
          io.map("pci-config", kConfigAddressPort, kConfigDataPort + 3, kIoWidthAny, *this)) {}

void PciBus::attach(PciDevice& device, PciAddress address) {
  if (address.device >= 32 || address.function >= 8)
    throw std::invalid_argument(fmt::format("pci: '{}' at {:02x}.{} is not a bus 0 address",
                                            device.name(), address.device, address.function));
  PciDevice*& entry = functions_[slot(address)];
  if (entry != nullptr)
    throw std::invalid_argument(fmt::format("pci: '{}' at 00:{:02x}.{} collides with '{}'",
                                            device.name(), address.device, address.function,
                                            entry->name()));
  entry = &device;
  log_->debug("00:{:02x}.{} is '{}'", address.device, address.function, device.name());
}

void PciBus::detach(PciDevice& device) {
  for (PciDevice*& entry : functions_) {
    if (entry == &device) entry = nullptr;
  }
}

PciDevice* PciBus::device(PciAddress address) const {
  if (address.device >= 32 || address.function >= 8) return nullptr;
  return functions_[slot(address)];
}

PciDevice* PciBus::selected() const {
  if ((config_address_ & kConfigEnable) == 0) return nullptr;
  if (((config_address_ >> 16) & 0xFF) != 0) return nullptr;  // no bridges, no other buses
  const PciAddress address{static_cast<uint8_t>((config_address_ >> 11) & 0x1F),
                           static_cast<uint8_t>((config_address_ >> 8) & 0x7)};
  return functions_[slot(address)];
}

uint32_t PciBus::config_read(uint8_t bus, PciAddress address, uint8_t offset, unsigned size_bytes) {
  if (bus != 0) return all_ones(size_bytes);
  PciDevice* device = this->device(address);
  return device != nullptr ? device->config_read(offset, size_bytes) : all_ones(size_bytes);
}

void PciBus::config_write(uint8_t bus, PciAddress address, uint8_t offset, unsigned size_bytes,
                          uint32_t value) {
  if (bus != 0) return;
  if (PciDevice* device = this->device(address)) device->config_write(offset, size_bytes, value);
}

uint32_t PciBus::io_read(uint16_t port, unsigned size_bytes) {
  if (port < kConfigDataPort) {
    if (port == kConfigAddressPort && size_bytes == 4) return config_address_;
    return passthrough_ != nullptr ? passthrough_->io_read(port, size_bytes) : all_ones(size_bytes);
  }
  // Bytes of a wide access that run past 0xCFF are not ours: they read as ones.
  const unsigned offset = port - kConfigDataPort;
  const unsigned inside = std::min(size_bytes, 4 - offset);
  uint32_t value = all_ones(size_bytes);
  if (PciDevice* device = selected()) {
    const uint32_t data =
        device->config_read(static_cast<uint8_t>((config_address_ & 0xFC) + offset), inside);
    value = (value & ~all_ones(inside)) | data;
  }
  return value;
}

void PciBus::io_write(uint16_t port, unsigned size_bytes, uint32_t value) {
  if (port < kConfigDataPort) {
    if (port == kConfigAddressPort && size_bytes == 4) {
      config_address_ = value & kConfigAddressMask;
    } else if (passthrough_ != nullptr) {
      passthrough_->io_write(port, size_bytes, value);
    }
    return;
  }
  const unsigned offset = port - kConfigDataPort;
  const unsigned inside = std::min(size_bytes, 4 - offset);
  if (PciDevice* device = selected())
    device->config_write(static_cast<uint8_t>((config_address_ & 0xFC) + offset), inside,
                         value & all_ones(inside));
}

}  // namespace trapeze
