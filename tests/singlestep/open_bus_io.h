// The test machine's I/O space: nothing is connected, so every IN reads all ones (the
// test data was captured that way, FORMAT.md step 4) and every OUT goes nowhere.
#pragma once

#include "devices/port_io.h"

namespace trapeze {

class OpenBusIo final : public PortIo {
 public:
  uint32_t in(uint16_t, unsigned size_bytes) override {
    return size_bytes >= 4 ? 0xFFFFFFFFu : (1u << (8 * size_bytes)) - 1;
  }
  void out(uint16_t, unsigned, uint32_t) override {}
};

}  // namespace trapeze
