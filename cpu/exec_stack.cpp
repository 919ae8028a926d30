// PUSH and POP of registers, segment registers, immediates and memory; PUSHA/POPA;
// ENTER/LEAVE.
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

struct PushR {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.push<T>(c.reg<T>(i.reg));  // PUSH SP pushes the value before the decrement (286+)
  }
};
struct PopR {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    T v = c.pop<T>();
    c.set_reg<T>(i.reg, v);  // POP SP: the popped value wins over the increment
  }
};
struct PushI {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    c.push<T>(imm<T>(i));
  }
};
struct PushE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    c.push<T>(read_e<T, M>(c, i));
  }
};
struct PopE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    // The value is popped first: an ESP-based destination address uses the new ESP.
    T v = c.pop<T>();
    write_e<T, M>(c, i, v);
  }
};
template <unsigned Seg>
struct PushSeg {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    c.push<T>(static_cast<T>(c.seg[Seg].selector));
  }
};
template <unsigned Seg>
struct PopSeg {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    uint16_t selector = static_cast<uint16_t>(c.stack_peek<T>(0));
    c.load_segment(Seg, selector);  // may fault: SP moves only after the load succeeds
    c.set_sp(c.sp() + sizeof(T));
    if (Seg == kSs) c.inhibit_interrupts();
  }
};
struct Pusha {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    const T original_sp = c.reg<T>(kRsp);
    for (unsigned r = kRax; r <= kRdi; ++r) c.push<T>(r == kRsp ? original_sp : c.reg<T>(r));
  }
};
struct Popa {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    T values[8];
    for (unsigned n = 0; n < 8; ++n) values[n] = c.stack_peek<T>(n * sizeof(T));
    for (unsigned n = 0; n < 8; ++n)
      if (7 - n != kRsp) c.set_reg<T>(7 - n, values[n]);  // DI first; SP is skipped
    c.set_sp(c.sp() + 8 * sizeof(T));
  }
};
// ENTER Iw, Ib: make a stack frame with `level` levels of display.
struct Enter {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    const uint16_t size = static_cast<uint16_t>(i.imm);
    const unsigned level = i.imm2 & 31;
    const uint64_t bp_mask = c.sp_mask();
    c.push<T>(c.reg<T>(kRbp));
    const uint64_t frame = c.sp();
    uint64_t bp = c.gpr[kRbp] & bp_mask;
    if (level > 0) {
      for (unsigned n = 1; n < level; ++n) {
        bp = (bp - sizeof(T)) & bp_mask;
        c.push<T>(c.read<T>(kSs, bp));
      }
      c.push<T>(static_cast<T>(frame));
    }
    c.gpr[kRbp] = (c.gpr[kRbp] & ~bp_mask) | frame;  // BP or EBP by the stack's size
    c.set_sp(c.sp() - size);
  }
};
struct Leave {
  template <typename T>
  static void run(Cpu& c, const Insn&) {
    c.set_sp(c.gpr[kRbp]);  // a fault in the pop restores SP (the instruction loop does)
    T bp = c.pop<T>();
    c.set_reg<T>(kRbp, bp);
  }
};

}  // namespace

std::vector<OpcodeRow> stack_rows() {
  std::vector<OpcodeRow> rows = {
      {0x06, -1, "push", "es", pick_vo<PushSeg<kEs>>, attr::kNo64},
      {0x07, -1, "pop", "es", pick_vo<PopSeg<kEs>>, attr::kNo64},
      {0x0E, -1, "push", "cs", pick_vo<PushSeg<kCs>>, attr::kNo64},
      {0x16, -1, "push", "ss", pick_vo<PushSeg<kSs>>, attr::kNo64},
      {0x17, -1, "pop", "ss", pick_vo<PopSeg<kSs>>, attr::kNo64},
      {0x1E, -1, "push", "ds", pick_vo<PushSeg<kDs>>, attr::kNo64},
      {0x1F, -1, "pop", "ds", pick_vo<PopSeg<kDs>>, attr::kNo64},
      {kMap0F | 0xA0, -1, "push", "fs", pick_vo<PushSeg<kFs>>, attr::kDefault64},
      {kMap0F | 0xA1, -1, "pop", "fs", pick_vo<PopSeg<kFs>>, attr::kDefault64},
      {kMap0F | 0xA8, -1, "push", "gs", pick_vo<PushSeg<kGs>>, attr::kDefault64},
      {kMap0F | 0xA9, -1, "pop", "gs", pick_vo<PopSeg<kGs>>, attr::kDefault64},
      {0x60, -1, "pusha", "", pick_vo<Pusha>, attr::kNo64},
      {0x61, -1, "popa", "", pick_vo<Popa>, attr::kNo64},
      {0x68, -1, "push", "Iz", pick_vo<PushI>, attr::kDefault64},
      {0x6A, -1, "push", "Ibs", pick_vo<PushI>, attr::kDefault64},
      {0x8F, 0, "pop", "Ev", pick_v<PopE>, attr::kDefault64},
      {0xFF, 6, "push", "Ev", pick_v<PushE>, attr::kDefault64},
      {0xC8, -1, "enter", "Iw,Ib", pick_vo<Enter>, attr::kDefault64},
      {0xC9, -1, "leave", "", pick_vo<Leave>, attr::kDefault64},
  };
  for (uint16_t r = 0; r < 8; ++r) {
    rows.push_back({static_cast<uint16_t>(0x50 + r), -1, "push", "Zv", pick_vo<PushR>, attr::kDefault64});
    rows.push_back({static_cast<uint16_t>(0x58 + r), -1, "pop", "Zv", pick_vo<PopR>, attr::kDefault64});
  }
  return rows;
}

}  // namespace trapeze
