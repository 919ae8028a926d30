// x87 comparisons: FCOM FCOMP FCOMPP, FUCOM FUCOMP FUCOMPP, FICOM FICOMP, FTST and FXAM
// set C3 C2 C0 in the status word; FCOMI FCOMIP FUCOMI FUCOMIP (P6) set ZF PF CF in
// EFLAGS and clear OF SF AF. Unordered is all three set, as is the masked response to a
// stack underflow. After an unmasked exception the result is still reported, but nothing
// is popped.
#include "cpu/exec_x87.h"
#include "cpu/fpu/compare.h"
#include "cpu/fpu/conversions.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;
using fpu::Operand;
using fpu::Relation;

uint16_t condition_codes(Relation r) {
  switch (r) {
    case Relation::kGreater: return 0;
    case Relation::kLess: return x87sw::C0;
    case Relation::kEqual: return x87sw::C3;
    case Relation::kUnordered: break;
  }
  return x87sw::C0 | x87sw::C2 | x87sw::C3;
}

void set_eflags(Cpu& c, Relation r) {
  const uint16_t cc = condition_codes(r);
  uint32_t v = 0;
  if (cc & x87sw::C0) v |= flag::CF;
  if (cc & x87sw::C2) v |= flag::PF;
  if (cc & x87sw::C3) v |= flag::ZF;
  c.flags.write_masked(v, flag::CF | flag::PF | flag::ZF | flag::OF | flag::SF | flag::AF);
}

// Reports the comparison into the status word (kEflags: into EFLAGS, leaving C1 alone),
// then pops. The result is reported even after an unmasked exception; only the pops are
// then left out.
template <bool kEflags>
void finish(Cpu& c, const Env& env, Relation r, unsigned pops) {
  X87& f = c.fpu;
  const uint16_t c1 = f.sw & x87sw::C1;
  const bool completed = commit(f, env);
  if (kEflags) {
    set_eflags(c, r);
    f.sw |= c1;
  } else {
    f.set_conditions(condition_codes(r));
  }
  if (completed)
    for (unsigned n = 0; n < pops; ++n) f.pop();
}

template <bool kEflags>
void underflow(Cpu& c, unsigned pops) {
  X87& f = c.fpu;
  stack_underflow(f, -1, false);
  if (kEflags) set_eflags(c, Relation::kUnordered);
  else f.set_conditions(condition_codes(Relation::kUnordered));
  if (masked(f, fpu::ex::IE))
    for (unsigned n = 0; n < pops; ++n) f.pop();
}

Operand load_m32fp(Cpu& c, unsigned s, uint64_t ea) {
  bool d = false;
  const Float80 v = fpu::from_single(c.read<uint32_t>(s, ea), &d);
  return {v, d};
}
Operand load_m64fp(Cpu& c, unsigned s, uint64_t ea) {
  bool d = false;
  const Float80 v = fpu::from_double(c.read<uint64_t>(s, ea), &d);
  return {v, d};
}
Operand load_m16int(Cpu& c, unsigned s, uint64_t ea) {
  return {fpu::from_int(static_cast<int16_t>(c.read<uint16_t>(s, ea)))};
}
Operand load_m32int(Cpu& c, unsigned s, uint64_t ea) {
  return {fpu::from_int(static_cast<int32_t>(c.read<uint32_t>(s, ea)))};
}

template <Operand (*kLoad)(Cpu&, unsigned, uint64_t), unsigned kPops>
void fcom_mem(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  const Operand src = kLoad(c, i.seg, ea);
  note_instruction(c, i);
  note_operand(c, i, ea);
  X87& f = c.fpu;
  if (f.empty(0)) return underflow<false>(c, kPops);
  Env env = f.env();
  const Relation r = fpu::compare(env, f.st(0), src, false);
  finish<false>(c, env, r, kPops);
}

// ST(0) against ST(i): kQuiet for the FUCOM forms, kEflags for FCOMI/FUCOMI.
template <bool kQuiet, bool kEflags, unsigned kPops>
void fcom_reg(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0) || f.empty(sti(i))) return underflow<kEflags>(c, kPops);
  Env env = f.env();
  const Relation r = fpu::compare(env, f.st(0), f.st(sti(i)), kQuiet);
  finish<kEflags>(c, env, r, kPops);
}

