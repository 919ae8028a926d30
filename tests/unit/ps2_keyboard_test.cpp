// The PS/2 keyboard on its own wire: host commands as SeaBIOS (src/hw/ps2port.c) and
// Linux's atkbd (drivers/input/keyboard/atkbd.c) send them, the scan codes of each set,
// typematic repeat on the virtual clock, and the 16-byte buffer's overrun. The 8042's
// translation is tested in i8042_test.cpp.
#include "devices/ps2_keyboard.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "devices/scheduler.h"

using namespace trapeze;

namespace {

using Bytes = std::vector<uint8_t>;

struct Keyboard {
  Scheduler scheduler;
  Ps2Keyboard kbd{scheduler};
  unsigned notifications = 0;

  Keyboard() {
    kbd.set_output_listener([this] { ++notifications; });
  }
  // Everything the keyboard has queued, as the controller would take it.
  Bytes drain() {
    Bytes bytes;
    while (kbd.has_output()) bytes.push_back(kbd.take_output());
    return bytes;
  }
  Bytes send(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) kbd.receive_from_host(b);
    return drain();
  }
  Bytes tap(KeyCode key) {
    kbd.press(key);
    kbd.release(key);
    return drain();
  }
};

}  // namespace

TEST_CASE("Ps2Keyboard: reset answers ACK then self-test passed (SeaBIOS ATKBD_CMD_RESET_BAT)") {
  Keyboard k;
  CHECK_FALSE(k.kbd.has_output());  // nothing at power-on
  CHECK(k.send({0xFF}) == Bytes{0xFA, 0xAA});
  CHECK(k.notifications == 1);
  CHECK(k.kbd.scanning());
  CHECK(k.kbd.scan_code_set() == 2);
}

TEST_CASE("Ps2Keyboard: SeaBIOS keyboard_init: disable, set 2, enable") {
  Keyboard k;
  CHECK(k.send({0xFF}) == Bytes{0xFA, 0xAA});
  CHECK(k.send({0xF5}) == Bytes{0xFA});  // ATKBD_CMD_RESET_DIS
  CHECK_FALSE(k.kbd.scanning());
  k.kbd.press(KeyCode::kA);  // not reported while disabled
  CHECK(k.drain().empty());
  k.kbd.release(KeyCode::kA);
  CHECK(k.send({0xF0, 0x02}) == Bytes{0xFA, 0xFA});  // ATKBD_CMD_SSCANSET
  CHECK(k.send({0xF4}) == Bytes{0xFA});              // ATKBD_CMD_ENABLE
  CHECK(k.kbd.scanning());
  CHECK(k.tap(KeyCode::kA) == Bytes{0x1C, 0xF0, 0x1C});
}

TEST_CASE("Ps2Keyboard: Linux atkbd probe: identify, get set, LEDs, typematic") {
  Keyboard k;
  CHECK(k.send({0xF2}) == Bytes{0xFA, 0xAB, 0x83});  // an MF-II keyboard
  CHECK(k.send({0xF0, 0x00}) == Bytes{0xFA, 0xFA, 0x02});
  uint8_t led_seen = 0xFF;
  k.kbd.set_led_listener([&](uint8_t leds) { led_seen = leds; });
  CHECK(k.send({0xED, 0x02}) == Bytes{0xFA, 0xFA});  // Num Lock
  CHECK(k.kbd.leds() == Ps2Keyboard::kLedNumLock);
  CHECK(led_seen == Ps2Keyboard::kLedNumLock);
  CHECK(k.send({0xF3, 0x00}) == Bytes{0xFA, 0xFA});  // fastest: 30 cps after 250 ms
  CHECK(k.kbd.typematic_delay_ns() == 250'000'000);
  CHECK(k.kbd.typematic_period_ns() == 8 * 4'170'000);
  CHECK(k.send({0xEE}) == Bytes{0xEE});  // echo, without an ACK
  CHECK(k.send({0x42}) == Bytes{0xFE});  // not a command: resend
}

