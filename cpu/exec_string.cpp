// String instructions MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
//
// A repeated instruction runs a bounded number of iterations per step and then, if work
// remains, leaves RIP at itself: interrupts are taken between chunks, as on hardware,
// and a fault mid-way leaves the registers describing the iterations done. REP MOVS and
// REP STOS forwards move whole page-sized runs at once where the TLB maps both sides
// directly, in either direction (issue 10); the element-by-element path handles the
// rest (faults, page crossings, MMIO, code pages).
#include <algorithm>
#include <cstring>

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

// Bytes from `offset` on before an index register of type A wraps around.
template <typename A>
uint64_t before_wrap(uint64_t offset) {
  if constexpr (sizeof(A) == 8)
    return ~uint64_t{0};
  else
    return uint64_t{static_cast<A>(~A{0})} - offset + 1;
}

// Adds `bytes` to SI or DI (forwards, DF = 0).
template <typename A>
void advance_by(Cpu& c, unsigned index_reg, uint64_t bytes) {
  c.set_reg<A>(index_reg, static_cast<A>(c.reg<A>(index_reg) + bytes));
}
// Subtracts `bytes` from SI or DI (backwards, DF = 1).
template <typename A>
void retreat_by(Cpu& c, unsigned index_reg, uint64_t bytes) {
  c.set_reg<A>(index_reg, static_cast<A>(c.reg<A>(index_reg) - bytes));
}

struct Movs {
  static constexpr bool kCompares = false;
  static constexpr bool kDirect = true;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn& i) {
    c.write<T>(kEs, c.reg<A>(kRdi), c.read<T>(i.seg, c.reg<A>(kRsi)));
    advance<T, A>(c, kRsi);
    advance<T, A>(c, kRdi);
  }
  // Up to `count` elements forwards between host pages the TLB maps directly, as many as
  // stay within both pages and segment limits; returns how many (0: none could be).
  template <typename T, typename A>
  static uint64_t direct(Cpu& c, const Insn& i, uint64_t count) {
    const uint64_t si = c.reg<A>(kRsi), di = c.reg<A>(kRdi);
    uint64_t src_room = 0, dst_room = 0;
    const uint8_t* src = c.direct_span(i.seg, si, false, src_room);
    if (src == nullptr) return 0;
    uint8_t* dst = c.direct_span(kEs, di, true, dst_room);
    if (dst == nullptr) return 0;
    const uint64_t room = std::min({src_room, dst_room, before_wrap<A>(si), before_wrap<A>(di)});
    const uint64_t n = std::min(count, room / sizeof(T));
    const uint64_t bytes = n * sizeof(T);
    if (dst <= src || dst >= src + bytes) {
      std::memmove(dst, src, bytes);
    } else {
      // The destination overlaps the source ahead of it: element by element, each read
      // before it is written, as hardware does (a pattern repeats across the buffer).
      for (uint64_t k = 0; k < bytes; k += sizeof(T)) store_le<T>(dst + k, load_le<T>(src + k));
    }
    advance_by<A>(c, kRsi, bytes);
    advance_by<A>(c, kRdi, bytes);
    return n;
  }
  // The same backwards (DF = 1): elements at SI, SI - size, ... within both pages.
  template <typename T, typename A>
  static uint64_t direct_down(Cpu& c, const Insn& i, uint64_t count) {
    uint64_t src_below = 0, dst_below = 0;
    const uint8_t* src = c.direct_span_down(i.seg, c.reg<A>(kRsi), sizeof(T), false, src_below);
    if (src == nullptr) return 0;
    uint8_t* dst = c.direct_span_down(kEs, c.reg<A>(kRdi), sizeof(T), true, dst_below);
    if (dst == nullptr) return 0;
    const uint64_t n = std::min(count, std::min(src_below, dst_below) / sizeof(T) + 1);
    const uint64_t bytes = n * sizeof(T);
    const uint8_t* src_low = src + sizeof(T) - bytes;
    if (dst >= src || dst + sizeof(T) <= src_low) {
      // Elements go highest first: a destination above the source never overwrites an
      // element still to be read, so the result is that of a plain copy.
      std::memmove(dst + sizeof(T) - bytes, src_low, bytes);
    } else {
      // The destination overlaps the source below it: element by element.
      for (uint64_t k = 0; k < bytes; k += sizeof(T)) store_le<T>(dst - k, load_le<T>(src - k));
    }
    retreat_by<A>(c, kRsi, bytes);
    retreat_by<A>(c, kRdi, bytes);
    return n;
  }
};
struct Cmps {
  static constexpr bool kCompares = true;
  static constexpr bool kDirect = false;
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
  static constexpr bool kDirect = true;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn&) {
    c.write<T>(kEs, c.reg<A>(kRdi), c.reg<T>(kAcc));
    advance<T, A>(c, kRdi);
  }
  template <typename T, typename A>
  static uint64_t direct(Cpu& c, const Insn&, uint64_t count) {
    const uint64_t di = c.reg<A>(kRdi);
    uint64_t room = 0;
    uint8_t* dst = c.direct_span(kEs, di, true, room);
    if (dst == nullptr) return 0;
    const uint64_t n = std::min(count, std::min(room, before_wrap<A>(di)) / sizeof(T));
    const T value = c.reg<T>(kAcc);
    if constexpr (sizeof(T) == 1)
      std::memset(dst, value, n);
    else
      for (uint64_t k = 0; k < n; ++k) store_le<T>(dst + k * sizeof(T), value);
    advance_by<A>(c, kRdi, n * sizeof(T));
    return n;
  }
  template <typename T, typename A>
  static uint64_t direct_down(Cpu& c, const Insn&, uint64_t count) {
    uint64_t below = 0;
    uint8_t* dst = c.direct_span_down(kEs, c.reg<A>(kRdi), sizeof(T), true, below);
    if (dst == nullptr) return 0;
    const uint64_t n = std::min(count, below / sizeof(T) + 1);
    const T value = c.reg<T>(kAcc);
    for (uint64_t k = 0; k < n; ++k) store_le<T>(dst - k * sizeof(T), value);
    retreat_by<A>(c, kRdi, n * sizeof(T));
    return n;
  }
};
struct Lods {
  static constexpr bool kCompares = false;
  static constexpr bool kDirect = false;
  template <typename T, typename A>
  static void once(Cpu& c, const Insn& i) {
    c.set_reg<T>(kAcc, c.read<T>(i.seg, c.reg<A>(kRsi)));
    advance<T, A>(c, kRsi);
  }
};
struct Scas {
  static constexpr bool kCompares = true;
  static constexpr bool kDirect = false;
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
  static constexpr bool kDirect = false;
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
  static constexpr bool kDirect = false;
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
      if constexpr (Op::kDirect) {
        const uint64_t most = std::min<uint64_t>(count, kIterationsPerStep - n);
        const uint64_t done = c.flags.df() ? Op::template direct_down<T, A>(c, i, most)
                                           : Op::template direct<T, A>(c, i, most);
        if (done != 0) {
          c.set_reg<A>(kRcx, static_cast<A>(count - done));
          n += static_cast<unsigned>(done) - 1;
          continue;
        }
      }
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
