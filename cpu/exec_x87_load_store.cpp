// x87 loads and stores: FLD and FST/FSTP (m32fp, m64fp, m80fp, ST(i)), FILD and
// FIST/FISTP (m16int, m32int, m64int), FBLD and FBSTP (m80bcd), and the constants
// FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ.
//
// Loads check for stack overflow after reading memory (a fault leaves the FPU alone);
// stores convert first, write memory, and only then touch the status word and pop.
#include "cpu/exec_x87.h"
#include "cpu/fpu/arith.h"
#include "cpu/fpu/conversions.h"
#include "cpu/fpu/rounding.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;

// Pushes `v` (after `env`'s exceptions are reported), or the masked overflow response.
void push_loaded(X87& f, const Env& env, Float80 v) {
  if (f.push_would_overflow()) {
    if (stack_overflow(f)) f.push(fpu::kIndefinite);
    return;
  }
  if (commit(f, env)) f.push(v);
}

// Memory formats: how to load one and how to store ST(0) into one.
struct M32fp {
  using T = uint32_t;
  static Float80 load(Env& env, T bits) {
    bool denormal = false;
    const Float80 v = fpu::from_single(bits, &denormal);
    return finish_load(env, v, denormal);
  }
  static T store(Env& env, Float80 v) { return fpu::to_single(env, v); }
  static T indefinite() { return 0xFFC00000; }
  // A signalling NaN is quieted (IE); a denormal raises DE.
  static Float80 finish_load(Env& env, Float80 v, bool denormal) {
    if (fpu::classify(v) == fpu::Class::kSNaN) return fpu::propagate_nan(env, v);
    if (denormal) env.raised |= fpu::ex::DE;
    return v;
  }
};
struct M64fp {
  using T = uint64_t;
  static Float80 load(Env& env, T bits) {
    bool denormal = false;
    const Float80 v = fpu::from_double(bits, &denormal);
    return M32fp::finish_load(env, v, denormal);
  }
  static T store(Env& env, Float80 v) { return fpu::to_double(env, v); }
  static T indefinite() { return 0xFFF8000000000000; }
};
template <typename I>
struct MInt {
  using T = std::make_unsigned_t<I>;
  static Float80 load(Env&, T bits) { return fpu::from_int(static_cast<I>(bits)); }
  static T store(Env& env, Float80 v) { return static_cast<T>(fpu::to_int(env, v, sizeof(I) * 8)); }
  static T indefinite() { return static_cast<T>(T{1} << (sizeof(I) * 8 - 1)); }
};

template <class F>
void fld_mem(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  const typename F::T bits = c.read<typename F::T>(i.seg, ea);
  note_instruction(c, i);
  note_operand(c, i, ea);
  X87& f = c.fpu;
  Env env = f.env();
  const Float80 v = F::load(env, bits);
  if (f.push_would_overflow()) {
    if (stack_overflow(f)) f.push(fpu::kIndefinite);  // the stack fault is all that is reported
    return;
  }
  // An unmasked DE still loads: only an unmasked IE stops the push.
  const bool stop = (env.raised & fpu::ex::IE) && !masked(f, fpu::ex::IE);
  commit(f, env);
  if (!stop) f.push(v);
}

template <class F, bool kPop>
void fst_mem(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  X87& f = c.fpu;
  if (f.empty(0)) {
    if (masked(f, fpu::ex::IE)) c.write<typename F::T>(i.seg, ea, F::indefinite());
    note_instruction(c, i);
    note_operand(c, i, ea);
    return stack_underflow(f, -1, kPop);
  }
  Env env = f.env();
  const typename F::T bits = F::store(env, f.st(0));
  if (result_allowed(f, env, true)) c.write<typename F::T>(i.seg, ea, bits);
  note_instruction(c, i);
  note_operand(c, i, ea);
  if (commit(f, env, true) && kPop) f.pop();
}

