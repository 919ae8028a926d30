// The CPU: architectural state, the instruction loop, memory and stack access through
// segmentation and paging, and exception/interrupt delivery. Instruction semantics live
// in the handler files (cpu/exec_*.cpp), chosen per instruction by the decoder;
// protected-mode control transfers in cpu/far_transfer.cpp, cpu/interrupts.cpp and
// cpu/task_switch.cpp; segment loading in cpu/segmentation.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "cpu/block_cache.h"
#include "cpu/cpu_exception.h"
#include "cpu/cpu_observer.h"
#include "cpu/decoded_cache.h"
#include "cpu/descriptor.h"
#include "cpu/flags.h"
#include "cpu/fpu/x87_state.h"
#include "cpu/insn.h"
#include "cpu/interrupt_source.h"
#include "cpu/local_apic_link.h"
#include "cpu/msrs.h"
#include "cpu/registers.h"
#include "cpu/simd_state.h"
#include "cpu/step_history.h"
#include "devices/port_io.h"
#include "mmu/mmu.h"

namespace trapeze {

enum class RunStop { kBudget, kHalted, kShutdown, kStopRequested };

namespace cr4 {
inline constexpr uint64_t VME = 1u << 0;
inline constexpr uint64_t PVI = 1u << 1;
inline constexpr uint64_t TSD = 1u << 2;
inline constexpr uint64_t DE = 1u << 3;
inline constexpr uint64_t PSE = 1u << 4;
inline constexpr uint64_t PAE = 1u << 5;
inline constexpr uint64_t MCE = 1u << 6;
inline constexpr uint64_t PGE = 1u << 7;
inline constexpr uint64_t PCE = 1u << 8;
inline constexpr uint64_t OSFXSR = 1u << 9;  // the OS saves SSE state with FXSAVE: SSE enabled
inline constexpr uint64_t OSXMMEXCPT =
    1u << 10;  // the OS handles #XM (else unmasked SIMD FP faults are #UD)
}  // namespace cr4

class Cpu {
 public:
  Cpu(PhysicalMemory& memory, PortIo& io);

  // Power-on / RESET state: real mode, CS=F000 with base FFFF0000, IP=FFF0.
  void reset();
  void set_interrupt_source(InterruptSource* source) { interrupts_ = source; }
  // The local APIC's MSRs and CPUID flags (cpu/local_apic_link.h); nullptr: no APIC.
  void set_local_apic(LocalApicLink* apic) { local_apic_ = apic; }
  LocalApicLink* local_apic() const { return local_apic_; }
  // The NMI input (SDM vol. 3, 6.7.1 "Handling Multiple NMIs"): latched, delivered as
  // vector 2 at the next instruction boundary whatever IF says, then blocked until the
  // next IRET. A second NMI while one is latched is the same NMI.
  void raise_nmi() {
    nmi_pending_ = true;
    attention_ = true;
  }
  bool nmi_pending() const { return nmi_pending_; }

  // Executes up to `max_steps` steps (an instruction, or the delivery of an interrupt or
  // exception), stopping early at HLT, shutdown (triple fault) or request_stop(). Returns
  // why it stopped; instructions_retired() counts the instructions that completed.
  RunStop run(uint64_t max_steps);
  // Executes exactly one instruction (or delivers one pending interrupt/exception).
  void step();
  void request_stop() {
    stop_requested_ = true;
    attention_ = true;
  }

