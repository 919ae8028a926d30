// The PC's real-time clock and CMOS RAM: a Motorola MC146818A (datasheet "MC146818A
// Real-Time Clock Plus RAM (RTC)") at ports 0x70 (index; bit 7 masks NMI) and 0x71
// (data), with its 14 clock and control registers and 114 bytes of battery-backed RAM,
// interrupting on IRQ 8. Byte 0x32 is the century, kept by the clock (as on QEMU's pc
// machine, and where the ACPI FADT SeaBIOS builds says it is).
//
// Wiring:
//   RtcCmos rtc(io, scheduler, start_unix_seconds);  // maps 0x70-0x71 (8-bit)
//   rtc.irq().connect(pic.input(8));                  // IRQF, high until register C is read
//   set_pc_defaults(rtc, ...);                        // what SeaBIOS reads (cmos_defaults.h)
//   the NMI logic reads rtc.nmi_masked()
//
// Time. The clock runs on virtual time: it shows `start_unix_seconds` (read as UTC) at
// the virtual moment of construction and advances one second per 10^9 virtual ns, so a
// run is reproducible when the start is fixed (kFixedStartUnixSeconds) and follows the
// host when the frontend passes the host's wall time. The 32.768 kHz divider chain is
// counted exactly from the virtual clock: once-a-second updates, update-in-progress
// (UIP, the 244 us before each update), and the periodic interrupt taps are computed
// from it when read. Register C's flags are accumulated lazily; a scheduler event is
// pending only while an enabled source could raise IRQF and IRQF is low, so a guest that
// leaves the RTC's interrupts off (or does not acknowledge one) costs nothing.
//
// Modelling choices where the datasheet leaves room:
// - The update is instantaneous at the end of the UIP window (the datasheet allows up to
//   1984 us during which the registers are unreadable).
// - While the clock runs, the time registers are computed from the time, so changing
//   DM or 24/12 in register B re-encodes the current time instead of corrupting it, and
//   the day of week is computed from the date (writing it alone has no effect).
// - Time bases other than 32.768 kHz (DV = 000 or 001) stop the clock (logged once): a
//   PC has no such crystal. DV = 11x holds the divider in reset; leaving it restarts the
//   chain so that the first update comes 500 ms later (datasheet, "Divider Control").
// - Daylight-saving (DSE) is not implemented (logged once); SeaBIOS clears it.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "devices/io_bus.h"
#include "devices/irq_line.h"
#include "devices/scheduler.h"

namespace trapeze {

class RtcCmos : public IoHandler {
 public:
  static constexpr uint16_t kIndexPort = 0x70;
  static constexpr uint16_t kDataPort = 0x71;
  static constexpr size_t kBytes = 128;
  // 2024-01-01 00:00:00 UTC: a start for deterministic headless runs.
  static constexpr uint64_t kFixedStartUnixSeconds = 1'704'067'200;

  // Register indices (datasheet, figure 4 "Address Map"; 0x32 by PC convention).
  static constexpr uint8_t kSeconds = 0x00;
  static constexpr uint8_t kSecondsAlarm = 0x01;
  static constexpr uint8_t kMinutes = 0x02;
  static constexpr uint8_t kMinutesAlarm = 0x03;
  static constexpr uint8_t kHours = 0x04;
  static constexpr uint8_t kHoursAlarm = 0x05;
  static constexpr uint8_t kDayOfWeek = 0x06;
  static constexpr uint8_t kDayOfMonth = 0x07;
  static constexpr uint8_t kMonth = 0x08;
  static constexpr uint8_t kYear = 0x09;
  static constexpr uint8_t kRegisterA = 0x0A;
  static constexpr uint8_t kRegisterB = 0x0B;
  static constexpr uint8_t kRegisterC = 0x0C;
  static constexpr uint8_t kRegisterD = 0x0D;
  static constexpr uint8_t kCentury = 0x32;

  // Register A.
  static constexpr uint8_t kAUip = 0x80;          // update in progress (read-only)
  static constexpr uint8_t kADividerMask = 0x70;  // DV2-DV0
  static constexpr uint8_t kADivider32k = 0x20;   // 32.768 kHz time base, running
  static constexpr uint8_t kARateMask = 0x0F;     // RS3-RS0, periodic rate
  // Register B.
  static constexpr uint8_t kBSet = 0x80;     // updates inhibited, time may be written
  static constexpr uint8_t kBPie = 0x40;     // periodic interrupt enable
  static constexpr uint8_t kBAie = 0x20;     // alarm interrupt enable
  static constexpr uint8_t kBUie = 0x10;     // update-ended interrupt enable
  static constexpr uint8_t kBSqwe = 0x08;    // square-wave output (not wired on a PC)
  static constexpr uint8_t kBBinary = 0x04;  // DM: binary, else BCD
  static constexpr uint8_t kB24Hour = 0x02;  // 24-hour, else 12-hour with bit 7 = PM
  static constexpr uint8_t kBDse = 0x01;     // daylight saving
  // Register C (read-only, cleared by reading).
  static constexpr uint8_t kCIrqf = 0x80;
  static constexpr uint8_t kCPf = 0x40;
  static constexpr uint8_t kCAf = 0x20;
  static constexpr uint8_t kCUf = 0x10;
  // Register D.
  static constexpr uint8_t kDVrt = 0x80;  // valid RAM and time: the battery is fine

