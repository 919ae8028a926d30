// x87 arithmetic: FADD FSUB FSUBR FMUL FDIV FDIVR in all their forms (ST(0) with ST(i),
// ST(i) with ST(0) and popping, m32fp, m64fp, m16int and m32int), FSQRT, FABS, FCHS,
// FRNDINT, FSCALE, FXTRACT, FPREM and FPREM1.
//
// The register forms of DC and DE name the operation from the destination's point of
// view, so their SUB/SUBR and DIV/DIVR halves are swapped relative to D8: DC E8+i is
// FSUB ST(i),ST(0) (ST(i) = ST(i) - ST(0)) and DC E0+i is FSUBR (ST(i) = ST(0) - ST(i)).
#include "cpu/exec_x87.h"
#include "cpu/fpu/arith.h"
#include "cpu/fpu/conversions.h"
#include "cpu/fpu/scaling.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;
using fpu::Operand;

enum class Op { kAdd, kMul, kSub, kSubR, kDiv, kDivR };

// dst op src, where dst is the register written.
Float80 apply(Op op, Env& env, Operand dst, Operand src) {
  switch (op) {
    case Op::kAdd: return fpu::add(env, dst, src);
    case Op::kMul: return fpu::mul(env, dst, src);
    case Op::kSub: return fpu::sub(env, dst, src);
    case Op::kSubR: return fpu::sub(env, src, dst);
    case Op::kDiv: return fpu::div(env, dst, src);
    case Op::kDivR: return fpu::div(env, src, dst);
  }
  return fpu::kIndefinite;
}

// Memory operand kinds.
struct M32fp {
  static Operand load(Cpu& c, unsigned s, uint64_t ea) {
    bool denormal = false;
    const Float80 v = fpu::from_single(c.read<uint32_t>(s, ea), &denormal);
    return {v, denormal};
  }
};
struct M64fp {
  static Operand load(Cpu& c, unsigned s, uint64_t ea) {
    bool denormal = false;
    const Float80 v = fpu::from_double(c.read<uint64_t>(s, ea), &denormal);
    return {v, denormal};
  }
};
struct M16int {
  static Operand load(Cpu& c, unsigned s, uint64_t ea) {
    return {fpu::from_int(static_cast<int16_t>(c.read<uint16_t>(s, ea)))};
  }
};
struct M32int {
  static Operand load(Cpu& c, unsigned s, uint64_t ea) {
    return {fpu::from_int(static_cast<int32_t>(c.read<uint32_t>(s, ea)))};
  }
};

// ST(0) = ST(0) op m.
template <Op kOp, class Src>
void arith_mem(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  const Operand src = Src::load(c, i.seg, ea);
  note_instruction(c, i);
  note_operand(c, i, ea);
  X87& f = c.fpu;
  if (f.empty(0)) return stack_underflow(f, 0, false);
  Env env = f.env();
  const Float80 r = apply(kOp, env, f.st(0), src);
  if (commit(f, env)) f.set_st(0, r);
}

// ST(0) = ST(0) op ST(i), or (kToSti) ST(i) = ST(i) op ST(0), popping with kPop.
template <Op kOp, bool kToSti, bool kPop>
void arith_reg(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  const unsigned dst = kToSti ? sti(i) : 0, src = kToSti ? 0 : sti(i);
  if (f.empty(0) || f.empty(sti(i))) return stack_underflow(f, static_cast<int>(dst), kPop);
  Env env = f.env();
  const Float80 r = apply(kOp, env, f.st(dst), f.st(src));
  if (commit(f, env)) {
    f.set_st(dst, r);
    if (kPop) f.pop();
  }
}

// One-operand operations on ST(0) that go through the soft-float core.
template <Float80 (*kOp)(Env&, Float80)>
void unary(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0)) return stack_underflow(f, 0, false);
  Env env = f.env();
  const Float80 r = kOp(env, f.st(0));
  if (commit(f, env)) f.set_st(0, r);
}

// FCHS and FABS only touch the sign bit: no exceptions but stack underflow, even for NaNs.
template <bool kAbs>
void sign_op(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0)) return stack_underflow(f, 0, false);
  Float80 v = f.st(0);
  v.sign_exp = static_cast<uint16_t>(kAbs ? v.sign_exp & 0x7FFF : v.sign_exp ^ 0x8000);
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  f.set_st(0, v);
}

void fscale(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0) || f.empty(1)) return stack_underflow(f, 0, false);
  Env env = f.env();
  const Float80 r = fpu::scale(env, f.st(0), f.st(1));
  if (commit(f, env)) f.set_st(0, r);
}

