// The 8042 keyboard controller with a keyboard and a mouse plugged in, driven the way
// SeaBIOS 1.16 (src/hw/ps2port.c: ps2_keyboard_setup, __ps2_command, handle_09) and
// Linux (drivers/input/serio/i8042.c: i8042_controller_check, _selftest, _init,
// i8042_check_aux) drive it: every byte read through ports 0x60/0x64 with the status bits
// a driver checks, and the IRQ1/IRQ12 edges the PIC would see.
#include "devices/i8042.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "devices/io_bus.h"
#include "devices/ps2_keyboard.h"
#include "devices/ps2_mouse.h"
#include "devices/scheduler.h"

using namespace trapeze;
using namespace trapeze::i8042;

namespace {

using Bytes = std::vector<uint8_t>;

struct Pc {
  IoBus bus;
  Scheduler scheduler;
  Ps2Keyboard kbd{scheduler};
  Ps2Mouse mouse;
  I8042 ctl{bus, &kbd, &mouse};
  unsigned irq1_rises = 0;
  unsigned irq12_rises = 0;
  std::vector<bool> a20_changes;
  unsigned resets = 0;

  Pc() {
    ctl.keyboard_irq().connect([this](bool level) { irq1_rises += level; });
    ctl.aux_irq().connect([this](bool level) { irq12_rises += level; });
    ctl.set_a20_listener([this](bool on) { a20_changes.push_back(on); });
    ctl.set_reset_listener([this] { ++resets; });
    irq1_rises = irq12_rises = 0;
  }

  uint8_t status() { return static_cast<uint8_t>(bus.in(0x64, 1)); }
  uint8_t data() { return static_cast<uint8_t>(bus.in(0x60, 1)); }
  void command(uint8_t value) { bus.out(0x64, 1, value); }
  void write(uint8_t value) { bus.out(0x60, 1, value); }
  bool irq1() { return ctl.keyboard_irq().level(); }
  bool irq12() { return ctl.aux_irq().level(); }

  // Reads everything in the output buffer, as i8042_flush() does.
  Bytes flush() {
    Bytes bytes;
    while (status() & kStatusOutputFull) bytes.push_back(data());
    return bytes;
  }
  // SeaBIOS __i8042_command / Linux __i8042_command: command, parameters to port 0x60,
  // then `receive` bytes, each after OBF is seen.
  Bytes i8042_command(uint8_t cmd, std::initializer_list<uint8_t> params, int receive) {
    REQUIRE_FALSE((status() & kStatusInputFull) != 0);
    command(cmd);
    for (uint8_t p : params) write(p);
    Bytes bytes;
    for (int i = 0; i < receive; ++i) {
      REQUIRE((status() & kStatusOutputFull) != 0);
      bytes.push_back(data());
    }
    return bytes;
  }
  uint8_t read_ctr() { return i8042_command(0x20, {}, 1).at(0); }
  void write_ctr(uint8_t ctr) { i8042_command(0x60, {ctr}, 0); }

  // SeaBIOS ps2_recvbyte: the next byte from the wanted port; bytes from the other port
  // are discarded. Returns -1 where SeaBIOS would time out.
  int recvbyte(bool aux) {
    for (;;) {
      const uint8_t st = status();
      if (!(st & kStatusOutputFull)) return -1;
      const uint8_t value = data();
      if (((st & kStatusAuxData) != 0) == aux) return value;
    }
  }
  // SeaBIOS __ps2_command(aux, command, param): disable both ports and their IRQs, enable
  // the target port, send the command (and parameters), each ACKed, receive the replies,
  // restore the command byte.
  Bytes ps2_command(bool aux, uint8_t ps2ctr, uint8_t cmd, std::initializer_list<uint8_t> params,
                    int receive) {
    uint8_t newctr = (ps2ctr | kCtrAuxDisable | kCtrKbdDisable) & ~(kCtrKbdInt | kCtrAuxInt);
    write_ctr(newctr);
    newctr &= aux ? ~kCtrAuxDisable : ~kCtrKbdDisable;
    write_ctr(newctr);
    const auto send = [&](uint8_t b) {
      if (aux) {
        command(0xD4);
      }
      write(b);
      CHECK(recvbyte(aux) == 0xFA);
    };
    send(cmd);
    for (uint8_t p : params) send(p);
    Bytes bytes;
    for (int i = 0; i < receive; ++i) {
      const int value = recvbyte(aux);
      if (value >= 0) bytes.push_back(static_cast<uint8_t>(value));
    }
    write_ctr(ps2ctr);
    return bytes;
  }
};

}  // namespace

