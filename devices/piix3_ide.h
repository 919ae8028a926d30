// The PIIX3's IDE function (Intel 82371SB PIIX3 datasheet, 290550, sections 2.3 and 2.7;
// PCI 00:01.1, 8086:7010, class 01.01, programming interface 80h): two IDE channels in
// legacy (compatibility) mode and the bus-master IDE DMA engine.
//
// Wiring:
//   - PCI: function 01.1 on `pci` (another address can be given). Config registers:
//     command (I/O space and bus master enables writable), status (fast back-to-back,
//     medium DEVSEL; "received master abort" set by a DMA that hits no memory, cleared by
//     writing 1), latency timer (bits 7-4), BMIBA = BAR4 (16 I/O ports), IDETIM 40h-43h
//     and SIDETIM 44h (read/write timing registers; SeaBIOS sets IDETIM's decode-enable
//     bits, Linux's ata_piix reads them to see which channels are on). No interrupt pin.
//   - Legacy ports: primary 0x1F0-0x1F7 and 0x3F6, secondary 0x170-0x177 and 0x376,
//     always decoded. The datasheet gates them on the command register's I/O enable and
//     IDETIM bit 15, but QEMU decodes them unconditionally, and firmware or a direct
//     kernel boot that never programs the function still finds the disks that way;
//     Linux checks IDETIM itself, so a board booting Linux without firmware must set
//     the decode bits as a BIOS would (config 41h = 80h, 43h = 80h).
//   - Interrupts: primary_irq() to ISA IRQ 14, secondary_irq() to IRQ 15 (edge-triggered
//     in the 8259, as in legacy mode).
//   - Memory: bus-master DMA reads the PRD table and moves data through `memory`
//     (the machine's AddressMap): plain RAM only (ROM can be read). A PRD table or
//     region anywhere else ends the transfer with a master abort: BM status error bit,
//     PCI status "received master abort", the drive ending its command with ABRT. The
//     guest can never make the engine touch host memory outside guest RAM.
//   - Scheduler: the channels' event types ("ide0-0", "ide0-1", "ide1-0", "ide1-1").
//   - Drives: attach them to primary()/secondary() with IdeChannel::attach().
//
// Bus master (datasheet 2.7.2-2.7.4, and 2.7.5's table of Interrupt/Active outcomes):
// BMICx (+0/+8) bit 0 start/stop, bit 3 direction (1 = write to memory); BMISx (+2/+A)
// bit 0 active (read-only), bit 1 error and bit 2 interrupt (write 1 to clear), bits 5-6
// drive DMA capable (read/write), bit 7 simplex (0); BMIDTPx (+4/+C) the PRD table
// address, dword-aligned. PRD entries: a 32-bit even address, a byte count in bits
// 15:1 (0 = 64 KiB) and EOT in bit 31. Data moves when the drive requests DMA and the
// engine is started (either order); the active bit drops when the EOT region is used up
// or start is cleared; the interrupt bit latches the channel's interrupt.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>

#include "devices/ide_channel.h"
#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/pci_device.h"
#include "devices/scheduler.h"
#include "mmu/physical_memory.h"

namespace trapeze {

namespace piix3_ide {
// Configuration registers beyond the header.
inline constexpr uint8_t kIdeTimingPrimary = 0x40;    // IDETIM, 16 bits
inline constexpr uint8_t kIdeTimingSecondary = 0x42;  // IDETIM, 16 bits
inline constexpr uint8_t kSlaveTiming = 0x44;         // SIDETIM
inline constexpr uint16_t kIdeTimingDecodeEnable = 0x8000;
inline constexpr unsigned kBusMasterBar = 4;
inline constexpr uint32_t kBusMasterBytes = 16;

// Bus-master registers, offsets within one channel's 8 bytes.
inline constexpr uint16_t kBmCommand = 0;
inline constexpr uint16_t kBmStatus = 2;
inline constexpr uint16_t kBmPrdTable = 4;
inline constexpr uint8_t kBmCommandStart = 0x01;
inline constexpr uint8_t kBmCommandWriteToMemory = 0x08;
inline constexpr uint8_t kBmStatusActive = 0x01;
inline constexpr uint8_t kBmStatusError = 0x02;
inline constexpr uint8_t kBmStatusInterrupt = 0x04;
inline constexpr uint8_t kBmStatusDmaCapable = 0x60;  // drive 0 (bit 5), drive 1 (bit 6)
}  // namespace piix3_ide

class Piix3Ide : public PciDevice, public IoHandler {
 public:
  static constexpr PciAddress kDefaultAddress{1, 1};
  static constexpr uint16_t kVendorIntel = 0x8086;
  static constexpr uint16_t kDeviceId = 0x7010;

