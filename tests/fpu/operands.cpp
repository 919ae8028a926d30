#include "tests/fpu/operands.h"

#include <cstdlib>
#include <cstring>

namespace trapeze::x87test {

using fpu::Float80;
using fpu::make_f80;

Float80 OperandGenerator::normal(int32_t lo_exp, int32_t hi_exp) {
  const uint16_t e = static_cast<uint16_t>(lo_exp + static_cast<int32_t>(below(static_cast<unsigned>(hi_exp - lo_exp + 1))));
  const bool sign = bits() & 1;  // one draw per statement: the same operands with every compiler
  return make_f80(sign, e, boundary_bits(bits() | fpu::kIntegerBit));
}

// Significands whose low bits sit at or next to a rounding boundary of the 24-, 53- or
// 64-bit precisions (and of single and double stores), or are short (exact in a format).
uint64_t OperandGenerator::boundary_bits(uint64_t s) {
  switch (below(12)) {
    case 0: return (s & ~((uint64_t{1} << 40) - 1)) | (uint64_t{1} << 39);  // half at PC 24
    case 1: return (s & ~((uint64_t{1} << 11) - 1)) | (uint64_t{1} << 10);  // half at PC 53
    case 2: return s & ~((uint64_t{1} << 40) - 1);  // exact single
    case 3: return s & ~((uint64_t{1} << 11) - 1);  // exact double
    case 4: return s | ((uint64_t{1} << 40) - 1);   // just below a PC 24 step
    case 5: return (s & ~((uint64_t{1} << 40) - 1)) | (uint64_t{1} << 39) | 1;
    case 6: return s | 0xFFFFFFFFFFFFFF00;          // near a carry into the exponent
    case 7: return fpu::kIntegerBit | (s & 0xFF);    // just above a power of two
    default: return s;
  }
}

Float80 OperandGenerator::special() {
  const bool sign = bits() & 1;
  const uint64_t r = bits();
  switch (below(16)) {
    case 0: return fpu::zero_f80(sign);
    case 1: return make_f80(sign, 0, r >> (1 + below(63)));                  // denormal
    case 2: return make_f80(sign, 0, r | fpu::kIntegerBit);                  // pseudo-denormal
    case 3: return make_f80(sign, static_cast<uint16_t>(1 + below(0x7FFE)), r & ~fpu::kIntegerBit);  // unnormal
    case 4: return fpu::inf_f80(sign);
    case 5: return make_f80(sign, 0x7FFF, r | fpu::kIntegerBit | fpu::kQuietBit);  // QNaN
    case 6: return make_f80(sign, 0x7FFF, (r | fpu::kIntegerBit | 1) & ~fpu::kQuietBit);  // SNaN
    case 7: return fpu::kIndefinite;
    case 8: return make_f80(sign, 0x7FFF, below(2) ? 0 : r & ~fpu::kIntegerBit);  // pseudo-inf/NaN
    case 9: return make_f80(sign, 0x7FFE, ~uint64_t{0});                     // largest
    case 10: return make_f80(sign, 1, fpu::kIntegerBit);                     // smallest normal
    case 11: return make_f80(sign, static_cast<uint16_t>(0x3FFF + below(64)), fpu::kIntegerBit);  // 2^n
    case 12: {  // a small integer, or one and a half
      const uint64_t n = (r % 2000) + 1;
      const unsigned shift = static_cast<unsigned>(std::countl_zero(n));
      const Float80 v = make_f80(sign, static_cast<uint16_t>(0x3FFF + 63 - shift), n << shift);
      return below(2) ? v : make_f80(sign, v.exp(), v.signif | (fpu::kIntegerBit >> (64 - shift)));
    }
    case 13: return normal(1, 64);            // tiny
    case 14: return normal(0x7FFE - 64, 0x7FFE);  // huge
    default: return make_f80(sign, static_cast<uint16_t>(r >> 49), r);  // anything at all
  }
}

// A second operand close to the first: same or nearby exponent (cancellation, carries),
// the same magnitude, or the negation.
Float80 OperandGenerator::related(Float80 to) {
  if (!(to.signif >> 63) || to.exp() == 0 || to.exp() == 0x7FFF) return value(Domain::kAny);
  switch (below(4)) {
    case 0: return make_f80(bits() & 1, to.exp(), to.signif);
    case 1: return make_f80(!to.sign(), to.exp(), to.signif ^ (bits() & 0xFFFF));
    default: {
      const int32_t e = static_cast<int32_t>(to.exp()) + static_cast<int32_t>(below(141)) - 70;
      if (e < 1 || e > 0x7FFE) return to;
      const bool sign = bits() & 1;
      return make_f80(sign, static_cast<uint16_t>(e), boundary_bits(bits() | fpu::kIntegerBit));
    }
  }
}

Float80 OperandGenerator::value(Domain domain) {
  Float80 v;
  switch (domain) {
    case Domain::kUnitInterval:
      v = below(8) == 0 ? special() : normal(0x3FFF - 70, 0x3FFE);
      if (below(16) == 0) v = make_f80(bits() & 1, 0x3FFF, fpu::kIntegerBit);  // +-1
      break;
    case Domain::kSmallLog:
      // Only the documented domain |x| < 1 - sqrt(2)/2: outside, the result is undefined
      // (and hardware returns values unrelated to log2(x + 1)).
      v = below(8) == 0 ? special() : normal(0x3FFF - 70, 0x3FFC);
      if (v.exp() >= 0x3FFD && v.exp() != 0x7FFF && (v.signif >> 63)) v = normal(0x3FFF - 70, 0x3FFC);
      break;
    case Domain::kTrig:
      v = below(8) == 0 ? special() : below(4) == 0 ? normal(0x3FFF + 50, 0x3FFF + 70) : normal(0x3FFF - 40, 0x3FFF + 20);
      if (std::getenv("X87DIFF_TINY")) v = normal(0x3FFF - 120, 0x3FFF - 30);
      break;
    case Domain::kRemainder:
    case Domain::kScale:
    case Domain::kAny:
      if (below(3) == 0) return last_ = related(last_);
      v = below(2) ? special() : below(2) ? normal(0x3FFF - 80, 0x3FFF + 80) : normal(1, 0x7FFE);
      break;
  }
  return last_ = v;
}

// ST(1) for the two-operand instructions with a domain of their own.
Float80 OperandGenerator::second_operand(Domain domain, Float80 first) {
  if (below(6) == 0) return value(Domain::kAny);
  if (domain == Domain::kRemainder) {
    const int32_t e = static_cast<int32_t>(first.exp()) - static_cast<int32_t>(below(200));
    if (first.exp() == 0 || first.exp() == 0x7FFF || e < 1) return value(Domain::kAny);
    const bool sign = bits() & 1;
    return make_f80(sign, static_cast<uint16_t>(e), boundary_bits(bits() | fpu::kIntegerBit));
  }
  if (domain == Domain::kScale) {
    // An integer n with first * 2^n near the limits of the register format, of the
    // unmasked 24576 adjustment, or anywhere in between.
    const int32_t e = static_cast<int32_t>(first.exp()) - 0x3FFF;
    static constexpr int32_t kTargets[] = {16383, -16382, 16383 + 24576, -16382 - 24576, -16382 - 24576 - 64, 0};
    int32_t n = kTargets[below(6)] - e + static_cast<int32_t>(below(160)) - 80;
    if (below(4) == 0) n = static_cast<int32_t>(bits() % 70000) - 35000;
    if (n == 0) return fpu::zero_f80(bits() & 1);
    const uint32_t m = static_cast<uint32_t>(n < 0 ? -n : n);
    const unsigned shift = static_cast<unsigned>(std::countl_zero(uint64_t{m}));
    return make_f80(n < 0, static_cast<uint16_t>(0x3FFF + 63 - shift), (uint64_t{m} << shift) | (below(2) ? bits() >> (65 - shift + 1) : 0));
  }
  return value(Domain::kAny);
}

uint16_t OperandGenerator::control_word() {
  const unsigned pc = below(8) == 0 ? 1 : below(3) == 0 ? 0 : below(2) ? 2 : 3;
  const uint16_t masks = below(2) ? 0x3F : static_cast<uint16_t>(bits() & 0x3F);
  const unsigned rc = below(4);
  const unsigned infinity_control = bits() & 1;
  return static_cast<uint16_t>(masks | 0x40 | (pc << 8) | (rc << 10) | (infinity_control << 12));
}

void OperandGenerator::fill_memory(MemKind mem, RunInput& in) {
  uint64_t r = bits();
  auto put = [&](const void* p, size_t n) { std::memcpy(in.memory.data(), p, n); };
  switch (mem) {
    case MemKind::kF32: {
      static constexpr uint32_t kEdges[] = {0, 0x80000000, 0x00000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF,
                                            0x7F800000, 0xFF800000, 0x7FC00000, 0x7FA00001, 0xFFC00000, 0x3F800000};
      uint32_t v = static_cast<uint32_t>(r);
      if (below(3) == 0) v = kEdges[below(12)];
      else if (below(2)) v = (v & 0x807FFFFF) | ((0x60u + below(64)) << 23);
      put(&v, 4);
      break;
    }
    case MemKind::kF64: {
      static constexpr uint64_t kEdges[] = {0, 0x8000000000000000, 1, 0x000FFFFFFFFFFFFF, 0x0010000000000000,
                                            0x7FEFFFFFFFFFFFFF, 0x7FF0000000000000, 0xFFF0000000000000,
                                            0x7FF8000000000000, 0x7FF4000000000001, 0x3FF0000000000000};
      uint64_t v = r;
      if (below(3) == 0) v = kEdges[below(11)];
      else if (below(2)) v = (v & 0x800FFFFFFFFFFFFF) | (uint64_t{0x3C0u + below(128)} << 52);
      put(&v, 8);
      break;
    }
    case MemKind::kF80: {
      const Float80 v = value(Domain::kAny);
      put(&v.signif, 8);
      std::memcpy(in.memory.data() + 8, &v.sign_exp, 2);
      break;
    }
    case MemKind::kI16:
    case MemKind::kI32:
    case MemKind::kI64: {
      static constexpr uint64_t kEdges[] = {0, 1, ~uint64_t{0}, 0x8000, 0x7FFF, 0x80000000, 0x7FFFFFFF,
                                            0x8000000000000000, 0x7FFFFFFFFFFFFFFF};
      uint64_t v = below(3) == 0 ? kEdges[below(9)] : below(2) ? r : r >> below(64);
      put(&v, 8);
      break;
    }
    case MemKind::kBcd: {
      for (unsigned n = 0; n < 9; ++n) {
        const unsigned high = below(10);
        in.memory[n] = static_cast<uint8_t>((high << 4) | below(10));
      }
      if (below(4) == 0)
        for (unsigned n = below(9); n < 9; ++n) in.memory[n] = 0;  // short numbers
      in.memory[9] = static_cast<uint8_t>(bits() & 0x80);
      break;
    }
    case MemKind::kWord: {
      const uint16_t v = below(2) ? control_word() : static_cast<uint16_t>(r);
      put(&v, 2);
      break;
    }
    case MemKind::kEnvironment: {
      // A 32-bit protected-mode environment and eight registers: random words (reserved
      // bits and pending-looking status included), then register values.
      for (size_t n = 0; n < 28; n += 2) {
        const uint16_t w = static_cast<uint16_t>(n == 0 && below(2) ? control_word() : bits());
        std::memcpy(in.memory.data() + n, &w, 2);
      }
      for (size_t n = 0; n < 8; ++n) {
        const Float80 v = value(Domain::kAny);
        std::memcpy(in.memory.data() + 28 + 10 * n, &v.signif, 8);
        std::memcpy(in.memory.data() + 36 + 10 * n, &v.sign_exp, 2);
      }
      break;
    }
    case MemKind::kNone: break;
  }
  // Bytes beyond the operand: random, so a store of the wrong size shows.
  const size_t used = mem == MemKind::kF32 || mem == MemKind::kI32 ? 4
                    : mem == MemKind::kI16 || mem == MemKind::kWord ? 2
                    : mem == MemKind::kF80 || mem == MemKind::kBcd ? 10
                    : mem == MemKind::kEnvironment ? 108
                    : mem == MemKind::kNone ? 0 : 8;
  for (size_t n = used; n < in.memory.size(); ++n) in.memory[n] = static_cast<uint8_t>(bits());
}

RunInput OperandGenerator::next(MemKind mem, Domain domain) {
  RunInput in;
  const uint16_t cw = control_word();
  const unsigned top = below(8);
  uint16_t tw = 0;
  for (unsigned n = 0; n < 8; ++n) {
    // Stack order: ST(0) and ST(1) are rarely empty, ST(7) often (room to push).
    const bool empty = n == 7 ? below(5) != 0 : n < 2 ? below(24) == 0 : below(6) == 0;
    if (empty) tw = static_cast<uint16_t>(tw | (3u << (2 * ((top + n) & 7))));
    const bool own = domain == Domain::kRemainder || domain == Domain::kScale;
    Float80 v = value(n == 0 && !own ? domain : Domain::kAny);
    if (n == 1 && own) v = second_operand(domain, in.image.st(0));
    in.image.set_st(n, v);
  }
  // Sticky flags only where masked, so nothing is pending before the instruction.
  const uint16_t sticky = static_cast<uint16_t>(below(4) == 0 ? bits() & cw & 0x3F : 0);
  const uint16_t conditions = static_cast<uint16_t>(bits() & 0x4700);
  in.image.set_cw(cw);
  in.image.set_sw(static_cast<uint16_t>(sticky | conditions | (top << 11)));
  in.image.set_tw(tw);
  // The reserved upper halves of the 32-bit slots.
  for (unsigned off : {2u, 6u, 10u}) in.image.set_word(off, 0xFFFF);
  fill_memory(mem, in);
  in.eflags = below(2) ? 0x2 : 0x8D7;
  in.eax = static_cast<uint32_t>(bits());
  return in;
}

}  // namespace trapeze::x87test
