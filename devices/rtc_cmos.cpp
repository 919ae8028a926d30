#include "devices/rtc_cmos.h"

#include <fmt/format.h>

#include <algorithm>

#include "cpu/log.h"

namespace trapeze {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
// 10^9 / 32768 = 1953125 / 64: virtual ns <-> 32.768 kHz cycles exactly.
constexpr uint64_t kNsPerCycleNumerator = 1'953'125;
constexpr uint64_t kNsPerCycleDenominator = 64;

// The proleptic Gregorian calendar in days since 1970-01-01, by the era arithmetic of
// Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms".
int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

struct DateTime {
  int64_t year = 1970;
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  unsigned weekday = 5;  // 1 = Sunday, as PC software reads register 6
};

DateTime from_seconds(int64_t seconds) {
  int64_t days = seconds / kSecondsPerDay;
  int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  DateTime t;
  t.hour = static_cast<unsigned>(second_of_day / 3600);
  t.minute = static_cast<unsigned>(second_of_day / 60 % 60);
  t.second = static_cast<unsigned>(second_of_day % 60);
  t.weekday = static_cast<unsigned>(((days + 4) % 7 + 7) % 7) + 1;  // 1970-01-01: Thursday
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(z - era * 146097);
  const unsigned year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  t.day = day_of_year - (153 * mp + 2) / 5 + 1;
  t.month = mp < 10 ? mp + 3 : mp - 9;
  t.year = static_cast<int64_t>(year_of_era) + era * 400 + (t.month <= 2);
  return t;
}

uint8_t encode(unsigned value, uint8_t reg_b) {
  if (reg_b & RtcCmos::kBBinary) return static_cast<uint8_t>(value);
  return static_cast<uint8_t>((value / 10 % 10) << 4 | value % 10);
}

unsigned decode(uint8_t byte, uint8_t reg_b) {
  if (reg_b & RtcCmos::kBBinary) return byte;
  return (byte >> 4) * 10u + (byte & 0x0F);
}

uint8_t encode_hour(unsigned hour, uint8_t reg_b) {
  if (reg_b & RtcCmos::kB24Hour) return encode(hour, reg_b);
  const unsigned h12 = hour % 12 == 0 ? 12 : hour % 12;
  return static_cast<uint8_t>(encode(h12, reg_b) | (hour >= 12 ? 0x80 : 0));
}

unsigned decode_hour(uint8_t byte, uint8_t reg_b) {
  if (reg_b & RtcCmos::kB24Hour) return decode(byte, reg_b);
  return decode(byte & 0x7F, reg_b) % 12 + ((byte & 0x80) ? 12 : 0);
}

uint8_t encode_field(const DateTime& t, uint8_t index, uint8_t reg_b) {
  switch (index) {
    case RtcCmos::kSeconds:
      return encode(t.second, reg_b);
    case RtcCmos::kMinutes:
      return encode(t.minute, reg_b);
    case RtcCmos::kHours:
      return encode_hour(t.hour, reg_b);
    case RtcCmos::kDayOfWeek:
      return encode(t.weekday, reg_b);
    case RtcCmos::kDayOfMonth:
      return encode(t.day, reg_b);
    case RtcCmos::kMonth:
      return encode(t.month, reg_b);
    case RtcCmos::kYear:
      return encode(static_cast<unsigned>(t.year % 100), reg_b);
    default:  // kCentury
      return encode(static_cast<unsigned>(t.year / 100), reg_b);
  }
}

bool is_time_register(uint8_t index) {
  switch (index) {
    case RtcCmos::kSeconds:
    case RtcCmos::kMinutes:
    case RtcCmos::kHours:
    case RtcCmos::kDayOfWeek:
    case RtcCmos::kDayOfMonth:
    case RtcCmos::kMonth:
    case RtcCmos::kYear:
    case RtcCmos::kCentury:
      return true;
    default:
      return false;
  }
}

constexpr uint8_t kTimeRegisters[] = {RtcCmos::kSeconds,   RtcCmos::kMinutes,    RtcCmos::kHours,
                                      RtcCmos::kDayOfWeek, RtcCmos::kDayOfMonth, RtcCmos::kMonth,
                                      RtcCmos::kYear,      RtcCmos::kCentury};

}  // namespace

