// Hardware task switches (SDM vol. 3, 7.3): JMP or CALL to a TSS or task gate, interrupts
// through task gates, and IRET with NT set. The outgoing state is saved in the current
// TSS, busy bits and the back link are kept, and the incoming state is loaded with its
// segment checks reported as #TS in the context of the new task.
#include "cpu/cpu_access.h"
#include "cpu/log.h"

namespace trapeze {

namespace {

bool is_tss32(unsigned type) { return type == sys::kTss32Available || type == sys::kTss32Busy; }

// Register slots of the 32-bit and 16-bit TSS layouts.
struct TssLayout {
  unsigned ip, flags, gpr, gpr_size, seg, seg_size, ldt;
};
constexpr TssLayout kTss32{0x20, 0x24, 0x28, 4, 0x48, 4, 0x60};
constexpr TssLayout kTss16{0x0E, 0x10, 0x12, 2, 0x22, 2, 0x2A};

}  // namespace

void Cpu::task_switch(uint16_t selector, const Descriptor& descriptor, TaskSwitchSource source) {
  report(CpuEvent{CpuEvent::Kind::kTaskSwitch, 0, false, 0, 0, selector});
  Descriptor d = descriptor;
  uint16_t tss_selector = selector;
  const bool explicit_transfer = source == TaskSwitchSource::kJump || source == TaskSwitchSource::kCall;
  if (d.type() == sys::kTaskGate) {
    if (explicit_transfer && (d.dpl() < cpl_ || d.dpl() < (selector & 3u)))
      raise(vec::kGeneral, selector_error(selector));
    if (!d.present()) raise(vec::kNotPresent, selector_error(selector));
    tss_selector = d.gate_selector();
    if ((tss_selector & 4) || !fetch_descriptor(tss_selector, d))
      raise(vec::kGeneral, selector_error(tss_selector));
  } else if (explicit_transfer && (d.dpl() < cpl_ || d.dpl() < (selector & 3u))) {
    raise(vec::kGeneral, selector_error(selector));
  }
  const unsigned type = d.type();
  const bool busy_expected = source == TaskSwitchSource::kIret;
  const bool type_ok = d.system() && (busy_expected ? (type == sys::kTss16Busy || type == sys::kTss32Busy)
                                                    : (type == sys::kTss16Available || type == sys::kTss32Available));
  if (!type_ok) raise(busy_expected ? vec::kInvalidTss : vec::kGeneral, selector_error(tss_selector));
  if (!d.present()) raise(vec::kNotPresent, selector_error(tss_selector));
  const bool new32 = is_tss32(type);
  if (d.limit() < (new32 ? 0x67u : 0x2Bu)) raise(vec::kInvalidTss, selector_error(tss_selector));

  // Read the incoming state before anything changes.
  const TssLayout& in = new32 ? kTss32 : kTss16;
  const uint64_t new_base = d.base();
  auto read_slot = [&](unsigned offset, unsigned size) -> uint32_t {
    return size == 4 ? read_system<uint32_t>(new_base + offset) : read_system<uint16_t>(new_base + offset);
  };
  const uint32_t new_cr3 = new32 ? read_system<uint32_t>(new_base + 0x1C) : 0;
  const uint32_t new_ip = read_slot(in.ip, in.gpr_size);
  uint32_t new_flags = read_slot(in.flags, in.gpr_size);
  uint32_t new_gpr[8];
  for (unsigned n = 0; n < 8; ++n) new_gpr[n] = read_slot(in.gpr + n * in.gpr_size, in.gpr_size);
  uint16_t new_seg[6];
  for (unsigned n = 0; n < 6; ++n)
    new_seg[n] = static_cast<uint16_t>(read_slot(in.seg + n * in.seg_size, 2));
  if (!new32) new_seg[kFs] = new_seg[kGs] = 0;  // the 16-bit TSS has no FS/GS
  const uint16_t new_ldt = static_cast<uint16_t>(read_slot(in.ldt, 2));

  // Save the outgoing state into the current TSS.
  const bool old32 = is_tss32(tr.rights & 0xF);
  const TssLayout& out = old32 ? kTss32 : kTss16;
  auto write_slot = [&](unsigned offset, unsigned size, uint32_t v) {
    if (size == 4) write_system<uint32_t>(tr.base + offset, v);
    else write_system<uint16_t>(tr.base + offset, static_cast<uint16_t>(v));
  };
  uint32_t old_flags = flags.read();
  if (source == TaskSwitchSource::kIret) old_flags &= ~flag::NT;
  write_slot(out.ip, out.gpr_size, static_cast<uint32_t>(rip));
  write_slot(out.flags, out.gpr_size, old_flags);
  for (unsigned n = 0; n < 8; ++n) write_slot(out.gpr + n * out.gpr_size, out.gpr_size, static_cast<uint32_t>(gpr[n]));
  for (unsigned n = 0; n < (old32 ? 6u : 4u); ++n) write_slot(out.seg + n * out.seg_size, 2, seg[n].selector);

  // Busy bits: the old task stays busy only when it is nested (CALL, interrupt).
  auto set_busy = [&](uint16_t sel, bool busy) {
    const uint64_t address = gdtr.base + (sel & 0xFFF8u) + 5;
    uint8_t access = read_system<uint8_t>(address);
    access = busy ? (access | 2) : (access & ~2);
    write_system<uint8_t>(address, access);
  };
  if (source == TaskSwitchSource::kJump || source == TaskSwitchSource::kIret) set_busy(tr.selector, false);
  if (source != TaskSwitchSource::kIret) set_busy(tss_selector, true);
  if (source == TaskSwitchSource::kCall || source == TaskSwitchSource::kInterrupt) {
    write_system<uint16_t>(new_base, tr.selector);  // back link
    new_flags |= flag::NT;
  }

  // Switch: the task register, CR0.TS, then the new task's registers.
  tr = Segment{tss_selector, new_base, d.limit(), static_cast<uint16_t>(d.rights() | 2)};
  cr0 |= cr0::TS;
  if (new32 && (cr0 & cr0::PG)) write_cr3(new_cr3);
  if (!new32) new_flags = (flags.read() & 0xFFFF0000) | (new_flags & 0xFFFF);
  flags.write(new_flags);
  for (unsigned n = 0; n < 8; ++n) {
    if (new32) gpr[n] = new_gpr[n];
    else set_reg16(n, static_cast<uint16_t>(new_gpr[n]));
  }
  rip = new_ip;
  // Selectors first, so that a fault below leaves the new task's selectors visible.
  for (unsigned n = 0; n < 6; ++n) seg[n].selector = new_seg[n];

  if (v86_mode()) {
    for (unsigned n = 0; n < 6; ++n)
      set_segment_cache(n, Segment{new_seg[n], uint64_t{new_seg[n]} << 4, 0xFFFF, 0xF3});
    load_ldt(new_ldt, vec::kInvalidTss);
    return;
  }
  load_ldt(new_ldt, vec::kInvalidTss);

  // CS decides the new CPL.
  const uint16_t cs = new_seg[kCs];
  if ((cs & 0xFFFC) == 0) raise(vec::kInvalidTss, selector_error(cs));
  Descriptor cd;
  if (!fetch_descriptor(cs, cd) || !cd.code() ||
      (cd.conforming() ? cd.dpl() > (cs & 3u) : cd.dpl() != (cs & 3u)))
    raise(vec::kInvalidTss, selector_error(cs));
  if (!cd.present()) raise(vec::kNotPresent, selector_error(cs));
  load_cs_for_transfer(cs, cd, cs & 3);

  const uint16_t ss = new_seg[kSs];
  Descriptor sd;
  if ((ss & 0xFFFC) == 0 || !fetch_descriptor(ss, sd) || (ss & 3u) != cpl_ || sd.dpl() != cpl_ ||
      !sd.writable_data())
    raise(vec::kInvalidTss, selector_error(ss));
  if (!sd.present()) raise(vec::kStack, selector_error(ss));
  set_descriptor_accessed(ss, sd);
  set_segment_cache(kSs, Segment{ss, sd.base(), sd.limit(), sd.rights()});

  for (unsigned s : {kEs, kDs, kFs, kGs}) {
    const uint16_t sel = new_seg[s];
    if ((sel & 0xFFFC) == 0) {
      set_segment_cache(s, Segment{sel, 0, 0, 0});
      continue;
    }
    Descriptor dd;
    if (!fetch_descriptor(sel, dd) || dd.system() || (dd.code() && !dd.readable()) ||
        ((dd.data() || !dd.conforming()) && (dd.dpl() < cpl_ || dd.dpl() < (sel & 3u))))
      raise(vec::kInvalidTss, selector_error(sel));
    if (!dd.present()) raise(vec::kNotPresent, selector_error(sel));
    set_descriptor_accessed(sel, dd);
    set_segment_cache(s, Segment{sel, dd.base(), dd.limit(), dd.rights()});
  }
  if (rip > seg[kCs].limit) raise(vec::kGeneral, 0);
}

}  // namespace trapeze
