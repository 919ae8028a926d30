// The PC/AT's coprocessor error logic (the "IRQ 13 latch", inside the PIIX3 as in every
// AT chipset): how x87 errors reach software when CR0.NE is clear, the MS-DOS-compatible
// way the AT wired its 80287 and later CPUs keep (Intel SDM vol. 1, appendix D "Guidelines
// for writing x87 FPU exception handlers", D.2.1).
//  - FERR# asserted (an unmasked x87 exception is pending at a waiting instruction)
//    raises ISA IRQ 13.
//  - A write of any value to port 0xF0 (the handler's acknowledgement) clears IRQ 13 and
//    asserts IGNNE#, so the handler's own x87 instructions (FNCLEX, FRSTOR) run without
//    waiting on the error; IGNNE# drops again when FERR# does (cpu/fpu/x87_state.cpp).
//
// Wiring (the board): construct on the machine's IoBus (port 0xF0, 8-bit) with the CPU's
// x87 state; connect irq() to ISA IRQ 13. The x87 state then reports FERR# here.
#pragma once

#include <cstdint>

#include "cpu/fpu/x87_state.h"
#include "devices/io_bus.h"
#include "devices/irq_line.h"

namespace trapeze {

class FpuErrorLatch : public IoHandler, public FpuErrorSink {
 public:
  static constexpr uint16_t kPort = 0xF0;
  static constexpr unsigned kIrq = 13;

  FpuErrorLatch(IoBus& io, X87& fpu);
  FpuErrorLatch(const FpuErrorLatch&) = delete;
  FpuErrorLatch& operator=(const FpuErrorLatch&) = delete;
  ~FpuErrorLatch() override { fpu_.error_sink = nullptr; }

  IrqLine& irq() { return irq_; }
  void reset() { irq_.lower(); }

  // FpuErrorSink: FERR# changed.
  void fpu_error(bool asserted) override;

  uint32_t io_read(uint16_t port, unsigned size_bytes) override;
  void io_write(uint16_t port, unsigned size_bytes, uint32_t value) override;

 private:
  X87& fpu_;
  IrqLine irq_;
  IoRegistration registration_;
};

}  // namespace trapeze