TEST_CASE("I8042: power-on state") {
  Pc pc;
  CHECK(pc.status() == kStatusUnlocked);
  CHECK(pc.ctl.command_byte() == 0x61);  // as SeaBIOS leaves it
  CHECK(pc.ctl.a20_enabled());
  CHECK_FALSE(pc.irq1());
  CHECK_FALSE(pc.irq12());
  // Reset and A20 high, aux clock held low (port disabled), keyboard clock and data high.
  CHECK(pc.ctl.output_port() == (kOutReset | kOutA20 | kOutAuxData | kOutKbdClock | kOutKbdData));
}

TEST_CASE("I8042: SeaBIOS ps2_keyboard_setup") {
  Pc pc;
  CHECK(pc.flush().empty());
  pc.i8042_command(0xAD, {}, 0);
  pc.i8042_command(0xA7, {}, 0);
  CHECK(pc.flush().empty());
  CHECK(pc.i8042_command(0xAA, {}, 1) == Bytes{0x55});
  CHECK(pc.i8042_command(0xAB, {}, 1) == Bytes{0x00});
  // Those two replies interrupted: the power-on CTR has KBDINT (the PIC is still masked).
  CHECK(pc.irq1_rises == 2);
  pc.irq1_rises = 0;
  // Ps2ctr = KBDDIS | AUXDIS while the keyboard is set up.
  const uint8_t setup_ctr = kCtrKbdDisable | kCtrAuxDisable;
  CHECK(pc.ps2_command(false, setup_ctr, 0xFF, {}, 2) == Bytes{0xAA});  // second byte times out
  CHECK(pc.ps2_command(false, setup_ctr, 0xF5, {}, 0).empty());
  CHECK(pc.ps2_command(false, setup_ctr, 0xF0, {0x02}, 0).empty());
  const uint8_t ps2ctr = kCtrAuxDisable | kCtrTranslate | kCtrKbdInt;
  CHECK(pc.ps2_command(false, ps2ctr, 0xF4, {}, 0).empty());
  CHECK(pc.ctl.command_byte() == 0x61);
  CHECK(pc.kbd.scanning());
  CHECK(pc.kbd.scan_code_set() == 2);
  CHECK(pc.irq1_rises == 0);  // every reply came with interrupts off

  // A key press now reaches handle_09 as translated set 1, one IRQ1 edge per byte.
  pc.kbd.press(KeyCode::kA);
  CHECK(pc.irq1());
  CHECK(pc.irq1_rises == 1);
  CHECK(pc.status() == (kStatusUnlocked | kStatusOutputFull));
  CHECK(pc.data() == 0x1E);
  CHECK_FALSE(pc.irq1());
  pc.i8042_command(0xAE, {}, 0);  // handle_09 re-enables the keyboard after every key
  pc.kbd.release(KeyCode::kA);
  CHECK(pc.data() == 0x9E);
  CHECK(pc.irq1_rises == 2);
}

