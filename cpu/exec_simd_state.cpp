// MMX/SSE housekeeping: MXCSR (LDMXCSR, STMXCSR), EMMS, the fences, the cache hints
// (PREFETCHh, CLFLUSH), and the #XM/#UD reporting of SIMD floating-point exceptions.
// FXSAVE/FXRSTOR live with the other state saves in cpu/exec_x87_env.cpp.
#include "cpu/exec_simd.h"

namespace trapeze {

void simd::commit(Cpu& c, const Raised& r) {
  const uint8_t unmasked_all =
      static_cast<uint8_t>(~(c.mxcsr >> mxcsr::kMaskShift) & fpu::ex::kAll);
  uint8_t flags = r.pre;
  if (!(r.pre & unmasked_all)) flags |= r.post;
  c.mxcsr |= flags;
  if (flags & unmasked_all) c.raise((c.cr4 & cr4::OSXMMEXCPT) ? vec::kSimdFp : vec::kInvalidOpcode);
}

namespace {

using namespace simd;

void ldmxcsr(Cpu& c, const Insn& i) {
  sse_ready(c);
  const uint32_t v = c.read<uint32_t>(i.seg, c.effective_address(i));
  if (v & ~mxcsr::kMask) c.raise(vec::kGeneral, 0);
  c.mxcsr = v;  // flags and masks are loaded as they are: no exception now
}

void stmxcsr(Cpu& c, const Insn& i) {
  sse_ready(c);
  c.write<uint32_t>(i.seg, c.effective_address(i), c.mxcsr);
}

void emms(Cpu& c, const Insn&) {
  if (c.cr0 & cr0::EM) c.raise(vec::kInvalidOpcode);
  if (c.cr0 & cr0::TS) c.raise(vec::kNoDevice);
  if ((c.fpu.sw & x87sw::ES) && !x87::signal_pending_exception(c)) return;
  c.fpu.set_top(0);
  c.fpu.valid = 0;  // every register empty
}

// One CPU with in-order memory: fences have nothing to order, prefetches nothing to
// fetch. CLFLUSH still checks its operand like a byte read (#GP, #SS, #PF).
void fence(Cpu&, const Insn&) {}
void prefetch(Cpu&, const Insn&) {}
void clflush(Cpu& c, const Insn& i) { (void)c.read<uint8_t>(i.seg, c.effective_address(i)); }

}  // namespace

std::vector<OpcodeRow> simd_state_rows() {
  std::vector<OpcodeRow> rows = {
      {kMap0F | 0xAE, 2, "ldmxcsr", "Md", pick<ldmxcsr>, attr::kNoSimdPrefix},
      {kMap0F | 0xAE, 3, "stmxcsr", "Md", pick<stmxcsr>, attr::kNoSimdPrefix},
      {kMap0F | 0xAE, 5, "lfence", "R", pick<fence>, attr::kNoSimdPrefix},
      {kMap0F | 0xAE, 6, "mfence", "R", pick<fence>, attr::kNoSimdPrefix},
      {kMap0F | 0xAE, 7, "sfence", "R", pick<fence>, attr::kNoSimdPrefix},
      {kMap0F | 0xAE, 7, "clflush", "Mb", pick<clflush>, attr::kNoSimdPrefix},
      {kMap0F | 0x77, -1, "emms", "", pick<emms>, attr::kNoSimdPrefix},
  };
  const char* hints[4] = {"prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2"};
  for (int8_t n = 0; n < 4; ++n) rows.push_back({kMap0F | 0x18, n, hints[n], "Mb", pick<prefetch>});
  return rows;
}

}  // namespace trapeze
