// The text form of a trace: one line per instruction, and "--" lines for what happens
// between instructions. tools/trace-diff reads it back, so the format is stable:
//
//   == state EAX=... EBX=... (every register, before the next line's instruction)
//   <count> <cs>:<eip> L<linear> P<physical> <bytes>  <Intel syntax> [| <changes>] [| <accesses>]
//   -- <event>
//
// <count> is the number of instructions retired before this one. <changes> lists the
// registers the instruction changed as name=old->new; <accesses> lists memory and port
// accesses as R4[linear p=physical]=value, W2[...]=value, IN1[port]=value, OUT1[...]=value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cpu/cpu_observer.h"

namespace trapeze {

struct PortAccessRecord {
  uint16_t port = 0;
  unsigned size_bytes = 0;
  uint32_t value = 0;
  bool write = false;
};

struct TraceLine {
  uint64_t count = 0;
  uint16_t cs = 0;
  uint32_t eip = 0;
  uint64_t linear = 0;
  std::optional<uint64_t> physical;
  std::vector<uint8_t> bytes;
  std::string text;
  bool faulted = false;  // the instruction raised an exception and did not complete
  std::string changes;
  std::vector<MemoryAccess> memory;
  std::vector<PortAccessRecord> ports;
};

std::string format_trace_line(const TraceLine& line);
std::string format_event(const CpuEvent& event);
std::string format_page_walk(const PageWalk& walk);
// Appends `value` as `digits` lowercase hex digits (the trace's hot path: no fmt).
void append_hex(std::string& out, uint64_t value, unsigned digits);
// "#PF", "#GP", ... or the vector in hex.
std::string exception_name(uint8_t vector);

}  // namespace trapeze
