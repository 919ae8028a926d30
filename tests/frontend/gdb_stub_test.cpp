// The GDB remote protocol: packet framing, and the stub's answers against a small machine.
#include "frontend/gdb_stub.h"

#include <doctest/doctest.h>

#include "debug_test_machine.h"
#include "frontend/gdb_packet.h"

using namespace trapeze;

TEST_CASE("gdb packets: checksum and escaping") {
  CHECK(gdb_encode_packet("OK") == "$OK#9a");
  CHECK(gdb_encode_packet("") == "$#00");
  // '}' '#' '$' '*' are escaped as '}' then XOR 0x20; the checksum covers the escaped form.
  CHECK(gdb_encode_packet("a#b") ==
        "$a}\x03"
        "b#" +
            fmt::format("{:02x}", gdb_checksum("a}\x03"
                                               "b")));
}

TEST_CASE("gdb packets: the reader unescapes, checks sums and sees Ctrl-C") {
  GdbPacketReader reader;
  auto feed = [&](std::string_view bytes) {
    std::vector<GdbPacketReader::Item> items;
    for (char c : bytes)
      if (auto item = reader.feed(c)) items.push_back(*item);
    return items;
  };
  auto items = feed("+$g#67");
  REQUIRE(items.size() == 1);
  CHECK(items[0].kind == GdbPacketReader::Item::Kind::kPacket);
  CHECK(items[0].payload == "g");
  items = feed(gdb_encode_packet("M500,1:}"));
  REQUIRE(items.size() == 1);
  CHECK(items[0].kind == GdbPacketReader::Item::Kind::kPacket);
  CHECK(items[0].payload == "M500,1:}");
  items = feed("$g#00");
  REQUIRE(items.size() == 1);
  CHECK(items[0].kind == GdbPacketReader::Item::Kind::kBadChecksum);
  items = feed("\x03");
  REQUIRE(items.size() == 1);
  CHECK(items[0].kind == GdbPacketReader::Item::Kind::kInterrupt);
}

namespace {
struct Fixture {
  test::DebugTestMachine m;
  Debugger debugger{*m.machine};
  GdbStub stub{*m.machine, debugger};
  std::string ask(std::string_view p) {
    const auto r = stub.handle(p);
    REQUIRE(r.action == GdbStub::Action::kReply);
    return r.reply;
  }
};
}  // namespace

TEST_CASE("gdb stub: registers") {
  Fixture f;
  const std::string g = f.ask("g");
  CHECK(g.size() == 2 * (16 * 4 + 8 * 10 + 8 * 4));
  CHECK(g.substr(8 * 8, 8) == "f0ff0000");   // eip = 0xFFF0, little-endian
  CHECK(g.substr(10 * 8, 8) == "00f00000");  // cs = 0xF000
  CHECK(f.ask("p8") == "f0ff0000");
  CHECK(f.ask("P0=78563412") == "OK");
  CHECK(f.m.cpu().gpr[kRax] == 0x12345678);
  CHECK(f.ask("p0") == "78563412");
  CHECK(f.ask("p99") == "E01");
}

TEST_CASE("gdb stub: memory by linear address") {
  Fixture f;
  CHECK(f.ask("mf0000,4") == "b9000041");
  CHECK(f.ask("M500,2:3412") == "OK");
  CHECK(f.ask("m500,2") == "3412");
  CHECK(f.ask("mzz") == "E01");
}

TEST_CASE("gdb stub: breakpoints, watchpoints and the stop reply") {
  Fixture f;
  CHECK(f.ask("Z0,f0008,1") == "OK");
  CHECK(f.ask("Z2,500,2") == "OK");
  REQUIRE(f.debugger.breakpoints().size() == 2);
  CHECK(f.debugger.breakpoints()[0].kind == Breakpoint::Kind::kExecute);
  CHECK(f.debugger.breakpoints()[1].kind == Breakpoint::Kind::kWatchWrite);
  CHECK(f.stub.handle("c").action == GdbStub::Action::kContinue);
  f.debugger.resume();
  f.m.machine->run();
  CHECK(f.stub.stop_reply() == "T05watch:500;");
  f.debugger.resume();
  f.m.machine->run();
  CHECK(f.stub.stop_reply() == "T05hwbreak:;");
  CHECK(f.m.cpu().rip == 8);
  CHECK(f.ask("z0,f0008,1") == "OK");
  CHECK(f.ask("z2,500,2") == "OK");
  CHECK(f.debugger.breakpoints().empty());
  CHECK(f.ask("Z9,0,0").empty());  // unknown kinds: unsupported
}

TEST_CASE("gdb stub: target description and queries") {
  Fixture f;
  CHECK(f.ask("qSupported:multiprocess+;xmlRegisters=i386").find("qXfer:features:read+") !=
        std::string::npos);
  std::string xml;
  for (size_t offset = 0;;) {
    const std::string part = f.ask(fmt::format("qXfer:features:read:target.xml:{:x},40", offset));
    REQUIRE(!part.empty());
    xml += part.substr(1);
    offset += part.size() - 1;
    if (part[0] == 'l') break;
  }
  CHECK(xml == GdbStub::target_xml());
  CHECK(xml.find("org.gnu.gdb.i386.core") != std::string::npos);
  CHECK(xml.find("name=\"fop\"") != std::string::npos);
  CHECK(f.ask("?") == "T05");
  CHECK(f.ask("qAttached") == "1");
  CHECK(f.ask("vMustReplyEmpty").empty());
  CHECK(f.stub.handle("D").action == GdbStub::Action::kDetach);
  CHECK(f.stub.handle("k").action == GdbStub::Action::kKill);
}
