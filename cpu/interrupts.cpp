// Delivering interrupts and exceptions: through the real-mode IVT, and through the
// protected-mode IDT's interrupt, trap and task gates, with the stack switch to an inner
// privilege level and the exit from virtual-8086 mode (SDM vol. 3, 6.12 and 20.3).
#include "cpu/cpu_access.h"
#include "cpu/inner_stack.h"
#include "cpu/stack_frame.h"

namespace trapeze {

void Cpu::interrupt(uint8_t vector, bool software, const CpuException* exception) {
  if (observer_ != nullptr) [[unlikely]] {
    using Kind = CpuEvent::Kind;
    const Kind kind = exception != nullptr ? Kind::kException
                      : software           ? Kind::kSoftwareInterrupt
                                           : Kind::kExternalInterrupt;
    CpuEvent e{kind, vector, false, 0, 0, 0};
    if (exception != nullptr) {
      e.has_error_code = exception->has_error_code;
      e.error_code = exception->error_code;
      e.fault_address = exception->fault_address;
    }
    observer_->event(e);
  }
  if (v86_mode() && software && iopl() < 3) raise(vec::kGeneral, 0);  // INT n is IOPL-sensitive
  if (!protected_mode()) {
    interrupt_real(vector);
    return;
  }
  // Faults while delivering an external event or exception carry EXT in their error codes.
  struct ExtScope {
    bool& flag;
    ~ExtScope() { flag = false; }
  } scope{ext_};
  ext_ = !software;
  interrupt_protected(vector, software, exception);
}

void Cpu::interrupt_real(uint8_t vector) {
  // The IVT entry is a far pointer at IDTR.base + vector * 4.
  const uint64_t entry = uint64_t{vector} * 4;
  if (entry + 3 > idtr.limit) raise(vec::kGeneral, static_cast<uint32_t>(entry * 2 + 2));
  const uint16_t new_ip = read_system<uint16_t>(idtr.base + entry);
  const uint16_t new_cs = read_system<uint16_t>(idtr.base + entry + 2);
  push<uint16_t>(static_cast<uint16_t>(flags.read()));
  push<uint16_t>(seg[kCs].selector);
  push<uint16_t>(static_cast<uint16_t>(rip));
  flags.write(flags.read() & ~(flag::IF | flag::TF | flag::AC | flag::RF));
  load_segment(kCs, new_cs);
  rip = new_ip;
}

void Cpu::interrupt_protected(uint8_t vector, bool software, const CpuException* exception) {
  const uint32_t ext = ext_ ? 1 : 0;
  const uint32_t idt_error = uint32_t{vector} * 8 + 2 + ext;
  if (uint32_t{vector} * 8 + 7 > idtr.limit) raise(vec::kGeneral, idt_error);
  Descriptor gate;
  gate.low = read_system<uint32_t>(idtr.base + uint64_t{vector} * 8);
  gate.high = read_system<uint32_t>(idtr.base + uint64_t{vector} * 8 + 4);
  const unsigned type = gate.type();
  const bool valid_type = gate.system() &&
                          (type == sys::kTaskGate || type == sys::kInterruptGate16 ||
                           type == sys::kTrapGate16 || type == sys::kInterruptGate32 ||
                           type == sys::kTrapGate32);
  if (!valid_type) raise(vec::kGeneral, idt_error);
  if (software && gate.dpl() < cpl_) raise(vec::kGeneral, idt_error);
  if (!gate.present()) raise(vec::kNotPresent, idt_error);

  const bool has_error = exception != nullptr && exception->has_error_code;
  const uint32_t error_code = has_error ? exception->error_code : 0;

  if (type == sys::kTaskGate) {
    const uint16_t tss_selector = gate.gate_selector();
    Descriptor tss;
    if ((tss_selector & 4) || !fetch_descriptor(tss_selector, tss))
      raise(vec::kInvalidTss, selector_error(tss_selector));
    task_switch(tss_selector, tss, TaskSwitchSource::kInterrupt);
    if (has_error) {
      if (code32()) push<uint32_t>(error_code);
      else push<uint16_t>(static_cast<uint16_t>(error_code));
    }
    return;
  }

  const uint16_t target_selector = gate.gate_selector();
  if ((target_selector & 0xFFFC) == 0) raise(vec::kGeneral, ext);
  const Descriptor target = load_descriptor(target_selector, vec::kGeneral);
  if (!target.code() || target.dpl() > cpl_) raise(vec::kGeneral, selector_error(target_selector));
  if (!target.present()) raise(vec::kNotPresent, selector_error(target_selector));
  const bool gate32 = gate.gate32();
  const unsigned size = gate32 ? 4 : 2;
  const uint64_t offset = gate32 ? gate.gate_offset() : gate.gate_offset() & 0xFFFF;
  if (offset > target.limit()) raise(vec::kGeneral, ext);

  const uint32_t old_flags = flags.read();
  // Faults push RF set, so the IRET back does not re-trigger an instruction breakpoint on
  // the restarted instruction; #DB handlers set RF themselves (SDM vol. 3, 17.3.1.1).
  const uint32_t pushed_flags = old_flags | (exception && exception->vector != vec::kDebug ? flag::RF : 0);
  const bool from_v86 = v86_mode();
  const bool inner = !target.conforming() && target.dpl() < cpl_;
  if (from_v86 && (!inner || target.dpl() != 0)) raise(vec::kGeneral, selector_error(target_selector));

  if (inner) {
    const unsigned new_cpl = target.dpl();
    const InnerStack stack = read_inner_stack(*this, new_cpl);
    StackFrameWriter frame(*this, stack.ss, stack.sp, vec::kStack, selector_error(stack.ss.selector));
    if (from_v86) {
      frame.push(seg[kGs].selector, size);
      frame.push(seg[kFs].selector, size);
      frame.push(seg[kDs].selector, size);
      frame.push(seg[kEs].selector, size);
    }
    frame.push(seg[kSs].selector, size);
    frame.push(static_cast<uint32_t>(gpr[kRsp]), size);
    frame.push(pushed_flags, size);
    frame.push(seg[kCs].selector, size);
    frame.push(static_cast<uint32_t>(rip), size);
    if (has_error) frame.push(error_code, size);
    // Commit: leave virtual-8086 mode, switch stacks, enter the handler.
    flags.write(old_flags & ~(flag::VM | flag::TF | flag::NT | flag::RF |
                              (type == sys::kInterruptGate16 || type == sys::kInterruptGate32
                                   ? flag::IF
                                   : 0)));
    if (from_v86)
      for (unsigned s : {kEs, kDs, kFs, kGs}) set_segment_cache(s, Segment{0, 0, 0, 0});
    cpl_ = new_cpl;
    set_segment_cache(kSs, stack.ss);
    gpr[kRsp] = stack.ss.rights & rights::kBig ? frame.sp() : (gpr[kRsp] & ~uint64_t{0xFFFF}) | frame.sp();
    load_cs_for_transfer(target_selector, target, new_cpl);
    rip = offset;
    return;
  }
  // Same privilege level: the frame goes on the current stack.
  if (size == 4) {
    push<uint32_t>(pushed_flags);
    push<uint32_t>(seg[kCs].selector);
    push<uint32_t>(static_cast<uint32_t>(rip));
    if (has_error) push<uint32_t>(error_code);
  } else {
    push<uint16_t>(static_cast<uint16_t>(old_flags));
    push<uint16_t>(seg[kCs].selector);
    push<uint16_t>(static_cast<uint16_t>(rip));
    if (has_error) push<uint16_t>(static_cast<uint16_t>(error_code));
  }
  flags.write(old_flags & ~(flag::TF | flag::NT | flag::RF |
                            (type == sys::kInterruptGate16 || type == sys::kInterruptGate32 ? flag::IF : 0)));
  load_cs_for_transfer(target_selector, target, cpl_);
  rip = offset;
}

}  // namespace trapeze
