#include "frontend/tracer.h"

#include <array>

#include "frontend/disassembler.h"
#include "frontend/guest_peek.h"

namespace trapeze {

Tracer::Tracer(std::FILE* out, PhysicalMemory& memory, TraceFilter filter, bool page_walks)
    : out_(out), memory_(memory), filter_(std::move(filter)), page_walks_(page_walks) {}

Tracer::ModeBits Tracer::mode_of(const Cpu& cpu) {
  return ModeBits{cpu.protected_mode(), (cpu.cr0 & cr0::PG) != 0, cpu.v86_mode(), cpu.code32()};
}

void Tracer::write(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
}

const Tracer::Decoded& Tracer::decode(uint64_t key, const std::array<uint8_t, 15>& bytes,
                                      size_t available, unsigned bits, uint64_t eip) {
  Decoded& d = decoded_[key];
  // Relative branch targets depend on EIP, which the key (physical address) does not
  // fix when two linear aliases differ in offset: keep EIP in the key's comparison too.
  if (d.length != 0 && d.available == available && d.bytes == bytes && d.eip == eip) return d;
  if (decoded_.size() > 65536) {
    decoded_.clear();
    return decode(key, bytes, available, bits, eip);
  }
  const Disassembly dis = disassemble(std::span(bytes.data(), available), bits, eip);
  d.bytes = bytes;
  d.available = available;
  d.eip = eip;
  d.length = dis.length != 0 ? dis.length : static_cast<unsigned>(std::min<size_t>(available, 1));
  d.text = dis.text;
  return d;
}

void Tracer::before_step(Cpu& cpu) {
  const uint64_t linear = (cpu.seg[kCs].base + cpu.rip) & 0xFFFFFFFF;
  selected_ = filter_.selects(cpu.instructions_retired(), linear, cpu.cpl());
  if (!selected_) {
    previous_selected_ = false;
    return;
  }
  retired_before_ = cpu.instructions_retired();
  before_ = RegisterSnapshot::of(cpu);
  mode_before_ = mode_of(cpu);
  mode_text_before_ = describe_mode(cpu);
  events_.clear();
  first_event_is_fault_ = false;

  line_ = TraceLine{};
  line_.count = retired_before_;
  line_.cs = cpu.seg[kCs].selector;
  line_.eip = static_cast<uint32_t>(cpu.rip);
  line_.linear = linear;
  line_.physical = peek_translate(cpu, linear);
  std::array<uint8_t, 15> bytes{};
  const size_t got = peek_linear(cpu, memory_, linear, bytes.data(), bytes.size());
  const unsigned bits = cpu.code32() ? 32 : 16;
  const uint64_t key = (line_.physical.value_or(linear | (uint64_t{1} << 40)) << 1) | (bits == 32);
  const Decoded& d = decode(key, bytes, got, bits, cpu.rip);
  line_.bytes.assign(bytes.begin(), bytes.begin() + d.length);
  line_.text = d.text;
  // A full state line where a run of traced lines starts, so a reader (trace-diff) can
  // follow the registers from the changes alone.
  if (!previous_selected_) write("== state " + describe_state(before_));
}

void Tracer::after_step(Cpu& cpu) {
  if (!selected_) return;
  previous_selected_ = true;
  const bool retired = cpu.instructions_retired() != retired_before_;
  if (retired || first_event_is_fault_) {
    line_.faulted = !retired;
    line_.changes = describe_changes(before_, RegisterSnapshot::of(cpu));
    write(format_trace_line(line_));
    filter_.shown();
  } else
    previous_selected_ = false;  // an interrupt delivered: registers moved without a line
  for (const std::string& e : events_) write(e);
  if (!(mode_of(cpu) == mode_before_))
    write("-- mode " + mode_text_before_ + " -> " + describe_mode(cpu));
  if (filter_.exhausted()) std::fflush(out_);
}

void Tracer::memory_access(const MemoryAccess& a) {
  if (selected_) line_.memory.push_back(a);
}

void Tracer::port_access(const PortAccessRecord& p) {
  if (selected_) line_.ports.push_back(p);
}

void Tracer::event(const CpuEvent& e) {
  if (!selected_) return;
  if (events_.empty()) first_event_is_fault_ = e.kind == CpuEvent::Kind::kException;
  events_.push_back(format_event(e));
}

void Tracer::page_walk(const PageWalk& w) {
  if (selected_ && page_walks_) events_.push_back(format_page_walk(w));
}

}  // namespace trapeze
