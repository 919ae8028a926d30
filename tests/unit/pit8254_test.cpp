// The 8254 and port 0x61 programmed as SeaBIOS (src/hw/timer.c, src/hw/pit.h) and Linux
// (drivers/clocksource/i8253.c, arch/x86/kernel/tsc.c) program them, against virtual
// time: IRQ 0 edges at the right nanoseconds, counter 2 one-shots seen through port
// 0x61, latches and read-back.
#include "devices/pit8254.h"

#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "devices/io_bus.h"
#include "devices/scheduler.h"
#include "devices/system_control_port_b.h"

using namespace trapeze;

namespace {

struct Board {
  IoBus bus;
  Scheduler scheduler;
  Pit8254 pit{bus, scheduler};
  SystemControlPortB port_b{bus, pit};
  std::vector<std::pair<uint64_t, bool>> irq0;  // (ns, level) of every IRQ 0 change

  Board() {
    pit.irq0().connect([this](bool level) { irq0.emplace_back(scheduler.now_ns(), level); });
    irq0.clear();  // connect() reports the initial level
  }
  uint8_t in(uint16_t port) { return static_cast<uint8_t>(bus.in(port, 1)); }
  void out(uint16_t port, uint8_t value) { bus.out(port, 1, value); }
  void run_to_tick(uint64_t tick) { scheduler.advance_to(Pit8254::ns_at_tick(tick)); }
  uint16_t read_word(uint16_t port) {
    const uint8_t lsb = in(port);
    return static_cast<uint16_t>(lsb | in(port) << 8);
  }
  std::vector<uint64_t> rising_edges() const {
    std::vector<uint64_t> times;
    for (const auto& [ns, level] : irq0)
      if (level) times.push_back(ns);
    return times;
  }
};

}  // namespace

