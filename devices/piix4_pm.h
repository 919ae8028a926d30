// The power management function of the Intel 82371AB PIIX4 (8086:7113, function 3) at
// PCI 01.3, as QEMU's pc machine grafts it onto the PIIX3: the ACPI fixed hardware that
// SeaBIOS describes in its FADT and Linux drives. Intel 82371AB PIIX4 datasheet,
// sections 3.4 (function 3 configuration) and 7 (power management I/O registers).
//
// Configuration space:
//  - PMBA (0x40): base of the 64-byte PM I/O block, decoded while PMREGMISC (0x80)
//    bit 0 is set. SeaBIOS (fw/pciinit.c, piix4_pm_setup) puts it at 0xB000.
//  - SMBBA (0x90): base of the 16-byte SMBus host controller, decoded while SMBHSTCFG
//    (0xD2) bit 0 and the command register's I/O enable are set. The controller is a stub
//    with no devices behind it: every transaction ends with DEV_ERR ("no response").
//  - DEVACTB (0x58-0x5B) comes up with APMC_EN (0x5B bit 1) set, as QEMU presets it
//    without SMM: SeaBIOS's smm.c then takes SMM as already set up and never raises an
//    SMI, which would hang it (there is no SMM).
//  - DEVRESB/DEVRESD (0x5F, 0x63, 0x67) say which legacy devices are decoded; SeaBIOS's
//    DSDT reports COM1, COM2 and LPT present from them (its _STA methods).
//
// PM I/O block (pmbase + offset):
//  0x00 PMSTS   status, write one to clear: TMROF_STS (bit 0, the timer's bit 23
//               changed), GBL_STS, PWRBTN_STS, RTC_STS, WAK_STS.
//  0x02 PMEN    the matching enables.
//  0x04 PMCNTRL SCI_EN (bit 0), SUS_TYP (bits 12:10), SUS_EN (bit 13, write-only).
//               Writing SUS_EN with SUS_TYP 0 (soft off, S5: SeaBIOS's DSDT has
//               _S5 = 0) powers the machine off; other sleep types are logged and ignored.
//  0x08 PMTMR   the ACPI PM timer: 3.579545 MHz from virtual time, 24 bits (SeaBIOS's
//               FADT leaves TMR_VAL_EXT clear), read-only.
// SCI (IRQ 9, level, active high as SeaBIOS's MADT and DSDT declare it) is asserted while
// SCI_EN is set and an enabled PM1 or GPE0 status bit is set.
//
// Beyond the PIIX4 (QEMU's additions that SeaBIOS's FADT and DSDT point at):
//  - GPE0 at 0xAFE0: 2 bytes status (write one to clear) and 2 bytes enable. No event
//    source sets them; they exist so ACPI's GPE handling reads sane values.
//  - APM ports 0xB2 (APMC, the FADT's SMI_CMD) and 0xB3 (APMS): values are stored. A
//    write of ACPI_ENABLE (0xF1) or ACPI_DISABLE (0xF0) to 0xB2 sets or clears SCI_EN,
//    which is what the SMI handler SeaBIOS would install does (fw/smm.c, smm_code);
//    without it Linux waits for SCI_EN and gives up on ACPI. Other values would raise an
//    SMI: logged once, nothing else.
//
// Wiring (the board): construct after the PciBus with the machine's IoBus and Scheduler
// (event type "piix4-pm-timer"); connect sci() to the PIC's IRQ 9 (and I/O APIC pin 9);
// set_power_off_listener() to end the run with status 0; reset() on machine reset.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/pci_bus.h"
#include "devices/pci_device.h"
#include "devices/scheduler.h"

namespace trapeze {

// Which legacy devices the board has, for the PIIX4 PM function's DEVRES registers.
struct Piix4LegacyDevices {
  bool com1 = true;
  bool com2 = false;
  bool lpt = false;
};

class Piix4Pm : public PciDevice, public IoHandler {
 public:
  static constexpr PciAddress kAddress{1, 3};
  static constexpr uint16_t kVendorId = 0x8086;
  static constexpr uint16_t kDeviceId = 0x7113;
  // PIIX4M: Linux's acpi_pm driver reads the timer three times on earlier revisions
  // (an erratum of theirs this emulation does not have).
  static constexpr uint8_t kRevision = 0x03;
  static constexpr uint64_t kTimerHz = 3'579'545;
  static constexpr unsigned kSciIrq = 9;

  // Configuration registers.
  static constexpr uint8_t kPmBase = 0x40;           // PMBA
  static constexpr uint8_t kDevActB = 0x58;          // DEVACTB; 0x5B bit 1 is APMC_EN
  static constexpr uint8_t kPmRegMisc = 0x80;        // PMREGMISC, bit 0 PMIOSE
  static constexpr uint8_t kSmbusBase = 0x90;        // SMBBA
  static constexpr uint8_t kSmbusHostConfig = 0xD2;  // SMBHSTCFG, bit 0 SMB_HST_EN