  // Debugging (cpu/cpu_observer.h): nullptr detaches. Costs nothing while detached.
  void set_observer(CpuObserver* observer);
  CpuObserver* observer() const { return observer_; }
  bool halted() const { return halted_; }
  void wake() { halted_ = false; }
  bool shutdown() const { return shutdown_; }
  // Exact between run() calls; inside a decoded block it lags until the block ends.
  uint64_t instructions_retired() const { return retired_; }
  // Steps run() has taken: instructions plus interrupt/exception deliveries. Virtual time
  // advances with these, so a guest stuck in a fault loop still sees time pass.
  uint64_t steps() const {
    return running_block_ == nullptr ? steps_ : steps_ + block_steps_done();
  }
  // CS:EIP of the last steps run() took (cpu/step_history.h).
  const StepHistory& history() const { return history_; }
  // The time-stamp counter: the board's virtual clock (1 GHz: one tick per ns) when it
  // gives one, else the steps taken (exact within a decoded block, where the retired
  // count is brought up to date per block); plus the offset WRMSR 0x10 sets.
  void set_clock(std::function<uint64_t()> now_ns) { clock_ = std::move(now_ns); }
  uint64_t cycles() const { return clock_ ? clock_() : steps(); }
  uint64_t timestamp() const { return cycles() + msr.tsc_offset; }

  Mmu& mmu() { return mmu_; }
  // Physical memory changed under the CPU (remapping, or a device wrote RAM by DMA):
  // decoded instructions from it must be decoded again.
  void physical_memory_changed() {
    decoded_.clear();
    blocks_.clear();
    attention_ = true;
  }
  // Port I/O for instruction handlers: the bus, or while observed a reporting wrapper.
  PortIo& io() { return *active_io_; }
  // Port I/O for instruction handlers: a device may raise or drop an interrupt request
  // (or change the memory map) in the access, so the loop looks again before going on.
  uint32_t port_in(uint16_t port, unsigned size) {
    attention_ = irq_poll_ = true;
    return active_io_->in(port, size);
  }
  void port_out(uint16_t port, unsigned size, uint32_t value) {
    attention_ = irq_poll_ = true;
    active_io_->out(port, size, value);
  }

  // ---- Architectural state (public: handlers, tests, debugger and trace read it). ----
  std::array<uint64_t, kGprSlots> gpr{};  // gpr[kZeroReg] is always 0
  uint64_t rip = 0;
  Flags flags;
  std::array<Segment, kSegCount> seg{};
  Segment ldtr, tr;  // selector and descriptor cache of the LDT and the task register
  uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;
  std::array<uint64_t, 8> dr{};
  DescriptorTable gdtr, idtr;
  Msrs msr;
  X87 fpu;                      // the x87 FPU (cpu/fpu/, handlers in cpu/exec_x87_*.cpp)
  std::array<Vec128, 8> xmm{};  // SSE registers (handlers in cpu/exec_simd_*.cpp, exec_sse_*.cpp)
  uint32_t mxcsr = mxcsr::kDefault;

  // Typed register access. 8-bit numbers 4-7 mean AH/CH/DH/BH (no REX in use).
  uint8_t reg8(unsigned n) const {
    return n < 4 || n > 7 ? static_cast<uint8_t>(gpr[n]) : static_cast<uint8_t>(gpr[n - 4] >> 8);
  }
  void set_reg8(unsigned n, uint8_t v) {
    if (n < 4 || n > 7)
      gpr[n] = (gpr[n] & ~uint64_t{0xFF}) | v;
    else
      gpr[n - 4] = (gpr[n - 4] & ~uint64_t{0xFF00}) | (uint64_t{v} << 8);
  }
  uint16_t reg16(unsigned n) const { return static_cast<uint16_t>(gpr[n]); }
  void set_reg16(unsigned n, uint16_t v) { gpr[n] = (gpr[n] & ~uint64_t{0xFFFF}) | v; }
  uint32_t reg32(unsigned n) const { return static_cast<uint32_t>(gpr[n]); }
  void set_reg32(unsigned n, uint32_t v) { gpr[n] = v; }  // zero-extends, as hardware does
  template <typename T>
  T reg(unsigned n) const;
  template <typename T>
  void set_reg(unsigned n, T v);

  bool protected_mode() const { return cr0 & cr0::PE; }
  bool v86_mode() const { return flags.get(flag::VM); }
  // Protected mode proper: PE set and not virtual-8086 mode.
  bool pm() const { return protected_mode() && !v86_mode(); }
  unsigned cpl() const { return cpl_; }
  unsigned iopl() const { return (flags.read() >> 12) & 3; }
  // Default operand/address size of the code segment: 16 or 32.
  bool code32() const { return (seg[kCs].rights >> 14) & 1; }
  bool stack32() const { return (seg[kSs].rights >> 14) & 1; }

