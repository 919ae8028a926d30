// The MC146818 RTC programmed as SeaBIOS (src/hw/rtc.c: rtc_setup, rtc_updating,
// rtc_use; src/clock.c: INT 1Ah reads) and Linux (drivers/rtc/rtc-mc146818-lib.c
// mc146818_get_time/set_time, drivers/rtc/rtc-cmos.c) program it, against virtual time.
#include "devices/rtc_cmos.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/io_bus.h"
#include "devices/scheduler.h"

using namespace trapeze;

namespace {

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t k20240315_134530 = 1'710'510'330;  // a Friday
constexpr uint64_t k20231231_235959 = 1'704'067'199;  // a Sunday

struct Board {
  IoBus bus;
  Scheduler scheduler;
  RtcCmos rtc;
  std::vector<uint64_t> irq_rises;

  explicit Board(uint64_t start = k20240315_134530) : rtc(bus, scheduler, start) {
    rtc.irq().connect([this](bool level) {
      if (level) irq_rises.push_back(scheduler.now_ns());
    });
  }
  // SeaBIOS rtc_read/rtc_write: the index with NMI_DISABLE_BIT.
  uint8_t read(uint8_t index) {
    bus.out(0x70, 1, index | 0x80);
    return static_cast<uint8_t>(bus.in(0x71, 1));
  }
  void write(uint8_t index, uint8_t value) {
    bus.out(0x70, 1, index | 0x80);
    bus.out(0x71, 1, value);
  }
  // SeaBIOS rtc_setup.
  void seabios_setup() {
    write(0x0A, 0x26);
    write(0x0B, static_cast<uint8_t>((read(0x0B) & 0x01) | 0x02) & ~0x01);
    read(0x0C);
    read(0x0D);
  }
  void run_to(uint64_t ns) { scheduler.advance_to(ns); }
  // 32.768 kHz cycle `n` of a divider started at time 0, in ns (rounded up).
  static uint64_t cycle_ns(uint64_t n) { return (n * 1'953'125 + 63) / 64; }
};

}  // namespace

TEST_CASE("RtcCmos: power-on registers and the time in BCD, 24-hour") {
  Board b;
  CHECK(b.read(0x0A) == 0x26);
  CHECK(b.read(0x0B) == 0x02);
  CHECK(b.read(0x0C) == 0x00);
  CHECK(b.read(0x0D) == 0x80);
  CHECK(b.read(0x00) == 0x30);
  CHECK(b.read(0x02) == 0x45);
  CHECK(b.read(0x04) == 0x13);
  CHECK(b.read(0x06) == 0x06);  // Friday; 1 = Sunday
  CHECK(b.read(0x07) == 0x15);
  CHECK(b.read(0x08) == 0x03);
  CHECK(b.read(0x09) == 0x24);
  CHECK(b.read(0x32) == 0x20);
  CHECK(b.rtc.unix_seconds() == static_cast<int64_t>(k20240315_134530));
  // Nothing is enabled: nothing is scheduled.
  CHECK(b.scheduler.next_event_ns() == kNoEvent);
}

TEST_CASE("RtcCmos: binary and 12-hour formats per register B") {
  Board b;
  b.seabios_setup();
  b.write(0x0B, 0x06);  // binary, 24-hour
  CHECK(b.read(0x00) == 30);
  CHECK(b.read(0x04) == 13);
  CHECK(b.read(0x09) == 24);
  CHECK(b.read(0x32) == 20);
  b.write(0x0B, 0x04);  // binary, 12-hour: 1 PM
  CHECK(b.read(0x04) == 0x81);
  b.write(0x0B, 0x00);  // BCD, 12-hour
  CHECK(b.read(0x04) == 0x81);
  b.run_to(10 * 3600 * kSecond + 30 * 60 * kSecond);  // 00:15:30 the next day
  CHECK(b.read(0x04) == 0x12);                        // 12 AM
  CHECK(b.read(0x02) == 0x15);
  CHECK(b.read(0x07) == 0x16);
  CHECK(b.read(0x06) == 0x07);
}

TEST_CASE("RtcCmos: the clock follows virtual time across a year boundary") {
  Board b(k20231231_235959);
  CHECK(b.read(0x09) == 0x23);
  CHECK(b.read(0x06) == 0x01);
  b.run_to(kSecond - 1);
  CHECK(b.read(0x00) == 0x59);
  b.run_to(kSecond);
  CHECK(b.read(0x00) == 0x00);
  CHECK(b.read(0x02) == 0x00);
  CHECK(b.read(0x04) == 0x00);
  CHECK(b.read(0x07) == 0x01);
  CHECK(b.read(0x08) == 0x01);
  CHECK(b.read(0x09) == 0x24);
  CHECK(b.read(0x06) == 0x02);  // Monday
  // A leap day later in the year.
  b.run_to(kSecond + uint64_t{59} * 86400 * kSecond);
  CHECK(b.read(0x08) == 0x02);
  CHECK(b.read(0x07) == 0x29);
}