RtcCmos::RtcCmos(IoBus& bus, Scheduler& scheduler, uint64_t start_unix_seconds)
    : scheduler_(scheduler),
      event_type_(scheduler.register_type("rtc-irq",
                                          [this](uint64_t) {
                                            accumulate_flags(now());
                                            update_interrupts();
                                          })),
      log_(log::component("rtc")),
      registration_(bus.map("rtc", kIndexPort, kDataPort, kIoWidth8, *this)) {
  // What QEMU's CMOS powers up with, and what the firmware then writes anyway: the
  // 32.768 kHz divider running at the 1024 Hz periodic rate, 24-hour BCD.
  ram_[kRegisterA] = 0x26;
  ram_[kRegisterB] = kB24Hour;
  anchor_ns_ = now();
  anchor_cycles_ = 0;
  base_seconds_ = static_cast<int64_t>(start_unix_seconds);
  flags_ns_ = now();
  store_time_registers(now());
}

RtcCmos::~RtcCmos() { scheduler_.cancel(event_); }

void RtcCmos::reset() {
  accumulate_flags(now());
  ram_[kRegisterB] &= static_cast<uint8_t>(~(kBPie | kBAie | kBUie | kBSqwe));
  flags_ = 0;
  update_interrupts();
}

// ---- The divider chain ----

uint64_t RtcCmos::cycles_at(uint64_t ns) const {
  const uint64_t elapsed = ns - anchor_ns_;
  return anchor_cycles_ + elapsed / kNsPerCycleNumerator * kNsPerCycleDenominator +
         elapsed % kNsPerCycleNumerator * kNsPerCycleDenominator / kNsPerCycleNumerator;
}

uint64_t RtcCmos::ns_at_cycle(uint64_t cycle) const {
  // The first nanosecond at which cycles_at() reaches `cycle`.
  const uint64_t c = cycle - anchor_cycles_;
  return anchor_ns_ + c / kNsPerCycleDenominator * kNsPerCycleNumerator +
         (c % kNsPerCycleDenominator * kNsPerCycleNumerator + kNsPerCycleDenominator - 1) /
             kNsPerCycleDenominator;
}

uint64_t RtcCmos::periodic_cycles() const {
  // Datasheet table 5: with the 32.768 kHz base, rates 1 and 2 repeat 8 and 9 (256 and
  // 128 Hz); rate n >= 3 is 65536 >> n Hz, a period of 2^(n-1) cycles.
  const unsigned rate = ram_[kRegisterA] & kARateMask;
  if (rate == 0) return 0;
  if (rate <= 2) return uint64_t{1} << (rate + 6);
  return uint64_t{1} << (rate - 1);
}

int64_t RtcCmos::running_seconds(uint64_t ns) const {
  return base_seconds_ + static_cast<int64_t>(cycles_at(ns) / kCyclesPerSecond);
}

bool RtcCmos::update_in_progress(uint64_t ns) const {
  return clock_running() && cycles_at(ns) % kCyclesPerSecond >= kCyclesPerSecond - kUipCycles;
}

// ---- Time registers ----

uint8_t RtcCmos::time_register(uint8_t index, uint64_t ns) const {
  if (!clock_running()) return ram_[index];
  return encode_field(from_seconds(running_seconds(ns)), index, ram_[kRegisterB]);
}

void RtcCmos::store_time_registers(uint64_t ns) {
  const DateTime t = from_seconds(running_seconds(ns));
  for (uint8_t index : kTimeRegisters) ram_[index] = encode_field(t, index, ram_[kRegisterB]);
}

int64_t RtcCmos::image_seconds() const {
  const uint8_t b = ram_[kRegisterB];
  const int64_t year = int64_t{decode(ram_[kCentury], b)} * 100 + decode(ram_[kYear], b);
  // Out-of-range fields (a guest's mistake) are clamped to keep the calendar sane; the
  // chip itself would count on from them in its own way.
  const unsigned month = std::clamp(decode(ram_[kMonth], b), 1u, 12u);
  const unsigned day = std::max(decode(ram_[kDayOfMonth], b), 1u);
  const int64_t days = days_from_civil(year, month, 1) + day - 1;
  return days * kSecondsPerDay + int64_t{decode_hour(ram_[kHours], b)} * 3600 +
         int64_t{decode(ram_[kMinutes], b)} * 60 + decode(ram_[kSeconds], b);
}

void RtcCmos::adopt_time_registers(uint64_t ns) {
  // The next update comes at the divider's next second boundary: the chain was not
  // reset, only the count of seconds changed.
  base_seconds_ = image_seconds() - static_cast<int64_t>(cycles_at(ns) / kCyclesPerSecond);
}

int64_t RtcCmos::unix_seconds() const {
  return clock_running() ? running_seconds(now()) : image_seconds();
}

// ---- Interrupt flags ----

