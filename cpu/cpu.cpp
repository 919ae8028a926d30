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

Cpu::Cpu(PhysicalMemory& memory, PortIo& io) : memory_(memory), io_(io), mmu_(memory) {
  mmu_.set_attention_flag(&attention_);
  reset();
}

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
  ldtr = Segment{0, 0, 0xFFFF, 0x82};
  tr = Segment{0, 0, 0xFFFF, 0x8B};
  msr = Msrs{};
  fpu.power_on();
  xmm.fill(Vec128{});
  mxcsr = mxcsr::kDefault;
  cpl_ = 0;
  decoded_.clear();
  blocks_.clear();
  attention_ = irq_poll_ = true;
  exec_breakpoints_ = data_breakpoints_ = 0;
  memory_watch_ = alignment_check_ = false;
  pending_dr6_ = 0;
  for (unsigned s = 0; s < kSegCount; ++s) refresh_segment_access(s);
  update_paging();
  halted_ = shutdown_ = stop_requested_ = inhibit_ = ext_ = false;
  nmi_pending_ = nmi_blocked_ = false;
  mmu_.flush();
}

RunStop Cpu::run(uint64_t max_steps) {
  if (observer_ != nullptr) [[unlikely]]
    return run_observed(max_steps);
  stop_requested_ = false;
  // Devices ran between slices: look at the interrupt lines before the first instruction.
  attention_ = irq_poll_ = true;
  // The budget counts steps, not retired instructions: a guest stuck re-faulting on one
  // instruction retires nothing but must still give control back.
  uint64_t n = 0;
  while (n < max_steps) {
    if (shutdown_) return RunStop::kShutdown;
    if (stop_requested_) return RunStop::kStopRequested;
    if (halted_ && !(nmi_pending_ && !nmi_blocked_) &&
        !(interrupts_ && flags.get(flag::IF) && interrupts_->interrupt_pending()))
      return RunStop::kHalted;
    if (!needs_careful_step()) {
      if (const uint64_t done = run_blocks(max_steps - n)) {
        n += done;
        continue;
      }
    }
    attention_ = false;
    history_.record(steps_, seg[kCs], rip);
    step();
    ++steps_;
    ++n;
  }
  return shutdown_ ? RunStop::kShutdown : RunStop::kBudget;
}

bool Cpu::needs_careful_step() const {
  if (attention_ || halted_ || inhibit_) return true;
  const uint32_t control = flags.control_bits();
  if (irq_poll_ && (control & flag::IF)) return true;
  if ((control & (flag::TF | flag::RF)) || exec_breakpoints_ || memory_watch_) return true;
  return ((cr0 & cr0::AM) && cpl_ == 3 && (control & flag::AC)) != alignment_check_;
}

bool Cpu::interrupt_due() {
  if (inhibit_) return false;
  if (nmi_pending_ && !nmi_blocked_) return true;
  if (interrupts_ == nullptr || !flags.get(flag::IF)) return false;
  if (interrupts_->interrupt_pending()) return true;
  irq_poll_ = false;
  return false;
}

