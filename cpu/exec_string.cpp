// String instructions MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
//
// A repeated instruction runs a bounded number of iterations per step and then, if work
// remains, leaves RIP at itself: interrupts are taken between chunks, as on hardware,
// and a fault mid-way leaves the registers describing the iterations done.
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

constexpr unsigned kIterationsPerStep = 4096;

// Advances SI or DI by one element in the direction of DF.
template <typename T, typename A>
void advance(Cpu& c, unsigned index_reg) {
  const A delta = c.flags.df() ? static_cast<A>(0 - sizeof(T)) : static_cast<A>(sizeof(T));
  c.set_reg<A>(index_reg, static_cast<A>(c.reg<A>(index_reg) + delta));
}

struct Movs {
  static constexpr bool kCompares = false;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn& i) {
    c.write<T>(kEs, c.reg<A>(kRdi), c.read<T>(i.seg, c.reg<A>(kRsi)));
    advance<T, A>(c, kRsi);
    advance<T, A>(c, kRdi);
  }
};
struct Cmps {
  static constexpr bool kCompares = true;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn& i) {
    const T a = c.read<T>(i.seg, c.reg<A>(kRsi));
    const T b = c.read<T>(kEs, c.reg<A>(kRdi));
    c.flags.set_sub(a, b, static_cast<T>(a - b));
    advance<T, A>(c, kRsi);
    advance<T, A>(c, kRdi);
  }
};
struct Stos {
  static constexpr bool kCompares = false;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn&) {
    c.write<T>(kEs, c.reg<A>(kRdi), c.reg<T>(kAcc));
    advance<T, A>(c, kRdi);
  }
};
struct Lods {
  static constexpr bool kCompares = false;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn& i) {
    c.set_reg<T>(kAcc, c.read<T>(i.seg, c.reg<A>(kRsi)));
    advance<T, A>(c, kRsi);
  }
};
struct Scas {
  static constexpr bool kCompares = true;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn&) {
    const T a = c.reg<T>(kAcc);
    const T b = c.read<T>(kEs, c.reg<A>(kRdi));
    c.flags.set_sub(a, b, static_cast<T>(a - b));
    advance<T, A>(c, kRdi);
  }
};
struct Ins {
  static constexpr bool kCompares = false;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn&) {
    const uint64_t di = c.reg<A>(kRdi);
    const uint16_t port = c.reg<uint16_t>(kRdx);
    if (!c.io_permitted(port, sizeof(T))) c.raise(vec::kGeneral, 0);
    c.check_write(kEs, di, sizeof(T));  // the port is read only if the store can happen
    const T v = static_cast<T>(c.port_in(port, sizeof(T)));
    c.write<T>(kEs, di, v);
    advance<T, A>(c, kRdi);
  }
};
struct Outs {
  static constexpr bool kCompares = false;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn& i) {
    const uint16_t port = c.reg<uint16_t>(kRdx);
    if (!c.io_permitted(port, sizeof(T))) c.raise(vec::kGeneral, 0);
    const T v = c.read<T>(i.seg, c.reg<A>(kRsi));
    c.port_out(port, sizeof(T), static_cast<uint32_t>(v));
    advance<T, A>(c, kRsi);
  }
};

template <class Op>
struct StringOp {
  template <typename T, typename A>
  static void run(Cpu& c, const Insn& i) {
    if (!i.rep()) {
      Op::template once<T, A>(c, i);
      return;
    }
    // REPE (F3) stops when ZF = 0, REPNE (F2) when ZF = 1; others ignore ZF.
    const bool stop_on_zf = (i.prefixes & prefix::kRepne) != 0;
    for (unsigned n = 0; n < kIterationsPerStep; ++n) {
      A count = c.reg<A>(kRcx);
      if (count == 0) return;
      Op::template once<T, A>(c, i);
      c.set_reg<A>(kRcx, static_cast<A>(count - 1));
      if constexpr (Op::kCompares) {
        if (c.flags.zf() == stop_on_zf) return;
      }
    }
    if (c.reg<A>(kRcx) != 0) c.rip = c.insn_start();  // continue in the next step
  }
};

}  // namespace

std::vector<OpcodeRow> string_rows() {
  std::vector<OpcodeRow> rows = {
      {0xA4, -1, "movsb", "", pick_ta<StringOp<Movs>, uint8_t>},
      {0xA5, -1, "movs", "", pick_va<StringOp<Movs>>},
      {0xA6, -1, "cmpsb", "", pick_ta<StringOp<Cmps>, uint8_t>},
      {0xA7, -1, "cmps", "", pick_va<StringOp<Cmps>>},
      {0xAA, -1, "stosb", "", pick_ta<StringOp<Stos>, uint8_t>},
      {0xAB, -1, "stos", "", pick_va<StringOp<Stos>>},
      {0xAC, -1, "lodsb", "", pick_ta<StringOp<Lods>, uint8_t>},
      {0xAD, -1, "lods", "", pick_va<StringOp<Lods>>},
      {0xAE, -1, "scasb", "", pick_ta<StringOp<Scas>, uint8_t>},
      {0xAF, -1, "scas", "", pick_va<StringOp<Scas>>},
      {0x6C, -1, "insb", "", pick_ta<StringOp<Ins>, uint8_t>},
      {0x6D, -1, "ins", "", pick_va<StringOp<Ins>>},
      {0x6E, -1, "outsb", "", pick_ta<StringOp<Outs>, uint8_t>},
      {0x6F, -1, "outs", "", pick_va<StringOp<Outs>>},
  };
  return rows;
}

}  // namespace trapeze
