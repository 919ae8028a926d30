// The CPU's debugging interface: a trace, the monitor and the GDB stub attach one
// CpuObserver and see each step, each memory access, each port access and each event
// (interrupts, exceptions, task switches, triple fault).
//
// Cost when nobody observes: Cpu::run() tests the observer pointer once per call (a CPU
// slice of up to 2^20 instructions) and runs the unobserved loop; events and port
// accesses are reported from paths that are already slow (exception delivery, I/O).
// Attaching an observer switches to an observed loop that calls before_step/after_step
// around every step, and makes the MMU report data accesses (mmu/memory_observer.h).
#pragma once

#include <cstdint>

#include "mmu/memory_observer.h"

namespace trapeze {

class Cpu;

struct CpuEvent {
  enum class Kind : uint8_t {
    kException,          // a fault or trap raised by an instruction (or by delivery)
    kExternalInterrupt,  // INTR from the interrupt controller, or NMI (vector 2)
    kSoftwareInterrupt,  // INT n, INT3, INTO
    kTaskSwitch,         // `selector` is the new TSS
    kTripleFault,        // the CPU shut down
  };
  Kind kind = Kind::kException;
  uint8_t vector = 0;
  bool has_error_code = false;
  uint32_t error_code = 0;
  uint64_t fault_address = 0;  // #PF: the linear address (CR2)
  uint16_t selector = 0;
};

class CpuObserver : public MemoryObserver {
 public:
  // Before every step (an instruction, or the delivery of an interrupt). Returning true
  // stops Cpu::run() before the step runs (a breakpoint); the observer also asks the
  // Machine to stop, since Cpu::run() returning is not a stop by itself.
  virtual bool before_step(Cpu& cpu) = 0;
  virtual void after_step(Cpu& cpu) = 0;
  // Reported from inside the step; Cpu::request_stop() here stops after the step.
  virtual void event(const CpuEvent& /*event*/) {}
  virtual void port_access(uint16_t /*port*/, unsigned /*size_bytes*/, uint32_t /*value*/,
                           bool /*write*/) {}
};

}  // namespace trapeze
