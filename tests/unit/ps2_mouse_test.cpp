// The PS/2 mouse on its own wire: the commands Linux's psmouse
// (drivers/input/mouse/psmouse-base.c) and SeaBIOS's INT 15h C2 services
// (src/mouse.c) send, IntelliMouse detection (the 200/100/80 sample-rate knock of
// intellimouse_detect()), and the packet format in stream and remote mode.
#include "devices/ps2_mouse.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

using namespace trapeze;

namespace {

using Bytes = std::vector<uint8_t>;

struct Mouse {
  Ps2Mouse mouse;
  unsigned notifications = 0;

  Mouse() {
    mouse.set_output_listener([this] { ++notifications; });
  }
  Bytes drain() {
    Bytes bytes;
    while (mouse.has_output()) bytes.push_back(mouse.take_output());
    return bytes;
  }
  Bytes send(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) mouse.receive_from_host(b);
    return drain();
  }
};

}  // namespace

TEST_CASE("Ps2Mouse: reset answers ACK, self-test passed, ID 0") {
  Mouse m;
  CHECK(m.send({0xFF}) == Bytes{0xFA, 0xAA, 0x00});
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x00});
  CHECK_FALSE(m.mouse.reporting());
  CHECK(m.mouse.sample_rate() == 100);
  CHECK(m.mouse.resolution() == 2);
}

TEST_CASE("Ps2Mouse: the IntelliMouse knock (200, 100, 80) turns the ID to 3") {
  Mouse m;
  CHECK(m.send({0xF3, 200, 0xF3, 100, 0xF3, 80}) == Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA});
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x03});
  CHECK(m.mouse.device_id() == Ps2Mouse::kIdIntelliMouse);
  // psmouse then restores its rate; the ID stays until reset.
  CHECK(m.send({0xF3, 100}) == Bytes{0xFA, 0xFA});
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x03});
  CHECK(m.send({0xFF}) == Bytes{0xFA, 0xAA, 0x00});
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x00});
}

TEST_CASE("Ps2Mouse: any other rate sequence keeps ID 0") {
  Mouse m;
  m.send({0xF3, 200, 0xF3, 200, 0xF3, 80});  // the Explorer knock, not supported
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x00});
  m.send({0xF3, 100, 0xF3, 200, 0xF3, 80});
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x00});
}

TEST_CASE("Ps2Mouse: status request reports mode, enable, scaling, buttons, resolution, rate") {
  Mouse m;
  CHECK(m.send({0xE9}) == Bytes{0xFA, 0x00, 0x02, 100});
  m.send({0xF4, 0xE7, 0xE8, 0x03, 0xF3, 40});
  m.mouse.set_buttons(Ps2Mouse::kButtonLeft | Ps2Mouse::kButtonRight);
  m.drain();
  // Remote 0x40 off, enabled 0x20, 2:1 0x10, left 0x04, right 0x01.
  CHECK(m.send({0xE9}) == Bytes{0xFA, 0x35, 0x03, 40});
  CHECK(m.send({0xE6, 0xF0, 0xE9}) == Bytes{0xFA, 0xFA, 0xFA, 0x65, 0x03, 40});
}

TEST_CASE("Ps2Mouse: stream packets only while reporting is enabled") {
  Mouse m;
  m.mouse.move(5, 5);
  m.mouse.set_buttons(Ps2Mouse::kButtonLeft);
  CHECK(m.drain().empty());
  CHECK(m.send({0xF4}) == Bytes{0xFA});
  // Right 10, up 5 (the host's dy is downwards).
  m.mouse.move(10, -5);
  CHECK(m.drain() == Bytes{0x09, 0x0A, 0x05});
  // Left 3, down 4: both sign bits.
  m.mouse.move(-3, 4);
  CHECK(m.drain() == Bytes{0x39, 0xFD, 0xFC});
  m.mouse.set_buttons(Ps2Mouse::kButtonMiddle | Ps2Mouse::kButtonRight);
  CHECK(m.drain() == Bytes{0x0E, 0x00, 0x00});
  CHECK(m.send({0xF5}) == Bytes{0xFA});
  m.mouse.move(1, 1);
  CHECK(m.drain().empty());
}

