#include "devices/piix3_ide.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "cpu/log.h"

namespace trapeze {

using namespace piix3_ide;

namespace {

constexpr uint32_t kClassIdeLegacy = 0x010180;  // mass storage, IDE, bus master + legacy
constexpr uint16_t kPciStatusMasterAbort = 0x2000;
constexpr uint16_t kPciStatusTargetAbort = 0x1000;
constexpr uint32_t kPrdEndOfTable = 0x80000000;

PciIdentity piix3_ide_identity() {
  PciIdentity id;
  id.vendor_id = Piix3Ide::kVendorIntel;
  id.device_id = Piix3Ide::kDeviceId;
  id.revision = 0x00;
  id.class_code = kClassIdeLegacy;
  id.header_type = 0x00;  // function 1 of the multi-function PIIX3: function 0 says so
  // As every QEMU PCI function (see pci::kQemuSubsystemVendorId).
  id.subsystem_vendor_id = pci::kQemuSubsystemVendorId;
  id.subsystem_id = pci::kQemuSubsystemId;
  id.interrupt_pin = 0;  // legacy mode: IRQ 14/15, no INTx#
  return id;
}

}  // namespace

Piix3Ide::Piix3Ide(PciBus& pci, IoBus& io, Scheduler& scheduler, PhysicalMemory& memory,
                   PciAddress address)
    : PciDevice(pci, address, "piix3-ide", piix3_ide_identity()),
      memory_(memory),
      ide_log_(log::component("ide")) {
  using namespace pci;
  // 82371SB 2.3: only I/O space and bus master enables exist in PCICMD; PCISTS has fast
  // back-to-back capable, medium DEVSEL and the two abort bits (write 1 to clear).
  define_register16(kCommand, 0, kCommandIo | kCommandMaster);
  define_register16(kStatus, kStatusFastBackToBack | kStatusDevselMedium, 0,
                    kPciStatusMasterAbort | kPciStatusTargetAbort);
  define_register8(kCacheLineSize, 0, 0);  // reserved in this function
  define_register8(kLatencyTimer, 0, 0xF0);
  define_register8(kInterruptLine, 0, 0);  // reserved: legacy mode uses IRQ 14/15
  // IDETIM: decode enable (15), slave timing enable (14), IORDY sample point (13-12),
  // recovery time (9-8), per-drive timing bits (7-0); 11-10 reserved.
  define_register16(kIdeTimingPrimary, 0, 0xF3FF);
  define_register16(kIdeTimingSecondary, 0, 0xF3FF);
  define_register8(kSlaveTiming, 0, 0xFF);
  define_bar(kBusMasterBar, PciBarType::kIo, kBusMasterBytes,
             io_bar_mapping(io, "piix3-ide-busmaster", *this, kIoWidthAny));

  channels_[0] = std::make_unique<IdeChannel>(io, scheduler, 0, IdeChannel::kPrimaryCommandPort,
                                              IdeChannel::kPrimaryControlPort);
  channels_[1] = std::make_unique<IdeChannel>(io, scheduler, 1, IdeChannel::kSecondaryCommandPort,
                                              IdeChannel::kSecondaryControlPort);
  for (unsigned i = 0; i < 2; ++i) {
    bus_masters_[i] = std::make_unique<BusMaster>(*this, *channels_[i]);
    channels_[i]->set_bus_master(bus_masters_[i].get());
  }
}

Piix3Ide::~Piix3Ide() {
  // The channels (and their drives) go first, while the engines they call still exist.
  for (auto& channel : channels_) {
    channel->set_bus_master(nullptr);
    channel.reset();
  }
}

void Piix3Ide::reset() {
  reset_config();
  for (auto& bus_master : bus_masters_) bus_master->reset();
  for (auto& channel : channels_) channel->reset();
}

void Piix3Ide::config_written(uint8_t offset, unsigned size_bytes) {
  // Enabling bus mastering lets a transfer that was waiting for it go.
  if (touches(offset, size_bytes, pci::kCommand)) {
    for (auto& bus_master : bus_masters_) bus_master->dma_requested();
  }
}

void Piix3Ide::note_master_abort() {
  set_config16(pci::kStatus, static_cast<uint16_t>(config16(pci::kStatus) | kPciStatusMasterAbort));
}

// ---- Bus-master registers ----

uint16_t Piix3Ide::bus_master_offset(uint16_t port) const {
  const std::optional<uint64_t> base = bar_address(kBusMasterBar);
  return base ? static_cast<uint16_t>(port - *base) : uint16_t{0xFFFF};
}

uint8_t Piix3Ide::read_byte(uint16_t offset) const {
  if (offset >= kBusMasterBytes) return 0xFF;
  return bus_masters_[offset / 8]->read(offset % 8);
}

void Piix3Ide::write_byte(uint16_t offset, uint8_t value) {
  if (offset >= kBusMasterBytes) return;
  bus_masters_[offset / 8]->write(offset % 8, value);
}

uint8_t Piix3Ide::peek_bus_master(uint16_t offset) const { return read_byte(offset); }

uint32_t Piix3Ide::io_read(uint16_t port, unsigned size_bytes) {
  const uint16_t offset = bus_master_offset(port);
  uint32_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i)
    value |= uint32_t{read_byte(static_cast<uint16_t>(offset + i))} << (8 * i);
  return value;
}

