#include "devices/piix4_pm.h"

#include <fmt/format.h>

#include <stdexcept>

#include "cpu/log.h"

namespace trapeze {

namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;
constexpr unsigned kTimerBits = 24;
constexpr uint32_t kTimerMask = (1u << kTimerBits) - 1;
// TMROF_STS is set whenever the timer's top bit changes (ACPI 6.x section 4.8.2.1).
constexpr unsigned kTimerOverflowShift = kTimerBits - 1;

// PMSTS bits a write of one clears: TMROF, BM, GBL, PWRBTN, RTC, PWRBTNOR, WAK.
constexpr uint16_t kPmStatusClearable = 0x8D31;
// Events that raise the SCI when enabled in PMEN.
constexpr uint16_t kPmEvents =
    Piix4Pm::kTimerOverflow | Piix4Pm::kGlobal | Piix4Pm::kPowerButton | Piix4Pm::kRtc;
// PMCNTRL bits that hold a value (SUS_EN and GBL_RLS are actions and read as zero):
// SCI_EN, BRLD_EN_BM, SUS_TYP.
constexpr uint16_t kPmControlStored = Piix4Pm::kSciEnable | 0x0002 | Piix4Pm::kSleepType;

// SMBus host registers (PIIX4 datasheet section 7.3) and bits.
constexpr uint16_t kSmbHostStatus = 0x00;
constexpr uint16_t kSmbHostControl = 0x02;
constexpr uint8_t kSmbStatusBusy = 0x01;
constexpr uint8_t kSmbStatusDeviceError = 0x04;
constexpr uint8_t kSmbStatusClearable = 0x1E;  // INTR, DEV_ERR, BUS_ERR, FAILED
constexpr uint8_t kSmbControlStart = 0x40;

// The first tick of the timer at or after `tick`, in nanoseconds of virtual time.
uint64_t ns_for_tick(uint64_t tick) {
  const uint64_t seconds = tick / Piix4Pm::kTimerHz;
  const uint64_t rest = tick % Piix4Pm::kTimerHz;
  return seconds * kNsPerSecond + (rest * kNsPerSecond + Piix4Pm::kTimerHz - 1) / Piix4Pm::kTimerHz;
}

}  // namespace

Piix4Pm::Piix4Pm(PciBus& bus, IoBus& io, Scheduler& scheduler, Piix4LegacyDevices legacy,
                 PciAddress address)
    : PciDevice(bus, address, "piix4-pm",
                PciIdentity{kVendorId, kDeviceId, kRevision, 0x068000 /* other bridge */, 0x00,
                            pci::kQemuSubsystemVendorId, pci::kQemuSubsystemId,
                            1 /* INTA#, the SMBus interrupt */}),
      io_(io),
      scheduler_(scheduler),
      acpi_log_(log::component("acpi")),
      timer_event_type_(
          scheduler.register_type("piix4-pm-timer", [this](uint64_t) { on_timer_event(); })),
      gpe_registration_(
          io.map("acpi-gpe0", kGpe0Port, kGpe0Port + kGpe0Bytes - 1, kIoWidthAny, *this)),
      apm_registration_(io.map("apm", kApmControlPort, kApmStatusPort, kIoWidthAny, *this)) {
  define_registers(legacy);
  reset();
}

Piix4Pm::~Piix4Pm() { scheduler_.cancel(timer_event_); }

void Piix4Pm::define_registers(const Piix4LegacyDevices& legacy) {
  using namespace pci;
  // PCICMD bit 0 enables the SMBus I/O space; the PM block has its own enable (PMIOSE).
  define_register16(kCommand, 0, kCommandIo);
  define_register16(kStatus, kStatusFastBackToBack | kStatusDevselMedium, 0, kStatusErrorBits);
  // PMBA: 64-byte I/O block, bit 0 hard-wired to one (an I/O address).
  define_register32(kPmBase, 0x00000001, 0x0000FFC0);
  // CNTA, CNTB, GPICTL, DEVRESD and DEVACTA..: stored, no effect.
  for (uint8_t r = 0x44; r < kDevActB; ++r) define_register8(r, 0x00, 0xFF);
  define_register32(kDevActB, 0x02000000 /* APMC_EN: SMM "already set up" */, 0xFFFFFFFF);
  for (uint8_t r = 0x5C; r < kPmRegMisc; ++r) define_register8(r, 0x00, 0xFF);
  // Legacy decode enables as QEMU presets them and SeaBIOS's DSDT reads them: LPT (0x5F
  // bit 7), COM A (0x67 bit 3) and COM B at 0x2F8 (0x67 bits 7 and 4).
  define_register8(0x5F, static_cast<uint8_t>(0x10 | (legacy.lpt ? 0x80 : 0)), 0xFF);
  define_register8(0x63, 0x60, 0xFF);
  define_register8(0x67, static_cast<uint8_t>((legacy.com1 ? 0x08 : 0) | (legacy.com2 ? 0x90 : 0)),
                   0xFF);
  define_register8(kPmRegMisc, 0x00, 0x01);
  // SMBBA: 16-byte I/O block, bit 0 hard-wired to one.
  define_register32(kSmbusBase, 0x00000001, 0x0000FFF0);
  define_register8(kSmbusHostConfig, 0x00, 0x0F);  // SMB_HST_EN, interrupt select
  define_register8(0xD3, 0x00, 0xFF);              // SMBSLVC
  define_register16(0xD4, 0x0000, 0xFFFF);         // SMBSHDW1/2
  define_register8(0xD6, 0x00);                    // SMBREV
}

