// One PCI function's configuration space: the 256-byte type 0 header and device-specific
// registers, with per-byte write masks, base address registers (BARs) that map the
// function's regions into the I/O or memory space while decoding is enabled, an
// expansion-ROM BAR, and the INTx# pin (PCI Local Bus Specification 3.0, chapter 6).
//
// A chip derives from PciDevice, defines its registers in its constructor (reset value,
// write mask, write-one-to-clear mask) and its BARs, and reacts to guest writes in
// config_written(). The base class owns the generic header semantics:
//  - read-only identity (vendor, device, revision, class, header type, subsystem IDs);
//  - the command register's I/O (bit 0) and memory (bit 1) decode enables and the
//    Interrupt Disable bit (bit 10), and the status register's write-one-to-clear bits;
//  - BAR sizing: a BAR's low bits below its size are hard-wired, so writing all ones
//    reads back the size mask with the type bits (what SeaBIOS's pciinit.c and Linux's
//    __pci_read_base do);
//  - mapping: whenever the command register or a BAR changes, each BAR's region is
//    unmapped from its old address and mapped at its new one through the device's
//    PciBarMapping callbacks.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "mmu/address_map.h"

namespace trapeze {

class PciBus;

// Where a function sits on bus 0 (the only bus: there are no PCI-to-PCI bridges).
struct PciAddress {
  uint8_t device = 0;    // 0-31
  uint8_t function = 0;  // 0-7
  friend bool operator==(const PciAddress&, const PciAddress&) = default;
};

namespace pci {

// Type 0 header offsets (PCI Local Bus Specification 3.0, figure 6-1).
inline constexpr uint8_t kVendorId = 0x00;
inline constexpr uint8_t kDeviceId = 0x02;
inline constexpr uint8_t kCommand = 0x04;
inline constexpr uint8_t kStatus = 0x06;
inline constexpr uint8_t kRevisionId = 0x08;
inline constexpr uint8_t kClassCode = 0x09;  // 3 bytes: programming interface, sub-class, class
inline constexpr uint8_t kCacheLineSize = 0x0C;
inline constexpr uint8_t kLatencyTimer = 0x0D;
inline constexpr uint8_t kHeaderType = 0x0E;
inline constexpr uint8_t kBist = 0x0F;
inline constexpr uint8_t kBar0 = 0x10;
inline constexpr uint8_t kSubsystemVendorId = 0x2C;
inline constexpr uint8_t kSubsystemId = 0x2E;
inline constexpr uint8_t kRomAddress = 0x30;
inline constexpr uint8_t kCapabilitiesPointer = 0x34;
inline constexpr uint8_t kInterruptLine = 0x3C;
inline constexpr uint8_t kInterruptPin = 0x3D;

// Command register bits (section 6.2.2).
inline constexpr uint16_t kCommandIo = 0x0001;
inline constexpr uint16_t kCommandMemory = 0x0002;
inline constexpr uint16_t kCommandMaster = 0x0004;
inline constexpr uint16_t kCommandParity = 0x0040;
inline constexpr uint16_t kCommandSerr = 0x0100;
inline constexpr uint16_t kCommandInterruptDisable = 0x0400;

// Status register bits (section 6.2.3).
inline constexpr uint16_t kStatusInterrupt = 0x0008;
inline constexpr uint16_t kStatusFastBackToBack = 0x0080;
inline constexpr uint16_t kStatusDevselMedium = 0x0200;
// Error bits a device sets and software clears by writing ones: master data parity error,
// signalled/received target abort, received master abort, signalled system error,
// detected parity error.
inline constexpr uint16_t kStatusErrorBits = 0xF900;

inline constexpr uint8_t kHeaderMultiFunction = 0x80;

// BAR low bits (section 6.2.5.1).
inline constexpr uint32_t kBarIo = 0x1;
inline constexpr uint32_t kBarPrefetchable = 0x8;
inline constexpr uint32_t kRomEnable = 0x1;
// The ROM BAR decodes at least 2 KiB: bits 10:1 are reserved (SeaBIOS sizes it by
// writing 0xFFFFF800).
inline constexpr uint32_t kRomAddressMask = 0xFFFFF800;

// QEMU gives every emulated PCI function subsystem vendor 1AF4 (Red Hat) and subsystem
// 1100; SeaBIOS recognises QEMU's i440FX board by them on 00.0 (fw/paravirt.c,
// qemu_detect) and otherwise warns "No QEMU Northbridge found".
inline constexpr uint16_t kQemuSubsystemVendorId = 0x1AF4;
inline constexpr uint16_t kQemuSubsystemId = 0x1100;

}  // namespace pci

// The read-only identity of a function.
struct PciIdentity {
  uint16_t vendor_id = 0;
  uint16_t device_id = 0;
  uint8_t revision = 0;
  uint32_t class_code = 0;  // 0xCCSSPP: class, sub-class, programming interface
  uint8_t header_type = 0;  // with pci::kHeaderMultiFunction on function 0 of a multi-function chip
  uint16_t subsystem_vendor_id = 0;
  uint16_t subsystem_id = 0;
  uint8_t interrupt_pin = 0;  // 0 = none, 1-4 = INTA#-INTD#
};

enum class PciBarType { kIo, kMemory32, kMemory32Prefetchable };

// How a BAR's region enters an address space: `map` makes [base, base + size_bytes) the
// device's, `unmap` takes back the last mapping. `map` may throw std::invalid_argument
// when the range is taken (a guest that programs overlapping BARs); the BAR then stays
// unmapped and the conflict is logged.
struct PciBarMapping {
  std::function<void(uint64_t base, uint64_t size_bytes)> map;
  std::function<void()> unmap;
};

// Ready-made mappings: I/O ports to an IoHandler, memory to an MmioHandler, and a ROM
// image (padded with 0xFF to the BAR size, read-only). The bus, map and handler must
// outlive the device.
PciBarMapping io_bar_mapping(IoBus& io, std::string name, IoHandler& handler, unsigned widths_mask);
PciBarMapping mmio_bar_mapping(AddressMap& memory, std::string name, MmioHandler& handler);
PciBarMapping rom_bar_mapping(AddressMap& memory, std::string name, std::vector<uint8_t> image);

class PciDevice {
 public:
  static constexpr unsigned kBarCount = 6;
  static constexpr size_t kConfigBytes = 256;

