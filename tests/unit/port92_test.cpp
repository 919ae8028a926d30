// System control port A (0x92): fast A20 as SeaBIOS toggles it around every switch to
// 32-bit mode (a read-modify-write of bit 1), and the fast reset of bit 0.
#include "devices/port92.h"

#include <doctest/doctest.h>

#include <vector>

#include "devices/io_bus.h"

using namespace trapeze;

namespace {

struct Board {
  IoBus io;
  Port92 port{io};
  std::vector<bool> a20_changes;
  unsigned resets = 0;

  Board() {
    port.set_a20_listener([this](bool enabled) { a20_changes.push_back(enabled); });
    port.set_reset_listener([this] { ++resets; });
  }
  // SeaBIOS set_a20(): read, change bit 1, write back; returns the old state.
  bool set_a20(bool enable) {
    const auto old = static_cast<uint8_t>(io.in(0x92, 1));
    io.out(0x92, 1, enable ? (old | 0x02) : (old & ~0x02));
    return (old & 0x02) != 0;
  }
};

}  // namespace

TEST_CASE("Port92: fast A20 toggles through bit 1 and reads back") {
  Board b;
  CHECK(b.io.in(0x92, 1) == 0x00);
  CHECK_FALSE(b.set_a20(true));
  CHECK(b.io.in(0x92, 1) == 0x02);
  CHECK(b.port.a20());
  CHECK(b.set_a20(true));  // already on: no new change
  CHECK(b.set_a20(false));
  CHECK(b.io.in(0x92, 1) == 0x00);
  CHECK(b.a20_changes == std::vector<bool>{true, false});
  CHECK(b.resets == 0);  // the read-modify-writes never reset
}

TEST_CASE("Port92: bit 0 resets the machine and reads as zero") {
  Board b;
  b.io.out(0x92, 1, 0x03);  // Linux's and DOS's "fast reset" keeps A20 on
  CHECK(b.resets == 1);
  CHECK(b.io.in(0x92, 1) == 0x02);
  CHECK(b.port.peek() == 0x02);
  b.io.out(0x92, 1, 0x01);
  CHECK(b.resets == 2);
  CHECK(b.a20_changes == std::vector<bool>{true, false});
}

TEST_CASE("Port92: reset clears the register without driving the gate") {
  Board b;
  b.set_a20(true);
  b.a20_changes.clear();
  b.port.reset();
  CHECK(b.io.in(0x92, 1) == 0x00);
  CHECK_FALSE(b.port.a20());
  CHECK(b.a20_changes.empty());
}