TEST_CASE("Ps2Mouse: fast motion is split over packets, never lost") {
  Mouse m;
  m.send({0xF4});
  m.mouse.move(300, 0);
  // One packet at a time: the rest follows when the first has gone.
  CHECK(m.mouse.pending_output() == Bytes{0x08, 0xFF, 0x00});
  CHECK(m.drain() == Bytes{0x08, 0xFF, 0x00, 0x08, 0x2D, 0x00});
  // Motion arriving while a packet waits merges into the next one.
  m.mouse.move(1, 0);
  m.mouse.move(2, 0);
  m.mouse.move(3, 0);
  CHECK(m.drain() == Bytes{0x08, 0x01, 0x00, 0x08, 0x05, 0x00});
}

TEST_CASE("Ps2Mouse: remote mode reports on EB, saturating with the overflow bits") {
  Mouse m;
  CHECK(m.send({0xF0}) == Bytes{0xFA});
  CHECK(m.mouse.remote_mode());
  m.mouse.move(300, 400);  // right 300, down 400
  CHECK(m.drain().empty());
  // X overflow 0x40, Y overflow 0x80, Y sign 0x20; the values saturate.
  CHECK(m.send({0xEB}) == Bytes{0xFA, 0xE8, 0xFF, 0x00});
  CHECK(m.send({0xEB}) == Bytes{0xFA, 0x08, 0x00, 0x00});  // the counters were reset
  CHECK(m.send({0xEA}) == Bytes{0xFA});
  CHECK_FALSE(m.mouse.remote_mode());
}

TEST_CASE("Ps2Mouse: 2:1 scaling maps small counts through the table and doubles the rest") {
  Mouse m;
  m.send({0xF4, 0xE7});
  const int expected[][2] = {{1, 1}, {2, 1}, {3, 3}, {4, 6}, {5, 9}, {6, 12}, {-4, -6}};
  for (const auto& row : expected) {
    CAPTURE(row[0]);
    m.mouse.move(row[0], 0);
    const Bytes packet = m.drain();
    REQUIRE(packet.size() == 3);
    CHECK(static_cast<int8_t>(packet[1]) == row[1]);
  }
}

TEST_CASE("Ps2Mouse: IntelliMouse packets carry the wheel in a fourth byte") {
  Mouse m;
  m.send({0xF3, 200, 0xF3, 100, 0xF3, 80, 0xF4});
  m.mouse.move(0, 0, 2);
  CHECK(m.drain() == Bytes{0x08, 0x00, 0x00, 0x02});
  m.mouse.move(1, 0, -1);
  CHECK(m.drain() == Bytes{0x08, 0x01, 0x00, 0xFF});
  // The wheel field holds -8..7; more follows in the next packet.
  m.mouse.move(0, 0, 10);
  CHECK(m.drain() == Bytes{0x08, 0x00, 0x00, 0x07, 0x08, 0x00, 0x00, 0x03});
}

TEST_CASE("Ps2Mouse: a plain mouse ignores the wheel") {
  Mouse m;
  m.send({0xF4});
  m.mouse.move(0, 0, 3);
  CHECK(m.drain().empty());
}

TEST_CASE("Ps2Mouse: wrap mode echoes everything but reset and EC") {
  Mouse m;
  CHECK(m.send({0xEE}) == Bytes{0xFA});
  CHECK(m.mouse.wrap_mode());
  CHECK(m.send({0x12, 0xF2, 0xE9}) == Bytes{0x12, 0xF2, 0xE9});
  CHECK(m.send({0xEC}) == Bytes{0xFA});
  CHECK_FALSE(m.mouse.wrap_mode());
  CHECK(m.send({0xF2}) == Bytes{0xFA, 0x00});
}

TEST_CASE("Ps2Mouse: a command drops the unsent rest of a packet") {
  Mouse m;
  m.send({0xF4});
  m.mouse.move(1, 1);
  CHECK(m.mouse.take_output() == 0x28);  // down 1: Y sign
  CHECK(m.send({0xF5}) == Bytes{0xFA});
}

TEST_CASE("Ps2Mouse: unknown commands are answered with resend") {
  Mouse m;
  CHECK(m.send({0x55}) == Bytes{0xFE});
  CHECK(m.send({0xE8, 0x01}) == Bytes{0xFA, 0xFA});
  CHECK(m.mouse.resolution() == 1);
  CHECK(m.send({0xF6}) == Bytes{0xFA});
  CHECK(m.mouse.resolution() == 2);
}
