// The CPU's port I/O as the board sees it: before every IN or OUT, virtual time catches up
// with the instruction doing it, so devices that read the clock (PIT, port 0x61, RTC, PM
// timer) see time move inside a CPU slice; after it, the board may end the slice early if
// the access scheduled an event sooner than the slice's end.
#pragma once

#include <functional>

#include "devices/port_io.h"

namespace trapeze {

class TimedPortIo final : public PortIo {
 public:
  TimedPortIo(PortIo& bus, std::function<void()> before, std::function<void()> after)
      : bus_(bus), before_(std::move(before)), after_(std::move(after)) {}

  uint32_t in(uint16_t port, unsigned size_bytes) override {
    before_();
    const uint32_t value = bus_.in(port, size_bytes);
    after_();
    return value;
  }
  void out(uint16_t port, unsigned size_bytes, uint32_t value) override {
    before_();
    bus_.out(port, size_bytes, value);
    after_();
  }

 private:
  PortIo& bus_;
  std::function<void()> before_;
  std::function<void()> after_;
};

}  // namespace trapeze
