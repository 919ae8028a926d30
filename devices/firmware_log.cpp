#include "devices/firmware_log.h"

namespace trapeze {

FirmwareLog::FirmwareLog(IoBus& io, CharOutput& output)
    : output_(output), registration_(io.map("firmware-log", kPort, kPort, kIoWidth8, *this)) {}

uint32_t FirmwareLog::io_read(uint16_t /*port*/, unsigned /*size_bytes*/) { return kPresent; }

void FirmwareLog::io_write(uint16_t /*port*/, unsigned /*size_bytes*/, uint32_t value) {
  output_.put(static_cast<char>(value & 0xFF));
}

}  // namespace trapeze
