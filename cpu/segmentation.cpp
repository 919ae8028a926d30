// Segment registers in every mode: loading them (with protected mode's descriptor and
// privilege checks), their descriptor caches, and the checks on each memory access.
#include "cpu/cpu_access.h"
#include "cpu/log.h"

namespace trapeze {

void Cpu::refresh_segment_access(unsigned s) {
  const Segment& sg = seg[s];
  uint8_t a = 0;
  const bool expand_down = (sg.rights & rights::kNonSystem) && !(sg.rights & rights::kCode) &&
                           (sg.rights & rights::kExpandDownConforming);
  if (!pm()) {
    // Real and virtual-8086 mode: every segment reads and writes; only limits matter.
    a = kAccessRead | kAccessWrite;
  } else if ((sg.rights & rights::kPresent) && (sg.rights & rights::kNonSystem)) {
    if (sg.rights & rights::kCode) {
      if (sg.rights & rights::kReadWrite) a |= kAccessRead;
    } else {
      a |= kAccessRead;
      if (sg.rights & rights::kReadWrite) a |= kAccessWrite;
    }
  }
  if (expand_down) a |= kAccessSlow | kAccessExpandDown;
  if (memory_watch_) a |= kAccessSlow;
  if (!(a & kAccessSlow) && sg.base == 0 && sg.limit == 0xFFFFFFFF) a |= kAccessFlat;
  seg_access_[s] = a;
}

void Cpu::segment_fault(unsigned s) { raise(s == kSs ? vec::kStack : vec::kGeneral, 0); }

void Cpu::check_access_slow(unsigned s, uint64_t offset, unsigned size, uint8_t need) {
  const Segment& sg = seg[s];
  if (!(seg_access_[s] & need)) segment_fault(s);
  if (seg_access_[s] & kAccessExpandDown) {
    // Expand-down: the valid offsets are limit+1 up to 64 KiB or 4 GiB - 1.
    const uint64_t upper = (sg.rights & rights::kBig) ? 0xFFFFFFFF : 0xFFFF;
    if (offset <= sg.limit || offset > upper || size - 1 > upper - offset) segment_fault(s);
  } else if (offset > sg.limit || size - 1 > sg.limit - offset) {
    segment_fault(s);
  }
  if (!memory_watch_) return;
  const uint64_t linear = (sg.base + offset) & 0xFFFFFFFF;
  if (alignment_check_ && (linear & (size - 1)) != 0) raise(vec::kAlignment, 0);
  if (data_breakpoints_) check_data_breakpoints(linear, size, need == kAccessWrite);
}

template <typename T>
T Cpu::read_slow(unsigned s, uint64_t offset) {
  const Segment& sg = seg[s];
  if ((seg_access_[s] & (kAccessRead | kAccessSlow)) != kAccessRead || offset > sg.limit ||
      sizeof(T) - 1 > sg.limit - offset)
    check_access_slow(s, offset, sizeof(T), kAccessRead);
  return mmu_.read<T>((sg.base + offset) & 0xFFFFFFFF, cpl_ == 3);
}

template <typename T>
void Cpu::write_slow(unsigned s, uint64_t offset, T value) {
  const Segment& sg = seg[s];
  if ((seg_access_[s] & (kAccessWrite | kAccessSlow)) != kAccessWrite || offset > sg.limit ||
      sizeof(T) - 1 > sg.limit - offset)
    check_access_slow(s, offset, sizeof(T), kAccessWrite);
  mmu_.write<T>((sg.base + offset) & 0xFFFFFFFF, value, cpl_ == 3);
}

template uint8_t Cpu::read_slow<uint8_t>(unsigned, uint64_t);
template uint16_t Cpu::read_slow<uint16_t>(unsigned, uint64_t);
template uint32_t Cpu::read_slow<uint32_t>(unsigned, uint64_t);
template uint64_t Cpu::read_slow<uint64_t>(unsigned, uint64_t);
template void Cpu::write_slow<uint8_t>(unsigned, uint64_t, uint8_t);
template void Cpu::write_slow<uint16_t>(unsigned, uint64_t, uint16_t);
template void Cpu::write_slow<uint32_t>(unsigned, uint64_t, uint32_t);
template void Cpu::write_slow<uint64_t>(unsigned, uint64_t, uint64_t);

void Cpu::check_write(unsigned s, uint64_t offset, unsigned size) {
  const Segment& sg = seg[s];
  if ((seg_access_[s] & (kAccessWrite | kAccessSlow)) != kAccessWrite || offset > sg.limit ||
      size - 1 > sg.limit - offset)
    check_access_slow(s, offset, size, kAccessWrite);
}

void Cpu::set_segment_cache(unsigned s, const Segment& cache) {
  seg[s] = cache;
  if (s == kCs) {
    attention_ = true;  // code size, limit and privilege of decoded blocks
    if (pm())
      cpl_ = cache.selector & 3;
    else
      cpl_ = v86_mode() ? 3 : 0;
  }
  refresh_segment_access(s);
}

bool Cpu::fetch_descriptor(uint16_t selector, Descriptor& out) {
  uint64_t base;
  uint32_t limit;
  if (selector & 4) {
    if (!(ldtr.rights & rights::kPresent) || (ldtr.selector & 0xFFFC) == 0) return false;
    base = ldtr.base;
    limit = ldtr.limit;
  } else {
    base = gdtr.base;
    limit = gdtr.limit;
  }
  const uint32_t offset = selector & 0xFFF8u;
  if (offset + 7 > limit) return false;
  out.low = read_system<uint32_t>(base + offset);
  out.high = read_system<uint32_t>(base + offset + 4);
  return true;
}

Descriptor Cpu::load_descriptor(uint16_t selector, uint8_t vector) {
  Descriptor d;
  if (!fetch_descriptor(selector, d)) raise(vector, selector_error(selector));
  return d;
}

void Cpu::set_descriptor_accessed(uint16_t selector, Descriptor& d) {
  if (d.system() || (d.type() & 1)) return;
  d.high |= 1u << 8;
  const uint64_t base = (selector & 4) ? ldtr.base : gdtr.base;
  write_system<uint8_t>(base + (selector & 0xFFF8u) + 5, static_cast<uint8_t>(d.high >> 8));
}

void Cpu::load_segment(unsigned s, uint16_t selector) {
  if (!pm()) {
    // Real mode: only the selector and base change; the cached limit and rights stay
    // (which is what makes "unreal mode" work). Virtual-8086 mode: 64 KiB, DPL 3, RW.
    Segment cache = seg[s];
    cache.selector = selector;
    cache.base = uint64_t{selector} << 4;
    if (v86_mode()) {
      cache.limit = 0xFFFF;
      cache.rights = 0xF3;
    }
    set_segment_cache(s, cache);
    return;
  }
  const unsigned rpl = selector & 3;
  if (s == kSs) {
    if ((selector & 0xFFFC) == 0) raise(vec::kGeneral, 0);
    Descriptor d = load_descriptor(selector, vec::kGeneral);
    if (rpl != cpl_ || d.dpl() != cpl_ || !d.writable_data())
      raise(vec::kGeneral, selector_error(selector));
    if (!d.present()) raise(vec::kStack, selector_error(selector));
    set_descriptor_accessed(selector, d);
    set_segment_cache(s, Segment{selector, d.base(), d.limit(), d.rights()});
    return;
  }
  if ((selector & 0xFFFC) == 0) {
    // A null selector loads fine; using it faults (#GP(0)).
    set_segment_cache(s, Segment{selector, 0, 0, 0});
    return;
  }
  Descriptor d = load_descriptor(selector, vec::kGeneral);
  if (d.system() || (d.code() && !d.readable())) raise(vec::kGeneral, selector_error(selector));
  if ((d.data() || !d.conforming()) && (rpl > d.dpl() || cpl_ > d.dpl()))
    raise(vec::kGeneral, selector_error(selector));
  if (!d.present()) raise(vec::kNotPresent, selector_error(selector));
  set_descriptor_accessed(selector, d);
  set_segment_cache(s, Segment{selector, d.base(), d.limit(), d.rights()});
}

void Cpu::load_ldt(uint16_t selector, uint8_t vector) {
  if ((selector & 0xFFFC) == 0) {
    ldtr = Segment{selector, 0, 0, 0};
    return;
  }
  if (selector & 4) raise(vector, selector_error(selector));
  Descriptor d = load_descriptor(selector, vector);
  if (!d.system() || d.type() != sys::kLdt) raise(vector, selector_error(selector));
  if (!d.present()) raise(vec::kNotPresent, selector_error(selector));
  ldtr = Segment{selector, d.base(), d.limit(), d.rights()};
}

}  // namespace trapeze
