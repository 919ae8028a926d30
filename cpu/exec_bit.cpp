// Bit instructions: BT BTS BTR BTC (register and immediate offsets), BSF, BSR.
#include <bit>

#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

enum class BitOp { kTest, kSet, kReset, kComplement };

template <BitOp Op, typename T>
T apply(Cpu& c, T value, unsigned bit) {
  const T mask = static_cast<T>(T{1} << bit);
  c.flags.set(flag::CF, (value & mask) != 0);  // only CF is defined
  switch (Op) {
    case BitOp::kTest: return value;
    case BitOp::kSet: return value | mask;
    case BitOp::kReset: return static_cast<T>(value & ~mask);
    default: return value ^ mask;
  }
}

// BTx E, G: with a memory operand the bit offset is a signed index that may reach
// outside the addressed operand.
template <BitOp Op>
struct BitEG {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T offset = read_g<T>(c, i);
    if constexpr (M) {
      using S = std::make_signed_t<T>;
      const int64_t element = static_cast<S>(offset) >> (sizeof(T) == 2 ? 4 : sizeof(T) == 4 ? 5 : 6);
      const uint64_t mask = i.asize == 16 ? 0xFFFF : i.asize == 32 ? 0xFFFFFFFF : ~uint64_t{0};
      const uint64_t ea = (c.effective_address(i) + static_cast<uint64_t>(element) * sizeof(T)) & mask;
      const T v = c.read<T>(i.seg, ea);
      const T r = apply<Op, T>(c, v, offset & (kBits<T> - 1));
      if (Op != BitOp::kTest) c.write<T>(i.seg, ea, r);
    } else {
      const T r = apply<Op, T>(c, c.reg<T>(i.rm), offset & (kBits<T> - 1));
      if (Op != BitOp::kTest) c.set_reg<T>(i.rm, r);
    }
  }
};
template <BitOp Op>
struct BitEI {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    const T r = apply<Op, T>(c, e.get(), static_cast<unsigned>(i.imm) & (kBits<T> - 1));
    if (Op != BitOp::kTest) e.set(r);
  }
};

// BSF/BSR: a zero source sets ZF and leaves the destination unchanged (P6 behaviour).
template <bool Reverse>
struct BitScan {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T v = read_e<T, M>(c, i);
    if (v == 0) {
      c.flags.set(flag::ZF, true);
      return;
    }
    const unsigned index = Reverse ? kBits<T> - 1 - std::countl_zero(v) : std::countr_zero(v);
    write_g<T>(c, i, static_cast<T>(index));
    c.flags.set_result(static_cast<T>(1), false, false, false);  // ZF = 0
  }
};

}  // namespace

std::vector<OpcodeRow> bit_rows() {
  constexpr uint32_t kLock = attr::kLockable;
  return {
      {kMap0F | 0xA3, -1, "bt", "Ev,Gv", pick_v<BitEG<BitOp::kTest>>},
      {kMap0F | 0xAB, -1, "bts", "Ev,Gv", pick_v<BitEG<BitOp::kSet>>, kLock},
      {kMap0F | 0xB3, -1, "btr", "Ev,Gv", pick_v<BitEG<BitOp::kReset>>, kLock},
      {kMap0F | 0xBB, -1, "btc", "Ev,Gv", pick_v<BitEG<BitOp::kComplement>>, kLock},
      {kMap0F | 0xBA, 4, "bt", "Ev,Ib", pick_v<BitEI<BitOp::kTest>>},
      {kMap0F | 0xBA, 5, "bts", "Ev,Ib", pick_v<BitEI<BitOp::kSet>>, kLock},
      {kMap0F | 0xBA, 6, "btr", "Ev,Ib", pick_v<BitEI<BitOp::kReset>>, kLock},
      {kMap0F | 0xBA, 7, "btc", "Ev,Ib", pick_v<BitEI<BitOp::kComplement>>, kLock},
      {kMap0F | 0xBC, -1, "bsf", "Gv,Ev", pick_v<BitScan<false>>},
      {kMap0F | 0xBD, -1, "bsr", "Gv,Ev", pick_v<BitScan<true>>},
  };
}

}  // namespace trapeze
