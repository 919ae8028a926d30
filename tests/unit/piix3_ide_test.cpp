// The PIIX3 IDE function: its configuration space as SeaBIOS's pciinit.c and Linux's
// ata_piix program it, and bus-master DMA the way Linux's libata-sff does it
// (ata_bmdma_setup: PRD table pointer, direction, clear status; the command; then
// ata_bmdma_start: the start bit), with the outcomes of the PIIX3 datasheet's table of
// Interrupt/Active combinations and master aborts for PRDs outside RAM.
#include "devices/piix3_ide.h"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "devices/ata_disk.h"
#include "devices/ata_registers.h"
#include "devices/atapi_cdrom.h"
#include "devices/pci_bus.h"
#include "ide_test_support.h"
#include "mmu/address_map.h"

using namespace trapeze;
using namespace trapeze::ata;
using namespace trapeze::piix3_ide;
using namespace trapeze::test;

namespace {

constexpr uint8_t kReady = kStatusDrdy | kStatusDsc;
constexpr uint16_t kBm = 0xC000;  // where the test puts BAR4
constexpr uint64_t kRamBytes = 1 << 20;
constexpr PciAddress kIde{1, 1};

struct Board {
  AddressMap memory{kRamBytes};
  IoBus io;
  Scheduler scheduler;
  PciBus pci{io};
  Piix3Ide ide{pci, io, scheduler, memory};
  IdePorts primary{io};
  IdePorts secondary{io, IdeChannel::kSecondaryCommandPort, IdeChannel::kSecondaryControlPort};
  std::shared_ptr<MemoryFileState> disk = pattern_disk(256);
  int irq14_rises = 0;
  int irq15_rises = 0;

  Board() {
    memory.map_ram(0, kRamBytes);
    ide.primary_irq().connect([this](bool level) { irq14_rises += level ? 1 : 0; });
    ide.secondary_irq().connect([this](bool level) { irq15_rises += level ? 1 : 0; });
    ide.primary().attach(IdeChannel::kMaster, std::make_unique<AtaDisk>(memory_image(disk)));
    // What SeaBIOS leaves: BAR4 assigned, I/O and bus mastering on, both channels decoded.
    config_write(pci::kBar0 + 16, 4, kBm | 1);
    config_write(pci::kCommand, 2, pci::kCommandIo | pci::kCommandMaster);
    config_write(kIdeTimingPrimary, 2, kIdeTimingDecodeEnable);
    config_write(kIdeTimingSecondary, 2, kIdeTimingDecodeEnable);
    primary.control(0x08);
    secondary.control(0x08);
  }
  uint32_t config_read(uint8_t offset, unsigned size) {
    return pci.config_read(0, kIde, offset, size);
  }
  void config_write(uint8_t offset, unsigned size, uint32_t value) {
    pci.config_write(0, kIde, offset, size, value);
  }
  void settle() { test::settle(scheduler); }
  uint8_t bm_status(unsigned channel = 0) {
    return static_cast<uint8_t>(io.in(static_cast<uint16_t>(kBm + 8 * channel + 2), 1));
  }
  // A PRD table at `table`: (address, bytes) pairs, EOT on the last.
  void prd_table(uint64_t table, const std::vector<std::pair<uint32_t, uint32_t>>& regions) {
    for (size_t i = 0; i < regions.size(); ++i) {
      const uint32_t count =
          (regions[i].second & 0xFFFF) | (i + 1 == regions.size() ? 0x80000000u : 0);
      memory.write(table + 8 * i, 4, regions[i].first);
      memory.write(table + 8 * i + 4, 4, count);
    }
  }
  // ata_bmdma_setup: table, direction (to memory for reads), clear error and interrupt.
  void bmdma_setup(unsigned channel, uint32_t table, bool to_memory) {
    const uint16_t base = static_cast<uint16_t>(kBm + 8 * channel);
    io.out(base + kBmPrdTable, 4, table);
    const uint8_t command = static_cast<uint8_t>(io.in(base + kBmCommand, 1)) &
                            ~(kBmCommandStart | kBmCommandWriteToMemory);
    io.out(base + kBmCommand, 1, command | (to_memory ? kBmCommandWriteToMemory : 0));
    io.out(base + kBmStatus, 1, kBmStatusError | kBmStatusInterrupt);
  }
  void bmdma_start(unsigned channel) {
    const uint16_t base = static_cast<uint16_t>(kBm + 8 * channel);
    io.out(base + kBmCommand, 1, io.in(base + kBmCommand, 1) | kBmCommandStart);
  }
  void bmdma_stop(unsigned channel) {
    const uint16_t base = static_cast<uint16_t>(kBm + 8 * channel);
    io.out(base + kBmCommand, 1, io.in(base + kBmCommand, 1) & ~kBmCommandStart);
  }
  std::vector<uint8_t> ram(uint64_t address, size_t size) {
    std::vector<uint8_t> bytes(size);
    memory.copy_from_guest(address, bytes);
    return bytes;
  }
};

}  // namespace