TEST_CASE("Ps2Keyboard: a command in place of a parameter abandons the first command") {
  Keyboard k;
  CHECK(k.send({0xED}) == Bytes{0xFA});
  CHECK(k.send({0xF2}) == Bytes{0xFA, 0xAB, 0x83});
  CHECK(k.kbd.leds() == 0);
  CHECK(k.send({0xF0, 0x07}) == Bytes{0xFA, 0xFE});  // no set 7
  CHECK(k.kbd.scan_code_set() == 2);
}

TEST_CASE("Ps2Keyboard: resend repeats the last byte sent") {
  Keyboard k;
  CHECK(k.send({0xF2}) == Bytes{0xFA, 0xAB, 0x83});
  CHECK(k.send({0xFE}) == Bytes{0x83});
  CHECK(k.send({0xFE}) == Bytes{0x83});
}

TEST_CASE("Ps2Keyboard: set 2 codes, with E0 prefixes") {
  Keyboard k;
  CHECK(k.tap(KeyCode::kEnter) == Bytes{0x5A, 0xF0, 0x5A});
  CHECK(k.tap(KeyCode::kUp) == Bytes{0xE0, 0x75, 0xE0, 0xF0, 0x75});
  CHECK(k.tap(KeyCode::kKpEnter) == Bytes{0xE0, 0x5A, 0xE0, 0xF0, 0x5A});
  CHECK(k.tap(KeyCode::kRightCtrl) == Bytes{0xE0, 0x14, 0xE0, 0xF0, 0x14});
  CHECK(k.tap(KeyCode::kF7) == Bytes{0x83, 0xF0, 0x83});
  CHECK(k.tap(KeyCode::kNonUsBackslash) == Bytes{0x61, 0xF0, 0x61});
}

TEST_CASE("Ps2Keyboard: Pause and PrintScreen sequences depend on the modifiers") {
  Keyboard k;
  // Pause: make only, nothing at release.
  CHECK(k.tap(KeyCode::kPause) == Bytes{0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77});
  CHECK(k.tap(KeyCode::kPrintScreen) ==
        Bytes{0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12});
  k.kbd.press(KeyCode::kLeftCtrl);
  CHECK(k.drain() == Bytes{0x14});
  CHECK(k.tap(KeyCode::kPause) == Bytes{0xE0, 0x7E, 0xE0, 0xF0, 0x7E});  // Break
  CHECK(k.tap(KeyCode::kPrintScreen) == Bytes{0xE0, 0x7C, 0xE0, 0xF0, 0x7C});
  k.kbd.release(KeyCode::kLeftCtrl);
  k.kbd.press(KeyCode::kRightAlt);
  CHECK(k.drain() == Bytes{0xF0, 0x14, 0xE0, 0x11});
  CHECK(k.tap(KeyCode::kPrintScreen) == Bytes{0x84, 0xF0, 0x84});  // SysRq
}

TEST_CASE("Ps2Keyboard: set 1 is generated natively when selected") {
  Keyboard k;
  CHECK(k.send({0xF0, 0x01}) == Bytes{0xFA, 0xFA});
  CHECK(k.send({0xF0, 0x00}) == Bytes{0xFA, 0xFA, 0x01});
  CHECK(k.tap(KeyCode::kA) == Bytes{0x1E, 0x9E});
  CHECK(k.tap(KeyCode::kLeft) == Bytes{0xE0, 0x4B, 0xE0, 0xCB});
  CHECK(k.tap(KeyCode::kPause) == Bytes{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5});
  CHECK(k.tap(KeyCode::kPrintScreen) == Bytes{0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA});
}

