// x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN (C2 reports an operand
// out of range, |x| >= 2^63, which is then left alone), FPATAN, F2XM1, FYL2X, FYL2XP1.
// The kernels are in cpu/fpu/transcendental.cpp.
#include "cpu/exec_x87.h"
#include "cpu/fpu/transcendental.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;

void set_c2(X87& f, bool on) {
  f.sw = static_cast<uint16_t>(on ? f.sw | x87sw::C2 : f.sw & ~x87sw::C2);
}

// FSIN, FCOS, F2XM1: ST(0) = op(ST(0)); kTrig: with the range check.
template <Float80 (*kOp)(Env&, Float80), bool kTrig>
void unary(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0)) {
    stack_underflow(f, 0, false);
    if (kTrig) set_c2(f, false);
    return;
  }
  if (kTrig && !fpu::trig_in_range(f.st(0))) {
    f.sw &= static_cast<uint16_t>(~x87sw::C1);
    return set_c2(f, true);
  }
  Env env = f.env();
  const Float80 r = kOp(env, f.st(0));
  if (kTrig) set_c2(f, false);
  if (commit(f, env)) f.set_st(0, r);
}

// FSINCOS and FPTAN replace ST(0) and push a second result.
template <bool kTan>
void replace_and_push(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  set_c2(f, false);  // also after a stack fault
  if (!two_results_fit(f)) return;
  if (!fpu::trig_in_range(f.st(0))) {
    f.sw &= static_cast<uint16_t>(~x87sw::C1);
    return set_c2(f, true);
  }
  Env env = f.env();
  Float80 first, pushed;
  if (kTan) {
    first = fpu::tan(env, f.st(0));
    pushed = fpu::make_f80(false, fpu::kBias, fpu::kIntegerBit);
    if (fpu::is_nan(fpu::classify(first))) pushed = first;  // NaN or invalid: both are the NaN
  } else {
    const fpu::SinCos sc = fpu::sincos(env, f.st(0));
    first = sc.sin;
    pushed = sc.cos;
  }
  set_c2(f, false);
  if (commit(f, env)) {
    f.set_st(0, first);
    f.push(pushed);
  }
}

// FPATAN, FYL2X, FYL2XP1: ST(1) = op(ST(1), ST(0)), then pop.
template <Float80 (*kOp)(Env&, Float80, Float80)>
void binary_pop(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0) || f.empty(1)) return stack_underflow(f, 1, true);
  Env env = f.env();
  const Float80 r = kOp(env, f.st(1), f.st(0));
  if (commit(f, env)) {
    f.set_st(1, r);
    f.pop();
  }
}

}  // namespace

std::vector<OpcodeRow> x87_transcendental_rows() {
  return {
      {0xD9, 6, "f2xm1", "R", pick<unary<fpu::exp2m1, false>>, 0, 0},
      {0xD9, 6, "fyl2x", "R", pick<binary_pop<fpu::ylog2x>>, 0, 1},
      {0xD9, 6, "fptan", "R", pick<replace_and_push<true>>, 0, 2},
      {0xD9, 6, "fpatan", "R", pick<binary_pop<fpu::atan2>>, 0, 3},
      {0xD9, 7, "fyl2xp1", "R", pick<binary_pop<fpu::ylog2xp1>>, 0, 1},
      {0xD9, 7, "fsincos", "R", pick<replace_and_push<false>>, 0, 3},
      {0xD9, 7, "fsin", "R", pick<unary<fpu::sin, true>>, 0, 6},
      {0xD9, 7, "fcos", "R", pick<unary<fpu::cos, true>>, 0, 7},
  };
}

}  // namespace trapeze