// 80-bit forms: FLD m80fp, FSTP m80fp, FBLD and FBSTP (ten bytes, little-endian).
Float80 read_f80(Cpu& c, unsigned s, uint64_t ea, const Insn& i) {
  const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
  Float80 v;
  v.signif = c.read<uint64_t>(s, ea);
  v.sign_exp = c.read<uint16_t>(s, (ea + 8) & mask);
  return v;
}
void write_f80(Cpu& c, unsigned s, uint64_t ea, const Insn& i, Float80 v) {
  const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
  c.check_write(s, ea, 8);
  c.check_write(s, (ea + 8) & mask, 2);
  c.write<uint64_t>(s, ea, v.signif);
  c.write<uint16_t>(s, (ea + 8) & mask, v.sign_exp);
}

void fld_m80(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  const Float80 v = read_f80(c, i.seg, ea, i);
  note_instruction(c, i);
  note_operand(c, i, ea);
  push_loaded(c.fpu, c.fpu.env(), v);  // loaded as is: no exceptions, SNaNs stay
}

void fstp_m80(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  X87& f = c.fpu;
  note_instruction(c, i);
  note_operand(c, i, ea);
  if (f.empty(0)) {
    if (masked(f, fpu::ex::IE)) write_f80(c, i.seg, ea, i, fpu::kIndefinite);
    return stack_underflow(f, -1, true);
  }
  write_f80(c, i.seg, ea, i, f.st(0));
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  f.pop();
}

void fbld(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  const Float80 raw = read_f80(c, i.seg, ea, i);
  note_instruction(c, i);
  note_operand(c, i, ea);
  fpu::Bcd bcd;
  for (unsigned n = 0; n < 8; ++n) bcd[n] = static_cast<uint8_t>(raw.signif >> (8 * n));
  bcd[8] = static_cast<uint8_t>(raw.sign_exp);
  bcd[9] = static_cast<uint8_t>(raw.sign_exp >> 8);
  push_loaded(c.fpu, c.fpu.env(), fpu::from_bcd(bcd));
}

void fbstp(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint64_t ea = c.effective_address(i);
  X87& f = c.fpu;
  Env env = f.env();
  const bool underflow = f.empty(0);
  const fpu::Bcd bcd = underflow ? fpu::to_bcd(env, fpu::kIndefinite) : fpu::to_bcd(env, f.st(0));
  Float80 raw;
  for (unsigned n = 0; n < 8; ++n) raw.signif |= uint64_t{bcd[n]} << (8 * n);
  raw.sign_exp = static_cast<uint16_t>(bcd[8] | (bcd[9] << 8));
  const bool store = underflow ? masked(f, fpu::ex::IE) : result_allowed(f, env, true);
  if (store) write_f80(c, i.seg, ea, i, raw);
  note_instruction(c, i);
  note_operand(c, i, ea);
  if (underflow) return stack_underflow(f, -1, true);
  if (commit(f, env, true)) f.pop();
}

// FLD ST(i): an empty ST(i) is a stack underflow (even when the stack is also full)
// whose masked response pushes the indefinite.
void fld_sti(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  // An empty source is reported (as underflow) before a full stack.
  if (f.empty(sti(i))) {
    stack_underflow(f, -1, false);
    if (masked(f, fpu::ex::IE)) f.push(fpu::kIndefinite);
    return;
  }
  if (f.push_would_overflow()) {
    if (stack_overflow(f)) f.push(fpu::kIndefinite);
    return;
  }
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  f.push(f.st(sti(i)));
}

// FST/FSTP ST(i): a plain copy, SNaNs included. The reserved alias D9 D8+i ("FSTP1")
// pops an empty ST(0) without a stack fault, leaving ST(i) alone.
template <bool kPop, bool kCheckEmpty = true>
void fst_sti(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  if (f.empty(0) && kCheckEmpty) return stack_underflow(f, static_cast<int>(sti(i)), kPop);
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  if (!f.empty(0)) f.set_st(sti(i), f.st(0));
  if (kPop) f.pop();
}

// The constants, to 128 bits (they are irrational: never exactly halfway), rounded to 64
// by the rounding control as the hardware rounds its internal copies.
struct Constant {
  int32_t exp;
  uint64_t hi, lo;
};
constexpr Constant kOne{0, 0x8000000000000000, 0};
constexpr Constant kL2T{1, 0xD49A784BCD1B8AFE, 0x492BF6FF4DAFDB4C};  // log2(10)
constexpr Constant kL2E{0, 0xB8AA3B295C17F0BB, 0xBE87FED0691D3E88};  // log2(e)
constexpr Constant kPi{1, 0xC90FDAA22168C234, 0xC4C6628B80DC1CD1};
constexpr Constant kLG2{-2, 0x9A209A84FBCFF798, 0x8F8959AC0B7C9178};  // log10(2)
constexpr Constant kLN2{-1, 0xB17217F7D1CF79AB, 0xC9E3B39803F2F6AF};  // ln(2)

