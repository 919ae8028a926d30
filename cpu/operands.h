// Operand access for instruction handlers: the ModRM r/m operand ("E"), the ModRM reg
// operand ("G"), and read-modify-write of E. `Mem` is fixed at decode time, so a handler
// instantiation only ever contains the register path or the memory path.
#pragma once

#include <type_traits>

#include "cpu/cpu_access.h"

namespace trapeze {

template <typename T, bool Mem>
inline T read_e(Cpu& cpu, const Insn& i) {
  if constexpr (Mem) return cpu.read<T>(i.seg, cpu.effective_address(i));
  else return cpu.reg<T>(i.rm);
}

template <typename T, bool Mem>
inline void write_e(Cpu& cpu, const Insn& i, T value) {
  if constexpr (Mem) cpu.write<T>(i.seg, cpu.effective_address(i), value);
  else cpu.set_reg<T>(i.rm, value);
}

template <typename T>
inline T read_g(const Cpu& cpu, const Insn& i) {
  return cpu.reg<T>(i.reg);
}

template <typename T>
inline void write_g(Cpu& cpu, const Insn& i, T value) {
  cpu.set_reg<T>(i.reg, value);
}

// The E operand of a read-modify-write instruction: the address is computed once.
template <typename T, bool Mem>
class RmwE {
 public:
  RmwE(Cpu& cpu, const Insn& i) : cpu_(cpu), i_(i), ea_(Mem ? cpu.effective_address(i) : 0) {}
  T get() {
    if constexpr (Mem) return cpu_.read<T>(i_.seg, ea_);
    else return cpu_.reg<T>(i_.rm);
  }
  void set(T value) {
    if constexpr (Mem) cpu_.write<T>(i_.seg, ea_, value);
    else cpu_.set_reg<T>(i_.rm, value);
  }

 private:
  Cpu& cpu_;
  const Insn& i_;
  uint64_t ea_;
};

template <typename T>
inline constexpr unsigned kBits = sizeof(T) * 8;
template <typename T>
inline constexpr T kSignBit = static_cast<T>(T{1} << (kBits<T> - 1));

// Truncates an immediate to the operand type.
template <typename T>
inline T imm(const Insn& i) {
  return static_cast<T>(i.imm);
}

// The accumulator of the operand size: AL, AX, EAX, RAX.
inline constexpr unsigned kAcc = kRax;

}  // namespace trapeze