uint8_t RtcCmos::flags_at(uint64_t ns) const {
  uint8_t flags = flags_;
  if (ns <= flags_ns_ || !divider_running()) return flags;
  const uint64_t c0 = cycles_at(flags_ns_);
  const uint64_t c1 = cycles_at(ns);
  // PF is set by every tap of the divider chain, whether or not PIE lets it interrupt.
  if (const uint64_t period = periodic_cycles(); period != 0 && c1 / period > c0 / period)
    flags |= kCPf;
  if (clock_running()) {
    const uint64_t s0 = c0 / kCyclesPerSecond;
    const uint64_t s1 = c1 / kCyclesPerSecond;
    if (s1 > s0) {
      flags |= kCUf;
      // The alarm is compared after each update: did any of the times shown by the
      // updates in (s0, s1] match?
      if (!(flags & kCAf)) {
        const auto wait = seconds_to_alarm(base_seconds_ + static_cast<int64_t>(s0) + 1);
        if (wait && *wait < s1 - s0) flags |= kCAf;
      }
    }
  }
  return flags;
}

void RtcCmos::accumulate_flags(uint64_t ns) {
  flags_ = flags_at(ns);
  flags_ns_ = std::max(flags_ns_, ns);
}

bool RtcCmos::irqf(uint8_t flags) const {
  // IRQF = PF.PIE + AF.AIE + UF.UIE (datasheet, register C).
  const uint8_t b = ram_[kRegisterB];
  return ((flags & kCPf) && (b & kBPie)) || ((flags & kCAf) && (b & kBAie)) ||
         ((flags & kCUf) && (b & kBUie));
}

std::optional<uint64_t> RtcCmos::seconds_to_alarm(int64_t from) const {
  // The chip compares each alarm byte with its time byte as stored (BCD or binary, 12 or
  // 24 hour); 11xxxxxx in an alarm byte matches anything.
  const uint8_t b = ram_[kRegisterB];
  auto matches = [](uint8_t alarm, uint8_t value) {
    return (alarm & 0xC0) == 0xC0 || alarm == value;
  };
  std::array<bool, 60> second_ok{};
  std::array<bool, 60> minute_ok{};
  std::array<bool, 24> hour_ok{};
  bool any_second = false;
  for (unsigned i = 0; i < 60; ++i) {
    second_ok[i] = matches(ram_[kSecondsAlarm], encode(i, b));
    minute_ok[i] = matches(ram_[kMinutesAlarm], encode(i, b));
    any_second = any_second || second_ok[i];
  }
  for (unsigned i = 0; i < 24; ++i) hour_ok[i] = matches(ram_[kHoursAlarm], encode_hour(i, b));
  if (!any_second) return std::nullopt;
  const DateTime start = from_seconds(from);
  const unsigned start_minute = start.hour * 60 + start.minute;
  // A day and the minute we are in: every (hour, minute) once, the current one twice.
  for (unsigned i = 0; i <= 24 * 60; ++i) {
    const unsigned minute_of_day = (start_minute + i) % (24 * 60);
    if (!hour_ok[minute_of_day / 60] || !minute_ok[minute_of_day % 60]) continue;
    for (unsigned s = i == 0 ? start.second : 0; s < 60; ++s)
      if (second_ok[s]) return uint64_t{i} * 60 + s - start.second;
  }
  return std::nullopt;
}

void RtcCmos::update_interrupts() {
  scheduler_.cancel(event_);
  event_ = EventId{};
  const bool asserted = irqf(flags_);
  irq_.set(asserted);
  // While IRQF is set nothing can change the line until register C is read.
  if (asserted || !divider_running()) return;
  const uint8_t b = ram_[kRegisterB];
  const uint64_t ns = now();
  const uint64_t cycle = cycles_at(ns);
  uint64_t next_cycle = UINT64_MAX;
  if (const uint64_t period = periodic_cycles(); (b & kBPie) && period != 0)
    next_cycle = (cycle / period + 1) * period;
  if (clock_running()) {
    const uint64_t next_update = (cycle / kCyclesPerSecond + 1) * kCyclesPerSecond;
    if (b & kBUie) next_cycle = std::min(next_cycle, next_update);
    if (b & kBAie) {
      if (const auto wait = seconds_to_alarm(running_seconds(ns) + 1))
        next_cycle = std::min(next_cycle, next_update + *wait * kCyclesPerSecond);
    }
  }
  if (next_cycle != UINT64_MAX) event_ = scheduler_.schedule(event_type_, ns_at_cycle(next_cycle));
}

