#include "devices/port92.h"

#include "cpu/log.h"

namespace trapeze {

Port92::Port92(IoBus& io)
    : log_(log::component("a20")),
      registration_(io.map("port92", kPort, kPort, kIoWidth8, *this)) {}

uint32_t Port92::io_read(uint16_t /*port*/, unsigned /*size_bytes*/) { return peek(); }

void Port92::io_write(uint16_t /*port*/, unsigned /*size_bytes*/, uint32_t value) {
  const bool a20 = (value & kA20) != 0;
  if (a20 != a20_) {
    a20_ = a20;
    log_->debug("port 0x92: A20 {}", a20 ? "on" : "off");
    if (a20_listener_) a20_listener_(a20);
  }
  // ALT_RST always reads 0, so every write with bit 0 set is a rising edge.
  if ((value & kFastReset) != 0) {
    log_->debug("port 0x92: fast reset");
    if (reset_listener_) reset_listener_();
  }
}

}  // namespace trapeze
