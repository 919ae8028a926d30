#include "cpu/cpu.h"

#include <algorithm>

#include "cpu/cpu_access.h"
#include "cpu/decoder.h"
#include "cpu/log.h"

namespace trapeze {

namespace {

// Exception classes for the double-fault rules (Intel SDM vol. 3, table 6-5).
enum class FaultClass { kBenign, kContributory, kPageFault };

FaultClass classify(uint8_t vector) {
  switch (vector) {
    case vec::kDivide:
    case vec::kInvalidTss:
    case vec::kNotPresent:
    case vec::kStack:
    case vec::kGeneral:
      return FaultClass::kContributory;
    case vec::kPage:
      return FaultClass::kPageFault;
    default:
      return FaultClass::kBenign;
  }
}

// EFLAGS bits POPF/IRET may change at CPL 0 outside virtual-8086 mode.
constexpr uint32_t kWritableFlags = flag::CF | flag::PF | flag::AF | flag::ZF | flag::SF |
                                    flag::TF | flag::IF | flag::DF | flag::OF | flag::IOPL |
                                    flag::NT | flag::AC | flag::ID;

}  // namespace

Cpu::Cpu(PhysicalMemory& memory, PortIo& io) : memory_(memory), io_(io), mmu_(memory) { reset(); }

void Cpu::reset() {
  gpr.fill(0);
  // EDX holds the processor signature after reset: family 6, model 3, stepping 3.
  gpr[kRdx] = 0x0633;
  for (Segment& s : seg) s = Segment{0, 0, 0xFFFF, 0x93};
  seg[kCs] = Segment{0xF000, 0xFFFF0000, 0xFFFF, 0x9B};
  rip = 0xFFF0;
  flags.write(flag::kReserved1);
  cr0 = cr0::CD | cr0::NW | cr0::ET;
  cr2 = cr3 = cr4 = 0;
  dr.fill(0);
  dr[6] = 0xFFFF0FF0;
  dr[7] = 0x400;
  gdtr = DescriptorTable{0, 0xFFFF};
  idtr = DescriptorTable{0, 0x3FF};
  cpl_ = 0;
  halted_ = shutdown_ = stop_requested_ = inhibit_ = delivering_ = false;
  mmu_.flush();
}

RunStop Cpu::run(uint64_t max_instructions) {
  uint64_t end = retired_ + max_instructions;
  stop_requested_ = false;
  while (retired_ < end) {
    if (shutdown_) return RunStop::kShutdown;
    if (stop_requested_) return RunStop::kStopRequested;
    if (halted_ && !(interrupts_ && flags.get(flag::IF) && interrupts_->interrupt_pending()))
      return RunStop::kHalted;
    step();
  }
  return shutdown_ ? RunStop::kShutdown : RunStop::kBudget;
}

void Cpu::step() {
  if (shutdown_) return;
  if (!inhibit_ && interrupts_ != nullptr && flags.get(flag::IF) &&
      interrupts_->interrupt_pending()) {
    halted_ = false;
    uint8_t vector = interrupts_->acknowledge_interrupt();
    insn_rip_ = rip;
    insn_rsp_ = gpr[kRsp];
    try {
      interrupt(vector, false, nullptr);
    } catch (const CpuException& e) {
      rip = insn_rip_;
      gpr[kRsp] = insn_rsp_;
      deliver_exception(e);
    }
    return;
  }
  inhibit_ = false;
  if (halted_) return;
  execute_one();
}

void Cpu::execute_one() {
  insn_rip_ = rip;
  insn_rsp_ = gpr[kRsp];
  const bool single_step = flags.get(flag::TF);
  try {
    Insn insn;
    fetch_and_decode(insn);
    uint64_t next = rip + insn.length;
    rip = code32() ? next & 0xFFFFFFFF : next & 0xFFFF;
    insn.handler(*this, insn);
    ++retired_;
  } catch (const CpuException& e) {
    rip = insn_rip_;
    gpr[kRsp] = insn_rsp_;
    deliver_exception(e);
    return;
  }
  if (single_step && !inhibit_) {
    // Trap after the instruction: #DB with DR6.BS.
    dr[6] |= 1u << 14;
    CpuException db{vec::kDebug, false, 0};
    insn_rip_ = rip;
    insn_rsp_ = gpr[kRsp];
    deliver_exception(db);
  }
}

void Cpu::fetch_and_decode(Insn& insn) {
  const Segment& cs = seg[kCs];
  if (rip > cs.limit) raise(vec::kGeneral, 0);
  const size_t available = static_cast<size_t>(std::min<uint64_t>(15, uint64_t{cs.limit} - rip + 1));
  uint8_t bytes[16];
  const uint64_t linear = (cs.base + rip) & 0xFFFFFFFF;
  size_t have = mmu_.fetch_in_page(linear, bytes, available);
  const unsigned code_size = code32() ? 32 : 16;
  DecodeStatus status = decode(bytes, have, code_size, insn);
  if (status == DecodeStatus::kTruncated && have < available) {
    // The instruction continues on the next page.
    have += mmu_.fetch_in_page((linear + have) & 0xFFFFFFFF, bytes + have, available - have);
    status = decode(bytes, have, code_size, insn);
  }
  // Running past the CS limit and exceeding 15 bytes are both #GP(0).
  if (status == DecodeStatus::kTruncated || status == DecodeStatus::kTooLong)
    raise(vec::kGeneral, 0);
}

void Cpu::raise(uint8_t vector) { throw CpuException{vector, false, 0}; }

void Cpu::raise(uint8_t vector, uint32_t error_code) {
  throw CpuException{vector, true, error_code};
}

void Cpu::deliver_exception(const CpuException& first) {
  CpuException current = first;
  FaultClass current_class = classify(current.vector);
  bool delivering_double_fault = false;
  for (;;) {
    try {
      interrupt(current.vector, false, &current);
      return;
    } catch (const CpuException& next) {
      rip = insn_rip_;
      gpr[kRsp] = insn_rsp_;
      if (delivering_double_fault) {
        // A fault while delivering #DF: triple fault, the processor shuts down.
        log::cpu()->warn("triple fault (vector {} while delivering #DF) at {:04x}:{:08x}",
                         next.vector, seg[kCs].selector, rip);
        shutdown_ = true;
        return;
      }
      FaultClass next_class = classify(next.vector);
      bool double_fault =
          (current_class == FaultClass::kContributory && next_class == FaultClass::kContributory) ||
          (current_class == FaultClass::kPageFault && next_class != FaultClass::kBenign);
      if (double_fault) {
        current = CpuException{vec::kDoubleFault, true, 0};
        delivering_double_fault = true;
      } else {
        current = next;
        current_class = next_class;
      }
    }
  }
}

void Cpu::interrupt(uint8_t vector, bool software, const CpuException* exception) {
  (void)software;
  (void)exception;
  if (protected_mode()) {
    log::once(log::cpu(), "protected-mode interrupt delivery is not implemented yet");
    shutdown_ = true;
    return;
  }
  // Real mode: the IVT entry is a far pointer at IDTR.base + vector * 4.
  const uint64_t entry = uint64_t{vector} * 4;
  if (entry + 3 > idtr.limit) raise(vec::kGeneral, entry * 2 + 2);
  const uint16_t new_ip = mmu_.read<uint16_t>((idtr.base + entry) & 0xFFFFFFFF);
  const uint16_t new_cs = mmu_.read<uint16_t>((idtr.base + entry + 2) & 0xFFFFFFFF);
  push<uint16_t>(static_cast<uint16_t>(flags.read()));
  push<uint16_t>(seg[kCs].selector);
  push<uint16_t>(static_cast<uint16_t>(rip));
  flags.write(flags.read() & ~(flag::IF | flag::TF | flag::AC | flag::RF));
  load_segment(kCs, new_cs);
  rip = new_ip;
}

void Cpu::load_segment(unsigned s, uint16_t selector) {
  if (protected_mode() && !v86_mode()) {
    log::once(log::cpu(), "protected-mode segment loads are not implemented yet");
    raise(vec::kGeneral, selector & 0xFFFC);
  }
  // Real and virtual-8086 mode: only the selector and base change; the cached limit and
  // rights stay (which is what makes "unreal mode" work).
  seg[s].selector = selector;
  seg[s].base = uint64_t{selector} << 4;
}

void Cpu::far_jump(uint16_t selector, uint64_t offset) {
  if (!protected_mode() || v86_mode()) {
    if (offset > seg[kCs].limit) raise(vec::kGeneral, 0);
    load_segment(kCs, selector);
    rip = offset;
    return;
  }
  log::once(log::cpu(), "protected-mode far transfers are not implemented yet");
  raise(vec::kGeneral, selector & 0xFFFC);
}

void Cpu::jump(uint64_t target) {
  if (target > seg[kCs].limit) raise(vec::kGeneral, 0);
  rip = target;
}

void Cpu::write_eflags(uint32_t value, uint32_t size_mask) {
  uint32_t writable = kWritableFlags & size_mask;
  if (size_mask > 0xFFFF) writable |= flag::RF;  // 32-bit POPF/IRET load RF too (IRET) or clear it
  flags.write_masked(value, writable);
}

void Cpu::write_cr0(uint64_t value) {
  value |= cr0::ET;  // the 387-class FPU interface is always present
  const uint64_t changed = cr0 ^ value;
  cr0 = value & 0xFFFFFFFF;
  if (changed & (cr0::PE | cr0::PG | cr0::WP)) mmu_.flush();
}

}  // namespace trapeze
