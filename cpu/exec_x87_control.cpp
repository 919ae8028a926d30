// x87 control instructions: FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW (memory and AX), WAIT,
// and the 8087/287 leftovers FENI, FDISI and FSETPM, which P6 executes as no-ops. The
// control instructions leave FOP/FIP/FDP alone; the FN forms do not check for pending
// exceptions (the assembler's FINIT is WAIT; FNINIT).
#include "cpu/exec_x87.h"
#include "cpu/opcode_table.h"

namespace trapeze {
namespace {

using namespace x87;

void fninit(Cpu& c, const Insn&) { no_wait_prologue(c).init(); }

void fnclex(Cpu& c, const Insn&) {
  X87& f = no_wait_prologue(c);
  f.sw &= static_cast<uint16_t>(~(x87sw::kExceptions | x87sw::SF | x87sw::ES | x87sw::B));
  f.set_ferr(false);
}

void fldcw(Cpu& c, const Insn& i) {
  if (!ready(c)) return;
  const uint16_t cw = c.read<uint16_t>(i.seg, c.effective_address(i));
  X87& f = c.fpu;
  f.cw = static_cast<uint16_t>((cw & x87cw::kWritable) | x87cw::kReserved1);
  f.recompute_error_summary();  // unmasking a raised exception makes it pending
}

void fnstcw(Cpu& c, const Insn& i) {
  X87& f = no_wait_prologue(c);
  c.write<uint16_t>(i.seg, c.effective_address(i), f.cw);
}

void fnstsw(Cpu& c, const Insn& i) {
  X87& f = no_wait_prologue(c);
  c.write<uint16_t>(i.seg, c.effective_address(i), f.sw);
}

void fnstsw_ax(Cpu& c, const Insn&) {
  X87& f = no_wait_prologue(c);
  c.set_reg16(kRax, f.sw);
}

// WAIT/FWAIT: #NM only when both MP and TS are set (EM does not matter), then any
// pending unmasked exception.
void fwait(Cpu& c, const Insn&) {
  if ((c.cr0 & cr0::MP) && (c.cr0 & cr0::TS)) c.raise(vec::kNoDevice);
  if (c.fpu.sw & x87sw::ES) signal_pending_exception(c);
}

void fnop_control(Cpu& c, const Insn&) { no_wait_prologue(c); }

}  // namespace

std::vector<OpcodeRow> x87_control_rows() {
  return {
      {0x9B, -1, "wait", "", pick<fwait>},
      {0xDB, 4, "fneni", "R", pick<fnop_control>, 0, 0},
      {0xDB, 4, "fndisi", "R", pick<fnop_control>, 0, 1},
      {0xDB, 4, "fnclex", "R", pick<fnclex>, 0, 2},
      {0xDB, 4, "fninit", "R", pick<fninit>, 0, 3},
      {0xDB, 4, "fnsetpm", "R", pick<fnop_control>, 0, 4},
      {0xD9, 5, "fldcw", "Mw", pick<fldcw>},
      {0xD9, 7, "fnstcw", "Mw", pick<fnstcw>},
      {0xDD, 7, "fnstsw", "Mw", pick<fnstsw>},
      {0xDF, 4, "fnstsw", "ax,R", pick<fnstsw_ax>, 0, 0},
  };
}

}  // namespace trapeze