TEST_CASE("Piix3Ide: configuration space of function 01.1") {
  AddressMap memory{kRamBytes};
  IoBus io;
  Scheduler scheduler;
  PciBus pci{io};
  Piix3Ide ide{pci, io, scheduler, memory};
  auto read = [&](uint8_t offset, unsigned size) { return pci.config_read(0, kIde, offset, size); };
  auto write = [&](uint8_t offset, unsigned size, uint32_t value) {
    pci.config_write(0, kIde, offset, size, value);
  };
  CHECK(read(0x00, 4) == 0x70108086);
  CHECK(read(0x08, 4) == 0x01018000);  // class 01 (storage), 01 (IDE), prog-if 80h
  CHECK(read(0x0E, 1) == 0x00);
  CHECK(read(pci::kCommand, 2) == 0x0000);
  CHECK(read(pci::kStatus, 2) == 0x0280);
  CHECK(read(pci::kInterruptPin, 1) == 0x00);
  // Only I/O space and bus master enable are writable.
  write(pci::kCommand, 2, 0xFFFF);
  CHECK(read(pci::kCommand, 2) == 0x0005);
  // BAR0-3 do not exist in legacy mode; BAR4 is 16 I/O ports (SeaBIOS's sizing).
  write(pci::kBar0, 4, 0xFFFFFFFF);
  CHECK(read(pci::kBar0, 4) == 0);
  write(pci::kBar0 + 16, 4, 0xFFFFFFFF);
  CHECK(read(pci::kBar0 + 16, 4) == 0xFFFFFFF1);
  write(pci::kBar0 + 16, 4, 0xC001);
  CHECK(ide.bar_address(kBusMasterBar) == 0xC000);
  // IDETIM: SeaBIOS's piix_ide_setup writes 8000h to 40h and 42h; bits 11-10 are reserved.
  write(kIdeTimingPrimary, 2, 0x8000);
  CHECK(read(kIdeTimingPrimary, 2) == 0x8000);
  write(kIdeTimingSecondary, 2, 0xFFFF);
  CHECK(read(kIdeTimingSecondary, 2) == 0xF3FF);
  write(kSlaveTiming, 1, 0xA5);
  CHECK(read(kSlaveTiming, 1) == 0xA5);
  // A PCI reset clears them again.
  ide.reset();
  CHECK(read(kIdeTimingPrimary, 2) == 0);
  CHECK(read(pci::kCommand, 2) == 0);
  CHECK_FALSE(ide.bar_address(kBusMasterBar).has_value());
}

TEST_CASE("Piix3Ide: bus-master registers") {
  Board b;
  CHECK(b.io.in(kBm + kBmCommand, 1) == 0x00);
  CHECK(b.bm_status() == 0x00);
  b.io.out(kBm + kBmCommand, 1, 0xFF & ~kBmCommandStart);
  CHECK(b.io.in(kBm + kBmCommand, 1) == kBmCommandWriteToMemory);  // other bits reserved
  b.io.out(kBm + kBmPrdTable, 4, 0x12345677);
  CHECK(b.io.in(kBm + kBmPrdTable, 4) == 0x12345674);  // dword-aligned
  b.io.out(kBm + kBmStatus, 1, 0x60);  // the drive DMA-capable bits are plain storage
  CHECK(b.bm_status() == 0x60);
  CHECK(b.io.in(kBm + 8 + kBmPrdTable, 4) == 0);  // the secondary channel's own registers
}

TEST_CASE("Piix3Ide: READ DMA through a two-entry PRD table") {
  Board b;
  b.prd_table(0x1000, {{0x20000, 1024}, {0x30000, 512}});
  b.bmdma_setup(0, 0x1000, true);
  b.primary.lba28(kCmdReadDma, 10, 3);
  b.bmdma_start(0);
  CHECK(b.bm_status() == kBmStatusActive);
  b.settle();
  CHECK(b.irq14_rises == 1);
  // Interrupt and not active: the PRD table was used up exactly (normal completion).
  CHECK(b.bm_status() == kBmStatusInterrupt);
  b.bmdma_stop(0);
  CHECK(b.primary.status() == kReady);
  CHECK(b.ram(0x20000, 1024) == pattern_bytes(10 * 512, 1024));
  CHECK(b.ram(0x30000, 512) == pattern_bytes(12 * 512, 512));
  CHECK(b.ram(0x30200, 4) == std::vector<uint8_t>(4, 0));  // nothing past the region
  b.io.out(kBm + kBmStatus, 1, kBmStatusInterrupt);
  CHECK(b.bm_status() == 0);
}

