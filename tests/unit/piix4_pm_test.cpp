// The PIIX4 power management function as SeaBIOS sets it up (fw/pciinit.c,
// piix4_pm_config_setup) and as firmware and Linux's ACPI core use it: the PM timer as a
// clock, its overflow status and SCI, ACPI mode through the SMI command port, S5 soft-off
// (SeaBIOS apm_shutdown and Linux acpi_enter_sleep_state), the SMBus stub.
#include "devices/piix4_pm.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/io_bus.h"
#include "devices/pci_bus.h"
#include "devices/scheduler.h"

using namespace trapeze;

namespace {

constexpr uint16_t kPmBase = 0xB000;   // SeaBIOS's PORT_ACPI_PM_BASE
constexpr uint16_t kSmbBase = 0xB100;  // PORT_SMB_BASE
constexpr uint64_t kSecond = 1'000'000'000;

struct Board {
  IoBus io;
  Scheduler scheduler;
  PciBus bus{io};
  Piix4Pm pm{bus, io, scheduler};
  std::vector<bool> sci_levels;
  unsigned power_offs = 0;

  Board() {
    pm.sci().connect([this](bool level) { sci_levels.push_back(level); });
    sci_levels.clear();
    pm.set_power_off_listener([this] { ++power_offs; });
  }
  static uint32_t address(uint8_t reg) {
    return 0x80000000u | (1u << 11) | (3u << 8) | (reg & 0xFC);
  }
  uint32_t readl(uint8_t reg) {
    io.out(0xCF8, 4, address(reg));
    return io.in(0xCFC, 4);
  }
  uint8_t readb(uint8_t reg) {
    io.out(0xCF8, 4, address(reg));
    return static_cast<uint8_t>(io.in(0xCFC + (reg & 3), 1));
  }
  void writel(uint8_t reg, uint32_t value) {
    io.out(0xCF8, 4, address(reg));
    io.out(0xCFC, 4, value);
  }
  void writew(uint8_t reg, uint16_t value) {
    io.out(0xCF8, 4, address(reg));
    io.out(0xCFC + (reg & 2), 2, value);
  }
  void writeb(uint8_t reg, uint8_t value) {
    io.out(0xCF8, 4, address(reg));
    io.out(0xCFC + (reg & 3), 1, value);
  }
  // piix4_pm_config_setup, then pci_bios_init_device's command |= I/O | memory | SERR.
  void seabios_setup() {
    writeb(0x3C, 9);
    writel(0x40, kPmBase | 1);
    writeb(0x80, 0x01);
    writel(0x90, kSmbBase | 1);
    writeb(0xD2, 0x09);
    io.out(0xCF8, 4, address(0x04));
    const auto command = static_cast<uint16_t>(io.in(0xCFC, 2) | 0x0103);
    io.out(0xCFC, 2, command);
  }
  uint32_t timer() { return io.in(kPmBase + 8, 4); }
  void at(uint64_t ns) { scheduler.advance_to(ns); }
};

// The first nanosecond at which the timer has counted `ticks`.
uint64_t ns_at_tick(uint64_t ticks) {
  return (ticks * kSecond + Piix4Pm::kTimerHz - 1) / Piix4Pm::kTimerHz;
}

}  // namespace

TEST_CASE("Piix4Pm: identity and the registers SeaBIOS checks before touching SMM") {
  Board b;
  CHECK(b.readl(0x00) == 0x71138086);
  CHECK(b.readl(0x08) == 0x06800003);  // bridge/other, revision 3 (PIIX4M)
  CHECK(b.readb(0x0E) == 0x00);
  CHECK(b.readb(0x3D) == 0x01);
  CHECK(b.readl(0x40) == 0x00000001);
  CHECK(b.readl(0x90) == 0x00000001);
  // smm.c piix4_apmc_smm_setup: PIIX_DEVACTB (0x58) bit 25 set means "done already".
  CHECK((b.readl(0x58) & (1u << 25)) != 0);
  // DEVRES bits SeaBIOS's DSDT reads for COM1/COM2/LPT presence.
  CHECK(b.readb(0x67) == 0x08);
  CHECK(b.readb(0x5F) == 0x10);
  CHECK(b.readb(0x63) == 0x60);
  CHECK_FALSE(b.pm.pm_base());
  CHECK(b.io.in(kPmBase + 8, 4) == 0xFFFFFFFF);  // PM I/O off until PMIOSE
}

TEST_CASE("Piix4Pm: SeaBIOS's setup maps the PM block at 0xB000 and the SMBus at 0xB100") {
  Board b;
  b.seabios_setup();
  CHECK(b.readl(0x40) == 0x0000B001);
  CHECK(b.readb(0x3C) == 9);
  CHECK(b.pm.pm_base() == kPmBase);
  CHECK(b.pm.smbus_base() == kSmbBase);
  CHECK(b.io.in(kPmBase + 4, 2) == 0x0000);  // PMCNTRL: legacy mode, SCI_EN clear
  // Moving the PM base (Linux may, within the PCI I/O window) moves the block.
  b.writel(0x40, 0x0000B041);
  CHECK(b.readl(0x40) == 0x0000B041);
  CHECK(b.pm.pm_base() == 0xB040);
  CHECK(b.io.in(kPmBase + 8, 4) == 0xFFFFFFFF);
  b.writeb(0x80, 0x00);
  CHECK_FALSE(b.pm.pm_base());
}

