// Control transfer: JMP, Jcc, CALL, RET, LOOP/JCXZ, far transfers, INT/INTO/INT3/IRET.
#include "cpu/conditions.h"
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

// A near branch: the target wraps to the operand size, then must lie within CS.
template <typename T>
void branch(Cpu& c, uint64_t target) {
  c.jump(static_cast<T>(target));
}
uint64_t relative_target(const Cpu& c, const Insn& i) { return c.rip + i.imm; }

struct JmpRel {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    branch<T>(c, relative_target(c, i));
  }
};
template <unsigned CC>
struct Jcc {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    if (condition<CC>(c.flags)) branch<T>(c, relative_target(c, i));
  }
};
template <unsigned CC>
struct Setcc {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    write_e<uint8_t, M>(c, i, condition<CC>(c.flags) ? 1 : 0);
  }
};
struct JmpE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    branch<T>(c, read_e<T, M>(c, i));
  }
};
struct CallRel {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    const T target = static_cast<T>(relative_target(c, i));
    if (target > c.seg[kCs].limit) c.raise(vec::kGeneral, 0);
    c.push<T>(static_cast<T>(c.rip));
    c.rip = target;
  }
};
struct CallE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const T target = read_e<T, M>(c, i);
    if (target > c.seg[kCs].limit) c.raise(vec::kGeneral, 0);
    c.push<T>(static_cast<T>(c.rip));
    c.rip = target;
  }
};
struct RetNear {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    const T target = c.pop<T>();
    c.jump(target);
    c.set_sp(c.sp() + static_cast<uint16_t>(i.imm));
  }
};

// The far pointer of a memory operand: offset (operand size) then selector.
template <typename T>
std::pair<uint16_t, T> read_far_pointer(Cpu& c, const Insn& i) {
  const uint64_t ea = c.effective_address(i);
  const T offset = c.read<T>(i.seg, ea);
  const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
  return {c.read<uint16_t>(i.seg, (ea + sizeof(T)) & mask), offset};
}
struct JmpFarImm {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.far_jump(i.imm2, static_cast<T>(i.imm), kBits<T>);
  }
};
struct CallFarImm {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.far_call(i.imm2, static_cast<T>(i.imm), kBits<T>);
  }
};
struct JmpFarMem {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    auto [selector, offset] = read_far_pointer<T>(c, i);
    c.far_jump(selector, offset, kBits<T>);
  }
};
struct CallFarMem {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    auto [selector, offset] = read_far_pointer<T>(c, i);
    c.far_call(selector, offset, kBits<T>);
  }
};
struct RetFar {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.far_return(kBits<T>, static_cast<uint16_t>(i.imm));
  }
};
struct Iret {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    c.interrupt_return(kBits<T>);
  }
};

// LOOP/LOOPE/LOOPNE/JCXZ count with CX or ECX by the address size.
template <int Kind>  // 0 LOOPNE, 1 LOOPE, 2 LOOP, 3 JCXZ
struct Loop {
  template <typename A>
  static void run(Cpu& c, const Insn& i) {
    A count = c.reg<A>(kRcx);
    bool taken;
    if constexpr (Kind == 3) {
      taken = count == 0;
    } else {
      --count;
      c.set_reg<A>(kRcx, count);
      taken = count != 0 && (Kind == 2 || c.flags.zf() == (Kind == 1));
    }
    if (!taken) return;
    if (i.osize == 16) branch<uint16_t>(c, relative_target(c, i));
    else branch<uint32_t>(c, relative_target(c, i));
  }
};

void int_n(Cpu& c, const Insn& i) { c.interrupt(static_cast<uint8_t>(i.imm), true, nullptr); }
void int3(Cpu& c, const Insn&) { c.interrupt(vec::kBreakpoint, true, nullptr); }
void int1(Cpu& c, const Insn&) { c.interrupt(vec::kDebug, false, nullptr); }
void into(Cpu& c, const Insn&) {
  if (c.flags.of()) c.interrupt(vec::kOverflow, true, nullptr);
}

template <size_t... CC>
void add_cc_rows(std::vector<OpcodeRow>& rows, std::index_sequence<CC...>) {
  (rows.push_back({static_cast<uint16_t>(0x70 + CC), -1, kJccNames[CC], "Jb", pick_vo<Jcc<CC>>}),
   ...);
  (rows.push_back({static_cast<uint16_t>(kMap0F | (0x80 + CC)), -1, kJccNames[CC], "Jz",
                   pick_vo<Jcc<CC>>}),
   ...);
  (rows.push_back({static_cast<uint16_t>(kMap0F | (0x90 + CC)), -1, kSetccNames[CC], "Eb",
                   pick_b<Setcc<CC>>}),
   ...);
}

}  // namespace

std::vector<OpcodeRow> control_rows() {
  std::vector<OpcodeRow> rows = {
      {0xEB, -1, "jmp", "Jb", pick_vo<JmpRel>},
      {0xE9, -1, "jmp", "Jz", pick_vo<JmpRel>},
      {0xEA, -1, "jmp", "Ap", pick_vo<JmpFarImm>, attr::kNo64},
      {0xFF, 4, "jmp", "Ev", pick_v<JmpE>, attr::kDefault64},
      {0xFF, 5, "jmp", "Mp", pick_v<JmpFarMem>},
      {0xE8, -1, "call", "Jz", pick_vo<CallRel>, attr::kDefault64},
      {0xFF, 2, "call", "Ev", pick_v<CallE>, attr::kDefault64},
      {0x9A, -1, "call", "Ap", pick_vo<CallFarImm>, attr::kNo64},
      {0xFF, 3, "call", "Mp", pick_v<CallFarMem>},
      {0xC3, -1, "ret", "", pick_vo<RetNear>, attr::kDefault64},
      {0xC2, -1, "ret", "Iw", pick_vo<RetNear>, attr::kDefault64},
      {0xCB, -1, "retf", "", pick_vo<RetFar>},
      {0xCA, -1, "retf", "Iw", pick_vo<RetFar>},
      {0xCF, -1, "iret", "", pick_vo<Iret>},
      {0xE0, -1, "loopne", "Jb", pick_a<Loop<0>>},
      {0xE1, -1, "loope", "Jb", pick_a<Loop<1>>},
      {0xE2, -1, "loop", "Jb", pick_a<Loop<2>>},
      {0xE3, -1, "jcxz", "Jb", pick_a<Loop<3>>},
      {0xCC, -1, "int3", "", pick<int3>},
      {0xCD, -1, "int", "Ib", pick<int_n>},
      {0xCE, -1, "into", "", pick<into>, attr::kNo64},
      {0xF1, -1, "int1", "", pick<int1>},
  };
  add_cc_rows(rows, std::make_index_sequence<16>{});
  return rows;
}

}  // namespace trapeze
