#include "devices/system_control_port_b.h"

#include "cpu/log.h"

namespace trapeze {

SystemControlPortB::SystemControlPortB(IoBus& bus, Pit8254& pit)
    : pit_(pit),
      log_(log::component("pit")),
      registration_(bus.map("port-b", kPort, kPort, kIoWidth8, *this)) {
  reset();
}

void SystemControlPortB::reset() {
  control_ = 0;
  pit_.set_gate(2, false);
}

bool SystemControlPortB::speaker_level() const { return speaker_enabled() && pit_.output(2); }

uint8_t SystemControlPortB::peek() const {
  uint8_t value = control_;
  if (pit_.output(2)) value |= kTimer2Output;
  // Counted in PIT clocks, so the toggle stays in step with counter 2.
  if ((pit_.now_tick() / kRefreshPeriodTicks) & 1) value |= kRefreshToggle;
  return value;
}

uint32_t SystemControlPortB::io_read(uint16_t /*port*/, unsigned /*size_bytes*/) { return peek(); }

void SystemControlPortB::io_write(uint16_t /*port*/, unsigned /*size_bytes*/, uint32_t value) {
  const uint8_t before = control_;
  control_ = static_cast<uint8_t>(value) & kWritableBits;
  if ((before ^ control_) & kTimer2Gate) pit_.set_gate(2, control_ & kTimer2Gate);
  if ((before ^ control_) & kSpeakerData)
    log_->trace("speaker {}", (control_ & kSpeakerData) ? "on" : "off");
}

}  // namespace trapeze
