// EFLAGS with lazily evaluated arithmetic flags.
//
// An ALU instruction records its (sign-extended) result and a compact carry vector
// instead of computing six flags; a flag is derived only when something reads it. The
// carry vector ("aux") holds: bit 31 = carry/borrow out of the top bit (CF), bit 30 =
// carry out of the bit below it (so OF = bit31 ^ bit30), bit 3 = carry out of bit 3 (AF).
// ZF, SF and PF come from the result. Instructions with unusual flag rules (shifts, BCD,
// multiply) compute CF/OF/AF themselves and store them in the same form.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "cpu/registers.h"

namespace trapeze {

class Flags {
 public:
  // The whole EFLAGS value (bit 1 set).
  uint32_t read() const {
    if (!lazy_) return bits_;
    uint32_t f = bits_ & ~flag::kArith;
    if (cf()) f |= flag::CF;
    if (pf()) f |= flag::PF;
    if (af()) f |= flag::AF;
    if (zf()) f |= flag::ZF;
    if (sf()) f |= flag::SF;
    if (of()) f |= flag::OF;
    return f;
  }
  // The non-arithmetic bits (IF, DF, TF, IOPL, NT, RF, VM, AC, ...), without materializing
  // the lazily kept arithmetic flags.
  uint32_t control_bits() const { return bits_ & ~flag::kArith; }
  // Replaces every bit; the caller has already applied the instruction's write mask.
  void write(uint32_t value) {
    bits_ = value | flag::kReserved1;
    lazy_ = false;
  }
  // Replaces only the bits in `mask`.
  void write_masked(uint32_t value, uint32_t mask) { write((read() & ~mask) | (value & mask)); }

  bool cf() const { return lazy_ ? (aux_ >> 31) & 1 : bits_ & flag::CF; }
  bool of() const { return lazy_ ? ((aux_ >> 31) ^ (aux_ >> 30)) & 1 : (bits_ & flag::OF) != 0; }
  bool af() const { return lazy_ ? (aux_ >> 3) & 1 : (bits_ & flag::AF) != 0; }
  bool zf() const { return lazy_ ? result_ == 0 : (bits_ & flag::ZF) != 0; }
  bool sf() const { return lazy_ ? result_ >> 63 : (bits_ & flag::SF) != 0; }
  bool pf() const {
    return lazy_ ? (std::popcount(static_cast<uint8_t>(result_)) & 1) == 0 : (bits_ & flag::PF) != 0;
  }
  bool df() const { return bits_ & flag::DF; }
  // Control bits (IF, VM, AC, ...) are read and written without touching the lazily
  // kept arithmetic flags; only arithmetic masks materialize them.
  bool get(uint32_t mask) const {
    return ((mask & flag::kArith) ? read() : bits_) & mask;
  }
  void set(uint32_t mask, bool on) {
    if (mask & flag::kArith) {
      write_masked(on ? mask : 0, mask);
    } else {
      bits_ = on ? (bits_ | mask) : (bits_ & ~mask);
    }
  }

  template <typename T>
  void set_add(T a, T b, T r) {
    set_lazy(r, carry_bits<T>((a & b) | ((a ^ b) & ~r)));
  }
  template <typename T>
  void set_sub(T a, T b, T r) {
    set_lazy(r, carry_bits<T>((~a & b) | (~(a ^ b) & r)));
  }
  // Logical instructions: CF = OF = 0, AF = 0 (undefined, hardware clears it).
  template <typename T>
  void set_logic(T r) {
    set_lazy(r, 0);
  }
  // INC/DEC: like ADD/SUB of 1 but CF is preserved.
  template <typename T>
  void set_inc(T a, T r) {
    set_keep_cf(r, carry_bits<T>((a & T{1}) | ((a ^ T{1}) & ~r)));
  }
  template <typename T>
  void set_dec(T a, T r) {
    set_keep_cf(r, carry_bits<T>((~a & T{1}) | (~(a ^ T{1}) & r)));
  }
  // Any instruction that knows its CF/OF/AF explicitly; ZF/SF/PF follow from `r`.
  template <typename T>
  void set_result(T r, bool carry, bool overflow, bool adjust) {
    set_lazy(r, (uint32_t{carry} << 31) | (uint32_t{carry != overflow} << 30) |
                    (uint32_t{adjust} << 3));
  }

 private:
  template <typename T>
  static uint32_t carry_bits(T carries) {
    constexpr unsigned kBits = sizeof(T) * 8;
    return (static_cast<uint32_t>(carries >> (kBits - 2)) << 30) |
           (static_cast<uint32_t>(carries) & 8u);
  }
  template <typename T>
  void set_lazy(T r, uint32_t aux) {
    result_ = static_cast<uint64_t>(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(r)));
    aux_ = aux;
    if (!lazy_) {
      bits_ &= ~flag::kArith;
      lazy_ = true;
    }
  }
  template <typename T>
  void set_keep_cf(T r, uint32_t aux) {
    uint32_t carry = cf() ? 1u : 0u;
    uint32_t overflow = ((aux >> 31) ^ (aux >> 30)) & 1;
    set_lazy(r, (carry << 31) | ((carry ^ overflow) << 30) | (aux & 8u));
  }

  uint32_t bits_ = flag::kReserved1;  // all flags when !lazy_, the others when lazy_
  bool lazy_ = false;
  uint32_t aux_ = 0;
  uint64_t result_ = 0;
};

}  // namespace trapeze