  // ---- Services for instruction handlers. ----
  [[noreturn]] void raise(uint8_t vector);
  [[noreturn]] void raise(uint8_t vector, uint32_t error_code);

  // Memory through a segment, with limit and rights checks (#GP(0), or #SS(0) for SS)
  // and paging at the current privilege.
  template <typename T>
  T read(unsigned s, uint64_t offset);
  template <typename T>
  void write(unsigned s, uint64_t offset, T value);
  // Direct access for string instructions: the host address of s:offset when
  // segmentation allows the access (no slow checks) and the TLB maps the page directly
  // (Mmu::direct); `bytes` receives how many bytes from there stay within both the
  // segment limit and the page. nullptr: take the ordinary path.
  uint8_t* direct_span(unsigned s, uint64_t offset, bool write, uint64_t& bytes);
  // The same for string instructions running downwards (DF = 1): the host address of the
  // `size`-byte element at s:offset, and in `below` how many bytes under it stay within
  // both the page and the segment (which, not being expand-down, starts at offset 0).
  uint8_t* direct_span_down(unsigned s, uint64_t offset, unsigned size, bool write,
                            uint64_t& below);
  // Checks that a write of `size` bytes at s:offset would pass segmentation; used before
  // side effects (INS reads the port only if the store can happen).
  void check_write(unsigned s, uint64_t offset, unsigned size);
  // Linear memory with supervisor privilege: descriptor tables, the TSS, the IVT.
  template <typename T>
  T read_system(uint64_t linear) {
    return mmu_.read<T>(linear & 0xFFFFFFFF, false);
  }
  template <typename T>
  void write_system(uint64_t linear, T value) {
    mmu_.write<T>(linear & 0xFFFFFFFF, value, false);
  }
  // The offset of a decoded memory operand.
  uint64_t effective_address(const Insn& i) const {
    uint64_t ea = gpr[i.base] + (gpr[i.index] << i.scale) + static_cast<uint64_t>(int64_t{i.disp});
    return i.asize == 16 ? ea & 0xFFFF : i.asize == 32 ? ea & 0xFFFFFFFF : ea;
  }

  // Stack: PUSH/POP of a value of type T with the stack's address size (SS.B).
  template <typename T>
  void push(T value);
  template <typename T>
  T pop();
  // Reads without moving SP: `depth` bytes above the current top.
  template <typename T>
  T stack_peek(uint64_t depth);
  uint64_t sp_mask() const { return stack32() ? 0xFFFFFFFF : 0xFFFF; }
  uint64_t sp() const { return gpr[kRsp] & sp_mask(); }
  void set_sp(uint64_t v) { gpr[kRsp] = (gpr[kRsp] & ~sp_mask()) | (v & sp_mask()); }

  // Loads a data or stack segment register (MOV, POP, LDS...) by the rules of the mode.
  void load_segment(unsigned s, uint16_t selector);
  // Installs a descriptor cache directly (loaders, task switches, SYSENTER). In protected
  // mode, loading CS also sets CPL from the selector's RPL.
  void set_segment_cache(unsigned s, const Segment& cache);
  // Far control transfers; `osize` (16 or 32) is the instruction's operand size.
  void far_jump(uint16_t selector, uint64_t offset, unsigned osize);
  void far_call(uint16_t selector, uint64_t offset, unsigned osize);
  void far_return(unsigned osize, uint16_t pop_bytes);
  void interrupt_return(unsigned osize);
  // Sets RIP within the current code segment (#GP(0) beyond the CS limit).
  void jump(uint64_t target);

