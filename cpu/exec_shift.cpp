// Shifts and rotates: ROL ROR RCL RCR SHL SHR SAR (C0 C1 D0-D3), SHLD and SHRD.
//
// The count is masked to 5 bits (6 for 64-bit operands) as on every CPU since the 286. A
// masked count of 0 changes nothing, flags included. OF is defined for counts of 1; for
// larger counts we give what the 1-bit formula gives on the final step, like P6 parts.
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

enum class ShiftOp { kRol, kRor, kRcl, kRcr, kShl, kShr, kSal, kSar };

template <typename T>
bool msb(T v) {
  return (v & kSignBit<T>) != 0;
}

template <ShiftOp Op, typename T>
void shift(Cpu& c, T& value, unsigned raw_count) {
  constexpr unsigned n = kBits<T>;
  const unsigned count = raw_count & (n == 64 ? 63 : 31);
  if (count == 0) return;
  const T a = value;
  Flags& f = c.flags;
  if constexpr (Op == ShiftOp::kRol || Op == ShiftOp::kRor) {
    const unsigned r = count % n;
    T res = a;
    if (r != 0)
      res = Op == ShiftOp::kRol ? static_cast<T>((a << r) | (a >> (n - r)))
                                : static_cast<T>((a >> r) | (a << (n - r)));
    const bool cf = Op == ShiftOp::kRol ? (res & 1) != 0 : msb(res);
    const bool of = Op == ShiftOp::kRol ? msb(res) != cf : msb(res) != msb(static_cast<T>(res << 1));
    f.write_masked((cf ? flag::CF : 0) | (of ? flag::OF : 0), flag::CF | flag::OF);
    value = res;
  } else if constexpr (Op == ShiftOp::kRcl || Op == ShiftOp::kRcr) {
    // Rotation through CF: an (n+1)-bit rotation.
    // A count that is a multiple of n+1 leaves the operand and CF as they were, but OF
    // is still recomputed from them (measured on 80286 silicon; undefined per Intel).
    const unsigned r = n < 32 ? count % (n + 1) : count;
    bool cf = f.cf();
    T res = a;
    for (unsigned k = 0; k < r; ++k) {
      if constexpr (Op == ShiftOp::kRcl) {
        const bool out = msb(res);
        res = static_cast<T>((res << 1) | T{cf});
        cf = out;
      } else {
        const bool out = res & 1;
        res = static_cast<T>((res >> 1) | (cf ? kSignBit<T> : T{0}));
        cf = out;
      }
    }
    const bool of = Op == ShiftOp::kRcl ? msb(res) != cf : msb(res) != msb(static_cast<T>(res << 1));
    f.write_masked((cf ? flag::CF : 0) | (of ? flag::OF : 0), flag::CF | flag::OF);
    value = res;
  } else if constexpr (Op == ShiftOp::kShl || Op == ShiftOp::kSal) {
    const T res = count < n ? static_cast<T>(a << count) : T{0};
    const bool cf = count <= n ? ((a >> (n - count)) & 1) != 0 : false;
    f.set_result(res, cf, msb(res) != cf, false);
    value = res;
  } else if constexpr (Op == ShiftOp::kShr) {
    const T res = count < n ? static_cast<T>(a >> count) : T{0};
    const bool cf = count <= n ? ((a >> (count - 1)) & 1) != 0 : false;
    f.set_result(res, cf, count == 1 ? msb(a) : false, false);
    value = res;
  } else {  // SAR
    using S = std::make_signed_t<T>;
    const unsigned k = count < n ? count : n - 1;
    const T res = static_cast<T>(static_cast<S>(a) >> k);
    const bool cf = count < n ? ((static_cast<S>(a) >> (count - 1)) & 1) != 0 : msb(a);
    f.set_result(res, cf, false, false);
    value = res;
  }
}

// Count sources: 1 (D0/D1), CL (D2/D3), imm8 (C0/C1).
enum class CountFrom { kOne, kCl, kImm };

