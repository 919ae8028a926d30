// The trace: filters, the line format, and a traced run of a small machine.
#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>

#include "debug_test_machine.h"
#include "frontend/debugger.h"
#include "frontend/register_snapshot.h"
#include "frontend/trace_filter.h"
#include "frontend/trace_format.h"
#include "frontend/tracer.h"

using namespace trapeze;

TEST_CASE("trace filter: from, range, cpl and limit") {
  TraceFilterSpec spec;
  spec.from = 10;
  spec.range_first = 0x1000;
  spec.range_last = 0x1FFF;
  spec.cpl = 3;
  spec.limit = 2;
  TraceFilter f(spec);
  CHECK_FALSE(f.selects(9, 0x1000, 3));   // before --trace-from
  CHECK_FALSE(f.selects(10, 0x0FFF, 3));  // below the range
  CHECK_FALSE(f.selects(10, 0x2000, 3));  // above it
  CHECK_FALSE(f.selects(10, 0x1000, 0));  // wrong privilege
  CHECK(f.selects(10, 0x1FFF, 3));
  f.shown();
  CHECK(f.selects(11, 0x1000, 3));
  f.shown();
  CHECK(f.exhausted());
  CHECK_FALSE(f.selects(12, 0x1000, 3));  // --trace-limit reached
}

TEST_CASE("trace filter: --trace-on waits for the text, overlaps included") {
  TraceFilterSpec spec;
  spec.on_text = "aab";
  TraceFilter f(spec);
  CHECK_FALSE(f.selects(0, 0, 0));
  for (char c : std::string_view("xaaa")) f.console_output(c);
  CHECK_FALSE(f.armed());
  f.console_output('b');
  CHECK(f.armed());
  CHECK(f.selects(0, 0, 0));
}

TEST_CASE("trace filter: address ranges parse as hex") {
  uint64_t a = 0, b = 0;
  CHECK(parse_address_range("c0000000-0xc0ffffff", a, b));
  CHECK(a == 0xC0000000);
  CHECK(b == 0xC0FFFFFF);
  CHECK_FALSE(parse_address_range("2000-1000", a, b));
  CHECK_FALSE(parse_address_range("12", a, b));
  CHECK_FALSE(parse_address_range("x-1", a, b));
}

TEST_CASE("trace format: an instruction line") {
  TraceLine l;
  l.count = 42;
  l.cs = 0x0008;
  l.eip = 0xC0100000;
  l.linear = 0xC0100000;
  l.physical = 0x00100000;
  l.bytes = {0x89, 0x0D, 0x00, 0x05, 0x00, 0x00};
  l.text = "mov [0x00000500], ecx";
  l.changes = "eflags=00000002->00000046";
  l.memory.push_back(MemoryAccess{0x500, 0x500, 4, 7, true});
  l.ports.push_back(PortAccessRecord{0x61, 1, 0x20, false});
  CHECK(format_trace_line(l) ==
        "42 0008:c0100000 Lc0100000 P00100000 890d00050000     mov [0x00000500], ecx"
        " | eflags=00000002->00000046 | W4[00000500 p=00000500]=00000007 IN1[0061]=20");
  l.physical.reset();
  l.faulted = true;
  l.changes.clear();
  l.memory.clear();
  l.ports.clear();
  CHECK(format_trace_line(l) ==
        "42 0008:c0100000 Lc0100000 P???????? 890d00050000     mov [0x00000500], ecx (faulted)");
}

TEST_CASE("trace format: events") {
  CHECK(format_event(CpuEvent{CpuEvent::Kind::kException, 14, true, 2, 0xC0000000, 0}) ==
        "-- exception 0e #PF error=0002 cr2=c0000000");
  CHECK(format_event(CpuEvent{CpuEvent::Kind::kException, 6, false, 0, 0, 0}) ==
        "-- exception 06 #UD");
  CHECK(format_event(CpuEvent{CpuEvent::Kind::kExternalInterrupt, 0x08, false, 0, 0, 0}) ==
        "-- interrupt 08 (external)");
  CHECK(format_event(CpuEvent{CpuEvent::Kind::kExternalInterrupt, 2, false, 0, 0, 0}) == "-- nmi");
  CHECK(format_event(CpuEvent{CpuEvent::Kind::kSoftwareInterrupt, 0x80, false, 0, 0, 0}) ==
        "-- interrupt 80 (software)");
  CHECK(format_event(CpuEvent{CpuEvent::Kind::kTaskSwitch, 0, false, 0, 0, 0x28}) ==
        "-- task switch to tss 0028");
  CHECK(format_page_walk(PageWalk{0xC0001000, 0x1000, 1, true}) ==
        "-- page walk c0001000 -> 00001000 write user");
}

TEST_CASE("register changes list old -> new, EIP left out") {
  RegisterSnapshot a, b;
  b = a;
  b.eip = 5;
  CHECK(describe_changes(a, b).empty());
  b.gpr[kRcx] = 1;
  b.seg[kDs] = 0x10;
  CHECK(describe_changes(a, b) == "ecx=00000000->00000001 ds=0000->0010");
}

namespace {
std::vector<std::string> traced_lines(TraceFilterSpec spec, bool page_walks = false) {
  test::DebugTestMachine m;
  char* buffer = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  {
    Debugger debugger(*m.machine);
    debugger.set_tracer(
        std::make_unique<Tracer>(out, m.machine->memory(), TraceFilter(spec), page_walks));
    m.machine->run();
  }
  std::fclose(out);
  std::istringstream in{std::string(buffer, size)};
  std::free(buffer);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

TEST_CASE("tracer: a whole run of the test ROM") {
  const auto lines = traced_lines({});
  REQUIRE(lines.size() >= 4);
  CHECK(lines[0].starts_with("== state EAX=00000000 "));
  CHECK(lines[0].find("EIP=0000fff0") != std::string::npos);
  CHECK(lines[1] == "0 f000:0000fff0 Lfffffff0 Pfffffff0 ea000000f0       jmp far 0xF000:0x0000");
  CHECK(lines[2] == "1 f000:00000000 L000f0000 P000f0000 b90000           mov cx, 0x00");
  CHECK(lines[3] ==
        "2 f000:00000003 L000f0003 P000f0003 41               inc cx | ecx=00000000->00000001");
  CHECK(lines[4] ==
        "3 f000:00000004 L000f0004 P000f0004 890e0005         mov [0x0500], cx | W2[00000500 "
        "p=00000500]=0001");
  // 1 + 1 + 3 x 4 (loop) + in + mov + out = 17 instructions before the exit.
  CHECK(lines.size() == 1 + 17);
  CHECK(lines.back().find("OUT1[00f4]=10") != std::string::npos);
  CHECK(lines[15].find("in al, 0x61") != std::string::npos);
  CHECK(lines[15].find("IN1[0061]=") != std::string::npos);
}

TEST_CASE("tracer: filters select what they say") {
  TraceFilterSpec from;
  from.from = 5;
  from.limit = 3;
  auto lines = traced_lines(from);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].starts_with("== state"));
  CHECK(lines[1].starts_with("5 "));
  CHECK(lines[3].starts_with("7 "));

  TraceFilterSpec range;
  range.range_first = 0xF0004;
  range.range_last = 0xF0004;
  lines = traced_lines(range);
  // Three passes through the loop, each after a gap: a state line before each.
  REQUIRE(lines.size() == 6);
  for (size_t i = 1; i < lines.size(); i += 2)
    CHECK(lines[i].find("f000:00000004") != std::string::npos);

  TraceFilterSpec cpl;
  cpl.cpl = 3;
  CHECK(traced_lines(cpl).empty());
}