  // EFLAGS as POPF writes it: IOPL only at CPL 0, IF only when CPL <= IOPL, VM and RF never.
  void write_eflags(uint32_t value, uint32_t size_mask);
  // Delivers interrupt `vector` through the IVT/IDT. `software`: INT n/INT3/INTO (gate DPL
  // is checked, the return address is the next instruction).
  void interrupt(uint8_t vector, bool software, const CpuException* exception);
  // The instruction's start, for handlers that re-execute (REP) or report (INTO).
  uint64_t insn_start() const { return insn_rip_; }
  void halt() {
    halted_ = true;
    attention_ = true;
  }
  // Makes the next instruction boundary skip interrupt checks (MOV SS, POP SS, STI).
  void inhibit_interrupts() {
    inhibit_ = true;
    attention_ = true;
  }

  // Debug registers (MOV DRn): DR7 enables breakpoints.
  void write_dr(unsigned n, uint64_t value);
  // Control registers with their side effects (mode changes, TLB flushes).
  void write_cr0(uint64_t value);
  void write_cr3(uint64_t value);
  void write_cr4(uint64_t value);
  void write_efer(uint64_t value);
  // True when the I/O permission rules allow an access of `size` bytes at `port`.
  bool io_permitted(uint16_t port, unsigned size);
  // Task switch to the TSS named by `selector` (JMP, CALL, IRET with NT, task gates).
  enum class TaskSwitchSource { kJump, kCall, kIret, kInterrupt };
  void task_switch(uint16_t selector, const Descriptor& tss, TaskSwitchSource source);

  // Descriptor-table access for the handlers of LAR/LSL/VERR/VERW and friends.
  // Returns false when the selector is outside its table (no fault raised).
  bool fetch_descriptor(uint16_t selector, Descriptor& out);
  // Like fetch_descriptor, but raises `vector` with the selector as error code.
  Descriptor load_descriptor(uint16_t selector, uint8_t vector);
  void set_descriptor_accessed(uint16_t selector, Descriptor& d);
  // Error code for a selector fault: the selector with its RPL bits replaced by EXT.
  uint32_t selector_error(uint16_t selector) const { return (selector & 0xFFFC) | (ext_ ? 1 : 0); }
  // Loads LDTR from a selector (LLDT, task switches).
  void load_ldt(uint16_t selector, uint8_t vector);

 private:
  void execute_one();
  // Runs the decoded block at CS:RIP (as far as it goes straight); returns the steps
  // taken (0: the block path cannot run this instruction, take a careful step).
  uint64_t run_blocks(uint64_t budget);
  const DecodedBlock* find_or_build_block(uint64_t physical);
  // While a decoded block runs, steps_ stays at the count before it (the loop counts in a
  // register); a device or RDTSC asking for steps() mid-block gets the steps of the
  // block's instructions before the current one, found by walking their lengths from
  // the block's start to insn_rip_.
  uint64_t block_steps_done() const;
  const DecodedBlock* running_block_ = nullptr;
  uint64_t block_rip_ = 0;
  // Whether the next instruction needs execute_one(): single-step, debug breakpoints,
  // alignment checking, a pending interrupt check.
  bool needs_careful_step() const;
  // Interrupts at this boundary: an NMI, or INTR with IF set (not in an interrupt
  // shadow). Clears irq_poll_ when it looked and found nothing.
  bool interrupt_due();
  RunStop run_observed(uint64_t max_steps);
  void report(const CpuEvent& event) {
    if (observer_ != nullptr) [[unlikely]]
      observer_->event(event);
  }
  // Forwards port accesses to the bus and reports them to the observer.
  class ObservedPortIo final : public PortIo {
   public:
    explicit ObservedPortIo(Cpu& cpu) : cpu_(cpu) {}
    uint32_t in(uint16_t port, unsigned size_bytes) override;
    void out(uint16_t port, unsigned size_bytes, uint32_t value) override;