  // Attaches the function to `bus` at `address` (throws std::invalid_argument if that
  // slot is taken). The bus must outlive the device.
  PciDevice(PciBus& bus, PciAddress address, std::string name, const PciIdentity& identity);
  PciDevice(const PciDevice&) = delete;
  PciDevice& operator=(const PciDevice&) = delete;
  // Unmaps the BARs and detaches from the bus.
  virtual ~PciDevice();

  // Configuration cycles from the bus: `size_bytes` (1, 2 or 4) bytes from `offset`,
  // little-endian; bytes past 0xFF read as 0xFF and ignore writes.
  uint32_t config_read(uint8_t offset, unsigned size_bytes);
  void config_write(uint8_t offset, unsigned size_bytes, uint32_t value);
  // The same read, for the monitor and tests (config reads have no side effects here,
  // but a device may one day give them some).
  uint32_t peek_config(uint8_t offset, unsigned size_bytes) const;

  PciAddress address() const { return address_; }
  const std::string& name() const { return name_; }
  uint16_t command() const { return config16(pci::kCommand); }
  // Where BAR `index` (or the ROM) is decoded now; nullopt while it is not.
  std::optional<uint64_t> bar_address(unsigned index) const;
  std::optional<uint64_t> rom_address() const { return rom_.mapped_base; }

  // The INTx# pin as it leaves the function: the device's request, gated by the command
  // register's Interrupt Disable bit. The board connects it to the interrupt router
  // (Piix3::pci_interrupt for the pin's PIRQ).
  IrqLine& intx() { return intx_; }

