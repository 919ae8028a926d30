#include "devices/machine_config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "devices/char_output.h"
#include "devices/config_error.h"
#include "devices/run_result.h"

using namespace trapeze;

TEST_CASE("parse_output_spec: none, stdio and file:PATH") {
  CHECK(parse_output_spec("--debugcon", "none").target == OutputTarget::kNone);
  CHECK(parse_output_spec("--debugcon", "stdio").target == OutputTarget::kStdio);
  OutputSpec file = parse_output_spec("--serial", "file:/tmp/out.txt");
  CHECK(file.target == OutputTarget::kFile);
  CHECK(file.path == "/tmp/out.txt");
  CHECK_THROWS_AS(parse_output_spec("--serial", "file:"), ConfigError);
  try {
    parse_output_spec("--serial", "vc");
    FAIL("no exception");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("--serial") != std::string::npos);
  }
}

TEST_CASE("CharOutput: a file target receives the characters") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("trapeze-test-charout-" + std::to_string(::getpid()) + ".txt");
  {
    CharOutput out(OutputSpec{OutputTarget::kFile, path.string()});
    for (char c : std::string("line\npartial")) out.put(c);
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "line\npartial");
  std::filesystem::remove(path);
}

TEST_CASE("CharOutput: an unwritable file is a ConfigError, none discards") {
  CHECK_THROWS_AS(CharOutput(OutputSpec{OutputTarget::kFile, "/nonexistent/dir/out.txt"}),
                  ConfigError);
  CharOutput none(OutputSpec{});
  none.put('x');  // nowhere to go, and no crash
}

TEST_CASE("describe(RunResult) names the reason and the guest's status") {
  RunResult r;
  r.reason = StopReason::kGuestExit;
  r.exit_status = 7;
  CHECK(describe(r).find("guest exit (status 7)") == 0);
  r.reason = StopReason::kHaltedInterruptsOff;
  CHECK(describe(r).find("interrupts off") != std::string::npos);
}
