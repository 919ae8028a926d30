// The IRQ 13 path for x87 errors with CR0.NE clear: FERR# raises IRQ 13, a write to port
// 0xF0 clears it and asserts IGNNE# until FERR# drops (as DOS-era handlers use it).
#include "devices/fpu_error_latch.h"

#include <doctest/doctest.h>

#include "devices/io_bus.h"

using namespace trapeze;

TEST_CASE("FpuErrorLatch: FERR# raises IRQ 13, port F0h clears it and asserts IGNNE#") {
  IoBus io;
  X87 fpu;
  FpuErrorLatch latch(io, fpu);
  CHECK(fpu.error_sink == &latch);
  CHECK_FALSE(latch.irq().level());

  fpu.set_ferr(true);
  CHECK(latch.irq().level());
  CHECK_FALSE(fpu.ignne);

  io.out(FpuErrorLatch::kPort, 1, 0);
  CHECK_FALSE(latch.irq().level());
  CHECK(fpu.ignne);  // the handler's own x87 instructions may now run

  fpu.set_ferr(false);  // FNCLEX in the handler
  CHECK_FALSE(fpu.ignne);
  CHECK_FALSE(latch.irq().level());
}

TEST_CASE("FpuErrorLatch: the latch holds IRQ 13 when the error is cleared first") {
  IoBus io;
  X87 fpu;
  FpuErrorLatch latch(io, fpu);
  fpu.set_ferr(true);
  fpu.set_ferr(false);
  CHECK(latch.irq().level());
  io.out(FpuErrorLatch::kPort, 1, 0);
  CHECK_FALSE(latch.irq().level());
  CHECK_FALSE(fpu.ignne);  // no error pending: nothing to ignore
}