TEST_CASE("RtcCmos: update-in-progress for the 244 us before each update (SeaBIOS rtc_updating)") {
  Board b;
  b.seabios_setup();
  const uint64_t uip_start = Board::cycle_ns(32768 - 8);
  CHECK(uip_start == 999'755'860);
  b.run_to(uip_start - 1);
  CHECK((b.read(0x0A) & 0x80) == 0);
  CHECK(b.read(0x00) == 0x30);
  b.run_to(uip_start);
  CHECK((b.read(0x0A) & 0x80) == 0x80);
  CHECK(b.read(0x00) == 0x30);
  b.run_to(kSecond);
  CHECK((b.read(0x0A) & 0x80) == 0);
  CHECK(b.read(0x00) == 0x31);
  CHECK((b.read(0x0C) & 0x10) == 0x10);  // UF: an update happened
  CHECK(b.read(0x0C) == 0x00);           // read clears
}

TEST_CASE("RtcCmos: periodic interrupt at 1024 Hz (SeaBIOS rtc_use), acknowledged through C") {
  Board b;
  b.seabios_setup();
  b.write(0x0B, static_cast<uint8_t>(b.read(0x0B) | 0x40));
  for (uint64_t k = 1; k <= 10; ++k) {
    CAPTURE(k);
    const uint64_t expected = Board::cycle_ns(32 * k);  // 976.5625 us
    CHECK(b.scheduler.next_event_ns() == expected);
    b.run_to(expected);
    CHECK(b.rtc.irq().level());
    CHECK(b.read(0x0C) == 0xC0);
    CHECK_FALSE(b.rtc.irq().level());
  }
  CHECK(b.irq_rises.size() == 10);
}

TEST_CASE("RtcCmos: periodic rates from register A") {
  struct Rate {
    uint8_t rs;
    uint64_t cycles;
  };
  for (const Rate rate : {Rate{1, 128}, Rate{2, 256}, Rate{3, 4}, Rate{6, 32}, Rate{15, 16384}}) {
    CAPTURE(int{rate.rs});
    Board b;
    b.write(0x0A, static_cast<uint8_t>(0x20 | rate.rs));
    b.write(0x0B, 0x42);
    for (uint64_t k = 1; k <= 3; ++k) {
      b.run_to(b.scheduler.next_event_ns());
      CHECK(b.scheduler.now_ns() == Board::cycle_ns(rate.cycles * k));
      CHECK((b.read(0x0C) & 0xE0) == 0xC0);  // (UF too, at whole seconds)
    }
  }
}

TEST_CASE("RtcCmos: flags are set without their enables, and IRQF waits for register C") {
  Board b;
  b.write(0x0A, 0x26);
  b.run_to(10'000'000);
  CHECK(b.read(0x0C) == 0x40);  // PF without PIE, no IRQ
  CHECK(b.irq_rises.empty());
  // UIE: one rising edge per update, but only while C is being read.
  b.write(0x0B, 0x12);
  b.run_to(3 * kSecond + 1);
  CHECK(b.irq_rises == std::vector<uint64_t>{kSecond});
  CHECK(b.rtc.irq().level());
  CHECK(b.read(0x0C) == (0x80 | 0x40 | 0x10));
  b.run_to(5 * kSecond);
  CHECK(b.irq_rises == std::vector<uint64_t>{kSecond, 4 * kSecond});
  // Enabling an interrupt whose flag is already set asserts IRQF at once.
  b.read(0x0C);
  b.write(0x0B, 0x02);
  b.run_to(5 * kSecond + 2'000'000);
  b.write(0x0B, 0x42);
  CHECK(b.rtc.irq().level());
}

TEST_CASE("RtcCmos: the alarm, with exact and don't-care bytes") {
  Board b;  // 13:45:30
  b.write(0x01, 0x35);
  b.write(0x03, 0x45);
  b.write(0x05, 0x13);
  b.write(0x0B, 0x22);  // AIE
  CHECK(b.scheduler.next_event_ns() == 5 * kSecond);
  b.run_to(5 * kSecond);
  CHECK(b.irq_rises == std::vector<uint64_t>{5 * kSecond});
  CHECK(b.read(0x00) == 0x35);
  CHECK(b.read(0x0C) == (0x80 | 0x20 | 0x10 | 0x40));
  // Next match is a day later.
  CHECK(b.scheduler.next_event_ns() == (5 + 86400) * kSecond);
  // Hours and minutes don't care: every minute at :00.
  b.write(0x01, 0x00);
  b.write(0x03, 0xC0);
  b.write(0x05, 0xFF);
  CHECK(b.scheduler.next_event_ns() == 30 * kSecond);
  // All don't care: every second.
  b.write(0x01, 0xC0);
  CHECK(b.scheduler.next_event_ns() == 6 * kSecond);
  // An alarm that cannot match (seconds 0x61 in BCD) never fires.
  b.write(0x01, 0x61);
  CHECK(b.scheduler.next_event_ns() == kNoEvent);
}