TEST_CASE("I8042: Linux i8042 probe: self-test, CTR, AUX loopback, bit assignment, IRQ test") {
  Pc pc;
  // i8042_controller_check / _selftest.
  CHECK(pc.flush().empty());
  CHECK(pc.i8042_command(0xAA, {}, 1) == Bytes{0x55});
  CHECK((pc.status() & kStatusSystem) != 0);  // set by the passed self-test
  // i8042_controller_init: the CTR must read the same twice.
  uint8_t ctr = pc.read_ctr();
  CHECK(pc.read_ctr() == ctr);
  ctr |= kCtrKbdDisable;
  ctr &= ~(kCtrKbdInt | kCtrAuxInt);
  pc.write_ctr(ctr);
  CHECK(pc.read_ctr() == ctr);
  pc.irq1_rises = 0;  // the replies so far came with the power-on KBDINT

  // i8042_check_aux: the AUX loopback comes back flagged as aux data.
  CHECK(pc.flush().empty());
  pc.command(0xD3);
  pc.write(0x5A);
  CHECK(pc.status() == (kStatusUnlocked | kStatusSystem | kStatusOutputFull | kStatusAuxData));
  CHECK(pc.data() == 0x5A);
  CHECK(pc.i8042_command(0xA9, {}, 1) == Bytes{0x00});
  // i8042_toggle_aux: A7/A8 show in CTR bit 5.
  pc.i8042_command(0xA7, {}, 0);
  CHECK((pc.read_ctr() & kCtrAuxDisable) != 0);
  pc.i8042_command(0xA8, {}, 0);
  CHECK_FALSE((pc.read_ctr() & kCtrAuxDisable) != 0);
  // AUX IRQ delivery test: with AUXINT on, a loopback byte raises IRQ12 and the handler
  // finds OBF and AUXDATA together.
  ctr = static_cast<uint8_t>((pc.read_ctr() | kCtrAuxInt) & ~kCtrAuxDisable);
  pc.write_ctr(ctr);
  pc.command(0xD3);
  pc.write(0xA5);
  CHECK(pc.irq12());
  CHECK(pc.irq12_rises == 1);
  CHECK_FALSE(pc.irq1());
  CHECK((pc.status() & (kStatusOutputFull | kStatusAuxData)) ==
        (kStatusOutputFull | kStatusAuxData));
  CHECK(pc.data() == 0xA5);
  CHECK_FALSE(pc.irq12());
  CHECK(pc.irq1_rises == 0);
}

TEST_CASE("I8042: command replies raise IRQ1 when the keyboard interrupt is on") {
  Pc pc;
  pc.command(0x20);  // power-on CTR has KBDINT
  CHECK(pc.irq1());
  CHECK(pc.data() == 0x61);
  CHECK_FALSE(pc.irq1());
  CHECK(pc.irq1_rises == 1);
}

TEST_CASE("I8042: translated scan codes (set 2 -> set 1) for A, Enter, arrows and Pause") {
  Pc pc;
  const auto tap = [&](KeyCode key) {
    pc.kbd.press(key);
    pc.kbd.release(key);
    return pc.flush();
  };
  CHECK(tap(KeyCode::kA) == Bytes{0x1E, 0x9E});
  CHECK(tap(KeyCode::kEnter) == Bytes{0x1C, 0x9C});
  CHECK(tap(KeyCode::kUp) == Bytes{0xE0, 0x48, 0xE0, 0xC8});
  CHECK(tap(KeyCode::kDown) == Bytes{0xE0, 0x50, 0xE0, 0xD0});
  CHECK(tap(KeyCode::kLeft) == Bytes{0xE0, 0x4B, 0xE0, 0xCB});
  CHECK(tap(KeyCode::kRight) == Bytes{0xE0, 0x4D, 0xE0, 0xCD});
  CHECK(tap(KeyCode::kPause) == Bytes{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5});
  CHECK(tap(KeyCode::kF7) == Bytes{0x41, 0xC1});
  CHECK(tap(KeyCode::kKpDivide) == Bytes{0xE0, 0x35, 0xE0, 0xB5});
  // Each byte is its own interrupt.
  CHECK(pc.irq1_rises == 2 + 2 + 4 + 4 + 4 + 4 + 6 + 2 + 4);
}

TEST_CASE("I8042: without translation the keyboard's set 2 passes through") {
  Pc pc;
  pc.write_ctr(kCtrKbdInt | kCtrAuxDisable);
  pc.kbd.press(KeyCode::kUp);
  pc.kbd.release(KeyCode::kUp);
  CHECK(pc.flush() == Bytes{0xE0, 0x75, 0xE0, 0xF0, 0x75});
}

TEST_CASE("I8042: translation also applies to replies (the famous AB 41 and get-set 41)") {
  Pc pc;
  pc.write(0xF2);
  CHECK(pc.flush() == Bytes{0xFA, 0xAB, 0x41});
  pc.write(0xF0);
  pc.write(0x00);
  CHECK(pc.flush() == Bytes{0xFA, 0xFA, 0x41});
}

