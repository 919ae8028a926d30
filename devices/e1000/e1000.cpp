#include "devices/e1000/e1000.h"

#include "cpu/log.h"
#include "devices/e1000/e1000_registers.h"

namespace trapeze {

using namespace e1000;

namespace {

constexpr uint32_t kClassEthernet = 0x020000;
constexpr uint16_t kPciStatusMasterAbort = 0x2000;
// PBA: 48 KiB receive, 16 KiB transmit.
constexpr uint32_t kPbaReset = 0x00100030;
// ITR counts in units of 256 ns (13.4.18).
constexpr uint64_t kItrUnitNs = 256;

PciIdentity e1000_identity() {
  PciIdentity id;
  id.vendor_id = E1000::kVendorId;
  id.device_id = E1000::kDeviceId;
  id.revision = 0x03;
  id.class_code = kClassEthernet;
  id.subsystem_vendor_id = pci::kQemuSubsystemVendorId;
  id.subsystem_id = pci::kQemuSubsystemId;
  id.interrupt_pin = 1;  // INTA#
  return id;
}

}  // namespace

E1000::E1000(PciBus& pci, AddressMap& mmio_space, IoBus& io, Scheduler& scheduler,
             PhysicalMemory& dma_memory, std::vector<uint8_t> boot_rom, MacAddress mac,
             PciAddress address)
    : PciDevice(pci, address, "e1000", e1000_identity()),
      scheduler_(scheduler),
      dma_(dma_memory),
      mac_(mac),
      eeprom_(mac),
      nic_log_(log::component("e1000")),
      registers_(kMmioBytes / 4, 0) {
  define_register16(pci::kStatus, pci::kStatusDevselMedium, 0, pci::kStatusErrorBits);
  define_bar(0, PciBarType::kMemory32, kMmioBytes,
             mmio_bar_mapping(mmio_space, "e1000-mmio", *this));
  define_bar(1, PciBarType::kIo, kIoBytes, io_bar_mapping(io, "e1000-io", *this, kIoWidth32));
  if (!boot_rom.empty()) define_rom_image(mmio_space, "e1000-rom", std::move(boot_rom));
  throttle_event_type_ =
      scheduler_.register_type("e1000-itr", [this](uint64_t) { throttle_expired(); });
  reset();
}

E1000::~E1000() { scheduler_.cancel(throttle_event_); }

void E1000::reset() {
  reset_config();
  reset_card();
}

void E1000::reset_card() {
  std::fill(registers_.begin(), registers_.end(), 0);
  reg(kCtrl) = kCtrlFd | kCtrlSlu | 0x20 /* ASDE */ | 0x200 /* SPEED 1000 */;
  reg(kStatus) = kStatusFd | kStatusLu | kStatusSpeed1000;
  reg(kPba) = kPbaReset;
  // The EEPROM's address loads into the first receive address register (5.6.1).
  reg(kRal0) = uint32_t{mac_[0]} | uint32_t{mac_[1]} << 8 | uint32_t{mac_[2]} << 16 |
               uint32_t{mac_[3]} << 24;
  reg(kRah0) = uint32_t{mac_[4]} | uint32_t{mac_[5]} << 8 | kRahAv;
  phy_.reset();
  tx_packet_.abandon();
  rx_fifo_.clear();
  rx_fifo_bytes_ = 0;
  eecd_ = 0;
  io_address_ = 0;
  scheduler_.cancel(throttle_event_);
  next_assert_ns_ = 0;
  update_interrupt();
}

void E1000::config_written(uint8_t offset, unsigned size_bytes) {
  // Enabling bus mastering lets waiting frames and descriptors move.
  if (touches(offset, size_bytes, pci::kCommand)) {
    drain_receive_fifo();
    run_transmit();
  }
}

uint32_t E1000::peek_register(uint32_t offset) const {
  switch (offset) {
    case kEecd:
      return eecd_ | kEecdPres | ((eecd_ & kEecdReq) ? kEecdGnt : 0) |
             (eeprom_.data_out() ? kEecdDo : 0);
    case kEerd:
      return eeprom_.eerd();
    case kIms:
    case kImc:
      return reg(kIms);
    default:
      return reg(offset);
  }
}

uint32_t E1000::read_register(uint32_t offset) {
  const uint32_t value = peek_register(offset);
  if (offset == kIcr) {
    // Reading ICR acknowledges every cause (13.4.17).
    reg(kIcr) = 0;
    update_interrupt();
  } else if (offset >= kStatisticsFirst && offset <= kStatisticsLast) {
    reg(offset) = 0;
  }
  return value;
}

void E1000::write_register(uint32_t offset, uint32_t value) {
  switch (offset) {
    case kCtrl:
      if (value & kCtrlRst) {
        // A software reset of the MAC (the PCI configuration stays); RST clears itself.
        reset_card();
        return;
      }
      if (value & kCtrlPhyRst) phy_.reset();
      reg(kCtrl) = value & ~(kCtrlRst | kCtrlPhyRst);
      return;
    case kStatus:
      return;  // read-only
    case kEecd:
      eecd_ = value & (kEecdSk | kEecdCs | kEecdDi | kEecdReq | 0x30 /* FWE */);
      eeprom_.write_pins(eecd_);
      return;
    case kEerd:
      eeprom_.write_eerd(value);
      return;
    case kMdic:
      write_mdic(value);
      return;
    case kIcr:
      // Writing ones clears those causes.
      reg(kIcr) &= ~value;
      update_interrupt();
      return;
    case kIcs:
      raise(value & kIntMask);
      return;
    case kIms:
      reg(kIms) |= value & kIntMask;
      update_interrupt();
      return;
    case kImc:
      reg(kIms) &= ~value;
      update_interrupt();
      return;
    case kRctl:
      reg(kRctl) = value;
      if (value & kRctlEn) drain_receive_fifo();
      return;
    case kRdlen:
    case kTdlen:
      // Ring lengths are multiples of 128 bytes (13.4.27).
      reg(offset) = value & 0x000FFF80;
      return;
    case kRdh:
    case kRdt:
    case kTdh:
    case kTdt:
      reg(offset) = value & 0xFFFF;
      if (offset == kRdt) drain_receive_fifo();
      if (offset == kTdt) run_transmit();
      return;
    case kTctl:
      reg(kTctl) = value;
      if (value & kTctlEn) {
        run_transmit();
      } else {
        tx_packet_.abandon();
      }
      return;
    default:
      if (offset >= kStatisticsFirst && offset <= kStatisticsLast) return;  // read-only
      reg(offset) = value;
      return;
  }
}

void E1000::write_mdic(uint32_t value) {
  const unsigned phy_address = (value >> 21) & 0x1F;
  const unsigned phy_register = (value >> 16) & 0x1F;
  uint32_t result = value & ~(kMdicReady | kMdicError);
  bool ok = phy_address == phy::kAddress;
  if (ok && (value & (3u << 26)) == kMdicOpRead) {
    uint16_t data = 0;
    ok = phy_.read(phy_register, data);
    result = (result & 0xFFFF0000) | data;
  } else if (ok && (value & (3u << 26)) == kMdicOpWrite) {
    ok = phy_.write(phy_register, static_cast<uint16_t>(value));
  } else {
    ok = false;
  }
  // The access completes at once: ready, and an error for a missing PHY or register.
  reg(kMdic) = result | kMdicReady | (ok ? 0 : kMdicError);
  if (value & kMdicInterrupt) raise(kIntMdac);
}

// Register accesses narrower than 32 bits read or merge into the dword (drivers use
// dwords; the chip requires them for some registers but tolerates the rest).
uint64_t E1000::read(uint64_t offset, unsigned size_bytes) {
  const uint32_t aligned = static_cast<uint32_t>(offset & ~uint64_t{3});
  const uint32_t value = read_register(aligned);
  if (size_bytes >= 4) return value;
  const unsigned shift = static_cast<unsigned>(offset & 3) * 8;
  return (value >> shift) & ((uint64_t{1} << (size_bytes * 8)) - 1);
}

void E1000::write(uint64_t offset, unsigned size_bytes, uint64_t value) {
  const uint32_t aligned = static_cast<uint32_t>(offset & ~uint64_t{3});
  uint32_t dword = static_cast<uint32_t>(value);
  if (size_bytes < 4) {
    const unsigned shift = static_cast<unsigned>(offset & 3) * 8;
    const uint32_t mask = ((uint32_t{1} << (size_bytes * 8)) - 1) << shift;
    dword = (peek_register(aligned) & ~mask) | ((static_cast<uint32_t>(value) << shift) & mask);
  }
  write_register(aligned, dword);
}

uint32_t E1000::io_read(uint16_t port, unsigned /*size_bytes*/) {
  const auto base = bar_address(1);
  const unsigned offset = base ? static_cast<unsigned>(port - *base) : 0;
  if (offset == 0) return io_address_;
  return read_register(io_address_ & (kMmioBytes - 4));
}

void E1000::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  const auto base = bar_address(1);
  const unsigned offset = base ? static_cast<unsigned>(port - *base) : 0;
  if (offset == 0) {
    io_address_ = value;
  } else {
    write_register(io_address_ & (kMmioBytes - 4), value);
  }
}