TEST_CASE("Ps2Keyboard: set 3 codes and key types (Linux atkbd sends FA for make/break)") {
  Keyboard k;
  CHECK(k.send({0xF0, 0x03}) == Bytes{0xFA, 0xFA});
  CHECK(k.tap(KeyCode::kA) == Bytes{0x1C, 0xF0, 0x1C});
  CHECK(k.tap(KeyCode::kUp) == Bytes{0x63, 0xF0, 0x63});  // no prefixes in set 3
  CHECK(k.tap(KeyCode::kPause) == Bytes{0x62, 0xF0, 0x62});
  CHECK(k.tap(KeyCode::kEscape) == Bytes{0x08, 0xF0, 0x08});
  CHECK(k.send({0xF9}) == Bytes{0xFA});  // all keys make-only
  CHECK(k.tap(KeyCode::kA) == Bytes{0x1C});
  CHECK(k.send({0xFC, 0x1C, 0x12, 0xF4}) == Bytes{0xFA, 0xFA, 0xFA, 0xFA});  // A, LShift make/break
  CHECK(k.tap(KeyCode::kA) == Bytes{0x1C, 0xF0, 0x1C});
  CHECK(k.tap(KeyCode::kB) == Bytes{0x32});
  CHECK(k.send({0xFA}) == Bytes{0xFA});
  CHECK(k.tap(KeyCode::kB) == Bytes{0x32, 0xF0, 0x32});
}

