// What every x87 handler (cpu/exec_x87_*.cpp) shares: the instruction prologue (#NM,
// then a pending unmasked exception: #MF, or FERR# with CR0.NE clear), the
// last-instruction pointers, turning what an operation raised into status-word bits,
// and the masked responses to stack faults.
#pragma once

#include "cpu/cpu_access.h"
#include "cpu/fpu/float80.h"
#include "cpu/fpu/x87_state.h"

namespace trapeze::x87 {

using fpu::Env;
using fpu::Float80;

// Non-waiting instructions (FNINIT, FNSTSW, FNSAVE, ...): #NM when CR0.EM or CR0.TS.
inline X87& no_wait_prologue(Cpu& c) {
  if (c.cr0 & (cr0::EM | cr0::TS)) c.raise(vec::kNoDevice);
  return c.fpu;
}

// A pending unmasked exception at a waiting instruction: #MF with CR0.NE; otherwise
// FERR# is asserted and the processor freezes on this instruction until an interrupt
// (IRQ13 on a PC), unless IGNNE# is asserted or no board listens. Returns true when the
// instruction may go ahead.
bool signal_pending_exception(Cpu& c);

// Waiting instructions: #NM, then any pending exception. False: frozen, return at once.
inline bool ready(Cpu& c) {
  if (c.cr0 & (cr0::EM | cr0::TS)) c.raise(vec::kNoDevice);
  if (c.fpu.sw & x87sw::ES) [[unlikely]] return signal_pending_exception(c);
  return true;
}

// FOP, FIP and FCS for a non-control instruction; FDP and FDS for its memory operand.
void note_instruction(Cpu& c, const Insn& i);
inline void note_operand(Cpu& c, const Insn& i, uint64_t ea) {
  c.fpu.fdp = static_cast<uint32_t>(ea);
  c.fpu.fds = c.seg[i.seg].selector;
}

// Reports env.raised in the status word: the flags, C1 (set when PE and the result was
// rounded up, else clear), ES and B when unmasked. Returns whether the result may be
// written: not after an unmasked IE, ZE or DE, and not to memory after an unmasked OE or
// UE (which then report no PE and clear C1).
bool commit(X87& f, const Env& env, bool to_memory = false);
// Whether commit() will allow the write, without reporting anything: a store to memory
// must happen (and may fault) before the status word changes.
bool result_allowed(const X87& f, const Env& env, bool to_memory);

// Stack faults (IE with SF): underflow clears C1, overflow sets it. Masked, the
// destination ST(dest) (when dest >= 0) gets the indefinite and `pop` pops; unmasked,
// nothing changes but the status word.
void stack_underflow(X87& f, int dest, bool pop);
// Returns true when masked (the caller's push then happens with the indefinite).
bool stack_overflow(X87& f);
// For instructions that replace ST(0) and push a second result (FXTRACT, FSINCOS,
// FPTAN): false after handling an empty ST(0) or a full stack the way hardware does
// (masked: the indefinite in ST(0) and pushed).
bool two_results_fit(X87& f);
inline bool masked(const X87& f, uint8_t flag) { return f.cw & flag; }

// Register operand ST(i) of a register form: ModRM.rm.
inline unsigned sti(const Insn& i) { return i.rm; }

}  // namespace trapeze::x87
