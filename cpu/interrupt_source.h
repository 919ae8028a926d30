// Where the CPU's INTR line comes from: the PIC (later the local APIC).
#pragma once

#include <cstdint>

namespace trapeze {

class InterruptSource {
 public:
  virtual ~InterruptSource() = default;
  // True while a maskable interrupt is being requested.
  virtual bool interrupt_pending() const = 0;
  // The interrupt-acknowledge cycle: returns the vector and clears the request.
  virtual uint8_t acknowledge_interrupt() = 0;
};

}  // namespace trapeze