TEST_CASE("Ps2Keyboard: typematic repeat follows the programmed delay and rate") {
  Keyboard k;
  k.kbd.press(KeyCode::kA);
  CHECK(k.drain() == Bytes{0x1C});
  // Default 0x2B: 500 ms, then (8 + 3) * 2 * 4.17 ms.
  const uint64_t period = 11 * 2 * 4'170'000ull;
  k.scheduler.advance_to(499'999'999);
  CHECK(k.drain().empty());
  k.scheduler.advance_to(500'000'000);
  CHECK(k.drain() == Bytes{0x1C});
  k.scheduler.advance_to(500'000'000 + 3 * period);
  CHECK(k.drain() == Bytes{0x1C, 0x1C, 0x1C});
  // A second key takes over the repeat; releasing it stops repeating altogether.
  k.kbd.press(KeyCode::kUp);
  CHECK(k.drain() == Bytes{0xE0, 0x75});
  k.scheduler.advance_to(k.scheduler.now_ns() + 500'000'000);
  CHECK(k.drain() == Bytes{0xE0, 0x75});
  k.kbd.release(KeyCode::kUp);
  CHECK(k.drain() == Bytes{0xE0, 0xF0, 0x75});
  k.scheduler.advance_to(k.scheduler.now_ns() + 2'000'000'000);
  CHECK(k.drain().empty());
  CHECK(k.scheduler.next_event_ns() == kNoEvent);
  k.kbd.release(KeyCode::kA);
  CHECK(k.drain() == Bytes{0xF0, 0x1C});
}

TEST_CASE("Ps2Keyboard: host autorepeat is ignored; Pause never repeats") {
  Keyboard k;
  k.kbd.press(KeyCode::kA);
  k.kbd.press(KeyCode::kA);
  CHECK(k.drain() == Bytes{0x1C});
  k.kbd.release(KeyCode::kA);
  k.drain();
  k.kbd.press(KeyCode::kPause);
  k.drain();
  k.scheduler.advance_to(5'000'000'000);
  CHECK(k.drain().empty());
}

TEST_CASE("Ps2Keyboard: a full buffer loses keys and queues the overrun code") {
  Keyboard k;
  // 16 one-byte makes fill the buffer; the 17th key is lost.
  const KeyCode keys[] = {KeyCode::kA, KeyCode::kB, KeyCode::kC, KeyCode::kD,
                          KeyCode::kE, KeyCode::kF, KeyCode::kG, KeyCode::kH,
                          KeyCode::kI, KeyCode::kJ, KeyCode::kK, KeyCode::kL,
                          KeyCode::kM, KeyCode::kN, KeyCode::kO, KeyCode::kP};
  for (KeyCode key : keys) k.kbd.press(key);
  k.kbd.press(KeyCode::kQ);
  k.kbd.press(KeyCode::kUp);
  Bytes out = k.drain();
  REQUIRE(out.size() == 17);
  CHECK(out[0] == 0x1C);
  CHECK(out[15] == 0x4D);  // P
  CHECK(out[16] == 0x00);  // set 2 overrun
  // Drained: keys are accepted again.
  k.kbd.release(KeyCode::kA);
  CHECK(k.drain() == Bytes{0xF0, 0x1C});
}

TEST_CASE("Ps2Keyboard: the overrun code is FF in set 1") {
  Keyboard k;
  k.send({0xF0, 0x01});
  for (int i = 0; i < 9; ++i) {  // E0-prefixed makes, two bytes each
    k.kbd.press(KeyCode::kUp);
    k.kbd.release(KeyCode::kUp);
  }
  const Bytes out = k.drain();
  REQUIRE(!out.empty());
  CHECK(out.back() == 0xFF);
  CHECK(out.size() == 17);
}

TEST_CASE("Ps2Keyboard: commands answer before scan codes already queued") {
  Keyboard k;
  k.kbd.press(KeyCode::kA);
  k.kbd.receive_from_host(0xED);
  CHECK(k.kbd.pending_output() == Bytes{0xFA, 0x1C});
  CHECK(k.kbd.peek_output() == 0xFA);
  CHECK(k.drain() == Bytes{0xFA, 0x1C});
}

TEST_CASE("Ps2Keyboard: F6 restores defaults, F5 also stops scanning, reset turns LEDs off") {
  Keyboard k;
  k.send({0xF3, 0x7F, 0xF0, 0x03, 0xED, 0x07});
  CHECK(k.send({0xF6}) == Bytes{0xFA});
  CHECK(k.kbd.typematic() == Ps2Keyboard::kDefaultTypematic);
  CHECK(k.kbd.scan_code_set() == 2);
  CHECK(k.kbd.scanning());
  CHECK(k.kbd.leds() == 0x07);
  CHECK(k.send({0xF5}) == Bytes{0xFA});
  CHECK_FALSE(k.kbd.scanning());
  CHECK(k.send({0xFF}) == Bytes{0xFA, 0xAA});
  CHECK(k.kbd.leds() == 0);
  CHECK(k.kbd.scanning());
}

TEST_CASE("Ps2Keyboard: release_all sends the breaks of held keys") {
  Keyboard k;
  k.kbd.press(KeyCode::kLeftShift);
  k.kbd.press(KeyCode::kA);
  k.drain();
  k.kbd.release_all();
  CHECK(k.drain() == Bytes{0xF0, 0x1C, 0xF0, 0x12});
  CHECK_FALSE(k.kbd.held(KeyCode::kA));
}

TEST_CASE("Ps2Keyboard: us_layout_keystroke maps ASCII to keys") {
  CHECK(us_layout_keystroke('a')->key == KeyCode::kA);
  CHECK_FALSE(us_layout_keystroke('a')->shift);
  CHECK(us_layout_keystroke('Z')->key == KeyCode::kZ);
  CHECK(us_layout_keystroke('Z')->shift);
  CHECK(us_layout_keystroke('0')->key == KeyCode::k0);
  CHECK(us_layout_keystroke(')')->key == KeyCode::k0);
  CHECK(us_layout_keystroke(')')->shift);
  CHECK(us_layout_keystroke('!')->key == KeyCode::k1);
  CHECK(us_layout_keystroke('|')->key == KeyCode::kBackslash);
  CHECK(us_layout_keystroke('\n')->key == KeyCode::kEnter);
  CHECK(us_layout_keystroke('~')->key == KeyCode::kGrave);
  CHECK_FALSE(us_layout_keystroke('\x01').has_value());
}
