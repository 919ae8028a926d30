// The I/O port space: port ranges wired to device handlers, width-aware and
// conflict-checked (after Bochs iodev/devices.cc), with registrations that undo
// themselves when the device goes away (after DOSBox-Staging's IO_ReadHandleObject).
#pragma once

#include <spdlog/logger.h>

#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/port_io.h"

namespace trapeze {

// A device's ports. `port` is the absolute port number, `size_bytes` 1, 2 or 4: only
// widths the device registered for arrive here; the bus splits the others.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual uint32_t io_read(uint16_t port, unsigned size_bytes) = 0;
  virtual void io_write(uint16_t port, unsigned size_bytes, uint32_t value) = 0;
};

// Access widths a device decodes, as a bitmask whose bits are the sizes in bytes.
inline constexpr unsigned kIoWidth8 = 1;
inline constexpr unsigned kIoWidth16 = 2;
inline constexpr unsigned kIoWidth32 = 4;
inline constexpr unsigned kIoWidthAny = kIoWidth8 | kIoWidth16 | kIoWidth32;

class IoBus;

// Owning handle of a port range: destroying (or reset()ting) it unmaps the range. It
// must not outlive its bus, so a machine declares the bus before its devices.
class IoRegistration {
 public:
  IoRegistration() = default;
  IoRegistration(IoRegistration&& other) noexcept;
  IoRegistration& operator=(IoRegistration&& other) noexcept;
  IoRegistration(const IoRegistration&) = delete;
  IoRegistration& operator=(const IoRegistration&) = delete;
  ~IoRegistration() { reset(); }

  void reset();
  bool active() const { return bus_ != nullptr; }

 private:
  friend class IoBus;
  IoRegistration(IoBus* bus, uint64_t id) : bus_(bus), id_(id) {}

  IoBus* bus_ = nullptr;
  uint64_t id_ = 0;
};

class IoBus : public PortIo {
 public:
  IoBus();
  IoBus(const IoBus&) = delete;  // registrations point at it
  IoBus& operator=(const IoBus&) = delete;

  // Wires ports [first_port, last_port] to `handler` (which must outlive the
  // registration) for the access widths in `widths_mask`. Throws std::invalid_argument
  // when the range overlaps another registration or the arguments make no sense.
  [[nodiscard]] IoRegistration map(std::string name, uint16_t first_port, uint16_t last_port,
                                   unsigned widths_mask, IoHandler& handler);

  // PortIo. A device gets an access when its range holds the first port and it decodes
  // the width; otherwise the access is split in halves, low port first, each dispatched
  // on its own (a 16-bit IN from two 8-bit registers, as an ISA bus does it). Ports
  // nobody decodes read as all ones and ignore writes.
  uint32_t in(uint16_t port, unsigned size_bytes) override;
  void out(uint16_t port, unsigned size_bytes, uint32_t value) override;

  // The name of the device at `port`, or "" (monitor and logs).
  std::string owner(uint16_t port) const;

 private:
  friend class IoRegistration;
  struct Mapping {
    std::string name;
    uint16_t first_port = 0;
    uint16_t last_port = 0;
    unsigned widths_mask = 0;
    IoHandler* handler = nullptr;
  };
  static constexpr size_t kPorts = 0x10000;

  void unmap(uint64_t id);

  std::map<uint64_t, Mapping> mappings_;  // by registration id; nodes never move
  std::vector<const Mapping*> by_port_;   // kPorts entries, nullptr where unmapped
  uint64_t next_id_ = 1;
  // Probing unmapped ports is what drivers do; report each port once per direction.
  std::bitset<kPorts> unmapped_read_logged_;
  std::bitset<kPorts> unmapped_write_logged_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace trapeze