void Piix4Pm::reset() {
  reset_config();
  pm_status_ = pm_enable_ = pm_control_ = 0;
  pm_other_.fill(0);
  gpe_status_ = gpe_enable_ = 0;
  apm_control_ = apm_status_ = 0;
  smbus_.fill(0);
  timer_epoch_ = ticks() >> kTimerOverflowShift;
  update_pm_mapping();
  update_smbus_mapping();
  refresh();
}

// ---- Configuration space ----

void Piix4Pm::config_written(uint8_t offset, unsigned size_bytes) {
  if (touches_range(offset, size_bytes, kPmBase, kPmBase + 3) ||
      touches(offset, size_bytes, kPmRegMisc))
    update_pm_mapping();
  if (touches_range(offset, size_bytes, kSmbusBase, kSmbusBase + 3) ||
      touches(offset, size_bytes, kSmbusHostConfig) || touches(offset, size_bytes, pci::kCommand))
    update_smbus_mapping();
}

void Piix4Pm::update_pm_mapping() {
  std::optional<uint16_t> base;
  const auto address = static_cast<uint16_t>(config32(kPmBase) & 0xFFC0);
  if ((config8(kPmRegMisc) & 0x01) && address != 0) base = address;
  if (base == pm_mapped_base_) return;
  pm_registration_.reset();
  pm_mapped_base_.reset();
  if (!base) return;
  try {
    pm_registration_ =
        io_.map("acpi-pm", *base, static_cast<uint16_t>(*base + kPmBytes - 1), kIoWidthAny, *this);
    pm_mapped_base_ = base;
    acpi_log_->debug("piix4-pm: PM I/O at {:#06x}", *base);
  } catch (const std::invalid_argument& e) {
    acpi_log_->warn("piix4-pm: PM I/O at {:#06x} not mapped: {}", *base, e.what());
  }
}

void Piix4Pm::update_smbus_mapping() {
  std::optional<uint16_t> base;
  const auto address = static_cast<uint16_t>(config32(kSmbusBase) & 0xFFF0);
  if ((config8(kSmbusHostConfig) & 0x01) && (command() & pci::kCommandIo) && address != 0)
    base = address;
  if (base == smbus_mapped_base_) return;
  smbus_registration_.reset();
  smbus_mapped_base_.reset();
  if (!base) return;
  try {
    smbus_registration_ =
        io_.map("smbus", *base, static_cast<uint16_t>(*base + kSmbusBytes - 1), kIoWidthAny, *this);
    smbus_mapped_base_ = base;
    acpi_log_->debug("piix4-pm: SMBus at {:#06x}", *base);
  } catch (const std::invalid_argument& e) {
    acpi_log_->warn("piix4-pm: SMBus at {:#06x} not mapped: {}", *base, e.what());
  }
}

// ---- PM timer and SCI ----

uint64_t Piix4Pm::ticks() const {
  // Split so the product cannot overflow however long the machine runs.
  const uint64_t now = scheduler_.now_ns();
  return (now / kNsPerSecond) * kTimerHz + (now % kNsPerSecond) * kTimerHz / kNsPerSecond;
}

uint32_t Piix4Pm::timer_count() const { return static_cast<uint32_t>(ticks()) & kTimerMask; }

uint16_t Piix4Pm::pm_status_view() const {
  const bool overflowed = (ticks() >> kTimerOverflowShift) != timer_epoch_;
  return static_cast<uint16_t>(pm_status_ | (overflowed ? kTimerOverflow : 0));
}