template <const Constant& kC>
void fld_constant(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  X87& f = c.fpu;
  Env env = f.env();
  env.masks = fpu::ex::kAll;
  const Float80 v = fpu::round_to_extended(env, false, kC.exp, kC.hi, kC.lo);
  f.sw &= static_cast<uint16_t>(~x87sw::C1);
  push_loaded(f, Env{}, v);  // no precision exception
}

void fldz(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  note_instruction(c, i);
  c.fpu.sw &= static_cast<uint16_t>(~x87sw::C1);
  push_loaded(c.fpu, Env{}, fpu::zero_f80(false));
}

template <class F>
void add_store_rows(std::vector<OpcodeRow>& rows, uint16_t opcode, int8_t reg, const char* name,
                    const char* pname, const char* size) {
  if (name) rows.push_back({opcode, reg, name, size, pick<fst_mem<F, false>>});
  rows.push_back({opcode, static_cast<int8_t>(reg + 1), pname, size, pick<fst_mem<F, true>>});
}

}  // namespace

std::vector<OpcodeRow> x87_load_store_rows() {
  std::vector<OpcodeRow> rows = {
      {0xD9, 0, "fld", "Md", pick<fld_mem<M32fp>>},
      {0xDD, 0, "fld", "Mq", pick<fld_mem<M64fp>>},
      {0xDB, 5, "fld", "Mt", pick<fld_m80>},
      {0xDF, 0, "fild", "Mw", pick<fld_mem<MInt<int16_t>>>},
      {0xDB, 0, "fild", "Md", pick<fld_mem<MInt<int32_t>>>},
      {0xDF, 5, "fild", "Mq", pick<fld_mem<MInt<int64_t>>>},
      {0xDF, 4, "fbld", "Mt", pick<fbld>},
      {0xDB, 7, "fstp", "Mt", pick<fstp_m80>},
      {0xDF, 6, "fbstp", "Mt", pick<fbstp>},
      {0xD9, 0, "fld", "Rst(i)", pick<fld_sti>},
      {0xDD, 2, "fst", "Rst(i)", pick<fst_sti<false>>},
      {0xDD, 3, "fstp", "Rst(i)", pick<fst_sti<true>>},
      // Reserved encodings that P6 executes as FSTP ST(i).
      {0xD9, 3, "fstp1", "Rst(i)", pick<fst_sti<true, false>>},
      {0xDF, 2, "fstp8", "Rst(i)", pick<fst_sti<true>>},
      {0xDF, 3, "fstp9", "Rst(i)", pick<fst_sti<true>>},
      {0xD9, 5, "fld1", "R", pick<fld_constant<kOne>>, 0, 0},
      {0xD9, 5, "fldl2t", "R", pick<fld_constant<kL2T>>, 0, 1},
      {0xD9, 5, "fldl2e", "R", pick<fld_constant<kL2E>>, 0, 2},
      {0xD9, 5, "fldpi", "R", pick<fld_constant<kPi>>, 0, 3},
      {0xD9, 5, "fldlg2", "R", pick<fld_constant<kLG2>>, 0, 4},
      {0xD9, 5, "fldln2", "R", pick<fld_constant<kLN2>>, 0, 5},
      {0xD9, 5, "fldz", "R", pick<fldz>, 0, 6},
  };
  add_store_rows<M32fp>(rows, 0xD9, 2, "fst", "fstp", "Md");
  add_store_rows<M64fp>(rows, 0xDD, 2, "fst", "fstp", "Mq");
  add_store_rows<MInt<int16_t>>(rows, 0xDF, 2, "fist", "fistp", "Mw");
  add_store_rows<MInt<int32_t>>(rows, 0xDB, 2, "fist", "fistp", "Md");
  add_store_rows<MInt<int64_t>>(rows, 0xDF, 6, nullptr, "fistp", "Mq");
  return rows;
}

}  // namespace trapeze
