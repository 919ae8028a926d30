#include "devices/fpu_error_latch.h"

namespace trapeze {

FpuErrorLatch::FpuErrorLatch(IoBus& io, X87& fpu)
    : fpu_(fpu), registration_(io.map("fpu-error", kPort, kPort, kIoWidth8, *this)) {
  fpu_.error_sink = this;
}

void FpuErrorLatch::fpu_error(bool asserted) {
  // Only the assertion raises the line: the latch holds IRQ 13 until port 0xF0 clears
  // it, even if the handler clears the error (FNCLEX) first.
  if (asserted) irq_.raise();
}

// Nothing is decoded for reads: open bus.
uint32_t FpuErrorLatch::io_read(uint16_t /*port*/, unsigned /*size_bytes*/) { return 0xFF; }

void FpuErrorLatch::io_write(uint16_t /*port*/, unsigned /*size_bytes*/, uint32_t /*value*/) {
  irq_.lower();
  if (fpu_.ferr) fpu_.ignne = true;
}

}  // namespace trapeze