void ftst(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0)) return underflow<false>(c, 0);
  Env env = f.env();
  const Relation r = fpu::compare(env, f.st(0), fpu::zero_f80(false), false);
  finish<false>(c, env, r, 0);
}

// FXAM: the class of ST(0), even when empty, in C3 C2 C0; the sign in C1.
void fxam(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  const Float80 v = f.st(0);
  uint16_t cc = v.sign() ? x87sw::C1 : 0;
  using fpu::Class;
  if (f.empty(0)) {
    cc |= x87sw::C3 | x87sw::C0;
  } else {
    switch (fpu::classify(v)) {
      case Class::kUnsupported: break;
      case Class::kQNaN:
      case Class::kSNaN: cc |= x87sw::C0; break;
      case Class::kNormal: cc |= x87sw::C2; break;
      case Class::kInfinity: cc |= x87sw::C2 | x87sw::C0; break;
      case Class::kZero: cc |= x87sw::C3; break;
      case Class::kDenormal:
      case Class::kPseudoDenormal: cc |= x87sw::C3 | x87sw::C2; break;
    }
  }
  f.set_conditions(cc);
}

}  // namespace

std::vector<OpcodeRow> x87_compare_rows() {
  return {
      {0xD8, 2, "fcom", "st(0),Md", pick<fcom_mem<load_m32fp, 0>>},
      {0xD8, 3, "fcomp", "st(0),Md", pick<fcom_mem<load_m32fp, 1>>},
      {0xDC, 2, "fcom", "st(0),Mq", pick<fcom_mem<load_m64fp, 0>>},
      {0xDC, 3, "fcomp", "st(0),Mq", pick<fcom_mem<load_m64fp, 1>>},
      {0xDA, 2, "ficom", "st(0),Md", pick<fcom_mem<load_m32int, 0>>},
      {0xDA, 3, "ficomp", "st(0),Md", pick<fcom_mem<load_m32int, 1>>},
      {0xDE, 2, "ficom", "st(0),Mw", pick<fcom_mem<load_m16int, 0>>},
      {0xDE, 3, "ficomp", "st(0),Mw", pick<fcom_mem<load_m16int, 1>>},
      {0xD8, 2, "fcom", "st(0),Rst(i)", pick<fcom_reg<false, false, 0>>},
      {0xD8, 3, "fcomp", "st(0),Rst(i)", pick<fcom_reg<false, false, 1>>},
      // Reserved encodings that P6 executes as FCOM/FCOMP ST(i).
      {0xDC, 2, "fcom2", "st(0),Rst(i)", pick<fcom_reg<false, false, 0>>},
      {0xDC, 3, "fcomp3", "st(0),Rst(i)", pick<fcom_reg<false, false, 1>>},
      {0xDE, 2, "fcomp5", "st(0),Rst(i)", pick<fcom_reg<false, false, 1>>},
      {0xDE, 3, "fcompp", "R", pick<fcom_reg<false, false, 2>>, 0, 1},
      {0xDD, 4, "fucom", "st(0),Rst(i)", pick<fcom_reg<true, false, 0>>},
      {0xDD, 5, "fucomp", "st(0),Rst(i)", pick<fcom_reg<true, false, 1>>},
      {0xDA, 5, "fucompp", "R", pick<fcom_reg<true, false, 2>>, 0, 1},
      {0xDB, 5, "fucomi", "st(0),Rst(i)", pick<fcom_reg<true, true, 0>>},
      {0xDB, 6, "fcomi", "st(0),Rst(i)", pick<fcom_reg<false, true, 0>>},
      {0xDF, 5, "fucomip", "st(0),Rst(i)", pick<fcom_reg<true, true, 1>>},
      {0xDF, 6, "fcomip", "st(0),Rst(i)", pick<fcom_reg<false, true, 1>>},
      {0xD9, 4, "ftst", "R", pick<ftst>, 0, 4},
      {0xD9, 4, "fxam", "R", pick<fxam>, 0, 5},
  };
}

}  // namespace trapeze