void Piix4Pm::refresh() {
  const uint64_t epoch = ticks() >> kTimerOverflowShift;
  if (epoch != timer_epoch_) {
    pm_status_ |= kTimerOverflow;
    timer_epoch_ = epoch;
  }
  const bool sci_enabled = pm_control_ & kSciEnable;
  const bool event = (pm_status_ & pm_enable_ & kPmEvents) != 0 || (gpe_status_ & gpe_enable_) != 0;
  sci_.set(sci_enabled && event);

  // The next overflow matters only when it would interrupt; otherwise the status bit is
  // brought up to date when read.
  const bool wanted =
      sci_enabled && (pm_enable_ & kTimerOverflow) && !(pm_status_ & kTimerOverflow);
  if (!wanted) {
    scheduler_.cancel(timer_event_);
    return;
  }
  const uint64_t when = ns_for_tick((timer_epoch_ + 1) << kTimerOverflowShift);
  if (scheduler_.scheduled_ns(timer_event_) == when) return;
  scheduler_.cancel(timer_event_);
  timer_event_ = scheduler_.schedule(timer_event_type_, when);
}

void Piix4Pm::on_timer_event() { refresh(); }

void Piix4Pm::press_power_button() {
  pm_status_ |= kPowerButton;
  refresh();
}

// ---- Register file ----

uint8_t Piix4Pm::read_byte(uint16_t port) const {
  if (pm_mapped_base_ && port >= *pm_mapped_base_ && port - *pm_mapped_base_ < kPmBytes) {
    const unsigned offset = port - *pm_mapped_base_;
    const unsigned shift = 8 * (offset & 1);
    switch (offset) {
      case kPmStatus:
      case kPmStatus + 1:
        return static_cast<uint8_t>(pm_status_view() >> shift);
      case kPmEnable:
      case kPmEnable + 1:
        return static_cast<uint8_t>(pm_enable_ >> shift);
      case kPmControl:
      case kPmControl + 1:
        return static_cast<uint8_t>(pm_control_ >> shift);
      case 0x06:
      case 0x07:
        return 0x00;  // reserved
      case kPmTimer:
      case kPmTimer + 1:
      case kPmTimer + 2:
      case kPmTimer + 3:
        return static_cast<uint8_t>(timer_count() >> (8 * (offset - kPmTimer)));
      default:
        return pm_other_[offset];
    }
  }
  if (smbus_mapped_base_ && port >= *smbus_mapped_base_ && port - *smbus_mapped_base_ < kSmbusBytes)
    return smbus_[port - *smbus_mapped_base_];
  if (port >= kGpe0Port && port - kGpe0Port < kGpe0Bytes) {
    const unsigned offset = port - kGpe0Port;
    const uint16_t reg = offset < 2 ? gpe_status_ : gpe_enable_;
    return static_cast<uint8_t>(reg >> (8 * (offset & 1)));
  }
  if (port == kApmControlPort) return apm_control_;
  if (port == kApmStatusPort) return apm_status_;
  return 0xFF;
}

uint32_t Piix4Pm::peek(uint16_t port, unsigned size_bytes) const {
  uint32_t value = 0;
  for (unsigned i = 0; i < size_bytes; ++i)
    value |= uint32_t{read_byte(static_cast<uint16_t>(port + i))} << (8 * i);
  return value;
}

uint32_t Piix4Pm::io_read(uint16_t port, unsigned size_bytes) { return peek(port, size_bytes); }

void Piix4Pm::io_write(uint16_t port, unsigned size_bytes, uint32_t value) {
  if (pm_mapped_base_ && port >= *pm_mapped_base_ && port - *pm_mapped_base_ < kPmBytes) {
    write_pm(static_cast<uint16_t>(port - *pm_mapped_base_), size_bytes, value);
    return;
  }
  for (unsigned i = 0; i < size_bytes; ++i) {
    const auto at = static_cast<uint16_t>(port + i);
    const auto byte = static_cast<uint8_t>(value >> (8 * i));
    if (smbus_mapped_base_ && at >= *smbus_mapped_base_ && at - *smbus_mapped_base_ < kSmbusBytes) {
      write_smbus(static_cast<uint16_t>(at - *smbus_mapped_base_), byte);
    } else if (at >= kGpe0Port && at - kGpe0Port < kGpe0Bytes) {
      write_gpe(static_cast<uint16_t>(at - kGpe0Port), byte);
    } else if (at == kApmControlPort || at == kApmStatusPort) {
      write_apm(at, byte);
    }
  }
}

