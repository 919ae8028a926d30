// The x87 handlers' shared machinery; see cpu/exec_x87.h.
#include "cpu/exec_x87.h"

#include "cpu/opcode_table.h"

namespace trapeze::x87 {

bool signal_pending_exception(Cpu& c) {
  if (c.cr0 & cr0::NE) c.raise(vec::kFpu);
  X87& f = c.fpu;
  if (f.ignne || f.error_sink == nullptr) return true;
  f.set_ferr(true);
  c.rip = c.insn_start();  // frozen on this instruction until the interrupt comes
  c.halt();
  return false;
}

void note_instruction(Cpu& c, const Insn& i) {
  X87& f = c.fpu;
  const uint16_t opcode = opcode_rows()[i.row].opcode;
  f.fop = static_cast<uint16_t>(((opcode & 7) << 8) | i.modrm);
  f.fip = static_cast<uint32_t>(c.insn_start());
  f.fcs = c.seg[kCs].selector;
}

bool commit(X87& f, const Env& env, bool to_memory) {
  using namespace fpu;
  const uint8_t raised = env.raised;
  const uint8_t unmasked = raised & ~f.cw & ex::kAll;
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  auto signal = [&](uint8_t bits, uint8_t stop) {
    f.sw |= bits;
    if (unmasked & bits) f.sw |= x87sw::ES | x87sw::B;
    return !(unmasked & stop);
  };
  // An invalid operation or a zero divide reports nothing else.
  if (raised & (ex::IE | ex::ZE)) return signal(raised & (ex::IE | ex::ZE), ex::IE | ex::ZE);
  if ((raised & ex::DE) && (unmasked & ex::DE)) return signal(ex::DE, ex::DE);
  if (to_memory && (unmasked & (ex::OE | ex::UE)))
    return signal(raised & (ex::DE | ex::OE | ex::UE), ex::OE | ex::UE);
  if ((raised & ex::PE) && env.rounded_up) f.sw |= x87sw::C1;
  return signal(raised, 0);
}

bool result_allowed(const X87& f, const Env& env, bool to_memory) {
  using namespace fpu;
  const uint8_t unmasked = env.raised & ~f.cw & ex::kAll;
  if (env.raised & (ex::IE | ex::ZE)) return !(unmasked & (ex::IE | ex::ZE));
  if (unmasked & ex::DE) return false;
  return !(to_memory && (unmasked & (ex::OE | ex::UE)));
}

void stack_underflow(X87& f, int dest, bool pop) {
  f.sw = static_cast<uint16_t>((f.sw & ~x87sw::C1) | fpu::ex::IE | x87sw::SF);
  if (!masked(f, fpu::ex::IE)) {
    f.sw |= x87sw::ES | x87sw::B;
    return;
  }
  if (dest >= 0) f.set_st(static_cast<unsigned>(dest), fpu::kIndefinite);
  if (pop) f.pop();
}

bool stack_overflow(X87& f) {
  f.sw |= fpu::ex::IE | x87sw::SF | x87sw::C1;
  if (masked(f, fpu::ex::IE)) return true;
  f.sw |= x87sw::ES | x87sw::B;
  return false;
}

bool two_results_fit(X87& f) {
  if (f.empty(0)) {
    stack_underflow(f, 0, false);
    if (masked(f, fpu::ex::IE)) f.push(fpu::kIndefinite);
    return false;
  }
  if (f.push_would_overflow()) {
    if (stack_overflow(f)) {
      f.set_st(0, fpu::kIndefinite);
      f.push(fpu::kIndefinite);
    }
    return false;
  }
  return true;
}

}  // namespace trapeze::x87
