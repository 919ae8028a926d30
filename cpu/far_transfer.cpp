// Far JMP, CALL, RET and IRET in every mode: real-mode and virtual-8086 transfers, and
// protected mode's code-segment checks, call gates with stack switches and parameter
// copying, returns to outer privilege levels, and task switches through gates and TSSs
// (SDM vol. 3, 5.8 and 7.3).
#include "cpu/cpu_access.h"
#include "cpu/inner_stack.h"
#include "cpu/stack_frame.h"

namespace trapeze {

namespace {

// Flags IRET may change in protected mode besides IF, IOPL, VIF and VIP.
constexpr uint32_t kIretFlags = flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF | flag::TF |
                                flag::DF | flag::OF | flag::NT | flag::RF | flag::AC | flag::ID;

}  // namespace

void Cpu::load_cs_for_transfer(uint16_t selector, const Descriptor& target, unsigned new_cpl) {
  Descriptor d = target;
  set_descriptor_accessed(selector, d);
  cpl_ = new_cpl;
  set_segment_cache(kCs, Segment{static_cast<uint16_t>((selector & 0xFFFC) | new_cpl), d.base(),
                                 d.limit(), d.rights()});
}

void Cpu::jump(uint64_t target) {
  if (target > seg[kCs].limit) raise(vec::kGeneral, 0);
  rip = target;
}

void Cpu::far_jump(uint16_t selector, uint64_t offset, unsigned osize) {
  far_transfer(selector, offset, osize, false);
}

void Cpu::far_call(uint16_t selector, uint64_t offset, unsigned osize) {
  far_transfer(selector, offset, osize, true);
}

void Cpu::push_return_address(unsigned size) {
  if (size == 4) {
    push<uint32_t>(seg[kCs].selector);
    push<uint32_t>(static_cast<uint32_t>(rip));
  } else {
    push<uint16_t>(seg[kCs].selector);
    push<uint16_t>(static_cast<uint16_t>(rip));
  }
}

// JMP far and CALL far share their checks; CALL also pushes CS:IP (SDM vol. 2, JMP/CALL).
void Cpu::far_transfer(uint16_t selector, uint64_t offset, unsigned osize, bool call) {
  if (!pm()) {
    if (offset > seg[kCs].limit) raise(vec::kGeneral, 0);
    if (call) push_return_address(osize / 8);
    load_segment(kCs, selector);
    rip = offset;
    return;
  }
  if ((selector & 0xFFFC) == 0) raise(vec::kGeneral, 0);
  const Descriptor d = load_descriptor(selector, vec::kGeneral);
  if (!d.system()) {
    if (!d.code()) raise(vec::kGeneral, selector_error(selector));
    if (d.conforming() ? d.dpl() > cpl_ : ((selector & 3) > cpl_ || d.dpl() != cpl_))
      raise(vec::kGeneral, selector_error(selector));
    if (!d.present()) raise(vec::kNotPresent, selector_error(selector));
    if (offset > d.limit()) raise(vec::kGeneral, 0);
    if (call) push_return_address(osize / 8);
    load_cs_for_transfer(selector, d, cpl_);
    rip = offset;
    return;
  }
  switch (d.type()) {
    case sys::kCallGate16:
    case sys::kCallGate32:
      far_call_gate(d, selector, osize, call);
      return;
    case sys::kTaskGate:
    case sys::kTss16Available:
    case sys::kTss32Available:
      task_switch(selector, d, call ? TaskSwitchSource::kCall : TaskSwitchSource::kJump);
      return;
    default:
      raise(vec::kGeneral, selector_error(selector));
  }
}

void Cpu::far_call_gate(const Descriptor& gate, uint16_t gate_selector, unsigned, bool call) {
  if (gate.dpl() < cpl_ || gate.dpl() < (gate_selector & 3u))
    raise(vec::kGeneral, selector_error(gate_selector));
  if (!gate.present()) raise(vec::kNotPresent, selector_error(gate_selector));
  const uint16_t target_selector = gate.gate_selector();
  if ((target_selector & 0xFFFC) == 0) raise(vec::kGeneral, 0);
  const Descriptor target = load_descriptor(target_selector, vec::kGeneral);
  if (!target.code() || target.dpl() > cpl_) raise(vec::kGeneral, selector_error(target_selector));
  if (!target.present()) raise(vec::kNotPresent, selector_error(target_selector));
  const uint64_t offset = gate.gate32() ? gate.gate_offset() : gate.gate_offset() & 0xFFFF;
  const unsigned size = gate.gate32() ? 4 : 2;

  if (!call) {
    if (!target.conforming() && target.dpl() != cpl_)
      raise(vec::kGeneral, selector_error(target_selector));
    if (offset > target.limit()) raise(vec::kGeneral, 0);
    load_cs_for_transfer(target_selector, target, cpl_);
    rip = offset;
    return;
  }

  if (!target.conforming() && target.dpl() < cpl_) {
    // To a more privileged level: a new stack from the TSS, the old SS:ESP and the
    // gate's parameters copied onto it, then the return address.
    const unsigned new_cpl = target.dpl();
    const InnerStack inner = read_inner_stack(*this, new_cpl);
    if (offset > target.limit()) raise(vec::kGeneral, 0);
    const unsigned count = gate.gate_params();
    uint32_t params[32];
    for (unsigned n = 0; n < count; ++n)
      params[n] = size == 4 ? stack_peek<uint32_t>(n * 4) : stack_peek<uint16_t>(n * 2);
    StackFrameWriter frame(*this, inner.ss, inner.sp, vec::kStack, selector_error(inner.ss.selector));
    frame.push(seg[kSs].selector, size);
    frame.push(static_cast<uint32_t>(sp()), size);
    for (unsigned n = count; n-- > 0;) frame.push(params[n], size);
    frame.push(seg[kCs].selector, size);
    frame.push(static_cast<uint32_t>(rip), size);
    // Commit.
    cpl_ = new_cpl;
    set_segment_cache(kSs, inner.ss);
    set_sp(frame.sp());
    load_cs_for_transfer(target_selector, target, new_cpl);
    rip = offset;
    return;
  }
  if (offset > target.limit()) raise(vec::kGeneral, 0);
  push_return_address(size);
  load_cs_for_transfer(target_selector, target, cpl_);
  rip = offset;
}

// After a return to an outer level, data segment registers the new CPL may not use are
// nulled, so the less privileged code cannot keep inner-level segments.
void Cpu::return_to_outer_level_segments() {
  for (unsigned s : {kEs, kDs, kFs, kGs}) {
    const Segment& sg = seg[s];
    const bool data_or_nonconforming = !(sg.rights & rights::kCode) || !(sg.rights & rights::kExpandDownConforming);
    const unsigned dpl = (sg.rights >> 5) & 3;
    if ((sg.rights & rights::kNonSystem) && data_or_nonconforming && dpl < cpl_)
      set_segment_cache(s, Segment{0, 0, 0, 0});
  }
}

// The code segment a RETF or IRET returns to: never more privileged than the caller,
// and matching its own RPL (SDM vol. 2, RET and IRET).
Descriptor Cpu::return_code_segment(uint16_t selector) {
  if ((selector & 0xFFFC) == 0) raise(vec::kGeneral, 0);
  const unsigned rpl = selector & 3;
  if (rpl < cpl_) raise(vec::kGeneral, selector_error(selector));
  const Descriptor d = load_descriptor(selector, vec::kGeneral);
  if (!d.code()) raise(vec::kGeneral, selector_error(selector));
  if (d.conforming() ? d.dpl() > rpl : d.dpl() != rpl) raise(vec::kGeneral, selector_error(selector));
  if (!d.present()) raise(vec::kNotPresent, selector_error(selector));
  return d;
}

// The stack of the outer level a RETF or IRET returns to, checked and marked accessed.
Segment Cpu::return_stack_segment(uint16_t ss, unsigned rpl) {
  if ((ss & 0xFFFC) == 0) raise(vec::kGeneral, 0);
  Descriptor sd = load_descriptor(ss, vec::kGeneral);
  if ((ss & 3) != rpl || !sd.writable_data() || sd.dpl() != rpl) raise(vec::kGeneral, selector_error(ss));
  if (!sd.present()) raise(vec::kStack, selector_error(ss));
  set_descriptor_accessed(ss, sd);
  return Segment{ss, sd.base(), sd.limit(), sd.rights()};
}

void Cpu::far_return(unsigned osize, uint16_t pop_bytes) {
  const unsigned size = osize / 8;
  const uint64_t offset = size == 4 ? stack_peek<uint32_t>(0) : stack_peek<uint16_t>(0);
  const uint16_t selector =
      static_cast<uint16_t>(size == 4 ? stack_peek<uint32_t>(4) : stack_peek<uint16_t>(2));
  if (!pm()) {
    if (offset > seg[kCs].limit) raise(vec::kGeneral, 0);
    load_segment(kCs, selector);
    rip = offset;
    set_sp(sp() + 2 * size + pop_bytes);
    return;
  }
  const unsigned rpl = selector & 3;
  const Descriptor d = return_code_segment(selector);
  if (rpl == cpl_) {
    if (offset > d.limit()) raise(vec::kGeneral, 0);
    load_cs_for_transfer(selector, d, cpl_);
    rip = offset;
    set_sp(sp() + 2 * size + pop_bytes);
    return;
  }
  // To an outer level: the caller's SS:ESP sit above the parameters.
  const uint64_t depth = 2 * size + pop_bytes;
  const uint64_t new_sp = size == 4 ? stack_peek<uint32_t>(depth) : stack_peek<uint16_t>(depth);
  const uint16_t ss = static_cast<uint16_t>(size == 4 ? stack_peek<uint32_t>(depth + 4)
                                                      : stack_peek<uint16_t>(depth + 2));
  const Segment outer_ss = return_stack_segment(ss, rpl);
  if (offset > d.limit()) raise(vec::kGeneral, 0);
  load_cs_for_transfer(selector, d, rpl);
  set_segment_cache(kSs, outer_ss);
  set_sp(new_sp + pop_bytes);
  rip = offset;
  return_to_outer_level_segments();
}

void Cpu::interrupt_return(unsigned osize) {
  // Any IRET ends the NMI handler's blocking, even one that returns from something else.
  nmi_blocked_ = false;
  const unsigned size = osize / 8;
  auto peek = [&](unsigned n) -> uint32_t {
    return size == 4 ? stack_peek<uint32_t>(n * 4) : stack_peek<uint16_t>(n * 2);
  };
  const uint32_t size_mask = size == 4 ? 0xFFFFFFFF : 0xFFFF;
  if (!protected_mode()) {
    const uint64_t offset = peek(0);
    const uint16_t selector = static_cast<uint16_t>(peek(1));
    const uint32_t eflags = peek(2);
    if (offset > seg[kCs].limit) raise(vec::kGeneral, 0);
    load_segment(kCs, selector);
    rip = offset;
    set_sp(sp() + 3 * size);
    write_eflags(eflags, size_mask);
    return;
  }
  if (v86_mode()) {
    // Virtual-8086 mode: IRET is IOPL-sensitive and cannot change IOPL.
    if (iopl() < 3) raise(vec::kGeneral, 0);
    const uint64_t offset = peek(0);
    const uint16_t selector = static_cast<uint16_t>(peek(1));
    const uint32_t eflags = peek(2);
    if (offset > seg[kCs].limit) raise(vec::kGeneral, 0);
    load_segment(kCs, selector);
    rip = offset;
    set_sp(sp() + 3 * size);
    write_eflags(eflags, size_mask);
    return;
  }
  if (flags.get(flag::NT)) {
    // Return from a nested task: back to the task named by this TSS's back link.
    const uint16_t back_link = read_system<uint16_t>(tr.base);
    Descriptor d;
    if ((back_link & 4) || !fetch_descriptor(back_link, d)) raise(vec::kInvalidTss, selector_error(back_link));
    if (!d.system() || (d.type() != sys::kTss16Busy && d.type() != sys::kTss32Busy))
      raise(vec::kInvalidTss, selector_error(back_link));
    task_switch(back_link, d, TaskSwitchSource::kIret);
    return;
  }
  const uint64_t offset = peek(0);
  const uint16_t selector = static_cast<uint16_t>(peek(1));
  const uint32_t eflags = peek(2);
  const unsigned old_cpl = cpl_;

  if (size == 4 && (eflags & flag::VM) && old_cpl == 0) {
    // Return to virtual-8086 mode: the frame also holds ESP, SS, ES, DS, FS, GS.
    const uint32_t new_sp = peek(3);
    uint16_t selectors[5];
    for (unsigned n = 0; n < 5; ++n) selectors[n] = static_cast<uint16_t>(peek(4 + n));
    flags.write(eflags & ~flag::kReserved1);
    set_segment_cache(kCs, Segment{selector, uint64_t{selector} << 4, 0xFFFF, 0xF3});
    const unsigned order[5] = {kSs, kEs, kDs, kFs, kGs};
    for (unsigned n = 0; n < 5; ++n)
      set_segment_cache(order[n], Segment{selectors[n], uint64_t{selectors[n]} << 4, 0xFFFF, 0xF3});
    cpl_ = 3;
    gpr[kRsp] = new_sp;
    rip = offset & 0xFFFF;
    return;
  }

  const unsigned rpl = selector & 3;
  const Descriptor d = return_code_segment(selector);

  // EFLAGS by the rules of the privilege level being left.
  uint32_t writable = kIretFlags;
  if (old_cpl <= iopl()) writable |= flag::IF;
  if (old_cpl == 0) writable |= flag::IOPL | flag::VIF | flag::VIP;
  writable &= size_mask;

  if (rpl == old_cpl) {
    if (offset > d.limit()) raise(vec::kGeneral, 0);
    load_cs_for_transfer(selector, d, old_cpl);
    rip = offset;
    set_sp(sp() + 3 * size);
    flags.write_masked(eflags, writable);
    return;
  }
  const uint64_t new_sp = peek(3);
  const uint16_t ss = static_cast<uint16_t>(peek(4));
  const Segment outer_ss = return_stack_segment(ss, rpl);
  if (offset > d.limit()) raise(vec::kGeneral, 0);
  flags.write_masked(eflags, writable);
  load_cs_for_transfer(selector, d, rpl);
  set_segment_cache(kSs, outer_ss);
  set_sp(new_sp);
  rip = offset;
  return_to_outer_level_segments();
}

}  // namespace trapeze