void Piix4Pm::write_pm(uint16_t offset, unsigned size_bytes, uint32_t value) {
  // Gather the bytes per 16-bit register, so a word write acts once and a byte write
  // touches only its half.
  uint16_t status_value = 0, status_mask = 0;
  uint16_t enable_value = 0, enable_mask = 0;
  uint16_t control_value = 0, control_mask = 0;
  for (unsigned i = 0; i < size_bytes && offset + i < kPmBytes; ++i) {
    const unsigned at = offset + i;
    const auto byte = static_cast<uint16_t>((value >> (8 * i)) & 0xFF);
    const unsigned shift = 8 * (at & 1);
    switch (at) {
      case kPmStatus:
      case kPmStatus + 1:
        status_value = static_cast<uint16_t>(status_value | (byte << shift));
        status_mask = static_cast<uint16_t>(status_mask | (0xFF << shift));
        break;
      case kPmEnable:
      case kPmEnable + 1:
        enable_value = static_cast<uint16_t>(enable_value | (byte << shift));
        enable_mask = static_cast<uint16_t>(enable_mask | (0xFF << shift));
        break;
      case kPmControl:
      case kPmControl + 1:
        control_value = static_cast<uint16_t>(control_value | (byte << shift));
        control_mask = static_cast<uint16_t>(control_mask | (0xFF << shift));
        break;
      case 0x06:
      case 0x07:
      case kPmTimer:
      case kPmTimer + 1:
      case kPmTimer + 2:
      case kPmTimer + 3:
        break;  // reserved, and the read-only timer
      default:
        pm_other_[at] = static_cast<uint8_t>(byte);
        log::once(acpi_log_, fmt::format("piix4-pm: PM register {:#04x} written; it is stored "
                                         "and has no effect",
                                         at));
        break;
    }
  }
  if (status_mask != 0) {
    refresh();  // account overflows first, so a write of one clears them
    pm_status_ =
        static_cast<uint16_t>(pm_status_ & ~(status_value & status_mask & kPmStatusClearable));
  }
  if (enable_mask != 0)
    pm_enable_ = static_cast<uint16_t>((pm_enable_ & ~enable_mask) |
                                       (enable_value & enable_mask & kPmEvents));
  if (control_mask != 0) write_pm_control(control_value, control_mask);
  refresh();
}

void Piix4Pm::write_pm_control(uint16_t value, uint16_t byte_mask) {
  const uint16_t written = value & byte_mask;
  pm_control_ = static_cast<uint16_t>((pm_control_ & ~(byte_mask & kPmControlStored)) |
                                      (written & kPmControlStored));
  if (written & kGlobalRelease)
    log::once(acpi_log_, "piix4-pm: GBL_RLS written; there is no SMI handler to notify");
  if (written & kSleepEnable) {
    const unsigned type = (pm_control_ & kSleepType) >> 10;
    if (type == kSleepTypeSoftOff) {
      acpi_log_->info("piix4-pm: soft off (S5) requested");
      if (power_off_listener_) power_off_listener_();
    } else {
      log::once(acpi_log_, fmt::format("piix4-pm: sleep type {} requested; only soft off (0) is "
                                       "implemented, the machine keeps running",
                                       type));
    }
  }
}

void Piix4Pm::write_smbus(uint16_t offset, uint8_t value) {
  switch (offset) {
    case kSmbHostStatus:
      smbus_[offset] = static_cast<uint8_t>(smbus_[offset] & ~(value & kSmbStatusClearable));
      break;
    case kSmbHostControl:
      smbus_[offset] = static_cast<uint8_t>(value & ~kSmbControlStart);
      if (value & kSmbControlStart) {
        // No device answers on this bus: the transaction ends at once, unacknowledged.
        smbus_[kSmbHostStatus] = static_cast<uint8_t>((smbus_[kSmbHostStatus] & ~kSmbStatusBusy) |
                                                      kSmbStatusDeviceError);
        log::once(acpi_log_, "piix4-pm: SMBus transaction started; the bus has no devices");
      }
      break;
    default:
      smbus_[offset] = value;
      break;
  }
}

void Piix4Pm::write_gpe(uint16_t offset, uint8_t value) {
  const unsigned shift = 8 * (offset & 1);
  const auto bits = static_cast<uint16_t>(value << shift);
  if (offset < 2) {
    gpe_status_ = static_cast<uint16_t>(gpe_status_ & ~bits);
  } else {
    gpe_enable_ = static_cast<uint16_t>((gpe_enable_ & ~(0xFF << shift)) | bits);
  }
  refresh();
}

void Piix4Pm::write_apm(uint16_t port, uint8_t value) {
  if (port == kApmStatusPort) {
    apm_status_ = value;
    return;
  }
  apm_control_ = value;
  if (value == kAcpiEnable || value == kAcpiDisable) {
    // What SeaBIOS's SMI handler does for these two commands.
    pm_control_ = value == kAcpiEnable ? static_cast<uint16_t>(pm_control_ | kSciEnable)
                                       : static_cast<uint16_t>(pm_control_ & ~kSciEnable);
    acpi_log_->debug("piix4-pm: ACPI mode {}", value == kAcpiEnable ? "on" : "off");
    refresh();
    return;
  }
  acpi_log_->debug("piix4-pm: APM command {:#04x}", value);
  log::once(acpi_log_, "piix4-pm: APM command written to port 0xb2; SMIs are not emulated");
}

}  // namespace trapeze