   private:
    Cpu& cpu_;
  };
  void check_execute_breakpoints();
  void deliver_exception(const CpuException& e);
  void fetch_and_decode(Insn& insn);
  // The decoded instruction at CS:RIP, from the cache when possible.
  const Insn* fetch_decoded(Insn& scratch);
  void update_paging();
  void interrupt_real(uint8_t vector);
  void interrupt_protected(uint8_t vector, bool software, const CpuException* exception);
  // Segment-check failures: the fault for segment `s`.
  [[noreturn]] void segment_fault(unsigned s);
  void far_transfer(uint16_t selector, uint64_t offset, unsigned osize, bool call);
  Descriptor return_code_segment(uint16_t selector);
  Segment return_stack_segment(uint16_t ss, unsigned rpl);
  void far_call_gate(const Descriptor& gate, uint16_t gate_selector, unsigned osize, bool call);
  // Pushes CS and then (E)IP, each `size` bytes: the return address of a far CALL.
  void push_return_address(unsigned size);
  void return_to_outer_level_segments();
  void load_cs_for_transfer(uint16_t selector, const Descriptor& d, unsigned new_cpl);

  // What a segment register's cache allows, recomputed whenever it is loaded, so the
  // common access needs one test: kAccessRead/kAccessWrite without kAccessSlow.
  // kAccessFlat: base 0 and limit 4 GiB - 1 (the flat segments of protected-mode
  // kernels), so an access below 4 GiB needs no limit check and no base addition.
  static constexpr uint8_t kAccessRead = 1, kAccessWrite = 2, kAccessSlow = 4,
                           kAccessExpandDown = 8, kAccessFlat = 16;
  void refresh_segment_access(unsigned s);
  // read() and write() beyond their inline fast path: other segments, limit and rights
  // checks, watched memory, TLB misses (cpu/segmentation.cpp).
  template <typename T>
  T read_slow(unsigned s, uint64_t offset);
  template <typename T>
  void write_slow(unsigned s, uint64_t offset, T value);
  void check_access_slow(unsigned s, uint64_t offset, unsigned size, uint8_t need);
  std::array<uint8_t, kSegCount> seg_access_{};
  // Debug breakpoints and alignment checking watch every data access: while either is
  // active, all accesses take the slow path.
  void update_memory_watch();
  void check_data_breakpoints(uint64_t linear, unsigned size, bool write);
  bool memory_watch_ = false;
  bool alignment_check_ = false;
  uint8_t exec_breakpoints_ = 0;  // DR7-enabled breakpoints of type "execute"
  uint8_t data_breakpoints_ = 0;  // ... of type "write" or "read/write"
  uint32_t pending_dr6_ = 0;      // data breakpoint hits of the current instruction

  PhysicalMemory& memory_;
  PortIo& io_;
  Mmu mmu_;
  DecodedCache decoded_;
  BlockCache blocks_;
  ObservedPortIo observed_io_{*this};
  PortIo* active_io_ = &io_;
  CpuObserver* observer_ = nullptr;
  Insn scratch_;  // decode target for instructions the cache does not keep
  // attention_: leave the decoded-block loop after this instruction and take a careful
  // step (raised by I/O, device memory, translation changes, stores into code, CS loads,
  // HLT, interrupt shadows, stop requests). irq_poll_: an interrupt may have become
  // pending since the last look with IF set; it stays raised until such a look.
  bool attention_ = true;
  bool irq_poll_ = true;
  InterruptSource* interrupts_ = nullptr;
  LocalApicLink* local_apic_ = nullptr;

  uint64_t insn_rip_ = 0;  // RIP of the instruction being executed
  unsigned cpl_ = 0;
  // RSP before it, restored if it faults. Not next to insn_rip_: the compiler would pair
  // the two stores into one 16-byte store fed by a 16-byte load of RIP and RSP, which
  // the handler has just written separately (a store-forwarding stall per instruction).
  uint64_t insn_rsp_ = 0;
  bool halted_ = false;
  bool shutdown_ = false;
  bool stop_requested_ = false;
  bool inhibit_ = false;
  bool ext_ = false;  // delivering an external event: selector faults carry EXT
  bool nmi_pending_ = false;
  bool nmi_blocked_ = false;  // an NMI handler runs: no NMI until IRET
  uint64_t retired_ = 0;
  uint64_t steps_ = 0;
  StepHistory history_;
  std::function<uint64_t()> clock_;
};

}  // namespace trapeze
