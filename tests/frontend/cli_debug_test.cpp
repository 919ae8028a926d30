// The debugging options of the command line: trace, filters, history, monitor, gdb.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "frontend/cli.h"

namespace trapeze {
namespace {

CliParseResult parse(const std::vector<std::string>& words) {
  std::vector<std::string_view> args(words.begin(), words.end());
  return parse_command_line(args);
}

std::string error_of(const std::vector<std::string>& words) {
  const CliParseResult r = parse(words);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->exit_status == 2);
  return r.error->message;
}

}  // namespace

TEST_CASE("trace options fill DebugOptions") {
  const CliParseResult r = parse({"--trace", "-", "--trace-from", "100", "--trace-range",
                                  "c0000000-c0ffffff", "--trace-cpl", "3", "--trace-on",
                                  "login:", "--trace-limit", "5000", "--trace-pagewalks"});
  REQUIRE(r.ok());
  const DebugOptions& d = r.options.debug;
  CHECK(d.trace_path == "-");
  CHECK(d.trace_filter.from == 100);
  CHECK(*d.trace_filter.range_first == 0xC0000000);
  CHECK(*d.trace_filter.range_last == 0xC0FFFFFF);
  CHECK(*d.trace_filter.cpl == 3);
  CHECK(d.trace_filter.on_text == "login:");
  CHECK(d.trace_filter.limit == 5000);
  CHECK(d.trace_page_walks);
}

TEST_CASE("history, monitor and gdb options") {
  CHECK(parse({}).options.debug.history_steps == 64);
  CHECK(parse({"--history", "0"}).options.debug.history_steps == 0);
  CHECK(parse({"--history", "256"}).options.debug.history_steps == 256);
  const CliParseResult m = parse({"--monitor", "stdio", "--serial", "none"});
  REQUIRE(m.ok());
  CHECK(m.options.debug.monitor_stdio);
  const CliParseResult g = parse({"--gdb", "1234", "--gdb-wait"});
  REQUIRE(g.ok());
  CHECK(g.options.debug.gdb_port == 1234);
  CHECK(g.options.debug.gdb_wait);
}

TEST_CASE("debugging option mistakes are usage errors") {
  CHECK(error_of({"--trace-from", "5"}).find("need --trace") != std::string::npos);
  CHECK(error_of({"--trace", "-", "--trace-range", "5"}).find("--trace-range") !=
        std::string::npos);
  CHECK(error_of({"--trace", "-", "--trace-cpl", "4"}).find("--trace-cpl") != std::string::npos);
  CHECK(error_of({"--history", "1000"}).find("--history") != std::string::npos);
  CHECK(error_of({"--monitor", "tcp:1"}).find("stdio") != std::string::npos);
  // stdin is the monitor's: the serial console must go elsewhere.
  CHECK(error_of({"--monitor", "stdio"}).find("--serial") != std::string::npos);
  CHECK(error_of({"--monitor", "stdio", "--serial", "stdio"}).find("--serial") !=
        std::string::npos);
  CHECK(error_of({"--gdb", "0"}).find("--gdb") != std::string::npos);
  CHECK(error_of({"--gdb", "70000"}).find("--gdb") != std::string::npos);
  CHECK(error_of({"--gdb-wait"}).find("--gdb") != std::string::npos);
  CHECK(error_of({"--gdb", "1234", "--monitor", "stdio", "--serial", "none"}).find("together") !=
        std::string::npos);
}

}  // namespace trapeze