TEST_CASE("Piix3Ide: WRITE DMA, and a command issued before the engine starts") {
  Board b;
  std::vector<uint8_t> data(2 * 512);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
  b.memory.copy_to_guest(0x40000, data);
  b.prd_table(0x2000, {{0x40000, 1024}});
  b.bmdma_setup(0, 0x2000, false);
  b.primary.lba28(kCmdWriteDma, 100, 2);
  b.settle();  // the drive waits with DRQ for the engine
  CHECK(b.primary.alt_status() == (kReady | kStatusDrq));
  CHECK(b.irq14_rises == 0);
  b.bmdma_start(0);
  CHECK(b.irq14_rises == 1);
  CHECK(b.bm_status() == kBmStatusInterrupt);
  CHECK(b.primary.status() == kReady);
  CHECK(std::equal(data.begin(), data.end(), b.disk->bytes.begin() + 100 * 512));
  CHECK(b.disk->bytes[102 * 512] == pattern(102 * 512));
}

TEST_CASE("Piix3Ide: READ DMA EXT (LBA48) from a large disk") {
  Board b;
  auto big = std::make_shared<MemoryFileState>();
  big->virtual_size = (1ull << 31) * 512;  // 1 TiB, sparse
  b.ide.primary().attach(IdeChannel::kMaster, std::make_unique<AtaDisk>(memory_image(big)));
  b.prd_table(0x1000, {{0x50000, 0}});  // a count of 0 is 64 KiB
  b.bmdma_setup(0, 0x1000, true);
  const uint64_t lba = 0x7000'0000;
  b.primary.lba48(kCmdReadDmaExt, lba, 128);
  b.bmdma_start(0);
  b.settle();
  CHECK(b.bm_status() == kBmStatusInterrupt);
  CHECK(b.primary.status() == kReady);
  CHECK(b.ram(0x50000, 0x10000) == pattern_bytes(lba * 512, 0x10000));
}

TEST_CASE("Piix3Ide: PRD larger than the transfer: interrupt with the engine still active") {
  Board b;
  b.prd_table(0x1000, {{0x20000, 4096}});
  b.bmdma_setup(0, 0x1000, true);
  b.primary.lba28(kCmdReadDma, 0, 1);
  b.bmdma_start(0);
  b.settle();
  CHECK(b.bm_status() == (kBmStatusInterrupt | kBmStatusActive));
  CHECK(b.primary.status() == kReady);
  b.bmdma_stop(0);
  CHECK(b.bm_status() == kBmStatusInterrupt);
}

TEST_CASE("Piix3Ide: PRD smaller than the transfer: the engine stops, the drive waits") {
  Board b;
  b.prd_table(0x1000, {{0x20000, 512}});
  b.bmdma_setup(0, 0x1000, true);
  b.primary.lba28(kCmdReadDma, 0, 2);
  b.bmdma_start(0);
  b.settle();
  CHECK(b.bm_status() == 0x00);  // neither active nor interrupt: the error case
  CHECK(b.irq14_rises == 0);
  CHECK(b.primary.alt_status() == (kReady | kStatusDrq));
  CHECK(b.ram(0x20000, 512) == pattern_bytes(0, 512));
  // Restarting with a table for the rest finishes the command.
  b.prd_table(0x1100, {{0x21000, 512}});
  b.bmdma_stop(0);
  b.io.out(kBm + kBmPrdTable, 4, 0x1100);
  b.bmdma_start(0);
  CHECK(b.irq14_rises == 1);
  CHECK(b.bm_status() == kBmStatusInterrupt);
  CHECK(b.ram(0x21000, 512) == pattern_bytes(512, 512));
}