TEST_CASE("I8042: the keyboard overrun code arrives as FF through translation") {
  Pc pc;
  pc.i8042_command(0xAD, {}, 0);  // inhibited: the keyboard buffers
  for (int i = 0; i < 9; ++i) {
    pc.kbd.press(KeyCode::kRight);
    pc.kbd.release(KeyCode::kRight);
  }
  CHECK_FALSE((pc.status() & kStatusOutputFull) != 0);
  pc.i8042_command(0xAE, {}, 0);
  const Bytes out = pc.flush();
  // Three whole taps fit (15 set-2 bytes, 12 once F0 is folded), then the overrun code.
  REQUIRE(out.size() == 13);
  CHECK(out.back() == 0xFF);
}

TEST_CASE(
    "I8042: a disabled keyboard port holds the keyboard's bytes; a data write re-enables it") {
  Pc pc;
  pc.i8042_command(0xAD, {}, 0);
  CHECK((pc.ctl.command_byte() & kCtrKbdDisable) != 0);
  pc.kbd.press(KeyCode::kA);
  CHECK_FALSE((pc.status() & kStatusOutputFull) != 0);
  CHECK_FALSE(pc.irq1());
  pc.write(0xEE);  // echo: sending to the keyboard enables its port
  CHECK_FALSE((pc.ctl.command_byte() & kCtrKbdDisable) != 0);
  // The reply goes ahead of the buffered key.
  CHECK(pc.flush() == Bytes{0xEE, 0x1E});
}

TEST_CASE("I8042: the output buffer serves replies, then the keyboard, then the mouse") {
  Pc pc;
  pc.write_ctr(kCtrKbdInt | kCtrAuxInt | kCtrTranslate);
  pc.command(0xD4);
  pc.write(0xF4);  // mouse: enable reporting
  CHECK((pc.status() & kStatusAuxData) != 0);
  CHECK(pc.data() == 0xFA);
  pc.mouse.move(1, 0);
  pc.kbd.press(KeyCode::kA);
  // The mouse packet's first byte was already in the buffer; then the keyboard wins.
  CHECK((pc.status() & kStatusAuxData) != 0);
  CHECK(pc.data() == 0x08);
  CHECK_FALSE((pc.status() & kStatusAuxData) != 0);
  CHECK(pc.irq12_rises == 2);
  CHECK(pc.irq1_rises == 1);
  CHECK(pc.data() == 0x1E);
  CHECK(pc.flush() == Bytes{0x01, 0x00});
  CHECK(pc.irq12_rises == 4);
}

TEST_CASE("I8042: mouse through D4: IntelliMouse detection and 4-byte packets on IRQ12") {
  Pc pc;
  const uint8_t ctr = kCtrKbdInt | kCtrAuxInt | kCtrTranslate;
  pc.write_ctr(ctr);
  // psmouse: reset, then intellimouse_detect's knock and the ID.
  CHECK(pc.ps2_command(true, ctr, 0xFF, {}, 2) == Bytes{0xAA, 0x00});
  for (uint8_t rate : {200, 100, 80}) pc.ps2_command(true, ctr, 0xF3, {rate}, 0);
  CHECK(pc.ps2_command(true, ctr, 0xF2, {}, 1) == Bytes{0x03});
  CHECK(pc.ps2_command(true, ctr, 0xF4, {}, 0).empty());
  const unsigned rises = pc.irq12_rises;
  pc.mouse.set_buttons(Ps2Mouse::kButtonLeft);
  pc.mouse.move(-2, -3, 1);  // the host's left 2, up 3, wheel down 1
  Bytes packets;
  while (pc.status() & kStatusOutputFull) {
    CHECK((pc.status() & kStatusAuxData) != 0);
    packets.push_back(pc.data());
  }
  CHECK(packets == Bytes{0x09, 0x00, 0x00, 0x00, 0x19, 0xFE, 0x03, 0x01});
  CHECK(pc.irq12_rises - rises == 8);
}

TEST_CASE("I8042: no aux device: D4 writes time out with FE") {
  IoBus bus;
  Scheduler scheduler;
  Ps2Keyboard kbd{scheduler};
  I8042 ctl{bus, &kbd, nullptr};
  bus.out(0x64, 1, 0xD4);
  bus.out(0x60, 1, 0xF2);
  const uint8_t st = static_cast<uint8_t>(bus.in(0x64, 1));
  CHECK((st & kStatusTimeout) != 0);
  CHECK((st & kStatusAuxData) != 0);
  CHECK(bus.in(0x60, 1) == 0xFE);
}