// FXTRACT: ST(0) becomes the exponent, then the significand is pushed.
void fxtract(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (!two_results_fit(f)) return;
  Env env = f.env();
  const fpu::Extracted r = fpu::extract(env, f.st(0));
  if (commit(f, env)) {
    f.set_st(0, r.exponent);
    f.push(r.significand);
  }
}

// FPREM/FPREM1: the quotient's low bits go to C0 (bit 2), C3 (bit 1), C1 (bit 0); C2
// says the reduction is incomplete.
template <bool kIeee>
void fprem(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0) || f.empty(1)) {
    stack_underflow(f, 0, false);
    f.sw &= static_cast<uint16_t>(~x87sw::C2);
    return;
  }
  Env env = f.env();
  const fpu::Remainder r = fpu::partial_remainder(env, f.st(0), f.st(1), kIeee);
  if (!commit(f, env)) {
    f.sw &= static_cast<uint16_t>(~x87sw::C2);
    return;
  }
  if (r.valid) {
    uint16_t cc = 0;
    if (!r.complete) {
      cc = x87sw::C2;
    } else {
      if (r.quotient & 1) cc |= x87sw::C1;
      if (r.quotient & 2) cc |= x87sw::C3;
      if (r.quotient & 4) cc |= x87sw::C0;
    }
    f.set_conditions(cc);
  } else {
    f.sw &= static_cast<uint16_t>(~x87sw::C2);  // a NaN result: C0 and C3 stay
  }
  f.set_st(0, r.value);
}

// The rows of one ModRM.reg value: kOp for D8 (both forms), DC/DA/DE memory forms;
// kRegOp for the DC and DE register forms (the swapped half of SUB/SUBR and DIV/DIVR).
template <Op kOp, Op kRegOp>
void add_rows(std::vector<OpcodeRow>& rows, int8_t reg, const char* name, const char* integer,
              const char* reg_name, const char* pop_name) {
  rows.push_back({0xD8, reg, name, "st(0),Md", pick<arith_mem<kOp, M32fp>>});
  rows.push_back({0xDC, reg, name, "st(0),Mq", pick<arith_mem<kOp, M64fp>>});
  rows.push_back({0xDA, reg, integer, "st(0),Md", pick<arith_mem<kOp, M32int>>});
  rows.push_back({0xDE, reg, integer, "st(0),Mw", pick<arith_mem<kOp, M16int>>});
  rows.push_back({0xD8, reg, name, "st(0),Rst(i)", pick<arith_reg<kOp, false, false>>});
  rows.push_back({0xDC, reg, reg_name, "Rst(i),st(0)", pick<arith_reg<kRegOp, true, false>>});
  rows.push_back({0xDE, reg, pop_name, "Rst(i),st(0)", pick<arith_reg<kRegOp, true, true>>});
}

}  // namespace

// Register operands "Rst(i)" are ST(i) from ModRM.rm (register forms only, the decoder's
// R kind); rows for one whole ModRM byte (FCHS is D9 E0) carry "R" and their rm value.
std::vector<OpcodeRow> x87_arith_rows() {
  std::vector<OpcodeRow> rows;
  add_rows<Op::kAdd, Op::kAdd>(rows, 0, "fadd", "fiadd", "fadd", "faddp");
  add_rows<Op::kMul, Op::kMul>(rows, 1, "fmul", "fimul", "fmul", "fmulp");
  add_rows<Op::kSub, Op::kSubR>(rows, 4, "fsub", "fisub", "fsubr", "fsubrp");
  add_rows<Op::kSubR, Op::kSub>(rows, 5, "fsubr", "fisubr", "fsub", "fsubp");
  add_rows<Op::kDiv, Op::kDivR>(rows, 6, "fdiv", "fidiv", "fdivr", "fdivrp");
  add_rows<Op::kDivR, Op::kDiv>(rows, 7, "fdivr", "fidivr", "fdiv", "fdivp");
  // D9 E0-FF: operations on ST(0), selected by the whole ModRM byte.
  rows.push_back({0xD9, 4, "fchs", "R", pick<sign_op<false>>, 0, 0});
  rows.push_back({0xD9, 4, "fabs", "R", pick<sign_op<true>>, 0, 1});
  rows.push_back({0xD9, 6, "fxtract", "R", pick<fxtract>, 0, 4});
  rows.push_back({0xD9, 6, "fprem1", "R", pick<fprem<true>>, 0, 5});
  rows.push_back({0xD9, 7, "fprem", "R", pick<fprem<false>>, 0, 0});
  rows.push_back({0xD9, 7, "fsqrt", "R", pick<unary<fpu::sqrt>>, 0, 2});
  rows.push_back({0xD9, 7, "frndint", "R", pick<unary<fpu::round_to_int>>, 0, 4});
  rows.push_back({0xD9, 7, "fscale", "R", pick<fscale>, 0, 5});
  return rows;
}

}  // namespace trapeze