TEST_CASE("Piix4Pm: the PM timer counts 3.579545 MHz of virtual time in 24 bits") {
  Board b;
  b.seabios_setup();
  CHECK(b.timer() == 0);
  b.at(kSecond);
  CHECK(b.timer() == 3'579'545);
  // SeaBIOS's timer_setup calibrates against it: 1 ms is 3579.545 ticks.
  b.at(kSecond + 1'000'000);
  CHECK(b.timer() == 3'579'545 + 3'579);
  // Bits 31:24 read as zero and the count wraps at 2^24 (4.687 s).
  b.at(5 * kSecond);
  CHECK(b.timer() == ((5 * 3'579'545) & 0xFFFFFF));
  CHECK(b.timer() < (1u << 24));
  CHECK(b.pm.timer_count() == b.timer());
  // Byte reads see the same count.
  const uint32_t count = b.timer();
  CHECK(b.io.in(kPmBase + 8, 1) == (count & 0xFF));
  CHECK(b.io.in(kPmBase + 10, 1) == ((count >> 16) & 0xFF));
  b.io.out(kPmBase + 8, 4, 0);  // read-only
  CHECK(b.timer() == count);
}

TEST_CASE("Piix4Pm: TMROF_STS is set when bit 23 changes and cleared by writing one") {
  Board b;
  b.seabios_setup();
  const uint64_t toggle = ns_at_tick(1u << 23);  // about 2.34 s
  b.at(toggle - 1);
  CHECK((b.io.in(kPmBase, 2) & 0x0001) == 0);
  b.at(toggle);
  CHECK((b.io.in(kPmBase, 2) & 0x0001) != 0);
  b.io.out(kPmBase, 2, 0x0000);  // writing zero changes nothing
  CHECK((b.io.in(kPmBase, 2) & 0x0001) != 0);
  b.io.out(kPmBase, 2, 0x0001);
  CHECK((b.io.in(kPmBase, 2) & 0x0001) == 0);
  b.at(ns_at_tick(2u << 23) - 1);
  CHECK((b.io.in(kPmBase, 2) & 0x0001) == 0);
  b.at(ns_at_tick(2u << 23));  // the 1 -> 0 change of bit 23 counts too
  CHECK((b.io.in(kPmBase, 2) & 0x0001) != 0);
}

TEST_CASE("Piix4Pm: ACPI mode via the SMI command port, and the timer's SCI") {
  Board b;
  b.seabios_setup();
  b.io.out(kPmBase + 2, 2, Piix4Pm::kTimerOverflow);  // TMROF_EN, still in legacy mode
  b.at(ns_at_tick(1u << 23));
  CHECK(b.sci_levels.empty());  // SCI_EN clear: no SCI
  // Linux's acpi_enable: ACPI_ENABLE (0xF1, from the FADT) to SMI_CMD (0xB2), then it
  // polls SCI_EN. The pending overflow now interrupts.
  b.io.out(0xB2, 1, 0xF1);
  CHECK((b.io.in(kPmBase + 4, 2) & Piix4Pm::kSciEnable) != 0);
  CHECK(b.io.in(0xB2, 1) == 0xF1);
  CHECK(b.pm.sci().level());
  b.io.out(kPmBase, 2, 0x0001);
  CHECK_FALSE(b.pm.sci().level());
  // The next overflow interrupts at its exact time, through the scheduler.
  const uint64_t next = ns_at_tick(2u << 23);
  CHECK(b.scheduler.next_event_ns() == next);
  b.at(next - 1);
  CHECK_FALSE(b.pm.sci().level());
  b.at(next);
  CHECK(b.pm.sci().level());
  // Disabling the event takes the SCI back; so does leaving ACPI mode.
  b.io.out(kPmBase + 2, 2, 0);
  CHECK_FALSE(b.pm.sci().level());
  b.io.out(kPmBase + 2, 2, Piix4Pm::kTimerOverflow);
  CHECK(b.pm.sci().level());
  b.io.out(0xB2, 1, 0xF0);
  CHECK_FALSE(b.pm.sci().level());
  CHECK(b.sci_levels == std::vector<bool>{true, false, true, false, true, false});
  // Nothing stays queued once the SCI cannot fire.
  CHECK(b.scheduler.next_event_ns() == kNoEvent);
}

TEST_CASE("Piix4Pm: S5 soft-off powers the machine off") {
  SUBCASE("SeaBIOS apm_shutdown: outw(0x2000, pm1a_cnt)") {
    Board b;
    b.seabios_setup();
    b.io.out(kPmBase + 4, 2, 0x2000);
    CHECK(b.power_offs == 1);
  }
  SUBCASE("Linux: SLP_TYP first, then SLP_TYP | SLP_EN, keeping SCI_EN") {
    Board b;
    b.seabios_setup();
    b.io.out(0xB2, 1, 0xF1);
    const auto control = static_cast<uint16_t>(b.io.in(kPmBase + 4, 2));
    b.io.out(kPmBase + 4, 2, control & ~0x1C00);  // _S5 package: SLP_TYP 0
    CHECK(b.power_offs == 0);
    b.io.out(kPmBase + 4, 2, (control & ~0x1C00) | 0x2000);
    CHECK(b.power_offs == 1);
    CHECK((b.io.in(kPmBase + 4, 2) & 0x2000) == 0);  // SUS_EN reads as zero
  }
  SUBCASE("a byte write to the high half") {
    Board b;
    b.seabios_setup();
    b.io.out(kPmBase + 5, 1, 0x20);
    CHECK(b.power_offs == 1);
  }
  SUBCASE("other sleep types do not power off") {
    Board b;
    b.seabios_setup();
    b.io.out(kPmBase + 4, 2, 0x2400);  // SUS_TYP 1 (S3 in SeaBIOS's DSDT)
    CHECK(b.power_offs == 0);
    CHECK(b.io.in(kPmBase + 4, 2) == 0x0400);
  }
}

TEST_CASE("Piix4Pm: the power button raises the SCI when enabled") {
  Board b;
  b.seabios_setup();
  b.pm.press_power_button();
  CHECK((b.io.in(kPmBase, 2) & Piix4Pm::kPowerButton) != 0);
  CHECK_FALSE(b.pm.sci().level());
  b.io.out(0xB2, 1, 0xF1);
  b.io.out(kPmBase + 2, 2, Piix4Pm::kPowerButton);
  CHECK(b.pm.sci().level());
  b.io.out(kPmBase + 1, 1, 0x01);  // clear PWRBTN_STS with a byte write
  CHECK_FALSE(b.pm.sci().level());
  CHECK((b.io.in(kPmBase, 2) & Piix4Pm::kPowerButton) == 0);
}

TEST_CASE("Piix4Pm: SMBus transactions fail at once with no device") {
  Board b;
  b.seabios_setup();
  CHECK(b.io.in(kSmbBase, 1) == 0x00);  // idle
  // i2c-piix4: address, command, then START with the byte-data protocol.
  b.io.out(kSmbBase + 4, 1, (0x50 << 1) | 1);
  b.io.out(kSmbBase + 3, 1, 0x00);
  b.io.out(kSmbBase + 2, 1, 0x48);
  CHECK(b.io.in(kSmbBase, 1) == 0x04);  // DEV_ERR, not busy
  CHECK(b.io.in(kSmbBase + 4, 1) == 0xA1);
  b.io.out(kSmbBase, 1, 0xFF);
  CHECK(b.io.in(kSmbBase, 1) == 0x00);
  // The SMBus needs the command register's I/O enable as well as SMB_HST_EN.
  b.writew(0x04, 0x0000);
  CHECK_FALSE(b.pm.smbus_base());
  CHECK(b.io.in(kSmbBase, 1) == 0xFF);
}

TEST_CASE("Piix4Pm: GPE0 block at 0xAFE0 and the APM status port") {
  Board b;
  b.io.out(0xAFE2, 2, 0x0003);
  CHECK(b.io.in(0xAFE0, 4) == 0x00030000);  // enables stored, no status
  b.io.out(0xAFE0, 2, 0xFFFF);
  CHECK(b.io.in(0xAFE0, 2) == 0x0000);
  CHECK_FALSE(b.pm.sci().level());
  b.io.out(0xB3, 1, 0x5A);
  CHECK(b.io.in(0xB3, 1) == 0x5A);
  b.io.out(0xB2, 1, 0x00);  // an SMI request: logged, stored
  CHECK(b.io.in(0xB2, 1) == 0x00);
}

TEST_CASE("Piix4Pm: reset returns to legacy mode with the PM block off") {
  Board b;
  b.seabios_setup();
  b.io.out(0xB2, 1, 0xF1);
  b.io.out(kPmBase + 2, 2, 0x0121);
  b.pm.reset();
  CHECK_FALSE(b.pm.pm_base());
  CHECK_FALSE(b.pm.smbus_base());
  CHECK(b.readl(0x40) == 0x00000001);
  CHECK((b.readl(0x58) & (1u << 25)) != 0);
  b.seabios_setup();
  CHECK(b.io.in(kPmBase + 2, 2) == 0x0000);
  CHECK(b.io.in(kPmBase + 4, 2) == 0x0000);
  CHECK_FALSE(b.pm.sci().level());
}