uint64_t Cpu::run_blocks(uint64_t budget) {
  const uint64_t first_step = steps_;
  const uint64_t last_step = steps_ + budget;
  const Segment& cs = seg[kCs];
  // The code page the previous block ran from. While nothing raised attention (a TLB
  // change, a store into decoded code, a CS load), its translation and code generation
  // still hold, so a block on the same page needs neither a TLB lookup nor a generation
  // lookup: only the block cache probe.
  uint64_t page_linear = ~uint64_t{0};
  uint64_t page_physical = 0;
  uint32_t page_generation = 0;
  attention_ = false;
  history_.record_cs(steps_, cs);  // CS loads raise attention: it holds for the loop
  do {
    const uint64_t linear = (cs.base + rip) & 0xFFFFFFFF;
    if ((linear & kPageMask) > kPageSize - 15 || rip > cs.limit) break;
    const bool is32 = code32();
    const DecodedBlock* block = nullptr;
    if ((linear & ~kPageMask) == page_linear)
      block = blocks_.find(page_physical | (linear & kPageMask), is32, page_generation);
    if (block == nullptr) {
      uint64_t physical;
      try {
        physical = mmu_.translate_fetch(linear, cpl_ == 3);
      } catch (const CpuException&) {
        break;  // the careful step raises the fault
      }
      if (physical == Mmu::kNotCacheable) break;
      block = find_or_build_block(physical);
      if (block == nullptr) break;
      page_linear = linear & ~kPageMask;
      page_physical = physical & ~kPageMask;
      page_generation = block->generation;
    }
    // Decoded under another CS limit, the block may run past this one: be careful.
    if (cs.limit - rip < block->span + 14) break;
    const uint64_t mask = is32 ? 0xFFFFFFFF : 0xFFFF;
    const Insn* insn = block->insns.data();
    // The budget may end inside the block.
    const Insn* const end = insn + std::min<uint64_t>(block->count, last_step - steps_);
    // Every step of a block retires its instruction but a faulting one: steps_ and
    // retired_ are brought up to date once per block (see block_steps_done()).
    const uint64_t block_first_step = steps_;
    uint64_t step = steps_;
    running_block_ = block;
    block_rip_ = rip;
    try {
      for (; insn != end; ++insn) {
        history_.record(step, rip);
        insn_rip_ = rip;
        insn_rsp_ = gpr[kRsp];
        const uint64_t next = (rip + insn->length) & mask;
        rip = next;
        insn->handler(*this, *insn);
        ++step;
        if (attention_ || rip != next) [[unlikely]]
          break;
      }
      running_block_ = nullptr;
      steps_ = step;
      retired_ += steps_ - block_first_step;
    } catch (const CpuException& e) {
      running_block_ = nullptr;
      steps_ = step;
      retired_ += steps_ - block_first_step;
      rip = insn_rip_;
      gpr[kRsp] = insn_rsp_;
      pending_dr6_ = 0;
      ++steps_;
      deliver_exception(e);
      attention_ = true;
    }
  } while (steps_ < last_step && !needs_careful_step());
  return steps_ - first_step;
}

uint64_t Cpu::block_steps_done() const {
  const uint64_t mask = code32() ? 0xFFFFFFFF : 0xFFFF;
  uint64_t done = 0;
  for (uint64_t at = block_rip_; at != insn_rip_ && done < running_block_->count; ++done)
    at = (at + running_block_->insns[done].length) & mask;
  return done;
}

const DecodedBlock* Cpu::find_or_build_block(uint64_t physical) {
  const bool is32 = code32();
  CodePages& pages = mmu_.code_pages();
  if (DecodedBlock* hit = blocks_.find(physical, is32, pages.generation(physical))) return hit;
  // Decode from CS:RIP onwards within the page; the first instruction's fetch cannot
  // fault (translate_fetch just succeeded) and later ones stay on the same page.
  // Never destroyed (see tables() in decoder.cpp): other threads may call exit().
  static const std::vector<bool>& ends_block = *new std::vector<bool>(block_ending_rows());
  DecodedBlock& block = blocks_.begin(physical);
  const Segment& cs = seg[kCs];
  const uint64_t start = rip;
  uint64_t at = rip;
  const uint64_t mask = is32 ? 0xFFFFFFFF : 0xFFFF;
  while (block.count < DecodedBlock::kMaxInstructions) {
    const uint64_t linear = (cs.base + at) & 0xFFFFFFFF;
    if ((linear & kPageMask) > kPageSize - 15 || at > cs.limit || cs.limit - at < 14) break;
    if (((linear ^ (cs.base + start)) & ~kPageMask) != 0) break;
    uint8_t bytes[16];
    const size_t have = mmu_.fetch_in_page(linear, bytes, 15, cpl_ == 3);
    Insn& insn = block.insns[block.count];
    if (decode(bytes, have, is32 ? 32 : 16, insn) != DecodeStatus::kOk) break;
    ++block.count;
    at = (at + insn.length) & mask;
    block.span = static_cast<uint32_t>(at - start);
    if (at < start || ends_block[insn.row]) break;
  }
  if (block.count == 0) return nullptr;
  mmu_.protect_code(physical, block.span);
  blocks_.commit(block, physical, is32, pages.generation(physical));
  return &block;
}