  // PM I/O registers (offsets from the PM base) and bits.
  static constexpr uint16_t kPmBytes = 64;
  static constexpr uint16_t kPmStatus = 0x00;
  static constexpr uint16_t kPmEnable = 0x02;
  static constexpr uint16_t kPmControl = 0x04;
  static constexpr uint16_t kPmTimer = 0x08;
  static constexpr uint16_t kTimerOverflow = 0x0001;  // TMROF_STS / TMROF_EN
  static constexpr uint16_t kGlobal = 0x0020;         // GBL_STS / GBL_EN
  static constexpr uint16_t kPowerButton = 0x0100;    // PWRBTN_STS / PWRBTN_EN
  static constexpr uint16_t kRtc = 0x0400;            // RTC_STS / RTC_EN
  static constexpr uint16_t kWake = 0x8000;           // WAK_STS
  static constexpr uint16_t kSciEnable = 0x0001;      // SCI_EN
  static constexpr uint16_t kGlobalRelease = 0x0004;  // GBL_RLS
  static constexpr uint16_t kSleepType = 0x1C00;      // SUS_TYP
  static constexpr uint16_t kSleepEnable = 0x2000;    // SUS_EN
  static constexpr uint16_t kSleepTypeSoftOff = 0;

  static constexpr uint16_t kSmbusBytes = 16;
  static constexpr uint16_t kGpe0Port = 0xAFE0;
  static constexpr uint16_t kGpe0Bytes = 4;
  static constexpr uint16_t kApmControlPort = 0xB2;
  static constexpr uint16_t kApmStatusPort = 0xB3;
  static constexpr uint8_t kAcpiEnable = 0xF1;
  static constexpr uint8_t kAcpiDisable = 0xF0;

  Piix4Pm(PciBus& bus, IoBus& io, Scheduler& scheduler, Piix4LegacyDevices legacy = {},
          PciAddress address = kAddress);
  // A pending timer event must not outlive the device (event types are never removed).
  ~Piix4Pm() override;

  // PCIRST#: registers to their defaults, PM and SMBus I/O off, SCI low.
  void reset();

  IrqLine& sci() { return sci_; }
  void set_power_off_listener(std::function<void()> listener) {
    power_off_listener_ = std::move(listener);
  }
  // The power button was pressed (a host request for an orderly shutdown): sets
  // PWRBTN_STS, which interrupts through the SCI when the guest enabled it.
  void press_power_button();

  // The PM timer's 24-bit count now.
  uint32_t timer_count() const;
  std::optional<uint16_t> pm_base() const { return pm_mapped_base_; }
  std::optional<uint16_t> smbus_base() const { return smbus_mapped_base_; }
  // What a read of `size_bytes` at `port` would return, without side effects, for the PM
  // block, SMBus, GPE0 and APM ports (all ones elsewhere).
  uint32_t peek(uint16_t port, unsigned size_bytes) const;

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  void config_written(uint8_t offset, unsigned size_bytes) override;
  void define_registers(const Piix4LegacyDevices& legacy);
  void update_pm_mapping();
  void update_smbus_mapping();

  // Timer ticks since virtual time 0 (not truncated).
  uint64_t ticks() const;
  // PMSTS with TMROF_STS for any bit-23 change not yet accounted.
  uint16_t pm_status_view() const;
  // Accounts timer overflows, recomputes the SCI and (re)schedules the overflow event.
  void refresh();
  void on_timer_event();

  uint8_t read_byte(uint16_t port) const;
  void write_pm(uint16_t offset, unsigned size_bytes, uint32_t value);
  void write_pm_control(uint16_t value, uint16_t byte_mask);
  void write_smbus(uint16_t offset, uint8_t value);
  void write_gpe(uint16_t offset, uint8_t value);
  void write_apm(uint16_t port, uint8_t value);

  IoBus& io_;
  Scheduler& scheduler_;
  std::shared_ptr<spdlog::logger> acpi_log_;
  EventType timer_event_type_;
  EventId timer_event_;
  IrqLine sci_;
  std::function<void()> power_off_listener_;

  uint16_t pm_status_ = 0;
  uint16_t pm_enable_ = 0;
  uint16_t pm_control_ = 0;
  uint64_t timer_epoch_ = 0;  // ticks >> 23 when TMROF_STS was last brought up to date
  std::array<uint8_t, kPmBytes> pm_other_{};  // GPSTS..GPOREG: stored, no effect
  uint16_t gpe_status_ = 0;
  uint16_t gpe_enable_ = 0;
  uint8_t apm_control_ = 0;
  uint8_t apm_status_ = 0;
  std::array<uint8_t, kSmbusBytes> smbus_{};

  std::optional<uint16_t> pm_mapped_base_;
  std::optional<uint16_t> smbus_mapped_base_;
  IoRegistration pm_registration_;
  IoRegistration smbus_registration_;
  IoRegistration gpe_registration_;
  IoRegistration apm_registration_;
};

}  // namespace trapeze