void E1000::raise(uint32_t causes) {
  reg(kIcr) |= causes;
  update_interrupt();
}

void E1000::update_interrupt() {
  const bool pending = (reg(kIcr) & reg(kIms)) != 0;
  if (!pending) {
    if (irq_asserted_) {
      irq_asserted_ = false;
      set_interrupt(false);
    }
    return;
  }
  if (irq_asserted_) return;
  const uint64_t now = scheduler_.now_ns();
  if (now < next_assert_ns_) {
    // Throttled: assert when the interval is over, if a cause is still pending then.
    if (!scheduler_.pending(throttle_event_)) {
      throttle_event_ = scheduler_.schedule(throttle_event_type_, next_assert_ns_);
    }
    return;
  }
  irq_asserted_ = true;
  next_assert_ns_ = now + uint64_t{reg(kItr) & 0xFFFF} * kItrUnitNs;
  set_interrupt(true);
}

void E1000::throttle_expired() { update_interrupt(); }

void E1000::master_abort(const char* what, uint64_t address) {
  set_config16(pci::kStatus, static_cast<uint16_t>(config16(pci::kStatus) | kPciStatusMasterAbort));
  if (!abort_logged_) {
    abort_logged_ = true;
    nic_log_->warn("{} at {:#x} is outside RAM: master abort", what, address);
  }
}

void E1000::add_statistic(uint32_t offset, uint64_t amount) {
  const uint64_t sum = uint64_t{reg(offset)} + amount;
  reg(offset) = sum > 0xFFFFFFFF ? 0xFFFFFFFF : static_cast<uint32_t>(sum);  // saturates
}

void E1000::add_statistic64(uint32_t offset_low, uint64_t amount) {
  const uint64_t value = (uint64_t{reg(offset_low + 4)} << 32 | reg(offset_low)) + amount;
  reg(offset_low) = static_cast<uint32_t>(value);
  reg(offset_low + 4) = static_cast<uint32_t>(value >> 32);
}

}  // namespace trapeze
