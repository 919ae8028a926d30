// ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC NOT NEG: two-operand integer arithmetic.
#include "cpu/opcode_table.h"
#include "cpu/operands.h"

namespace trapeze {
namespace {

struct Add {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = static_cast<T>(a + b);
    f.set_add(a, b, r);
    return r;
  }
};
struct Adc {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = static_cast<T>(a + b + T{f.cf()});
    f.set_add(a, b, r);
    return r;
  }
};
struct Sub {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = static_cast<T>(a - b);
    f.set_sub(a, b, r);
    return r;
  }
};
struct Sbb {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = static_cast<T>(a - b - T{f.cf()});
    f.set_sub(a, b, r);
    return r;
  }
};
struct Cmp : Sub {
  static constexpr bool kWrites = false;
};
struct And {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = a & b;
    f.set_logic(r);
    return r;
  }
};
struct Or {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = a | b;
    f.set_logic(r);
    return r;
  }
};
struct Xor {
  static constexpr bool kWrites = true;
  template <typename T>
  static T apply(Flags& f, T a, T b) {
    T r = a ^ b;
    f.set_logic(r);
    return r;
  }
};
struct Test : And {
  static constexpr bool kWrites = false;
};

// op E, G
template <class Op>
struct AluEG {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    T r = Op::apply(c.flags, e.get(), read_g<T>(c, i));
    if constexpr (Op::kWrites) e.set(r);
  }
};
// op G, E
template <class Op>
struct AluGE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    T r = Op::apply(c.flags, read_g<T>(c, i), read_e<T, M>(c, i));
    if constexpr (Op::kWrites) write_g<T>(c, i, r);
  }
};
// op E, imm
template <class Op>
struct AluEI {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    T r = Op::apply(c.flags, e.get(), imm<T>(i));
    if constexpr (Op::kWrites) e.set(r);
  }
};
// op AL/eAX, imm
template <class Op>
struct AluAI {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    T r = Op::apply(c.flags, c.reg<T>(kAcc), imm<T>(i));
    if constexpr (Op::kWrites) c.set_reg<T>(kAcc, r);
  }
};

struct IncE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    T a = e.get(), r = static_cast<T>(a + 1);
    e.set(r);
    c.flags.set_inc(a, r);
  }
};
struct DecE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    T a = e.get(), r = static_cast<T>(a - 1);
    e.set(r);
    c.flags.set_dec(a, r);
  }
};
// INC/DEC r (40-4F): the register is in the opcode.
struct IncR {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    T a = c.reg<T>(i.reg), r = static_cast<T>(a + 1);
    c.set_reg<T>(i.reg, r);
    c.flags.set_inc(a, r);
  }
};
struct DecR {
  template <typename T>
  static void run(Cpu& c, const Insn& i) {
    T a = c.reg<T>(i.reg), r = static_cast<T>(a - 1);
    c.set_reg<T>(i.reg, r);
    c.flags.set_dec(a, r);
  }
};
struct NotE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    e.set(static_cast<T>(~e.get()));
  }
};
struct NegE {
  template <typename T, bool M>
  static void run(Cpu& c, const Insn& i) {
    RmwE<T, M> e(c, i);
    T b = e.get(), r = static_cast<T>(T{0} - b);
    e.set(r);
    c.flags.set_sub(T{0}, b, r);
  }
};