void Cpu::step() {
  if (shutdown_) return;
  // An NMI outranks INTR (SDM vol. 3, table 6-2); both wait for the instruction after
  // MOV SS/POP SS/STI.
  if (interrupt_due()) {
    halted_ = false;
    uint8_t vector = vec::kNmi;
    if (nmi_pending_ && !nmi_blocked_) {
      nmi_pending_ = false;
      nmi_blocked_ = true;
    } else {
      vector = interrupts_->acknowledge_interrupt();
    }
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
  const uint32_t control = flags.control_bits();
  const bool single_step = control & flag::TF;
  // Alignment checking depends on CPL, CR0.AM and EFLAGS.AC, which change in many places.
  if (((cr0 & cr0::AM) && cpl_ == 3 && (control & flag::AC)) != alignment_check_)
    update_memory_watch();
  try {
    if (exec_breakpoints_ && !(control & flag::RF)) check_execute_breakpoints();
    const Insn& insn = *fetch_decoded(scratch_);
    uint64_t next = rip + insn.length;
    rip = code32() ? next & 0xFFFFFFFF : next & 0xFFFF;
    pending_dr6_ = 0;
    insn.handler(*this, insn);
    ++retired_;
    if (control & flag::RF) flags.set(flag::RF, false);  // RF lasts one instruction
  } catch (const CpuException& e) {
    rip = insn_rip_;
    gpr[kRsp] = insn_rsp_;
    pending_dr6_ = 0;
    deliver_exception(e);
    return;
  }
  // Traps after the instruction: data breakpoints and single-step, one #DB for both.
  uint32_t dr6_bits = pending_dr6_;
  if (single_step && !inhibit_) dr6_bits |= 1u << 14;
  if (dr6_bits) {
    dr[6] = (dr[6] & ~uint64_t{0xF}) | dr6_bits;
    pending_dr6_ = 0;
    insn_rip_ = rip;
    insn_rsp_ = gpr[kRsp];
    deliver_exception(CpuException{vec::kDebug, false, 0});
  }
}

void Cpu::check_execute_breakpoints() {
  const uint64_t linear = (seg[kCs].base + rip) & 0xFFFFFFFF;
  uint32_t hits = 0;
  for (unsigned b = 0; b < 4; ++b)
    if ((exec_breakpoints_ & (1u << b)) && (dr[b] & 0xFFFFFFFF) == linear) hits |= 1u << b;
  if (hits == 0) return;
  dr[6] = (dr[6] & ~uint64_t{0xF}) | hits;
  raise(vec::kDebug);  // a fault: the instruction has not run; the handler sets RF
}

const Insn* Cpu::fetch_decoded(Insn& scratch) {
  const Segment& cs = seg[kCs];
  const uint64_t linear = (cs.base + rip) & 0xFFFFFFFF;
  // Only instructions that cannot reach the end of the page or of CS are cached, so a
  // cached one never needs a second page or a limit check.
  const bool roomy =
      (linear & kPageMask) <= kPageSize - 15 && rip <= cs.limit && cs.limit - rip >= 14;
  if (roomy) {
    const uint64_t physical = mmu_.translate_fetch(linear, cpl_ == 3);
    if (physical != Mmu::kNotCacheable) {
      const uint32_t generation = mmu_.code_pages().generation(physical);
      if (const Insn* hit = decoded_.find(physical, code32(), generation)) return hit;
      fetch_and_decode(scratch);
      mmu_.protect_code(physical, scratch.length);
      return decoded_.store(physical, code32(), mmu_.code_pages().generation(physical), scratch);
    }
  }
  fetch_and_decode(scratch);
  return &scratch;
}

void Cpu::fetch_and_decode(Insn& insn) {
  const Segment& cs = seg[kCs];
  if (rip > cs.limit) raise(vec::kGeneral, 0);
  const size_t available =
      static_cast<size_t>(std::min<uint64_t>(15, uint64_t{cs.limit} - rip + 1));
  uint8_t bytes[16];
  const uint64_t linear = (cs.base + rip) & 0xFFFFFFFF;
  size_t have = mmu_.fetch_in_page(linear, bytes, available, cpl_ == 3);
  const unsigned code_size = code32() ? 32 : 16;
  DecodeStatus status = decode(bytes, have, code_size, insn);
  if (status == DecodeStatus::kTruncated && have < available) {
    // The instruction continues on the next page.
    have +=
        mmu_.fetch_in_page((linear + have) & 0xFFFFFFFF, bytes + have, available - have, cpl_ == 3);
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
  // Faults while delivering a benign exception are delivered serially (SDM vol. 3, table
  // 6-5), so a delivery that keeps faulting the same benign way (#AC on every push of a
  // misaligned user stack) never ends. Bochs gives up after three nested exceptions and
  // shuts the processor down; so does this, a little later, so that every chain the
  // double-fault rules resolve is left alone.
  static constexpr unsigned kMaxNestedFaults = 8;
  unsigned nested_faults = 0;
  CpuException current = first;
  FaultClass current_class = classify(current.vector);
  bool delivering_double_fault = false;
  for (;;) {
    try {
      if (current.vector == vec::kPage) cr2 = current.fault_address;
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
      if (++nested_faults > kMaxNestedFaults) {
        log::cpu()->warn(
            "shutdown: {} nested faults delivering vector {} (last {}) at {:04x}:{:08x}",
            nested_faults, first.vector, next.vector, seg[kCs].selector, rip);
        shutdown_ = true;
        return;
      }
      report(CpuEvent{CpuEvent::Kind::kTripleFault, next.vector, next.has_error_code,
                      next.error_code, next.fault_address, 0});
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

void Cpu::write_eflags(uint32_t value, uint32_t size_mask) {
  uint32_t writable = kWritableFlags;
  if (pm()) {
    // Protected mode: IOPL changes only at CPL 0, IF only when CPL <= IOPL; other
    // attempts are silently ignored (not faults), as on hardware.
    if (cpl_ != 0) writable &= ~flag::IOPL;
    if (cpl_ > iopl()) writable &= ~flag::IF;
  } else if (v86_mode()) {
    writable &= ~flag::IOPL;  // the caller has checked IOPL = 3
  }
  flags.write_masked(value, writable & size_mask);
  if (size_mask > 0xFFFF) flags.set(flag::RF, false);
}

void Cpu::write_cr0(uint64_t value) {
  attention_ = true;
  value |= cr0::ET;  // the 387-class FPU interface is always present
  const uint64_t changed = cr0 ^ value;
  cr0 = value & 0xFFFFFFFF;
  if (changed & cr0::PE) {
    // Entering or leaving protected mode: the caches stay, what they permit changes.
    cpl_ = pm() ? seg[kCs].selector & 3 : (v86_mode() ? 3 : 0);
    if (!protected_mode()) cpl_ = 0;
    for (unsigned s = 0; s < kSegCount; ++s) refresh_segment_access(s);
  }
  if (changed & (cr0::PE | cr0::PG | cr0::WP)) update_paging();
}

void Cpu::write_cr3(uint64_t value) {
  cr3 = value & 0xFFFFFFFF;
  mmu_.load_cr3(cr3);
}

void Cpu::write_cr4(uint64_t value) {
  const uint64_t changed = cr4 ^ value;
  cr4 = value;
  if (changed & (cr4::PSE | cr4::PAE | cr4::PGE)) update_paging();
}

void Cpu::write_efer(uint64_t value) {
  msr.efer = value;
  update_paging();
}

void Cpu::update_paging() {
  PagingMode mode;
  mode.enabled = (cr0 & cr0::PG) && (cr0 & cr0::PE);
  mode.write_protect = cr0 & cr0::WP;
  mode.pse = cr4 & cr4::PSE;
  mode.pae = cr4 & cr4::PAE;
  mode.pge = cr4 & cr4::PGE;
  mode.nxe = msr.efer & (1u << 11);
  mode.cr3 = cr3;
  mmu_.set_paging(mode);
}

bool Cpu::io_permitted(uint16_t port, unsigned size) {
  if (!protected_mode()) return true;
  if (!v86_mode() && cpl_ <= iopl()) return true;
  // The I/O permission bitmap of a 32-bit TSS: every bit of the access must be clear.
  const unsigned type = tr.rights & 0xF;
  if (type != sys::kTss32Busy && type != sys::kTss32Available) return false;
  if (tr.limit < 0x67) return false;
  const uint32_t bitmap = read_system<uint16_t>(tr.base + 0x66);
  const uint32_t byte = bitmap + port / 8;
  if (byte + 1 > tr.limit) return false;
  const uint16_t bits = read_system<uint16_t>(tr.base + byte);
  const uint16_t mask = static_cast<uint16_t>(((1u << size) - 1) << (port & 7));
  return (bits & mask) == 0;
}

}  // namespace trapeze