// ---- Registers ----

uint8_t RtcCmos::peek(uint8_t index) const {
  index &= 0x7F;
  const uint64_t ns = now();
  if (is_time_register(index)) return time_register(index, ns);
  switch (index) {
    case kRegisterA:
      return static_cast<uint8_t>(ram_[kRegisterA] | (update_in_progress(ns) ? kAUip : 0));
    case kRegisterC: {
      const uint8_t flags = flags_at(ns);
      return static_cast<uint8_t>(flags | (irqf(flags) ? kCIrqf : 0));
    }
    case kRegisterD:
      return kDVrt;
    default:
      return ram_[index];
  }
}

uint8_t RtcCmos::read_data() {
  if (index_ != kRegisterC) return peek(index_);
  // Reading C returns the flags and clears them all, which also drops IRQ 8.
  accumulate_flags(now());
  const uint8_t value = static_cast<uint8_t>(flags_ | (irqf(flags_) ? kCIrqf : 0));
  flags_ = 0;
  update_interrupts();
  return value;
}

void RtcCmos::write(uint8_t index, uint8_t value) {
  index &= 0x7F;
  const uint64_t ns = now();
  if (is_time_register(index)) {
    if (clock_running()) {
      // Written while running: the update after this one counts on from the new value.
      accumulate_flags(ns);
      store_time_registers(ns);
      ram_[index] = value;
      adopt_time_registers(ns);
      update_interrupts();
    } else {
      ram_[index] = value;
    }
    return;
  }
  switch (index) {
    case kSecondsAlarm:
    case kMinutesAlarm:
    case kHoursAlarm:
      accumulate_flags(ns);
      ram_[index] = value;
      update_interrupts();
      break;
    case kRegisterA:
      write_register_a(value);
      break;
    case kRegisterB:
      write_register_b(value);
      break;
    case kRegisterC:
    case kRegisterD:
      log_->debug("write of {:#04x} to read-only register {:#04x} ignored", value, index);
      break;
    default:
      ram_[index] = value;
      break;
  }
}

void RtcCmos::write_register_a(uint8_t value) {
  const uint64_t ns = now();
  accumulate_flags(ns);
  const bool was_running = clock_running();
  const bool divider_was_running = divider_running();
  const uint8_t old_divider = ram_[kRegisterA] & kADividerMask;
  ram_[kRegisterA] = value & static_cast<uint8_t>(~kAUip);
  const uint8_t divider = value & kADividerMask;
  if (divider != kADivider32k && (divider & 0x60) != 0x60 && divider != old_divider)
    log::once(log_, fmt::format("rtc: time base DV={} selected; a PC has a 32.768 kHz crystal, "
                                "so the clock stops",
                                divider >> 4));
  if (was_running && !clock_running()) {
    store_time_registers(ns);
  }
  if (divider_running() && !divider_was_running) {
    // The chain restarts. Out of reset (DV = 11x) the first update comes 500 ms later.
    anchor_ns_ = ns;
    anchor_cycles_ = (old_divider & 0x60) == 0x60 ? kCyclesPerSecond / 2 : 0;
  }
  if (!was_running && clock_running()) adopt_time_registers(ns);
  update_interrupts();
}

void RtcCmos::write_register_b(uint8_t value) {
  const uint64_t ns = now();
  accumulate_flags(ns);
  const bool was_running = clock_running();
  // Setting SET clears UIE (datasheet, register B): no update-ended interrupts while
  // the time is being written.
  if (value & kBSet) value &= static_cast<uint8_t>(~kBUie);
  // The image is stored in the format in force until now; a format change while stopped
  // reinterprets it, as on the chip.
  if (was_running && (value & kBSet)) store_time_registers(ns);
  ram_[kRegisterB] = value;
  if (!was_running && clock_running()) adopt_time_registers(ns);
  if (value & kBDse)
    log::once(log_, "rtc: daylight saving (register B DSE) is not implemented; ignored");
  update_interrupts();
}

// ---- Ports ----

uint32_t RtcCmos::io_read(uint16_t port, unsigned /*size_bytes*/) {
  // The index register is write-only on the PC (the PIIX3 does not decode reads of 0x70).
  if (port == kIndexPort) return 0xFF;
  return read_data();
}

void RtcCmos::io_write(uint16_t port, unsigned /*size_bytes*/, uint32_t value) {
  if (port == kIndexPort) {
    index_ = value & 0x7F;
    nmi_masked_ = value & 0x80;
    return;
  }
  write(index_, static_cast<uint8_t>(value));
}

}  // namespace trapeze