template <ShiftOp Op, CountFrom From>
struct ShiftE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const unsigned count = From == CountFrom::kOne ? 1
                           : From == CountFrom::kCl ? c.reg<uint8_t>(kRcx)
                                                    : static_cast<uint8_t>(i.imm);
    RmwE<T, M> e(c, i);
    T v = e.get();
    shift<Op, T>(c, v, count);
    e.set(v);
  }
};

// SHLD/SHRD E, G, count: shift E, filling from G. For 16-bit operands with counts above
// 16 the operand is treated as E:G:E, as P6 hardware does.
template <bool Left, CountFrom From>
struct DoubleShift {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    constexpr unsigned n = kBits<T>;
    unsigned count = (From == CountFrom::kCl ? c.reg<uint8_t>(kRcx) : static_cast<uint8_t>(i.imm));
    count &= n == 64 ? 63 : 31;
    if (count == 0) return;
    RmwE<T, M> e(c, i);
    const T dst = e.get();
    const T src = read_g<T>(c, i);
    T res;
    bool cf;
    if constexpr (n == 16) {
      const uint64_t wide = (uint64_t{dst} << 32) | (uint64_t{src} << 16) | dst;
      if constexpr (Left) {
        res = static_cast<T>((wide << count) >> 32);
        cf = ((wide << (count - 1)) >> 47) & 1;
      } else {
        res = static_cast<T>(wide >> count);
        cf = (wide >> (count - 1)) & 1;
      }
    } else if constexpr (Left) {
      res = static_cast<T>((dst << count) | (src >> (n - count)));
      cf = (dst >> (n - count)) & 1;
    } else {
      res = static_cast<T>((dst >> count) | (src << (n - count)));
      cf = (dst >> (count - 1)) & 1;
    }
    e.set(res);
    c.flags.set_result(res, cf, msb(res) != msb(dst), false);
  }
};

template <ShiftOp Op>
void add_shift_rows(std::vector<OpcodeRow>& rows, int8_t reg, const char* name) {
  rows.push_back({0xC0, reg, name, "Eb,Ib", pick_b<ShiftE<Op, CountFrom::kImm>>});
  rows.push_back({0xC1, reg, name, "Ev,Ib", pick_v<ShiftE<Op, CountFrom::kImm>>});
  rows.push_back({0xD0, reg, name, "Eb,1", pick_b<ShiftE<Op, CountFrom::kOne>>});
  rows.push_back({0xD1, reg, name, "Ev,1", pick_v<ShiftE<Op, CountFrom::kOne>>});
  rows.push_back({0xD2, reg, name, "Eb,cl", pick_b<ShiftE<Op, CountFrom::kCl>>});
  rows.push_back({0xD3, reg, name, "Ev,cl", pick_v<ShiftE<Op, CountFrom::kCl>>});
}

}  // namespace

std::vector<OpcodeRow> shift_rows() {
  std::vector<OpcodeRow> rows;
  add_shift_rows<ShiftOp::kRol>(rows, 0, "rol");
  add_shift_rows<ShiftOp::kRor>(rows, 1, "ror");
  add_shift_rows<ShiftOp::kRcl>(rows, 2, "rcl");
  add_shift_rows<ShiftOp::kRcr>(rows, 3, "rcr");
  add_shift_rows<ShiftOp::kShl>(rows, 4, "shl");
  add_shift_rows<ShiftOp::kShr>(rows, 5, "shr");
  add_shift_rows<ShiftOp::kSal>(rows, 6, "sal");  // undocumented alias of SHL
  add_shift_rows<ShiftOp::kSar>(rows, 7, "sar");
  rows.insert(rows.end(), {
      {kMap0F | 0xA4, -1, "shld", "Ev,Gv,Ib", pick_v<DoubleShift<true, CountFrom::kImm>>},
      {kMap0F | 0xA5, -1, "shld", "Ev,Gv,cl", pick_v<DoubleShift<true, CountFrom::kCl>>},
      {kMap0F | 0xAC, -1, "shrd", "Ev,Gv,Ib", pick_v<DoubleShift<false, CountFrom::kImm>>},
      {kMap0F | 0xAD, -1, "shrd", "Ev,Gv,cl", pick_v<DoubleShift<false, CountFrom::kCl>>},
  });
  return rows;
}

}  // namespace trapeze
