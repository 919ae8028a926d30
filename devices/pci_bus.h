// PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, section 3.2.2.3.2;
// Intel 82441FX PMC datasheet, CONFADD/CONFDATA) and the functions of bus 0.
//
// CONFIG_ADDRESS at 0xCF8 is a 32-bit register: bit 31 enables configuration cycles,
// bits 23:16 bus, 15:11 device, 10:8 function, 7:2 dword register. It reads back what
// was written with its reserved bits (30:24, 1:0) as zero; SeaBIOS and Linux detect
// PCI by writing 0x80000000 and reading it back. CONFIG_DATA at 0xCFC-0xCFF takes 8-,
// 16- and 32-bit accesses at 0xCFC + (register & 3). With bit 31 clear, or for a
// function that does not exist (any bus but 0, an empty slot), reads return all ones
// and writes go nowhere: that is how software probes for devices.
//
// Only dword accesses to 0xCF8 reach CONFIG_ADDRESS; byte and word accesses to
// 0xCF8-0xCFB are ordinary I/O cycles that the 82441FX passes to PCI, where the PIIX3
// claims 0xCF9 (its reset control register). The bus hands them to the handler given
// to set_passthrough_handler().
//
// Wiring: construct on the machine's IoBus (it maps 0xCF8-0xCFF) before any PCI device;
// each PciDevice attaches itself in its constructor and detaches in its destructor.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>

#include "devices/io_bus.h"
#include "devices/pci_device.h"

namespace trapeze {

class PciBus : public IoHandler {
 public:
  static constexpr uint16_t kConfigAddressPort = 0xCF8;
  static constexpr uint16_t kConfigDataPort = 0xCFC;
  static constexpr uint32_t kConfigEnable = 0x80000000;

  explicit PciBus(IoBus& io);
  PciBus(const PciBus&) = delete;
  PciBus& operator=(const PciBus&) = delete;

  // Called by PciDevice. attach() throws std::invalid_argument for a bad or taken address.
  void attach(PciDevice& device, PciAddress address);
  void detach(PciDevice& device);
  // The function at `address` on bus 0, or nullptr.
  PciDevice* device(PciAddress address) const;

  // Who gets byte and word accesses to 0xCF8-0xCFB (nullptr: nobody, they read as ones).
  void set_passthrough_handler(IoHandler* handler) { passthrough_ = handler; }

  // Machine reset: CONFIG_ADDRESS back to 0. The devices reset themselves.
  void reset() { config_address_ = 0; }
  uint32_t config_address() const { return config_address_; }

  // A configuration cycle as the CPU would make it through 0xCF8/0xCFC, for the
  // monitor, a firmware-less boot and tests. `offset` + `size_bytes` must stay within
  // one dword.
  uint32_t config_read(uint8_t bus, PciAddress address, uint8_t offset, unsigned size_bytes);
  void config_write(uint8_t bus, PciAddress address, uint8_t offset, unsigned size_bytes,
                    uint32_t value);

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  static constexpr size_t kFunctions = 32 * 8;
  static size_t slot(PciAddress address) { return size_t{address.device} * 8 + address.function; }
  // The function CONFIG_ADDRESS selects, or nullptr (disabled, other bus, empty slot).
  PciDevice* selected() const;

  std::array<PciDevice*, kFunctions> functions_{};
  uint32_t config_address_ = 0;
  IoHandler* passthrough_ = nullptr;
  std::shared_ptr<spdlog::logger> log_;
  IoRegistration registration_;
};

}  // namespace trapeze
