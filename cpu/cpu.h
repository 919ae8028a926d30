// The CPU: architectural state, the instruction loop, memory and stack access through
// segmentation, and exception/interrupt delivery. Instruction semantics live in the
// handler files (cpu/exec_*.cpp), chosen per instruction by the decoder.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "cpu/cpu_exception.h"
#include "cpu/flags.h"
#include "cpu/insn.h"
#include "cpu/interrupt_source.h"
#include "cpu/registers.h"
#include "devices/port_io.h"
#include "mmu/mmu.h"

namespace trapeze {

enum class RunStop { kBudget, kHalted, kShutdown, kStopRequested };

class Cpu {
 public:
  Cpu(PhysicalMemory& memory, PortIo& io);

  // Power-on / RESET state: real mode, CS=F000 with base FFFF0000, IP=FFF0.
  void reset();
  void set_interrupt_source(InterruptSource* source) { interrupts_ = source; }

  // Executes instructions until `max_instructions` retired, HLT, shutdown (triple fault)
  // or request_stop(). Returns why it stopped; instructions_retired() counts.
  RunStop run(uint64_t max_instructions);
  // Executes exactly one instruction (or delivers one pending interrupt/exception).
  void step();
  void request_stop() { stop_requested_ = true; }

  bool halted() const { return halted_; }
  void wake() { halted_ = false; }
  bool shutdown() const { return shutdown_; }
  uint64_t instructions_retired() const { return retired_; }
  // The time-stamp counter. For now it counts retired instructions (one cycle each); it
  // moves to the machine's virtual clock when the board has one.
  uint64_t timestamp() const { return retired_; }

  Mmu& mmu() { return mmu_; }
  PortIo& io() { return io_; }

  // ---- Architectural state (public: handlers, tests, debugger and trace read it). ----
  std::array<uint64_t, kGprSlots> gpr{};  // gpr[kZeroReg] is always 0
  uint64_t rip = 0;
  Flags flags;
  std::array<Segment, kSegCount> seg{};
  uint64_t cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0;
  std::array<uint64_t, 8> dr{};
  DescriptorTable gdtr, idtr;

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
  unsigned cpl() const { return cpl_; }
  // Default operand/address size of the code segment: 16 or 32.
  bool code32() const { return (seg[kCs].rights >> 14) & 1; }
  bool stack32() const { return (seg[kSs].rights >> 14) & 1; }

  // ---- Services for instruction handlers. ----
  [[noreturn]] void raise(uint8_t vector);
  [[noreturn]] void raise(uint8_t vector, uint32_t error_code);

  // Memory through a segment, with limit checks (#GP(0), or #SS(0) for SS).
  template <typename T>
  T read(unsigned s, uint64_t offset);
  template <typename T>
  void write(unsigned s, uint64_t offset, T value);
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

  // Loads a segment register by the rules of the current mode.
  void load_segment(unsigned s, uint16_t selector);
  // Far control transfer to selector:offset (JMP/CALL/RET far, interrupts in real mode).
  void far_jump(uint16_t selector, uint64_t offset);
  // Sets RIP within the current code segment (#GP(0) beyond the CS limit).
  void jump(uint64_t target);

  // EFLAGS as POPF/IRET write it in the current mode.
  void write_eflags(uint32_t value, uint32_t size_mask);
  // Delivers interrupt `vector` (INT n, external or exception) through the IVT/IDT.
  void interrupt(uint8_t vector, bool software, const CpuException* exception);
  // The instruction's start, for handlers that re-execute (REP) or report (INTO).
  uint64_t insn_start() const { return insn_rip_; }
  void halt() { halted_ = true; }
  // Makes the next instruction boundary skip interrupt checks (MOV SS, POP SS, STI).
  void inhibit_interrupts() { inhibit_ = true; }

  // Writes CR0 with mode-change side effects.
  void write_cr0(uint64_t value);

 private:
  void execute_one();
  void deliver_exception(const CpuException& e);
  void fetch_and_decode(Insn& insn);

  PhysicalMemory& memory_;
  PortIo& io_;
  Mmu mmu_;
  InterruptSource* interrupts_ = nullptr;

  uint64_t insn_rip_ = 0;   // RIP of the instruction being executed
  uint64_t insn_rsp_ = 0;   // RSP before it, restored if it faults
  unsigned cpl_ = 0;
  bool halted_ = false;
  bool shutdown_ = false;
  bool stop_requested_ = false;
  bool inhibit_ = false;
  bool delivering_ = false;  // inside exception delivery: a second fault is a double fault
  uint64_t retired_ = 0;
};

}  // namespace trapeze
