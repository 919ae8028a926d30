// Debug registers: DR0-DR3 breakpoint addresses, DR7 enables, DR6 status (SDM vol. 3,
// 17.2-17.3). Execute breakpoints are faults checked before an instruction; data
// breakpoints are traps reported after the instruction that touched the address.
// Alignment checking (CR0.AM, EFLAGS.AC at CPL 3) shares the slow memory path.
#include "cpu/cpu_access.h"

namespace trapeze {

namespace {

unsigned breakpoint_type(uint64_t dr7, unsigned n) { return (dr7 >> (16 + 4 * n)) & 3; }
unsigned breakpoint_length(uint64_t dr7, unsigned n) {
  constexpr unsigned kLengths[4] = {1, 2, 8, 4};
  return kLengths[(dr7 >> (18 + 4 * n)) & 3];
}
bool breakpoint_enabled(uint64_t dr7, unsigned n) { return (dr7 >> (2 * n)) & 3; }

}  // namespace

void Cpu::write_dr(unsigned n, uint64_t value) {
  attention_ = true;  // breakpoints are watched on the careful path only
  if (n == 6) value = (value & 0xE00F) | 0xFFFF0FF0;  // reserved bits read as 1
  if (n == 7) value = (value & 0xFFFF2FFF) | 0x400;
  dr[n] = value;
  if (n != 7 && n > 3) return;
  exec_breakpoints_ = data_breakpoints_ = 0;
  for (unsigned b = 0; b < 4; ++b) {
    if (!breakpoint_enabled(dr[7], b)) continue;
    const unsigned type = breakpoint_type(dr[7], b);
    if (type == 0) exec_breakpoints_ |= static_cast<uint8_t>(1u << b);
    if (type == 1 || type == 3) data_breakpoints_ |= static_cast<uint8_t>(1u << b);
  }
  update_memory_watch();
}

void Cpu::update_memory_watch() {
  alignment_check_ = (cr0 & cr0::AM) && cpl_ == 3 && (flags.control_bits() & flag::AC);
  const bool watch = alignment_check_ || data_breakpoints_ != 0;
  if (watch == memory_watch_) return;
  memory_watch_ = watch;
  for (unsigned s = 0; s < kSegCount; ++s) refresh_segment_access(s);
}

void Cpu::check_data_breakpoints(uint64_t linear, unsigned size, bool write) {
  for (unsigned b = 0; b < 4; ++b) {
    if (!(data_breakpoints_ & (1u << b))) continue;
    if (breakpoint_type(dr[7], b) == 1 && !write) continue;
    const unsigned length = breakpoint_length(dr[7], b);
    const uint64_t start = dr[b] & ~uint64_t{length - 1} & 0xFFFFFFFF;
    if (linear < start + length && start < linear + size) pending_dr6_ |= 1u << b;
  }
}

}  // namespace trapeze