TEST_CASE("Pit8254: the clock is 1193182 Hz of virtual time, exactly, for as long as it runs") {
  CHECK(Pit8254::ticks_at(1'000'000'000) == 1'193'182);
  CHECK(Pit8254::ticks_at(999'999'999) == 1'193'181);
  const uint64_t year_ns = uint64_t{365} * 24 * 3600 * 1'000'000'000;
  CHECK(Pit8254::ticks_at(year_ns) == uint64_t{365} * 24 * 3600 * 1'193'182);
  for (uint64_t tick : {uint64_t{0}, uint64_t{1}, uint64_t{65536}, uint64_t{1193181},
                        uint64_t{1193182}, uint64_t{123456789012}}) {
    CAPTURE(tick);
    const uint64_t ns = Pit8254::ns_at_tick(tick);
    CHECK(Pit8254::ticks_at(ns) == tick);
    if (ns > 0) CHECK(Pit8254::ticks_at(ns - 1) == tick - 1);
  }
}

TEST_CASE("Pit8254: SeaBIOS's timer (0x34, count 0) interrupts every 65536 clocks, 18.2 Hz") {
  Board b;
  b.out(0x43, 0x34);  // counter 0, LSB then MSB, mode 2, binary
  b.out(0x40, 0x00);
  b.out(0x40, 0x00);
  CHECK(b.pit.output(0));
  // Two events per period (OUT's one-clock low pulse), never one per clock.
  CHECK(b.scheduler.next_event_ns() == Pit8254::ns_at_tick(1 + 65535));
  b.scheduler.advance_to(1'000'000'000);
  const auto edges = b.rising_edges();
  REQUIRE(edges.size() == 18);
  // Loaded on the first clock after the write; low while CE is 1; reloaded (rising
  // edge) 65536 clocks after the load.
  for (size_t k = 0; k < edges.size(); ++k)
    CHECK(edges[k] == Pit8254::ns_at_tick(1 + 65536 * (k + 1)));
  CHECK(b.irq0.size() == 36);
}

TEST_CASE("Pit8254: Linux's periodic tick at HZ=1000 (mode 2, LATCH 1193)") {
  Board b;
  b.out(0x43, 0x34);
  b.out(0x40, 1193 & 0xFF);
  b.out(0x40, 1193 >> 8);
  b.scheduler.advance_to(10'000'000);
  const auto edges = b.rising_edges();
  REQUIRE(edges.size() == 10);  // the tenth at 1 + 10 * 1193 clocks = 9.9993 ms
  for (size_t k = 0; k < edges.size(); ++k)
    CHECK(edges[k] == Pit8254::ns_at_tick(1 + 1193 * (k + 1)));
  // The counter reads back counting down from 1193.
  b.run_to_tick(1 + 1193 * 20 + 100);
  b.out(0x43, 0x00);  // counter latch
  CHECK(b.read_word(0x40) == 1193 - 100);
}

TEST_CASE("Pit8254: mode 3 square wave, even and odd counts") {
  Board b;
  b.out(0x43, 0x36);  // counter 0, mode 3
  b.out(0x40, 4);
  b.out(0x40, 0);
  // Loaded at clock 1: high for 2 clocks, low for 2.
  std::vector<bool> levels;
  for (uint64_t t = 1; t <= 8; ++t) {
    b.run_to_tick(t);
    levels.push_back(b.pit.output(0));
  }
  CHECK(levels == std::vector<bool>{true, true, false, false, true, true, false, false});
  CHECK(b.irq0.size() == 3);  // the line followed, by events

  b.out(0x43, 0x36);
  b.out(0x40, 5);  // odd: high for 3 clocks, low for 2
  b.out(0x40, 0);
  const uint64_t start = Pit8254::ticks_at(b.scheduler.now_ns()) + 1;
  levels.clear();
  for (uint64_t t = start; t < start + 10; ++t) {
    b.run_to_tick(t);
    levels.push_back(b.pit.output(0));
  }
  CHECK(levels ==
        std::vector<bool>{true, true, true, false, false, true, true, true, false, false});
}

TEST_CASE("Pit8254: SeaBIOS's TSC calibration: counter 2 mode 0 seen through port 0x61 bit 5") {
  Board b;
  const uint8_t orig = b.in(0x61);
  CHECK((orig & 0x03) == 0x00);
  b.out(0x61, static_cast<uint8_t>((orig & ~0x02) | 0x01));  // gate on, speaker off
  b.out(0x43, 0xB0);                                         // counter 2, word, mode 0
  b.out(0x42, 0x800 & 0xFF);
  b.out(0x42, 0x800 >> 8);
  CHECK((b.in(0x61) & 0x20) == 0);
  // An event marks the terminal count, so a CPU slice polling bit 5 ends there.
  CHECK(b.scheduler.next_event_ns() == Pit8254::ns_at_tick(1 + 0x800));
  b.run_to_tick(0x800);
  CHECK((b.in(0x61) & 0x20) == 0);
  b.run_to_tick(0x801);
  CHECK((b.in(0x61) & 0x20) == 0x20);
  b.run_to_tick(0x900);
  CHECK((b.in(0x61) & 0x20) == 0x20);            // mode 0 OUT stays high ...
  CHECK(b.pit.peek_count(2) == 0x10000 - 0xFF);  // ... while CE wraps on
  b.out(0x61, orig);                             // restored: gate off again; OUT keeps its level
  CHECK((b.in(0x61) & 0x2F) == ((orig & 0x0F) | 0x20));
}

TEST_CASE("Pit8254: mode 0 gate low suspends counting; the first byte of a new count stops it") {
  Board b;
  b.out(0x61, 0x01);
  b.out(0x43, 0xB0);
  b.out(0x42, 100);
  b.out(0x42, 0);
  b.run_to_tick(41);  // 40 clocks counted
  CHECK(b.pit.peek_count(2) == 60);
  b.out(0x61, 0x00);
  b.run_to_tick(500);
  CHECK(b.pit.peek_count(2) == 60);
  CHECK_FALSE(b.pit.output(2));
  b.out(0x61, 0x01);
  b.run_to_tick(500 + 60);
  CHECK(b.pit.output(2));
  // A new count: the first byte drops OUT and holds CE, the second restarts.
  b.out(0x42, 10);
  CHECK_FALSE(b.pit.output(2));
  b.run_to_tick(700);
  CHECK_FALSE(b.pit.output(2));
  b.out(0x42, 0);
  b.run_to_tick(700 + 11);
  CHECK(b.pit.output(2));
}

TEST_CASE("Pit8254: counter latch holds the count until both bytes are read") {
  Board b;
  b.out(0x43, 0x34);
  b.out(0x40, 0x00);
  b.out(0x40, 0x10);  // 0x1000
  b.run_to_tick(1 + 0x10);
  b.out(0x43, 0x00);
  b.run_to_tick(1 + 0x200);
  b.out(0x43, 0x00);  // ignored: the first latch has not been read
  CHECK(b.in(0x40) == 0xF0);
  b.run_to_tick(1 + 0x300);
  CHECK(b.in(0x40) == 0x0F);
  // Unlatched reads follow the counter.
  CHECK(b.read_word(0x40) == 0x1000 - 0x300);
}

TEST_CASE("Pit8254: read-back of status and count, as SeaBIOS's timer_read uses it") {
  Board b;
  b.out(0x43, 0x34);
  b.out(0x40, 0x00);
  b.out(0x40, 0x00);
  b.run_to_tick(1 + 1000);
  // PM_SEL_READBACK | PM_READ_VALUE | PM_READ_COUNTER0: the count only.
  b.out(0x43, 0xD2);
  CHECK(b.read_word(0x40) == 0x10000 - 1000);
  // Status and count of counters 0 and 2 at once (0xCA): each reads its status first.
  b.out(0x43, 0xB0);  // counter 2, mode 0, no count yet
  b.out(0x43, 0xCA);
  CHECK(b.in(0x40) == 0xB4);  // OUT high, count loaded, LSB/MSB, mode 2, binary
  CHECK(b.read_word(0x40) == 0x10000 - 1000);
  CHECK(b.in(0x42) == 0x70);  // OUT low (mode 0), null count, LSB/MSB, mode 0
  CHECK(b.read_word(0x42) == 0);
}

TEST_CASE("Pit8254: read-back status shows OUT and null count") {
  Board b;
  b.out(0x61, 0x01);
  b.out(0x43, 0xB0);                   // counter 2, mode 0: OUT low
  b.out(0x43, 0xE8);                   // read-back, status only, counter 2
  CHECK(b.in(0x42) == (0x40 | 0x30));  // null count: no count written yet
  b.out(0x42, 0x20);
  b.out(0x42, 0x00);
  b.out(0x43, 0xE8);  // latched while CR is not yet in CE
  b.run_to_tick(1);
  b.out(0x43, 0xE8);  // ignored: the first status has not been read
  CHECK(b.in(0x42) == (0x40 | 0x30));
  CHECK(b.pit.peek_status(2) == 0x30);
  b.run_to_tick(1 + 0x20);
  CHECK(b.pit.peek_status(2) == (0x80 | 0x30));
}

TEST_CASE("Pit8254: LSB-only and MSB-only read/write modes") {
  Board b;
  b.out(0x43, 0x14);  // counter 0, LSB only, mode 2
  b.out(0x40, 200);
  b.run_to_tick(1 + 50);
  CHECK(b.in(0x40) == 150);
  CHECK(b.in(0x40) == 150);
  b.out(0x43, 0x24);  // MSB only
  b.out(0x40, 0x02);  // 0x200
  b.run_to_tick(Pit8254::ticks_at(b.scheduler.now_ns()) + 1 + 0x100);
  CHECK(b.in(0x40) == 0x01);
  CHECK(b.pit.peek_count(0) == 0x100);
}

TEST_CASE("Pit8254: BCD counting") {
  Board b;
  b.out(0x43, 0x35);  // counter 0, mode 2, BCD
  b.out(0x40, 0x00);
  b.out(0x40, 0x10);  // 1000 decimal
  b.run_to_tick(1 + 1);
  CHECK(b.read_word(0x40) == 0x0999);
  b.run_to_tick(1 + 1000 + 3);
  CHECK(b.read_word(0x40) == 0x0997);
  CHECK(b.rising_edges().size() == 1);
  // Count 0 in BCD is 10000.
  b.out(0x43, 0x31);  // mode 0, BCD
  b.out(0x40, 0x00);
  b.out(0x40, 0x00);
  const uint64_t start = Pit8254::ticks_at(b.scheduler.now_ns()) + 1;
  b.run_to_tick(start + 1);
  CHECK(b.read_word(0x40) == 0x9999);
  b.run_to_tick(start + 9999);
  CHECK_FALSE(b.pit.output(0));
  b.run_to_tick(start + 10000);
  CHECK(b.pit.output(0));
}

TEST_CASE("Pit8254: mode 2 takes a new count at the end of the current period") {
  Board b;
  b.out(0x43, 0x34);
  b.out(0x40, 100);
  b.out(0x40, 0);
  b.run_to_tick(1 + 30);
  b.out(0x40, 50);
  b.out(0x40, 0);
  CHECK((b.pit.peek_status(0) & 0x40) == 0x40);  // null count until the reload
  b.scheduler.advance_to(Pit8254::ns_at_tick(1 + 100 + 50 * 3));
  const auto edges = b.rising_edges();
  REQUIRE(edges.size() == 4);
  CHECK(edges[0] == Pit8254::ns_at_tick(1 + 100));
  CHECK(edges[1] == Pit8254::ns_at_tick(1 + 100 + 50));
  CHECK(edges[3] == Pit8254::ns_at_tick(1 + 100 + 150));
  CHECK((b.pit.peek_status(0) & 0x40) == 0);
}

TEST_CASE("Pit8254: mode 3 on counter 2 (speaker): gate low forces OUT high and stops it") {
  Board b;
  b.out(0x43, 0xB6);  // counter 2, mode 3 (Linux pcspkr)
  b.out(0x42, 0x40);
  b.out(0x42, 0x00);
  b.run_to_tick(100);
  CHECK(b.pit.output(2));  // gate is low since reset: not counting
  CHECK(b.pit.peek_count(2) == 0x40);
  b.out(0x61, 0x03);  // gate and speaker on
  CHECK(b.port_b.speaker_enabled());
  const uint64_t start = 101;
  b.run_to_tick(start + 0x20);
  CHECK_FALSE(b.pit.output(2));
  CHECK_FALSE(b.port_b.speaker_level());
  b.out(0x61, 0x02);
  CHECK(b.pit.output(2));
  b.run_to_tick(start + 0x30);
  CHECK(b.pit.output(2));
  // No events for a periodic counter 2: tones are computed when read.
  CHECK(b.scheduler.next_event_ns() == kNoEvent);
}

TEST_CASE("Pit8254: mode 1 one-shot triggered by the gate, retriggerable") {
  Board b;
  b.out(0x43, 0xB2);  // counter 2, mode 1
  b.out(0x42, 10);
  b.out(0x42, 0);
  CHECK(b.pit.output(2));
  b.run_to_tick(50);
  CHECK(b.pit.output(2));  // not triggered yet
  b.out(0x61, 0x01);       // rising edge at clock 50
  b.run_to_tick(51);
  CHECK_FALSE(b.pit.output(2));
  b.run_to_tick(55);
  b.out(0x61, 0x00);
  b.out(0x61, 0x01);  // retrigger at 55: a fresh 10 clocks
  b.run_to_tick(60);
  CHECK_FALSE(b.pit.output(2));
  b.run_to_tick(66);
  CHECK(b.pit.output(2));
}

TEST_CASE("Pit8254: mode 4 software strobe and mode 5 hardware strobe") {
  Board b;
  b.out(0x43, 0x38);  // counter 0, mode 4
  b.out(0x40, 5);
  b.out(0x40, 0);
  b.scheduler.advance_to(Pit8254::ns_at_tick(100));
  REQUIRE(b.irq0.size() == 2);
  CHECK(b.irq0[0] == std::make_pair(Pit8254::ns_at_tick(6), false));
  CHECK(b.irq0[1] == std::make_pair(Pit8254::ns_at_tick(7), true));
  CHECK(b.scheduler.next_event_ns() == kNoEvent);  // one strobe per count

  b.out(0x43, 0xBA);  // counter 2, mode 5
  b.out(0x42, 3);
  b.out(0x42, 0);
  b.run_to_tick(200);
  CHECK(b.pit.output(2));
  b.out(0x61, 0x01);
  b.run_to_tick(203);
  CHECK(b.pit.output(2));
  b.run_to_tick(204);
  CHECK_FALSE(b.pit.output(2));
  b.run_to_tick(205);
  CHECK(b.pit.output(2));
}

TEST_CASE("Pit8254: port 0x61 refresh toggle flips every 18 clocks; write-only bits stick") {
  Board b;
  std::vector<bool> toggles;
  for (uint64_t t = 0; t < 18 * 4; t += 9) {
    b.run_to_tick(t);
    toggles.push_back(b.in(0x61) & 0x10);
  }
  CHECK(toggles == std::vector<bool>{false, false, true, true, false, false, true, true});
  b.out(0x61, 0xFC);
  CHECK((b.port_b.peek() & 0xCF) == 0x0C);
}

TEST_CASE("Pit8254: a control word drops a mode 0 OUT and reset restores the idle state") {
  Board b;
  b.out(0x43, 0x30);  // Linux oneshot: counter 0, mode 0
  CHECK(b.irq0 == std::vector<std::pair<uint64_t, bool>>{{0, false}});
  b.out(0x40, 0x10);
  b.out(0x40, 0x00);
  b.scheduler.advance_to(Pit8254::ns_at_tick(100));
  CHECK(b.irq0.back() == std::make_pair(Pit8254::ns_at_tick(0x11), true));
  b.pit.reset();
  CHECK(b.pit.output(0));
  CHECK(b.scheduler.next_event_ns() == kNoEvent);
  CHECK(b.in(0x43) == 0xFF);
}

TEST_CASE("Pit8254: mode 3 takes a new count at the end of the current half-period") {
  Board b;
  b.out(0x43, 0x36);
  b.out(0x40, 100);
  b.out(0x40, 0);
  b.run_to_tick(11);  // in the high half of the first period (clocks 1-50)
  b.out(0x40, 40);
  b.out(0x40, 0);
  b.scheduler.advance_to(Pit8254::ns_at_tick(120));
  // The old high half ends at 51; the new count starts in its low half (20 clocks),
  // then 20 high, 20 low.
  CHECK(b.irq0 == std::vector<std::pair<uint64_t, bool>>{{Pit8254::ns_at_tick(51), false},
                                                         {Pit8254::ns_at_tick(71), true},
                                                         {Pit8254::ns_at_tick(91), false},
                                                         {Pit8254::ns_at_tick(111), true}});
}
