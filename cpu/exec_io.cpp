// Port I/O: IN and OUT with an immediate port or DX (INS/OUTS are string instructions).
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

template <bool FromDx>
uint16_t port(const Cpu& c, const Insn& i) {
  return FromDx ? c.reg<uint16_t>(kRdx) : static_cast<uint8_t>(i.imm);
}

template <bool FromDx>
struct In {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    const uint16_t p = port<FromDx>(c, i);
    if (!c.io_permitted(p, sizeof(T))) c.raise(vec::kGeneral, 0);
    c.set_reg<T>(kAcc, static_cast<T>(c.port_in(p, sizeof(T))));
  }
};
template <bool FromDx>
struct Out {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    const uint16_t p = port<FromDx>(c, i);
    if (!c.io_permitted(p, sizeof(T))) c.raise(vec::kGeneral, 0);
    c.port_out(p, sizeof(T), static_cast<uint32_t>(c.reg<T>(kAcc)));
  }
};

// Port I/O is 8, 16 or 32 bits wide; a 64-bit operand size still moves 32 bits.
template <template <bool> class Op, bool FromDx>
Handler pick_io(const Form& f) {
  return f.osize == 16 ? &Op<FromDx>::template run<uint16_t> : &Op<FromDx>::template run<uint32_t>;
}

}  // namespace

std::vector<OpcodeRow> io_rows() {
  return {
      {0xE4, -1, "in", "al,Ib", pick_fixed<In<false>, uint8_t>},
      {0xE5, -1, "in", "eax,Ib", pick_io<In, false>},
      {0xE6, -1, "out", "Ib,al", pick_fixed<Out<false>, uint8_t>},
      {0xE7, -1, "out", "Ib,eax", pick_io<Out, false>},
      {0xEC, -1, "in", "al,dx", pick_fixed<In<true>, uint8_t>},
      {0xED, -1, "in", "eax,dx", pick_io<In, true>},
      {0xEE, -1, "out", "dx,al", pick_fixed<Out<true>, uint8_t>},
      {0xEF, -1, "out", "dx,eax", pick_io<Out, true>},
  };
}

}  // namespace trapeze