void Piix3Ide::io_write(uint16_t port, unsigned size_bytes, uint32_t value) {
  const uint16_t offset = bus_master_offset(port);
  for (unsigned i = 0; i < size_bytes; ++i)
    write_byte(static_cast<uint16_t>(offset + i), static_cast<uint8_t>(value >> (8 * i)));
}

// ---- One channel's engine ----

void Piix3Ide::BusMaster::reset() {
  command_ = 0;
  status_ = 0;
  prd_table_ = 0;
  next_entry_ = 0;
  region_address_ = 0;
  region_left_ = 0;
  region_is_last_ = false;
}

uint8_t Piix3Ide::BusMaster::read(uint16_t offset) const {
  switch (offset) {
    case kBmCommand:
      return command_;
    case kBmStatus:
      return status_;
    case kBmPrdTable:
    case kBmPrdTable + 1:
    case kBmPrdTable + 2:
    case kBmPrdTable + 3:
      return static_cast<uint8_t>(prd_table_ >> (8 * (offset - kBmPrdTable)));
    default:
      return 0x00;  // reserved
  }
}

void Piix3Ide::BusMaster::write(uint16_t offset, uint8_t value) {
  switch (offset) {
    case kBmCommand: {
      const bool was_started = (command_ & kBmCommandStart) != 0;
      command_ = value & (kBmCommandStart | kBmCommandWriteToMemory);
      const bool started = (command_ & kBmCommandStart) != 0;
      if (started && !was_started) {
        // Starting walks the table from its first entry (2.7.3).
        status_ |= kBmStatusActive;
        next_entry_ = prd_table_;
        region_left_ = 0;
        region_is_last_ = false;
        run();
      } else if (!started && was_started) {
        // Stopping aborts a transfer in progress; its data is lost.
        status_ &= static_cast<uint8_t>(~kBmStatusActive);
      }
      return;
    }
    case kBmStatus: {
      const uint8_t cleared = value & (kBmStatusError | kBmStatusInterrupt);
      status_ = static_cast<uint8_t>(((status_ & ~cleared) & ~kBmStatusDmaCapable) |
                                     (value & kBmStatusDmaCapable));
      return;
    }
    case kBmPrdTable:
    case kBmPrdTable + 1:
    case kBmPrdTable + 2:
    case kBmPrdTable + 3: {
      const unsigned shift = 8 * (offset - kBmPrdTable);
      prd_table_ = (prd_table_ & ~(uint32_t{0xFF} << shift)) | (uint32_t{value} << shift);
      prd_table_ &= ~uint32_t{3};  // dword-aligned
      return;
    }
    default:
      return;
  }
}

