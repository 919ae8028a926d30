// The --log spec and the loggers it sets up.
#include "frontend/log_spec.h"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include "frontend/logging.h"

namespace trapeze {
namespace {

LogSpec parse_ok(std::string_view text) {
  LogSpec spec;
  const auto error = parse_log_spec(text, spec);
  INFO("error: ", error.value_or(""));
  REQUIRE_FALSE(error.has_value());
  return spec;
}

TEST_CASE("a bare level applies to every component") {
  const LogSpec spec = parse_ok("debug");
  CHECK(spec.default_level == spdlog::level::debug);
  CHECK(spec.level_of("cpu") == spdlog::level::debug);
  CHECK(spec.level_of("pit") == spdlog::level::debug);
}

TEST_CASE("component=level items override the default, in any order") {
  const LogSpec spec = parse_ok("cpu=trace,info,pit=off");
  CHECK(spec.default_level == spdlog::level::info);
  CHECK(spec.level_of("cpu") == spdlog::level::trace);
  CHECK(spec.level_of("pit") == spdlog::level::off);
  CHECK(spec.level_of("pic") == spdlog::level::info);
  CHECK(parse_ok("cpu=debug,cpu=error").level_of("cpu") == spdlog::level::err);
  CHECK(parse_ok("warning").default_level == spdlog::level::warn);
}

TEST_CASE("a failed parse leaves the spec as it was") {
  LogSpec spec = parse_ok("cpu=debug");
  CHECK(parse_log_spec("cpu=trace,bogus", spec).has_value());
  CHECK(spec.level_of("cpu") == spdlog::level::debug);
}

TEST_CASE("configure_logging creates every component logger at its level") {
  configure_logging(parse_ok("error,cpu=debug"));
  for (std::string_view name : log_components()) {
    CAPTURE(name);
    REQUIRE(spdlog::get(std::string(name)) != nullptr);
  }
  CHECK(spdlog::get("cpu")->level() == spdlog::level::debug);
  CHECK(spdlog::get("pit")->level() == spdlog::level::err);
  CHECK(spdlog::default_logger()->name() == "trapeze");
  CHECK(spdlog::default_logger()->level() == spdlog::level::err);
  configure_logging(LogSpec{});  // later tests see the quiet default again
  CHECK(spdlog::get("cpu")->level() == spdlog::level::warn);
}

}  // namespace
}  // namespace trapeze