  // Maps ports 0x70-0x71 on `bus` and registers the interrupt event type on `scheduler`;
  // both must outlive the RTC. The clock shows `start_unix_seconds` now.
  RtcCmos(IoBus& bus, Scheduler& scheduler, uint64_t start_unix_seconds);
  RtcCmos(const RtcCmos&) = delete;
  RtcCmos& operator=(const RtcCmos&) = delete;
  ~RtcCmos() override;

  // The chip's RESET pin (machine reset): PIE, AIE, UIE, SQWE and register C clear; the
  // time, the RAM and the rest of registers A and B are battery-backed and stay.
  void reset();

  // IRQ 8: the inverse of the chip's open-drain IRQ pin, i.e. register C's IRQF.
  IrqLine& irq() { return irq_; }
  // Port 0x70 bit 7 as last written: NMIs are masked while it is set.
  bool nmi_masked() const { return nmi_masked_; }
  uint8_t selected_index() const { return index_; }

  // A register or RAM byte (index 0-127) as the guest would write and read it through
  // port 0x71, for the board and firmware setup: writes take effect as the guest's do.
  void write(uint8_t index, uint8_t value);
  // What a read of `index` would return now, without side effects (register C keeps its
  // flags).
  uint8_t peek(uint8_t index) const;
  // The clock's time now, in seconds since 1970 with the registers read as UTC.
  int64_t unix_seconds() const;

  // IoHandler.
  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  static constexpr uint64_t kCyclesPerSecond = 32768;
  // UIP rises 244 us (8 cycles of the 32.768 kHz base) before each update.
  static constexpr uint64_t kUipCycles = 8;

  uint64_t now() const { return scheduler_.now_ns(); }
  bool divider_running() const { return (ram_[kRegisterA] & kADividerMask) == kADivider32k; }
  bool clock_running() const { return divider_running() && !(ram_[kRegisterB] & kBSet); }
  // 32.768 kHz cycles of the divider chain at `ns` (>= anchor_ns_), and back.
  uint64_t cycles_at(uint64_t ns) const;
  uint64_t ns_at_cycle(uint64_t cycle) const;
  uint64_t periodic_cycles() const;  // the periodic interrupt's period, 0 when off
  int64_t running_seconds(uint64_t ns) const;
  bool update_in_progress(uint64_t ns) const;

  // The time registers while the clock is stopped (SET or divider), or the current time
  // in the register format of `reg_b`.
  uint8_t time_register(uint8_t index, uint64_t ns) const;
  void store_time_registers(uint64_t ns);  // the running time into the register image
  void adopt_time_registers(uint64_t ns);  // the register image becomes the running time
  int64_t image_seconds() const;

  // Register C's flags with everything that happened up to `ns` added.
  uint8_t flags_at(uint64_t ns) const;
  void accumulate_flags(uint64_t ns);
  bool irqf(uint8_t flags) const;
  // Seconds from the time `from` until the first time the alarm matches (0 if `from`
  // does), or nullopt if the alarm registers can never match.
  std::optional<uint64_t> seconds_to_alarm(int64_t from) const;
  // Updates the IRQ line and the one pending event after any change.
  void update_interrupts();

  uint8_t read_data();
  void write_register_a(uint8_t value);
  void write_register_b(uint8_t value);

  Scheduler& scheduler_;
  EventType event_type_;
  EventId event_;
  IrqLine irq_;
  std::shared_ptr<spdlog::logger> log_;
  // The RAM, registers A and B, and the time registers' image while the clock is stopped.
  std::array<uint8_t, kBytes> ram_{};
  uint8_t index_ = 0;
  bool nmi_masked_ = false;
  // The divider chain counted anchor_cycles_ at anchor_ns_; second boundaries are the
  // multiples of 32768 cycles, and the running clock shows base_seconds_ + cycles / 32768.
  uint64_t anchor_ns_ = 0;
  uint64_t anchor_cycles_ = 0;
  int64_t base_seconds_ = 0;
  uint8_t flags_ = 0;      // register C's PF, AF and UF
  uint64_t flags_ns_ = 0;  // flags_ includes everything up to this time
  IoRegistration registration_;
};

}  // namespace trapeze