void Piix3Ide::BusMaster::run() {
  if ((command_ & kBmCommandStart) == 0 || (status_ & kBmStatusActive) == 0) return;
  IdeDevice* device = channel_.selected();
  if (device == nullptr || !device->dma_requested()) return;
  if (!owner_.bus_mastering_enabled()) {
    // Without the PCI bus master enable the PIIX3 cannot take the bus; the transfer
    // waits (the driver forgot pci_set_master).
    if (!disabled_logged_) {
      disabled_logged_ = true;
      owner_.ide_log_->warn("{}: DMA started with PCI bus mastering disabled; waiting",
                            channel_.name());
    }
    return;
  }
  device->run_dma(*this);
}

IdeDmaPort::Result Piix3Ide::BusMaster::master_abort() {
  status_ = static_cast<uint8_t>((status_ | kBmStatusError) & ~kBmStatusActive);
  owner_.note_master_abort();
  owner_.ide_log_->warn("{}: bus-master DMA to {:#x} is outside RAM: master abort", channel_.name(),
                        region_left_ != 0 ? region_address_ : next_entry_);
  return Result::kBusError;
}

IdeDmaPort::Result Piix3Ide::BusMaster::next_region() {
  if (region_is_last_ || (status_ & kBmStatusActive) == 0) {
    status_ &= static_cast<uint8_t>(~kBmStatusActive);
    return Result::kPrdExhausted;
  }
  uint32_t words[2] = {0, 0};
  for (unsigned i = 0; i < 2; ++i) {
    // Entries are dword-aligned, so each dword lies in one page.
    const uint64_t address = (next_entry_ + 4 * i) & 0xFFFFFFFF;
    const uint8_t* page = owner_.memory_.page_pointer(address, false);
    if (page == nullptr) return master_abort();
    const uint8_t* p = page + (address & kPageMask);
    words[i] = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
  }
  next_entry_ += 8;
  region_address_ = words[0] & ~uint32_t{1};
  region_left_ = words[1] & 0xFFFE;
  if (region_left_ == 0) region_left_ = 0x10000;
  region_is_last_ = (words[1] & kPrdEndOfTable) != 0;
  return Result::kOk;
}

template <typename Copy>
IdeDmaPort::Result Piix3Ide::BusMaster::transfer(size_t size_bytes, size_t& moved, bool to_memory,
                                                 Copy copy) {
  moved = 0;
  const bool engine_writes = (command_ & kBmCommandWriteToMemory) != 0;
  if (engine_writes != to_memory && !direction_logged_) {
    direction_logged_ = true;
    owner_.ide_log_->warn("{}: bus-master direction bit disagrees with the drive's command",
                          channel_.name());
  }
  while (moved < size_bytes) {
    if (region_left_ == 0) {
      const Result r = next_region();
      if (r != Result::kOk) return r;
    }
    const uint64_t page_left = kPageSize - (region_address_ & kPageMask);
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>({region_left_, size_bytes - moved, page_left}));
    uint8_t* page = owner_.memory_.page_pointer(region_address_ & 0xFFFFFFFF, to_memory);
    if (page == nullptr) return master_abort();
    copy(page + (region_address_ & kPageMask), moved, n);
    moved += n;
    region_address_ += n;
    region_left_ -= static_cast<uint32_t>(n);
    // The active bit drops as the last byte of the EOT region moves (2.7.5).
    if (region_left_ == 0 && region_is_last_) status_ &= static_cast<uint8_t>(~kBmStatusActive);
  }
  return Result::kOk;
}

IdeDmaPort::Result Piix3Ide::BusMaster::to_memory(std::span<const uint8_t> bytes, size_t& moved) {
  return transfer(bytes.size(), moved, true, [&](uint8_t* memory, size_t at, size_t n) {
    std::memcpy(memory, bytes.data() + at, n);
  });
}

IdeDmaPort::Result Piix3Ide::BusMaster::from_memory(std::span<uint8_t> bytes, size_t& moved) {
  return transfer(bytes.size(), moved, false, [&](uint8_t* memory, size_t at, size_t n) {
    std::memcpy(bytes.data() + at, memory, n);
  });
}

}  // namespace trapeze