// The eight classic ALU operations share opcode layout: base + 0..5, and /n in 80-83.
template <class Op>
void add_alu_rows(std::vector<OpcodeRow>& rows, uint16_t base, unsigned n, const char* name,
                  uint32_t lock) {
  rows.push_back({static_cast<uint16_t>(base + 0), -1, name, "Eb,Gb", pick_b<AluEG<Op>>, lock});
  rows.push_back({static_cast<uint16_t>(base + 1), -1, name, "Ev,Gv", pick_v<AluEG<Op>>, lock});
  rows.push_back({static_cast<uint16_t>(base + 2), -1, name, "Gb,Eb", pick_b<AluGE<Op>>});
  rows.push_back({static_cast<uint16_t>(base + 3), -1, name, "Gv,Ev", pick_v<AluGE<Op>>});
  rows.push_back({static_cast<uint16_t>(base + 4), -1, name, "al,Ib", pick_fixed<AluAI<Op>, uint8_t>});
  rows.push_back({static_cast<uint16_t>(base + 5), -1, name, "eax,Iz", pick_vo<AluAI<Op>>});
  const auto reg = static_cast<int8_t>(n);
  rows.push_back({0x80, reg, name, "Eb,Ib", pick_b<AluEI<Op>>, lock});
  rows.push_back({0x81, reg, name, "Ev,Iz", pick_v<AluEI<Op>>, lock});
  rows.push_back({0x82, reg, name, "Eb,Ib", pick_b<AluEI<Op>>, lock | attr::kNo64});
  rows.push_back({0x83, reg, name, "Ev,Ibs", pick_v<AluEI<Op>>, lock});
}

}  // namespace

std::vector<OpcodeRow> alu_rows() {
  constexpr uint32_t kLock = attr::kLockable;
  std::vector<OpcodeRow> rows;
  add_alu_rows<Add>(rows, 0x00, 0, "add", kLock);
  add_alu_rows<Or>(rows, 0x08, 1, "or", kLock);
  add_alu_rows<Adc>(rows, 0x10, 2, "adc", kLock);
  add_alu_rows<Sbb>(rows, 0x18, 3, "sbb", kLock);
  add_alu_rows<And>(rows, 0x20, 4, "and", kLock);
  add_alu_rows<Sub>(rows, 0x28, 5, "sub", kLock);
  add_alu_rows<Xor>(rows, 0x30, 6, "xor", kLock);
  add_alu_rows<Cmp>(rows, 0x38, 7, "cmp", 0);
  rows.insert(rows.end(), {
      {0x84, -1, "test", "Eb,Gb", pick_b<AluEG<Test>>},
      {0x85, -1, "test", "Ev,Gv", pick_v<AluEG<Test>>},
      {0xA8, -1, "test", "al,Ib", pick_fixed<AluAI<Test>, uint8_t>},
      {0xA9, -1, "test", "eax,Iz", pick_vo<AluAI<Test>>},
      {0xF6, 0, "test", "Eb,Ib", pick_b<AluEI<Test>>},
      {0xF6, 1, "test", "Eb,Ib", pick_b<AluEI<Test>>},  // undocumented alias of /0
      {0xF7, 0, "test", "Ev,Iz", pick_v<AluEI<Test>>},
      {0xF7, 1, "test", "Ev,Iz", pick_v<AluEI<Test>>},
      {0xF6, 2, "not", "Eb", pick_b<NotE>, kLock},
      {0xF7, 2, "not", "Ev", pick_v<NotE>, kLock},
      {0xF6, 3, "neg", "Eb", pick_b<NegE>, kLock},
      {0xF7, 3, "neg", "Ev", pick_v<NegE>, kLock},
      {0xFE, 0, "inc", "Eb", pick_b<IncE>, kLock},
      {0xFE, 1, "dec", "Eb", pick_b<DecE>, kLock},
      {0xFF, 0, "inc", "Ev", pick_v<IncE>, kLock},
      {0xFF, 1, "dec", "Ev", pick_v<DecE>, kLock},
  });
  for (uint16_t r = 0; r < 8; ++r) {
    rows.push_back({static_cast<uint16_t>(0x40 + r), -1, "inc", "Zv", pick_vo<IncR>, attr::kNo64});
    rows.push_back({static_cast<uint16_t>(0x48 + r), -1, "dec", "Zv", pick_vo<DecR>, attr::kNo64});
  }
  return rows;
}

}  // namespace trapeze
