#include "devices/io_bus.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

using namespace trapeze;

namespace {

struct RecordingDevice : IoHandler {
  struct Access {
    bool write = false;
    uint16_t port = 0;
    unsigned size_bytes = 0;
    uint32_t value = 0;
    bool operator==(const Access&) const = default;
  };
  std::vector<Access> accesses;
  uint32_t read_value = 0;
  uint32_t io_read(uint16_t port, unsigned size_bytes) override {
    accesses.push_back({false, port, size_bytes, 0});
    return read_value + port;
  }
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override {
    accesses.push_back({true, port, size_bytes, value});
  }
};

using Access = RecordingDevice::Access;

}  // namespace

TEST_CASE("IoBus: accesses reach the device with the absolute port and width") {
  IoBus bus;
  RecordingDevice device;
  auto registration = bus.map("dev", 0x3F8, 0x3FF, kIoWidthAny, device);
  CHECK(bus.in(0x3FA, 1) == 0xFA);  // the bus keeps only the bits of the access width
  bus.out(0x3FC, 4, 0xCAFEF00D);
  CHECK(device.accesses == std::vector<Access>{{false, 0x3FA, 1, 0}, {true, 0x3FC, 4, 0xCAFEF00D}});
  CHECK(bus.owner(0x3FF) == "dev");
  CHECK(bus.owner(0x400).empty());
}

TEST_CASE("IoBus: unmapped ports read all ones and ignore writes") {
  IoBus bus;
  CHECK(bus.in(0x80, 1) == 0xFF);
  CHECK(bus.in(0x80, 2) == 0xFFFF);
  CHECK(bus.in(0x80, 4) == 0xFFFFFFFF);
  bus.out(0x80, 1, 0x12);  // must not crash or log more than once
  bus.out(0x80, 1, 0x13);
}

TEST_CASE("IoBus: a width the device does not decode is split, low port first") {
  IoBus bus;
  RecordingDevice byte_device;
  byte_device.read_value = 0;
  auto registration = bus.map("bytes", 0x40, 0x43, kIoWidth8, byte_device);

  CHECK(bus.in(0x40, 2) == (0x40 | (0x41 << 8)));
  bus.out(0x40, 4, 0x44332211);
  CHECK(byte_device.accesses == std::vector<Access>{{false, 0x40, 1, 0},
                                                    {false, 0x41, 1, 0},
                                                    {true, 0x40, 1, 0x11},
                                                    {true, 0x41, 1, 0x22},
                                                    {true, 0x42, 1, 0x33},
                                                    {true, 0x43, 1, 0x44}});
}

TEST_CASE("IoBus: a 32-bit access to a 16-bit device becomes two 16-bit accesses") {
  IoBus bus;
  RecordingDevice device;
  auto registration = bus.map("words", 0x1F0, 0x1F3, kIoWidth16, device);
  CHECK(bus.in(0x1F0, 4) == (0x1F0u | (0x1F2u << 16)));
  CHECK(device.accesses == std::vector<Access>{{false, 0x1F0, 2, 0}, {false, 0x1F2, 2, 0}});
  // A byte access it cannot decode reads as open bus.
  CHECK(bus.in(0x1F1, 1) == 0xFF);
  CHECK(device.accesses.size() == 2);
}

TEST_CASE("IoBus: a split access can reach two devices, and open bus between them") {
  IoBus bus;
  RecordingDevice low, high;
  auto a = bus.map("low", 0x60, 0x60, kIoWidth8, low);
  auto b = bus.map("high", 0x61, 0x61, kIoWidth8, high);
  low.read_value = 0x10 - 0x60;   // device returns 0x10
  high.read_value = 0x20 - 0x61;  // device returns 0x20
  CHECK(bus.in(0x60, 2) == 0x2010);
  CHECK(bus.in(0x60, 4) == 0xFFFF2010);
}

TEST_CASE("IoBus: overlapping registrations are rejected") {
  IoBus bus;
  RecordingDevice a, b;
  auto first = bus.map("pic", 0x20, 0x21, kIoWidth8, a);
  CHECK_THROWS_AS((void)bus.map("other", 0x21, 0x22, kIoWidth8, b), std::invalid_argument);
  CHECK_THROWS_AS((void)bus.map("reversed", 0x30, 0x2F, kIoWidth8, b), std::invalid_argument);
  CHECK_THROWS_AS((void)bus.map("no-width", 0x30, 0x30, 0, b), std::invalid_argument);
  CHECK_THROWS_AS((void)bus.map("bad-width", 0x30, 0x30, 8, b), std::invalid_argument);
  try {
    (void)bus.map("other", 0x21, 0x22, kIoWidth8, b);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("pic") != std::string::npos);
  }
  // The failed attempt left nothing behind.
  CHECK(bus.owner(0x22).empty());
  auto adjacent = bus.map("other", 0x22, 0x23, kIoWidth8, b);
  CHECK(bus.owner(0x22) == "other");
}

TEST_CASE("IoBus: registrations unmap on destruction and follow moves") {
  IoBus bus;
  RecordingDevice device;
  {
    auto registration = bus.map("dev", 0x70, 0x71, kIoWidth8, device);
    CHECK(bus.owner(0x70) == "dev");
  }
  CHECK(bus.owner(0x70).empty());
  CHECK(bus.in(0x70, 1) == 0xFF);

  IoRegistration kept;
  CHECK_FALSE(kept.active());
  {
    auto registration = bus.map("dev", 0x70, 0x71, kIoWidth8, device);
    kept = std::move(registration);
    CHECK_FALSE(registration.active());
  }
  CHECK(kept.active());
  CHECK(bus.owner(0x71) == "dev");
  IoRegistration moved(std::move(kept));
  CHECK(bus.owner(0x71) == "dev");
  moved.reset();
  CHECK(bus.owner(0x71).empty());
  // The range is free again.
  auto again = bus.map("dev2", 0x70, 0x71, kIoWidth8, device);
  CHECK(bus.owner(0x70) == "dev2");
}

TEST_CASE("IoBus: the last port can be mapped, and a wide access there wraps to port 0") {
  IoBus bus;
  RecordingDevice device;
  auto top = bus.map("top", 0xFFFF, 0xFFFF, kIoWidth8, device);
  auto bottom = bus.map("bottom", 0x0000, 0x0000, kIoWidth8, device);
  CHECK(bus.in(0xFFFF, 2) == 0x00FF);  // 0xFFFF, then 0x0000: each byte from its own port
  CHECK(device.accesses == std::vector<Access>{{false, 0xFFFF, 1, 0}, {false, 0x0000, 1, 0}});
}
