// MOV and friends: MOV, MOV to/from segment registers, LEA, XCHG, MOVZX/MOVSX, CBW/CWD,
// XLAT, the far-pointer loads LDS/LES/LSS/LFS/LGS, BSWAP and CMOVcc.
#include "cpu/conditions.h"
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

struct MovEG {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    write_e<T, M>(c, i, read_g<T>(c, i));
  }
};
struct MovGE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    write_g<T>(c, i, read_e<T, M>(c, i));
  }
};
struct MovEI {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    write_e<T, M>(c, i, imm<T>(i));
  }
};
// MOV r, imm (B0-BF): the register is in the opcode.
struct MovRI {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.set_reg<T>(i.reg, imm<T>(i));
  }
};
// MOV AL/eAX, moffs and MOV moffs, AL/eAX (A0-A3).
struct MovAccMoffs {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.set_reg<T>(kAcc, c.read<T>(i.seg, i.imm));
  }
};
struct MovMoffsAcc {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.write<T>(i.seg, i.imm, c.reg<T>(kAcc));
  }
};
// MOV Ew, Sw: a memory destination is always 16 bits; a register gets the selector
// zero-extended to the operand size (P6 behaviour).
struct MovESw {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    if constexpr (M) c.write<uint16_t>(i.seg, c.effective_address(i), c.seg[i.reg].selector);
    else c.set_reg<T>(i.rm, static_cast<T>(c.seg[i.reg].selector));
  }
};
struct MovSwE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    c.load_segment(i.reg, read_e<uint16_t, M>(c, i));
    if (i.reg == kSs) c.inhibit_interrupts();  // so MOV SS + MOV SP is atomic
  }
};
struct Lea {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    write_g<T>(c, i, static_cast<T>(c.effective_address(i)));
  }
};
struct XchgEG {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    T old = e.get();
    e.set(read_g<T>(c, i));
    write_g<T>(c, i, old);
  }
};
// XCHG eAX, r (91-97); 90 is NOP.
struct XchgAccR {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    T a = c.reg<T>(kAcc);
    c.set_reg<T>(kAcc, c.reg<T>(i.reg));
    c.set_reg<T>(i.reg, a);
  }
};
void nop(Cpu&, const Insn&) {}

template <typename Src, bool Signed>
struct MovExtend {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    Src v = read_e<Src, M>(c, i);
    if constexpr (Signed) write_g<T>(c, i, static_cast<T>(static_cast<std::make_signed_t<T>>(
                                             static_cast<std::make_signed_t<Src>>(v))));
    else write_g<T>(c, i, static_cast<T>(v));
  }
};
// CBW/CWDE/CDQE: sign-extend the low half of the accumulator into all of it.
struct ConvertAcc {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    using Half = std::conditional_t<sizeof(T) == 2, int8_t,
                                    std::conditional_t<sizeof(T) == 4, int16_t, int32_t>>;
    c.set_reg<T>(kAcc, static_cast<T>(static_cast<Half>(c.reg<T>(kAcc))));
  }
};
// CWD/CDQ/CQO: the accumulator's sign into DX/EDX/RDX.
struct ConvertAccWide {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    c.set_reg<T>(kRdx, (c.reg<T>(kAcc) & kSignBit<T>) ? static_cast<T>(~T{0}) : T{0});
  }
};
struct Xlat {
  template <typename A>
  static void run(Cpu& c, const Insn& i) {
    A offset = static_cast<A>(c.reg<A>(kRbx) + c.reg<uint8_t>(kRax));
    c.set_reg<uint8_t>(kRax, c.read<uint8_t>(i.seg, offset));
  }
};
// LDS/LES/LSS/LFS/LGS Gv, Mp: offset then selector from memory.
template <unsigned Seg>
struct LoadFarPointer {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    uint64_t ea = c.effective_address(i);
    T offset = c.read<T>(i.seg, ea);
    uint16_t selector = c.read<uint16_t>(i.seg, (ea + sizeof(T)) & (i.asize == 16 ? 0xFFFF : ~0u));
    c.load_segment(Seg, selector);
    if (Seg == kSs) c.inhibit_interrupts();
    write_g<T>(c, i, offset);
  }
};
struct Bswap {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    if constexpr (sizeof(T) == 2) {
      c.set_reg<uint16_t>(i.reg, 0);  // BSWAP r16 is undefined; P6 hardware gives 0
    } else {
      c.set_reg<T>(i.reg, byte_swap(c.reg<T>(i.reg)));
    }
  }
};
template <unsigned CC>
struct Cmov {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    T v = read_e<T, M>(c, i);  // the source is read (and may fault) even when not moved
    if (condition<CC>(c.flags)) write_g<T>(c, i, v);
    else if constexpr (sizeof(T) == 4) write_g<T>(c, i, read_g<T>(c, i));  // zero-extends
  }
};

