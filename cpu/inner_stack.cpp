#include "cpu/inner_stack.h"

namespace trapeze {

InnerStack read_inner_stack(Cpu& cpu, unsigned dpl) {
  const Segment& tr = cpu.tr;
  const bool tss32 = ((tr.rights & 0xF) | 2) == sys::kTss32Busy;
  const uint32_t offset = tss32 ? 4 + 8 * dpl : 2 + 4 * dpl;
  const unsigned size = tss32 ? 4 : 2;
  if (offset + 2 * size - 1 > tr.limit) cpu.raise(vec::kInvalidTss, cpu.selector_error(tr.selector));
  uint64_t sp;
  uint16_t ss;
  if (tss32) {
    sp = cpu.read_system<uint32_t>(tr.base + offset);
    ss = cpu.read_system<uint16_t>(tr.base + offset + 4);
  } else {
    sp = cpu.read_system<uint16_t>(tr.base + offset);
    ss = cpu.read_system<uint16_t>(tr.base + offset + 2);
  }
  if ((ss & 0xFFFC) == 0) cpu.raise(vec::kInvalidTss, cpu.selector_error(ss));
  Descriptor d;
  if (!cpu.fetch_descriptor(ss, d)) cpu.raise(vec::kInvalidTss, cpu.selector_error(ss));
  if ((ss & 3) != dpl || d.dpl() != dpl || !d.writable_data())
    cpu.raise(vec::kInvalidTss, cpu.selector_error(ss));
  if (!d.present()) cpu.raise(vec::kStack, cpu.selector_error(ss));
  cpu.set_descriptor_accessed(ss, d);
  return InnerStack{Segment{ss, d.base(), d.limit(), d.rights()}, sp};
}

}  // namespace trapeze
