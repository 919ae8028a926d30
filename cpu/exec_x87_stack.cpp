// x87 register-stack housekeeping: FXCH, FCMOVcc (P6), FFREE, FFREEP, FDECSTP, FINCSTP
// and FNOP.
#include "cpu/conditions.h"
#include "cpu/exec_x87.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;

// FXCH: an empty operand is a stack underflow whose masked response exchanges the
// indefinite in its place.
void fxch(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  Float80 a = f.st(0), b = f.st(sti(i));
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  if (f.empty(0) || f.empty(sti(i))) {
    const bool a_empty = f.empty(0), b_empty = f.empty(sti(i));
    stack_underflow(f, -1, false);
    if (!masked(f, fpu::ex::IE)) return;
    if (a_empty) a = fpu::kIndefinite;
    if (b_empty) b = fpu::kIndefinite;
  }
  f.set_st(0, b);
  f.set_st(sti(i), a);
}

// FCMOVcc ST(0), ST(i): the conditions of JB, JE, JBE, JP and their negations.
template <unsigned kCondition>
void fcmov(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0) || f.empty(sti(i))) return stack_underflow(f, 0, false);
  if (condition<kCondition>(c.flags)) f.set_st(0, f.st(sti(i)));
}

// FFREEP (a reserved encoding P6 executes) frees ST(i), then pops.
template <bool kPop>
void ffree(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  c.fpu.free(sti(i));
  c.fpu.sw &= static_cast<uint16_t>(~x87sw::C1);
  if (kPop) c.fpu.pop();
}

template <int kDelta>
void move_top(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  f.set_top(static_cast<unsigned>(static_cast<int>(f.top()) + kDelta));
}

void fnop(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
}

}  // namespace

std::vector<OpcodeRow> x87_stack_rows() {
  return {
      {0xD9, 1, "fxch", "Rst(i)", pick<fxch>},
      // Reserved encodings that P6 executes as FXCH ST(i).
      {0xDD, 1, "fxch4", "Rst(i)", pick<fxch>},
      {0xDF, 1, "fxch7", "Rst(i)", pick<fxch>},
      {0xDA, 0, "fcmovb", "st(0),Rst(i)", pick<fcmov<0x2>>},
      {0xDA, 1, "fcmove", "st(0),Rst(i)", pick<fcmov<0x4>>},
      {0xDA, 2, "fcmovbe", "st(0),Rst(i)", pick<fcmov<0x6>>},
      {0xDA, 3, "fcmovu", "st(0),Rst(i)", pick<fcmov<0xA>>},
      {0xDB, 0, "fcmovnb", "st(0),Rst(i)", pick<fcmov<0x3>>},
      {0xDB, 1, "fcmovne", "st(0),Rst(i)", pick<fcmov<0x5>>},
      {0xDB, 2, "fcmovnbe", "st(0),Rst(i)", pick<fcmov<0x7>>},
      {0xDB, 3, "fcmovnu", "st(0),Rst(i)", pick<fcmov<0xB>>},
      {0xDD, 0, "ffree", "Rst(i)", pick<ffree<false>>},
      {0xDF, 0, "ffreep", "Rst(i)", pick<ffree<true>>},
      {0xD9, 6, "fdecstp", "R", pick<move_top<-1>>, 0, 6},
      {0xD9, 6, "fincstp", "R", pick<move_top<1>>, 0, 7},
      {0xD9, 2, "fnop", "R", pick<fnop>, 0, 0},
  };
}

}  // namespace trapeze
