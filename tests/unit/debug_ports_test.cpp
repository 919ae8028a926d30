#include "devices/debug_ports.h"

#include <doctest/doctest.h>

#include <string>

#include "devices/io_bus.h"

using namespace trapeze;

TEST_CASE("DebugPorts: bytes written to 0xE9 reach the console sink") {
  IoBus bus;
  DebugPorts ports(bus);
  std::string out;
  ports.set_console_sink([&](char c) { out += c; });
  for (char c : std::string("hi\n")) bus.out(0xE9, 1, static_cast<uint8_t>(c));
  CHECK(out == "hi\n");
  // A 16-bit OUT is split: only its low byte lands on 0xE9.
  bus.out(0xE9, 2, 0x4121);
  CHECK(out == "hi\n!");
}

TEST_CASE("DebugPorts: reading 0xE9 returns 0xE9, the detection signature") {
  IoBus bus;
  DebugPorts ports(bus);
  CHECK(bus.in(0xE9, 1) == 0xE9);
}

TEST_CASE("DebugPorts: writing v to 0xF4 requests exit with status (v << 1) | 1") {
  IoBus bus;
  DebugPorts ports(bus);
  int heard = -1;
  ports.set_exit_listener([&](int status) { heard = status; });
  CHECK_FALSE(ports.exit_status().has_value());
  bus.out(0xF4, 1, 3);
  CHECK(heard == 7);
  REQUIRE(ports.exit_status().has_value());
  CHECK(*ports.exit_status() == 7);
  // The first request wins; a later one is still reported to the listener.
  bus.out(0xF4, 4, 0);
  CHECK(heard == 1);
  CHECK(*ports.exit_status() == 7);
  ports.clear_exit_request();
  CHECK_FALSE(ports.exit_status().has_value());
}

TEST_CASE("DebugPorts: the status is what a QEMU process exits with (low 8 bits)") {
  IoBus bus;
  DebugPorts ports(bus);
  bus.out(0xF4, 1, 0x80);
  CHECK(*ports.exit_status() == 1);  // (0x80 << 1) | 1 = 0x101, the host keeps 0x01
  ports.clear_exit_request();
  bus.out(0xF4, 4, 0x7F);
  CHECK(*ports.exit_status() == 0xFF);
}

TEST_CASE("DebugPorts: the ports are taken while it lives and free afterwards") {
  IoBus bus;
  {
    DebugPorts ports(bus);
    CHECK(bus.owner(0xE9) == "debugcon");
    CHECK(bus.owner(0xF4) == "debug-exit");
  }
  CHECK(bus.owner(0xE9).empty());
  CHECK(bus.in(0xE9, 1) == 0xFF);
}