TEST_CASE("RtcCmos: an alarm passing while AIE is off still sets AF") {
  Board b;
  b.write(0x01, 0x32);
  b.write(0x03, 0x45);
  b.write(0x05, 0x13);
  b.run_to(3 * kSecond);
  CHECK(b.read(0x0C) == (0x20 | 0x10 | 0x40));
  b.run_to(5 * kSecond);
  CHECK(b.read(0x0C) == (0x10 | 0x40));
}

TEST_CASE("RtcCmos: setting the time as Linux mc146818_set_time does (SET, BCD, clear SET)") {
  Board b;
  b.write(0x0B, 0x12);  // UIE on
  const uint8_t control = b.read(0x0B);
  b.write(0x0B, control | 0x80);
  CHECK(b.read(0x0B) == 0x82);  // SET clears UIE
  b.write(0x0A, 0x26);
  b.write(0x09, 0x99);
  b.write(0x08, 0x12);
  b.write(0x07, 0x31);
  b.write(0x04, 0x23);
  b.write(0x02, 0x59);
  b.write(0x00, 0x58);
  b.run_to(10 * kSecond);  // no updates while SET
  CHECK(b.read(0x00) == 0x58);
  CHECK((b.read(0x0A) & 0x80) == 0);
  b.write(0x32, 0x19);
  b.write(0x0B, 0x02);
  CHECK(b.rtc.unix_seconds() == 946'684'798);  // 1999-12-31 23:59:58
  // The divider kept running: the next update is at the next whole second.
  b.run_to(11 * kSecond);
  CHECK(b.read(0x00) == 0x59);
  b.run_to(12 * kSecond);
  CHECK(b.read(0x00) == 0x00);
  CHECK(b.read(0x09) == 0x00);
  CHECK(b.read(0x32) == 0x20);
  CHECK(b.read(0x06) == 0x07);  // 2000-01-01, a Saturday
}

TEST_CASE("RtcCmos: a time register written while running counts on from the new value") {
  Board b;
  b.run_to(kSecond / 2);
  b.write(0x02, 0x10);  // minutes
  CHECK(b.read(0x02) == 0x10);
  CHECK(b.read(0x00) == 0x30);
  b.run_to(kSecond);
  CHECK(b.read(0x00) == 0x31);
  CHECK(b.read(0x04) == 0x13);
}

TEST_CASE("RtcCmos: divider reset stops the clock; the first update comes 500 ms after release") {
  Board b;
  b.run_to(kSecond / 4);
  b.read(0x0C);
  b.write(0x0A, 0x76);  // DV = 111: divider reset
  b.run_to(5 * kSecond);
  CHECK(b.read(0x00) == 0x30);
  CHECK((b.read(0x0A) & 0x80) == 0);
  CHECK(b.read(0x0C) == 0x00);  // no updates, no periodic taps
  b.write(0x0A, 0x26);
  b.run_to(5 * kSecond + kSecond / 2 - 1);
  CHECK(b.read(0x00) == 0x30);
  b.run_to(5 * kSecond + kSecond / 2);
  CHECK(b.read(0x00) == 0x31);
}

TEST_CASE("RtcCmos: NMI mask, index, RAM, read-only registers and reset") {
  Board b;
  b.bus.out(0x70, 1, 0x8F);
  CHECK(b.rtc.nmi_masked());
  CHECK(b.rtc.selected_index() == 0x0F);
  CHECK(b.bus.in(0x70, 1) == 0xFF);
  b.bus.out(0x71, 1, 0x5A);  // shutdown status byte
  CHECK(b.rtc.peek(0x0F) == 0x5A);
  b.bus.out(0x70, 1, 0x0F);
  CHECK_FALSE(b.rtc.nmi_masked());
  b.write(0x7F, 0xA5);
  CHECK(b.read(0x7F) == 0xA5);
  b.write(0x0D, 0x00);
  CHECK(b.read(0x0D) == 0x80);
  b.write(0x0B, 0x72);
  b.run_to(2 * kSecond);
  CHECK(b.rtc.irq().level());
  CHECK((b.rtc.peek(0x0C) & 0x80) == 0x80);
  CHECK((b.rtc.peek(0x0C) & 0x80) == 0x80);  // peek does not clear
  b.rtc.reset();
  CHECK(b.read(0x0B) == 0x02);
  CHECK_FALSE(b.rtc.irq().level());
  CHECK(b.read(0x7F) == 0xA5);
  CHECK(b.read(0x00) == 0x32);
  CHECK(b.scheduler.next_event_ns() == kNoEvent);
}
