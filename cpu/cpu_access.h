// Inline definitions of the CPU's typed register, memory and stack accessors. Included by
// the instruction handler files; kept out of cpu.h so that header stays readable.
#pragma once

#include <algorithm>

#include "cpu/cpu.h"

namespace trapeze {

template <typename T>
inline T Cpu::reg(unsigned n) const {
  if constexpr (sizeof(T) == 1)
    return reg8(n);
  else
    return static_cast<T>(gpr[n]);
}

template <typename T>
inline void Cpu::set_reg(unsigned n, T v) {
  if constexpr (sizeof(T) == 1)
    set_reg8(n, v);
  else if constexpr (sizeof(T) == 2)
    set_reg16(n, v);
  else
    gpr[n] = v;  // 32-bit writes zero-extend
}

// The inline part: a flat segment (the offset is the linear address) and a TLB hit. An
// offset at or past 4 GiB never hits (Mmu::hit), so the limit check is left to the
// out-of-line rest (cpu/segmentation.cpp), as is every other segment.
template <typename T>
inline T Cpu::read(unsigned s, uint64_t offset) {
  constexpr uint8_t kFlatRead = kAccessRead | kAccessFlat;
  if ((seg_access_[s] & kFlatRead) == kFlatRead) [[likely]]
    if (const uint8_t* p = mmu_.hit<T>(offset, Access::kRead, cpl_ == 3)) [[likely]]
      return load_le<T>(p);
  return read_slow<T>(s, offset);
}

template <typename T>
inline void Cpu::write(unsigned s, uint64_t offset, T value) {
  constexpr uint8_t kFlatWrite = kAccessWrite | kAccessFlat;
  if ((seg_access_[s] & kFlatWrite) == kFlatWrite) [[likely]]
    if (uint8_t* p = mmu_.hit<T>(offset, Access::kWrite, cpl_ == 3)) [[likely]] {
      store_le<T>(p, value);
      return;
    }
  write_slow<T>(s, offset, value);
}

inline uint8_t* Cpu::direct_span(unsigned s, uint64_t offset, bool write, uint64_t& bytes) {
  const Segment& sg = seg[s];
  const uint8_t need = write ? kAccessWrite : kAccessRead;
  if ((seg_access_[s] & (need | kAccessSlow)) != need || offset > sg.limit) return nullptr;
  const uint64_t linear = (sg.base + offset) & 0xFFFFFFFF;
  uint8_t* host = mmu_.direct(linear, write ? Access::kWrite : Access::kRead, cpl_ == 3);
  if (host == nullptr) return nullptr;
  bytes = std::min<uint64_t>(uint64_t{sg.limit} - offset + 1, kPageSize - (linear & kPageMask));
  return host;
}

inline uint8_t* Cpu::direct_span_down(unsigned s, uint64_t offset, unsigned size, bool write,
                                      uint64_t& below) {
  const Segment& sg = seg[s];
  const uint8_t need = write ? kAccessWrite : kAccessRead;
  if ((seg_access_[s] & (need | kAccessSlow)) != need || offset > sg.limit ||
      size - 1 > sg.limit - offset)
    return nullptr;
  const uint64_t linear = (sg.base + offset) & 0xFFFFFFFF;
  if ((linear & kPageMask) + size > kPageSize) return nullptr;
  uint8_t* host = mmu_.direct(linear, write ? Access::kWrite : Access::kRead, cpl_ == 3);
  if (host == nullptr) return nullptr;
  below = std::min<uint64_t>(offset, linear & kPageMask);
  return host;
}

template <typename T>
inline void Cpu::push(T value) {
  uint64_t new_sp = (sp() - sizeof(T)) & sp_mask();
  write<T>(kSs, new_sp, value);
  set_sp(new_sp);
}

template <typename T>
inline T Cpu::pop() {
  T v = read<T>(kSs, sp());
  set_sp(sp() + sizeof(T));
  return v;
}

template <typename T>
inline T Cpu::stack_peek(uint64_t depth) {
  return read<T>(kSs, (sp() + depth) & sp_mask());
}

}  // namespace trapeze