TEST_CASE("Piix3Ide: a PRD pointing outside RAM is a master abort, never host memory") {
  Board b;
  b.prd_table(0x1000, {{0x20000, 512}, {0x8000'0000, 512}});
  b.bmdma_setup(0, 0x1000, true);
  b.primary.lba28(kCmdReadDma, 0, 2);
  b.bmdma_start(0);
  b.settle();
  CHECK(b.bm_status() == (kBmStatusError | kBmStatusInterrupt));
  CHECK((b.config_read(pci::kStatus, 2) & 0x2000) != 0);  // received master abort
  CHECK(b.irq14_rises == 1);
  CHECK(b.primary.status() == (kReady | kStatusErr));
  CHECK(b.primary.in(kRegError) == kErrorAbrt);
  CHECK(b.ram(0x20000, 512) == pattern_bytes(0, 512));  // the part inside RAM arrived
  b.config_write(pci::kStatus, 2, 0x2000);
  CHECK((b.config_read(pci::kStatus, 2) & 0x2000) == 0);

  // The PRD table itself outside RAM, and a write (memory to disk) from outside RAM.
  b.bmdma_setup(0, 0xF000'0000, true);
  b.primary.lba28(kCmdReadDma, 0, 1);
  b.bmdma_start(0);
  b.settle();
  CHECK((b.bm_status() & kBmStatusError) != 0);
  b.bmdma_stop(0);
  b.prd_table(0x1000, {{0xFFFF'F000, 512}});
  b.bmdma_setup(0, 0x1000, false);
  b.primary.lba28(kCmdWriteDma, 0, 1);
  b.bmdma_start(0);
  b.settle();
  CHECK((b.bm_status() & kBmStatusError) != 0);
  CHECK(b.primary.status() == (kReady | kStatusErr));
  CHECK(b.disk->bytes == pattern_bytes(0, 256 * 512));
}

TEST_CASE("Piix3Ide: no DMA while PCI bus mastering is disabled") {
  Board b;
  b.config_write(pci::kCommand, 2, pci::kCommandIo);
  b.prd_table(0x1000, {{0x20000, 512}});
  b.bmdma_setup(0, 0x1000, true);
  b.primary.lba28(kCmdReadDma, 3, 1);
  b.bmdma_start(0);
  b.settle();
  CHECK(b.irq14_rises == 0);
  CHECK(b.bm_status() == kBmStatusActive);
  b.config_write(pci::kCommand, 2, pci::kCommandIo | pci::kCommandMaster);
  CHECK(b.irq14_rises == 1);
  CHECK(b.ram(0x20000, 512) == pattern_bytes(3 * 512, 512));
}

TEST_CASE("Piix3Ide: the interrupt bit latches PIO interrupts too, and only without nIEN") {
  Board b;
  b.primary.lba28(kCmdReadSectors, 0, 1);
  b.settle();
  CHECK(b.bm_status() == kBmStatusInterrupt);
  b.primary.status();
  b.primary.insw(512);
  b.io.out(kBm + kBmStatus, 1, kBmStatusInterrupt);
  b.primary.control(0x0A);
  b.primary.lba28(kCmdReadSectors, 0, 1);
  b.settle();
  CHECK(b.bm_status() == 0);
}

TEST_CASE("Piix3Ide: ATAPI READ(10) by DMA on the secondary channel, IRQ 15") {
  Board b;
  auto state = std::make_shared<MemoryFileState>();
  state->bytes = iso_image(20, 20);
  b.ide.secondary().attach(IdeChannel::kMaster,
                           std::make_unique<AtapiCdrom>(memory_image(state, DiskMedium::kCdRom)));
  b.prd_table(0x3000, {{0x60000, 2 * 2048}});
  b.bmdma_setup(1, 0x3000, true);
  IdePorts& p = b.secondary;
  p.out(kRegDevice, 0xA0);
  p.out(kRegFeatures, 0x01);  // DMA
  p.out(kRegLbaMid, 0);
  p.out(kRegLbaHigh, 0);
  p.out(kRegCommand, kCmdPacket);
  b.settle();
  CHECK(p.alt_status() == (kReady | kStatusDrq));
  b.bmdma_start(1);
  p.outsw(std::vector<uint8_t>{0x28, 0, 0, 0, 0, 16, 0, 0, 2, 0, 0, 0});
  b.settle();
  CHECK(b.irq15_rises == 1);
  CHECK(b.irq14_rises == 0);
  CHECK(b.bm_status(1) == kBmStatusInterrupt);
  CHECK(p.status() == kReady);
  CHECK(p.in(kRegSectorCount) == (kReasonIo | kReasonCod));
  CHECK(b.ram(0x60000, 4096) ==
        std::vector<uint8_t>(state->bytes.begin() + 16 * 2048, state->bytes.begin() + 18 * 2048));
}

TEST_CASE("Piix3Ide: a machine reset resets the drives and the engines") {
  Board b;
  b.prd_table(0x1000, {{0x20000, 512}});
  b.bmdma_setup(0, 0x1000, true);
  b.primary.lba28(kCmdReadDma, 0, 2);
  b.bmdma_start(0);
  b.settle();
  b.ide.reset();
  CHECK(b.primary.status() == kReady);
  CHECK(b.ide.peek_bus_master(kBmStatus) == 0);
  CHECK(b.ide.peek_bus_master(kBmCommand) == 0);
  CHECK(b.ide.primary().device_control() == 0);
}
