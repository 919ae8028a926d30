// The CPU's view of the I/O port space. The machine's IoBus implements it.
#pragma once

#include <cstdint>

namespace trapeze {

class PortIo {
 public:
  virtual ~PortIo() = default;
  // `size_bytes` is 1, 2 or 4. Reads of ports nobody decodes return all ones.
  virtual uint32_t in(uint16_t port, unsigned size_bytes) = 0;
  virtual void out(uint16_t port, unsigned size_bytes, uint32_t value) = 0;
};

}  // namespace trapeze