template <size_t... CC>
void add_cmov_rows(std::vector<OpcodeRow>& rows, std::index_sequence<CC...>) {
  (rows.push_back({static_cast<uint16_t>(kMap0F | (0x40 + CC)), -1, kCmovNames[CC], "Gv,Ev",
                   pick_v<Cmov<CC>>}),
   ...);
}

}  // namespace

std::vector<OpcodeRow> move_rows() {
  std::vector<OpcodeRow> rows = {
      {0x88, -1, "mov", "Eb,Gb", pick_b<MovEG>},
      {0x89, -1, "mov", "Ev,Gv", pick_v<MovEG>},
      {0x8A, -1, "mov", "Gb,Eb", pick_b<MovGE>},
      {0x8B, -1, "mov", "Gv,Ev", pick_v<MovGE>},
      {0xC6, 0, "mov", "Eb,Ib", pick_b<MovEI>},
      {0xC7, 0, "mov", "Ev,Iz", pick_v<MovEI>},
      {0xA0, -1, "mov", "al,Ob", pick_fixed<MovAccMoffs, uint8_t>},
      {0xA1, -1, "mov", "eax,Ov", pick_vo<MovAccMoffs>},
      {0xA2, -1, "mov", "Ob,al", pick_fixed<MovMoffsAcc, uint8_t>},
      {0xA3, -1, "mov", "Ov,eax", pick_vo<MovMoffsAcc>},
      {0x8D, -1, "lea", "Gv,M", pick_v<Lea>},
      {0x86, -1, "xchg", "Eb,Gb", pick_b<XchgEG>, attr::kLockable},
      {0x87, -1, "xchg", "Ev,Gv", pick_v<XchgEG>, attr::kLockable},
      {0x90, -1, "nop", "", pick<nop>},
      {0x98, -1, "cbw", "", pick_vo<ConvertAcc>},
      {0x99, -1, "cwd", "", pick_vo<ConvertAccWide>},
      {0xD7, -1, "xlat", "", pick_a<Xlat>},
      {0xC4, -1, "les", "Gv,Mp", pick_v<LoadFarPointer<kEs>>, attr::kNo64},
      {0xC5, -1, "lds", "Gv,Mp", pick_v<LoadFarPointer<kDs>>, attr::kNo64},
      {kMap0F | 0xB2, -1, "lss", "Gv,Mp", pick_v<LoadFarPointer<kSs>>},
      {kMap0F | 0xB4, -1, "lfs", "Gv,Mp", pick_v<LoadFarPointer<kFs>>},
      {kMap0F | 0xB5, -1, "lgs", "Gv,Mp", pick_v<LoadFarPointer<kGs>>},
      {kMap0F | 0xB6, -1, "movzx", "Gv,Eb", pick_v<MovExtend<uint8_t, false>>},
      {kMap0F | 0xB7, -1, "movzx", "Gv,Ew", pick_v<MovExtend<uint16_t, false>>},
      {kMap0F | 0xBE, -1, "movsx", "Gv,Eb", pick_v<MovExtend<uint8_t, true>>},
      {kMap0F | 0xBF, -1, "movsx", "Gv,Ew", pick_v<MovExtend<uint16_t, true>>},
  };
  // MOV Sw: ES, CS, SS, DS, FS, GS exist; loading CS with MOV is #UD.
  for (int8_t s = 0; s < 6; ++s) {
    rows.push_back({0x8C, s, "mov", "Ev,Sw", pick_v<MovESw>});
    if (s != kCs) rows.push_back({0x8E, s, "mov", "Sw,Ew", pick_w<MovSwE>});
  }
  for (uint16_t r = 0; r < 8; ++r) {
    rows.push_back({static_cast<uint16_t>(0xB0 + r), -1, "mov", "Zb,Ib", pick_fixed<MovRI, uint8_t>});
    rows.push_back({static_cast<uint16_t>(0xB8 + r), -1, "mov", "Zv,Iv", pick_vo<MovRI>});
    if (r != 0) rows.push_back({static_cast<uint16_t>(0x90 + r), -1, "xchg", "Zv,eax", pick_vo<XchgAccR>});
    rows.push_back({static_cast<uint16_t>(kMap0F | (0xC8 + r)), -1, "bswap", "Zv", pick_vo<Bswap>});
  }
  add_cmov_rows(rows, std::make_index_sequence<16>{});
  return rows;
}

}  // namespace trapeze
