#include "devices/io_bus.h"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

#include "cpu/log.h"

namespace trapeze {

IoRegistration::IoRegistration(IoRegistration&& other) noexcept
    : bus_(std::exchange(other.bus_, nullptr)), id_(std::exchange(other.id_, 0)) {}

IoRegistration& IoRegistration::operator=(IoRegistration&& other) noexcept {
  if (this != &other) {
    reset();
    bus_ = std::exchange(other.bus_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void IoRegistration::reset() {
  if (bus_ != nullptr) std::exchange(bus_, nullptr)->unmap(id_);
  id_ = 0;
}

IoBus::IoBus() : by_port_(kPorts, nullptr), log_(log::component("io")) {}

IoRegistration IoBus::map(std::string name, uint16_t first_port, uint16_t last_port,
                          unsigned widths_mask, IoHandler& handler) {
  if (last_port < first_port)
    throw std::invalid_argument(
        fmt::format("io: '{}' range [{:#06x}, {:#06x}] is reversed", name, first_port, last_port));
  if (widths_mask == 0 || (widths_mask & ~kIoWidthAny) != 0)
    throw std::invalid_argument(fmt::format(
        "io: '{}' width mask {:#x} must be a non-empty mix of 1, 2 and 4", name, widths_mask));
  for (uint32_t port = first_port; port <= last_port; ++port) {
    if (const Mapping* other = by_port_[port])
      throw std::invalid_argument(fmt::format(
          "io: '{}' ports [{:#06x}, {:#06x}] overlap '{}' ports [{:#06x}, {:#06x}]", name,
          first_port, last_port, other->name, other->first_port, other->last_port));
  }
  const uint64_t id = next_id_++;
  const Mapping& m = mappings_[id] =
      Mapping{std::move(name), first_port, last_port, widths_mask, &handler};
  for (uint32_t port = first_port; port <= last_port; ++port) by_port_[port] = &m;
  log_->debug("mapped '{}' at ports [{:#06x}, {:#06x}]", m.name, first_port, last_port);
  return IoRegistration(this, id);
}

void IoBus::unmap(uint64_t id) {
  auto it = mappings_.find(id);
  if (it == mappings_.end()) return;
  const Mapping& m = it->second;
  for (uint32_t port = m.first_port; port <= m.last_port; ++port) by_port_[port] = nullptr;
  log_->debug("unmapped '{}' from ports [{:#06x}, {:#06x}]", m.name, m.first_port, m.last_port);
  mappings_.erase(it);
}

namespace {
uint32_t width_mask(unsigned size_bytes) {
  return size_bytes >= 4 ? 0xFFFFFFFF : (uint32_t{1} << (8 * size_bytes)) - 1;
}
}  // namespace

uint32_t IoBus::in(uint16_t port, unsigned size_bytes) {
  const Mapping* m = by_port_[port];
  // Bits beyond the access width would corrupt the other half of a split access.
  if (m != nullptr && (m->widths_mask & size_bytes) != 0)
    return m->handler->io_read(port, size_bytes) & width_mask(size_bytes);
  if (size_bytes == 1) {
    if (!unmapped_read_logged_[port]) {
      unmapped_read_logged_[port] = true;
      log_->debug("byte read of port {:#06x} ({}) returns 0xff (reported once)", port,
                  m != nullptr ? m->name + " does not decode bytes" : "unmapped");
    }
    return 0xFF;
  }
  const unsigned half = size_bytes / 2;
  const uint32_t low = in(port, half);
  const uint32_t high = in(static_cast<uint16_t>(port + half), half);
  return low | (high << (8 * half));
}

void IoBus::out(uint16_t port, unsigned size_bytes, uint32_t value) {
  const Mapping* m = by_port_[port];
  if (m != nullptr && (m->widths_mask & size_bytes) != 0) {
    m->handler->io_write(port, size_bytes, value);
    return;
  }
  if (size_bytes == 1) {
    if (!unmapped_write_logged_[port]) {
      unmapped_write_logged_[port] = true;
      log_->debug("byte write of {:#04x} to port {:#06x} ({}) ignored (reported once)",
                  value & 0xFF, port,
                  m != nullptr ? m->name + " does not decode bytes" : "unmapped");
    }
    return;
  }
  const unsigned half = size_bytes / 2;
  const uint32_t half_mask = width_mask(half);
  out(port, half, value & half_mask);
  out(static_cast<uint16_t>(port + half), half, (value >> (8 * half)) & half_mask);
}

std::string IoBus::owner(uint16_t port) const {
  const Mapping* m = by_port_[port];
  return m != nullptr ? m->name : std::string();
}

}  // namespace trapeze
