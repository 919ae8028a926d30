// Atomic exchange-and-operate instructions of the 486 and Pentium: XADD, CMPXCHG,
// CMPXCHG8B. (There is one CPU, so atomicity is automatic.)
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

struct Xadd {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    const T dst = e.get(), src = read_g<T>(c, i);
    const T sum = static_cast<T>(dst + src);
    e.set(sum);
    write_g<T>(c, i, dst);
    c.flags.set_add(dst, src, sum);
  }
};

struct Cmpxchg {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    const T dst = e.get(), acc = c.reg<T>(kAcc);
    c.flags.set_sub(acc, dst, static_cast<T>(acc - dst));
    if (acc == dst) {
      e.set(read_g<T>(c, i));
    } else {
      e.set(dst);  // the destination is always written (a locked read-modify-write)
      c.set_reg<T>(kAcc, dst);
    }
  }
};

struct Cmpxchg8b {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    const uint64_t ea = c.effective_address(i);
    const uint64_t mask = i.asize == 16 ? 0xFFFF : 0xFFFFFFFF;
    const uint32_t lo = c.read<uint32_t>(i.seg, ea), hi = c.read<uint32_t>(i.seg, (ea + 4) & mask);
    const bool equal = lo == c.reg<uint32_t>(kRax) && hi == c.reg<uint32_t>(kRdx);
    if (equal) {
      c.write<uint32_t>(i.seg, ea, c.reg<uint32_t>(kRbx));
      c.write<uint32_t>(i.seg, (ea + 4) & mask, c.reg<uint32_t>(kRcx));
    } else {
      c.write<uint32_t>(i.seg, ea, lo);
      c.write<uint32_t>(i.seg, (ea + 4) & mask, hi);
      c.set_reg<uint32_t>(kRax, lo);
      c.set_reg<uint32_t>(kRdx, hi);
    }
    c.flags.set(flag::ZF, equal);
  }
};

}  // namespace

std::vector<OpcodeRow> exchange_rows() {
  constexpr uint32_t kLock = attr::kLockable;
  return {
      {kMap0F | 0xC0, -1, "xadd", "Eb,Gb", pick_b<Xadd>, kLock},
      {kMap0F | 0xC1, -1, "xadd", "Ev,Gv", pick_v<Xadd>, kLock},
      {kMap0F | 0xB0, -1, "cmpxchg", "Eb,Gb", pick_b<Cmpxchg>, kLock},
      {kMap0F | 0xB1, -1, "cmpxchg", "Ev,Gv", pick_v<Cmpxchg>, kLock},
      {kMap0F | 0xC7, 1, "cmpxchg8b", "Mq", pick_v<Cmpxchg8b>, kLock},
  };
}

}  // namespace trapeze