  // The buses, scheduler and memory must outlive the function.
  Piix3Ide(PciBus& pci, IoBus& io, Scheduler& scheduler, PhysicalMemory& memory,
           PciAddress address = kDefaultAddress);
  Piix3Ide(const Piix3Ide&) = delete;
  Piix3Ide& operator=(const Piix3Ide&) = delete;
  ~Piix3Ide() override;

  // PCI reset and RESET- on both cables: config registers, bus master and drives.
  void reset();

  IdeChannel& primary() { return *channels_[0]; }
  IdeChannel& secondary() { return *channels_[1]; }
  IdeChannel& channel(unsigned index) { return *channels_[index & 1]; }
  IrqLine& primary_irq() { return channels_[0]->irq(); }
  IrqLine& secondary_irq() { return channels_[1]->irq(); }

  // Bus-master register `offset` (0-15) as a read would return it, without side effects.
  uint8_t peek_bus_master(uint16_t offset) const;

  // IoHandler (the bus-master registers at BAR4).
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  // One channel's engine: the PRD walker between guest memory and the drive.
  class BusMaster final : public IdeBusMaster, public IdeDmaPort {
   public:
    BusMaster(Piix3Ide& owner, IdeChannel& channel) : owner_(owner), channel_(channel) {}
    void reset();
    uint8_t read(uint16_t offset) const;
    void write(uint16_t offset, uint8_t value);

    // IdeBusMaster.
    void dma_requested() override { run(); }
    void interrupt_raised() override { status_ |= piix3_ide::kBmStatusInterrupt; }
    // IdeDmaPort.
    Result to_memory(std::span<const uint8_t> bytes, size_t& moved) override;
    Result from_memory(std::span<uint8_t> bytes, size_t& moved) override;

   private:
    void run();
    // Makes the current PRD region non-empty: loads the next entry when the current one
    // is used up. kPrdExhausted after the EOT region, kBusError when the table is not
    // in memory.
    Result next_region();
    Result master_abort();
    template <typename Copy>
    Result transfer(size_t size_bytes, size_t& moved, bool to_memory, Copy copy);

    Piix3Ide& owner_;
    IdeChannel& channel_;
    uint8_t command_ = 0;
    uint8_t status_ = 0;
    uint32_t prd_table_ = 0;
    // The PRD walk: the next entry's address and what is left of the current region.
    uint64_t next_entry_ = 0;
    uint64_t region_address_ = 0;
    uint32_t region_left_ = 0;
    bool region_is_last_ = false;
    bool direction_logged_ = false;
    bool disabled_logged_ = false;
  };

  void config_written(uint8_t offset, unsigned size_bytes) override;
  uint16_t bus_master_offset(uint16_t port) const;
  uint8_t read_byte(uint16_t offset) const;
  void write_byte(uint16_t offset, uint8_t value);
  bool bus_mastering_enabled() const { return (command() & pci::kCommandMaster) != 0; }
  void note_master_abort();

  PhysicalMemory& memory_;
  std::array<std::unique_ptr<IdeChannel>, 2> channels_;
  std::array<std::unique_ptr<BusMaster>, 2> bus_masters_;
  std::shared_ptr<spdlog::logger> ide_log_;
};

}  // namespace trapeze
