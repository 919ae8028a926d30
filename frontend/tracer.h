// The instruction trace (--trace): fed by the Debugger (frontend/debugger.h) around each
// step, it writes the lines frontend/trace_format.h describes for the steps its filter
// selects.
#pragma once

#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "cpu/cpu.h"
#include "frontend/register_snapshot.h"
#include "frontend/trace_filter.h"
#include "frontend/trace_format.h"
#include "mmu/physical_memory.h"

namespace trapeze {

class Tracer {
 public:
  // `out` stays owned by the caller. `page_walks`: also report page-table walks.
  Tracer(std::FILE* out, PhysicalMemory& memory, TraceFilter filter, bool page_walks);

  void console_output(char c) { filter_.console_output(c); }
  // The limit is reached: the trace has nothing more to say.
  bool finished() const { return filter_.exhausted(); }

  void before_step(Cpu& cpu);
  void after_step(Cpu& cpu);
  void memory_access(const MemoryAccess& a);
  void port_access(const PortAccessRecord& p);
  void event(const CpuEvent& e);
  void page_walk(const PageWalk& w);

 private:
  void write(const std::string& line);
  struct ModeBits {
    bool pe, pg, vm, code32;
    friend bool operator==(const ModeBits&, const ModeBits&) = default;
  };
  static ModeBits mode_of(const Cpu& cpu);

  // Disassembly is most of a line's cost, and traced code loops: decoded text is kept by
  // physical address and code size, and reused while the bytes there are unchanged.
  struct Decoded {
    std::array<uint8_t, 15> bytes{};
    size_t available = 0;
    uint64_t eip = 0;
    unsigned length = 0;
    std::string text;
  };
  const Decoded& decode(uint64_t key, const std::array<uint8_t, 15>& bytes, size_t available,
                        unsigned bits, uint64_t eip);
  std::unordered_map<uint64_t, Decoded> decoded_;

  std::FILE* out_;
  PhysicalMemory& memory_;
  TraceFilter filter_;
  bool page_walks_;
  // The step being traced.
  bool selected_ = false;
  bool previous_selected_ = false;
  uint64_t retired_before_ = 0;
  RegisterSnapshot before_;
  ModeBits mode_before_{};
  std::string mode_text_before_;
  TraceLine line_;
  std::vector<std::string> events_;
  bool first_event_is_fault_ = false;
};

}  // namespace trapeze