TEST_CASE("I8042: D2 writes the output buffer as if from the keyboard") {
  Pc pc;
  pc.command(0xD2);
  pc.write(0x1C);  // not translated: the controller writes its buffer directly
  CHECK(pc.irq1());
  CHECK_FALSE((pc.status() & kStatusAuxData) != 0);
  CHECK(pc.data() == 0x1C);
}

TEST_CASE("I8042: A20 through the output port (D1), DD/DF, and D0 reads it back") {
  Pc pc;
  CHECK((pc.i8042_command(0xD0, {}, 1).at(0) & kOutA20) != 0);
  pc.i8042_command(0xD1, {0xDD}, 0);  // A20 off, the classic HIMEM write
  CHECK_FALSE(pc.ctl.a20_enabled());
  CHECK(pc.a20_changes == std::vector<bool>{false});
  CHECK_FALSE((pc.i8042_command(0xD0, {}, 1).at(0) & kOutA20) != 0);
  pc.i8042_command(0xD1, {0xDF}, 0);  // Linux arch/x86/boot/a20.c enable_a20_kbc
  CHECK(pc.ctl.a20_enabled());
  pc.command(0xFF);  // Linux follows with a null pulse command: no reset
  pc.command(0xDD);
  pc.command(0xDF);
  CHECK(pc.a20_changes == std::vector<bool>{false, true, false, true});
  CHECK(pc.resets == 0);
  pc.i8042_command(0xD1, {0xDF}, 0);  // no change, no notification
  CHECK(pc.a20_changes.size() == 4);
}

TEST_CASE("I8042: reset through FE, other pulses of P20, and D1 with bit 0 clear") {
  Pc pc;
  pc.command(0xFE);  // SeaBIOS i8042_reboot, Linux reboot=k
  CHECK(pc.resets == 1);
  pc.command(0xF0);  // pulses P20-P23
  CHECK(pc.resets == 2);
  pc.command(0xF1);  // P20 not selected
  CHECK(pc.resets == 2);
  pc.i8042_command(0xD1, {0xDE}, 0);
  CHECK(pc.resets == 3);
  CHECK(pc.ctl.a20_enabled());
  CHECK((pc.ctl.output_port() & kOutReset) != 0);
}

TEST_CASE("I8042: controller RAM, password test and input port") {
  Pc pc;
  pc.i8042_command(0x7F, {0x5C}, 0);
  CHECK(pc.i8042_command(0x3F, {}, 1) == Bytes{0x5C});
  CHECK(pc.i8042_command(0xA4, {}, 1) == Bytes{0xF1});
  CHECK(pc.i8042_command(0xC0, {}, 1) == Bytes{I8042::kInputPort});
  // The system flag follows command byte bit 2.
  pc.write_ctr(0x65);
  CHECK((pc.status() & kStatusSystem) != 0);
  pc.write_ctr(0x61);
  CHECK_FALSE((pc.status() & kStatusSystem) != 0);
}

TEST_CASE("I8042: reading an empty buffer repeats the last byte without side effects") {
  Pc pc;
  pc.command(0xD2);
  pc.write(0x42);
  CHECK(pc.data() == 0x42);
  CHECK(pc.data() == 0x42);
  CHECK(pc.irq1_rises == 1);
  CHECK(pc.ctl.peek(0x60) == 0x42);
  CHECK(pc.ctl.peek(0x64) == pc.status());
}

TEST_CASE("I8042: peek does not empty the buffer; reset restores power-on state") {
  Pc pc;
  pc.command(0xAA);
  CHECK(pc.ctl.peek(0x60) == 0x55);
  CHECK((pc.status() & kStatusOutputFull) != 0);
  pc.i8042_command(0xD1, {0xDD}, 0);
  pc.ctl.reset();
  CHECK(pc.status() == kStatusUnlocked);
  CHECK(pc.ctl.a20_enabled());
  CHECK(pc.a20_changes == std::vector<bool>{false, true});
  CHECK_FALSE(pc.irq1());
}