 protected:
  // PCI RST#: every register back to its reset value, BARs unmapped (a reset clears the
  // command register's decode enables and the BAR addresses), INTx# request withdrawn.
  // Derived classes call it from their own reset().
  void reset_config();

  // Register definitions, for constructors: the reset value (also written now), the
  // bits the guest may write, and the bits a guest write of 1 clears.
  void define_register8(uint8_t offset, uint8_t reset_value, uint8_t write_mask = 0,
                        uint8_t clear_mask = 0);
  void define_register16(uint8_t offset, uint16_t reset_value, uint16_t write_mask = 0,
                         uint16_t clear_mask = 0);
  void define_register32(uint8_t offset, uint32_t reset_value, uint32_t write_mask = 0,
                         uint32_t clear_mask = 0);
  // A BAR of `size_bytes` (a power of two; memory at least 16 bytes, I/O at least 4).
  void define_bar(unsigned index, PciBarType type, uint32_t size_bytes, PciBarMapping mapping);
  // The expansion ROM BAR at 0x30, `size_bytes` a power of two of at least 2 KiB.
  void define_rom(uint32_t size_bytes, PciBarMapping mapping);
  // The same for a ROM image in `memory`: the smallest BAR that holds it.
  void define_rom_image(AddressMap& memory, std::string name, std::vector<uint8_t> image);

  // Device-side access to the registers, bypassing the write masks (status bits the
  // device sets, registers that change meaning).
  uint8_t config8(uint8_t offset) const { return config_[offset]; }
  uint16_t config16(uint8_t offset) const;
  uint32_t config32(uint8_t offset) const;
  void set_config8(uint8_t offset, uint8_t value) { config_[offset] = value; }
  void set_config16(uint8_t offset, uint16_t value);
  // Changes which bits the guest may write from now on (a lock bit freezing others).
  void set_write_mask8(uint8_t offset, uint8_t mask) { write_mask_[offset] = mask; }

  // True when an access of `size_bytes` at `offset` touches byte `reg`.
  static bool touches(uint8_t offset, unsigned size_bytes, uint8_t reg) {
    return reg >= offset && reg < offset + size_bytes;
  }
  static bool touches_range(uint8_t offset, unsigned size_bytes, uint8_t first, uint8_t last) {
    return offset <= last && offset + size_bytes > first;
  }

  // Called after a guest config write has changed bytes [offset, offset + size_bytes)
  // (masks applied, header bookkeeping and BAR remapping done).
  virtual void config_written(uint8_t /*offset*/, unsigned /*size_bytes*/) {}

  // The function's interrupt request (its INTx# pin, before Interrupt Disable).
  void set_interrupt(bool asserted);

  const std::shared_ptr<spdlog::logger>& log() const { return log_; }

 private:
  struct Bar {
    bool defined = false;
    PciBarType type = PciBarType::kMemory32;
    uint32_t size_bytes = 0;
    PciBarMapping mapping;
    std::optional<uint64_t> mapped_base;
  };

  // Where `bar` should be decoded given the command register and its address, if at all.
  std::optional<uint64_t> decoded_base(const Bar& bar, uint32_t bar_value, bool rom) const;
  void update_mapping(Bar& bar, std::optional<uint64_t> base, const char* what, unsigned index);
  void update_mappings();
  void unmap_all();
  void update_intx();

  PciBus& bus_;
  PciAddress address_;
  std::string name_;
  std::shared_ptr<spdlog::logger> log_;
  std::array<uint8_t, kConfigBytes> config_{};
  std::array<uint8_t, kConfigBytes> reset_config_{};
  std::array<uint8_t, kConfigBytes> write_mask_{};
  std::array<uint8_t, kConfigBytes> reset_write_mask_{};
  std::array<uint8_t, kConfigBytes> clear_mask_{};
  std::array<Bar, kBarCount> bars_{};
  Bar rom_{};
  bool interrupt_requested_ = false;
  IrqLine intx_;
};

}  // namespace trapeze
